import numpy as np
import pytest
from autograd import grad
from hypothesis import given, settings

from helpers import atomic, imaging, learning, metrics, orientnet, rotations
from helpers.sampling import hopf_grid, uniform_quats, uniform_rotations
from helpers.volumes import gaussian_atoms_map, toy_protein
from tests.strategies import unit_quaternions


def test_quaternion_rows_match_rotations_module():
    q = uniform_quats(50, np.random.default_rng(0))
    np.testing.assert_allclose(
        orientnet.quat_rows(3.0 * q), rotations.quat_to_matrix(q)[:, :2], atol=1e-12
    )


def test_render_atoms_matches_project_atoms():
    X = toy_protein(12)
    q = uniform_quats(4, np.random.default_rng(1))
    np.testing.assert_allclose(
        orientnet.render_atoms(q, X, 20, 2.0, 2.0),
        atomic.project_atoms(X, rotations.quat_to_matrix(q), 20, 2.0, 2.0),
        atol=1e-10,
    )


@settings(max_examples=30, deadline=None)
@given(unit_quaternions(), unit_quaternions())
def test_qd_is_sin_squared_of_half_angle_and_sign_invariant(q1, q2):
    a, b = np.asarray(q1)[None], np.asarray(q2)[None]
    theta = metrics.quat_angular_distance(a, b)[0]
    assert abs(float(orientnet.qd_loss(a, b)) - np.sin(theta / 2) ** 2) < 1e-10
    assert abs(float(orientnet.qd_loss(-a, b)) - float(orientnet.qd_loss(a, b))) < 1e-12


def test_symmetry_aware_qd_is_zero_at_every_equivalent_and_plain_qd_is_one():
    q = uniform_quats(20, np.random.default_rng(2))
    c2 = np.array([[1.0, 0, 0, 0], [0.0, 0, 0, 1.0]])
    qg = rotations.quat_multiply(q, c2[1])
    assert float(orientnet.qd_loss(qg, q, symmetry=c2)) < 1e-12
    np.testing.assert_allclose(float(orientnet.qd_loss(qg, q)), 1.0, atol=1e-12)


def test_reprojection_gradient_matches_finite_differences():
    X = toy_protein(10)
    rng = np.random.default_rng(3)
    q = uniform_quats(2, rng)
    q0 = q + 0.1 * rng.normal(size=q.shape)

    def f(qh):
        return orientnet.reprojection_loss(qh, q, X, 16, 2.5, 2.5)

    g = grad(f)(q0)
    h = 1e-6
    for i, j in [(0, 0), (1, 3)]:
        e = np.zeros_like(q0)
        e[i, j] = h
        np.testing.assert_allclose(g[i, j], (f(q0 + e) - f(q0 - e)) / (2 * h), rtol=1e-4)


def test_training_reaches_c2_floor_with_plain_qd_but_not_with_symmetry():
    # features carry R only up to the C2 ambiguity; labels are a random equivalent
    c2 = np.array([[1.0, 0, 0, 0], [0.0, 0, 0, 1.0]])

    def sample(b, rng):
        R = uniform_rotations(b, rng)
        c0, c1 = R[:, :, 0], R[:, :, 1]  # R g flips both: products are C2-invariant
        feats = [
            np.einsum("mi,mj->mij", a, b_).reshape(b, -1)
            for a, b_ in [(c0, c0), (c0, c1), (c1, c1)]
        ]
        q = rotations.quat_multiply(rotations.matrix_to_quat(R), c2[rng.integers(0, 2, b)])
        return np.concatenate(feats, axis=1), q

    plain = orientnet.train_orientation_net(
        sample, [27, 64, 64, 4], 300, np.random.default_rng(4), batch_size=64, lr=3e-3
    )
    aware = orientnet.train_orientation_net(
        sample,
        [27, 64, 64, 4],
        300,
        np.random.default_rng(4),
        symmetry=c2,
        batch_size=64,
        lr=3e-3,
    )
    assert np.mean(plain.losses[-3:]) > 0.45
    assert np.mean(aware.losses[-3:]) < 0.3


