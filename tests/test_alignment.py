import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.transform import Rotation

from helpers import alignment as al
from helpers import volumes as vo
from helpers.metrics import angular_distance
from helpers.rotations import axis_angle_to_matrix

AXIS = np.array([1.0, 2.0, 3.0]) / np.sqrt(14.0)


def pair(n, vs, angle, shift, snr=None, seed=0, sigma=2.0):
    """Maps of the toy protein and of a copy with x_ref = R x_target + t (built from atoms)."""
    X = vo.toy_protein()
    R = axis_angle_to_matrix(AXIS, np.deg2rad(angle))
    t = shift * np.array([1.0, -1.0, 1.0]) / np.sqrt(3.0)
    ref = vo.gaussian_atoms_map(X, n, vs, sigma)
    tgt = vo.gaussian_atoms_map((X - t) @ R, n, vs, sigma)
    if snr is not None:
        rng = np.random.default_rng(seed)
        ref, tgt = al.add_map_noise(ref, snr, rng), al.add_map_noise(tgt, snr, rng)
    return ref, tgt, R, t


def errors(res, R, t):
    return float(np.rad2deg(angular_distance(res.rotation, R))), float(
        np.linalg.norm(res.translation - t)
    )


# ---- the default search -----------------------------------------------------------------


def test_defaults_on_the_noise_free_48_toy_at_2A():
    # the case where a fixed 16 Å bandwidth and contour 0 ended 10° off
    ref, tgt, R, t = pair(48, 2.0, 40.0, 8.0)
    s = al.map_settings(ref, 2.0)
    assert s.bandwidth < 16.0 and s.threshold > 0.0  # chosen from the map, not VESPER's
    res = al.align_maps(ref, tgt, 2.0)
    rot, tr = errors(res, R, t)
    assert rot < 1.0 and tr < 1.0
    assert res.search == "fast" and res.zscore > 3


def test_defaults_on_a_noisy_64_pair_keep_noise_out():
    # contour 0 keeps noise in every voxel; the default contour must sit above the noise
    ref, tgt, R, t = pair(64, 2.0, 40.0, 8.0, snr=5.0, seed=1)
    s = al.map_settings(ref, 2.0)
    noise_sd = np.sqrt(vo.gaussian_atoms_map(vo.toy_protein(), 64, 2.0, 2.0).var() / 5.0)
    assert s.noise == pytest.approx(noise_sd, rel=0.1)  # the MAD estimate finds the noise
    assert s.threshold > 3.5 * noise_sd
    res = al.align_maps(ref, tgt, 2.0)
    rot, tr = errors(res, R, t)
    assert rot < 2.0 and tr < 2.0


def test_local_alignment_places_a_domain_inside_the_full_map():
    X = vo.toy_protein()
    ball = X[40:]  # the ball and the arm: no rotational symmetry
    c = ball.mean(axis=0)
    R = axis_angle_to_matrix(AXIS, np.deg2rad(100.0))
    full = vo.gaussian_atoms_map(X, 40, 2.0, 2.0)
    dom = vo.gaussian_atoms_map((ball - c) @ R, 20, 2.0, 2.0)  # x_full = R y + c
    res = al.align_maps(full, dom, 2.0)
    rot, tr = errors(res, R, c)
    assert rot < 2.0 and tr < 1.0


def test_vesper_score_modes_differ_and_cc_finds_a_copy():
    ref, tgt, R, t = pair(40, 2.0, 30.0, 4.0, sigma=2.5)
    dot = al.align_maps(ref, tgt, 2.0, 0.05, search="vesper", spacing=5.0, bandwidth=8.0)
    cc = al.align_maps(ref, tgt, 2.0, 0.05, search="vesper", spacing=5.0, bandwidth=8.0, score="cc")
    ov = al.align_maps(
        ref, tgt, 2.0, 0.05, search="vesper", spacing=5.0, bandwidth=8.0, score="overlap"
    )
    assert errors(cc, R, t)[0] < 20.0 and errors(dot, R, t)[0] < 20.0  # a 30° grid
    assert abs(ov.score - round(ov.score)) < 1e-6 and ov.score <= ov.n_active  # a count
    assert cc.score != dot.score


