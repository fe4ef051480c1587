import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize
from scipy.spatial.transform import Rotation

from helpers import averaging as av
from helpers.metrics import angular_distance
from helpers.rotations import exp_so3, log_so3, matrix_to_quat, quat_to_matrix
from helpers.sampling import uniform_rotations


def cloud(n=12, spread=0.4, seed=0):
    rng = np.random.default_rng(seed)
    center = uniform_rotations(1, rng)[0]
    return center, center @ exp_so3(spread * rng.normal(size=(n, 3)))


def cost(R, Rs, w, p):
    return np.sum(w * angular_distance(np.broadcast_to(R, Rs.shape), Rs) ** p)


def test_chordal_mean_matches_scipy_and_eigenvector():
    _, Rs = cloud()
    w = np.random.default_rng(1).uniform(0.5, 2, len(Rs))
    R = av.chordal_l2_mean(Rs, w)
    np.testing.assert_allclose(R, Rotation.from_matrix(Rs).mean(weights=w).as_matrix(), atol=1e-12)
    qs = matrix_to_quat(Rs) * np.random.default_rng(2).choice([-1, 1], len(Rs))[:, None]
    np.testing.assert_allclose(quat_to_matrix(av.quat_chordal_l2_mean(qs, w)), R, atol=1e-12)


def test_quaternion_mean_is_sign_invariant_and_optimal():
    _, Rs = cloud(spread=0.6)
    q = matrix_to_quat(Rs)
    flipped = q * np.random.default_rng(3).choice([-1, 1], len(q))[:, None]
    mean = av.quat_l2_mean(q)
    np.testing.assert_allclose(av.quat_l2_mean(flipped), mean, atol=1e-14)

    def dquat_cost(x):
        x = x / np.linalg.norm(x)
        return np.sum(np.minimum(np.linalg.norm(q - x, axis=1), np.linalg.norm(q + x, axis=1)) ** 2)

    best = minimize(
        dquat_cost, mean + 0.05, method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-14}
    )
    assert dquat_cost(mean) <= best.fun + 1e-10


def test_geodesic_mean_first_order_optimality_and_left_right_invariance():
    _, Rs = cloud(spread=0.5)
    w = np.random.default_rng(4).uniform(0.5, 2, len(Rs))
    res = av.geodesic_l2_mean_fit(Rs, w)
    R = res.rotation
    np.testing.assert_allclose(np.einsum("n,ni->i", w, log_so3(R.T @ Rs)), 0, atol=1e-10)
    assert res.iterations < 20
    Q, S = uniform_rotations(2, np.random.default_rng(5))
    np.testing.assert_allclose(av.geodesic_l2_mean(Q @ Rs @ S, w), Q @ R @ S, atol=1e-10)
    np.testing.assert_allclose(
        av.chordal_l2_mean(Q @ Rs @ S, w), Q @ av.chordal_l2_mean(Rs, w) @ S, atol=1e-10
    )
    # no perturbation lowers the cost
    for dw in 1e-3 * np.random.default_rng(6).normal(size=(20, 3)):
        assert cost(R, Rs, w, 2) <= cost(R @ exp_so3(dw), Rs, w, 2) + 1e-12


def test_l1_median_is_robust_and_locally_optimal():
    center, Rs = cloud(n=20, spread=0.1)
    outliers = uniform_rotations(5, np.random.default_rng(7))
    data = np.concatenate([Rs, outliers])
    med = av.geodesic_l1_median(data)
    mean = av.geodesic_l2_mean(data)
    assert angular_distance(med, center) < angular_distance(mean, center)
    assert angular_distance(med, av.geodesic_l1_median(Rs)) < 0.05
    w = np.full(len(data), 1.0)
    for dw in 1e-3 * np.random.default_rng(8).normal(size=(20, 3)):
        assert cost(med, data, w, 1) <= cost(med @ exp_so3(dw), data, w, 1) + 1e-9


def test_all_means_agree_for_a_tight_cluster():
    _, Rs = cloud(spread=0.01)
    means = [
        av.chordal_l2_mean(Rs),
        quat_to_matrix(av.quat_l2_mean(matrix_to_quat(Rs))),
        av.geodesic_l2_mean(Rs),
        av.geodesic_l1_median(Rs),
    ]
    for M in means[:3]:
        assert np.rad2deg(angular_distance(M, means[2])) < 1e-4
    assert np.rad2deg(angular_distance(means[3], means[2])) < 0.5


