import numpy as np
import pytest
from scipy import ndimage

from helpers import alignment as al
from helpers import volumes as vo
from helpers.metrics import angular_distance
from helpers.sampling import uniform_rotations

VS = 3.0


@pytest.fixture(scope="module")
def ref():
    return vo.gaussian_atoms_map(vo.toy_protein(), 24, VS, sigma=2.5)


def moved(ref, R, t):
    """The target map with x_ref = R x_target + t."""
    return vo.rotate_volume(ref, R.T, shift=-R.T @ t, voxel_size=VS)


@pytest.mark.parametrize("mode", ["dot", "cc"])
def test_align_maps_recovers_a_known_pose(ref, mode):
    R = uniform_rotations(1, np.random.default_rng(3))[0]
    t = np.array([4.0, -3.0, 5.0])
    res = al.align_maps(
        ref, moved(ref, R, t), VS, angle_step=30.0, threshold=0.05, bandwidth=8.0, mode=mode
    )
    assert np.rad2deg(angular_distance(res.rotation, R)) < 30.0 / 4 + 1  # the final refinement step
    assert np.all(np.abs(res.translation - t) <= VS + 1e-9)  # within one voxel
    assert res.zscore > 3


def test_mean_shift_vectors_point_to_the_nearest_maximum():
    centres = np.array([[-8.0, 0.0, 0.0], [8.0, 0.0, 0.0]])
    vol = vo.gaussian_atoms_map(centres, 24, 1.0, sigma=2.0)
    v, mask = al.local_density_vectors(vol, 1.0, bandwidth=4.0, threshold=1e-3)
    g = vo.grid_coordinates(24, 1.0)
    Z, Y, X = np.meshgrid(g, g, g, indexing="ij")
    P = np.stack([X, Y, Z])
    nearest = np.where(
        X[None] < 0, centres[0][:, None, None, None], centres[1][:, None, None, None]
    )
    to_max = nearest - P
    d = np.linalg.norm(to_max, axis=0)
    sel = mask & (d > 1.5) & (d < 5.0)
    cos = np.sum(v * to_max, axis=0)[sel] / d[sel]
    assert cos.min() > 0.95


def test_scores_are_invariant_to_scaling_and_common_translation(ref):
    va, _ = al.local_density_vectors(ref, VS, 8.0, 0.05)
    vb, _ = al.local_density_vectors(5.0 * ref, VS, 8.0, 0.25)  # same contour relative to the map
    assert al.dot_score(va, vb) == pytest.approx(al.dot_score(va, va), rel=1e-9)
    assert al.cross_correlation(ref, 7.0 * ref) == pytest.approx(1.0)
    # a translation applied to both maps leaves their correlation unchanged, and one
    # applied to only one of them lowers it
    other = ndimage.gaussian_filter(ref, 1.5) + 0.05 * np.random.default_rng(3).normal(
        size=ref.shape
    )
    cc = al.cross_correlation(ref, other)
    assert 0.3 < cc < 0.999
    both = al.cross_correlation(np.roll(ref, 2, axis=2), np.roll(other, 2, axis=2))
    assert both == pytest.approx(cc, rel=1e-12)
    assert al.cross_correlation(np.roll(ref, 2, axis=2), other) < cc - 0.1
    s1, _ = al.translation_search_fft(va, va)
    s2, t = al.translation_search_fft(np.roll(va, 3, axis=3), va)
    assert s2 == pytest.approx(s1) and np.array_equal(t, [3, 0, 0])


def test_zscores_background_cluster():
    rng = np.random.default_rng(0)
    scores = np.r_[rng.normal(0, 1, 400), 15.0, 15.5, 16.0]  # a cluster of near-correct poses
    raw, norm = al.zscores(16.0, scores)
    assert norm > raw  # the high cluster inflates the raw background but not the normalised one


def test_resample_keeps_the_map_centred(ref):
    small = al.resample_map(ref, VS, 2 * VS)
    assert small.shape == (12, 12, 12)
    c = np.array(np.unravel_index(np.argmax(al.resample_map(ref, VS, VS, 24)), (24, 24, 24)))
    np.testing.assert_array_equal(c, np.unravel_index(np.argmax(ref), ref.shape))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: al.align_maps(np.zeros((4, 4)), np.zeros((4, 4, 4)), 1.0), "3-D"),
        (lambda: al.align_maps(np.ones((8, 8, 8)), np.ones((8, 8, 8)), 1.0, mode="rmsd"), "mode"),
        (lambda: al.dot_score(np.zeros((3, 2, 2, 2)), np.zeros((3, 2, 2, 3))), "shape"),
        (lambda: al.zscores(1.0, [1.0, 2.0]), "at least 3"),
        (lambda: al.local_density_vectors(np.ones((4, 4, 4)), 1.0, bandwidth=0.0), "positive"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()
