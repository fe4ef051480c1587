import numpy as np
import pytest
from hypothesis import assume, given
from scipy.spatial.transform import Rotation

from helpers import rotations as rot
from tests.strategies import rotvecs, unit_quaternions, vec3

RNG = np.random.default_rng(20220204)
Q = Rotation.random(500, random_state=7).as_quat(scalar_first=True)
R = Rotation.from_quat(Q, scalar_first=True).as_matrix()


def canonical(q):
    return rot.canonical_quat(q)


# ---- cross-checks against scipy ---------------------------------------------------------


def test_quat_to_matrix_matches_scipy():
    np.testing.assert_allclose(rot.quat_to_matrix(Q), R, atol=1e-14)


def test_matrix_to_quat_matches_scipy_with_w_nonnegative():
    q = rot.matrix_to_quat(R)
    np.testing.assert_allclose(q, canonical(Q), atol=1e-14)
    assert np.all(q[:, 0] >= 0)


def test_exp_log_match_scipy():
    rv = Rotation.from_matrix(R).as_rotvec()
    np.testing.assert_allclose(rot.exp_so3(rv), R, atol=1e-14)
    np.testing.assert_allclose(rot.log_so3(R), rv, atol=1e-12)


def test_quat_multiply_composes_like_matrices_and_scipy():
    p, q = Q[:250], Q[250:]
    pq = rot.quat_multiply(p, q)
    np.testing.assert_allclose(rot.quat_to_matrix(pq), R[:250] @ R[250:], atol=1e-13)
    sp = (
        Rotation.from_quat(p, scalar_first=True) * Rotation.from_quat(q, scalar_first=True)
    ).as_quat(scalar_first=True)
    np.testing.assert_allclose(canonical(pq), canonical(sp), atol=1e-13)


def test_quat_rotate_matches_scipy_apply_and_matrix():
    v = RNG.normal(size=(500, 3))
    expected = Rotation.from_quat(Q, scalar_first=True).apply(v)
    np.testing.assert_allclose(rot.quat_rotate(Q, v), expected, atol=1e-12)
    np.testing.assert_allclose(np.einsum("nij,nj->ni", R, v), expected, atol=1e-12)


def test_rotate_points_single_and_stacked():
    v = RNG.normal(size=(500, 3))
    expected = Rotation.from_matrix(R).apply(v)
    np.testing.assert_allclose(rot.rotate_points(R, v), expected, atol=1e-12)
    np.testing.assert_allclose(
        rot.rotate_points(R[0], v), Rotation.from_matrix(R[0]).apply(v), atol=1e-12
    )
    assert rot.rotate_points(R[0], v.reshape(5, 100, 3)).shape == (5, 100, 3)


def test_project_to_so3_matches_scipy_and_fixes_rotations():
    M = R[:100] + 0.2 * RNG.normal(size=(100, 3, 3))
    P = rot.project_to_so3(M)
    np.testing.assert_allclose(P, Rotation.from_matrix(M).as_matrix(), atol=1e-10)
    assert np.all(np.linalg.det(P) > 0)
    np.testing.assert_allclose(rot.project_to_so3(R[:10]), R[:10], atol=1e-14)
    # nearer than any of 200 random rotations
    cand = Rotation.random(200, random_state=3).as_matrix()
    d_best = np.linalg.norm(P[0] - M[0])
    assert np.all(np.linalg.norm(cand - M[0], axis=(1, 2)) >= d_best - 1e-12)


def test_quat_rotate_equals_two_hamilton_products():
    v = RNG.normal(size=(50, 3))
    p = np.concatenate([np.zeros((50, 1)), v], axis=1)
    q = Q[:50]
    full = rot.quat_multiply(rot.quat_multiply(q, p), rot.quat_conjugate(q))
    np.testing.assert_allclose(full[:, 0], 0.0, atol=1e-14)
    np.testing.assert_allclose(full[:, 1:], rot.quat_rotate(q, v), atol=1e-14)


def test_axis_angle_matches_scipy():
    axis, angle = rot.matrix_to_axis_angle(R)
    rv = Rotation.from_matrix(R).as_rotvec()
    np.testing.assert_allclose(axis * angle[:, None], rv, atol=1e-12)
    np.testing.assert_allclose(rot.axis_angle_to_matrix(axis, angle), R, atol=1e-13)


# ---- algebra -----------------------------------------------------------------------------


