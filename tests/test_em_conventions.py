import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.spatial.transform import Rotation

from helpers import euler
from helpers.rotations import axis_angle_to_matrix, exp_so3


def Zp(a):  # the packages' passive elementary matrices, written out independently
    c, s = np.cos(np.deg2rad(a)), np.sin(np.deg2rad(a))
    return np.array([[c, s, 0], [-s, c, 0], [0, 0, 1]])


def Yp(a):
    c, s = np.cos(np.deg2rad(a)), np.sin(np.deg2rad(a))
    return np.array([[c, 0, -s], [0, 1, 0], [s, 0, c]])


def Xp(a):
    c, s = np.cos(np.deg2rad(a)), np.sin(np.deg2rad(a))
    return np.array([[1, 0, 0], [0, c, s], [0, -s, c]])


DEFINING = {
    "relion": lambda a, b, c: Zp(c) @ Yp(b) @ Zp(a),
    "spider": lambda a, b, c: Zp(c) @ Yp(b) @ Zp(a),
    "mrc": lambda a, b, c: Zp(c) @ Yp(b) @ Zp(a),
    "eman": lambda a, b, c: Zp(c) @ Xp(b) @ Zp(a),
    "imagic": lambda a, b, c: Zp(c) @ Xp(b) @ Zp(a),
    "xyz": lambda a, b, c: Zp(c) @ Yp(b) @ Xp(a),
}
ANGLES = np.random.default_rng(3).uniform([-180, 0, -180], [180, 180, 180], size=(50, 3))


@pytest.mark.parametrize("convention", list(DEFINING))
def test_convention_matches_its_defining_product(convention):
    for a in ANGLES:
        np.testing.assert_allclose(
            euler.em_to_matrix(a, convention), DEFINING[convention](*a), atol=1e-14
        )


def test_eman_matrix_entries_as_in_eman2_transform():
    az, alt, phi = np.deg2rad([25.0, 70.0, -40.0])
    ca, sa, cb, sb, cp, sp = (
        np.cos(az),
        np.sin(az),
        np.cos(alt),
        np.sin(alt),
        np.cos(phi),
        np.sin(phi),
    )
    M = np.array(
        [
            [cp * ca - cb * sa * sp, cp * sa + cb * ca * sp, sb * sp],
            [-sp * ca - cb * sa * cp, -sp * sa + cb * ca * cp, sb * cp],
            [sb * sa, -sb * ca, cb],
        ]
    )
    np.testing.assert_allclose(euler.em_to_matrix([25.0, 70.0, -40.0], "eman"), M, atol=1e-15)


def test_scipy_relations_and_projection_direction():
    for phi, theta, psi in ANGLES:
        R = euler.em_to_matrix([phi, theta, psi], "relion")
        ref = Rotation.from_euler("ZYZ", [phi, theta, psi], degrees=True).as_matrix().T
        np.testing.assert_allclose(R, ref, atol=1e-14)
        t, p = np.deg2rad(theta), np.deg2rad(phi)
        np.testing.assert_allclose(
            R[2], [np.sin(t) * np.cos(p), np.sin(t) * np.sin(p), np.cos(t)], atol=1e-14
        )


def test_eman_spider_relation():
    # az = phi + 90, alt = theta, phi_eman = psi - 90 gives the same matrix
    for phi, theta, psi in ANGLES:
        np.testing.assert_allclose(
            euler.em_to_matrix([phi + 90, theta, psi - 90], "eman"),
            euler.em_to_matrix([phi, theta, psi], "spider"),
            atol=1e-14,
        )


def test_spin_is_the_transposed_axis_angle_and_sgirot_style_axis_is_normalised():
    R = euler.em_to_matrix([30.0, 0, 0, 5.0], "spin")
    np.testing.assert_allclose(R, Zp(30.0), atol=1e-15)
    np.testing.assert_allclose(
        euler.em_to_matrix([50.0, 1, 2, 2], "spin"),
        axis_angle_to_matrix([1, 2, 2], np.deg2rad(50)).T,
        atol=1e-15,
    )
    np.testing.assert_array_equal(euler.em_to_matrix([50.0, 0, 0, 0], "spin"), np.eye(3))


def test_cryosparc_is_the_exponential_map_in_radians():
    w = np.array([0.3, -1.2, 0.4])
    np.testing.assert_allclose(euler.em_to_matrix(w, "cryosparc"), exp_so3(w), atol=1e-15)
    np.testing.assert_allclose(euler.matrix_to_em(exp_so3(w), "cryosparc"), w, atol=1e-13)
    np.testing.assert_allclose(
        euler.em_to_matrix(np.rad2deg(w), "cryosparc", degrees=True), exp_so3(w), atol=1e-15
    )


@pytest.mark.parametrize("convention", list(euler.EM_CONVENTIONS))
def test_round_trip_generic(convention):
    Rs = Rotation.random(200, random_state=4).as_matrix()
    back = euler.em_to_matrix(euler.matrix_to_em(Rs, convention), convention)
    np.testing.assert_allclose(back, Rs, atol=1e-12)


@pytest.mark.parametrize("convention", ["relion", "spider", "mrc", "eman", "imagic"])
@pytest.mark.parametrize("tilt", [0.0, 180.0])
def test_round_trip_at_the_poles(convention, tilt):
    R = euler.em_to_matrix([35.0, tilt, -70.0], convention)
    a = euler.matrix_to_em(R, convention)
    np.testing.assert_allclose(euler.em_to_matrix(a, convention), R, atol=1e-13)
    assert np.isclose(a[1], tilt)
    if convention in ("eman", "imagic"):
        assert a[0] == 0.0  # EMAN2 reports az = 0 at the poles


@pytest.mark.parametrize("convention", ["relion", "eman"])
def test_canonical_tilt_in_0_180(convention):
    a = euler.matrix_to_em(Rotation.random(500, random_state=5).as_matrix(), convention)
    assert np.all((a[:, 1] >= 0) & (a[:, 1] <= 180))
    assert np.all((a[:, [0, 2]] > -180 - 1e-9) & (a[:, [0, 2]] <= 180 + 1e-9))


@given(
    st.floats(-180, 180),
    st.floats(0, 180),
    st.floats(-180, 180),
    st.sampled_from(["relion", "eman", "xyz", "imagic"]),
)
def test_round_trip_property(a, b, c, convention):
    R = euler.em_to_matrix([a, b, c], convention)
    np.testing.assert_allclose(
        euler.em_to_matrix(euler.matrix_to_em(R, convention), convention), R, atol=1e-12
    )


def test_mirror_equivalent_view_flips_y_and_z():
    # (180 + phi, 180 - theta, -psi) differs by a 180-degree turn about x
    phi, theta, psi = 20.0, 50.0, 70.0
    A = euler.em_to_matrix([phi, theta, psi], "spider")
    B = euler.em_to_matrix([180 + phi, 180 - theta, -psi], "spider")
    np.testing.assert_allclose(B, np.diag([1.0, -1.0, -1.0]) @ A, atol=1e-14)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: euler.em_to_matrix([0, 0, 0], "chimera"), "convention must be one of"),
        (lambda: euler.em_to_matrix([0, 0, 0], "spin"), r"\(\.\.\., 4\)"),
        (lambda: euler.matrix_to_em(np.eye(3) * 2, "relion"), "orthogonal"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()
