"""A 2-D hyper-molecule: a density that depends on space and on one extra coordinate t.

The toy: a rigid body of Gaussian blobs with an arm that swings about a pivot as t runs
over [-1, 1]. Its *hyper-object* ``V(x, t)`` is expanded in a product basis, a spatial
basis times Legendre polynomials in t,

    V(x, t) = sum_q sum_k a[q, k] P_q(t) phi_k(x),

and the coefficients are found by least squares from 1-D line projections taken at
known angles and known t. Two spatial bases are offered: Gaussian radial basis
functions on a square grid (:class:`HyperBasis`; line projections of Gaussians are
Gaussians) and the Fourier-Bessel functions of a disk up to a band limit
(:class:`FourierBesselBasis`), the standard cheap stand-in for 2-D prolates.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.polynomial import legendre
from numpy.typing import ArrayLike, NDArray
from scipy import special

from ._checks import as_float_array, check_int, check_nonnegative, check_positive

Array = NDArray[np.float64]

__all__ = [
    "hinge_molecule_2d",
    "line_projections",
    "legendre_basis",
    "fourier_basis",
    "HyperBasis",
    "FourierBesselBasis",
    "fit_hyper_molecule",
    "HyperFit",
    "truth_frames",
]

ARM_SWING_DEG = 60.0  # the arm turns by t * 60 degrees about the pivot


def hinge_molecule_2d(t: ArrayLike, swing: float = np.pi / 3) -> Array:
    """Blob centres (Å) of the toy molecule at conformation(s) ``t`` in [-1, 1].

    Eight blobs form a fixed body; four blobs form an arm that turns by
    ``t * swing`` radians (default 60 degrees) about the pivot ``(3, 0)``. With
    ``swing = pi`` the arm makes a full turn and ``t = -1`` and ``t = 1`` are the same
    conformation: the conformation space is a circle, not an interval.

    Parameters
    ----------
    t : array_like, shape (m,)
        Conformations in ``[-1, 1]``.
    swing : float, optional
        Largest hinge turn in radians (reached at ``t = +-1``).

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
    if not np.isfinite(swing):
        raise ValueError(f"swing must be finite, got {swing!r}")
    th = float(swing) * np.atleast_1d(tt)
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


def fourier_basis(t: ArrayLike, degree: int) -> Array:
    """Real Fourier basis on the circle ``t in [-1, 1)``: 1, then sqrt(2) cos, sin(pi j t).

    ``degree`` functions in the order 1, cos(pi t), sin(pi t), cos(2 pi t), ...;
    orthonormal for the uniform density on [-1, 1] and periodic (``t = -1`` and ``t = 1``
    give the same row).

    Parameters
    ----------
    t : array_like, shape (m,)
        Points on the circle ``[-1, 1)``.
    degree : int
        Number of functions.

    Returns
    -------
    ndarray, shape (m, degree)
        The functions at ``t``, orthonormal with weight 1/2.

    Examples
    --------
    >>> fourier_basis([-1.0, 1.0], 3).round(3)
    array([[ 1.   , -1.414, -0.   ],
           [ 1.   , -1.414,  0.   ]])
    """
    tt = as_float_array(t, "t").reshape(-1)
    if degree < 1:
        raise ValueError(f"degree must be >= 1, got {degree}")
    j = (np.arange(1, degree) + 1) // 2
    arg = np.pi * np.outer(tt, j)
    trig = np.where(np.arange(1, degree) % 2 == 1, np.cos(arg), np.sin(arg))
    return np.c_[np.ones(len(tt)), np.sqrt(2) * trig]


def _temporal(kind: str, t: ArrayLike, degree: int) -> Array:
    if kind == "legendre":
        return legendre_basis(t, degree)
    if kind == "fourier":
        return fourier_basis(t, degree)
    raise ValueError(f"temporal must be 'legendre' or 'fourier', got {kind!r}")


