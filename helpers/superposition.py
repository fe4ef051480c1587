"""Rigid superposition of point sets.

A pose maps ``Y`` onto ``X``: ``X ~ Y @ R.T + t`` (each row a point, ``R`` acting on
column vectors as everywhere in this book).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._checks import as_float_array, check_int, check_nonnegative, check_positive

__all__ = [
    "Pose",
    "kabsch",
    "rmsd",
    "matrix_normal_logpdf",
    "student_t_logpdf",
    "isotropic_t_logpdf",
    "RobustSuperposition",
    "student_t_superposition",
    "map_superposition",
    "SuperpositionResult",
    "LaplaceApproximation",
    "laplace_superposition",
]

Array = NDArray[np.float64]


class Pose(NamedTuple):
    """A rigid motion ``x -> R x + t`` (``R`` acts on column vectors).

    Attributes
    ----------
    rotation : ndarray
        ``R``, shape (3, 3).
    translation : ndarray
        ``t`` in Å, shape (3,).
    """

    rotation: Array  # (..., 3, 3)
    translation: Array  # (..., 3)


def _pair(X: ArrayLike, Y: ArrayLike) -> tuple[Array, Array]:
    X = as_float_array(X, "X", (3,))
    Y = as_float_array(Y, "Y", (3,))
    if X.shape != Y.shape or X.ndim < 2 or X.shape[-2] < 1:
        raise ValueError(
            f"X and Y must both have shape (..., n, 3) with n >= 1, got {X.shape} and {Y.shape}"
        )
    return X, Y


def kabsch(X: ArrayLike, Y: ArrayLike, weights: ArrayLike | None = None) -> Pose:
    """Least-squares rotation and translation with ``X ~ Y @ R.T + t`` (Kabsch).

    Minimises ``sum_i w_i |x_i - (R y_i + t)|^2`` over rotations (``det R = +1``;
    the SVD's reflection is replaced by the best proper rotation) and translations.

    Parameters
    ----------
    X, Y : array_like, shape (..., n, 3)
        Corresponding points (target and mobile), at least 3.
    weights : array_like, shape (n,), optional
        Non-negative weights, not all zero.

    Returns
    -------
    Pose
        ``rotation`` ``R`` (..., 3, 3) and ``translation`` ``t`` (..., 3); unpacks as
        ``R, t = kabsch(X, Y)``.

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
    if n < 3:  # one point fixes no rotation, two leave the turn about their line free
        raise ValueError(f"X and Y need at least 3 points to determine a rotation, got {n}")
    if weights is None:
        w = np.full(n, 1.0 / n)
    else:
        w = as_float_array(weights, "weights", ())
        if w.shape != (n,) or np.any(w < 0) or w.sum() <= 0:
            raise ValueError(f"weights must be non-negative with shape ({n},) and a positive sum")
        if np.count_nonzero(w) < 3:
            raise ValueError("weights must be positive on at least 3 points to fix a rotation")
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
    return Pose(R, t)


def rmsd(X: ArrayLike, Y: ArrayLike) -> Array:
    """Root-mean-square deviation between corresponding points (no fitting).

    Parameters
    ----------
    X : array_like, shape (..., n, 3)
        Points.
    Y : array_like, shape (..., n, 3)
        Corresponding points.

    Returns
    -------
    ndarray, shape (...)
        The RMSD, in the units of the points.

    Examples
    --------
    >>> float(rmsd([[0.0, 0, 0], [1, 0, 0]], [[0.0, 0, 0], [1, 0, 1]]))
    0.7071067811865476
    """
    X, Y = _pair(X, Y)
    return np.sqrt(np.mean(np.sum((X - Y) ** 2, axis=-1), axis=-1))


# ---- densities -------------------------------------------------------------------------------


def matrix_normal_logpdf(X: ArrayLike, M: ArrayLike, U: ArrayLike, V: ArrayLike) -> Array:
    """Log density of the matrix-normal distribution ``MN_{n x p}(M, U, V)``.

    ``log p = -(np/2) log 2 pi - (n/2) log|V| - (p/2) log|U|
    - (1/2) tr[V^-1 (X - M)^T U^-1 (X - M)]``; equivalently ``vec(X) ~ N(vec(M), V (x) U)``.
    ``U`` (n x n) is the among-row covariance (atoms), ``V`` (p x p) the among-column one
    (coordinates).

    Parameters
    ----------
    X : array_like, shape (..., n, p)
    M : array_like, shape (n, p)
    U : array_like, shape (n, n), symmetric positive definite
    V : array_like, shape (p, p), symmetric positive definite

    Returns
    -------
    ndarray
        The log density (one per matrix in a stack).

    Examples
    --------
    >>> round(float(matrix_normal_logpdf(np.zeros((2, 3)), np.zeros((2, 3)), np.eye(2), np.eye(3))), 6)
    -5.513631
    """
    M = np.asarray(M, dtype=float)
    if M.ndim != 2:
        raise ValueError(f"M must be an (n, p) matrix, got shape {M.shape}")
    n, p = M.shape
    X = as_float_array(X, "X", (n, p))
    U = as_float_array(U, "U", (n, n))
    V = as_float_array(V, "V", (p, p))
    LU, LV = _cholesky(U, "U"), _cholesky(V, "V")
    D = X - M
    # tr[V^-1 D^T U^-1 D] = || LU^-1 D LV^-T ||_F^2
    A = np.linalg.solve(LU, D)
    B = np.linalg.solve(LV, np.swapaxes(A, -1, -2))
    quad = np.sum(B * B, axis=(-2, -1))
    logdet_U = 2 * np.sum(np.log(np.diag(LU)))
    logdet_V = 2 * np.sum(np.log(np.diag(LV)))
    return -0.5 * (n * p * np.log(2 * np.pi) + n * logdet_V + p * logdet_U + quad)


def _cholesky(S: Array, name: str) -> Array:
    if not np.allclose(S, S.T, atol=1e-10):
        raise ValueError(f"{name} must be symmetric")
    try:
        return np.linalg.cholesky(S)
    except np.linalg.LinAlgError as err:
        raise ValueError(f"{name} must be positive definite") from err


def student_t_logpdf(
    x: ArrayLike, loc: ArrayLike = 0.0, scale: ArrayLike = 1.0, df: float = 1.0
) -> Array:
    """Log density of the location-scale Student-t with ``df`` degrees of freedom.

    ``log t = lgamma((df+1)/2) - lgamma(df/2) - (1/2) log(df pi) - log(scale)
    - ((df+1)/2) log(1 + ((x - loc)/scale)^2 / df)``; ``df = 1`` is the Cauchy.

    Parameters
    ----------
    x : array_like
        Values.
    loc : array_like, default 0.0
        Location.
    scale : array_like, default 1.0
        Scale, positive.
    df : float, default 1.0
        Degrees of freedom, positive.

    Returns
    -------
    ndarray
        The log density, elementwise.

    Examples
    --------
    >>> round(float(student_t_logpdf(0.0, df=1.0)), 6)    # -log(pi)
    -1.14473
    """
    from scipy.special import gammaln

    x = as_float_array(x, "x")
    df = check_positive(df, "df")
    loc = as_float_array(loc, "loc")
    scale = as_float_array(scale, "scale")
    if np.any(scale <= 0):
        raise ValueError("scale must be positive")
    if not np.isfinite(df) or df <= 0:
        raise ValueError("df must be positive")
    z = (x - loc) / scale
    return (
        gammaln((df + 1) / 2)
        - gammaln(df / 2)
        - 0.5 * np.log(df * np.pi)
        - np.log(scale)
        - (df + 1) / 2 * np.log1p(z * z / df)
    )


def isotropic_t_logpdf(r: ArrayLike, scale: ArrayLike = 1.0, df: float = 1.0) -> Array:
    """Log density of the isotropic 3-D Student-t of a residual vector ``r`` (last axis 3).

    ``log t = lgamma((df+3)/2) - lgamma(df/2) - (3/2) log(df pi) - 3 log(scale)
    - ((df+3)/2) log(1 + |r|^2 / (df scale^2))``. It depends on ``r`` only through
    ``|r|``, so it is unchanged by rotating the residual, unlike a product of three
    univariate Student-t densities (:func:`student_t_logpdf`).

    Parameters
    ----------
    r : array_like, shape (..., 3)
    scale : array_like, broadcasting against ``r[..., 0]``; positive
    df : float, positive

    Returns
    -------
    ndarray, shape (...)
        The log density of each residual vector.

    Examples
    --------
    >>> a = isotropic_t_logpdf([3.0, 0, 0])
    >>> b = isotropic_t_logpdf(np.full(3, 3.0 / np.sqrt(3)))   # same length, diagonal
    >>> bool(np.isclose(a, b))
    True
    """
    from scipy.special import gammaln

    r = as_float_array(r, "r", (3,))
    scale = as_float_array(scale, "scale")
    if np.any(scale <= 0):
        raise ValueError("scale must be positive")
    if not np.isfinite(df) or df <= 0:
        raise ValueError("df must be positive")
    r2 = np.sum(r * r, axis=-1)
    return (
        gammaln((df + 3) / 2)
        - gammaln(df / 2)
        - 1.5 * np.log(df * np.pi)
        - 3 * np.log(scale)
        - (df + 3) / 2 * np.log1p(r2 / (df * scale**2))
    )


# ---- robust and Bayesian superposition -------------------------------------------------------


@dataclass
class RobustSuperposition:
    """Fit of :func:`student_t_superposition`: ``X ~ Y @ rotation.T + translation``.

    Attributes
    ----------
    rotation : ndarray
        ``R``, shape (3, 3).
    translation : ndarray
        ``t`` in Å.
    weights : ndarray
        Final Student-t weight of each atom.
    scale : float
        Final scale ``s`` in Å.
    iterations : int
        Iterations used.
    converged : bool
        Whether the weights settled before ``n_iter``.
    """

    rotation: Array  # (3, 3)
    translation: Array  # (3,)
    weights: Array  # (n,), final EM weights of the atoms
    scale: float  # Student-t scale s (Å), given or estimated
    iterations: int
    converged: bool


def student_t_superposition(
    X: ArrayLike,
    Y: ArrayLike,
    df: float = 1.0,
    scale: float | None = None,
    n_iter: int = 50,
    fixed_centroids: bool = False,
) -> RobustSuperposition:
    """Superpose ``Y`` onto ``X`` under Student-t errors, by iteratively reweighted Kabsch.

    Each step weights atom k by ``(df + 3) / (df + |r_k|^2 / s^2)``, the EM weight of an
    isotropic 3-D Student-t with residual ``r_k``, and refits with weighted
    :func:`kabsch`. Atoms that fit badly (flexible loops, outliers) lose weight, so the
    rigid core decides the pose. ``scale`` is ``s`` (Å); by default it is re-estimated
    each step from the weighted residuals. With ``fixed_centroids=True`` only the
    rotation is robust: the translation stays the one that maps the unweighted
    centroid of ``Y`` onto that of ``X`` (centre first, then rotate).

    Parameters
    ----------
    X : array_like, shape (n, 3)
        Target coordinates.
    Y : array_like, shape (n, 3)
        Coordinates to move onto ``X``.
    df : float, default 1.0
        Degrees of freedom of the Student-t, positive.
    scale : float, optional
        Fixed scale ``s`` in Å (default: re-estimated each step).
    n_iter : int, default 50
        Largest number of reweighting steps.
    fixed_centroids : bool, default False
        Keep the unweighted centroid translation.

    Returns
    -------
    RobustSuperposition

    Examples
    --------
    >>> Y = np.random.default_rng(0).normal(size=(30, 3))
    >>> X = Y.copy(); X[0] += 50.0                      # one wild atom
    >>> fit = student_t_superposition(X, Y)
    >>> bool(np.allclose(fit.rotation, np.eye(3), atol=1e-6)), bool(fit.weights[0] < 1e-3)
    (True, True)
    """
    X, Y = _pair(X, Y)
    if X.ndim != 2:
        raise ValueError("student_t_superposition takes one pair of (n, 3) structures")
    df = check_positive(df, "df")
    if scale is not None:
        scale = check_positive(scale, "scale")
    n_iter = check_int(n_iter, "n_iter", low=1)
    cx, cy = X.mean(axis=0), Y.mean(axis=0)

    def fit(w: Array) -> tuple[Array, Array]:
        if not fixed_centroids:
            return kabsch(X, Y, weights=w)
        H = np.einsum("n,ni,nj->ij", w, X - cx, Y - cy)
        U, _, Vt = np.linalg.svd(H)
        D = np.diag([1.0, 1.0, np.sign(np.linalg.det(U @ Vt)) or 1.0])
        R = U @ D @ Vt
        return R, cx - R @ cy

    w = np.ones(len(X))
    R, t = fit(w)
    s2 = np.nan
    converged = False
    it = 0
    for it in range(1, n_iter + 1):
        r2 = np.sum((X - (Y @ R.T + t)) ** 2, axis=1)
        s2 = scale**2 if scale is not None else max(np.sum(w * r2) / (3 * np.sum(w)), 1e-12)
        w_new = (df + 3) / (df + r2 / s2)
        R, t = fit(w_new)
        done = np.allclose(w_new, w, rtol=1e-10, atol=1e-12)
        w = w_new
        if done:
            converged = True
            break
    return RobustSuperposition(R, t, w / w.max(), float(np.sqrt(s2)), it, converged)


@dataclass
class SuperpositionResult:
    """MAP estimate of :func:`map_superposition`, with the model it maximised.

    Attributes
    ----------
    rotations : ndarray
        Rotation of each structure, shape (N, 3, 3).
    translations : ndarray
        Translation of each structure, Å.
    mean : ndarray
        The mean structure.
    scales : ndarray
        Per-atom Student-t scales ``u_k``, Å.
    log_posterior : float
        Log posterior at the optimum.
    iterations : int
        Iterations used.
    converged : bool
        Whether the optimiser converged.
    model : dict
        The keyword arguments that define the model.
    """

    rotations: Array  # (N, 3, 3); pose i maps the mean onto structure i
    translations: Array  # (N, 3)
    mean: Array  # (n, 3)
    scales: Array  # (n,), per-atom Student-t scales u_k
    log_posterior: float  # up to an additive constant
    iterations: int
    converged: bool
    model: dict = field(default_factory=dict)  # the keyword arguments that define the model


def _check_model(
    Xs: ArrayLike,
    df: float,
    mean_prior_scale: float,
    translation_sd: float | None,
    scale_prior: str,
    scale_prior_params: tuple[float, ...],
    likelihood: str,
) -> Array:
    Xs = as_float_array(Xs, "Xs", (3,))
    if Xs.ndim != 3 or Xs.shape[0] < 2 or Xs.shape[1] < 3:
        raise ValueError(
            f"Xs must have shape (N, n, 3) with N >= 2 structures of n >= 3 atoms, got {Xs.shape}"
        )
    if scale_prior not in ("invgamma", "halfnormal"):
        raise ValueError(f"scale_prior must be 'invgamma' or 'halfnormal', got {scale_prior!r}")
    if likelihood not in ("coordinate", "isotropic"):
        raise ValueError(f"likelihood must be 'coordinate' or 'isotropic', got {likelihood!r}")
    named = [("df", df), ("mean_prior_scale", mean_prior_scale)]
    named += [(f"{scale_prior} parameter", v) for v in scale_prior_params]
    if translation_sd is not None:
        named.append(("translation_sd", translation_sd))
    for name, value in named:
        if not np.isfinite(value) or value <= 0:
            raise ValueError(f"{name} must be positive, got {value!r}")
    return Xs


def _prealign(Xs: Array) -> tuple[Array, Array, Array]:
    """Centroids, Kabsch pre-rotations onto structure 0, and the aligned centred copies."""
    centroids = Xs.mean(axis=1)
    C = Xs - centroids[:, None, :]
    pre = np.stack([kabsch(C[0], C[i])[0] for i in range(len(Xs))])  # C[0] ~ C[i] @ pre[i].T
    A = np.einsum("nij,nkj->nki", pre, C)  # aligned copies, A[i] ~ C[0]
    return centroids, pre, A


def map_superposition(
    Xs: ArrayLike,
    df: float = 1.0,
    mean_prior_scale: float = 3.0,
    translation_sd: float | None = 1.0,
    scale_prior: str = "halfnormal",
    scale_prior_sd: float = 1.0,
    invgamma_shape: float = 1.0,
    invgamma_scale: float = 0.05,
    likelihood: str = "coordinate",
    bond_length: float | None = None,
    bond_weight: float = 10.0,
    init_scale: float | None = None,
    max_iter: int = 20000,
) -> SuperpositionResult:
    """MAP estimate of the THESEUS-PP superposition model, by L-BFGS with an analytic gradient.

    The defaults are the model of the authors' Pyro code (Moreta et al. 2019, as we read
    it; their script has ``N = 2``): structure 1 defines the frame (``R_1 = I``,
    ``t_1 = 0``); for every structure ``i``, atom ``k`` and coordinate ``j``,
    ``X_ikj ~ StudentT(df, loc = (R_i M_k + t_i)_j, scale = u_k)``, with priors
    ``M_kj ~ StudentT(1, 0, mean_prior_scale)``, ``u_k ~ HalfNormal(scale_prior_sd)``,
    ``t_i ~ N(0, translation_sd^2 I)`` and ``R_i`` uniform on SO(3) (a constant density).

    Variants (ours, not the paper's):

    - ``scale_prior="invgamma"`` puts an inverse-gamma shape on ``u_k^2`` (as THESEUS
      does for its variances), ``log p(u) = -2 (a + 1) log u - b / u^2`` with
      ``a = invgamma_shape`` and ``b = invgamma_scale`` (Å^2). It vanishes at ``u = 0``,
      so the posterior is bounded. Under the half-normal it is not: if the poses and
      the mean put ``z`` of atom k's ``3N`` coordinates exactly on the data, its
      likelihood behaves like ``u_k^(3N - 2z)`` as ``u_k -> 0``, unbounded once
      ``z > 3N/2``; the optimiser then drives ``u_k`` toward 0 and a fit may stop at
      a local mode or nowhere.
    - ``likelihood="isotropic"`` replaces the three univariate t factors of an atom by
      one isotropic 3-D Student-t of its residual vector (:func:`isotropic_t_logpdf`),
      which, unlike the product, does not depend on the orientation of the frame.
    - ``translation_sd=None`` fixes every translation at the centroid (centre, then
      rotate), so that only rotations, mean and scales are inferred.
    - ``bond_length`` (Å) adds ``-bond_weight * sum_k (|M_{k+1} - M_k| - bond_length)^2``
      to the log prior of ``M``: a chain restraint for consecutive C-alpha atoms.

    Like Pyro's AutoDelta, the MAP is taken in the original coordinates (no Jacobian
    terms). Rotations are optimised as unnormalised quaternions, ``u`` through
    ``log u``. The inputs are centred and each structure is pre-aligned to the first by
    Kabsch (as the authors' code does), so the rotations start at the identity; ``u``
    starts at ``init_scale`` (Å) or, by default, at each atom's RMS deviation after the
    pre-alignment plus 0.01 Å. The returned poses include the pre-alignment and map the
    mean onto each input.

    Parameters
    ----------
    Xs : array_like, shape (N, n, 3)
        Corresponding atoms of ``N >= 2`` structures.

    Returns
    -------
    SuperpositionResult

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> M = rng.normal(scale=5, size=(40, 3))
    >>> Xs = np.stack([M + 0.1 * rng.normal(size=M.shape) for _ in range(3)])
    >>> res = map_superposition(Xs, scale_prior="invgamma")
    >>> res.rotations.shape, res.scales.shape, res.model["scale_prior"]
    ((3, 3, 3), (40,), 'invgamma')
    """
    from scipy.optimize import minimize

    from .rotations import quat_to_matrix

    df = check_positive(df, "df")
    mean_prior_scale = check_positive(mean_prior_scale, "mean_prior_scale")
    if translation_sd is not None:
        translation_sd = check_positive(translation_sd, "translation_sd")
    scale_prior_sd = check_positive(scale_prior_sd, "scale_prior_sd")
    invgamma_shape = check_positive(invgamma_shape, "invgamma_shape")
    invgamma_scale = check_positive(invgamma_scale, "invgamma_scale")
    if bond_length is not None:
        bond_length = check_positive(bond_length, "bond_length")
    bond_weight = check_nonnegative(bond_weight, "bond_weight")
    model = dict(
        df=df,
        mean_prior_scale=mean_prior_scale,
        translation_sd=translation_sd,
        scale_prior=scale_prior,
        scale_prior_sd=scale_prior_sd,
        invgamma_shape=invgamma_shape,
        invgamma_scale=invgamma_scale,
        likelihood=likelihood,
        bond_length=bond_length,
        bond_weight=bond_weight,
    )
    neg_log_post, unpack, (centroids, pre, A) = _model_objective(Xs, model)
    N = A.shape[0]
    if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)) or max_iter < 1:
        raise ValueError(f"max_iter must be a positive integer, got {max_iter!r}")
    if init_scale is not None and (not np.isfinite(init_scale) or init_scale <= 0):
        raise ValueError(f"init_scale must be positive, got {init_scale!r}")
    M0 = A.mean(axis=0)
    if init_scale is None:
        u0 = np.sqrt(np.mean((A - M0) ** 2, axis=(0, 2))) + 1e-2
    else:
        u0 = np.full(A.shape[1], float(init_scale))
    q0 = np.tile([1.0, 0, 0, 0], (N - 1, 1))
    theta0 = np.concatenate(
        [M0.ravel(), np.log(u0), np.concatenate([q0, np.zeros((N - 1, 3))], axis=1).ravel()]
    )
    res = minimize(
        neg_log_post,
        theta0,
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": max_iter, "maxfun": 2 * max_iter},
    )
    M, logu, q, t = unpack(res.x)
    R_fit = np.concatenate(
        [np.eye(3)[None], quat_to_matrix(q / np.linalg.norm(q, axis=1)[:, None])]
    )
    t_fit = np.concatenate([np.zeros((1, 3)), t])
    # undo the centring and the pre-alignment: X_i ~ pre_i^T (R_fit_i M + t_fit_i) + centroid_i
    rotations = np.swapaxes(pre, -1, -2) @ R_fit
    translations = np.einsum("nji,nj->ni", pre, t_fit) + centroids
    return SuperpositionResult(
        rotations,
        translations,
        M,
        np.exp(logu),
        float(-res.fun),
        int(res.nit),
        bool(res.success),
        model,
    )


