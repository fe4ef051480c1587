"""Single rotation averaging (Hartley et al. 2013, section 5).

Four means of rotations ``R_i`` with weights ``w_i``, each the minimiser of a
weighted sum of distances:

========================  ====================================  ==========================
function                  minimises                             how
========================  ====================================  ==========================
``chordal_l2_mean``       ``sum w_i ||R - R_i||_F^2``           SVD projection of the sum
``quat_l2_mean``          ``sum w_i d_quat(q, q_i)^2``          sign-aligned sum, normalised
``geodesic_l2_mean``      ``sum w_i theta(R, R_i)^2``           Algorithm 1 (log, average, exp)
``geodesic_l1_median``    ``sum w_i theta(R, R_i)``             Weiszfeld on SO(3)
========================  ====================================  ==========================

Multiple rotation averaging from cryo-EM common lines (Shkolnisky & Singer 2012):
``common_line_angles`` (the exact lines of known orientations, for simulations),
``relative_rotations_from_common_lines`` (triangle votes), ``j_synchronize`` (one hand
for every pair) and ``spectral_synchronize`` (all orientations from the top three
eigenvectors).
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
    project_to_so3,
    quat_conjugate,
    quat_multiply,
    quat_to_rotvec,
)

__all__ = [
    "chordal_l2_mean",
    "quat_chordal_l2_mean",
    "quat_l2_mean",
    "geodesic_l2_mean",
    "geodesic_l2_mean_fit",
    "geodesic_l1_median",
    "geodesic_l1_median_fit",
    "AveragingResult",
    "common_line_angles",
    "relative_rotations_from_common_lines",
    "j_synchronize",
    "spectral_synchronize",
]

Array = NDArray[np.float64]


@dataclass
class AveragingResult:
    """An iterative mean: the rotation, the iterations used, and the final step size.

    Attributes
    ----------
    rotation : ndarray
        The mean (or median) rotation.
    iterations : int
        Iterations used.
    step : float
        Size (radians) of the last update.
    """

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
    It equals :func:`quat_chordal_l2_mean` and ``scipy``'s ``Rotation.mean``.

    Parameters
    ----------
    Rs : array_like, shape (n, 3, 3)
        Rotations to average.
    weights : array_like, shape (n,), optional
        Non-negative weights (default: all equal).

    Returns
    -------
    ndarray, shape (3, 3)
        The mean rotation.

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


def quat_chordal_l2_mean(qs: ArrayLike, weights: ArrayLike | None = None) -> Array:
    """The chordal L2 mean as a quaternion: the principal eigenvector of ``sum w_i q_i q_i^T``.

    Needs no sign alignment, because ``q q^T`` is the same for ``q`` and ``-q``
    (``d_chord^2 = 8 (1 - (q . q_i)^2)``).

    Parameters
    ----------
    qs : array_like, shape (n, 4)
        Quaternions, scalar first (normalised first; signs do not matter).
    weights : array_like, shape (n,), optional
        Non-negative weights (default: all equal).

    Returns
    -------
    ndarray, shape (4,)
        The mean as a canonical unit quaternion (:func:`helpers.rotations.canonical_quat`).

    Examples
    --------
    >>> quat_chordal_l2_mean([[1.0, 0, 0, 0], [-1.0, 0, 0, 0]])
    array([1., 0., 0., 0.])
    """
    q = as_float_array(qs, "qs", (4,))
    if q.ndim != 2:
        raise ValueError(f"qs must have shape (n, 4), got {q.shape}")
    q = q / np.linalg.norm(q, axis=-1, keepdims=True)
    w = _weights(weights, len(q))
    _, vecs = np.linalg.eigh(np.einsum("n,ni,nj->ij", w, q, q))
    return canonical_quat(vecs[:, -1])


def quat_l2_mean(qs: ArrayLike, weights: ArrayLike | None = None, max_iter: int = 100) -> Array:
    """Hartley's quaternion L2 mean: flip each ``q_i`` towards the mean, sum, normalise.

    Minimises ``sum w_i min(||q - q_i||, ||q + q_i||)^2``. For a fixed choice of signs
    the minimiser is the normalised weighted sum; the signs must put every ``q_i`` in
    the mean's hemisphere, so we iterate from the chordal mean until no sign changes
    (each step lowers the cost, so this ends after a few steps). The result does not
    depend on the sign of any input.

    Parameters
    ----------
    qs : array_like, shape (n, 4)
        Quaternions, scalar first (normalised first; signs do not matter).
    weights : array_like, shape (n,), optional
        Non-negative weights (default: all equal).
    max_iter : int, default 100
        Largest number of sign-alignment rounds.

    Returns
    -------
    ndarray, shape (4,)
        The mean as a canonical unit quaternion.

    Examples
    --------
    >>> s = np.sqrt(0.5)
    >>> np.round(quat_l2_mean([[1.0, 0, 0, 0], [-s, 0, 0, -s]]), 6)   # signs do not matter
    array([0.92388 , 0.      , 0.      , 0.382683])
    """
    q = as_float_array(qs, "qs", (4,))
    if q.ndim != 2:
        raise ValueError(f"qs must have shape (n, 4), got {q.shape}")
    q = q / np.linalg.norm(q, axis=-1, keepdims=True)
    max_iter = check_int(max_iter, "max_iter", low=1)
    w = _weights(weights, len(q))
    mean = quat_chordal_l2_mean(q, w)
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

    Returns
    -------
    ndarray, shape (3, 3)
        The mean rotation.

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

    Returns
    -------
    ndarray, shape (3, 3)
        The median rotation.

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


# ---- multiple rotation averaging: common lines and synchronisation --------------------------

_J = np.diag([1.0, 1.0, -1.0])


def _rz(a: Array) -> Array:
    c, s, z, o = np.cos(a), np.sin(a), np.zeros_like(a), np.ones_like(a)
    return np.stack(
        [np.stack([c, -s, z], -1), np.stack([s, c, z], -1), np.stack([z, z, o], -1)], -2
    )


def _rx(a: Array) -> Array:
    c, s, z, o = np.cos(a), np.sin(a), np.zeros_like(a), np.ones_like(a)
    return np.stack(
        [np.stack([o, z, z], -1), np.stack([z, c, -s], -1), np.stack([z, s, c], -1)], -2
    )


def common_line_angles(Rs: ArrayLike) -> Array:
    """In-plane angles (radians) of the common lines of images with orientations ``Rs``.

    Image ``i`` is the central section spanned by ``Rs[i] e_x`` and ``Rs[i] e_y`` (its
    normal, the beam, is ``Rs[i] e_z``). Two sections meet along
    ``n_i x n_j``; ``alpha[i, j]`` is the angle of that line in image ``i``'s own
    coordinates, measured from its x axis. The diagonal is 0.

    Parameters
    ----------
    Rs : array_like, shape (n, 3, 3)
        Orientations (image coordinates to map coordinates), no two with parallel beams.

    Returns
    -------
    ndarray, shape (n, n)

    Examples
    --------
    >>> from helpers.rotations import axis_angle_to_matrix
    >>> Rs = np.stack([np.eye(3), axis_angle_to_matrix([1.0, 0, 0], np.pi / 2)])
    >>> np.round(np.rad2deg(common_line_angles(Rs)), 6) + 0.0
    array([[  0.,   0.],
           [180.,   0.]])
    """
    Rs = _stack(Rs)
    n = Rs[:, :, 2]
    line = np.cross(n[:, None], n[None])
    norms = np.linalg.norm(line, axis=-1)
    off = ~np.eye(len(Rs), dtype=bool)
    if np.any(norms[off] < 1e-9):
        raise ValueError("Rs has two images with parallel beams: their common line is undefined")
    c = np.einsum("iab,ija->ijb", Rs, line)
    alpha = np.arctan2(c[..., 1], c[..., 0])
    alpha[~off] = 0.0
    return alpha


def relative_rotations_from_common_lines(alpha: ArrayLike) -> Array:
    """Pairwise rotations ``R_i^T R_j`` from common-line angles, each up to a mirror.

    One common line fixes two of the three parameters of ``R_i^T R_j``:
    ``R_i^T R_j = Rz(alpha_ij) Rx(phi_ij) Rz(-alpha_ji - pi)``. The dihedral angle
    ``phi_ij`` comes from every third image ``k`` by the spherical cosine rule for the
    triangle of beams, ``cos phi_ij = (cos A_k + cos A_i cos A_j) / (sin A_i sin A_j)``
    with ``A_i = alpha_ik - alpha_ij``, ``A_j = alpha_ji - alpha_jk``,
    ``A_k = alpha_kj - alpha_ki``; the median of the votes is used. Its sign is not
    determined, so each returned block is ``R_i^T R_j`` or its J-conjugate
    ``J R_i^T R_j J`` (``J = diag(1, 1, -1)``, the mirror image): see :func:`j_synchronize`.

    Parameters
    ----------
    alpha : array_like, shape (n, n)
        ``alpha[i, j]``: angle (radians) of the line image ``i`` shares with image ``j``;
        ``n >= 3``. The diagonal is ignored.

    Returns
    -------
    ndarray, shape (n, n, 3, 3)
        Block ``[i, j]`` estimates ``R_i^T R_j`` (``[j, i]`` is its transpose, the
        diagonal is the identity).

    Examples
    --------
    >>> from helpers.sampling import uniform_rotations
    >>> Rs = uniform_rotations(5, np.random.default_rng(0))
    >>> E = relative_rotations_from_common_lines(common_line_angles(Rs))
    >>> true = Rs[0].T @ Rs[1]
    >>> bool(min(np.abs(E[0, 1] - true).max(), np.abs(E[0, 1] - _J @ true @ _J).max()) < 1e-9)
    True
    """
    a = as_float_array(alpha, "alpha")
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] < 3:
        raise ValueError(f"alpha must be a square (n, n) array with n >= 3, got {a.shape}")
    n = len(a)
    i, j, k = np.meshgrid(*[np.arange(n)] * 3, indexing="ij")
    Ai, Aj, Ak = a[i, k] - a[i, j], a[j, i] - a[j, k], a[k, j] - a[k, i]
    with np.errstate(divide="ignore", invalid="ignore"):
        votes = (np.cos(Ak) + np.cos(Ai) * np.cos(Aj)) / (np.sin(Ai) * np.sin(Aj))
    votes = np.where((i != k) & (j != k) & np.isfinite(votes), np.clip(votes, -1, 1), np.nan)
    votes[i == j] = 1.0
    with np.errstate(all="ignore"):
        cos_phi = np.nanmedian(votes, axis=2)
    if np.any(np.isnan(cos_phi)):
        raise ValueError("alpha gives no usable vote for some pair (degenerate common lines)")
    E = _rz(a) @ _rx(np.arccos(cos_phi)) @ _rz(-a.T - np.pi)
    upper = np.triu(np.ones((n, n), dtype=bool), 1)
    E = np.where(upper[..., None, None], E, np.swapaxes(E, 0, 1).swapaxes(-1, -2))
    E[np.arange(n), np.arange(n)] = np.eye(3)
    return E


def j_synchronize(E: ArrayLike) -> Array:
    """Give every pairwise estimate the same handedness (Shkolnisky & Singer 2012).

    Around every triangle ``(a, b, c)`` the product ``E_ab E_bc E_ca`` is the identity
    only when the three estimates share a hand, because ``J^2 = I``; the best of the
    four assignments (all agree, or one edge disagrees) gives a +-1 relation between each
    pair of its edges. The top eigenvector of the symmetric matrix of these relations
    gives one sign per pair, and the pairs with sign -1 are J-conjugated. One global
    mirror remains (the handedness no projection data can fix).

    Parameters
    ----------
    E : array_like, shape (n, n, 3, 3)
        Pair estimates as from :func:`relative_rotations_from_common_lines`.

    Returns
    -------
    ndarray, shape (n, n, 3, 3)

    Examples
    --------
    >>> from helpers.sampling import uniform_rotations
    >>> Rs = uniform_rotations(6, np.random.default_rng(1))
    >>> E = j_synchronize(relative_rotations_from_common_lines(common_line_angles(Rs)))
    >>> loop = E[0, 1] @ E[1, 2] @ E[2, 0]
    >>> bool(np.abs(loop - np.eye(3)).max() < 1e-9)
    True
    """
    E = check_rotation_matrix(E, "E")
    if E.ndim != 4 or E.shape[0] != E.shape[1] or E.shape[0] < 3:
        raise ValueError(f"E must have shape (n, n, 3, 3) with n >= 3, got {E.shape}")
    n = len(E)
    pairs = [(a, b) for a in range(n) for b in range(a + 1, n)]
    index = {p: m for m, p in enumerate(pairs)}
    S = np.zeros((len(pairs), len(pairs)))
    eye = np.eye(3)
    for a in range(n):
        for b in range(a + 1, n):
            for c in range(b + 1, n):
                X, Y, Z = E[a, b], E[b, c], E[c, a]
                loops = (X @ Y @ Z, _J @ X @ _J @ Y @ Z, X @ _J @ Y @ _J @ Z, X @ Y @ _J @ Z @ _J)
                odd = int(np.argmin([np.linalg.norm(P - eye) for P in loops])) - 1
                edges = (index[(a, b)], index[(b, c)], index[(a, c)])
                for u, v in ((0, 1), (0, 2), (1, 2)):
                    S[edges[u], edges[v]] = S[edges[v], edges[u]] = -1.0 if odd in (u, v) else 1.0
    signs = np.sign(np.linalg.eigh(S)[1][:, -1])
    out = E.copy()
    for (a, b), sign in zip(pairs, signs):
        if sign < 0:
            out[a, b] = _J @ E[a, b] @ _J
            out[b, a] = out[a, b].T
    return out


def spectral_synchronize(E: ArrayLike, atol: float = 1e-9) -> Array:
    """Orientations from pairwise rotations ``E[i, j] ~ R_i^T R_j``, up to one rotation.

    Stacks the blocks into the symmetric ``3n x 3n`` matrix ``H``; without noise
    ``H = G G^T`` with ``G`` the stack of the ``R_i^T``, so the top three eigenvectors
    span ``G``. Each ``3 x 3`` block is projected onto SO(3). Returns ``Q_i ~ R_i^T O``
    for one unknown rotation ``O`` (the gauge).

    Parameters
    ----------
    E : array_like, shape (n, n, 3, 3)
        Pair estimates with ``E[j, i] = E[i, j]^T``; the diagonal is ignored.
    atol : float
        Tolerance of the symmetry check (``numpy.linalg.eigh`` would silently read one
        triangle of an asymmetric matrix).

    Returns
    -------
    ndarray, shape (n, 3, 3)

    Examples
    --------
    >>> from helpers.sampling import uniform_rotations
    >>> Rs = uniform_rotations(4, np.random.default_rng(2))
    >>> Q = spectral_synchronize(np.swapaxes(Rs, -1, -2)[:, None] @ Rs[None])
    >>> gauge = Rs[0] @ Q[0]
    >>> bool(np.abs(Q - np.swapaxes(Rs, -1, -2) @ gauge).max() < 1e-9)
    True
    """
    E = as_float_array(E, "E", (3, 3))
    if E.ndim != 4 or E.shape[0] != E.shape[1]:
        raise ValueError(f"E must have shape (n, n, 3, 3), got {E.shape}")
    n = len(E)
    E = E.copy()
    E[np.arange(n), np.arange(n)] = np.eye(3)
    H = E.transpose(0, 2, 1, 3).reshape(3 * n, 3 * n)
    if not np.allclose(H, H.T, atol=atol):
        raise ValueError("E must satisfy E[j, i] = E[i, j]^T (H must be symmetric)")
    V = np.linalg.eigh(H)[1][:, -3:].reshape(n, 3, 3)
    if np.sum(np.linalg.det(V) < 0) > n / 2:  # an eigenvector sign, not a mirror
        V[:, :, 0] *= -1
    return project_to_so3(V)