def legendre_basis(t: ArrayLike, degree: int) -> Array:
    """Orthonormal Legendre polynomials ``sqrt(2q + 1) P_q(t)``, q < degree, at ``t``.

    Orthonormal for the uniform density on [-1, 1]: ``E[P_q P_r] = delta_qr``.

    Parameters
    ----------
    t : array_like, shape (m,)
        Points in ``[-1, 1]``.
    degree : int
        Number of polynomials.

    Returns
    -------
    ndarray, shape (m, degree)
        The polynomials at ``t``, orthonormal on ``[-1, 1]`` with weight 1/2.

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
    """Gaussian RBFs on a ``k x k`` grid with spacing ``h`` (Å) and width ``width`` (Å).

    Attributes
    ----------
    k : int
        Grid points per side (``k^2`` functions).
    h : float
        Grid spacing in Å.
    width : float
        Width (standard deviation) of each Gaussian in Å.
    """

    k: int = 12
    h: float = 2.5
    width: float = 2.0

    @property
    def centres(self) -> Array:
        g = (np.arange(self.k) - (self.k - 1) / 2) * self.h
        gy, gx = np.meshgrid(g, g, indexing="ij")
        return np.c_[gx.ravel(), gy.ravel()]

    def projections(self, angles: ArrayLike, n_bins: int, bin_size: float) -> Array:
        """Line projections of every basis function at every angle, shape (m, n_bins, k*k).

        Parameters
        ----------
        angles : array_like, shape (m,)
            Detector angles, radians.
        n_bins : int
            Number of detector bins.
        bin_size : float
            Bin size in Å.

        Returns
        -------
        ndarray, shape (m, n_bins, k*k)
            Projection of every basis function at every angle.

        Examples
        --------
        >>> b = HyperBasis()
        >>> b.projections([0.0, 0.5], 16, 1.0).shape == (2, 16, b.k**2)
        True
        """
        th = as_float_array(angles, "angles").reshape(-1)
        s = np.stack([np.cos(th), np.sin(th)], axis=-1) @ self.centres.T  # (m, K)
        x = (np.arange(n_bins) - n_bins // 2) * bin_size
        g = np.exp(-0.5 * ((x[None, :, None] - s[:, None, :]) / self.width) ** 2)
        return np.sqrt(2 * np.pi) * self.width * g

    def images(self, coeffs: ArrayLike, n: int, pixel_size: float) -> Array:
        """Evaluate ``sum_k c_k phi_k`` on an ``n x n`` pixel grid; ``coeffs`` is (..., k*k).

            Parameters
            ----------
            coeffs : array_like, shape (..., k*k)
                Coefficients.
            n : int
                Image side in pixels.
            pixel_size : float
                Pixel size in Å.

            Returns
            -------
            ndarray, shape (..., n, n)
                The images.

            Examples
            --------
            >>> b = HyperBasis()
        >>> b.images(np.zeros(b.k**2), 8, 1.0).shape
            (8, 8)
        """
        c = as_float_array(coeffs, "coeffs")
        x = (np.arange(n) - n // 2) * pixel_size
        C = self.centres
        gx = np.exp(-0.5 * ((x[None, :] - C[:, 0:1]) / self.width) ** 2)  # (K, n)
        gy = np.exp(-0.5 * ((x[None, :] - C[:, 1:2]) / self.width) ** 2)
        return np.einsum("...k,ky,kx->...yx", c, gy, gx, optimize=True)


@dataclass(frozen=True)
class FourierBesselBasis:
    """Real Fourier-Bessel functions of the disk of radius ``radius`` (Å) up to ``band`` (rad/Å).

    ``phi(r, angle) = n_mk J_m(alpha_mk r / R) {cos, sin}(m angle)`` for ``r < R``, where
    ``alpha_mk`` is the k-th positive zero of ``J_m`` and ``alpha_mk / R <= band``;
    ``n_mk`` makes each function unit-norm on the disk. Their number follows Weyl's law,
    ``x^2 / 4 - x / 2`` with ``x = band * radius``: the 2-D space-bandwidth count
    ``x^2 / 4`` (area of the disk times area of the frequency disk over ``(2 pi)^2``, the
    count of well-concentrated 2-D prolates) minus a boundary term.

    The line projection at detector angle ``theta`` is separable: ``{cos, sin}(m theta)``
    times a profile ``q_mk(s) = int J_m(alpha r / R) cos(m beta) d tau`` along the chord at
    offset ``s`` (``r = sqrt(s^2 + tau^2)``, ``beta = atan2(tau, s)``), computed by
    Gauss-Legendre quadrature.

    Attributes
    ----------
    radius : float
        Radius of the disk in Å.
    band : float
        Band limit in radians per Å.

    Examples
    --------
    >>> fb = FourierBesselBasis(radius=10.0, band=1.0)
    >>> fb.size, (1.0 * 10.0) ** 2 / 4 - 1.0 * 10.0 / 2
    (21, 20.0)
    """

    radius: float = 18.0
    band: float = 1.5

    def __post_init__(self) -> None:
        for name in ("radius", "band"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and np.isfinite(v) and v > 0):
                raise ValueError(f"{name} must be a positive finite number, got {v!r}")

    @property
    def modes(self) -> tuple[NDArray[np.int64], Array, NDArray[np.bool_]]:
        """Angular order m, zero alpha and ``is_sine`` flag of every function."""
        return _fb_modes(float(self.radius * self.band))

    @property
    def size(self) -> int:
        return len(self.modes[0])

    def _norms(self) -> Array:
        m, a, _ = self.modes
        radial = self.radius**2 / 2 * special.jv(m + 1, a) ** 2
        return 1 / np.sqrt(radial * np.where(m == 0, 2 * np.pi, np.pi))

    def projections(self, angles: ArrayLike, n_bins: int, bin_size: float) -> Array:
        """Line projections of every basis function at every angle, shape (m, n_bins, K).

        Parameters
        ----------
        angles : array_like, shape (m,)
            Detector angles, radians.
        n_bins : int
            Number of detector bins.
        bin_size : float
            Bin size in Å.

        Returns
        -------
        ndarray, shape (m, n_bins, K)
            Projection of every basis function at every angle.

        Examples
        --------
        >>> fb = FourierBesselBasis(radius=10.0, band=1.0)
        >>> fb.projections([0.0, 0.5], 16, 1.5).shape == (2, 16, fb.size)
        True
        """
        th = as_float_array(angles, "angles").reshape(-1)
        if n_bins < 2 or not bin_size > 0:
            raise ValueError("n_bins must be >= 2 and bin_size positive")
        m, _, sine = self.modes
        prof = _fb_profiles(float(self.radius), float(self.band), int(n_bins), float(bin_size))
        trig = np.where(sine, np.sin(np.outer(th, m)), np.cos(np.outer(th, m)))  # (m, K)
        return trig[:, None, :] * prof.T[None, :, :]

    def images(self, coeffs: ArrayLike, n: int, pixel_size: float) -> Array:
        """Evaluate ``sum_k c_k phi_k`` on an ``n x n`` pixel grid; ``coeffs`` is (..., K).

        Parameters
        ----------
        coeffs : array_like, shape (..., K)
            Coefficients.
        n : int
            Image side in pixels.
        pixel_size : float
            Pixel size in Å.

        Returns
        -------
        ndarray, shape (..., n, n)
            The images (zero outside the disk).

        Examples
        --------
        >>> fb = FourierBesselBasis(radius=10.0, band=1.0)
        >>> fb.images(np.zeros(fb.size), 8, 3.0).shape
        (8, 8)
        """
        c = as_float_array(coeffs, "coeffs")
        if n < 1 or not pixel_size > 0:
            raise ValueError("n must be >= 1 and pixel_size positive")
        phi = _fb_images(float(self.radius), float(self.band), int(n), float(pixel_size))
        out = c.reshape(-1, c.shape[-1]) @ phi.reshape(len(phi), -1)
        return out.reshape(c.shape[:-1] + (n, n))


@lru_cache(maxsize=16)
def _fb_modes(amax: float) -> tuple[NDArray[np.int64], Array, NDArray[np.bool_]]:
    ms, alphas, sines = [], [], []
    m = 0
    while True:
        z = special.jn_zeros(m, max(1, int(amax / np.pi) + 2))
        z = z[z <= amax]
        if len(z) == 0:
            break
        for a in z:
            ms.append(m), alphas.append(a), sines.append(False)
            if m > 0:
                ms.append(m), alphas.append(a), sines.append(True)
        m += 1
    out = np.array(ms), np.array(alphas), np.array(sines)
    for arr in out:
        arr.setflags(write=False)
    return out


@lru_cache(maxsize=16)
def _fb_profiles(radius: float, band: float, n_bins: int, bin_size: float) -> Array:
    """Chord integrals q_mk(s) at the detector bins, normalised, shape (K, n_bins)."""
    fb = FourierBesselBasis(radius, band)
    m, a, _ = fb.modes
    s = (np.arange(n_bins) - n_bins // 2) * bin_size
    half = np.sqrt(np.clip(radius**2 - s**2, 0, None))
    u, wu = np.polynomial.legendre.leggauss(64)
    tau = half[:, None] * u[None, :]  # (bins, nodes)
    r = np.hypot(s[:, None], tau)
    beta = np.arctan2(tau, s[:, None])
    prof = np.empty((len(m), n_bins))
    for mm in np.unique(m):
        sel = m == mm
        J = special.jv(mm, a[sel, None, None] / radius * r[None])
        prof[sel] = np.sum(J * np.cos(mm * beta)[None] * wu, axis=-1) * half
    prof *= (np.abs(s) < radius) * fb._norms()[:, None]
    prof.setflags(write=False)
    return prof


@lru_cache(maxsize=8)
def _fb_images(radius: float, band: float, n: int, pixel_size: float) -> Array:
    """Every basis function on the ``n x n`` pixel grid, shape (K, n, n)."""
    fb = FourierBesselBasis(radius, band)
    m, a, sine = fb.modes
    x = (np.arange(n) - n // 2) * pixel_size
    X, Y = np.meshgrid(x, x)
    r, ang = np.hypot(X, Y), np.arctan2(Y, X)
    J = special.jv(m[:, None, None], a[:, None, None] / radius * r[None])
    mm = m[:, None, None] * ang
    phi = J * np.where(sine[:, None, None], np.sin(mm), np.cos(mm))
    phi *= (r < radius) * fb._norms()[:, None, None]
    phi.setflags(write=False)
    return phi


@dataclass(frozen=True)
class HyperFit:
    """Least-squares hyper-molecule coefficients for every temporal degree up to ``max_degree``.

    ``coeffs[Q]`` has shape ``(Q, k*k)``: the fit with Legendre degrees ``q < Q``.

    Attributes
    ----------
    basis : HyperBasis | FourierBesselBasis
        The spatial basis.
    coeffs : dict
        Coefficients of shape ``(degree, basis size)`` for each degree 1 ... ``max_degree``.
    temporal : str
        The temporal basis, ``"legendre"`` or ``"fourier"``.
    """

    basis: HyperBasis | FourierBesselBasis
    coeffs: dict
    temporal: str = "legendre"

    def frames(self, t: ArrayLike, degree: int, n: int = 48, pixel_size: float = 0.75) -> Array:
        """Images of the fitted ``V(., t)`` with ``degree`` Legendre terms, shape (m, n, n).

        Parameters
        ----------
        t : array_like, shape (m,)
            Conformations.
        degree : int
            Number of temporal terms (a key of ``coeffs``).
        n : int, default 48
            Image side in pixels.
        pixel_size : float, default 0.75
            Pixel size in Å.

        Returns
        -------
        ndarray, shape (m, n, n)
            Images of the fitted molecule.

        Examples
        --------
        >>> rng = np.random.default_rng(0)
        >>> th, t = rng.uniform(0, np.pi, 200), rng.uniform(-1, 1, 200)
        >>> y = line_projections(hinge_molecule_2d(t), th, 32, 1.0, 1.5)
        >>> fit_hyper_molecule(y, th, t, 1.0, max_degree=2).frames([0.0], 2, n=16).shape
        (1, 16, 16)
        """
        if degree not in self.coeffs:
            raise ValueError(f"degree must be one of {sorted(self.coeffs)}, got {degree}")
        P = _temporal(self.temporal, t, degree)  # (m, Q)
        return self.basis.images(P @ self.coeffs[degree], n, pixel_size)


def truth_frames(
    t: ArrayLike,
    n: int = 48,
    pixel_size: float = 0.75,
    sigma: float = 2.0,
    swing: float = np.pi / 3,
) -> Array:
    """Images of the toy molecule at conformations ``t``, shape (m, n, n).

    Parameters
    ----------
    t : array_like, shape (m,)
        Conformations in ``[-1, 1]``.
    n : int, default 48
        Image side in pixels.
    pixel_size : float, default 0.75
        Pixel size in Å.
    sigma : float, default 2.0
        Width of each blob in Å.
    swing : float, optional
        Largest hinge turn in radians, as in :func:`hinge_molecule_2d`.

    Returns
    -------
    ndarray, shape (m, n, n)
        Images of the toy molecule.

    Examples
    --------
    >>> truth_frames([-1.0, 1.0], n=16).shape
    (2, 16, 16)
    """
    C = hinge_molecule_2d(np.atleast_1d(as_float_array(t, "t")), swing)
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
    basis: HyperBasis | FourierBesselBasis | None = None,
    ridge: float = 1e-3,
    chunk: int = 100,
    temporal: str = "legendre",
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
    basis : HyperBasis or FourierBesselBasis, optional
        Spatial basis (default ``HyperBasis()``).
    ridge : float
        Tikhonov weight relative to the mean diagonal of the normal matrix:
        ``lam = ridge * mean(diag(A))`` is added to the diagonal.
    temporal : {"legendre", "fourier"}
        Basis in t: Legendre polynomials (t on an interval) or the Fourier basis of
        :func:`fourier_basis` (t on a circle). Both are nested, so every smaller degree
        is a leading block of the same normal equations.

    Returns
    -------
    HyperFit
        The basis and the coefficients for every temporal degree up to ``max_degree``.

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
    Q = check_int(max_degree, "max_degree", low=1)
    ridge = check_nonnegative(ridge, "ridge")
    chunk = check_int(chunk, "chunk", low=1)
    bin_size = check_positive(bin_size, "bin_size")
    if basis is not None and not isinstance(basis, (HyperBasis, FourierBesselBasis)):
        raise ValueError(f"basis must be a HyperBasis or FourierBesselBasis, got {basis!r}")
    b = basis if basis is not None else HyperBasis()
    P = _temporal(temporal, tt, Q)
    A4 = None
    rhs = None
    for s in range(0, len(th), chunk):
        sl = slice(s, s + chunk)
        B = b.projections(th[sl], Y.shape[1], bin_size)  # (m_chunk, n_bins, K)
        K = B.shape[-1]
        # the design row of projection i is P_i (x) B_i, so the normal matrix is
        # sum_i (P_i P_i^T) (x) (B_i^T B_i): one matrix product over projections
        G = np.matmul(B.transpose(0, 2, 1), B).reshape(len(B), K * K)
        PP = (P[sl, :, None] * P[sl, None, :]).reshape(len(B), Q * Q)
        blk = (PP.T @ G).reshape(Q, Q, K, K)
        r = (P[sl].T @ np.matmul(Y[sl, None, :], B)[:, 0, :]).reshape(-1)
        A4 = blk if A4 is None else A4 + blk
        rhs = r if rhs is None else rhs + r
    A = A4.transpose(0, 2, 1, 3).reshape(Q * K, Q * K)
    lam = ridge * np.mean(np.diag(A))
    coeffs = {}
    for q in range(1, Q + 1):
        n = q * K
        sol = np.linalg.solve(A[:n, :n] + lam * np.eye(n), rhs[:n])
        coeffs[q] = sol.reshape(q, K)
    return HyperFit(b, coeffs, temporal)
