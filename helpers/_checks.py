"""Input validation shared by the public helpers.

Every public helper converts its array arguments with :func:`as_float_array`, which
raises a ``ValueError`` naming the argument and the expected shape, and refuses
NaN or infinite values so that nothing downstream fails silently. Scalars go through
:func:`check_scalar` (or its short forms :func:`check_positive`,
:func:`check_nonnegative`, :func:`check_int`; flags through :func:`check_bool`), which refuse non-numbers, NaN, infinities
and values out of range with a ``ValueError`` naming the argument.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "as_float_array",
    "check_rotation_matrix",
    "check_scalar",
    "check_positive",
    "check_nonnegative",
    "check_int",
    "check_bool",
]


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
    if isinstance(x, (str, bytes)) or (isinstance(x, np.ndarray) and x.dtype.kind in "USV"):
        raise ValueError(f"{name} must be numeric array-like, got {type(x).__name__}")
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


def check_scalar(
    x: object,
    name: str,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``x`` as a finite Python float in ``[low, high]`` (ends open if asked).

    Refuses booleans, strings, arrays of more than one element, NaN and infinities,
    raising ``ValueError`` with ``name`` in the message.

    Parameters
    ----------
    x : object
        The value.
    name : str
        Name of the argument, used in the error message.
    low, high : float, optional
        Bounds (``None``: unbounded).
    low_open, high_open : bool
        Exclude the bound itself.

    Examples
    --------
    >>> check_scalar(2, "n", low=0.0)
    2.0
    >>> check_scalar(float("nan"), "sigma")
    Traceback (most recent call last):
    ...
    ValueError: sigma must be a finite number, got nan
    """
    if isinstance(x, (bool, np.bool_, str, bytes)) or x is None:
        raise ValueError(f"{name} must be a number, got {type(x).__name__}")
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be a number, got {type(x).__name__}") from err
    if arr.size != 1 or arr.ndim > 1:
        raise ValueError(f"{name} must be a single number, got shape {arr.shape}")
    v = float(arr.reshape(()))
    if not np.isfinite(v):
        raise ValueError(f"{name} must be a finite number, got {v}")
    if low is not None and (v < low or (low_open and v == low)):
        if low == 0:
            what = "positive (> 0)" if low_open else "non-negative (>= 0)"
        else:
            what = f"{'>' if low_open else '>='} {low}"
        raise ValueError(f"{name} must be {what}, got {v}")
    if high is not None and (v > high or (high_open and v == high)):
        raise ValueError(f"{name} must be {'<' if high_open else '<='} {high}, got {v}")
    return v


def check_positive(x: object, name: str) -> float:
    """Return ``x`` as a finite float ``> 0``, else raise ``ValueError`` naming ``name``.

    Examples
    --------
    >>> check_positive(1.5, "voxel_size")
    1.5
    """
    return check_scalar(x, name, low=0.0, low_open=True)


def check_nonnegative(x: object, name: str) -> float:
    """Return ``x`` as a finite float ``>= 0``, else raise ``ValueError`` naming ``name``.

    Examples
    --------
    >>> check_nonnegative(0, "b_factor")
    0.0
    """
    return check_scalar(x, name, low=0.0)


def check_int(x: object, name: str, low: int | None = None, high: int | None = None) -> int:
    """Return ``x`` as an ``int`` in ``[low, high]``; integral floats such as ``4.0`` pass.

    Examples
    --------
    >>> check_int(4.0, "n", low=1)
    4
    >>> check_int(1.5, "n")
    Traceback (most recent call last):
    ...
    ValueError: n must be an integer, got 1.5
    """
    v = check_scalar(x, name)
    if v != int(v):
        raise ValueError(f"{name} must be an integer, got {v}")
    n = int(v)
    if low is not None and n < low:
        what = {0: "a non-negative integer", 1: "a positive integer"}.get(low, f">= {low}")
        raise ValueError(f"{name} must be {what}, got {n}")
    if high is not None and n > high:
        raise ValueError(f"{name} must be <= {high}, got {n}")
    return n


def check_bool(x: object, name: str) -> bool:
    """Return ``x`` as a ``bool`` if it is ``True`` or ``False``, else raise ``ValueError``.

    A flag such as ``degrees`` must not silently accept ``"yes"``, ``None`` or ``1.0``.

    Parameters
    ----------
    x : object
        The value.
    name : str
        Name of the argument, used in the error message.

    Returns
    -------
    bool
        ``x`` itself.

    Examples
    --------
    >>> check_bool(True, "degrees")
    True
    >>> check_bool("yes", "degrees")
    Traceback (most recent call last):
    ...
    ValueError: degrees must be True or False, got 'yes'
    """
    if not isinstance(x, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {x!r}")
    return bool(x)
