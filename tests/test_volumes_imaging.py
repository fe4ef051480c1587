import numpy as np
import pytest
from scipy import stats

from helpers import fourier
from helpers import imaging as im
from helpers import volumes as vo
from helpers.sampling import uniform_rotations


@pytest.fixture(scope="module")
def toy_map():
    return vo.gaussian_atoms_map(vo.toy_protein(), 40, 1.5, sigma=2.5)


# ---- volumes -----------------------------------------------------------------------------


def test_gaussian_map_centroid_and_separable_evaluation():
    coords = np.array([[3.0, -1.5, 2.0], [-2.0, 1.0, 0.5]])
    vol = vo.gaussian_atoms_map(coords, 32, 0.5, sigma=1.0)
    g = vo.grid_coordinates(32, 0.5)
    Z, Y, X = np.meshgrid(g, g, g, indexing="ij")
    direct = sum(np.exp(-0.5 * ((X - x) ** 2 + (Y - y) ** 2 + (Z - z) ** 2)) for x, y, z in coords)
    np.testing.assert_allclose(vol, direct, atol=1e-12)
    com = np.array([np.sum(X * vol), np.sum(Y * vol), np.sum(Z * vol)]) / vol.sum()
    np.testing.assert_allclose(com, coords.mean(0), atol=1e-3)


def test_toy_protein_is_deterministic_and_not_symmetric():
    # no randomness: the coordinates do not depend on numpy's global random state
    np.random.seed(1)
    a = vo.toy_protein()
    np.random.seed(2)
    np.random.random(10)
    np.testing.assert_array_equal(a, vo.toy_protein())
    assert a.shape == (100, 3)
    np.testing.assert_allclose(a.mean(0), 0, atol=1e-12)
    ev = np.linalg.eigvalsh(np.cov(a.T))
    assert np.min(np.diff(ev)) > 0.1 * ev.max()  # three distinct principal axes


def test_rotate_volume_inverse_and_agrees_with_points(toy_map):
    R = uniform_rotations(1, np.random.default_rng(1))[0]
    back = vo.rotate_volume(vo.rotate_volume(toy_map, R, order=3), R.T, order=3)
    assert np.linalg.norm(back - toy_map) / np.linalg.norm(toy_map) < 0.02
    # rotating the map = building it from rotated atoms
    direct = vo.gaussian_atoms_map(vo.toy_protein() @ R.T, 40, 1.5, sigma=2.5)
    rot = vo.rotate_volume(toy_map, R, order=3)
    assert np.linalg.norm(rot - direct) / np.linalg.norm(direct) < 0.02
    shifted = vo.rotate_volume(toy_map, np.eye(3), shift=[3.0, 0.0, 0.0], voxel_size=1.5)
    np.testing.assert_allclose(shifted[:, :, 2:], toy_map[:, :, :-2], atol=1e-12)


def test_mrc_round_trip(tmp_path, toy_map):
    path = tmp_path / "toy.mrc"
    vo.write_mrc(path, toy_map, 1.5, origin=[10.0, -5.0, 2.5])
    vol, vs, origin = vo.read_mrc(path)
    np.testing.assert_allclose(
        vol, toy_map, rtol=1e-6, atol=1e-6 * toy_map.max()
    )  # stored as float32
    assert vs == pytest.approx(1.5)
    np.testing.assert_allclose(origin, [10.0, -5.0, 2.5])


# ---- imaging -----------------------------------------------------------------------------


def test_wavelength_formula():
    h, m, e, c = 6.62607015e-34, 9.1093837015e-31, 1.602176634e-19, 299792458.0
    for V, expected in [(200e3, 0.02508), (300e3, 0.01969)]:
        lam = h / np.sqrt(2 * m * e * V * (1 + e * V / (2 * m * c * c))) * 1e10
        assert im.electron_wavelength(V / 1e3) == pytest.approx(lam, rel=1e-12)  # kV
        assert im.electron_wavelength(V / 1e3) == pytest.approx(expected, abs=1e-5)