def test_single_rotation_is_its_own_mean():
    R = uniform_rotations(1, np.random.default_rng(9))
    for f in (av.chordal_l2_mean, av.geodesic_l2_mean, av.geodesic_l1_median):
        np.testing.assert_allclose(f(R), R[0], atol=1e-12)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: av.chordal_l2_mean(np.eye(3)), r"\(n, 3, 3\)"),
        (lambda: av.geodesic_l2_mean(np.stack([np.eye(3)] * 2), weights=[1, -1]), "non-negative"),
        (lambda: av.quat_l2_mean([1, 0, 0, 0]), r"\(n, 4\)"),
        (lambda: av.chordal_l2_mean(np.zeros((0, 3, 3))), "at least one"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ---- multiple averaging: common lines and synchronisation ---------------------------------

J = np.diag([1.0, 1.0, -1.0])


def test_common_lines_lie_in_both_planes():
    Rs = uniform_rotations(8, np.random.default_rng(3))
    alpha = av.common_line_angles(Rs)
    for i in range(8):
        for j in range(8):
            if i == j:
                continue
            line_3d = Rs[i] @ np.array([np.cos(alpha[i, j]), np.sin(alpha[i, j]), 0.0])
            # the same 3-D line, seen in image j, has no component along j's beam
            assert abs((Rs[j].T @ line_3d)[2]) < 1e-12
            # and image j sees it at its own angle, pointing the opposite way (n_j x n_i)
            back = Rs[j] @ np.array([np.cos(alpha[j, i]), np.sin(alpha[j, i]), 0.0])
            np.testing.assert_allclose(back, -line_3d, atol=1e-12)


def test_relative_rotations_are_true_or_mirrored_and_j_sync_fixes_one_hand():
    Rs = uniform_rotations(9, np.random.default_rng(4))
    true = np.swapaxes(Rs, -1, -2)[:, None] @ Rs[None]
    E = av.relative_rotations_from_common_lines(av.common_line_angles(Rs))
    d_same = angular_distance(E, true)
    d_mirror = angular_distance(E, J @ true @ J)
    assert np.all(np.minimum(d_same, d_mirror) < 1e-7)
    np.testing.assert_allclose(E, np.swapaxes(np.swapaxes(E, 0, 1), -1, -2), atol=1e-12)
    F = av.j_synchronize(E)
    upper = np.triu_indices(9, 1)
    same = angular_distance(F[upper], true[upper]) < 1e-7
    mirror = angular_distance(F[upper], (J @ true @ J)[upper]) < 1e-7
    assert np.all(same) or np.all(mirror)


def test_spectral_synchronize_recovers_orientations_up_to_gauge():
    rng = np.random.default_rng(5)
    Rs = uniform_rotations(12, rng)
    E = np.swapaxes(Rs, -1, -2)[:, None] @ Rs[None]
    Q = av.spectral_synchronize(E)
    gauge = Rs[0] @ Q[0]
    np.testing.assert_allclose(Q, np.swapaxes(Rs, -1, -2) @ gauge, atol=1e-10)
    # the full chain, from exact common lines, up to gauge and one global mirror
    F = av.j_synchronize(av.relative_rotations_from_common_lines(av.common_line_angles(Rs)))
    Q = av.spectral_synchronize(F)
    errs = []
    for M in (np.eye(3), J):
        Rt = M @ np.swapaxes(Rs, -1, -2) @ M
        g = av.chordal_l2_mean(np.swapaxes(Rt, -1, -2) @ Q)
        errs.append(angular_distance(Q, Rt @ g).max())
    assert min(errs) < 1e-7


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000))
def test_synchronization_is_equivariant(seed):
    """Rotating every orientation by one S (R_i -> S R_i) leaves R_i^T R_j unchanged,
    while R_i -> R_i T turns the answer into T^T Q_i (up to the gauge)."""
    rng = np.random.default_rng(seed)
    Rs = uniform_rotations(6, rng)
    T = uniform_rotations(1, rng)[0]
    Rt = Rs @ T
    Q = av.spectral_synchronize(np.swapaxes(Rt, -1, -2)[:, None] @ Rt[None])
    gauge = Rt[0] @ Q[0]
    np.testing.assert_allclose(Q, T.T @ np.swapaxes(Rs, -1, -2) @ gauge, atol=1e-9)


def test_synchronization_input_checks():
    with pytest.raises(ValueError, match="alpha"):
        av.relative_rotations_from_common_lines(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="alpha"):
        av.relative_rotations_from_common_lines(np.full((4, 4), np.nan))
    with pytest.raises(ValueError, match="parallel"):
        av.common_line_angles(np.stack([np.eye(3), np.eye(3)]))
    E = np.broadcast_to(np.eye(3), (4, 4, 3, 3)).copy()
    E[0, 1] = uniform_rotations(1, np.random.default_rng(0))[0]
    with pytest.raises(ValueError, match="symmetric"):
        av.spectral_synchronize(E)
    with pytest.raises(ValueError, match="E"):
        av.j_synchronize(np.zeros((3, 3, 3, 3)))
