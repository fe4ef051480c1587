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


def _plain_match_scores(Y, P, C, band_limit):
    # the score of match_orientations written out over the full Fourier disc, complex
    n = Y.shape[1]
    k = np.arange(n) - n // 2
    keep = (k[:, None] ** 2 + k[None, :] ** 2) <= band_limit**2

    def ft(x):
        return np.fft.fftshift(np.fft.fft2(np.fft.ifftshift(x, axes=(1, 2))), axes=(1, 2))

    FY, FP, c = ft(Y)[:, keep], ft(P)[:, keep], np.broadcast_to(C, Y.shape)[:, keep]
    return 2 * ((np.conj(FY) * c) @ FP.T).real - (c * c) @ (np.abs(FP) ** 2).T


@pytest.mark.parametrize("n, band_limit", [(12, 4.0), (12, 9.0), (13, 5.5), (9, 20.0)])
def test_match_orientations_equals_the_plain_full_disc_score(n, band_limit):
    # half-plane real arithmetic (k and -k once, with both CTF values) and the template
    # cache against the score over every Fourier pixel; CTFs neither symmetric nor shared
    rng = np.random.default_rng(7)
    grid = uniform_rotations(40, rng)
    P = rng.normal(size=(40, n, n))
    Y = rng.normal(size=(6, n, n))
    C = rng.uniform(-1, 1, size=(6, n, n))
    plain = _plain_match_scores(Y, P, C, band_limit)
    first = ln.match_orientations(Y, P, grid, C, band_limit)  # fills the cache
    again = ln.match_orientations(Y, P.copy(), grid, C, band_limit)  # equal values: reused
    assert first.index.tolist() == np.argmax(plain, axis=1).tolist()
    np.testing.assert_allclose(first.score, plain.max(axis=1), rtol=1e-10, atol=1e-9)
    np.testing.assert_array_equal(again.score, first.score)
    P2 = P.copy()
    P2[first.index[0]] *= 10.0  # changed templates must not reuse the cached spectra
    changed = ln.match_orientations(Y, P2, grid, C, band_limit)
    np.testing.assert_allclose(
        changed.score, _plain_match_scores(Y, P2, C, band_limit).max(axis=1), rtol=1e-10, atol=1e-9
    )
    assert changed.index[0] != first.index[0]


def test_particle_features_equal_fourier_cropping_each_image():
    from helpers import imaging

    rng = np.random.default_rng(9)
    for n, crop in [(24, 8), (17, 6), (16, 5), (12, 12)]:
        imgs = rng.normal(size=(3, n, n))
        f = np.stack([imaging.downsample(im, crop).ravel() for im in imgs])
        f = f - f.mean(axis=1, keepdims=True)
        f /= f.std(axis=1, keepdims=True)
        np.testing.assert_allclose(ln.particle_features(imgs, crop), f, atol=1e-12)


def test_ridge_without_penalty_and_few_samples_interpolates():
    # alpha = 0 and fewer samples than features: Phi^T Phi is singular, so the Cholesky
    # solve fails and the least-squares fallback must interpolate the samples
    rng = np.random.default_rng(10)
    x, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    model = ln.RandomFeatureRidge(50, 1.0, 0.0, rng).fit(x, y)
    np.testing.assert_allclose(model.predict(x), y, atol=1e-9)


def test_ridge_cholesky_solve_equals_the_normal_equations():
    rng = np.random.default_rng(11)
    x, y = rng.normal(size=(300, 4)), rng.normal(size=(300, 3))
    model = ln.RandomFeatureRidge(120, 2.0, 0.3, rng).fit(x, y)
    Phi = model.features(x)
    direct = np.linalg.solve(Phi.T @ Phi + 0.3 * np.eye(120), Phi.T @ y)
    np.testing.assert_allclose(model.coef, direct, rtol=1e-8, atol=1e-10)
