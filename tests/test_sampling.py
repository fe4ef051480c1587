import numpy as np
import pytest
from scipy import stats

from helpers import sampling
from helpers.rotations import matrix_to_axis_angle, quat_to_matrix


def angle_cdf(theta):
    """CDF of the rotation angle of a Haar-uniform rotation: density (1 - cos t)/pi."""
    return (theta - np.sin(theta)) / np.pi


def test_uniform_rotations_angle_density_ks():
    R = sampling.uniform_rotations(20000, np.random.default_rng(1))
    _, angle = matrix_to_axis_angle(R)
    assert stats.kstest(angle, angle_cdf).pvalue > 0.01


def test_shoemake_angle_density_ks_and_axis_uniform():
    u = np.random.default_rng(2).uniform(size=(20000, 3))
    R = quat_to_matrix(sampling.uniform_quats_shoemake(u))
    _, angle = matrix_to_axis_angle(R)
    assert stats.kstest(angle, angle_cdf).pvalue > 0.01
    # R e_z is uniform on the sphere, so its z-component is uniform on [-1, 1]
    assert stats.kstest(R[:, 2, 2], stats.uniform(-1, 2).cdf).pvalue > 0.01


def test_ks_detects_a_non_uniform_sampler():
    # rotation vectors uniform in the ball are NOT Haar-uniform: the test must say so
    rng = np.random.default_rng(3)
    angle = np.pi * rng.uniform(size=20000) ** (1 / 3)
    assert stats.kstest(angle, angle_cdf).pvalue < 1e-6


