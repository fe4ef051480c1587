import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import imaging as im
from helpers import posesearch as ps
from helpers import volumes as vo
from helpers.metrics import angular_distance
from helpers.sampling import hopf_grid, uniform_rotations

PX = 2.5


@pytest.fixture(scope="module")
def vol():
    return vo.gaussian_atoms_map(vo.toy_protein(), 24, PX, sigma=2.0)


def test_band_limit_mask_counts():
    assert ps.band_limit_mask(16, 0).sum() == 1
    assert ps.band_limit_mask(16, 1).sum() == 5


def test_score_finds_the_shift_and_the_true_projection_scores_best(vol):
    R = uniform_rotations(20, np.random.default_rng(0))
    P = im.fourier_slices(vol, R)
    img = np.roll(P[7], (3, -2), axis=(0, 1))  # 3 pixels along y, -2 along x
    scores, shifts = ps.score_poses(img, P, 12.0)
    assert np.argmax(scores) == 7
    np.testing.assert_array_equal(shifts[7], [-2, 3])  # (x, y)


def test_shift_images_matches_roll_for_integer_shifts():
    img = np.random.default_rng(1).normal(size=(2, 12, 12))
    out = ps.shift_images(img, [[2.0, -3.0], [0.0, 1.0]])
    np.testing.assert_allclose(out[0], np.roll(img[0], (-3, 2), axis=(0, 1)), atol=1e-12)
    np.testing.assert_allclose(out[1], np.roll(img[1], (1, 0), axis=(0, 1)), atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(st.floats(-3, 3), st.floats(-3, 3))
def test_shift_images_composes(a, b):
    img = np.random.default_rng(2).normal(size=(1, 9, 9))  # odd: no Nyquist row
    once = ps.shift_images(img, [[a, b]])
    twice = ps.shift_images(ps.shift_images(img, [[a / 2, b / 2]]), [[a / 2, b / 2]])
    np.testing.assert_allclose(once, twice, atol=1e-10)


def test_shift_grid_spacing_and_extent():
    g = ps.shift_grid(2.0, 4)
    assert g.shape == (16, 2)
    np.testing.assert_allclose(np.unique(g[:, 0]), [-1.5, -0.5, 0.5, 1.5])
    with pytest.raises(ValueError, match="n_per_axis"):
        ps.shift_grid(1.0, 0)


def test_hopf_children_are_next_level_grid_points_near_the_parent():
    parents = np.arange(0, 576, 7)
    idx, R = ps.hopf_children(1, parents)
    G1, G2 = hopf_grid(1), hopf_grid(2)
    np.testing.assert_allclose(G2[idx], R, atol=1e-12)
    d = np.rad2deg(angular_distance(G1[parents][:, None], R))
    assert d.max() < 20.0  # within the parent's cell (level-1 spacing ~30 deg)
    # and they are the nearest: no other level-2 point is closer than the 8th child
    all_d = np.rad2deg(angular_distance(G1[parents][:, None], G2[None]))
    eighth = np.sort(d, axis=1)[:, -1]
    assert np.all(np.sum(all_d < eighth[:, None] - 1e-9, axis=1) <= 8)
    with pytest.raises(ValueError, match="index"):
        ps.hopf_children(1, [576])


def test_slice_values_match_the_transform_of_fourier_slices(vol):
    R = uniform_rotations(3, np.random.default_rng(3))
    P = im.fourier_slices(vol, R)
    # a search at L = 11 on clean projections recovers the rotations to the last grid level
    res = ps.search_poses(P, vol, PX, n_levels=4, L_max=11)
    err = np.rad2deg(angular_distance(res.rotations, R))
    assert np.all(err < 4.0), err


def test_search_with_ctf_and_shifts(vol):
    rng = np.random.default_rng(4)
    R = uniform_rotations(12, rng)
    dz = rng.uniform(8000, 20000, 12)
    t = rng.uniform(-1.5, 1.5, (12, 2))
    k = im.frequency_grid(48, PX)
    clean = ps.shift_images(im.fourier_slices(vol, R, ctfs=im.ctf(k[None], dz[:, None, None])), t)
    res = ps.search_poses(clean, vol, PX, dz, n_levels=4, L_max=12)
    err = np.rad2deg(angular_distance(res.rotations, R))
    assert np.median(err) < 4.0
    assert np.median(np.abs(res.shifts_pixels - t)) < 0.3
    # ignoring the CTF in the score is worse for these CTF-modulated images
    res0 = ps.search_poses(clean, vol, PX, None, n_levels=4, L_max=12)
    assert np.median(np.rad2deg(angular_distance(res0.rotations, R))) > np.median(err)
    levels = [lv.L for lv in res.levels]
    assert levels == [4.0, 6.0, 9.0, 12.0]


def test_reconstruct_with_ctf_and_shifts_recovers_the_map(vol):
    rng = np.random.default_rng(5)
    R = uniform_rotations(400, rng)
    dz = rng.uniform(8000, 20000, 400)
    t = rng.uniform(-2, 2, (400, 2))
    k = im.frequency_grid(48, PX)
    clean = ps.shift_images(im.fourier_slices(vol, R, ctfs=im.ctf(k[None], dz[:, None, None])), t)
    good = ps.reconstruct(clean, R, PX, t, dz, wiener=0.1)
    no_ctf = ps.reconstruct(clean, R, PX, t, None, wiener=0.1)
    assert np.corrcoef(good.ravel(), vol.ravel())[0, 1] > 0.97
    assert np.corrcoef(no_ctf.ravel(), vol.ravel())[0, 1] < 0.9


def test_frequency_marching():
    assert ps.frequency_marching(0, 12, 32, 25) == 12
    assert ps.frequency_marching(25, 12, 32, 25) == 32
    assert ps.frequency_marching(10, 12, 32, 25) == 20  # 12 + floor(10 / 25 * 20)
    assert ps.frequency_marching(3, 12, 32, 0) == 32


def test_ab_initio_from_the_truth_stays_and_global_errors(vol):
    rng = np.random.default_rng(6)
    R = uniform_rotations(60, rng)
    imgs = np.stack([im.add_noise(p, 5.0, rng) for p in im.fourier_slices(vol, R)])
    res = ps.ab_initio(imgs, vol, PX, [8, 10], n_levels=3)
    g = ps.global_pose_errors(res.rotations[-1], R)
    assert np.rad2deg(np.median(g.errors)) < 8.0 and not g.mirrored
    assert res.volumes.shape == (3, 24, 24, 24)


def test_global_pose_errors_detects_the_mirror():
    R = uniform_rotations(30, np.random.default_rng(7))
    J = np.diag([1.0, 1, -1])
    G = uniform_rotations(1, np.random.default_rng(8))[0]
    g = ps.global_pose_errors(J @ (R @ G.T) @ J, R)
    assert g.mirrored and g.errors.max() < 1e-6
    np.testing.assert_allclose(g.rotation, G.T, atol=1e-9)


def test_bad_input(vol):
    with pytest.raises(ValueError, match="vol must have shape"):
        ps.search_poses(np.zeros((1, 16, 16)), vol, PX)
    with pytest.raises(ValueError, match=r"\(m, n, n\)"):
        ps.score_poses(np.zeros((8, 8)), np.zeros((2, 4, 4)), 2.0)
    with pytest.raises(ValueError, match="defocus"):
        ps.search_poses(np.zeros((1, 24, 24)), vol, PX, defocus=[-1.0])
    with pytest.raises(ValueError, match="L_schedule"):
        ps.ab_initio(np.zeros((1, 24, 24)), vol, PX, [])
    with pytest.raises(ValueError, match="shifts_pixels"):
        ps.reconstruct(np.zeros((2, 24, 24)), np.stack([np.eye(3)] * 2), PX, np.zeros((3, 2)))


def test_reconstruct_prior_fills_what_the_data_leave_empty(vol):
    R = uniform_rotations(3, np.random.default_rng(9))
    imgs = im.fourier_slices(vol, R)
    none = ps.reconstruct(imgs, R, PX, wiener=1.0)
    with_truth = ps.reconstruct(imgs, R, PX, wiener=1.0, prior=vol)
    assert np.linalg.norm(with_truth - vol) < 0.3 * np.linalg.norm(none - vol)
    only_prior = ps.reconstruct(np.zeros_like(imgs), R, PX, wiener=1e8, prior=vol)
    np.testing.assert_allclose(only_prior, vol, atol=1e-5 * vol.max())
    with pytest.raises(ValueError, match="prior"):
        ps.reconstruct(imgs, R, PX, prior=np.zeros((4, 4, 4)))


def test_ab_initio_lowpass_keeps_only_the_searched_band(vol):
    rng = np.random.default_rng(10)
    R = uniform_rotations(30, rng)
    imgs = np.stack([im.add_noise(p, 5.0, rng) for p in im.fourier_slices(vol, R)])
    res = ps.ab_initio(imgs, vol, PX, [5.0], n_levels=2, lowpass=True)
    F = np.abs(np.fft.fftshift(np.fft.fftn(np.fft.ifftshift(res.volume))))
    k = np.arange(24) - 12
    kz, ky, kx = np.meshgrid(k, k, k, indexing="ij")
    outside = kx**2 + ky**2 + kz**2 > 25
    assert F[outside].max() < 1e-9 * F.max()
    assert F[~outside].max() > 0
