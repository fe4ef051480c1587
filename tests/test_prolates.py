"""Lederman's GPSF method against independent routes: scipy.special, the classic
Legendre (Bouwkamp) tridiagonal matrix with the Xiao-Rokhlin-Yarvin eigenvalue
formula, Nystrom quadrature and direct evaluation of the integral operator."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

from helpers import prolates


def legendre_route(c, count, parity):
    """1-D prolate concentrations from the normalised-Legendre tridiagonal matrix.

    Even n: int psi = mu psi(0); odd n: i c int t psi = mu psi'(0); lambda = c |mu|^2 / 2pi.
    """
    k = np.arange(parity, 2 * (count + 40) + parity, 2).astype(float)
    d = k * (k + 1) + c**2 * (2 * k * (k + 1) - 1) / ((2 * k + 3) * (2 * k - 1))
    kk = k[:-1]
    o = c**2 * (kk + 2) * (kk + 1) / ((2 * kk + 3) * np.sqrt((2 * kk + 1) * (2 * kk + 5)))
    _, V = np.linalg.eigh(np.diag(d) + np.diag(o, 1) + np.diag(o, -1))
    ki = k.astype(int)
    if parity == 0:
        at0 = np.sqrt(k + 0.5) * special.eval_legendre(ki, 0.0)
        mu = np.sqrt(2) * V[0] / (V.T @ at0)
    else:
        d0 = np.sqrt(k + 0.5) * k * special.eval_legendre(ki - 1, 0.0)
        mu = c * np.sqrt(2 / 3) * V[0] / (V.T @ d0)
    return (c * np.abs(mu) ** 2 / (2 * np.pi))[:count]


@pytest.mark.parametrize("c", [1.0, 3.0, 5.0])
def test_pswf_concentrations_match_the_legendre_route_far_below_1e16(c):
    # (the Legendre route's plain eigh loses the smallest entries beyond n ~ 20)
    lam = prolates.pswf_concentrations(c, 20)
    ref = np.empty(20)
    ref[0::2], ref[1::2] = legendre_route(c, 10, 0), legendre_route(c, 10, 1)
    assert lam[-1] < 1e-28
    np.testing.assert_allclose(lam, ref, rtol=1e-7)


def test_pswf_concentrations_match_scipy_pro_rad1():
    c = 5.0
    lam = prolates.pswf_concentrations(c, 22)
    # pro_rad1 is NaN exactly at x = 1
    ref = [2 * c / np.pi * special.pro_rad1(0, n, c, 1 + 1e-13)[0] ** 2 for n in range(22)]
    np.testing.assert_allclose(lam, ref, rtol=2e-8)
    np.testing.assert_allclose(lam[[14, 16, 20]], [5.139e-19, 2.191e-23, 9.727e-33], rtol=1e-3)


@pytest.mark.parametrize("N,parity", [(0, 0), (1, 1)])
def test_one_dimensional_chi_are_scipy_pro_cv(N, parity):
    g = prolates.radial_gpsf(5.0, N, -1, 8)
    ref = [special.pro_cv(0, 2 * n + parity, 5.0) for n in range(8)]
    np.testing.assert_allclose(-g.chi, ref, rtol=1e-12)


def test_three_d_order_zero_equals_odd_one_d_prolates():
    c = 5.0
    g = prolates.radial_gpsf(c, 0, 1, 12)
    np.testing.assert_allclose(
        g.concentration, prolates.pswf_concentrations(c, 24)[1::2], rtol=1e-9
    )
    np.testing.assert_allclose(
        -g.chi, [special.pro_cv(0, 2 * n + 1, c) for n in range(12)], rtol=1e-12
    )


@pytest.mark.parametrize(
    "c,N,p", [(10.0, 0, 1), (10.0, 3, 1), (7.0, 0, 2), (8.0, 0, 0), (8.0, 2, 0)]
)
def test_radial_gpsf_agrees_with_nystrom_where_both_work(c, N, p):
    g = prolates.radial_gpsf(c, N, p, 6)
    ny = prolates.radial_gpsf_nystrom(c, N, p, 200)[:6]
    np.testing.assert_allclose(g.gamma, ny, rtol=1e-9, atol=1e-14)


@pytest.mark.parametrize("N,p", [(0, 0), (1, 1), (0, 2)])
def test_eigenfunction_satisfies_the_integral_equation(N, p):
    """(M phi)(r) = gamma phi(r) at a few radii, with phi rebuilt from the coefficients."""
    c = 8.0
    g = prolates.radial_gpsf(c, N, p, 3)
    r, w = np.polynomial.legendre.leggauss(300)
    r, w = (r + 1) / 2, w / 2
    K = g.coeffs.shape[0]
    phi = r[:, None] ** ((p + 1) / 2) * (prolates.radial_zernike(r, N, p, K) @ g.coeffs)
    for s in (0.2, 0.5, 0.8):
        z = c * s * r
        kern = special.jv(N + p / 2, z) * np.sqrt(z)
        at_s = s ** ((p + 1) / 2) * prolates.radial_zernike([s], N, p, K) @ g.coeffs
        np.testing.assert_allclose((w * kern) @ phi, g.gamma * at_s[0], rtol=1e-8, atol=1e-12)


def test_printed_sign_of_b00_is_wrong():
    """With the printed B(0,0) = -kappa + c^2/2 the D = 2, N = 0 vectors fail eq. (31)."""
    c, K = 10.0, 60
    B = prolates.zernike_tridiagonal(c, 0, 0, K)
    kappa = 0.5 * 1.5
    assert B[0, 0] == pytest.approx(-(kappa + c * c / 2))
    B_printed = B.copy()
    B_printed[0, 0] = -kappa + c * c / 2
    top = abs(prolates.radial_gpsf_nystrom(c, 0, 0)[0])
    ratios = []
    for M in (B, B_printed):
        chi, H = np.linalg.eigh(M)
        h = H[:, np.argmin(np.abs(chi))]
        r, w = np.polynomial.legendre.leggauss(300)
        r, w = (r + 1) / 2, w / 2
        phi = np.sqrt(r) * (prolates.radial_zernike(r, 0, 0, K) @ h)
        s = np.array([0.2, 0.5, 0.8])
        kern = special.jv(0, c * np.outer(s, r)) * np.sqrt(c * np.outer(s, r))
        ratios.append(((kern * w) @ phi) / (np.sqrt(s) * (prolates.radial_zernike(s, 0, 0, K) @ h)))
    np.testing.assert_allclose(np.abs(ratios[0]), top, rtol=1e-8)
    assert np.ptp(ratios[1]) > 0.1


def test_harmonic_count_matches_the_corrected_formula_and_not_the_printed_one():
    from math import factorial

    for p in range(1, 5):
        for N in range(0, 7):
            fixed = (2 * N + p) * factorial(N + p - 1) // (factorial(p) * factorial(N))
            assert prolates.harmonic_count(N, p) == fixed
    printed = (2 * 3 + 1) * (3 + 1 - 1) / (1 * 6)  # eq. (16) as printed, D = 3, N = 3
    assert printed != prolates.harmonic_count(3, 1) == 7


def test_harmonic_count_is_the_dimension_of_spherical_harmonics_in_3d():
    assert [prolates.harmonic_count(N, 1) for N in range(6)] == [2 * N + 1 for N in range(6)]


def test_radial_zernike_orthonormal_with_weight():
    r, w = np.polynomial.legendre.leggauss(80)
    r, w = (r + 1) / 2, w / 2
    for N, p in ((0, 0), (3, 1), (2, 2), (0, -1), (1, -1)):
        R = prolates.radial_zernike(r, N, p, 10)
        np.testing.assert_allclose((R * (w * r ** (p + 1))[:, None]).T @ R, np.eye(10), atol=1e-10)


@settings(max_examples=15, deadline=None)
@given(st.floats(0.5, 15.0), st.integers(0, 4), st.integers(0, 3))
def test_concentrations_lie_in_unit_interval_and_decrease(c, N, p):
    g = prolates.radial_gpsf(c, N, p, 10)
    assert np.all(g.concentration > 0) and np.all(g.concentration < 1)
    assert np.all(np.diff(g.concentration) < 0)
    assert np.all(np.diff(np.abs(g.chi)) > 0)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(c=-1.0, N=0, p=1, count=3),
        dict(c=float("nan"), N=0, p=1, count=3),
        dict(c=1.0, N=-1, p=1, count=3),
        dict(c=1.0, N=0, p=-2, count=3),
        dict(c=1.0, N=2, p=-1, count=3),
        dict(c=1.0, N=0, p=1, count=0),
        dict(c=1.0, N=0, p=1, count=5, size=4),
    ],
)
def test_bad_inputs_raise(kwargs):
    with pytest.raises(ValueError):
        prolates.radial_gpsf(**kwargs)


def test_bad_inputs_raise_elsewhere():
    with pytest.raises(ValueError, match="x"):
        prolates.radial_zernike([1.5], 0, 1, 3)
    with pytest.raises(ValueError, match="size"):
        prolates.zernike_tridiagonal(1.0, 0, 1, 1)
    with pytest.raises(ValueError, match="nodes"):
        prolates.radial_gpsf_nystrom(1.0, 0, 1, 1)
    with pytest.raises(ValueError, match="p"):
        prolates.harmonic_count(0, -1)
