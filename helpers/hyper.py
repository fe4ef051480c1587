"""A 2-D hyper-molecule: a density that depends on space and on one extra coordinate t.

The toy: a rigid body of Gaussian blobs with an arm that swings about a pivot as t runs
over [-1, 1]. Its *hyper-object* ``V(x, t)`` is expanded in a product basis, Gaussian
radial basis functions on a square grid in space times Legendre polynomials in t,

    V(x, t) = sum_q sum_k a[q, k] P_q(t) phi_k(x),

and the coefficients are found by least squares from 1-D line projections taken at
known angles and known t. Line projections of Gaussians are Gaussians, so every
projection is analytic and the whole problem is linear.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.polynomial import legendre
from numpy.typing import ArrayLike, NDArray

from ._checks import as_float_array, check_int, check_positive

Array = NDArray[np.float64]

__all__ = [
    "hinge_molecule_2d",
    "line_projections",
    "legendre_basis",
    "HyperBasis",
    "fit_hyper_molecule",
    "HyperFit",
    "truth_frames",
]

ARM_SWING_DEG = 60.0  # the arm turns by t * 60 degrees about the pivot


def hinge_molecule_2d(t: ArrayLike) -> Array:
    """Blob centres (Å) of the toy molecule at conformation(s) ``t`` in [-1, 1].

    Eight blobs form a fixed body; four blobs form an arm that turns by
    ``t * 60`` degrees about the pivot ``(3, 0)``.

    Returns
    -------
    ndarray, shape (12, 2) or (m, 12, 2)

    Examples
    --------
    >>> hinge_molecule_2d(0.0).shape, hinge_molecule_2d([0.0, 0.5]).shape
    ((12, 2), (2, 12, 2))
    """
    tt = as_float_array(t, "t")
    if np.any(np.abs(tt) > 1):
        raise ValueError("t must lie in [-1, 1]")
    body = np.array(
        [[-9, -3], [-6, -5], [-3, -4], [0, -3], [-8, 1], [-5, 2], [-2, 0], [1, 2]], dtype=float
    )
    pivot = np.array([3.0, 0.0])
    arm0 = pivot + np.c_[np.arange(1, 5) * 2.6, np.zeros(4)]
    th = np.deg2rad(ARM_SWING_DEG) * np.atleast_1d(tt)
    c, s = np.cos(th), np.sin(th)
    rot = np.stack([np.stack([c, -s], -1), np.stack([s, c], -1)], -2)  # (m, 2, 2)
    arm = pivot + np.einsum("mij,aj->mai", rot, arm0 - pivot)
    out = np.concatenate([np.broadcast_to(body, (len(th), 8, 2)), arm], axis=1)
    return out[0] if tt.ndim == 0 else out


def line_projections(
    centres: ArrayLike,
    angles: ArrayLike,
    n_bins: int,
    bin_size: float,
    sigma: float,
) -> Array:
    """1-D projections of 2-D Gaussian blobs (amplitude 1, width ``sigma``) at given angles.

    Projection ``i`` integrates the density along the direction perpendicular to
    ``(cos angle_i, sin angle_i)``; bin ``n_bins // 2`` is the origin.

    Parameters
    ----------
    centres : array_like, shape (n_blobs, 2) or (m, n_blobs, 2)
        One set of centres for all projections, or one set per projection.
    angles : array_like, shape (m,)
        Detector directions in radians.

    Returns
    -------
    ndarray, shape (m, n_bins)

    Examples
    --------
    >>> p = line_projections([[0.0, 0.0]], [0.0, 1.0], 33, 1.0, 2.0)
    >>> bool(np.allclose(p.sum(axis=1), 2 * np.pi * 4, rtol=1e-6))
    True
    """
    C = as_float_array(centres, "centres", (2,))
    th = as_float_array(angles, "angles").reshape(-1)
    if C.ndim == 2:
        C = np.broadcast_to(C, (len(th),) + C.shape)
    if C.ndim != 3 or len(C) != len(th):
        raise ValueError(f"centres must have shape (n, 2) or ({len(th)}, n, 2), got {C.shape}")
    n_bins = check_int(n_bins, "n_bins", low=2)
    bin_size = check_positive(bin_size, "bin_size")
    sigma = check_positive(sigma, "sigma")
    if n_bins < 2 or bin_size <= 0 or sigma <= 0:
        raise ValueError("n_bins must be >= 2 and bin_size, sigma positive")
    u = np.stack([np.cos(th), np.sin(th)], axis=-1)
    s = np.einsum("mai,mi->ma", C, u)
    x = (np.arange(n_bins) - n_bins // 2) * bin_size
    g = np.exp(-0.5 * ((x[None, None, :] - s[..., None]) / sigma) ** 2)
    return np.sqrt(2 * np.pi) * sigma * g.sum(axis=1)


def legendre_basis(t: ArrayLike, degree: int) -> Array:
    """Orthonormal Legendre polynomials ``sqrt(2q + 1) P_q(t)``, q < degree, at ``t``.

    Orthonormal for the uniform density on [-1, 1]: ``E[P_q P_r] = delta_qr``.

    Examples
    --------
    >>> legendre_basis([0.0, 1.0], 3).round(3)
    array([[ 1.   ,  0.   , -1.118],
           [ 1.   ,  1.732,  2.236]])
    """
    tt = as_float_array(t, "t").reshape(-1)
    degree = check_int(degree, "degree", low=1)
    if degree < 1:
        raise ValueError(f"degree must be >= 1, got {degree}")
    V = legendre.legvander(tt, degree - 1)
    return V * np.sqrt(2 * np.arange(degree) + 1)


@dataclass(frozen=True)
class HyperBasis:
    """Gaussian RBFs on a ``k x k`` grid with spacing ``h`` (Å) and width ``width`` (Å)."""

    k: int = 12
    h: float = 2.5
    width: float = 2.0

    @property
    def centres(self) -> Array:
        g = (np.arange(self.k) - (self.k - 1) / 2) * self.h
        gy, gx = np.meshgrid(g, g, indexing="ij")
        return np.c_[gx.ravel(), gy.ravel()]

    def projections(self, angles: ArrayLike, n_bins: int, bin_size: float) -> Array:
        """Line projections of every basis function at every angle, shape (m, n_bins, k*k)."""
        th = as_float_array(angles, "angles").reshape(-1)
        s = np.stack([np.cos(th), np.sin(th)], axis=-1) @ self.centres.T  # (m, K)
        x = (np.arange(n_bins) - n_bins // 2) * bin_size
        g = np.exp(-0.5 * ((x[None, :, None] - s[:, None, :]) / self.width) ** 2)
        return np.sqrt(2 * np.pi) * self.width * g

    def images(self, coeffs: ArrayLike, n: int, pixel_size: float) -> Array:
        """Evaluate ``sum_k c_k phi_k`` on an ``n x n`` pixel grid; ``coeffs`` is (..., k*k)."""
        c = as_float_array(coeffs, "coeffs")
        x = (np.arange(n) - n // 2) * pixel_size
        C = self.centres
        gx = np.exp(-0.5 * ((x[None, :] - C[:, 0:1]) / self.width) ** 2)  # (K, n)
        gy = np.exp(-0.5 * ((x[None, :] - C[:, 1:2]) / self.width) ** 2)
        return np.einsum("...k,ky,kx->...yx", c, gy, gx, optimize=True)


@dataclass(frozen=True)
class HyperFit:
    """Least-squares hyper-molecule coefficients for every temporal degree up to ``max_degree``.

    ``coeffs[Q]`` has shape ``(Q, k*k)``: the fit with Legendre degrees ``q < Q``.
    """

    basis: HyperBasis
    coeffs: dict

    def frames(self, t: ArrayLike, degree: int, n: int = 48, pixel_size: float = 0.75) -> Array:
        """Images of the fitted ``V(., t)`` with ``degree`` Legendre terms, shape (m, n, n)."""
        if degree not in self.coeffs:
            raise ValueError(f"degree must be one of {sorted(self.coeffs)}, got {degree}")
        P = legendre_basis(t, degree)  # (m, Q)
        return self.basis.images(P @ self.coeffs[degree], n, pixel_size)


def truth_frames(t: ArrayLike, n: int = 48, pixel_size: float = 0.75, sigma: float = 2.0) -> Array:
    """Images of the toy molecule at conformations ``t``, shape (m, n, n)."""
    C = hinge_molecule_2d(np.atleast_1d(as_float_array(t, "t")))
    x = (np.arange(n) - n // 2) * pixel_size
    gx = np.exp(-0.5 * ((x[None, None, :] - C[..., 0:1]) / sigma) ** 2)
    gy = np.exp(-0.5 * ((x[None, None, :] - C[..., 1:2]) / sigma) ** 2)
    return np.einsum("may,max->myx", gy, gx)


def fit_hyper_molecule(
    projections: ArrayLike,
    angles: ArrayLike,
    t: ArrayLike,
    bin_size: float,
    max_degree: int = 8,
    basis: HyperBasis | None = None,
    ridge: float = 1e-3,
    chunk: int = 100,
) -> HyperFit:
    """Least-squares coefficients of ``V(x, t)`` from line projections at known angles and t.

    The normal equations are accumulated once for ``max_degree`` Legendre terms (in
    chunks of projections, to bound memory); because the Legendre basis is nested,
    the fit for every smaller degree is a leading block of the same system. A small
    ridge (relative to the mean diagonal) keeps unobserved combinations at zero.

    Parameters
    ----------
    projections : array_like, shape (m, n_bins)
    angles, t : array_like, shape (m,)
        Detector angles (radians) and conformations in [-1, 1] of each projection.
    bin_size : float
        Å per detector bin.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> th, t = rng.uniform(0, np.pi, 300), rng.uniform(-1, 1, 300)
    >>> y = line_projections(hinge_molecule_2d(t), th, 32, 1.0, 1.5)
    >>> fit = fit_hyper_molecule(y, th, t, 1.0, max_degree=4)
    >>> sorted(fit.coeffs), fit.coeffs[4].shape
    ([1, 2, 3, 4], (4, 144))
    """
    Y = as_float_array(projections, "projections")
    th = as_float_array(angles, "angles").reshape(-1)
    tt = as_float_array(t, "t").reshape(-1)
    if Y.ndim != 2 or len(Y) != len(th) or len(tt) != len(th):
        raise ValueError(
            f"projections must be (m, n_bins) with m angles and m t values; got {Y.shape}, "
            f"{th.shape}, {tt.shape}"
        )
    if np.any(np.abs(tt) > 1):
        raise ValueError("t must lie in [-1, 1]")
    if max_degree < 1 or ridge < 0:
        raise ValueError("max_degree must be >= 1 and ridge >= 0")
    b = basis or HyperBasis()
    K = b.k * b.k
    Q = int(max_degree)
    P = legendre_basis(tt, Q)
    A = np.zeros((Q * K, Q * K))
    rhs = np.zeros(Q * K)
    for s in range(0, len(th), chunk):
        sl = slice(s, s + chunk)
        B = b.projections(th[sl], Y.shape[1], bin_size)  # (m_chunk, n_bins, K)
        D = np.einsum("mq,mbk->mbqk", P[sl], B).reshape(-1, Q * K)
        A += D.T @ D
        rhs += D.T @ Y[sl].reshape(-1)
    lam = ridge * np.mean(np.diag(A))
    coeffs = {}
    for q in range(1, Q + 1):
        n = q * K
        sol = np.linalg.solve(A[:n, :n] + lam * np.eye(n), rhs[:n])
        coeffs[q] = sol.reshape(q, K)
    return HyperFit(b, coeffs)
