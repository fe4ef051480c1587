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


def test_fourier_bessel_basis_is_orthonormal_on_the_disk():
    fb = hyper.FourierBesselBasis(radius=8.0, band=1.2)
    ps = 0.05
    im = fb.images(np.eye(fb.size), 360, ps)
    G = np.einsum("ayx,byx->ab", im, im) * ps * ps
    np.testing.assert_allclose(G, np.eye(fb.size), atol=0.02)


def test_fourier_bessel_projections_match_a_direct_radon_sum():
    """Chord-integral profiles against summing the rasterised function along rays."""
    from scipy import ndimage

    fb = hyper.FourierBesselBasis(radius=10.0, band=1.0)
    rng = np.random.default_rng(4)
    c = rng.normal(size=fb.size)
    n, ps = 400, 0.06
    img = fb.images(c, n, ps)
    for th in (0.3, 2.0):
        pr = fb.projections([th], 30, 0.7)[0] @ c
        s = (np.arange(30) - 15) * 0.7
        tau = np.linspace(-12, 12, 1601)
        u, up = np.array([np.cos(th), np.sin(th)]), np.array([-np.sin(th), np.cos(th)])
        pts = s[:, None, None] * u + tau[None, :, None] * up
        coords = np.stack([pts[..., 1] / ps + n // 2, pts[..., 0] / ps + n // 2])
        vals = ndimage.map_coordinates(img, coords.reshape(2, -1), order=3).reshape(30, -1)
        direct = vals.sum(1) * (tau[1] - tau[0])
        np.testing.assert_allclose(pr, direct, atol=2e-3 * np.abs(pr).max())


def test_fourier_bessel_count_follows_weyls_law():
    # Dirichlet modes of a disk below k: area k^2 / 4 pi - perimeter k / 4 pi
    for R, band in ((10.0, 1.0), (18.0, 1.3), (15.0, 2.0), (30.0, 1.5)):
        fb = hyper.FourierBesselBasis(R, band)
        x = R * band
        assert abs(fb.size - (x**2 / 4 - x / 2)) < max(2.0, 0.03 * x**2 / 4)


def test_fast_normal_equations_match_an_explicit_design_matrix():
    rng = np.random.default_rng(7)
    fb = hyper.FourierBesselBasis(radius=10.0, band=0.8)
    th, t = rng.uniform(0, np.pi, 50), rng.uniform(-1, 1, 50)
    y = rng.normal(size=(50, 24))
    fit = hyper.fit_hyper_molecule(y, th, t, 0.9, max_degree=3, basis=fb, ridge=1e-3, chunk=7)
    B = fb.projections(th, 24, 0.9)
    P = hyper.legendre_basis(t, 3)
    D = np.einsum("mq,mbk->mbqk", P, B).reshape(-1, 3 * fb.size)
    A = D.T @ D
    lam = 1e-3 * np.mean(np.diag(A))
    ref = np.linalg.solve(A + lam * np.eye(len(A)), D.T @ y.reshape(-1))
    np.testing.assert_allclose(fit.coeffs[3].reshape(-1), ref, rtol=1e-8, atol=1e-10)


def test_fourier_basis_is_orthonormal_and_periodic():
    t, w = np.polynomial.legendre.leggauss(60)
    F = hyper.fourier_basis(t, 7)
    np.testing.assert_allclose(F.T @ (F * (w / 2)[:, None]), np.eye(7), atol=1e-10)
    np.testing.assert_allclose(
        hyper.fourier_basis([-1.0], 7), hyper.fourier_basis([1.0], 7), atol=1e-12
    )


def test_full_turn_rotor_is_periodic_and_fourier_fit_is_seamless():
    C = hyper.hinge_molecule_2d([-1.0, 1.0], swing=np.pi)
    np.testing.assert_allclose(C[0], C[1], atol=1e-12)
    rng = np.random.default_rng(3)
    th, t = rng.uniform(0, np.pi, 200), rng.uniform(-1, 1, 200)
    y = hyper.line_projections(hyper.hinge_molecule_2d(t, np.pi), th, 40, 0.9, 2.0)
    fb = hyper.FourierBesselBasis(18.0, 1.0)
    fit = hyper.fit_hyper_molecule(y, th, t, 0.9, max_degree=5, basis=fb, temporal="fourier")
    f = fit.frames([-1.0, 1.0], 5)
    np.testing.assert_allclose(f[0], f[1], atol=1e-10)


def test_new_hyper_inputs_are_checked():
    with pytest.raises(ValueError, match="temporal"):
        hyper.fit_hyper_molecule(np.zeros((3, 10)), np.zeros(3), np.zeros(3), 1.0, temporal="x")
    with pytest.raises(ValueError, match="radius"):
        hyper.FourierBesselBasis(radius=-1.0)
    with pytest.raises(ValueError, match="band"):
        hyper.FourierBesselBasis(band=float("nan"))
    with pytest.raises(ValueError, match="swing"):
        hyper.hinge_molecule_2d(0.0, swing=float("inf"))


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
    a = latent.hinge_images([0.4], [30.0], degrees=True)
    b = latent.rotate_in_plane(latent.hinge_images([0.4]), [30.0], degrees=True)
    assert np.abs(a - b).max() < 0.05 * a.max()
    # radians by default: the same turn given as pi / 6
    np.testing.assert_allclose(latent.hinge_images([0.4], [np.pi / 6]), a, atol=1e-12)
    np.testing.assert_allclose(
        latent.rotate_in_plane(latent.hinge_images([0.4]), [np.pi / 6]), b, atol=1e-12
    )
    # a quarter turn counter-clockwise in the [y, x] image: the pixel at +x goes to +y
    img = np.zeros((1, 9, 9))
    img[0, 4, 6] = 1.0
    turned = latent.rotate_in_plane(img, [np.pi / 2])[0]
    assert turned[6, 4] > 0.99 and turned.sum() < 1.01
    # z = 1 turns the second helix by HINGE_ANGLE: 40 degrees
    assert latent.HINGE_ANGLE == pytest.approx(np.deg2rad(40.0))


def test_latent_bad_input():
    with pytest.raises(ValueError, match="k must be"):
        latent.fit_ppca(np.zeros((10, 5)), 5)
    with pytest.raises(ValueError, match="z must lie"):
        latent.hinge_images([2.0])
    m = latent.fit_ppca(_ppca_data(), 2)
    with pytest.raises(ValueError, match="values per row"):
        m.encode(np.zeros((3, 4)))


def test_projected_ppca_with_identity_operators_reaches_the_closed_form_likelihood():
    Y = _ppca_data(5, n=800, D=8)
    B = np.broadcast_to(np.eye(8), (800, 8, 8))
    fit = latent.fit_projected_ppca(Y, B, 2, np.random.default_rng(0), n_iter=200, ridge=0.0)
    closed = latent.fit_ppca(Y, 2)
    np.testing.assert_allclose(fit.loglik[-1], closed.loglik(Y).sum(), rtol=1e-4)
    np.testing.assert_allclose(fit.sigma2, closed.sigma2, rtol=1e-3)
    assert np.all(np.diff(fit.loglik) > -1e-6)  # EM never decreases the likelihood


def test_projected_ppca_recovers_a_subspace_seen_only_through_projections():
    rng = np.random.default_rng(11)
    n, bins, K = 1500, 4, 10  # each image sees 4 random combinations of 10 coefficients
    B = rng.normal(size=(n, bins, K))
    W0 = rng.normal(size=(K, 2))
    Z = rng.normal(size=(n, 2))
    Y = np.einsum("nbk,nk->nb", B, 0.5 + Z @ W0.T) + 0.2 * rng.normal(size=(n, bins))
    fit = latent.fit_projected_ppca(Y, B, 2, rng, n_iter=100, ridge=0.0)
    # principal angles between the fitted and true column spaces
    Q1, Q2 = np.linalg.qr(fit.W)[0], np.linalg.qr(W0)[0]
    cosines = np.linalg.svd(Q1.T @ Q2, compute_uv=False)
    assert cosines.min() > 0.99
    assert np.all(np.diff(fit.loglik) > -1e-6)


def test_mlp_backward_matches_finite_differences():
    rng = np.random.default_rng(0)
    net = latent.MLP.init(3, 5, 2, rng)
    X, dOut = rng.normal(size=(7, 3)), rng.normal(size=(7, 2))
    grads, dX = net.backward(X, dOut)
    eps = 1e-6
    for p, g in zip(net.params(), grads):
        idx = tuple(rng.integers(0, s) for s in p.shape)
        old = p[idx]
        p[idx] = old + eps
        up = np.sum(dOut * net(X))
        p[idx] = old - eps
        down = np.sum(dOut * net(X))
        p[idx] = old
        np.testing.assert_allclose(g[idx], (up - down) / (2 * eps), rtol=1e-5, atol=1e-8)
    X2 = X.copy()
    X2[2, 1] += eps
    up = np.sum(dOut * net(X2))
    X2[2, 1] -= 2 * eps
    down = np.sum(dOut * net(X2))
    np.testing.assert_allclose(dX[2, 1], (up - down) / (2 * eps), rtol=1e-5)


def test_autoencoder_finds_the_one_dimensional_manifold_that_pca_cannot():
    rng = np.random.default_rng(2)
    s = rng.uniform(-2.5, 2.5, 400)
    X = np.c_[np.cos(s), np.sin(s), 0.3 * np.cos(2 * s)]
    ae = latent.fit_autoencoder(X, 1, 24, rng, steps=3000)
    rec = ae.decoder(ae.encoder(X))
    pca = latent.fit_ppca(X + 1e-3 * rng.normal(size=X.shape), 1)
    rec_pca = pca.decode(pca.encode(X)[0])
    assert np.mean((rec - X) ** 2) < 0.1 * np.mean((rec_pca - X) ** 2)
    assert abs(stats.spearmanr(ae.encoder(X)[:, 0], s)[0]) > 0.99


def test_new_latent_inputs_are_checked():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="Y must be"):
        latent.fit_projected_ppca(np.zeros((5, 3)), np.zeros((5, 4, 2)), 1, rng)
    with pytest.raises(ValueError, match="rng"):
        latent.fit_projected_ppca(np.zeros((5, 3)), np.zeros((5, 3, 4)), 1, 0)
    with pytest.raises(ValueError, match="k must be"):
        latent.fit_projected_ppca(np.zeros((5, 3)), np.zeros((5, 3, 4)), 3, rng)
    with pytest.raises(ValueError, match="lr"):
        latent.fit_mlp(np.zeros((5, 2)), np.zeros(5), 4, rng, lr=-1.0)
    with pytest.raises(ValueError, match="y must have"):
        latent.fit_mlp(np.zeros((5, 2)), np.zeros(4), 4, rng)
    with pytest.raises(ValueError, match="k must be"):
        latent.fit_autoencoder(np.zeros((5, 2)), 2, 4, rng)