def test_shoemake_unit_norm_and_reproducible():
    u = np.random.default_rng(4).uniform(size=(100, 3))
    q = sampling.uniform_quats_shoemake(u)
    np.testing.assert_allclose(np.linalg.norm(q, axis=-1), 1.0)
    # the rotations are built from the caller's generator only: normalised Gaussian
    # 4-vectors (Shoemake's alternative), as a direct construction from the same draws
    a = sampling.uniform_rotations(5, np.random.default_rng(9))
    g = np.random.default_rng(9).standard_normal((5, 4))
    np.testing.assert_allclose(a, quat_to_matrix(g / np.linalg.norm(g, axis=1, keepdims=True)))
    rng = np.random.default_rng(9)  # and each call advances it
    assert not np.allclose(sampling.uniform_rotations(5, rng), sampling.uniform_rotations(5, rng))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: sampling.uniform_rotations(-1, np.random.default_rng(0)), "non-negative integer"),
        (lambda: sampling.uniform_rotations(3, 0), "Generator"),
        (lambda: sampling.uniform_quats_shoemake([0.5, 1.5, 0.2]), r"\[0, 1\]"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ---- sphere samplings and uniformity measures ---------------------------------------------


def test_even_angles_counts_and_spacing():
    full = sampling.even_angles(6.0, theta2=180.0, degrees=True)
    assert len(full) == 1160  # ~ 4 pi / delta^2 = 1146
    d = sampling.direction_from_angles(full[:, 1], full[:, 0], degrees=True)
    # neighbours on a ring are about delta apart
    ring = d[np.isclose(full[:, 1], 60.0)]
    step = np.rad2deg(np.arccos(np.clip(np.sum(ring[1:] * ring[:-1], axis=1), -1, 1)))
    np.testing.assert_allclose(step, 6.0, atol=0.1)
    np.testing.assert_allclose(full[:, 2], np.mod(-full[:, 0], 360.0))  # psi = -phi


def test_even_angles_hemisphere_symmetry_and_spiral():
    hemi = sampling.even_angles(15.0, degrees=True)
    equator = hemi[np.isclose(hemi[:, 1], 90.0)]
    assert np.all(equator[:, 0] < 180.0)
    c3 = sampling.even_angles(10.0, symmetry="c3", degrees=True)
    assert np.all(c3[:, 0] < 120.0)
    assert np.all(c3[np.isclose(c3[:, 1], 90.0), 0] < 60.0)
    c4 = sampling.even_angles(10.0, symmetry="c4", degrees=True)
    assert np.any(
        np.isclose(c4[:, 1], 90.0) & (c4[:, 0] > 45.0)
    )  # even n keeps the whole equator band
    spiral = sampling.even_angles(5.0, method="S", theta2=180.0, degrees=True)
    assert abs(len(spiral) - (3.6 / np.deg2rad(5.0)) ** 2) < 2
    assert np.all(np.diff(spiral[:, 1]) > 0)


def test_healpix_structure():
    d1 = sampling.healpix_directions(1)
    np.testing.assert_allclose(
        np.sort(np.round(d1[:, 2], 12)), np.repeat([-2 / 3, 0, 2 / 3], 4), atol=1e-12
    )
    for nside in (1, 2, 4, 8):
        d = sampling.healpix_directions(nside)
        assert len(d) == 12 * nside**2
        np.testing.assert_allclose(np.linalg.norm(d, axis=1), 1.0)
        np.testing.assert_allclose(d.mean(axis=0), 0.0, atol=1e-12)  # antipodally symmetric
        assert len(np.unique(np.round(d, 9), axis=0)) == len(d)


def test_hopf_grid_size_and_uniform_angle_distribution():
    for level in (0, 1):
        R = sampling.hopf_grid(level)
        assert R.shape == (72 * 8**level, 3, 3)
        np.testing.assert_allclose(
            R @ R.transpose(0, 2, 1), np.broadcast_to(np.eye(3), R.shape), atol=1e-12
        )
    _, angle = matrix_to_axis_angle(sampling.hopf_grid(2))
    assert stats.kstest(angle, angle_cdf).statistic < 0.02


def test_uniformity_measures_rank_samplings():
    n = 768
    rng = np.random.default_rng(10)
    fib, hp, rnd = (
        sampling.fibonacci_sphere(n),
        sampling.healpix_directions(8),
        sampling.random_sphere(n, rng),
    )
    cr = {
        k: sampling.covering_radius_sphere(v) for k, v in [("fib", fib), ("hp", hp), ("rnd", rnd)]
    }
    assert cr["fib"] < cr["rnd"] and cr["hp"] < cr["rnd"]
    assert sampling.riesz_energy(fib) < sampling.riesz_energy(rnd)
    dup = np.concatenate([fib, fib[:1]])
    assert sampling.riesz_energy(dup) == np.inf
    grid = sampling.hopf_grid(1)
    assert sampling.covering_radius_so3(grid, 4000, rng) < sampling.covering_radius_so3(
        sampling.uniform_rotations(len(grid), rng), 4000, rng
    )


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: sampling.even_angles(0.0), "positive"),
        (lambda: sampling.even_angles(10.0, method="Q"), "method"),
        (lambda: sampling.even_angles(10.0, symmetry="d2"), "symmetry"),
        (lambda: sampling.healpix_directions(0), "positive integer"),
        (lambda: sampling.hopf_grid(-1), "non-negative"),
        (lambda: sampling.riesz_energy(np.ones((3, 3))), "unit vectors"),
    ],
)
def test_bad_sphere_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_rotation_neighbourhood_distances():
    from helpers.metrics import angular_distance

    R = sampling.uniform_rotations(1, np.random.default_rng(11))[0]
    nb = sampling.rotation_neighbourhood(R, 0.1)
    d = np.sort(angular_distance(nb, np.broadcast_to(R, nb.shape)))
    np.testing.assert_allclose(d[0], 0.0, atol=1e-12)
    np.testing.assert_allclose(d[1:7], 0.1, atol=1e-12)  # the six axis neighbours
    with pytest.raises(ValueError, match="positive"):
        sampling.rotation_neighbourhood(R, 0.0)


def _healpix_ring_pixel(nside, p):
    """Centre of HEALPix pixel ``p`` (ring scheme), one pixel at a time, following the
    pixel-index inversion of Gorski et al. (2005, section 4) as the HEALPix library's
    pix2ang_ring implements it: in the belt, odd rings ``(i + nside)`` start at phi = 0."""
    npix = 12 * nside * nside
    ncap = 2 * nside * (nside - 1)
    if p < ncap:  # north cap
        i = int(np.floor(np.sqrt((p + 1) / 2 - np.sqrt(np.floor((p + 1) / 2))))) + 1
        j = p + 1 - 2 * i * (i - 1)
        z, phi = 1 - i * i / (3 * nside**2), np.pi / (2 * i) * (j - 0.5)
    elif p < npix - ncap:  # equatorial belt
        q = p - ncap
        i, j = q // (4 * nside) + nside, q % (4 * nside) + 1
        fodd = 1.0 if (i + nside) % 2 else 0.5
        z, phi = 4 / 3 - 2 * i / (3 * nside), np.pi / (2 * nside) * (j - fodd)
    else:  # south cap
        ph = (npix - p) / 2
        i = int(np.floor(np.sqrt(ph - np.sqrt(np.floor(ph))))) + 1
        j = 4 * i + 1 - (npix - p - 2 * i * (i - 1))
        z, phi = -(1 - i * i / (3 * nside**2)), np.pi / (2 * i) * (j - 0.5)
    r = np.sqrt(1 - z * z)
    return np.array([r * np.cos(phi), r * np.sin(phi), z])


