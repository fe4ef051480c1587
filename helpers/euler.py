"""Euler angles: every axis sequence, and Slabaugh's extraction algorithm.

``seq`` follows :class:`scipy.spatial.transform.Rotation`: three letters from
``xyz``; upper case is *intrinsic* (about the moving, body-fixed axes), lower case
is *extrinsic* (about the fixed axes). Intrinsic ``"ABC"`` with angles
``(a, b, c)`` is ``R_A(a) R_B(b) R_C(c)``; extrinsic ``"abc"`` is
``R_C(c) R_B(b) R_A(a)``. Matrices are active and act on column vectors.

Returned angles: the middle one lies in ``[0, pi]`` for proper Euler sequences
(``zyz``, ``zxz``, ...) and in ``[-pi/2, pi/2]`` for Tait-Bryan sequences
(``xyz``, ...); the others in ``(-pi, pi]``. In gimbal lock only the sum or the
difference of the outer angles is fixed; we return the solution whose first angle
(in the order of application to the object, i.e. the last factor) is 0, as scipy
does.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._checks import as_float_array, check_rotation_matrix

__all__ = ["elementary_rotation", "euler_to_matrix", "matrix_to_euler", "slabaugh_euler"]

Array = NDArray[np.float64]
_AXIS = {"x": 0, "y": 1, "z": 2}


def elementary_rotation(axis: str | int, angle: ArrayLike) -> Array:
    """Active rotation by ``angle`` (radians) about the coordinate axis ``axis``.

    Parameters
    ----------
    axis : {"x", "y", "z"} or {0, 1, 2}
    angle : array_like, shape (...)

    Returns
    -------
    ndarray, shape (..., 3, 3)

    Examples
    --------
    >>> np.round(elementary_rotation("z", np.pi / 2), 12)
    array([[ 0., -1.,  0.],
           [ 1.,  0.,  0.],
           [ 0.,  0.,  1.]])
    """
    if isinstance(axis, str):
        if axis.lower() not in _AXIS:
            raise ValueError(f"axis must be 'x', 'y' or 'z', got {axis!r}")
        k = _AXIS[axis.lower()]
    elif axis in (0, 1, 2):
        k = int(axis)
    else:
        raise ValueError(f"axis must be 'x', 'y', 'z' or 0, 1, 2, got {axis!r}")
    angle = as_float_array(angle, "angle")
    c, s = np.cos(angle), np.sin(angle)
    out = np.zeros(angle.shape + (3, 3))
    p, r = (k + 1) % 3, (k + 2) % 3
    out[..., k, k] = 1.0
    out[..., p, p] = c
    out[..., r, r] = c
    out[..., r, p] = s
    out[..., p, r] = -s
    return out


def _parse_seq(seq: str) -> tuple[list[int], bool]:
    if not isinstance(seq, str) or len(seq) != 3:
        raise ValueError(f"seq must be a 3-letter string such as 'ZYZ' or 'xyz', got {seq!r}")
    if not (seq.isupper() or seq.islower()) or set(seq.lower()) - set("xyz"):
        raise ValueError(
            f"seq must be 3 letters from xyz, all upper (intrinsic) or all lower (extrinsic), got {seq!r}"
        )
    axes = [_AXIS[c] for c in seq.lower()]
    if axes[0] == axes[1] or axes[1] == axes[2]:
        raise ValueError(f"seq must not repeat an axis in consecutive positions, got {seq!r}")
    return axes, seq.isupper()


def euler_to_matrix(angles: ArrayLike, seq: str, degrees: bool = False) -> Array:
    """Rotation matrix of Euler angles in any of the 24 axis sequences.

    Parameters
    ----------
    angles : array_like, shape (..., 3)
        Angles in the order of ``seq``.
    seq : str
        ``"ZYZ"`` (intrinsic), ``"xyz"`` (extrinsic), ... as in scipy.
    degrees : bool
        Angles in degrees instead of radians.

    Returns
    -------
    ndarray, shape (..., 3, 3)

    Examples
    --------
    >>> R = euler_to_matrix([90, 90, 0], "ZYZ", degrees=True)
    >>> np.round(R @ [0.0, 0, 1], 12)       # z is tilted onto y
    array([0., 1., 0.])
    """
    axes, intrinsic = _parse_seq(seq)
    angles = as_float_array(angles, "angles", (3,))
    if degrees:
        angles = np.deg2rad(angles)
    mats = [elementary_rotation(a, angles[..., i]) for i, a in enumerate(axes)]
    if intrinsic:
        return mats[0] @ mats[1] @ mats[2]
    return mats[2] @ mats[1] @ mats[0]


def _intrinsic_angles(R: Array, axes: list[int]) -> Array:
    """Angles (a, b, c) with ``R = R_i(a) R_j(b) R_k(c)`` for intrinsic axes i, j, k."""
    i, j, k3 = axes
    proper = i == k3
    k = 3 - i - j  # the axis not among i, j
    e = 1.0 if (i, j, k) in ((0, 1, 2), (1, 2, 0), (2, 0, 1)) else -1.0
    if proper:
        sin_b = np.hypot(R[..., i, j], R[..., i, k])
        b = np.arctan2(sin_b, R[..., i, i])
        a = np.arctan2(R[..., j, i], -e * R[..., k, i])
    else:
        cos_b = np.hypot(R[..., i, i], R[..., i, j])
        sin_b = cos_b  # the quantity that vanishes in gimbal lock
        b = np.arctan2(e * R[..., i, k], cos_b)
        a = np.arctan2(-e * R[..., j, k], R[..., k, k])
    # the residual step below makes the generic branch exact arbitrarily close to lock, so
    # only (numerically) exact lock takes the c = 0 branch
    locked = sin_b < 1e-14
    # in gimbal lock set the last factor's angle c = 0: then R = R_i(a) R_j(b), whose
    # column j is R_i(a) e_j, so a follows from R[k, j] and R[j, j]
    a = np.where(locked, np.arctan2(e * R[..., k, j], R[..., j, j]), a)
    # c from the residual R_j(b)^T R_i(a)^T R = R_k3(c): exact even near gimbal lock
    N = (
        np.swapaxes(elementary_rotation(j, b), -1, -2)
        @ np.swapaxes(elementary_rotation(i, a), -1, -2)
        @ R
    )
    p, r = (k3 + 1) % 3, (k3 + 2) % 3
    c = np.where(locked, 0.0, np.arctan2(N[..., r, p], N[..., p, p]))
    return np.stack([a, b, c], axis=-1)


def matrix_to_euler(R: ArrayLike, seq: str, degrees: bool = False) -> Array:
    """Euler angles of rotation matrices in any axis sequence (inverse of :func:`euler_to_matrix`).

    Parameters
    ----------
    R : array_like, shape (..., 3, 3)
    seq : str
        As in :func:`euler_to_matrix`.
    degrees : bool
        Return degrees instead of radians.

    Returns
    -------
    ndarray, shape (..., 3)

    Examples
    --------
    >>> np.round(matrix_to_euler(euler_to_matrix([10, 20, 30], "ZYZ", True), "ZYZ", True), 9)
    array([10., 20., 30.])
    """
    axes, intrinsic = _parse_seq(seq)
    R = check_rotation_matrix(R)
    if intrinsic:
        ang = _intrinsic_angles(R, axes)
    else:  # extrinsic abc with (a, b, c) == intrinsic CBA with (c, b, a)
        ang = _intrinsic_angles(R, axes[::-1])[..., ::-1]
    return np.rad2deg(ang) if degrees else ang


def slabaugh_euler(R: ArrayLike, tol: float = 1e-12) -> tuple[Array, Array]:
    """Both Euler-angle solutions of Slabaugh's Figure 1 for ``R = Rz(phi) Ry(theta) Rx(psi)``.

    Follows the pseudo-code of Slabaugh's note (``theta`` from ``R31``, ``psi`` from
    ``R32, R33``, ``phi`` from ``R21, R11``, each divided by ``cos(theta)`` to fix
    the quadrant). Two solutions exist when ``cos(theta) != 0``. In gimbal lock
    (``|R31| = 1`` to within ``tol``) there are infinitely many; like the note we set
    ``phi = 0``, and both returned rows are that same solution.

    Parameters
    ----------
    R : array_like, shape (..., 3, 3)
    tol : float
        Tolerance on ``|R31| - 1`` for gimbal lock (an exact ``== 1`` test never
        fires on floating-point data).

    Returns
    -------
    sol1, sol2 : ndarray, shape (..., 3)
        ``(psi, theta, phi)`` in radians: angles about x, y, z.

    Examples
    --------
    >>> s1, s2 = slabaugh_euler(euler_to_matrix([0.1, 0.2, 0.3], "xyz"))
    >>> np.round(s1, 12)
    array([0.1, 0.2, 0.3])
    """
    R = check_rotation_matrix(R)
    r31 = np.clip(R[..., 2, 0], -1.0, 1.0)
    locked = np.abs(np.abs(r31) - 1.0) < tol
    theta1 = -np.arcsin(r31)
    theta2 = np.pi - theta1
    c1, c2 = np.cos(theta1), np.cos(theta2)
    safe1 = np.where(locked, 1.0, c1)
    safe2 = np.where(locked, 1.0, c2)
    psi1 = np.arctan2(R[..., 2, 1] / safe1, R[..., 2, 2] / safe1)
    psi2 = np.arctan2(R[..., 2, 1] / safe2, R[..., 2, 2] / safe2)
    phi1 = np.arctan2(R[..., 1, 0] / safe1, R[..., 0, 0] / safe1)
    phi2 = np.arctan2(R[..., 1, 0] / safe2, R[..., 0, 0] / safe2)
    # gimbal lock: phi = 0; R31 = -1 -> theta = +pi/2, psi = phi + atan2(R12, R13);
    #              R31 = +1 -> theta = -pi/2, psi = -phi + atan2(-R12, -R13)
    down = r31 < 0
    lock_theta = np.where(down, np.pi / 2, -np.pi / 2)
    lock_psi = np.where(
        down, np.arctan2(R[..., 0, 1], R[..., 0, 2]), np.arctan2(-R[..., 0, 1], -R[..., 0, 2])
    )
    sol1 = np.stack(
        [
            np.where(locked, lock_psi, psi1),
            np.where(locked, lock_theta, theta1),
            np.where(locked, 0.0, phi1),
        ],
        axis=-1,
    )
    sol2 = np.stack(
        [
            np.where(locked, lock_psi, psi2),
            np.where(locked, lock_theta, theta2),
            np.where(locked, 0.0, phi2),
        ],
        axis=-1,
    )
    return sol1, sol2