def _model_objective(Xs: ArrayLike, model: dict):
    """Checked data, objective and unpacker for the model keyword arguments ``model``."""
    prior = model["scale_prior"]
    params = (
        (model["scale_prior_sd"],)
        if prior == "halfnormal"
        else (model["invgamma_shape"], model["invgamma_scale"])
    )
    Xs = _check_model(
        Xs,
        model["df"],
        model["mean_prior_scale"],
        model["translation_sd"],
        prior,
        params,
        model["likelihood"],
    )
    centroids, pre, A = _prealign(Xs)
    neg_log_post, unpack = _superposition_objective(
        A,
        model["df"],
        model["mean_prior_scale"],
        model["translation_sd"],
        params,
        model["bond_length"],
        model["bond_weight"],
        model["likelihood"],
    )
    return neg_log_post, unpack, (centroids, pre, A)


@dataclass
class LaplaceApproximation:
    """Gaussian approximation ``N(MAP, H^-1)`` of the posterior of :func:`map_superposition`.

    Rotations are described by rotation vectors ``w`` of left perturbations,
    ``R_i = exp([w_i]_x) R_i^MAP``, in radians, in the input frame.

    Attributes
    ----------
    rotation_cov : ndarray
        Covariance of each structure's rotation (tangent space, radians²; the first, the
        reference frame, is zero).
    translation_cov : ndarray
        Covariance of each translation, Å².
    scale_sd : ndarray
        Posterior standard deviation of each scale ``u_k`` (Å), by the delta method.
    mean_sd : ndarray
        Posterior standard deviation of each coordinate of the mean (Å).
    min_eigenvalue : float
        Smallest Hessian eigenvalue (positive at a maximum).
    """

    rotation_cov: Array  # (N, 3, 3); the first is zero (the reference frame)
    translation_cov: Array  # (N, 3, 3), Å^2, of the fitted translations
    scale_sd: Array  # (n,), posterior SD of the scales u_k (Å), by the delta method
    mean_sd: Array  # (n, 3), posterior SD of the mean's coordinates (Å)
    min_eigenvalue: float  # smallest eigenvalue of the Hessian; > 0 at a local maximum

    def sample_rotations(
        self, result: SuperpositionResult, size: int, rng: np.random.Generator
    ) -> Array:
        """Draw ``size`` rotations of every structure, shape ``(size, N, 3, 3)``.

        Parameters
        ----------
        result : SuperpositionResult
            The MAP fit this approximation belongs to.
        size : int
            Number of draws.
        rng : numpy.random.Generator
            Source of the draws.

        Returns
        -------
        ndarray, shape (size, N, 3, 3)
            Rotation draws.

        Examples
        --------
        >>> rng = np.random.default_rng(1)
        >>> M = rng.normal(scale=5, size=(30, 3))
        >>> Xs = np.stack([M + 0.3 * rng.normal(size=M.shape) for _ in range(2)])
        >>> res = map_superposition(Xs, scale_prior="invgamma")
        >>> lap = laplace_superposition(Xs, res)
        >>> lap.sample_rotations(res, 5, np.random.default_rng(2)).shape
        (5, 2, 3, 3)
        """
        from .rotations import exp_so3

        if not isinstance(rng, np.random.Generator):
            raise ValueError("rng must be a numpy.random.Generator")
        N = len(self.rotation_cov)
        w = np.zeros((size, N, 3))
        for i in range(1, N):
            L = np.linalg.cholesky(self.rotation_cov[i] + 1e-18 * np.eye(3))
            w[:, i] = rng.normal(size=(size, 3)) @ L.T
        return exp_so3(w) @ result.rotations[None]


