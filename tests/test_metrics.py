import numpy as np
import pytest
from hypothesis import given
from scipy.spatial.transform import Rotation

from helpers import metrics as m
from helpers.rotations import axis_angle_to_matrix, exp_so3, matrix_to_quat
from helpers.sampling import uniform_rotations
from tests.strategies import rotvecs

RNG = np.random.default_rng(25)
A = uniform_rotations(2000, RNG)
B = uniform_rotations(2000, RNG)
# pairs at angles near pi and near 0 as well
NEAR_PI = axis_angle_to_matrix(RNG.normal(size=(200, 3)), np.pi - 10.0 ** -RNG.uniform(1, 9, 200))
NEAR_0 = axis_angle_to_matrix(RNG.normal(size=(200, 3)), 10.0 ** -RNG.uniform(1, 9, 200))


def test_angular_distance_matches_scipy():
    ref = (Rotation.from_matrix(A).inv() * Rotation.from_matrix(B)).magnitude()
    np.testing.assert_allclose(m.angular_distance(A, B), ref, atol=1e-12)


@pytest.mark.parametrize("S", [B[:200], NEAR_PI, NEAR_0])
def test_table2_relations(S):
    R = A[:200]
    T = R @ S  # relative rotation S, so theta = angle(S)
    theta = m.angular_distance(R, T)
    ang = np.linalg.norm(Rotation.from_matrix(S).as_rotvec(), axis=1)
    np.testing.assert_allclose(theta, ang, atol=1e-9)
    dc = m.chordal_distance(R, T)
    dq = m.quat_distance(matrix_to_quat(R), matrix_to_quat(T))
    np.testing.assert_allclose(dc, m.chordal_from_angle(theta), atol=1e-12)
    np.testing.assert_allclose(dq, m.quat_distance_from_angle(theta), atol=1e-12)
    np.testing.assert_allclose(dc, np.sqrt(2) * dq * np.sqrt(4 - dq**2), atol=1e-12)
    np.testing.assert_allclose(m.angle_from_chordal(m.chordal_from_angle(theta)), theta, atol=1e-6)
    np.testing.assert_allclose(m.angle_from_quat_distance(dq), theta, atol=1e-7)


def test_bounds_and_small_angle_limits():
    assert np.isclose(m.chordal_from_angle(np.pi), 2 * np.sqrt(2))
    assert np.isclose(m.quat_distance_from_angle(np.pi), np.sqrt(2))
    t = 1e-4
    assert np.isclose(m.chordal_from_angle(t), np.sqrt(2) * t, rtol=1e-8)
    assert np.isclose(m.quat_distance_from_angle(t), t / 2, rtol=1e-8)


@given(rotvecs(), rotvecs(), rotvecs())
def test_bi_invariance_and_triangle_inequality(a, b, c):
    R, S, Q = exp_so3(a), exp_so3(b), exp_so3(c)
    d = m.angular_distance(R, S)
    np.testing.assert_allclose(m.angular_distance(Q @ R, Q @ S), d, atol=1e-9)
    np.testing.assert_allclose(m.angular_distance(R @ Q, S @ Q), d, atol=1e-9)
    assert d <= m.angular_distance(R, Q) + m.angular_distance(Q, S) + 1e-9
    assert 0 <= d <= np.pi + 1e-12


def test_quaternion_distance_ignores_sign():
    q = matrix_to_quat(A[:10])
    p = matrix_to_quat(B[:10])
    np.testing.assert_allclose(m.quat_distance(q, p), m.quat_distance(-q, p))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: m.chordal_from_angle(4.0), r"\[0, pi\]"),
        (lambda: m.angle_from_chordal(3.0), "chordal"),
        (lambda: m.quat_distance([0, 0, 0, 0], [1, 0, 0, 0]), "non-zero"),
        (lambda: m.angular_distance(np.eye(3), np.ones((3, 3))), "orthogonal"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_rotation_error_is_the_log_norm_and_converts_to_degrees():
    from helpers.metrics import rotation_error
    from helpers.rotations import exp_so3, log_so3
    from helpers.sampling import uniform_rotations

    rng = np.random.default_rng(12)
    A, B = uniform_rotations(50, rng), uniform_rotations(50, rng)
    # the hand-rolled form the chapters used: |log(A^T B)|
    hand = np.linalg.norm(log_so3(np.swapaxes(B, -1, -2) @ A), axis=-1)
    np.testing.assert_allclose(rotation_error(A, B), hand, atol=1e-12)
    np.testing.assert_allclose(rotation_error(A, B, degrees=True), np.rad2deg(hand), atol=1e-9)
    # accurate for tiny angles, where arccos((tr - 1) / 2) loses everything
    assert rotation_error(exp_so3([1e-9, 0, 0]), np.eye(3)) == pytest.approx(1e-9, rel=1e-6)


def test_covering_radius_in_radians_or_degrees():
    from helpers.sampling import (
        covering_radius_so3,
        covering_radius_sphere,
        healpix_directions,
        hopf_grid,
    )

    hp = healpix_directions(4)
    rad = covering_radius_sphere(hp)
    assert np.deg2rad(10) < rad < np.deg2rad(12)
    assert covering_radius_sphere(hp, degrees=True) == pytest.approx(np.rad2deg(rad))
    a = covering_radius_so3(hopf_grid(0), 500, np.random.default_rng(1))
    b = covering_radius_so3(hopf_grid(0), 500, np.random.default_rng(1), degrees=True)
    assert b == pytest.approx(np.rad2deg(a)) and 0 < a < np.pi
