"""Generalized prolate spheroidal functions (GPSFs) by Lederman's tridiagonal method.

The GPSFs on the unit ball in ``D = p + 2`` dimensions with band limit ``c`` separate
into a radial function times a surface harmonic of degree ``N``. The weighted radial
part ``phi(r) = r^((p+1)/2) Phi(r)`` is an eigenfunction of the integral operator

    (M phi)(r) = int_0^1 J_{N+p/2}(c r r') sqrt(c r r') phi(r') dr'      (eq. 31)

with eigenvalue ``gamma`` and concentration ``|nu|^2 = c gamma^2`` (the fraction of
the Fourier energy inside the ball of radius ``c``). Quadrature of ``M`` (Nystrom)
cannot resolve eigenvalues below about 1e-16 of the largest. Lederman (arXiv:1710.02874)
instead expands ``phi`` in normalised radial Zernike polynomials, where Slepian's
commuting differential operator is a symmetric tridiagonal matrix (eqs. 37-40). Its
eigenvectors give the coefficients; the first eigenvalue follows from the small-r limit
of eq. (31) (eq. 52) and each next one from a ratio of two O(1) inner products
(eq. 61), so every eigenvalue keeps its relative precision however small it is.

Equation numbers are those of arXiv v1. Two printed formulas are corrected here (our
errata, checked numerically in the tests): the diagonal entry ``B(0, 0)`` for
``N = p = 0`` is ``-(kappa + c^2/2)``, not ``-kappa + c^2/2``; and the number of surface
harmonics is ``h(N, p) = (2N + p) (N + p - 1)! / (p! N!)`` (the factorial is missing in
eq. 16). The implementation is ours, written from the equations.

Besides the paper's ``p >= 0`` we allow the formal value ``p = -1`` (``D = 1``): the
kernel ``J_{N-1/2}(z) sqrt(z)`` is then ``sqrt(2/pi)`` times ``cos z`` (``N = 0``) or
``sin z`` (``N = 1``), and the method returns the even and odd 1-D prolate spheroidal
wave functions of Slepian and Pollak (:func:`pswf_concentrations`).
"""

from __future__ import annotations

from math import comb
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from ._checks import as_float_array, check_int, check_positive

Array = NDArray[np.float64]

__all__ = [
    "harmonic_count",
    "zernike_tridiagonal",
    "radial_zernike",
    "RadialGPSF",
    "radial_gpsf",
    "radial_gpsf_nystrom",
    "pswf_concentrations",
]


def _check_order(N: int, p: int) -> None:
    if not isinstance(N, (int, np.integer)) or N < 0:
        raise ValueError(f"N must be a non-negative integer, got {N!r}")
    if not isinstance(p, (int, np.integer)) or p < -1:
        raise ValueError(f"p must be an integer >= -1 (p = D - 2), got {p!r}")
    if p == -1 and N > 1:
        raise ValueError(f"for p = -1 (one dimension) N must be 0 or 1, got {N}")


def _check_c(c: float) -> float:
    return check_positive(c, "c")


def harmonic_count(N: int, p: int) -> int:
    """Number of linearly independent surface harmonics of degree ``N`` in ``D = p + 2``.

    The corrected eq. (16): ``h(N, p) = (2N + p) (N + p - 1)! / (p! N!)`` for
    ``p >= 1`` (``2N + 1`` in 3-D) and 2 for ``p = 0``, ``N >= 1`` (cos and sin);
    computed here as the difference of two binomial coefficients (harmonic
    polynomials of degree N = all homogeneous ones minus ``|x|^2`` times degree N - 2).

    Parameters
    ----------
    N : int
        Degree, non-negative.
    p : int
        ``D - 2``, at least -1.

    Returns
    -------
    int
        The number of harmonics.

    Examples
    --------
    >>> [harmonic_count(N, 1) for N in range(4)], [harmonic_count(N, 0) for N in range(3)]
    ([1, 3, 5, 7], [1, 2, 2])
    """
    _check_order(N, p)
    if p < 0:
        raise ValueError("p must be >= 0 for harmonic_count")
    lower = comb(N + p - 1, p + 1) if N >= 2 else 0
    return comb(N + p + 1, p + 1) - lower