def laplace_superposition(
    Xs: ArrayLike, result: SuperpositionResult, step: float = 1e-5
) -> LaplaceApproximation:
    """Laplace approximation at the MAP of :func:`map_superposition`.

    The Hessian of the negative log posterior (in the optimiser's coordinates: mean,
    ``log u``, quaternions with their norm pinned by the gauge term, translations) is
    computed by central differences of the analytic gradient, inverted, and its
    rotation blocks are carried to rotation vectors by the (numerical) Jacobian of the
    quaternion-to-rotation map. The result describes the *joint* posterior's
    marginals: the uncertainty of the mean and of the scales is included.

    Parameters
    ----------
    Xs : array_like, shape (N, n, 3)
        The structures given to :func:`map_superposition`.
    result : SuperpositionResult
        Its result (``result.model`` holds the model).
    step : float
        Finite-difference step in the optimiser's coordinates.

    Returns
    -------
    LaplaceApproximation

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> M = rng.normal(scale=5, size=(30, 3))
    >>> Xs = np.stack([M + 0.3 * rng.normal(size=M.shape) for _ in range(2)])
    >>> res = map_superposition(Xs, scale_prior="invgamma")
    >>> lap = laplace_superposition(Xs, res)
    >>> bool(lap.min_eigenvalue > 0), lap.rotation_cov.shape
    (True, (2, 3, 3))
    """
    from .rotations import log_so3, matrix_to_quat, quat_to_matrix

    if not isinstance(result, SuperpositionResult) or not result.model:
        raise ValueError("result must be a SuperpositionResult of map_superposition")
    step = check_positive(step, "step")
    neg_log_post, unpack, (centroids, pre, A) = _model_objective(Xs, result.model)
    N, n, _ = A.shape
    if result.mean.shape != (n, 3):
        raise ValueError("result does not belong to Xs (shapes differ)")
    R_fit = pre[1:] @ result.rotations[1:]
    q = matrix_to_quat(R_fit)
    t = np.einsum("nij,nj->ni", pre[1:], result.translations[1:] - centroids[1:])
    theta = np.concatenate(
        [result.mean.ravel(), np.log(result.scales), np.concatenate([q, t], axis=1).ravel()]
    )
    P = len(theta)
    H = np.empty((P, P))
    for a in range(P):
        e = np.zeros(P)
        e[a] = step
        H[:, a] = (neg_log_post(theta + e)[1] - neg_log_post(theta - e)[1]) / (2 * step)
    H = 0.5 * (H + H.T)
    fixed = result.model["translation_sd"] is None
    keep = np.ones(P, bool)
    if fixed:  # translations are not parameters
        for i in range(N - 1):
            keep[4 * n + 7 * i + 4 : 4 * n + 7 * i + 7] = False
    Hk = H[np.ix_(keep, keep)]
    cov = np.zeros((P, P))
    cov[np.ix_(keep, keep)] = np.linalg.inv(Hk)
    min_eig = float(np.linalg.eigvalsh(Hk)[0])
    rot_cov = np.zeros((N, 3, 3))
    tr_cov = np.zeros((N, 3, 3))
    for i in range(N - 1):
        sl = slice(4 * n + 7 * i, 4 * n + 7 * i + 4)
        J = np.empty((3, 4))
        for c in range(4):
            e = np.zeros(4)
            e[c] = step
            Rp = quat_to_matrix((q[i] + e) / np.linalg.norm(q[i] + e))
            Rm = quat_to_matrix((q[i] - e) / np.linalg.norm(q[i] - e))
            J[:, c] = (log_so3(Rp @ R_fit[i].T) - log_so3(Rm @ R_fit[i].T)) / (2 * step)
        C = J @ cov[sl, sl] @ J.T  # rotation vectors in the pre-aligned frame
        rot_cov[i + 1] = pre[i + 1].T @ C @ pre[i + 1]
        ts = slice(4 * n + 7 * i + 4, 4 * n + 7 * i + 7)
        tr_cov[i + 1] = pre[i + 1].T @ cov[ts, ts] @ pre[i + 1]
    var_logu = np.diag(cov)[3 * n : 4 * n]
    return LaplaceApproximation(
        rot_cov,
        tr_cov,
        result.scales * np.sqrt(np.maximum(var_logu, 0)),
        np.sqrt(np.maximum(np.diag(cov)[: 3 * n], 0)).reshape(n, 3),
        min_eig,
    )