def test_ctf_zeros_at_multiples_of_pi():
    k = np.linspace(0.001, 0.4, 200001)
    chi = im.ctf_phase(k, 20000.0, 300.0, 2.7, 0.07)
    c = im.ctf(k, 20000.0, 300.0, 2.7, 0.07)
    np.testing.assert_allclose(c, -np.sin(chi), atol=1e-15)
    zeros = k[1:][np.sign(c[1:]) != np.sign(c[:-1])]
    n_pi = chi[1:][np.sign(c[1:]) != np.sign(c[:-1])] / np.pi
    np.testing.assert_allclose(n_pi, np.round(n_pi), atol=1e-3)
    assert len(zeros) > 10
    assert im.ctf(0.0, 20000.0, amplitude_contrast=0.07) == pytest.approx(-0.07)
    # astigmatism: defocus varies with azimuth
    a = im.ctf_phase(0.1, 20000.0, angles=0.0, astigmatism=1000.0)
    b = im.ctf_phase(0.1, 20000.0, angles=np.pi / 2, astigmatism=1000.0)
    assert a > b
    env = im.ctf(0.2, 20000.0, b_factor=100.0) / im.ctf(0.2, 20000.0)
    assert env == pytest.approx(np.exp(-100 * 0.04 / 4))


def test_projection_slice_theorem(toy_map):
    for R in uniform_rotations(3, np.random.default_rng(2)):
        real = im.project(toy_map, R, order=3)
        fourier = im.fourier_slice(toy_map, R)
        assert np.linalg.norm(real - fourier) / np.linalg.norm(real) < 0.025
    np.testing.assert_allclose(im.project(toy_map, np.eye(3)), toy_map.sum(axis=0), atol=1e-10)


def test_fsc_identical_and_independent():
    rng = np.random.default_rng(3)
    a = rng.normal(size=(32, 32, 32))
    _, same, _ = im.fsc(a, 3 * a)
    np.testing.assert_allclose(same, 1.0, atol=1e-12)
    _, indep, counts = im.fsc(a, rng.normal(size=a.shape))
    # for independent noise each shell's FSC is ~ N(0, 1/n_shell); allow 4 sigma
    assert np.all(np.abs(indep[1:]) < 4 / np.sqrt(counts[1:]))
    assert im.halfbit_threshold(1e12) == pytest.approx(0.1716, abs=1e-4)


def test_add_noise_achieves_snr():
    rng = np.random.default_rng(4)
    img = rng.normal(size=(128, 128))
    for snr in (0.01, 0.1, 1.0):
        noisy = im.add_noise(img, snr, np.random.default_rng(5))
        measured = np.var(img) / np.var(noisy - img)
        assert measured == pytest.approx(snr, rel=0.03)


def test_downsample_keeps_low_frequencies(toy_map):
    small = im.downsample(toy_map, 20)
    assert small.shape == (20, 20, 20)
    assert small.mean() == pytest.approx(toy_map.mean(), rel=1e-10)
    # the low-frequency Fourier coefficients agree (up to the size normalisation)
    F_big = np.fft.fftshift(np.fft.fftn(np.fft.ifftshift(toy_map)))[15:25, 15:25, 15:25]
    F_small = (
        np.fft.fftshift(np.fft.fftn(np.fft.ifftshift(small)))[5:15, 5:15, 5:15] * (40 / 20) ** 3
    )
    np.testing.assert_allclose(F_small, F_big, atol=1e-8 * np.abs(F_big).max())