@pytest.mark.parametrize("nside", [1, 2, 3, 4, 8])
def test_healpix_directions_in_ring_scheme_pixel_order(nside):
    d = sampling.healpix_directions(nside)
    ref = np.array([_healpix_ring_pixel(nside, p) for p in range(12 * nside * nside)])
    np.testing.assert_allclose(d, ref, atol=1e-12)


def test_healpix_nside1_pixel_4_is_the_x_axis():
    # healpy.pix2vec(1, 4) == (1, 0, 0): the first pixel of the equator sits at phi = 0
    np.testing.assert_allclose(sampling.healpix_directions(1)[4], [1.0, 0.0, 0.0], atol=1e-12)


@pytest.mark.parametrize(
    "delta, theta2, count",
    # SPARX even_angles_cd(delta, method="S"): int((3.6 / delta_rad)^2 * wedge) levels,
    # of which the last (the border, theta = theta2) is dropped; a south pole is added
    # when theta2 = 180
    [(15.0, 90.0, 93), (5.0, 90.0, 849), (15.0, 180.0, 189), (10.0, 180.0, 425)],
)
def test_even_angles_spiral_matches_sparx_count_and_levels(delta, theta2, count):
    pts = sampling.even_angles(delta, theta2=theta2, method="S", degrees=True)
    assert len(pts) == count
    wedge = (1.0 - np.cos(np.deg2rad(theta2))) * 360.0 / 720.0
    n_levels = int((3.6 / np.deg2rad(delta)) ** 2 * wedge)
    z = np.cos(np.deg2rad(pts[:, 1]))
    body = z[: n_levels - 1]
    # z falls in equal steps (cos theta2 - 1) / (n_levels - 1) from the pole; the
    # border level z = cos theta2 is not among them
    np.testing.assert_allclose(np.diff(body), (np.cos(np.deg2rad(theta2)) - 1) / (n_levels - 1))
    assert pts[0, 1] == 0.0 and body.min() > np.cos(np.deg2rad(theta2)) + 1e-9
    if theta2 == 180.0:
        assert tuple(pts[-1]) == (0.0, 180.0, 0.0)
    else:
        assert not np.any(np.isclose(pts[:, 1], 90.0))
    # each step advances the azimuth by delta / sin(theta), modulo 360
    step = np.mod(np.diff(pts[: n_levels - 1, 0]), 360.0)
    np.testing.assert_allclose(
        step, np.mod(delta / np.sin(np.deg2rad(pts[1 : n_levels - 1, 1])), 360.0)
    )


@pytest.mark.parametrize("method", ["P", "S"])
def test_even_angles_takes_and_returns_radians_unless_told_degrees(method):
    rad = sampling.even_angles(np.deg2rad(7.5), theta2=np.pi, method=method, symmetry="c3")
    deg = sampling.even_angles(7.5, theta2=180.0, method=method, symmetry="c3", degrees=True)
    assert rad.shape == deg.shape and len(rad) > 100
    np.testing.assert_allclose(np.rad2deg(rad), deg, atol=1e-9)
    assert rad.max() < 2 * np.pi and deg.max() > 2 * np.pi
    # the default range is the upper hemisphere in either unit
    hemi = sampling.even_angles(np.deg2rad(10.0), method=method)
    np.testing.assert_allclose(
        hemi, np.deg2rad(sampling.even_angles(10.0, method=method, degrees=True))
    )
    assert hemi[:, 1].max() <= np.pi / 2 + 1e-12