def _quat_gradient(p: Array, G: Array) -> Array:
    """Gradient in ``p`` (shape ``(m, 4)``) of ``sum_ab G_ab R(p)_ab`` for ``G`` of shape ``(m, 3, 3)``.

    ``R(p) = (w^2 - v.v) I + 2 v v^T + 2 w [v]_x`` is the rotation of the quaternion
    ``p = (w, v)``. Chained through ``G = sum_k g_k M_k^T`` this is the gradient of a loss
    over the rotated points ``R M_k`` with point gradients ``g_k``: one 3x3 matrix per
    rotation replaces the per-point Jacobian of ``quat_rotate_jacobian``.
    """
    w, v = p[:, 0], p[:, 1:]
    tr = np.trace(G, axis1=1, axis2=2)
    a = np.stack([G[:, 2, 1] - G[:, 1, 2], G[:, 0, 2] - G[:, 2, 0], G[:, 1, 0] - G[:, 0, 1]], 1)
    g_w = 2 * w * tr + 2 * np.sum(a * v, axis=1)
    g_v = -2 * tr[:, None] * v + 2 * np.einsum("nij,nj->ni", G + np.swapaxes(G, 1, 2), v)
    return np.concatenate([g_w[:, None], g_v + 2 * w[:, None] * a], axis=1)