def test_refine_pose_reaches_subvoxel_accuracy_from_a_15_degree_start():
    ref, tgt, R, t = pair(40, 2.0, 25.0, 3.0)
    start = axis_angle_to_matrix([0.0, 1.0, 0.0], np.deg2rad(15.0)) @ R
    fit = al.refine_pose(ref, tgt, 2.0, start, t + [2.0, -1.5, 1.0], smooth=2.0)
    fit = al.refine_pose(ref, tgt, 2.0, fit.rotation, fit.translation)
    assert np.rad2deg(angular_distance(fit.rotation, R)) < 0.3
    assert np.linalg.norm(fit.translation - t) < 0.2


def test_pose_objective_gradient_matches_finite_differences():
    ref, tgt, R, t = pair(24, 2.0, 20.0, 2.0)
    obj = al._pose_objective(ref, tgt, 2.0, 2.0, 0.1, 2.0, 1.0)
    from helpers.rotations import matrix_to_quat

    p = np.concatenate([matrix_to_quat(R) + 0.02, t + 0.3])
    f0, g = obj(p)
    h = 1e-6
    fd = np.array([(obj(p + h * e)[0] - obj(p - h * e)[0]) / (2 * h) for e in np.eye(7)])
    np.testing.assert_allclose(g, fd, rtol=2e-3, atol=1e-7)


# ---- VESPER's own search ----------------------------------------------------------------


@pytest.mark.parametrize("step, count", [(30, 1008), (15, 7488), (10, 24624)])
def test_vesper_rotation_counts(step, count):
    ang, Rs = al.vesper_euler_grid(step, degrees=True)
    assert len(ang) == len(Rs) == count
    assert ang[:, :2].max() < 360 and ang[:, 2].max() <= 180


@settings(max_examples=30, deadline=None)
@given(st.floats(4.0, 90.0))
def test_vesper_grid_size_follows_the_loop_bounds(step):
    ang, _ = al.vesper_euler_grid(np.deg2rad(step))
    n_ab = len(np.arange(0.0, 360.0 - 1e-9, step))
    n_c = int(np.floor(180.0 / step + 1e-9)) + 1
    assert len(ang) == n_ab * n_ab * n_c


def test_vesper_euler_matrices_match_scipy():
    ang, Rs = al.vesper_euler_grid(45, degrees=True)
    ref = Rotation.from_euler("ZYX", ang[:, ::-1], degrees=True).as_matrix()  # Rz(c) Ry(b) Rx(a)
    np.testing.assert_allclose(Rs, ref, atol=1e-12)


def test_vesper_box_sizes_are_fft_friendly():
    assert al.vesper_box_size(np.ones((80, 80, 80)), 1.2, 0.0, 7.0) == 24  # int(2*67.9/7)=19
    assert al.vesper_box_size(np.ones((80, 80, 80)), 1.2, 0.0, 3.0) == 64  # int(55.4) -> 64
    vol = np.zeros((40, 40, 40))
    vol[20, 20, 30] = 1.0  # d_max = 10 voxels = 20 Å; 2 * 20 / 4 = 10 -> 12
    assert al.vesper_box_size(vol, 2.0, 0.5, 4.0) == 12


def _fastvec_loop(rho, w, s, g, a):
    """The C double loop of fastVEC, point by point (reference for the separable version)."""
    n = rho.shape[0]
    fs = (g / w * 0.5) ** 2
    fmaxd = g / w * 2.0
    vec = np.zeros((3, a, a, a))
    for k in range(a):
        for j in range(a):
            for i in range(a):
                pos = np.array([i, j, k]) * s / w - 0.5 * a * s / w + 0.5 * n
                if np.any(pos < 0) or np.any(pos >= n):
                    continue
                x0, y0, z0 = pos.astype(int)
                if rho[z0, y0, x0] == 0:
                    continue
                stp = np.maximum(np.trunc(pos - fmaxd), 0).astype(int)
                endp = np.minimum(np.trunc(pos + fmaxd + 1), n).astype(int)
                zz, yy, xx = np.meshgrid(
                    *[np.arange(stp[d], endp[d]) for d in (2, 1, 0)], indexing="ij"
                )
                d2 = (xx - pos[0]) ** 2 + (yy - pos[1]) ** 2 + (zz - pos[2]) ** 2
                v = np.exp(-1.5 * d2 / fs) * rho[zz, yy, xx]
                tot = v.sum()
                if tot == 0:
                    continue
                c = np.array([(v * xx).sum(), (v * yy).sum(), (v * zz).sum()]) / tot - pos
                nrm = np.linalg.norm(c)
                vec[:, k, j, i] = c / (nrm if nrm > 0 else 1.0)
    return vec


