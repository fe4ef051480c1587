"""Distances between rotations (Hartley et al. 2013, section 4).

For rotations ``R, S`` whose relative rotation ``R^T S`` has angle ``theta`` in
``[0, pi]``, every distance here is a function of ``theta`` alone (they are
bi-invariant):

- angular (geodesic): ``theta``;
- chordal: ``||R - S||_F = 2 sqrt(2) sin(theta / 2)``;
- quaternion: ``min(||r - s||, ||r + s||) = 2 sin(theta / 4)``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._checks import as_float_array, check_rotation_matrix
from .rotations import matrix_to_quat

__all__ = [
    "rotation_error",
    "angular_distance",
    "chordal_distance",
    "quat_distance",
    "quat_angular_distance",
    "chordal_from_angle",
    "quat_distance_from_angle",
    "angle_from_chordal",
    "angle_from_quat_distance",
]

Array = NDArray[np.float64]


def _unit(q: ArrayLike, name: str) -> Array:
    q = as_float_array(q, name, (4,))
    n = np.linalg.norm(q, axis=-1, keepdims=True)
    if np.any(n < 1e-12):
        raise ValueError(f"{name} must be non-zero quaternions")
    return q / n


def quat_angular_distance(q1: ArrayLike, q2: ArrayLike) -> Array:
    """Rotation angle (radians, in [0, pi]) between the rotations of two quaternions.

    ``theta = 2 atan2(|v|, |w|)`` for ``(w, v) = q1* q2``: accurate at every angle,
    unlike ``arccos`` of a trace or of a dot product.

    Parameters
    ----------
    q1 : array_like, shape (..., 4)
        Quaternions, scalar first (normalised first).
    q2 : array_like, shape (..., 4)
        Quaternions, broadcast against ``q1``.

    Returns
    -------
    ndarray, shape (...)
        Angles in radians, in ``[0, pi]``.

    Examples
    --------
    >>> s = np.sqrt(0.5)
    >>> round(float(quat_angular_distance([1.0, 0, 0, 0], [s, 0, 0, s])), 12)
    1.570796326795
    """
    a, b = _unit(q1, "q1"), _unit(q2, "q2")
    w = np.sum(a * b, axis=-1)
    # vector part of conj(a) * b
    v = a[..., :1] * b[..., 1:] - b[..., :1] * a[..., 1:] - np.cross(a[..., 1:], b[..., 1:])
    return 2.0 * np.arctan2(np.linalg.norm(v, axis=-1), np.abs(w))


def angular_distance(R1: ArrayLike, R2: ArrayLike) -> Array:
    """Geodesic distance: the angle (radians, in [0, pi]) of ``R1^T R2``.

    Parameters
    ----------
    R1 : array_like, shape (..., 3, 3)
        Rotation matrices.
    R2 : array_like, shape (..., 3, 3)
        Rotation matrices, broadcast against ``R1``.

    Returns
    -------
    ndarray, shape (...)
        Angles in radians, in ``[0, pi]``.

    Examples
    --------
    >>> from helpers.rotations import axis_angle_to_matrix
    >>> round(float(angular_distance(np.eye(3), axis_angle_to_matrix([0, 1, 0], 2.0))), 12)
    2.0
    """
    return quat_angular_distance(matrix_to_quat(R1), matrix_to_quat(R2))


def rotation_error(R_est: ArrayLike, R_true: ArrayLike, degrees: bool = False) -> Array:
    """Angle of the rotation that takes ``R_true`` to ``R_est``: ``|log(R_true^T R_est)|``.

    The error measure the chapters report for an estimated rotation (pose, average,
    alignment): :func:`angular_distance`, in radians or, with ``degrees=True``, degrees.
    Computed through quaternions, so it stays accurate near 0 and near 180 degrees.

    Parameters
    ----------
    R_est, R_true : array_like, shape (..., 3, 3)
        Estimated and reference rotations (broadcast against each other).
    degrees : bool
        Return degrees instead of radians.

    Returns
    -------
    ndarray, shape (...)
        Angles in ``[0, pi]`` (or ``[0, 180]``).

    Examples
    --------
    >>> from helpers.rotations import axis_angle_to_matrix
    >>> R = axis_angle_to_matrix([0, 0, 1], np.deg2rad(3.0))
    >>> round(float(rotation_error(R, np.eye(3), degrees=True)), 9)
    3.0
    """
    theta = angular_distance(R_est, R_true)
    return np.rad2deg(theta) if degrees else theta


def chordal_distance(R1: ArrayLike, R2: ArrayLike) -> Array:
    """Chordal distance ``||R1 - R2||_F`` (Frobenius norm of the difference).

    Parameters
    ----------
    R1 : array_like, shape (..., 3, 3)
        Rotation matrices.
    R2 : array_like, shape (..., 3, 3)
        Rotation matrices, broadcast against ``R1``.

    Returns
    -------
    ndarray, shape (...)
        Distances in ``[0, 2 sqrt 2]``.

    Examples
    --------
    >>> round(float(chordal_distance(np.eye(3), np.diag([-1.0, -1.0, 1.0]))), 12)   # 2 sqrt 2
    2.828427124746
    """
    A = check_rotation_matrix(R1, "R1")
    B = check_rotation_matrix(R2, "R2")
    return np.sqrt(np.sum((A - B) ** 2, axis=(-2, -1)))


def quat_distance(q1: ArrayLike, q2: ArrayLike) -> Array:
    """Hartley's ``d_quat = min(||q1 - q2||, ||q1 + q2||)`` of unit quaternions (normalised first).

    Parameters
    ----------
    q1 : array_like, shape (..., 4)
        Quaternions, scalar first (normalised first).
    q2 : array_like, shape (..., 4)
        Quaternions, broadcast against ``q1``.

    Returns
    -------
    ndarray, shape (...)
        Distances in ``[0, sqrt 2]``.

    Examples
    --------
    >>> float(quat_distance([1.0, 0, 0, 0], [-1.0, 0, 0, 0]))   # the same rotation
    0.0
    """
    a, b = _unit(q1, "q1"), _unit(q2, "q2")
    return np.minimum(np.linalg.norm(a - b, axis=-1), np.linalg.norm(a + b, axis=-1))


def _angle(theta: ArrayLike) -> Array:
    t = as_float_array(theta, "theta")
    if np.any((t < 0) | (t > np.pi + 1e-12)):
        raise ValueError("theta must be a rotation angle in [0, pi]")
    return t


def chordal_from_angle(theta: ArrayLike) -> Array:
    """``d_chord = 2 sqrt(2) sin(theta / 2)`` for an angle in [0, pi].

    Parameters
    ----------
    theta : array_like
        Rotation angles in radians, in ``[0, pi]``.

    Returns
    -------
    ndarray
        Chordal distances.

    Examples
    --------
    >>> round(float(chordal_from_angle(np.pi)), 6)   # 2 sqrt(2) for a half turn
    2.828427
    """
    return 2.0 * np.sqrt(2.0) * np.sin(_angle(theta) / 2.0)


def quat_distance_from_angle(theta: ArrayLike) -> Array:
    """``d_quat = 2 sin(theta / 4)`` for an angle in [0, pi].

    Parameters
    ----------
    theta : array_like
        Rotation angles in radians, in ``[0, pi]``.

    Returns
    -------
    ndarray
        Quaternion distances.

    Examples
    --------
    >>> round(float(quat_distance_from_angle(np.pi)), 6)   # sqrt(2) for a half turn
    1.414214
    """
    return 2.0 * np.sin(_angle(theta) / 4.0)


def angle_from_chordal(d: ArrayLike) -> Array:
    """Inverse of :func:`chordal_from_angle`, for ``d`` in ``[0, 2 sqrt 2]``.

    Parameters
    ----------
    d : array_like
        Chordal distances in ``[0, 2 sqrt 2]``.

    Returns
    -------
    ndarray
        Angles in radians, in ``[0, pi]``.

    Examples
    --------
    >>> round(float(angle_from_chordal(chordal_from_angle(0.3))), 12)
    0.3
    """
    d = as_float_array(d, "d")
    if np.any((d < 0) | (d > 2 * np.sqrt(2) + 1e-12)):
        raise ValueError("a chordal distance lies in [0, 2 sqrt(2)]")
    return 2.0 * np.arcsin(np.clip(d / (2 * np.sqrt(2)), 0, 1))


def angle_from_quat_distance(d: ArrayLike) -> Array:
    """Inverse of :func:`quat_distance_from_angle`, for ``d`` in ``[0, sqrt 2]``.

    Parameters
    ----------
    d : array_like
        Quaternion distances in ``[0, sqrt 2]``.

    Returns
    -------
    ndarray
        Angles in radians, in ``[0, pi]``.

    Examples
    --------
    >>> round(float(angle_from_quat_distance(quat_distance_from_angle(0.3))), 12)
    0.3
    """
    d = as_float_array(d, "d")
    if np.any((d < 0) | (d > np.sqrt(2) + 1e-12)):
        raise ValueError("a quaternion distance lies in [0, sqrt(2)]")
    return 4.0 * np.arcsin(np.clip(d / 2, 0, 1))
