import numpy as np
import pytest
from scipy import stats

from helpers import hyper, latent


def test_line_projection_integrates_each_blob():
    p = hyper.line_projections([[1.0, -2.0], [0.5, 0.5]], np.linspace(0, np.pi, 7), 64, 0.5, 1.5)
    np.testing.assert_allclose(p.sum(axis=1) * 0.5, 2 * 2 * np.pi * 1.5**2, rtol=1e-6)


def test_line_projection_peak_is_at_the_projected_centre():
    th = 0.7
    p = hyper.line_projections([[4.0, 2.0]], [th], 201, 0.1, 1.0)[0]
    s = 4.0 * np.cos(th) + 2.0 * np.sin(th)
    assert abs((np.argmax(p) - 100) * 0.1 - s) <= 0.05


def test_legendre_basis_is_orthonormal_for_uniform_t():
    t, w = np.polynomial.legendre.leggauss(20)
    P = hyper.legendre_basis(t, 6)
    np.testing.assert_allclose(P.T @ (P * (w / 2)[:, None]), np.eye(6), atol=1e-12)


def test_molecule_arm_swings_about_the_pivot():
    C = hyper.hinge_molecule_2d([-1.0, 0.0, 1.0])
    np.testing.assert_array_equal(C[0, :8], C[2, :8])
    r = np.linalg.norm(C[:, 8:] - np.array([3.0, 0.0]), axis=-1)
    np.testing.assert_allclose(r, r[1][None].repeat(3, 0))
    a = np.degrees(np.arctan2(C[2, -1, 1], C[2, -1, 0] - 3.0))
    np.testing.assert_allclose(a, hyper.ARM_SWING_DEG)


def test_hyper_fit_is_exact_for_a_function_in_the_model():
    # a hyper-object built from the basis itself is recovered from enough clean projections
    rng = np.random.default_rng(0)
    b = hyper.HyperBasis(k=6, h=3.0, width=2.5)
    a = rng.normal(size=(3, 36))
    th, t = rng.uniform(0, np.pi, 400), rng.uniform(-1, 1, 400)
    coef = hyper.legendre_basis(t, 3) @ a  # (m, K)
    B = b.projections(th, 40, 0.8)
    y = np.einsum("mbk,mk->mb", B, coef)
    fit = hyper.fit_hyper_molecule(y, th, t, 0.8, max_degree=3, basis=b, ridge=0.0)
    np.testing.assert_allclose(fit.coeffs[3], a, atol=1e-6)


def test_basis_projections_match_line_projections_of_the_centres():
    b = hyper.HyperBasis(k=3)
    th = np.array([0.2, 1.3])
    P = b.projections(th, 30, 0.7)
    for j, c in enumerate(b.centres):
        np.testing.assert_allclose(P[:, :, j], hyper.line_projections([c], th, 30, 0.7, b.width))


def test_hyper_fit_improves_with_temporal_terms_without_noise():
    rng = np.random.default_rng(1)
    th, t = rng.uniform(0, np.pi, 400), rng.uniform(-1, 1, 400)
    y = hyper.line_projections(hyper.hinge_molecule_2d(t), th, 40, 0.9, 2.0)
    fit = hyper.fit_hyper_molecule(y, th, t, 0.9, max_degree=6)
    grid = np.linspace(-1, 1, 21)
    T = hyper.truth_frames(grid)
    err = [np.linalg.norm(fit.frames(grid, q) - T) / np.linalg.norm(T) for q in (1, 3, 6)]
    assert err[0] > err[1] > err[2]


def test_hyper_bad_input():
    with pytest.raises(ValueError, match="t must lie"):
        hyper.hinge_molecule_2d(1.5)
    with pytest.raises(ValueError, match="projections must be"):
        hyper.fit_hyper_molecule(np.zeros((3, 10)), np.zeros(2), np.zeros(3), 1.0)
    with pytest.raises(ValueError, match="degree must be one of"):
        hyper.HyperFit(hyper.HyperBasis(), {1: np.zeros((1, 144))}).frames([0.0], 2)


def _ppca_data(seed=0, n=3000, D=15, k=2, s=0.3):
    rng = np.random.default_rng(seed)
    W = rng.normal(size=(D, k))
    Y = rng.normal(size=(n, k)) @ W.T + 2.0 + s * rng.normal(size=(n, D))
    return Y


def test_ppca_loglik_matches_scipy():
    Y = _ppca_data()
    m = latent.fit_ppca(Y, 2)
    C = m.W @ m.W.T + m.sigma2 * np.eye(Y.shape[1])
    np.testing.assert_allclose(m.loglik(Y[:50]), stats.multivariate_normal(m.mu, C).logpdf(Y[:50]))


def test_ppca_is_the_maximum_likelihood():
    Y = _ppca_data(1)
    m = latent.fit_ppca(Y, 2)
    best = m.loglik(Y).sum()
    rng = np.random.default_rng(2)
    for _ in range(5):
        W = m.W + 0.05 * rng.normal(size=m.W.shape)
        other = latent.PPCA(m.mu, W, m.sigma2 * rng.uniform(0.8, 1.2))
        assert other.loglik(Y).sum() < best
    np.testing.assert_allclose(m.sigma2, 0.09, rtol=0.05)


def test_elbo_equals_loglik_at_the_exact_posterior_and_is_lower_elsewhere():
    Y = _ppca_data(3)[:200]
    m = latent.fit_ppca(Y, 2)
    mean, cov = m.encode(Y)
    np.testing.assert_allclose(m.elbo(Y, mean, cov), m.loglik(Y), rtol=1e-10)
    assert np.all(m.elbo(Y, mean, 0.5 * cov) < m.loglik(Y))
    assert np.all(m.elbo(Y, 0.9 * mean, cov) <= m.loglik(Y) + 1e-9)


def test_hinge_images_and_in_plane_rotation_round_trip():
    a = latent.hinge_images([0.4], [30.0])
    b = latent.rotate_in_plane(latent.hinge_images([0.4]), [30.0])
    assert np.abs(a - b).max() < 0.05 * a.max()


def test_latent_bad_input():
    with pytest.raises(ValueError, match="k must be"):
        latent.fit_ppca(np.zeros((10, 5)), 5)
    with pytest.raises(ValueError, match="z must lie"):
        latent.hinge_images([2.0])
    m = latent.fit_ppca(_ppca_data(), 2)
    with pytest.raises(ValueError, match="values per row"):
        m.encode(np.zeros((3, 4)))
