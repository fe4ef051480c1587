"""Input validation shared by the public helpers.

Every public helper converts its array arguments with :func:`as_float_array`, which
raises a ``ValueError`` naming the argument and the expected shape, and refuses
NaN or infinite values so that nothing downstream fails silently.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["as_float_array", "check_rotation_matrix"]


def as_float_array(x: ArrayLike, name: str, trailing: tuple[int, ...] = ()) -> NDArray[np.float64]:
    """Return ``x`` as a float64 array whose last axes have shape ``trailing``.

    Parameters
    ----------
    x : array_like
        The input.
    name : str
        Name of the argument, used in the error message.
    trailing : tuple of int
        Required shape of the trailing axes; leading axes are free.

    Examples
    --------
    >>> as_float_array([1, 2, 3], "v", (3,)).dtype
    dtype('float64')
    """
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be numeric array-like, got {type(x).__name__}") from err
    k = len(trailing)
    if arr.ndim < k or (k and arr.shape[-k:] != tuple(trailing)):
        want = "(..., " + ", ".join(map(str, trailing)) + ")" if k else "any shape"
        raise ValueError(f"{name} must have shape {want}, got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return arr


def check_rotation_matrix(R: ArrayLike, name: str = "R", atol: float = 1e-6) -> NDArray[np.float64]:
    """Return ``R`` as float64 after checking it is a stack of rotation matrices.

    Raises ``ValueError`` unless ``R`` has shape ``(..., 3, 3)``, ``R^T R = I`` and
    ``det R = +1`` to within ``atol``.

    Examples
    --------
    >>> check_rotation_matrix(np.eye(3)).shape
    (3, 3)
    """
    arr = as_float_array(R, name, (3, 3))
    # column dot products and the triple product, written out: numpy's batched 3x3
    # matmul and LAPACK det are ~10x slower on large stacks than these slice operations
    c0, c1, c2 = arr[..., :, 0], arr[..., :, 1], arr[..., :, 2]

    def dot(a, b):
        return a[..., 0] * b[..., 0] + a[..., 1] * b[..., 1] + a[..., 2] * b[..., 2]

    err = 0.0
    for a, b, target in (
        (c0, c0, 1.0),
        (c1, c1, 1.0),
        (c2, c2, 1.0),
        (c0, c1, 0.0),
        (c0, c2, 0.0),
        (c1, c2, 0.0),
    ):
        err = max(err, float(np.max(np.abs(dot(a, b) - target), initial=0.0)))
    if err > atol:
        raise ValueError(f"{name} must be orthogonal (R^T R = I); max deviation {err:.2e}")
    det = (
        c0[..., 0] * (c1[..., 1] * c2[..., 2] - c1[..., 2] * c2[..., 1])
        - c0[..., 1] * (c1[..., 0] * c2[..., 2] - c1[..., 2] * c2[..., 0])
        + c0[..., 2] * (c1[..., 0] * c2[..., 1] - c1[..., 1] * c2[..., 0])
    )
    if np.any(det < 0):
        raise ValueError(f"{name} must have determinant +1 (a rotation, not a reflection)")
    return arr