def test_vesper_vectors_equal_the_pointwise_loop():
    rho = vo.gaussian_atoms_map(vo.toy_protein(20), 24, 2.0, 2.0)
    rho[rho < 0.05] = 0.0
    v, dens = al.vesper_density_vectors(rho, 2.0, 5.0, 6.0, 0.05, n=10)
    ref = _fastvec_loop(rho, 2.0, 5.0, 6.0, 10)
    np.testing.assert_allclose(v, ref, atol=1e-10)
    assert np.count_nonzero(dens) == np.count_nonzero(np.abs(ref).sum(0))


def test_vesper_rotation_is_nearest_voxel():
    rng = np.random.default_rng(2)
    vec = rng.normal(size=(3, 8, 8, 8))
    dens = np.abs(rng.normal(size=(8, 8, 8)))
    R = Rotation.from_euler("ZYX", [30, 20, 10], degrees=True).as_matrix()
    out = al.vesper_rotate_vectors(vec, dens, R)
    x = np.array([5, 2, 6])  # (x, y, z) output voxel
    src = np.trunc(R.T @ (x - 4.0) + 4.0).astype(int)
    np.testing.assert_allclose(out[:, x[2], x[1], x[0]], R @ vec[:, src[2], src[1], src[0]])


def test_vesper_source_voxels_follow_the_c_loop():
    # RotMRC: pos2 = (m00 x + m01 y) + m02 z, + cent, m = R^T, (int) after the bounds
    # check; Python floats are the same doubles, so every voxel must agree exactly,
    # including the many sources that fall exactly on a voxel boundary at 30° steps
    a = 6
    _, Rs = al.vesper_euler_grid(30.0, degrees=True)
    idx = al._vesper_source(a, Rs)
    c = 0.5 * a
    for k in range(0, len(Rs), 7):
        m = Rs[k].T.tolist()
        for z in range(a):
            for y in range(a):
                for x in range(a):
                    p = (x - c, y - c, z - c)
                    s = [m[i][0] * p[0] + m[i][1] * p[1] + m[i][2] * p[2] + c for i in range(3)]
                    if min(s) < 0 or max(s) >= a:
                        want = a**3
                    else:
                        want = (int(s[2]) * a + int(s[1])) * a + int(s[0])
                    assert idx[k, z, y, x] == want
    xyz = al._vesper_source(a, Rs[:50], "xyz")
    # the same sources, read in the transposed layout
    zyx = al._vesper_source(a, Rs[:50]).transpose(0, 3, 2, 1)
    inside = zyx < a**3
    sx, sy, sz = zyx % a, zyx // a % a, zyx // (a * a)
    np.testing.assert_array_equal(xyz[inside], ((sx * a + sy) * a + sz)[inside])
    np.testing.assert_array_equal(xyz[~inside], a**3)


