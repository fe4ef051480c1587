import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from helpers import superposition as sp
from helpers.rotations import log_so3
from helpers.sampling import uniform_rotations


def test_kabsch_matches_scipy_align_vectors():
    rng = np.random.default_rng(5)
    for R in uniform_rotations(20, rng):
        Y = rng.normal(size=(30, 3))
        X = Y @ R.T + rng.normal(size=3) + 0.05 * rng.normal(size=(30, 3))
        Rk, t = sp.kabsch(X, Y)
        ref, _ = Rotation.align_vectors(X - X.mean(0), Y - Y.mean(0))
        np.testing.assert_allclose(Rk, ref.as_matrix(), atol=1e-10)
        np.testing.assert_allclose(t, X.mean(0) - Rk @ Y.mean(0), atol=1e-12)


def test_kabsch_returns_a_proper_rotation_for_mirrored_data():
    rng = np.random.default_rng(6)
    Y = rng.normal(size=(40, 3))
    X = Y * np.array([-1.0, 1.0, 1.0])  # a reflection: no rotation fits exactly
    R, _ = sp.kabsch(X, Y)
    assert np.linalg.det(R) > 0.999
    np.testing.assert_allclose(R.T @ R, np.eye(3), atol=1e-12)


def test_weights_and_batch():
    rng = np.random.default_rng(7)
    Rs = uniform_rotations(4, rng)
    Y = rng.normal(size=(4, 10, 3))
    X = np.einsum("bij,bnj->bni", Rs, Y)
    X[:, 0] += 100.0  # an outlier that weight 0 ignores
    w = np.ones(10)
    w[0] = 0
    R, t = sp.kabsch(X, Y, weights=w)
    np.testing.assert_allclose(R, Rs, atol=1e-10)
    np.testing.assert_allclose(t, 0, atol=1e-10)


