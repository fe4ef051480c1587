import numpy as np
import pytest

from helpers import imaging as im
from helpers import posesearch as ps
from helpers import volumes as vo
from helpers.metrics import angular_distance
from helpers.sampling import uniform_rotations


@pytest.fixture(scope="module")
def vol():
    return vo.gaussian_atoms_map(vo.toy_protein(), 24, 2.5, sigma=2.5)


def test_band_limit_mask_counts():
    assert ps.band_limit_mask(16, 0).sum() == 1
    assert ps.band_limit_mask(16, 1).sum() == 5


def test_score_finds_the_shift_and_the_true_projection_scores_best(vol):
    R = uniform_rotations(20, np.random.default_rng(0))
    P = im.fourier_slices(vol, R)
    img = np.roll(P[7], (3, -2), axis=(0, 1))
    scores, shifts = ps.score_poses(img, P, 12.0)
    assert np.argmax(scores) == 7
    np.testing.assert_array_equal(shifts[7], [3, -2])


def test_coarse_to_fine_search_converges_without_noise(vol):
    for R in uniform_rotations(2, np.random.default_rng(1)):
        res = ps.pose_search(im.fourier_slice(vol, R), vol, n_levels=5)
        errs = [np.rad2deg(angular_distance(level[2], R)) for level in res.levels]
        assert errs[-1] < 1.5 and errs[-1] < errs[0]


def test_bad_input(vol):
    with pytest.raises(ValueError, match="same n"):
        ps.pose_search(np.zeros((16, 16)), vol)
    with pytest.raises(ValueError, match=r"\(m, n, n\)"):
        ps.score_poses(np.zeros((8, 8)), np.zeros((2, 4, 4)), 2.0)