@pytest.mark.parametrize("score", ["dot", "cc"])
def test_vesper_fast_scan_matches_the_plain_path(score):
    # the search's batched single-precision scan against rotate-then-FFT in float64
    rho = vo.gaussian_atoms_map(vo.toy_protein(30), 24, 2.0, 2.0)
    v1, d1 = al.vesper_density_vectors(rho, 2.0, 4.0, 8.0, 0.05, n=12)
    rho2 = vo.rotate_volume(rho, axis_angle_to_matrix([1.0, 2.0, 3.0], 0.7))
    v2, d2 = al.vesper_density_vectors(rho2, 2.0, 4.0, 8.0, 0.05, n=12)
    f1, f2 = al._vesper_features(v1, d1, score), al._vesper_features(v2, d2, score)
    _, Rs = al.vesper_euler_grid(30.0, degrees=True)
    Rs = Rs[::9]
    best, t = al._vesper_scanner(f1, f2, score == "dot")(Rs)
    # plain path: three channels, float64, [z, y, x] arrays
    p1 = np.zeros((3, 12, 12, 12))
    p1[: len(f1)] = f1
    p2 = np.zeros_like(p1)
    p2[: len(f2)] = f2
    F1 = np.fft.rfftn(p1, axes=(1, 2, 3))
    rot = al._vesper_rotate(p2, d2, Rs, score == "dot")
    best_ref, t_ref = al._vesper_scan(F1, rot)
    tol = 1e-5 * best_ref.max()
    np.testing.assert_allclose(best, best_ref, atol=tol)
    # the chosen translation scores the best in the plain path too (ties aside)
    corr = np.fft.irfftn(
        np.sum(np.conj(F1)[None] * np.fft.rfftn(rot, axes=(2, 3, 4)), axis=1),
        s=(12, 12, 12),
        axes=(1, 2, 3),
    )
    at_t = corr[np.arange(len(Rs)), t[:, 2], t[:, 1], t[:, 0]]
    np.testing.assert_allclose(np.maximum(at_t, 0.0), best_ref, atol=tol)
    assert np.mean(np.all(t == t_ref, axis=1)) > 0.97  # 112 of 112 when written


def test_vesper_cached_grid_sources_change_nothing(monkeypatch):
    rho = vo.gaussian_atoms_map(vo.toy_protein(40), 32, 2.0, 2.0)
    tgt = vo.rotate_volume(rho, axis_angle_to_matrix([1.0, 2.0, 3.0], 0.7))
    kw = dict(search="vesper", spacing=5.0, bandwidth=11.0, threshold=0.05)
    al._euler_grid_sources.cache_clear()
    first = al.align_maps(rho, tgt, 2.0, **kw)
    assert al._euler_grid_sources.cache_info().currsize == 1
    again = al.align_maps(rho, tgt, 2.0, **kw)  # from the cache
    assert al._euler_grid_sources.cache_info().hits == 1
    monkeypatch.setattr(al, "_CACHE_VOXELS", 0)  # computed per batch, as for large boxes
    plain = al.align_maps(rho, tgt, 2.0, **kw)
    for res in (again, plain):
        np.testing.assert_array_equal(res.coarse_scores, first.coarse_scores)
        np.testing.assert_array_equal(res.top_rotations, first.top_rotations)
        np.testing.assert_array_equal(res.top_translations, first.top_translations)
    cached = al._euler_grid_sources(first.box, 30.0)
    assert not cached.flags.writeable
    _, Rs = al.vesper_euler_grid(30.0, degrees=True)
    np.testing.assert_array_equal(
        cached[100:110], al._vesper_source(first.box, Rs[100:110], "xyz").reshape(10, -1)
    )


@pytest.fixture(scope="module")
def vesper_case():
    # a rotation off VESPER's 5° Euler lattice and a shift off its 7 Å grid
    ref, tgt, R, t = pair(48, 2.0, 40.0, 8.0, sigma=2.5)
    return ref, tgt, R, t, al.align_maps(ref, tgt, 2.0, 0.05, search="vesper")


def test_vesper_translation_is_snapped_to_the_grid(vesper_case):
    ref, tgt, R, t, res = vesper_case
    steps = res.translation / res.spacing  # even boxes: centres agree, T = -f * s
    np.testing.assert_allclose(steps, np.round(steps), atol=1e-9)
    # about one grid step off: no sub-grid refinement of the translation
    assert 1.0 < np.linalg.norm(res.translation - t) < np.sqrt(3) * res.spacing


def test_vesper_refinement_floor(vesper_case):
    ref, tgt, R, t, res = vesper_case
    assert res.n_evaluated > 1008  # the coarse set plus the +/-5° neighbours of the top 10
    # the answer is a point of the 5° Euler lattice, so it cannot come closer to the
    # truth than the nearest such point
    a, b, c = Rotation.from_matrix(res.rotation).as_euler("ZYX", degrees=True)
    assert np.allclose(np.array([a, b, c]) / 5.0, np.round(np.array([a, b, c]) / 5.0), atol=1e-6)
    rot, _ = errors(res, R, t)
    fast = al.align_maps(ref, tgt, 2.0)
    assert errors(fast, R, t)[0] < 1.0 < rot
    assert res.zscore == pytest.approx(
        (res.score - res.coarse_scores.mean()) / res.coarse_scores.std()
    )