def test_fsc_loss_of_true_poses_beats_random_and_gradient_is_exact():
    X = toy_protein(12)
    vol = gaussian_atoms_map(X, 16, 3.0, sigma=3.0)
    rng = np.random.default_rng(5)
    R = uniform_rotations(40, rng)
    vals, k2 = orientnet.low_frequency_slices(atomic.project_atoms(X, R, 16, 3.0, 3.0), 3)
    ref, g3 = orientnet.low_frequency_map(vol, 3)

    def f(q):
        return orientnet.fsc_loss(orientnet.soft_reconstruction(q, vals, k2, g3), ref, g3)

    q = rotations.matrix_to_quat(R)
    assert float(f(q)) < 0.2 and 0.3 < float(f(uniform_quats(40, rng)))
    q0 = q + 0.05 * rng.normal(size=q.shape)
    e = np.zeros_like(q0)
    e[2, 1] = 1e-6
    np.testing.assert_allclose(grad(f)(q0)[2, 1], (f(q0 + e) - f(q0 - e)) / 2e-6, rtol=1e-4)


def test_low_frequency_slices_agree_with_numpy_fft():
    img = np.random.default_rng(6).normal(size=(1, 12, 12))
    vals, k = orientnet.low_frequency_slices(img, 2)
    F = np.fft.fft2(np.fft.ifftshift(img[0]))
    for v, (kx, ky) in zip(vals[0], k):
        assert abs(v - F[int(ky) % 12, int(kx) % 12]) < 1e-9


def test_match_orientations_finds_grid_poses_with_ctf():
    X = toy_protein(20)
    grid = hopf_grid(1)
    T = atomic.project_atoms(X, grid, 20, 3.0, sigma=3.0)
    k = imaging.frequency_grid(20, 3.0)
    c = np.stack([imaging.ctf(k, d) for d in (9000.0, 14000.0)])
    idx = [5, 400]
    imgs = imaging.fourier_filter(T[idx], c)
    res = learning.match_orientations(imgs, T, grid, c, 10)
    assert res.index.tolist() == idx
    np.testing.assert_allclose(res.rotations, grid[idx])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: orientnet.qd_loss(np.ones((2, 3)), np.ones((2, 4))), None),
        (lambda: orientnet.init_mlp([4], np.random.default_rng(0)), "sizes"),
        (lambda: orientnet.init_mlp([4, 4], 0), "rng"),
        (
            lambda: orientnet.train_orientation_net(
                lambda b, r: None, [4, 4], 1, np.random.default_rng(0), w=0.5
            ),
            "coords",
        ),
        (lambda: orientnet.low_frequency_slices(np.ones((1, 8, 8)), 4), "K"),
        (
            lambda: orientnet.soft_reconstruction(np.ones((1, 4)), 0, [[0, 0]], [[0, 0, 0]], 0),
            "width",
        ),
        (
            lambda: learning.match_orientations(
                np.ones((1, 8, 8)), np.ones((2, 8, 8)), hopf_grid(0)[:2], np.ones((8, 8)), 0
            ),
            "band_limit",
        ),
        (
            lambda: learning.match_orientations(
                np.ones((1, 8, 8)), np.ones((2, 8, 8)), hopf_grid(0)[:3], np.ones((8, 8)), 3
            ),
            "grid",
        ),
    ],
)
def test_input_checks(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("symmetric", [False, True])
def test_hand_written_qd_gradient_equals_autograd(symmetric):
    rng = np.random.default_rng(8)
    params = orientnet.init_mlp([6, 16, 12, 4], rng)
    x, q = rng.normal(size=(9, 6)), rng.normal(size=(9, 4))
    sym = np.array([[1.0, 0, 0, 0], [0.0, 0, 0, 1.0]]) if symmetric else None

    def f(p):
        return orientnet.qd_loss(orientnet.mlp_quats(p, x), q, sym)

    value, g = orientnet.qd_mlp_value_and_grad(params, x, q, sym)
    assert abs(value - float(f(params))) < 1e-12
    for (gW, gb), (aW, ab) in zip(g, grad(f)(params)):
        np.testing.assert_allclose(gW, aW, rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(gb, ab, rtol=1e-10, atol=1e-13)
