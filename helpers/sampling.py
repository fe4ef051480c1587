"""Random and deterministic samples of rotations.

All random draws come from a :class:`numpy.random.Generator` passed in as ``rng``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._checks import as_float_array
from .rotations import canonical_quat, quat_to_matrix

__all__ = ["uniform_quaternions", "uniform_rotations", "uniform_quaternions_shoemake"]

Array = NDArray[np.float64]


def _check_n(n: int) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"n must be a non-negative integer, got {n!r}")
    return int(n)


def _check_rng(rng: np.random.Generator) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy.random.Generator, e.g. np.random.default_rng(0)")
    return rng


def uniform_quaternions(n: int, rng: np.random.Generator) -> Array:
    """``n`` unit quaternions (``w >= 0``) of Haar-uniform random rotations.

    A standard normal 4-vector is isotropic, so its direction is uniform on the
    3-sphere; the map q -> R(q) pushes that to the uniform (Haar) measure on SO(3).

    Examples
    --------
    >>> uniform_quaternions(2, np.random.default_rng(0)).shape
    (2, 4)
    """
    n, rng = _check_n(n), _check_rng(rng)
    q = rng.standard_normal((n, 4))
    q /= np.linalg.norm(q, axis=-1, keepdims=True)
    return canonical_quat(q)


def uniform_rotations(n: int, rng: np.random.Generator) -> Array:
    """``n`` Haar-uniform random rotation matrices, shape ``(n, 3, 3)``.

    Examples
    --------
    >>> R = uniform_rotations(3, np.random.default_rng(0))
    >>> np.allclose(R @ R.transpose(0, 2, 1), np.eye(3))
    True
    """
    return quat_to_matrix(uniform_quaternions(n, rng))


def uniform_quaternions_shoemake(u: ArrayLike) -> Array:
    """Shoemake's map from three uniforms in [0, 1] to a uniform unit quaternion.

    With ``theta1 = 2 pi u2``, ``theta2 = 2 pi u3``, ``r1 = sqrt(1 - u1)``,
    ``r2 = sqrt(u1)``, returns ``(r2 cos theta2, r1 sin theta1, r1 cos theta1,
    r2 sin theta2)`` in scalar-first order: the component order of the
    THESEUS-PP code (Moreta et al. 2019, eqs 7-9 as we read them).
    The quaternion is returned as computed (no sign canonicalisation), so the
    map is continuous in ``u``.

    Parameters
    ----------
    u : array_like, shape (..., 3)
        Values in [0, 1].

    Examples
    --------
    >>> np.round(uniform_quaternions_shoemake([1.0, 0.0, 0.0]), 12)
    array([1., 0., 0., 0.])
    """
    u = as_float_array(u, "u", (3,))
    if np.any((u < 0) | (u > 1)):
        raise ValueError("u must lie in [0, 1]")
    t1, t2 = 2 * np.pi * u[..., 1], 2 * np.pi * u[..., 2]
    r1, r2 = np.sqrt(1 - u[..., 0]), np.sqrt(u[..., 0])
    return np.stack([r2 * np.cos(t2), r1 * np.sin(t1), r1 * np.cos(t1), r2 * np.sin(t2)], axis=-1)
