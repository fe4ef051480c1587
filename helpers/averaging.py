"""Single rotation averaging (Hartley et al. 2013, section 5).

Four means of rotations ``R_i`` with weights ``w_i``, each the minimiser of a
weighted sum of distances:

========================  ====================================  ==========================
function                  minimises                             how
========================  ====================================  ==========================
``chordal_l2_mean``       ``sum w_i ||R - R_i||_F^2``           SVD projection of the sum
``quaternion_l2_mean``    ``sum w_i d_quat(q, q_i)^2``          sign-aligned sum, normalised
``geodesic_l2_mean``      ``sum w_i theta(R, R_i)^2``           Algorithm 1 (log, average, exp)
``geodesic_l1_median``    ``sum w_i theta(R, R_i)``             Weiszfeld on SO(3)
========================  ====================================  ==========================
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._checks import as_float_array, check_int, check_nonnegative, check_rotation_matrix
from .rotations import (
    canonical_quat,
    exp_so3,
    matrix_to_quat,
    quat_conjugate,
    quat_multiply,
    quat_to_rotvec,
)

__all__ = [
    "chordal_l2_mean",
    "chordal_l2_mean_quat",
    "quaternion_l2_mean",
    "geodesic_l2_mean",
    "geodesic_l2_mean_fit",
    "geodesic_l1_median",
    "geodesic_l1_median_fit",
    "AveragingResult",
]

Array = NDArray[np.float64]


@dataclass
class AveragingResult:
    """An iterative mean: the rotation, the iterations used, and the final step size."""

    rotation: Array
    iterations: int
    step: float


def _weights(weights: ArrayLike | None, n: int) -> Array:
    if n < 1:
        raise ValueError("need at least one rotation to average")
    if weights is None:
        return np.full(n, 1.0 / n)
    w = as_float_array(weights, "weights")
    if w.shape != (n,) or np.any(w < 0) or w.sum() <= 0:
        raise ValueError(f"weights must be non-negative with shape ({n},) and a positive sum")
    return w / w.sum()


def _stack(Rs: ArrayLike) -> Array:
    Rs = check_rotation_matrix(Rs, "Rs")
    if Rs.ndim != 3:
        raise ValueError(f"Rs must be a stack of rotations with shape (n, 3, 3), got {Rs.shape}")
    return Rs


def chordal_l2_mean(Rs: ArrayLike, weights: ArrayLike | None = None) -> Array:
    """Chordal L2 mean: the rotation nearest (Frobenius) to the weighted sum of ``Rs``.

    With ``M = sum w_i R_i = U S V^T``, the mean is ``U diag(1, 1, det(U V^T)) V^T``.
    It equals :func:`chordal_l2_mean_quat` and ``scipy``'s ``Rotation.mean``.

    Examples
    --------
    >>> from helpers.rotations import axis_angle_to_matrix
    >>> Rs = axis_angle_to_matrix([0, 0, 1], np.array([-0.2, 0.2]))
    >>> np.allclose(chordal_l2_mean(Rs), np.eye(3))
    True
    """
    Rs = _stack(Rs)
    w = _weights(weights, len(Rs))
    M = np.einsum("n,nij->ij", w, Rs)
    U, _, Vt = np.linalg.svd(M)
    D = np.diag([1.0, 1.0, np.sign(np.linalg.det(U @ Vt)) or 1.0])
    return U @ D @ Vt


def chordal_l2_mean_quat(qs: ArrayLike, weights: ArrayLike | None = None) -> Array:
    """The chordal L2 mean as a quaternion: the principal eigenvector of ``sum w_i q_i q_i^T``.

    Needs no sign alignment, because ``q q^T`` is the same for ``q`` and ``-q``
    (``d_chord^2 = 8 (1 - (q . q_i)^2)``).

    Examples
    --------
    >>> chordal_l2_mean_quat([[1.0, 0, 0, 0], [-1.0, 0, 0, 0]])
    array([1., 0., 0., 0.])
    """
    q = as_float_array(qs, "qs", (4,))
    if q.ndim != 2:
        raise ValueError(f"qs must have shape (n, 4), got {q.shape}")
    q = q / np.linalg.norm(q, axis=-1, keepdims=True)
    w = _weights(weights, len(q))
    _, vecs = np.linalg.eigh(np.einsum("n,ni,nj->ij", w, q, q))
    return canonical_quat(vecs[:, -1])


def quaternion_l2_mean(
    qs: ArrayLike, weights: ArrayLike | None = None, max_iter: int = 100
) -> Array:
    """Hartley's quaternion L2 mean: flip each ``q_i`` towards the mean, sum, normalise.

    Minimises ``sum w_i min(||q - q_i||, ||q + q_i||)^2``. For a fixed choice of signs
    the minimiser is the normalised weighted sum; the signs must put every ``q_i`` in
    the mean's hemisphere, so we iterate from the chordal mean until no sign changes
    (each step lowers the cost, so this ends after a few steps). The result does not
    depend on the sign of any input.

    Examples
    --------
    >>> s = np.sqrt(0.5)
    >>> np.round(quaternion_l2_mean([[1.0, 0, 0, 0], [-s, 0, 0, -s]]), 6)   # signs do not matter
    array([0.92388 , 0.      , 0.      , 0.382683])
    """
    q = as_float_array(qs, "qs", (4,))
    if q.ndim != 2:
        raise ValueError(f"qs must have shape (n, 4), got {q.shape}")
    q = q / np.linalg.norm(q, axis=-1, keepdims=True)
    max_iter = check_int(max_iter, "max_iter", low=1)
    w = _weights(weights, len(q))
    mean = chordal_l2_mean_quat(q, w)
    signs = None
    for _ in range(max_iter):
        new_signs = np.where(q @ mean < 0, -1.0, 1.0)
        if signs is not None and np.array_equal(new_signs, signs):
            break
        signs = new_signs
        total = np.einsum("n,n,ni->i", w, signs, q)
        mean = total / np.linalg.norm(total)
    return canonical_quat(mean)


def _tangent_vectors(R: Array, qs: Array) -> Array:
    """``log(R^T R_i)`` for the rotations with quaternions ``qs``, via ``q_R* q_i``."""
    return quat_to_rotvec(quat_multiply(quat_conjugate(matrix_to_quat(R)), qs))


def geodesic_l2_mean(
    Rs: ArrayLike,
    weights: ArrayLike | None = None,
    tol: float = 1e-12,
    max_iter: int = 100,
    start: ArrayLike | None = None,
) -> Array:
    """Geodesic (Karcher) L2 mean: the rotation of :func:`geodesic_l2_mean_fit`.

    Parameters
    ----------
    Rs : array_like, shape (n, 3, 3)
    weights : array_like, shape (n,), optional
    tol, max_iter, start
        As in :func:`geodesic_l2_mean_fit`.

    Examples
    --------
    >>> from helpers.rotations import axis_angle_to_matrix, log_so3
    >>> Rs = axis_angle_to_matrix([0, 0, 1], np.array([0.0, 0.1, 0.5]))
    >>> round(float(log_so3(geodesic_l2_mean(Rs))[2]), 12)   # the mean angle, 0.2
    0.2
    """
    return geodesic_l2_mean_fit(Rs, weights, tol, max_iter, start).rotation


def geodesic_l2_mean_fit(
    Rs: ArrayLike,
    weights: ArrayLike | None = None,
    tol: float = 1e-12,
    max_iter: int = 100,
    start: ArrayLike | None = None,
) -> AveragingResult:
    """Geodesic (Karcher) L2 mean by Hartley et al.'s Algorithm 1, with its diagnostics.

    Repeat: map every ``R_i`` to the tangent space at the current estimate ``R`` with
    ``v_i = log(R^T R_i)``, average ``r = sum w_i v_i``, and move ``R <- R exp(r)``;
    stop when ``|r| < tol``. At the answer the tangent vectors average to zero. The
    mean is unique when the data lie in a geodesic ball of radius below pi/2; we start
    from the chordal mean, which is then inside that ball.

    Parameters
    ----------
    Rs : array_like, shape (n, 3, 3)
    weights : array_like, shape (n,), optional
    tol : float
        Stop when the averaged tangent vector is shorter than this (radians).
    max_iter : int
    start : array_like, shape (3, 3), optional
        Initial estimate (default: the chordal mean).

    Returns
    -------
    AveragingResult
        The rotation, the iterations used and the last step length.

    Raises
    ------
    RuntimeError
        If the iteration has not converged after ``max_iter`` steps.

    Examples
    --------
    >>> from helpers.rotations import axis_angle_to_matrix, log_so3
    >>> Rs = axis_angle_to_matrix([0, 0, 1], np.array([0.0, 0.1, 0.5]))
    >>> fit = geodesic_l2_mean_fit(Rs)
    >>> round(float(log_so3(fit.rotation)[2]), 12), fit.iterations < 10
    (0.2, True)
    """
    Rs = _stack(Rs)
    w = _weights(weights, len(Rs))
    tol = check_nonnegative(tol, "tol")
    max_iter = check_int(max_iter, "max_iter", low=1)
    R = chordal_l2_mean(Rs, w) if start is None else check_rotation_matrix(start, "start")
    qs = matrix_to_quat(Rs)  # once: each step then needs only quaternion products
    for it in range(1, max_iter + 1):
        r = np.einsum("n,ni->i", w, _tangent_vectors(R, qs))
        R = R @ exp_so3(r)
        step = float(np.linalg.norm(r))
        if step < tol:
            return AveragingResult(R, it, step)
    raise RuntimeError(
        f"geodesic_l2_mean did not converge in {max_iter} iterations (last step {step:.2e})"
    )


def geodesic_l1_median(
    Rs: ArrayLike,
    weights: ArrayLike | None = None,
    tol: float = 1e-10,
    max_iter: int = 500,
) -> Array:
    """Geodesic L1 median: the rotation of :func:`geodesic_l1_median_fit`.

    Parameters
    ----------
    Rs : array_like, shape (n, 3, 3)
    weights : array_like, shape (n,), optional
    tol, max_iter
        As in :func:`geodesic_l1_median_fit`.

    Examples
    --------
    >>> from helpers.rotations import axis_angle_to_matrix, log_so3
    >>> Rs = axis_angle_to_matrix([0, 0, 1], np.array([0.0, 0.1, 0.2, 3.0]))
    >>> round(float(log_so3(geodesic_l1_median(Rs))[2]), 6) <= 0.2   # ignores the outlier
    True
    """
    return geodesic_l1_median_fit(Rs, weights, tol, max_iter).rotation


def geodesic_l1_median_fit(
    Rs: ArrayLike,
    weights: ArrayLike | None = None,
    tol: float = 1e-10,
    max_iter: int = 500,
) -> AveragingResult:
    """Geodesic L1 median by the Weiszfeld iteration on SO(3), with its diagnostics.

    With ``v_i = log(R^T R_i)``, step along
    ``delta = (sum w_i v_i / |v_i|) / (sum w_i / |v_i|)`` and set ``R <- R exp(delta)``.
    Data points that coincide with the estimate (``|v_i| = 0``) are left out of that
    step, the usual guard. Robust to outliers, unlike the L2 means.

    Parameters
    ----------
    Rs : array_like, shape (n, 3, 3)
    weights : array_like, shape (n,), optional
    tol : float
        Stop when the step is shorter than this (radians).
    max_iter : int

    Returns
    -------
    AveragingResult

    Raises
    ------
    RuntimeError
        If the iteration has not converged after ``max_iter`` steps.

    Examples
    --------
    >>> from helpers.rotations import axis_angle_to_matrix, log_so3
    >>> Rs = axis_angle_to_matrix([0, 0, 1], np.array([0.0, 0.1, 0.2, 3.0]))
    >>> fit = geodesic_l1_median_fit(Rs)
    >>> round(float(log_so3(fit.rotation)[2]), 6) <= 0.2, fit.step < 1e-10
    (True, True)
    """
    Rs = _stack(Rs)
    w = _weights(weights, len(Rs))
    tol = check_nonnegative(tol, "tol")
    max_iter = check_int(max_iter, "max_iter", low=1)
    R = geodesic_l2_mean(Rs, w, tol=1e-9, max_iter=200)
    step = np.inf
    qs = matrix_to_quat(Rs)
    for it in range(1, max_iter + 1):
        v = _tangent_vectors(R, qs)
        d = np.linalg.norm(v, axis=-1)
        keep = d > 1e-12
        if not np.any(keep):
            return AveragingResult(R, it, 0.0)
        inv = w[keep] / d[keep]
        delta = np.einsum("n,ni->i", inv, v[keep]) / inv.sum()
        R = R @ exp_so3(delta)
        step = float(np.linalg.norm(delta))
        if step < tol:
            return AveragingResult(R, it, step)
    raise RuntimeError(
        f"geodesic_l1_median did not converge in {max_iter} iterations (last step {step:.2e})"
    )