def zernike_tridiagonal(c: float, N: int, p: int, size: int) -> Array:
    """Slepian's differential operator in the Zernike basis: the matrix ``B`` of eq. (42).

    Symmetric tridiagonal, with ``a = 2n + N + p/2`` and ``kappa = (a + 1/2)(a + 3/2)``:
    ``B(n, n) = -(c^2 [(a + 1)(N + p/2) + 2n(n + 1)] / (a(a + 2)) + kappa)`` (eq. 38) and
    ``B(n-1, n) = -c^2 n (n + N + p/2) / (sqrt(1 - 2/(a + 1)) a (a + 1))`` (eq. 37). For
    ``N = p = 0`` the entry ``B(0, 0)`` is the limit ``-(kappa + c^2/2)`` (the paper
    prints ``-kappa + c^2/2``; see the module note).

    Parameters
    ----------
    c : float
        Band limit, positive.
    N : int
        Angular order.
    p : int
        ``D - 2``.
    size : int
        Truncation of the expansion.

    Returns
    -------
    ndarray, shape (size, size)
        The symmetric tridiagonal matrix.

    Examples
    --------
    >>> zernike_tridiagonal(1.0, 0, 0, 3)[0, 0]  # -(3/4 + 1/2)
    np.float64(-1.25)
    """
    c = _check_c(c)
    _check_order(N, p)
    if not isinstance(size, (int, np.integer)) or size < 2:
        raise ValueError(f"size must be an integer >= 2, got {size!r}")
    a0 = N + p / 2
    n = np.arange(size, dtype=float)
    a = 2 * n + a0
    kappa = (a + 0.5) * (a + 1.5)
    with np.errstate(invalid="ignore", divide="ignore"):
        diag = -(c * c * ((a + 1) * a0 + 2 * n * (n + 1)) / (a * (a + 2)) + kappa)
    if a0 == 0:
        diag[0] = -(kappa[0] + c * c / 2)
    m = n[1:]
    am = 2 * m + a0
    off = -c * c * m * (m + a0) / (np.sqrt(1 - 2 / (am + 1)) * am * (am + 1))
    return np.diag(diag) + np.diag(off, 1) + np.diag(off, -1)


def _jacobi_rows(N: int, p: int, size: int, u: Array) -> tuple[Array, Array]:
    """Normalised radial Zernike polynomials (without ``x^N``) and ``x d/dx`` of them.

    Both as functions of ``u = 1 - 2 x^2``; rows are degrees ``k < size``.
    """
    al = N + p / 2
    k = np.arange(size)
    norm = np.sqrt(2) * (-1.0) ** k * np.sqrt(2 * k + al + 1)
    P = np.array([special.eval_jacobi(j, al, 0, u) for j in k]) * norm[:, None]
    dP = np.zeros_like(P)
    for j in k[1:]:
        dP[j] = (j + al + 1) / 2 * special.eval_jacobi(j - 1, al + 1, 1, u) * norm[j]
    # x d/dx [x^N P(1 - 2x^2)] = x^N [N P(u) - 2 (1 - u) P'(u)]
    return P, N * P - 2 * (1 - u) * dP


