"""Rigid superposition of point sets.

A pose maps ``Y`` onto ``X``: ``X ~ Y @ R.T + t`` (each row a point, ``R`` acting on
column vectors as everywhere in this book).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._checks import as_float_array

__all__ = ["kabsch", "rmsd"]

Array = NDArray[np.float64]


def _pair(X: ArrayLike, Y: ArrayLike) -> tuple[Array, Array]:
    X = as_float_array(X, "X", (3,))
    Y = as_float_array(Y, "Y", (3,))
    if X.shape != Y.shape or X.ndim < 2 or X.shape[-2] < 1:
        raise ValueError(
            f"X and Y must both have shape (..., n, 3) with n >= 1, got {X.shape} and {Y.shape}"
        )
    return X, Y


def kabsch(X: ArrayLike, Y: ArrayLike, weights: ArrayLike | None = None) -> tuple[Array, Array]:
    """Least-squares rotation and translation with ``X ~ Y @ R.T + t`` (Kabsch).

    Minimises ``sum_i w_i |x_i - (R y_i + t)|^2`` over rotations (``det R = +1``;
    the SVD's reflection is replaced by the best proper rotation) and translations.

    Parameters
    ----------
    X, Y : array_like, shape (..., n, 3)
        Corresponding points (target and mobile).
    weights : array_like, shape (n,), optional
        Non-negative weights, not all zero.

    Returns
    -------
    R : ndarray, shape (..., 3, 3)
    t : ndarray, shape (..., 3)

    Examples
    --------
    >>> Y = np.array([[1.0, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]])
    >>> Rz = np.array([[0.0, -1, 0], [1, 0, 0], [0, 0, 1]])
    >>> R, t = kabsch(Y @ Rz.T + 2.0, Y)
    >>> np.allclose(R, Rz), np.allclose(t, 2.0)
    (True, True)
    """
    X, Y = _pair(X, Y)
    n = X.shape[-2]
    if weights is None:
        w = np.full(n, 1.0 / n)
    else:
        w = as_float_array(weights, "weights", ())
        if w.shape != (n,) or np.any(w < 0) or w.sum() <= 0:
            raise ValueError(f"weights must be non-negative with shape ({n},) and a positive sum")
        w = w / w.sum()
    cx = np.einsum("n,...nd->...d", w, X)
    cy = np.einsum("n,...nd->...d", w, Y)
    H = np.einsum("n,...ni,...nj->...ij", w, X - cx[..., None, :], Y - cy[..., None, :])
    U, _, Vt = np.linalg.svd(H)
    d = np.sign(np.linalg.det(U @ Vt))
    d = np.where(d == 0, 1.0, d)
    D = np.ones(U.shape[:-2] + (3,))
    D[..., 2] = d
    R = (U * D[..., None, :]) @ Vt
    t = cx - np.einsum("...ij,...j->...i", R, cy)
    return R, t


def rmsd(X: ArrayLike, Y: ArrayLike) -> Array:
    """Root-mean-square deviation between corresponding points (no fitting).

    Examples
    --------
    >>> float(rmsd([[0.0, 0, 0], [1, 0, 0]], [[0.0, 0, 0], [1, 0, 1]]))
    0.7071067811865476
    """
    X, Y = _pair(X, Y)
    return np.sqrt(np.mean(np.sum((X - Y) ** 2, axis=-1), axis=-1))
