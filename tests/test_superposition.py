import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from helpers import superposition as sp
from helpers.sampling import uniform_rotations


def test_kabsch_matches_scipy_align_vectors():
    rng = np.random.default_rng(5)
    for R in uniform_rotations(20, rng):
        Y = rng.normal(size=(30, 3))
        X = Y @ R.T + rng.normal(size=3) + 0.05 * rng.normal(size=(30, 3))
        Rk, t = sp.kabsch(X, Y)
        ref, _ = Rotation.align_vectors(X - X.mean(0), Y - Y.mean(0))
        np.testing.assert_allclose(Rk, ref.as_matrix(), atol=1e-10)
        np.testing.assert_allclose(t, X.mean(0) - Rk @ Y.mean(0), atol=1e-12)


def test_kabsch_returns_a_proper_rotation_for_mirrored_data():
    rng = np.random.default_rng(6)
    Y = rng.normal(size=(40, 3))
    X = Y * np.array([-1.0, 1.0, 1.0])  # a reflection: no rotation fits exactly
    R, _ = sp.kabsch(X, Y)
    assert np.linalg.det(R) > 0.999
    np.testing.assert_allclose(R.T @ R, np.eye(3), atol=1e-12)


def test_weights_and_batch():
    rng = np.random.default_rng(7)
    Rs = uniform_rotations(4, rng)
    Y = rng.normal(size=(4, 10, 3))
    X = np.einsum("bij,bnj->bni", Rs, Y)
    X[:, 0] += 100.0  # an outlier that weight 0 ignores
    w = np.ones(10)
    w[0] = 0
    R, t = sp.kabsch(X, Y, weights=w)
    np.testing.assert_allclose(R, Rs, atol=1e-10)
    np.testing.assert_allclose(t, 0, atol=1e-10)


def test_rmsd():
    X = np.zeros((4, 3))
    Y = np.ones((4, 3))
    assert sp.rmsd(X, Y) == pytest.approx(np.sqrt(3))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: sp.kabsch(np.ones((3, 3)), np.ones((4, 3))), "same|both"),
        (lambda: sp.kabsch(np.ones((3, 3)), np.ones((3, 3)), weights=[1, -1, 1]), "non-negative"),
        (lambda: sp.rmsd(np.ones((3, 2)), np.ones((3, 2))), r"\(\.\.\., 3\)"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()