def radial_zernike(x: ArrayLike, N: int, p: int, size: int) -> Array:
    """Normalised radial Zernike polynomials ``Rbar^p_{N,n}(x)``, n < size (eq. 8).

    ``Rbar(x) = sqrt(2) (-1)^n x^N sqrt(2n + N + p/2 + 1) P_n^{(N+p/2, 0)}(1 - 2x^2)``,
    orthonormal on [0, 1] with weight ``x^(p+1)``. Returns shape (len(x), size).

    Parameters
    ----------
    x : array_like
        Radii in ``[0, 1]``.
    N : int
        Angular order.
    p : int
        ``D - 2``.
    size : int
        Number of polynomials.

    Returns
    -------
    ndarray, shape (len(x), size)
        The polynomials at ``x``.

    Examples
    --------
    >>> x, w = np.polynomial.legendre.leggauss(40)
    >>> x, w = (x + 1) / 2, w / 2
    >>> R = radial_zernike(x, 2, 1, 4)
    >>> bool(np.allclose((R * (w * x**2)[:, None]).T @ R, np.eye(4)))
    True
    """
    _check_order(N, p)
    size = check_int(size, "size", low=1)
    xx = as_float_array(x, "x").reshape(-1)
    if np.any(xx < 0) or np.any(xx > 1):
        raise ValueError("x must lie in [0, 1]")
    P, _ = _jacobi_rows(N, p, size, 1 - 2 * xx * xx)
    return (xx**N)[:, None] * P.T


class RadialGPSF(NamedTuple):
    """Radial GPSFs of one angular order from :func:`radial_gpsf`.

    gamma : (count,) eigenvalues of eq. (31), signed, ``|gamma|`` decreasing.
    concentration : (count,) ``|nu|^2 = c gamma^2``, the in-band energy fraction.
    chi : (count,) eigenvalues of the tridiagonal matrix (eq. 42), ``|chi|`` increasing.
    coeffs : (size, count) Zernike coefficients ``h`` of ``Phi_n = sum_k h_k Rbar_k``.

    Attributes
    ----------
    gamma : ndarray
        Eigenvalues of the integral operator, ``|gamma|`` decreasing.
    concentration : ndarray
        Energy fraction in the unit ball.
    chi : ndarray
        Eigenvalues of the differential operator.
    coeffs : ndarray
        Zernike coefficients of each function.
    """

    gamma: Array
    concentration: Array
    chi: Array
    coeffs: Array


def radial_gpsf(c: float, N: int, p: int, count: int, size: int | None = None) -> RadialGPSF:
    """Radial GPSFs and their eigenvalues by Lederman's method (eqs. 42, 52, 61).

    1. Eigendecompose the tridiagonal ``B`` (:func:`zernike_tridiagonal`), order by
       ``|chi|`` and fix signs: ``h_0 > 0`` for even n, ``h_0 < 0`` for odd n.
    2. ``gamma_0`` from eq. (52): ``2^(-N-p/2) c^(N+p/2+1/2) h_0 / (sqrt(2N+p+2)
       sum_k (-1)^k sqrt(4k+2N+p+2) Gamma(k+N+p/2+1)/k! h_k)``.
    3. ``gamma_{n+1} = gamma_n (ht_n . h_{n+1}) / (ht_{n+1} . h_n)`` (eq. 61), where
       ``ht`` are the Zernike coefficients of ``x Phi'``; we form the matrix of ``x d/dx``
       by Gauss-Jacobi quadrature, exact for these polynomials.

    Parameters
    ----------
    c : float
        Band limit (the frequency ball has radius c; space is the unit ball).
    N, p : int
        Angular order and ``p = D - 2`` (``p = -1``: 1-D, N = 0 even, N = 1 odd).
    count : int
        Number of radial functions wanted.
    size : int, optional
        Truncation of the Zernike expansion; default ``count + 30 + int(c)``.

    Returns
    -------
    RadialGPSF
        Eigenvalues, concentrations and Zernike coefficients.

    Examples
    --------
    >>> g = radial_gpsf(10.0, 0, 1, 3)
    >>> round(float(g.gamma[0]), 7), bool(g.concentration[0] > 0.99999)
    (0.3162273, True)
    """
    c = _check_c(c)
    _check_order(N, p)
    if not isinstance(count, (int, np.integer)) or count < 1:
        raise ValueError(f"count must be a positive integer, got {count!r}")
    K = check_int(size, "size", low=1) if size is not None else int(count) + 30 + int(c)
    if K < count + 2:
        raise ValueError(f"size must be at least count + 2, got {size}")
    chi, H = np.linalg.eigh(zernike_tridiagonal(c, N, p, K))
    order = np.argsort(np.abs(chi))[:count]
    chi, H = chi[order], H[:, order]
    want_positive = np.arange(count) % 2 == 0
    H = H * np.where((H[0] > 0) == want_positive, 1.0, -1.0)
    a0 = N + p / 2
    k = np.arange(K)
    weights = (
        (-1.0) ** k
        * np.sqrt(4 * k + 2 * N + p + 2)
        * np.exp(special.gammaln(k + a0 + 1) - special.gammaln(k + 1))
    )
    gamma = np.empty(count)
    gamma[0] = (
        2 ** (-a0) * c ** (a0 + 0.5) * H[0, 0] / (np.sqrt(2 * N + p + 2) * (weights @ H[:, 0]))
    )
    u, w = special.roots_jacobi(K + 2, a0, 0)
    P, X = _jacobi_rows(N, p, K, u)
    Ht = (P * w) @ X.T @ H  # coefficients of x Phi' (the common factor cancels in the ratio)
    for n in range(count - 1):
        gamma[n + 1] = gamma[n] * (Ht[:, n] @ H[:, n + 1]) / (Ht[:, n + 1] @ H[:, n])
    return RadialGPSF(gamma, c * gamma**2, chi, H)


