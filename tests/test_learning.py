import numpy as np
import pytest

from helpers import learning as ln
from helpers.metrics import angular_distance
from helpers.sampling import uniform_rotations


@pytest.mark.parametrize("rep", list(ln.REPRESENTATIONS))
def test_encode_decode_round_trip(rep):
    R = uniform_rotations(200, np.random.default_rng(0))
    Y = ln.encode_rotations(R, rep)
    assert Y.shape == (200, ln.REPRESENTATIONS[rep])
    np.testing.assert_allclose(ln.decode_rotations(Y, rep), R, atol=1e-10)


def test_decoders_accept_unnormalised_outputs():
    R = uniform_rotations(50, np.random.default_rng(1))
    q = ln.encode_rotations(R, "quaternion") * 3.0
    np.testing.assert_allclose(ln.decode_rotations(q, "quaternion"), R, atol=1e-12)
    six = ln.encode_rotations(R, "6d") * 2.0
    np.testing.assert_allclose(ln.decode_rotations(six, "6d"), R, atol=1e-12)


def test_ridge_learns_a_smooth_function_and_rotations_from_features():
    rng = np.random.default_rng(2)
    R = uniform_rotations(3000, rng)
    X = R.reshape(-1, 9)  # an easy "image": the matrix itself
    model = ln.RandomFeatureRidge(800, 1.0, 1e-3, rng).fit(
        X[:2500], ln.encode_rotations(R[:2500], "6d")
    )
    pred = ln.decode_rotations(model.predict(X[2500:]), "6d")
    assert np.median(np.rad2deg(angular_distance(pred, R[2500:]))) < 5


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: ln.encode_rotations(np.eye(3)[None], "matrix"), "representation"),
        (lambda: ln.decode_rotations([[1.0, 0, 0]], "quaternion"), r"\(\.\.\., 4\)"),
        (lambda: ln.RandomFeatureRidge(0, 1.0, 1.0, np.random.default_rng(0)), "n_features"),
        (
            lambda: ln.RandomFeatureRidge(10, 1.0, 1.0, np.random.default_rng(0)).predict([[1.0]]),
            "fit",
        ),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_particle_features_are_standardised_low_pass():
    from helpers import imaging, volumes

    vol = volumes.gaussian_atoms_map(volumes.toy_protein(), 16, 3.75, sigma=3.0)
    R = uniform_rotations(4, np.random.default_rng(3))
    imgs = imaging.simulate_particles(vol, R, 3.75, 10.0, 10000.0, np.random.default_rng(4))
    f = ln.particle_features(imgs, 6)
    assert f.shape == (4, 36)
    np.testing.assert_allclose(f.mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(f.std(axis=1), 1, atol=1e-9)
