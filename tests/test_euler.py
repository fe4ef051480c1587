import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.spatial.transform import Rotation

from helpers import euler
from helpers.rotations import exp_so3
from tests.strategies import rotvecs

SEQS = ["".join(p) for p in itertools.product("xyz", repeat=3) if p[0] != p[1] and p[1] != p[2]]
ALL_SEQS = SEQS + [s.upper() for s in SEQS]
R = Rotation.random(300, random_state=11).as_matrix()


def test_twenty_four_sequences():
    assert len(ALL_SEQS) == 24


@pytest.mark.parametrize("seq", ALL_SEQS)
def test_euler_matches_scipy_both_ways(seq):
    angles = Rotation.from_matrix(R).as_euler(seq)
    np.testing.assert_allclose(euler.euler_to_matrix(angles, seq), R, atol=1e-13)
    np.testing.assert_allclose(euler.matrix_to_euler(R, seq), angles, atol=1e-10)
    deg = euler.matrix_to_euler(R, seq, degrees=True)
    np.testing.assert_allclose(deg, np.rad2deg(angles), atol=1e-8)
    np.testing.assert_allclose(euler.euler_to_matrix(deg, seq, degrees=True), R, atol=1e-13)


@pytest.mark.parametrize("seq", ALL_SEQS)
@pytest.mark.parametrize("middle_sign", [1.0, -1.0])
def test_gimbal_lock_round_trip(seq, middle_sign):
    proper = seq[0].lower() == seq[2].lower()
    middle = (0.0 if middle_sign > 0 else np.pi) if proper else middle_sign * np.pi / 2
    for outer in [(0.3, 1.1), (-2.0, 0.7), (0.0, 0.0)]:
        M = euler.euler_to_matrix([outer[0], middle, outer[1]], seq)
        back = euler.matrix_to_euler(M, seq)
        np.testing.assert_allclose(euler.euler_to_matrix(back, seq), M, atol=1e-13)
        # like scipy: the third angle of seq is set to zero, intrinsic or extrinsic
        assert back[2] == 0.0


@given(rotvecs(), st.sampled_from(ALL_SEQS))
def test_round_trip_property(w, seq):
    M = exp_so3(w)
    np.testing.assert_allclose(
        euler.euler_to_matrix(euler.matrix_to_euler(M, seq), seq), M, atol=1e-12
    )


@given(st.floats(-4, 4), st.floats(-1e-6, 1e-6), st.floats(-4, 4), st.sampled_from(ALL_SEQS))
def test_round_trip_near_gimbal_lock(a, eps, c, seq):
    proper = seq[0].lower() == seq[2].lower()
    M = euler.euler_to_matrix([a, (0.0 if proper else np.pi / 2) + eps, c], seq)
    np.testing.assert_allclose(
        euler.euler_to_matrix(euler.matrix_to_euler(M, seq), seq), M, atol=1e-12
    )


def test_intrinsic_equals_reversed_extrinsic():
    angles = np.array([0.3, -1.2, 2.5])
    np.testing.assert_allclose(
        euler.euler_to_matrix(angles, "ZYX"), euler.euler_to_matrix(angles[::-1], "xyz")
    )


def test_elementary_rotations_are_counter_clockwise():
    for k in range(3):
        M = euler.elementary_rotation(k, np.pi / 2)
        e = np.eye(3)
        np.testing.assert_allclose(M @ e[(k + 1) % 3], e[(k + 2) % 3], atol=1e-15)


# ---- Slabaugh -----------------------------------------------------------------------------


def test_slabaugh_both_solutions_reproduce_R():
    s1, s2 = euler.slabaugh_euler(R)
    np.testing.assert_allclose(euler.euler_to_matrix(s1, "xyz"), R, atol=1e-12)
    np.testing.assert_allclose(euler.euler_to_matrix(s2, "xyz"), R, atol=1e-12)
    # solution 1 has theta in [-pi/2, pi/2]: scipy's extrinsic xyz answer
    np.testing.assert_allclose(s1, Rotation.from_matrix(R).as_euler("xyz"), atol=1e-10)
    np.testing.assert_allclose(s2[:, 1], np.pi - s1[:, 1])


def test_slabaugh_worked_example():
    # the note's example: (pi/4, pi/4, pi/4) and (-3pi/4, 3pi/4, -3pi/4)
    M = euler.euler_to_matrix([np.pi / 4] * 3, "xyz")
    s1, s2 = euler.slabaugh_euler(M)
    np.testing.assert_allclose(s1, [np.pi / 4] * 3, atol=1e-14)
    np.testing.assert_allclose(s2, [-3 * np.pi / 4, 3 * np.pi / 4, -3 * np.pi / 4], atol=1e-14)


@pytest.mark.parametrize("theta", [np.pi / 2, -np.pi / 2])
def test_slabaugh_gimbal_lock(theta):
    M = euler.euler_to_matrix([0.7, theta, -0.4], "xyz")
    s1, s2 = euler.slabaugh_euler(M)
    np.testing.assert_array_equal(s1, s2)
    assert s1[2] == 0.0 and s1[1] == theta
    np.testing.assert_allclose(euler.euler_to_matrix(s1, "xyz"), M, atol=1e-14)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: euler.euler_to_matrix([0, 0, 0], "zyzx"), "3-letter"),
        (lambda: euler.euler_to_matrix([0, 0, 0], "zZy"), "all upper"),
        (lambda: euler.euler_to_matrix([0, 0, 0], "zzy"), "consecutive"),
        (lambda: euler.euler_to_matrix([0, 0, 0], "abc"), "from xyz"),
        (lambda: euler.euler_to_matrix([0, 0], "zyz"), r"shape \(\.\.\., 3\)"),
        (lambda: euler.matrix_to_euler(np.eye(3) * 2, "zyz"), "orthogonal"),
        (lambda: euler.slabaugh_euler(np.diag([1.0, 1.0, -1.0])), "determinant"),
        (lambda: euler.elementary_rotation("w", 0.0), "axis"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


SEQS_ALL = [a + b + c for a in "xyz" for b in "xyz" for c in "xyz" if a != b and b != c]


@pytest.mark.parametrize("seq", SEQS_ALL + [s.upper() for s in SEQS_ALL])
def test_gimbal_lock_matches_scipy(seq):
    """At gimbal lock scipy sets the third angle (in the order of ``seq``) to zero, for
    intrinsic and extrinsic sequences alike; so must we."""
    import warnings

    rng = np.random.default_rng(11)
    proper = seq[0].lower() == seq[2].lower()
    for b in [0.0, np.pi] if proper else [np.pi / 2, -np.pi / 2]:
        for a, c in rng.uniform(-np.pi, np.pi, size=(5, 2)):
            R = Rotation.from_euler(seq, [a, b, c]).as_matrix()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # scipy's gimbal-lock warning
                want = Rotation.from_matrix(R).as_euler(seq)
            got = euler.matrix_to_euler(R, seq)
            assert abs(got[2]) < 1e-9 and abs(want[2]) < 1e-9
            d = np.angle(np.exp(1j * (got - want)))  # equal modulo 2 pi
            np.testing.assert_allclose(d, 0.0, atol=1e-7)
            np.testing.assert_allclose(euler.euler_to_matrix(got, seq), R, atol=1e-12)