def _superposition_objective(
    A, df, mean_prior_scale, translation_sd, scale_params, bond_length, bond_weight, likelihood
):
    """Negative log posterior (up to a constant) and its gradient, for :func:`map_superposition`.

    ``A`` holds the centred, pre-aligned structures, shape ``(N, n, 3)``. ``scale_params`` is
    ``(sd,)`` for the half-normal prior on the scales, ``(a, b)`` for the inverse-gamma one;
    ``translation_sd=None`` fixes the translations (their gradient is zero). Parameters are
    packed as ``[M (n*3), log u (n), then per structure 2..N: q (4), t (3)]``.
    """
    from .rotations import quat_to_matrix

    N, n, _ = A.shape

    def unpack(theta):
        M = theta[: 3 * n].reshape(n, 3)
        logu = theta[3 * n : 4 * n]
        rest = theta[4 * n :].reshape(N - 1, 7)
        return M, logu, rest[:, :4], rest[:, 4:]

    def neg_log_post(theta):
        M, logu, q, t = unpack(theta)
        u = np.exp(logu)
        qn = np.linalg.norm(q, axis=1, keepdims=True)
        p = q / qn
        Rq = np.concatenate([np.eye(3)[None], quat_to_matrix(p)])
        tt = np.concatenate([np.zeros((1, 3)), t if translation_sd is not None else 0 * t])
        mu = np.einsum("nij,kj->nki", Rq, M) + tt[:, None, :]  # (R_i M_k + t_i), no BLAS
        r = A - mu
        lp = -np.sum(np.log(u)) * 3 * N
        if likelihood == "coordinate":  # three univariate t factors per atom
            s2 = df * u[None, :, None] ** 2 + r * r
            lp -= (df + 1) / 2 * np.sum(np.log1p(r * r / (df * u[None, :, None] ** 2)))
            dlp_dr = -(df + 1) * r / s2  # d log t / d x
            g_u = -3 * N / u + (df + 1) * np.sum(r * r / (u[None, :, None] * s2), axis=(0, 2))
        else:  # one isotropic 3-D t per atom and structure
            rr = np.sum(r * r, axis=2)
            s2 = df * u[None, :] ** 2 + rr
            lp -= (df + 3) / 2 * np.sum(np.log1p(rr / (df * u[None, :] ** 2)))
            dlp_dr = -(df + 3) * r / s2[:, :, None]
            g_u = -3 * N / u + (df + 3) * np.sum(rr / (u[None, :] * s2), axis=0)
        g_mu = -dlp_dr  # d lp / d mu
        g_M = np.einsum("nki,nij->kj", g_mu, Rq)
        g_t = g_mu[1:].sum(axis=1)
        g_p = _quat_gradient(p, np.einsum("nki,kj->nij", g_mu[1:], M))
        g_q = (g_p - np.sum(g_p * p, axis=1, keepdims=True) * p) / qn
        # priors
        lp += -np.sum(np.log1p((M / mean_prior_scale) ** 2))
        g_M += -2 * M / (mean_prior_scale**2 + M * M)
        if len(scale_params) == 1:  # half-normal
            lp += -0.5 * np.sum((u / scale_params[0]) ** 2)
            g_u += -u / scale_params[0] ** 2
        else:  # inverse-gamma shape on u^2
            a, b = scale_params
            lp += np.sum(-2 * (a + 1) * np.log(u) - b / u**2)
            g_u += -2 * (a + 1) / u + 2 * b / u**3
        if translation_sd is None:  # translations fixed at the centroids
            g_t = np.zeros_like(t)
        else:
            lp += -0.5 * np.sum((t / translation_sd) ** 2)
            g_t += -t / translation_sd**2
        if bond_length is not None:
            d = M[1:] - M[:-1]
            L = np.linalg.norm(d, axis=1)
            lp += -bond_weight * np.sum((L - bond_length) ** 2)
            gd = (-2 * bond_weight * (L - bond_length) / np.maximum(L, 1e-12))[:, None] * d
            g_M[1:] += gd
            g_M[:-1] -= gd
        # keep |q| near 1 (the rotation ignores it): a gauge term
        lp += -0.5 * np.sum((qn[:, 0] - 1.0) ** 2)
        g_q += -((qn - 1.0) * p)
        g_logu = g_u * u
        grad = np.concatenate([g_M.ravel(), g_logu, np.concatenate([g_q, g_t], axis=1).ravel()])
        return -lp, -grad

    return neg_log_post, unpack