def test_hamilton_table():
    one, i, j, k = np.eye(4)
    table = {
        (1, 1): -one,
        (2, 2): -one,
        (3, 3): -one,
        (1, 2): k,
        (2, 3): i,
        (3, 1): j,
        (2, 1): -k,
        (3, 2): -i,
        (1, 3): -j,
    }
    basis = {1: i, 2: j, 3: k}
    for (a, b), expected in table.items():
        np.testing.assert_array_equal(rot.quat_multiply(basis[a], basis[b]), expected)


@given(unit_quaternions(), unit_quaternions(), unit_quaternions())
def test_quaternion_group_laws(p, q, r):
    m = rot.quat_multiply
    np.testing.assert_allclose(m(m(p, q), r), m(p, m(q, r)), atol=1e-12)
    np.testing.assert_allclose(m(q, rot.quat_conjugate(q)), [1, 0, 0, 0], atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(m(p, q)), 1.0, atol=1e-12)
    np.testing.assert_allclose(
        rot.quat_to_matrix(m(p, q)), rot.quat_to_matrix(p) @ rot.quat_to_matrix(q), atol=1e-12
    )


@given(unit_quaternions())
def test_double_cover(q):
    np.testing.assert_allclose(rot.quat_to_matrix(q), rot.quat_to_matrix(-q), atol=1e-15)
    back = rot.matrix_to_quat(rot.quat_to_matrix(q))
    assert back[0] >= 0
    if abs(q[0]) > 1e-9:  # away from w = 0 the representative is unique
        np.testing.assert_allclose(back, canonical(q), atol=1e-12)
    else:
        assert min(np.abs(back - q).max(), np.abs(back + q).max()) < 1e-12


def test_canonical_quat_matches_scipy_canonical_form():
    q = np.array([[0, 0, 0, -1.0], [0, 0, -1.0, 0], [0, -0.6, 0.8, 0], [-0.5, 0.5, 0.5, 0.5]])
    sp = Rotation.from_quat(q, scalar_first=True).as_quat(canonical=True, scalar_first=True)
    np.testing.assert_allclose(rot.canonical_quat(q), sp)
    np.testing.assert_allclose(rot.matrix_to_quat(rot.quat_to_matrix(q)), sp, atol=1e-15)


@given(vec3, vec3)
def test_hat_vee(v, u):
    np.testing.assert_allclose(rot.hat(v) @ u, np.cross(v, u), atol=1e-12)
    np.testing.assert_allclose(rot.vee(rot.hat(v)), v)
    np.testing.assert_allclose(rot.hat(v).T, -rot.hat(v))


# ---- round trips, including angles near 0 and pi -------------------------------------------


@given(rotvecs())
def test_exp_log_round_trip(w):
    Rw = rot.exp_so3(w)
    np.testing.assert_allclose(Rw.T @ Rw, np.eye(3), atol=1e-14)
    np.testing.assert_allclose(rot.exp_so3(rot.log_so3(Rw)), Rw, atol=1e-12)
    back = rot.log_so3(Rw)
    theta = np.linalg.norm(w)
    if theta < np.pi - 1e-6:  # at pi, w and -w are the same rotation
        np.testing.assert_allclose(back, w, atol=1e-12)
    else:
        assert min(np.linalg.norm(back - w), np.linalg.norm(back + w)) < 1e-6


@given(rotvecs())
def test_matrix_quat_axis_angle_rotvec_sixd_round_trips(w):
    Rw = rot.exp_so3(w)
    np.testing.assert_allclose(rot.quat_to_matrix(rot.matrix_to_quat(Rw)), Rw, atol=1e-13)
    axis, angle = rot.matrix_to_axis_angle(Rw)
    np.testing.assert_allclose(rot.axis_angle_to_matrix(axis, angle), Rw, atol=1e-12)
    np.testing.assert_allclose(rot.sixd_to_matrix(rot.matrix_to_sixd(Rw)), Rw, atol=1e-13)
    np.testing.assert_allclose(rot.quat_to_matrix(rot.rotvec_to_quat(w)), Rw, atol=1e-13)
    np.testing.assert_allclose(
        rot.exp_so3(rot.quat_to_rotvec(rot.rotvec_to_quat(w))), Rw, atol=1e-12
    )


def test_log_at_exactly_pi_and_identity():
    for axis in np.eye(3):
        Rpi = rot.axis_angle_to_matrix(axis, np.pi)
        w = rot.log_so3(Rpi)
        np.testing.assert_allclose(np.abs(w), np.pi * axis, atol=1e-12)
    np.testing.assert_array_equal(rot.log_so3(np.eye(3)), np.zeros(3))
    axis, angle = rot.matrix_to_axis_angle(np.eye(3))
    assert angle == 0 and np.array_equal(axis, [0, 0, 1])