def test_rmsd():
    X = np.zeros((4, 3))
    Y = np.ones((4, 3))
    assert sp.rmsd(X, Y) == pytest.approx(np.sqrt(3))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: sp.kabsch(np.ones((3, 3)), np.ones((4, 3))), "same|both"),
        (lambda: sp.kabsch(np.ones((3, 3)), np.ones((3, 3)), weights=[1, -1, 1]), "non-negative"),
        (lambda: sp.rmsd(np.ones((3, 2)), np.ones((3, 2))), r"\(\.\.\., 3\)"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ---- densities and Bayesian superposition ------------------------------------------------

from scipy import stats  # noqa: E402
from scipy.optimize import check_grad  # noqa: E402

from helpers.metrics import angular_distance  # noqa: E402


def test_matrix_normal_matches_scipy():
    rng = np.random.default_rng(8)
    n, p = 5, 3
    A, B = rng.normal(size=(n, n)), rng.normal(size=(p, p))
    U, V = A @ A.T + n * np.eye(n), B @ B.T + p * np.eye(p)
    M = rng.normal(size=(n, p))
    X = rng.normal(size=(4, n, p))
    ref = stats.matrix_normal(mean=M, rowcov=U, colcov=V).logpdf(X)
    np.testing.assert_allclose(sp.matrix_normal_logpdf(X, M, U, V), ref, rtol=1e-12)


def test_student_t_matches_scipy():
    x = np.linspace(-20, 20, 101)
    for df in (1.0, 3.0, 30.0):
        np.testing.assert_allclose(
            sp.student_t_logpdf(x, loc=1.5, scale=2.5, df=df),
            stats.t.logpdf(x, df, loc=1.5, scale=2.5),
            rtol=1e-12,
        )


def test_student_t_superposition_ignores_a_flexible_loop():
    rng = np.random.default_rng(9)
    Y = rng.normal(scale=8, size=(80, 3))
    R_true = uniform_rotations(1, rng)[0]
    X = Y @ R_true.T + 0.1 * rng.normal(size=Y.shape)
    X[60:] += rng.normal(scale=6, size=(20, 3))  # a loop that moved
    R_ls, _ = sp.kabsch(X, Y)
    fit = sp.student_t_superposition(X, Y)
    R_t, w = fit.rotation, fit.weights
    assert fit.converged and isinstance(fit, sp.RobustSuperposition)
    assert angular_distance(R_t, R_true) < 0.2 * angular_distance(R_ls, R_true)
    assert w[60:].mean() < 0.1 * w[:60].mean()


def test_fixed_centroids_keep_the_centroid_translation():
    rng = np.random.default_rng(4)
    Y = rng.normal(scale=8, size=(50, 3))
    X = Y + 0.05 * rng.normal(size=Y.shape)
    X[40:] += 9.0  # a shifted tail moves the centroid
    free = sp.student_t_superposition(X, Y)
    fixed = sp.student_t_superposition(X, Y, fixed_centroids=True)
    c_fixed = Y.mean(0) @ fixed.rotation.T + fixed.translation
    np.testing.assert_allclose(c_fixed, X.mean(0), atol=1e-9)  # centroid onto centroid
    core_free = sp.rmsd(X[:40], Y[:40] @ free.rotation.T + free.translation)
    core_fixed = sp.rmsd(X[:40], Y[:40] @ fixed.rotation.T + fixed.translation)
    assert core_free < 0.2 * core_fixed


def test_isotropic_t_matches_scipy_and_is_rotation_invariant():
    rng = np.random.default_rng(5)
    r = rng.normal(scale=2, size=(20, 3))
    for df in (1.0, 4.0):
        ref = stats.multivariate_t(np.zeros(3), 1.7**2 * np.eye(3), df=df).logpdf(r)
        np.testing.assert_allclose(sp.isotropic_t_logpdf(r, 1.7, df), ref, rtol=1e-12)
    Q = uniform_rotations(1, rng)[0]
    np.testing.assert_allclose(sp.isotropic_t_logpdf(r @ Q.T), sp.isotropic_t_logpdf(r))
    per_coord = sp.student_t_logpdf(r).sum(-1)
    assert np.abs(sp.student_t_logpdf(r @ Q.T).sum(-1) - per_coord).max() > 0.1


def _ensemble(seed=0, n=60, N=5, loop=slice(25, 35)):
    rng = np.random.default_rng(seed)
    M = np.cumsum(rng.normal(size=(n, 3)) * 2.2, axis=0)
    M -= M.mean(0)
    sig = np.full(n, 0.3)
    sig[loop] = 4.0
    Rs = uniform_rotations(N, rng)
    ts = rng.normal(scale=10, size=(N, 3))
    Xs = np.stack(
        [(M + sig[:, None] * rng.normal(size=M.shape)) @ Rs[i].T + ts[i] for i in range(N)]
    )
    return Xs, Rs, ts, sig


def test_map_superposition_recovers_poses_better_than_least_squares():
    Xs, Rs, ts, sig = _ensemble()
    res = sp.map_superposition(Xs, scale_prior="invgamma")
    assert res.converged and res.model["scale_prior"] == "invgamma"
    rel_true = Rs @ Rs[0].T
    rel_map = res.rotations @ res.rotations[0].T
    rel_ls = np.stack([sp.kabsch(Xs[i], Xs[0])[0] for i in range(len(Xs))])
    err_map = np.rad2deg(angular_distance(rel_map, rel_true)).max()
    err_ls = np.rad2deg(angular_distance(rel_ls, rel_true)).max()
    assert err_map < 0.5 * err_ls
    # the fitted model reproduces the rigid core of every structure
    fit = np.einsum("nij,kj->nki", res.rotations, res.mean) + res.translations[:, None, :]
    core = sig < 1
    assert np.sqrt(np.mean((fit[:, core] - Xs[:, core]) ** 2)) < 0.6
    assert res.scales[~core].mean() > 3 * res.scales[core].mean()  # Cauchy scales, not SDs


def test_map_objective_gradient_is_exact():
    Xs, *_ = _ensemble(n=15, N=3)
    A = Xs - Xs.mean(1, keepdims=True)
    cases = [
        ((1.0, 0.05), None, "coordinate", 1.0),
        ((1.0,), 3.8, "coordinate", 1.0),
        ((1.0,), None, "isotropic", 1.0),
        ((1.0, 0.05), None, "isotropic", None),
    ]
    for scale_params, bond, lik, tsd in cases:
        f, _ = sp._superposition_objective(A, 1.0, 3.0, tsd, scale_params, bond, 10.0, lik)
        theta = np.concatenate(
            [A[0].ravel(), np.full(15, -0.5), np.tile([0.9, 0.1, -0.2, 0.3, 0.5, -0.2, 0.1], 2)]
        )
        err = check_grad(lambda x: f(x)[0], lambda x: f(x)[1], theta)
        assert err < 1e-5 * np.linalg.norm(f(theta)[1])


def test_quaternion_gradient_matches_the_per_point_jacobian():
    from helpers.rotations import quat_rotate_jacobian

    rng = np.random.default_rng(12)
    p = rng.normal(size=(4, 4))
    p /= np.linalg.norm(p, axis=1, keepdims=True)
    M, g = rng.normal(size=(20, 3)), rng.normal(size=(4, 20, 3))
    J = quat_rotate_jacobian(p[:, None, :], M[None])  # (4, 20, 3, 4)
    expected = np.einsum("nki,nkij->nj", g, J)
    G = np.einsum("nki,kj->nij", g, M)
    np.testing.assert_allclose(sp._quat_gradient(p, G), expected, atol=1e-12)


def test_halfnormal_scale_prior_collapses_but_invgamma_does_not():
    Xs, *_ = _ensemble(N=4)
    short = sp.map_superposition(Xs, scale_prior="halfnormal", max_iter=100)
    long = sp.map_superposition(Xs, scale_prior="halfnormal", max_iter=1500)
    assert long.log_posterior > short.log_posterior and long.scales.min() < 0.2 * short.scales.min()
    good = sp.map_superposition(Xs, scale_prior="invgamma")
    assert good.converged and good.scales.min() > 0.05


def test_laplace_rotation_sd_scales_with_the_noise():
    rng = np.random.default_rng(6)
    M = np.cumsum(rng.normal(size=(30, 3)) * 2.2, axis=0)
    E = rng.normal(size=(2, 30, 3))
    sds = []
    for noise in (0.2, 0.4):
        Xs = M[None] + noise * E
        res = sp.map_superposition(Xs, scale_prior="invgamma", invgamma_scale=1e-3, df=30.0)
        lap = sp.laplace_superposition(Xs, res)
        assert lap.min_eigenvalue > 0
        np.testing.assert_allclose(lap.rotation_cov[0], 0.0)
        sds.append(np.sqrt(np.trace(lap.rotation_cov[1])))
    assert 1.6 < sds[1] / sds[0] < 2.4  # twice the noise, about twice the rotation SD
    draws = lap.sample_rotations(res, 2000, rng)
    assert draws.shape == (2000, 2, 3, 3)
    w = np.stack([log_so3(d @ res.rotations[1].T) for d in draws[:, 1]])
    scale = np.trace(lap.rotation_cov[1]) / 3
    np.testing.assert_allclose(np.cov(w.T), lap.rotation_cov[1], atol=0.1 * scale)


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: sp.matrix_normal_logpdf(
                np.zeros((2, 3)), np.zeros((2, 3)), -np.eye(2), np.eye(3)
            ),
            "positive definite",
        ),
        (lambda: sp.student_t_logpdf(0.0, scale=0.0), "scale must be positive"),
        (lambda: sp.map_superposition(np.zeros((1, 5, 3))), "N >= 2"),
        (lambda: sp.map_superposition(np.zeros((2, 5, 3)), scale_prior="flat"), "scale_prior"),
        (lambda: sp.map_superposition(np.zeros((2, 5, 3)), likelihood="l2"), "likelihood"),
        (lambda: sp.map_superposition(np.zeros((2, 5, 3)), translation_sd=0.0), "translation_sd"),
        (lambda: sp.isotropic_t_logpdf(np.zeros(3), scale=-1.0), "scale must be positive"),
        (
            lambda: sp.student_t_superposition(np.zeros((5, 3)), np.zeros((5, 3)), n_iter=0),
            "n_iter",
        ),
        (lambda: sp.laplace_superposition(np.zeros((2, 5, 3)), None), "result"),
    ],
)
def test_bad_density_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_kabsch_refuses_too_few_points_to_fix_a_rotation():
    # issue 13: with one point kabsch returned the identity, as if the rotation were known
    rng = np.random.default_rng(0)
    X = rng.normal(size=(6, 3))
    for n in (1, 2):
        with pytest.raises(ValueError, match="X and Y need at least 3 points"):
            sp.kabsch(X[:n], X[:n] + 1.0)
    with pytest.raises(ValueError, match="weights must be positive on at least 3"):
        sp.kabsch(X, X, weights=[1.0, 1.0, 0, 0, 0, 0])
    R, _ = sp.kabsch(X[:3], X[:3])  # three points are enough
    np.testing.assert_allclose(R, np.eye(3), atol=1e-12)