def test_resolution_at_interpolates():
    f = np.array([0.0, 0.1, 0.2, 0.3])
    v = np.array([1.0, 0.9, 0.1, 0.0])
    assert im.resolution_at(f, v, 0.5) == pytest.approx(1 / 0.15)
    assert im.resolution_at(f, np.ones(4), 0.143) == pytest.approx(1 / 0.3)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: im.electron_wavelength(-1.0), "positive"),
        (lambda: im.ctf(0.1, 1e4, amplitude_contrast=1.5), "amplitude_contrast"),
        (lambda: im.ctf_phase(0.1, 1e4, astigmatism=100.0), "angles"),
        (lambda: im.project(np.zeros((4, 4)), np.eye(3)), "3-D"),
        (lambda: im.fourier_slice(np.zeros((4, 4, 6)), np.eye(3)), "cubic"),
        (lambda: im.add_noise(np.ones(4), 0.0, np.random.default_rng(0)), "snr"),
        (lambda: im.fsc(np.ones((4, 4)), np.ones((5, 5))), "equal"),
        (lambda: im.downsample(np.ones((8, 8)), 9), "new_size"),
        (lambda: vo.gaussian_atoms_map([[0, 0, 0]], 8, 0.0), "positive"),
        (lambda: vo.rotate_volume(np.zeros((4, 4)), np.eye(3)), "3-D"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_noise_fsc_is_unbiased_in_distribution():
    rng = np.random.default_rng(6)
    vals = np.concatenate(
        [im.fsc(rng.normal(size=(24, 24)), rng.normal(size=(24, 24)))[1][3:] for _ in range(20)]
    )
    assert abs(stats.ttest_1samp(vals, 0.0).statistic) < 4


def test_batched_slices_match_single_and_reconstruction_inverts_them():
    vol = vo.gaussian_atoms_map(vo.toy_protein(), 20, 3.0, sigma=3.0)
    Rs = uniform_rotations(1500, np.random.default_rng(7))
    P = im.fourier_slices(vol, Rs)
    real = im.project(vol, Rs[3], order=3)  # an independent projector
    assert np.linalg.norm(P[3] - real) / np.linalg.norm(real) < 0.03
    rec = im.reconstruct_fourier(P, Rs)
    _, c, _ = im.fsc(rec, vol)
    assert c.min() > 0.95
    assert np.linalg.norm(rec - vol) / np.linalg.norm(vol) < 0.05


def test_fourier_filter_matches_direct_transform_and_batches():
    rng = np.random.default_rng(8)
    imgs = rng.normal(size=(3, 16, 16))
    k = im.frequency_grid(16, 2.0)
    w = im.ctf(k, 15000.0)
    F = np.fft.fftshift(np.fft.fft2(np.fft.ifftshift(imgs[1])))
    direct = np.fft.fftshift(np.fft.ifft2(np.fft.ifftshift(F * w))).real
    np.testing.assert_allclose(im.fourier_filter(imgs, w)[1], direct, atol=1e-12)
    # phase flipping twice is the identity (no CTF zero falls exactly on this grid)
    s = np.sign(w)
    np.testing.assert_allclose(im.fourier_filter(im.fourier_filter(imgs, s), s), imgs, atol=1e-12)
    with pytest.raises(ValueError, match=r"\(\.\.\., n, n\)"):
        im.fourier_filter(np.ones((4, 5)), 1.0)


def test_batched_slices_are_independent_of_the_batching_and_apply_each_ctf():
    vol = vo.gaussian_atoms_map(vo.toy_protein(), 12, 3.0, sigma=3.0)
    Rs = uniform_rotations(im._CHUNK + 40, np.random.default_rng(9))
    k = im.frequency_grid(24, 3.0)
    ctfs = im.ctf(k[None], np.linspace(8000.0, 15000.0, len(Rs))[:, None, None])
    P = im.fourier_slices(vol, Rs, ctfs=ctfs)
    for i in (0, im._CHUNK - 1, im._CHUNK, len(Rs) - 1):  # both sides of a batch boundary
        one = im.fourier_slices(vol, Rs[i : i + 1], ctfs=ctfs[i : i + 1])
        np.testing.assert_allclose(P[i], one[0], atol=1e-12)
    same = im.fourier_slices(vol, Rs[:3], ctfs=ctfs[0])  # one CTF broadcast to every view
    np.testing.assert_allclose(same[0], P[0], atol=1e-12)
    assert not np.allclose(same[2], P[2])


def _reconstruct_reference(imgs, Rs, pad=2):
    """Direct Fourier inversion written plainly: each trilinear corner bounds-checked."""
    m, n, _ = imgs.shape
    N, s = n * pad, n * pad // 2 - n // 2
    big = np.zeros((m, N, N))
    big[:, s : s + n, s : s + n] = imgs
    F2 = np.fft.fftshift(np.fft.fft2(np.fft.ifftshift(big, axes=(-2, -1))), axes=(-2, -1))
    k = np.arange(N) - N // 2
    ky, kx = np.meshgrid(k, k, indexing="ij")
    plane = np.stack([kx, ky, np.zeros_like(kx)], axis=-1).reshape(-1, 3).astype(float)
    pos = np.einsum("pi,mij->mpj", plane, Rs).reshape(-1, 3)[:, ::-1] + N // 2
    vals, base = F2.reshape(-1), np.floor(pos).astype(int)
    frac = pos - base
    acc, wacc = np.zeros(N**3, complex), np.zeros(N**3)
    for corner in np.ndindex(2, 2, 2):
        w = np.prod(np.where(np.array(corner) == 1, frac, 1 - frac), axis=1)
        ix = base + np.array(corner)
        ok = np.all((ix >= 0) & (ix < N), axis=1)
        flat = np.ravel_multi_index(ix[ok].T, (N, N, N))
        np.add.at(acc, flat, w[ok] * vals[ok])
        np.add.at(wacc, flat, w[ok])
    F3 = (acc / (wacc + 1.0)).reshape(N, N, N)
    vol = np.fft.fftshift(np.fft.ifftn(np.fft.ifftshift(F3))).real / fourier.sinc2_apodization(N)
    return vol[s : s + n, s : s + n, s : s + n]


def test_reconstruction_matches_a_plain_reference_including_the_box_edges():
    rng = np.random.default_rng(10)
    imgs = rng.normal(size=(30, 10, 10))  # white noise fills every frequency, corners too
    Rs = uniform_rotations(30, rng)
    np.testing.assert_allclose(
        im.reconstruct_fourier(imgs, Rs), _reconstruct_reference(imgs, Rs), atol=1e-12
    )


@pytest.mark.parametrize("order", [(3, 2, 1), (2, 1, 3), (1, 3, 2), (2, 3, 1), (3, 1, 2)])
def test_read_mrc_honours_the_header_axis_order(tmp_path, order):
    """A valid MRC file may store columns along any axis (MAPC/MAPR/MAPS): the map
    must come back as [z, y, x] whatever the stored order."""
    import mrcfile

    rng = np.random.default_rng(3)
    vol = rng.standard_normal((5, 6, 7))  # [z, y, x], all sizes different
    mapc, mapr, maps = order
    # stored array axes are (sections, rows, columns) = spatial axes (maps, mapr, mapc)
    zyx_axis = {3: 0, 2: 1, 1: 2}  # spatial axis (1=x, 2=y, 3=z) -> axis of vol
    stored = np.transpose(vol, [zyx_axis[maps], zyx_axis[mapr], zyx_axis[mapc]])
    path = tmp_path / "perm.mrc"
    with mrcfile.new(str(path)) as mrc:
        mrc.set_data(stored.astype(np.float32))
        mrc.header.mapc, mrc.header.mapr, mrc.header.maps = mapc, mapr, maps
        mrc.header.mx, mrc.header.my, mrc.header.mz = 7, 6, 5  # sampling along x, y, z
        mrc.header.cella = (7 * 1.5, 6 * 1.5, 5 * 1.5)
    got, vs, _ = vo.read_mrc(path)
    assert vs == 1.5
    np.testing.assert_allclose(got, vol.astype(np.float32))
    gemmi = pytest.importorskip("gemmi")  # independent reader: its grid is [x, y, z]
    m = gemmi.read_ccp4_map(str(path))
    m.setup(float("nan"))
    np.testing.assert_allclose(np.asarray(m.grid.array).transpose(2, 1, 0), got)


def _blob_projection(centres, R, n, sigma):
    """Exact projection along z of unit Gaussian blobs (3-D sigma, voxel units) after
    rotating them by R: 2-D Gaussians of mass sqrt(2 pi) sigma at (R c)_xy."""
    c = np.asarray(centres, float) @ R.T
    g = (np.arange(n) - n // 2).astype(float)
    img = np.zeros((n, n))
    for x, y, _ in c:
        img += np.exp(-0.5 * ((g[None, :] - x) ** 2 + (g[:, None] - y) ** 2) / sigma**2)
    return img * np.sqrt(2 * np.pi) * sigma


def _rel(a, b):
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


def test_fourier_slice_is_exact_on_grid_aligned_views():
    """At R = I (and any view whose central plane meets grid points) no interpolation
    happens, so no apodization may be divided out: the slice equals project(), up to
    the padded transform's Nyquist plane, which a turn that flips an axis moves off the
    grid (a 2e-6 relative difference; 7 % before the fix)."""
    n = 32
    vol = vo.gaussian_atoms_map([[6.0, -4.0, 5.0]], n, 1.0, sigma=1.5)
    aligned = [
        np.eye(3),
        np.array([[1.0, 0, 0], [0, 0, -1], [0, 1, 0]]),  # 90 deg about x
        np.array([[0.0, 0, 1], [1, 0, 0], [0, 1, 0]]),  # axis permutation
        np.diag([-1.0, 1, -1]),
    ]
    for R in aligned:
        assert _rel(im.fourier_slice(vol, R), im.project(vol, R)) < 1e-5
    np.testing.assert_allclose(
        im.fourier_slices(vol, np.stack(aligned)),
        np.stack([im.project(vol, R) for R in aligned]),
        atol=1e-5,
    )


def test_fourier_slice_accuracy_in_generic_and_partly_aligned_views():
    """The accuracy stated in fourier_slice's docstring, against exact projections."""
    n, sigma = 32, 1.5
    inner = [[0.2 * n, 0, 0], [0, -0.15 * n, 0.1 * n], [-3, 3, -0.2 * n]]
    vol = vo.gaussian_atoms_map(inner, n, 1.0, sigma=sigma)
    Rs = uniform_rotations(100, np.random.default_rng(1))
    P = im.fourier_slices(vol, Rs)
    err = np.array([_rel(P[i], _blob_projection(inner, R, n, sigma)) for i, R in enumerate(Rs)])
    assert np.median(err) < 0.01 and err.max() < 0.03
    # a rotation about z interpolates in x and y only: z must not be corrected
    outer = [[0.35 * n, 0, 0], [0, -0.3 * n, 0.1 * n], [-5, 5, -0.3 * n]]
    vol = vo.gaussian_atoms_map(outer, n, 1.0, sigma=sigma)
    a = np.pi / 6
    Rz = np.array([[np.cos(a), -np.sin(a), 0], [np.sin(a), np.cos(a), 0], [0, 0, 1]])
    assert _rel(im.fourier_slice(vol, Rz), _blob_projection(outer, Rz, n, sigma)) < 0.01


def test_gridding_correction_reduces_fourier_slice_error():
    from helpers.atomic import project_atoms
    from helpers.imaging import fourier_slices
    from helpers.sampling import uniform_rotations
    from helpers.volumes import gaussian_atoms_map, toy_protein

    X = toy_protein()
    vol = gaussian_atoms_map(X, 24, 2.5, sigma=2.5)
    R = uniform_rotations(6, np.random.default_rng(0))
    exact = project_atoms(X, R, 24, 2.5, sigma=2.5)
    err = {
        c: np.linalg.norm(fourier_slices(vol, R, gridding_correction=c) - exact)
        for c in (False, True)
    }
    assert err[True] < 0.5 * err[False]