def test_small_angle_accuracy():
    w = np.array([1e-9, -2e-9, 3e-9])
    np.testing.assert_allclose(rot.log_so3(rot.exp_so3(w)), w, rtol=1e-9)


@given(vec3, vec3)
def test_sixd_gives_rotation_and_ignores_scale(a, b):
    assume(np.linalg.norm(np.cross(a, b)) > 1e-3)
    M = rot.sixd_to_matrix(np.concatenate([a, b]))
    np.testing.assert_allclose(M.T @ M, np.eye(3), atol=1e-12)
    assert np.linalg.det(M) > 0
    # Gram-Schmidt only sees the direction of a1 and the part of a2 orthogonal to it
    np.testing.assert_allclose(rot.sixd_to_matrix(np.concatenate([3 * a, b + 2 * a])), M, atol=1e-9)


def test_vectorised_over_leading_axes():
    q = Q[:12].reshape(3, 4, 4)
    assert rot.quat_to_matrix(q).shape == (3, 4, 3, 3)
    assert rot.matrix_to_quat(R[:12].reshape(2, 6, 3, 3)).shape == (2, 6, 4)
    assert rot.quat_rotate(q, np.ones(3)).shape == (3, 4, 3)
    assert rot.quat_rotate_jacobian(q, np.ones(3)).shape == (3, 4, 3, 4)
    assert rot.log_so3(R[:12].reshape(3, 4, 3, 3)).shape == (3, 4, 3)


# ---- the Jacobian of q p q* ----------------------------------------------------------------


@given(unit_quaternions(), vec3)
def test_quat_rotate_jacobian_matches_central_differences(q, v):
    J = rot.quat_rotate_jacobian(q, v)
    h = 1e-6
    fd = np.stack(
        [
            (rot.quat_rotate(q + h * e, v) - rot.quat_rotate(q - h * e, v)) / (2 * h)
            for e in np.eye(4)
        ],
        axis=-1,
    )
    np.testing.assert_allclose(J, fd, atol=1e-7 * (1 + np.linalg.norm(v)))


def test_jacobian_is_tangent_consistent():
    # moving q along itself scales p' = q p q* by |q|^2, so J q = 2 p' for unit q
    v = RNG.normal(size=(20, 3))
    q = Q[:20]
    np.testing.assert_allclose(
        np.einsum("nij,nj->ni", rot.quat_rotate_jacobian(q, v), q),
        2 * rot.quat_rotate(q, v),
        atol=1e-12,
    )


# ---- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: rot.hat([1.0, 2.0]), r"shape \(\.\.\., 3\)"),
        (lambda: rot.vee(np.ones((3, 3))), "skew-symmetric"),
        (lambda: rot.exp_so3([np.nan, 0, 0]), "finite"),
        (lambda: rot.axis_angle_to_matrix([0, 0, 0], 1.0), "non-zero"),
        (lambda: rot.quat_to_matrix([0, 0, 0, 0]), "non-zero"),
        (lambda: rot.quat_multiply([1, 0, 0], [1, 0, 0, 0]), r"shape \(\.\.\., 4\)"),
        (lambda: rot.matrix_to_quat(np.diag([1.0, 1.0, -1.0])), "determinant"),
        (lambda: rot.matrix_to_quat(2 * np.eye(3)), "orthogonal"),
        (lambda: rot.log_so3("not a matrix"), "numeric"),
        (lambda: rot.sixd_to_matrix([1, 0, 0, 2, 0, 0]), "linearly independent"),
        (lambda: rot.sixd_to_matrix([0, 0, 0, 0, 1, 0]), "non-zero"),
    ],
)
def test_bad_input_raises_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    "R",
    [np.diag([-1.0, -1.0, 1.0]), np.diag([1.0, -1.0, -1.0]), np.diag([-1.0, 1.0, -1.0])],
)
def test_log_so3_at_half_turns_raises_no_warning(R):
    """w = 0 at a half turn: the small-angle series branch must not be evaluated there."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        w = rot.log_so3(R)
        v = rot.quat_to_rotvec(rot.matrix_to_quat(R))
    assert np.linalg.norm(w) == pytest.approx(np.pi)
    np.testing.assert_allclose(rot.exp_so3(w), R, atol=1e-12)
    np.testing.assert_allclose(v, w)