def radial_gpsf_nystrom(c: float, N: int, p: int, nodes: int = 200) -> Array:
    """Eigenvalues ``gamma`` of eq. (31) by Gauss-Legendre quadrature (Nystrom), ``|gamma|`` decreasing.

    The baseline that Lederman's method replaces: accurate for the large eigenvalues,
    stuck at about 1e-16 (rounding) for the small ones.

    Parameters
    ----------
    c : float
        Band limit.
    N : int
        Angular order.
    p : int
        ``D - 2``.
    nodes : int, default 200
        Number of quadrature nodes.

    Returns
    -------
    ndarray, shape (nodes,)
        The eigenvalues.

    Examples
    --------
    >>> round(float(abs(radial_gpsf_nystrom(10.0, 0, 1)[0])), 7)
    0.3162273
    """
    c = _check_c(c)
    _check_order(N, p)
    if not isinstance(nodes, (int, np.integer)) or nodes < 2:
        raise ValueError(f"nodes must be an integer >= 2, got {nodes!r}")
    r, wr = np.polynomial.legendre.leggauss(int(nodes))
    r, wr = (r + 1) / 2, wr / 2
    z = c * np.outer(r, r)
    A = special.jv(N + p / 2, z) * np.sqrt(z)
    sw = np.sqrt(wr)
    g = np.linalg.eigvalsh(sw[:, None] * A * sw[None, :])
    return g[np.argsort(-np.abs(g))]


def pswf_concentrations(c: float, count: int) -> Array:
    """Concentrations ``lambda_n`` (n < count) of the 1-D prolates on [-1, 1], band ``c``.

    ``lambda_n`` is the fraction of the energy of ``psi_n`` inside ``|omega| <= c``
    (the eigenvalue of the sinc kernel ``sin c(x-y) / (pi (x-y))``). Even n come from
    :func:`radial_gpsf` with ``p = -1, N = 0``, odd n from ``p = -1, N = 1``; all keep
    relative precision far below 1e-16.

    Parameters
    ----------
    c : float
        Band limit.
    count : int
        Number wanted.

    Returns
    -------
    ndarray, shape (count,)
        The concentrations, decreasing.

    Examples
    --------
    >>> lam = pswf_concentrations(5.0, 21)
    >>> float(lam[0].round(6)), f"{lam[20]:.3g}"
    (0.999352, '9.73e-33')
    """
    c = _check_c(c)
    if not isinstance(count, (int, np.integer)) or count < 1:
        raise ValueError(f"count must be a positive integer, got {count!r}")
    even = radial_gpsf(c, 0, -1, (count + 1) // 2).concentration
    odd = radial_gpsf(c, 1, -1, count // 2).concentration if count > 1 else np.empty(0)
    out = np.empty(count)
    out[0::2], out[1::2] = even, odd
    return out
