"""4x4 homogeneous transforms in the form of Baldwin & Penczek's Transform class.

A transform rotates, scales uniformly, translates and optionally mirrors x, in that
order (EMAN2's ``Tr = M T S R``):

    T = [[F s R, F t],
         [0,     1  ]],   T [x; 1] = [F (s R x + t); 1],   F = diag(-1, 1, 1) if mirrored.

Composition ``compose(A, B) = A @ B`` applies ``B`` first and stays in this form.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._checks import as_float_array, check_nonnegative, check_positive, check_rotation_matrix

__all__ = ["make_transform", "compose", "invert", "decompose", "Similarity", "apply_transform"]

Array = NDArray[np.float64]
_F = np.diag([-1.0, 1.0, 1.0])


def make_transform(
    R: ArrayLike | None = None, t: ArrayLike | None = None, scale: float = 1.0, mirror: bool = False
) -> Array:
    """Build the 4x4 matrix ``[[F s R, F t], [0, 1]]``.

    Parameters
    ----------
    R : array_like, shape (3, 3), optional
        Rotation (identity if omitted).
    t : array_like, shape (3,), optional
        Translation applied after rotation and scaling, before the mirror.
    scale : float
        Positive isotropic scale.
    mirror : bool
        Negate x after everything else.

    Returns
    -------
    ndarray, shape (4, 4)
        The homogeneous transform.

    Examples
    --------
    >>> make_transform(t=[1.0, 2.0, 3.0], mirror=True)[:3, 3]
    array([-1.,  2.,  3.])
    """
    R = np.eye(3) if R is None else check_rotation_matrix(R)
    t = np.zeros(3) if t is None else as_float_array(t, "t", (3,))
    if R.shape != (3, 3) or t.shape != (3,):
        raise ValueError("make_transform builds one transform: R must be (3, 3) and t (3,)")
    scale = check_positive(scale, "scale")
    F = _F if mirror else np.eye(3)
    T = np.eye(4)
    T[:3, :3] = F @ (scale * R)
    T[:3, 3] = F @ t
    return T


class Similarity(NamedTuple):
    """The parts of a similarity transform, from :func:`decompose`.

    Attributes
    ----------
    R : ndarray, shape (3, 3)
        Rotation.
    t : ndarray, shape (3,)
        Translation.
    scale : float
        Scale, positive.
    mirror : bool
        Whether it reflects.
    """

    R: Array
    t: Array
    scale: float
    mirror: bool


def decompose(T: ArrayLike, atol: float = 1e-9) -> Similarity:
    """Split a transform into ``(R, t, scale, mirror)``; inverse of :func:`make_transform`.

    The mirror is present iff ``det T[:3, :3] < 0``, the scale is ``|det|^(1/3)``.

    Parameters
    ----------
    T : array_like, shape (4, 4)
        A similarity transform.
    atol : float, optional
        Tolerance of the checks that it is one.

    Returns
    -------
    R : ndarray, shape (3, 3)
        Rotation.
    t : ndarray, shape (3,)
        Translation.
    scale : float
        Scale, positive.
    mirror : bool
        Whether it reflects.

    Raises
    ------
    ValueError
        If ``T`` is not 4x4 with last row ``(0, 0, 0, 1)`` and a block ``F s R``.

    Examples
    --------
    >>> R, t, s, m = decompose(make_transform(t=[1.0, 0, 0], scale=2.0, mirror=True))
    >>> np.allclose(R, np.eye(3)), t, round(s, 12), m
    (True, array([1., 0., 0.]), 2.0, True)
    """
    T = as_float_array(T, "T", (4, 4))
    atol = check_nonnegative(atol, "atol")
    if T.shape != (4, 4):
        raise ValueError(f"T must be a single 4x4 transform, got shape {T.shape}")
    if not np.allclose(T[3], [0, 0, 0, 1], atol=atol):
        raise ValueError(f"T's last row must be (0, 0, 0, 1), got {T[3]}")
    M = T[:3, :3]
    det = float(np.linalg.det(M))
    if abs(det) < 1e-12:
        raise ValueError("T[:3, :3] is singular: not a rotation times a scale")
    mirror = det < 0
    scale = abs(det) ** (1.0 / 3.0)
    F = _F if mirror else np.eye(3)
    R = check_rotation_matrix(
        F @ M / scale, "T[:3, :3] / scale (with the mirror undone)", atol=1e-6
    )
    return Similarity(R, F @ T[:3, 3], scale, bool(mirror))


def compose(A: ArrayLike, B: ArrayLike) -> Array:
    """The transform that applies ``B`` first, then ``A`` (the product ``A @ B``).

    Both must be transforms of the form of :func:`make_transform`; the product is
    again of that form (Baldwin & Penczek eq. 17, as we reconstruct it).

    Parameters
    ----------
    A : array_like, shape (4, 4)
        Applied second.
    B : array_like, shape (4, 4)
        Applied first.

    Returns
    -------
    ndarray, shape (4, 4)
        ``A @ B``.

    Examples
    --------
    >>> A, B = make_transform(t=[1.0, 0, 0]), make_transform(t=[0, 2.0, 0])
    >>> compose(A, B)[:3, 3]
    array([1., 2., 0.])
    """
    decompose(A)
    decompose(B)
    return as_float_array(A, "A", (4, 4)) @ as_float_array(B, "B", (4, 4))


def invert(T: ArrayLike) -> Array:
    """Inverse transform, built in the same form.

    If ``T`` maps ``x -> F (s R x + t)``, the inverse maps ``y -> F (s' R' y + t')``
    with ``s' = 1/s``, ``R' = F R^T F`` and ``t' = -F R^T t / s``.

    Parameters
    ----------
    T : array_like, shape (4, 4)
        A similarity transform.

    Returns
    -------
    ndarray, shape (4, 4)
        Its inverse.

    Examples
    --------
    >>> T = make_transform(t=[1.0, 2.0, 3.0], scale=2.0, mirror=True)
    >>> np.allclose(invert(T) @ T, np.eye(4))
    True
    """
    R, t, s, m = decompose(T)
    F = _F if m else np.eye(3)
    return make_transform(F @ R.T @ F, -F @ R.T @ t / s, 1.0 / s, m)


def apply_transform(T: ArrayLike, points: ArrayLike) -> Array:
    """Apply a 4x4 transform to points of shape ``(..., 3)``.

    Parameters
    ----------
    T : array_like, shape (4, 4)
        The transform.
    points : array_like, shape (..., 3)
        Points.

    Returns
    -------
    ndarray, shape (..., 3)
        Transformed points.

    Examples
    --------
    >>> apply_transform(make_transform(t=[1.0, 0, 0]), [[0.0, 0, 0]])
    array([[1., 0., 0.]])
    """
    T = as_float_array(T, "T", (4, 4))
    p = as_float_array(points, "points", (3,))
    return p @ T[:3, :3].T + T[:3, 3]