# ---- scores and features ----------------------------------------------------------------


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


def test_vectors_are_translation_equivariant_and_scale_invariant():
    ref = vo.gaussian_atoms_map(vo.toy_protein(), 32, 2.0, 2.0)
    va, _ = al.local_density_vectors(ref, 2.0, 8.0, 0.05)
    vb, _ = al.local_density_vectors(5.0 * ref, 2.0, 8.0, 0.25)  # same relative contour
    np.testing.assert_allclose(vb, va, atol=1e-12)
    # a map shifted by 3 voxels has the shifted vector field (the molecule stays inside)
    vs, _ = al.local_density_vectors(np.roll(ref, 3, axis=2), 2.0, 8.0, 0.05)
    np.testing.assert_allclose(vs, np.roll(va, 3, axis=3), atol=1e-6)
    # and the FFT search finds that shift from the two fields alone
    s, t = al.translation_search_fft(vs, va)
    assert np.array_equal(t, [3, 0, 0]) and s == pytest.approx(al.dot_score(va, va), rel=1e-6)


def test_rotate_channels_turns_positions_and_vectors():
    v = np.zeros((3, 9, 9, 9))
    v[:, 4, 4, 6] = [1.0, 0.0, 0.0]  # at x = +2, pointing +x
    Rz = axis_angle_to_matrix([0.0, 0.0, 1.0], np.pi / 2)
    out = al.rotate_channels(v, Rz, vector=True)
    np.testing.assert_allclose(out[:, 4, 6, 4], [0.0, 1.0, 0.0], atol=1e-12)


def test_zscores_match_scipy_single_linkage():
    rng = np.random.default_rng(0)
    scores = np.r_[rng.normal(0, 1, 400), 15.0, 15.5, 16.0]  # a cluster of near-correct poses
    raw, norm = al.zscores(16.0, scores)
    labels = fcluster(
        linkage(scores[:, None], "single"), 0.2 * np.ptp(scores), criterion="distance"
    )
    bg = scores[labels == np.bincount(labels).argmax()]
    assert norm == pytest.approx((16.0 - bg.mean()) / bg.std())
    assert raw == pytest.approx((16.0 - scores.mean()) / scores.std())
    assert norm > raw  # the high cluster inflates the raw background but not the normalised one


def test_resample_keeps_the_map_centred():
    ref = vo.gaussian_atoms_map(vo.toy_protein(), 24, 3.0, 2.5)
    small = al.resample_map(ref, 3.0, 6.0)
    assert small.shape == (12, 12, 12)
    c = np.array(np.unravel_index(np.argmax(al.resample_map(ref, 3.0, 3.0, 24)), (24,) * 3))
    np.testing.assert_array_equal(c, np.unravel_index(np.argmax(ref), ref.shape))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: al.align_maps(np.zeros((4, 4)), np.zeros((4, 4, 4)), 1.0), "ref"),
        (lambda: al.align_maps(np.ones((8,) * 3), np.ones((8,) * 3), 1.0, search="x"), "search"),
        (lambda: al.align_maps(np.ones((8,) * 3), np.ones((8,) * 3), -1.0), "voxel_size"),
        (lambda: al.align_maps(np.ones((8,) * 3), np.ones((8,) * 3), 1.0, n_top=0), "n_top"),
        (lambda: al.dot_score(np.zeros((3, 2, 2, 2)), np.zeros((3, 2, 2, 3))), "shape"),
        (lambda: al.zscores(1.0, [1.0, 2.0]), "at least 3"),
        (lambda: al.local_density_vectors(np.ones((4, 4, 4)), 1.0, bandwidth=0.0), "bandwidth"),
        (lambda: al.vesper_euler_grid(0.0), "step"),
        (lambda: al.map_settings(np.zeros((8, 8, 8)), 1.0), "background"),
        (lambda: al.add_map_noise(np.ones((4, 4, 4)), 10.0, 0), "rng"),
        (
            lambda: al.refine_pose(np.ones((8,) * 3), np.ones((8,) * 3), 1.0, np.eye(3), [0, 0]),
            "translation",
        ),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()
