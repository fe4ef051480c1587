"""Every public function refuses bad scalars and malformed arrays with a ValueError that
names the argument: NaN, infinity, a negative or zero value where it makes no sense, a
non-integer where a count is meant, a wrong type, a wrong shape.

Each case starts from a valid call (checked to work) and replaces one argument."""

import numpy as np
import pytest

from helpers import (
    alignment,
    atomic,
    averaging,
    denoising,
    euler,
    hyper,
    imaging,
    latent,
    learning,
    posesearch,
    rotations,
    sampling,
    superposition,
    transforms,
    volumes,
)

NAN, INF = float("nan"), float("inf")
FINITE = [NAN, INF, -INF, "1", [1.0, 2.0], None]
POS = FINITE + [0.0, -1.0]
NONNEG = FINITE + [-1.0]
POSINT = [NAN, INF, "1", None, 0, -1, 1.5, [1, 2]]
NONNEGINT = [NAN, INF, "1", None, -1, 1.5]
FRACTION = FINITE + [-0.1, 1.0]

RNG = np.random.default_rng(0)
VOL8 = RNG.random((8, 8, 8))
IMG8 = RNG.random((8, 8))
R3 = rotations.exp_so3([0.1, 0.2, 0.3])
RS = sampling.uniform_rotations(4, np.random.default_rng(1))
PTS = RNG.normal(size=(6, 3))
QS = sampling.uniform_quats(4, np.random.default_rng(2))
UNIT = PTS / np.linalg.norm(PTS, axis=1, keepdims=True)


def _gen():
    return np.random.default_rng(5)


# (function, valid keyword arguments, {argument: bad values})
CASES = [
    # ---- imaging
    (imaging.electron_wavelength, dict(voltage=300.0), {"voltage": POS[:4] + POS[5:]}),
    (
        imaging.ctf,
        dict(freqs=[0.05, 0.1], defocus=1.5e4),
        {
            "defocus": [NAN, INF, "1", None],
            "voltage": POS,
            "cs": NONNEG,
            "amplitude_contrast": FRACTION,
            "b_factor": FINITE,
            "phase_shift": FINITE,
            "astigmatism": FINITE,
            "astigmatism_angle": FINITE,
            "freqs": [[NAN], "a"],
        },
    ),
    (
        imaging.ctf_phase,
        dict(freqs=[0.05], defocus=1.5e4),
        {"defocus": [NAN, "1"], "voltage": POS, "cs": NONNEG, "amplitude_contrast": FRACTION},
    ),
    (imaging.frequency_grid, dict(n=8, pixel_size=1.0), {"n": POSINT, "pixel_size": POS}),
    (imaging.project, dict(vol=VOL8, R=R3), {"vol": [IMG8, "a"], "R": [np.eye(2), "a"]}),
    (imaging.fourier_slice, dict(vol=VOL8, R=R3), {"pad": POSINT, "vol": [IMG8]}),
    (imaging.fourier_slices, dict(vol=VOL8, Rs=RS), {"pad": POSINT, "Rs": [R3]}),
    (
        imaging.reconstruct_fourier,
        dict(images=np.zeros((4, 8, 8)), Rs=RS),
        {"pad": POSINT, "images": [IMG8]},
    ),
    (
        imaging.simulate_particles,
        dict(vol=VOL8, Rs=RS, pixel_size=1.0, snr=1.0, defocus=1e4, rng=_gen()),
        {
            "pixel_size": POS,
            "snr": POS,
            "voltage": POS,
            "cs": NONNEG,
            "amplitude_contrast": FRACTION,
            "rng": [0, None, "a"],
        },
    ),
    (imaging.add_noise, dict(image=IMG8, snr=1.0, rng=_gen()), {"snr": POS, "rng": [0, None]}),
    (imaging.fsc, dict(a=VOL8, b=VOL8), {"pixel_size": POS, "b": [IMG8]}),
    (
        imaging.resolution_at,
        dict(freqs=[0.0, 0.1, 0.2], values=[1.0, 0.5, 0.0]),
        {"threshold": FINITE, "values": [[1.0, 0.5]]},
    ),
    (imaging.downsample, dict(x=IMG8, new_size=4), {"new_size": POSINT + [10]}),
    # ---- volumes
    (
        volumes.gaussian_atoms_map,
        dict(coords=PTS, shape=8, voxel_size=1.0),
        {"voxel_size": POS, "sigma": POS, "coords": [np.zeros((3, 2))]},
    ),
    (
        volumes.simulate_map,
        dict(coords=PTS, elements=["C"] * 6, shape=8, voxel_size=1.0, resolution=3.0),
        {"voxel_size": POS, "resolution": POS, "elements": [["C"] * 5, [1] * 6]},
    ),
    (volumes.resolution_sigma, dict(resolution=3.0), {"resolution": POS}),
    (volumes.toy_protein, dict(), {"n_per_domain": POSINT + [5]}),
    (
        volumes.rotate_volume,
        dict(vol=VOL8, R=R3),
        {"voxel_size": POS, "order": NONNEGINT + [6], "shift": [[1.0, 2.0]]},
    ),
    (volumes.grid_coordinates, dict(n=8), {"n": POSINT, "voxel_size": POS}),
    # ---- sampling
    (sampling.uniform_quats, dict(n=3, rng=_gen()), {"n": NONNEGINT, "rng": [0, None]}),
    (sampling.uniform_rotations, dict(n=3, rng=_gen()), {"n": NONNEGINT, "rng": [0, None]}),
    (sampling.random_sphere, dict(n=3, rng=_gen()), {"n": NONNEGINT, "rng": [0, None]}),
    (sampling.fibonacci_sphere, dict(n=3), {"n": NONNEGINT}),
    (
        sampling.even_angles,
        dict(delta=0.3),
        {
            "delta": POS,
            "theta1": FINITE + [-1.0, 3.2],
            "theta2": FINITE[:5] + [3.2],  # None is the default (a hemisphere)
            "phi1": FINITE,
            "phi2": FINITE[:5] + [-1.0],
            "degrees": ["yes", None, 1.0],
            "symmetry": [3, None, "d2", "c0"],
            "method": ["Q", 1],
            "psi": ["plus", 0],
        },
    ),
    (sampling.healpix_directions, dict(nside=2), {"nside": POSINT}),
    (sampling.hopf_grid, dict(level=0), {"level": NONNEGINT}),
    (
        sampling.covering_radius_sphere,
        dict(points=UNIT, n_probe=100, rng=_gen()),
        {"n_probe": POSINT, "points": [np.zeros((3, 2))]},
    ),
    (
        sampling.covering_radius_so3,
        dict(Rs=RS, n_probe=100, rng=_gen()),
        {"n_probe": POSINT, "Rs": [PTS]},
    ),
    (sampling.riesz_energy, dict(points=UNIT), {"s": POS}),
    (sampling.rotation_neighbourhood, dict(R=R3, step=0.1), {"step": POS}),
    # ---- rotations, euler, averaging, transforms
    (rotations.vee, dict(W=rotations.hat([1.0, 2.0, 3.0])), {"atol": NONNEG}),
    (rotations.axis_angle_to_matrix, dict(axis=[0, 0, 1.0], angle=0.3), {"angle": [NAN, "a"]}),
    (euler.euler_to_matrix, dict(angles=[0.1, 0.2, 0.3], seq="ZYZ"), {"seq": [3, "ZZY", "AB"]}),
    (euler.slabaugh_euler, dict(R=R3), {"tol": NONNEG}),
    (
        averaging.geodesic_l2_mean,
        dict(Rs=RS),
        {"tol": NONNEG, "max_iter": POSINT, "weights": [[1.0, 2.0], [-1.0, 1, 1, 1]]},
    ),
    (averaging.geodesic_l1_median, dict(Rs=RS), {"tol": NONNEG, "max_iter": POSINT}),
    (averaging.quat_l2_mean, dict(qs=QS), {"max_iter": POSINT}),
    (transforms.make_transform, dict(R=R3), {"scale": POS}),
    (transforms.decompose, dict(T=transforms.make_transform(R3)), {"atol": NONNEG}),
    # ---- denoising, learning
    (
        denoising.blind_spot_prior,
        dict(counts=np.ones((8, 8)), exposure=1.0, strength=1.0),
        {"exposure": POS, "strength": POS},
    ),
    (
        denoising.toy_micrograph,
        dict(size=32, n_particles=3, rng=_gen()),
        {"size": POSINT, "n_particles": NONNEGINT},
    ),
    (learning.particle_features, dict(images=np.zeros((2, 16, 16))), {"crop": POSINT + [17]}),
    (
        learning.encode_rotations,
        dict(Rs=RS, representation="quaternion"),
        {"representation": [1, "quat"]},
    ),
    # ---- alignment, posesearch, superposition (checks only; signatures unchanged)
    (
        alignment.resample_map,
        dict(vol=VOL8, voxel_size=1.0, spacing=2.0),
        {"voxel_size": POS, "spacing": POS, "n": [NAN, INF, "1", 0, -1, 1.5]},
    ),
    (
        alignment.local_density_vectors,
        dict(vol=VOL8, voxel_size=1.0),
        {"voxel_size": POS, "bandwidth": POS, "threshold": FINITE},
    ),
    (alignment.laplacian_filter, dict(vol=VOL8, voxel_size=1.0), {"voxel_size": POS, "sigma": POS}),
    (
        alignment.zscores,
        dict(best=1.0, scores=np.linspace(0, 1, 50)),
        {"cutoff": FINITE, "best": [NAN]},
    ),
    (posesearch.band_limit_mask, dict(n=8, L=3.0), {"n": POSINT, "L": NONNEG}),
    (
        posesearch.score_poses,
        dict(image=IMG8, slices=np.zeros((2, 8, 8)), L=3.0),
        {"L": NONNEG, "slices": [np.zeros((2, 4, 4))]},
    ),
    (
        superposition.kabsch,
        dict(X=PTS, Y=PTS),
        {"X": [PTS[:1], PTS[:, :2]], "Y": [PTS[:4]], "weights": [[1.0] * 5, [-1.0] * 6]},
    ),
    (
        superposition.student_t_superposition,
        dict(X=PTS, Y=PTS + 0.1),
        {"df": POS, "scale": [NAN, INF, 0.0, -1.0, "1"], "n_iter": POSINT},
    ),
    (superposition.student_t_logpdf, dict(x=[0.1]), {"df": POS}),
    # ---- atomic, hyper, latent
    (
        atomic.hinge,
        dict(coords=PTS, pivot_index=2, axis=[0, 0, 1.0], angle=0.5),
        {"angle": FINITE, "pivot_index": NONNEGINT + [6]},
    ),
    (
        atomic.project_atoms,
        dict(coords=PTS, Rs=RS, n=8, pixel_size=1.0),
        {"n": POSINT, "pixel_size": POS, "sigma": POS},
    ),
    (
        hyper.line_projections,
        dict(centres=np.zeros((3, 2)), angles=[0.1, 0.2], n_bins=16, bin_size=1.0, sigma=1.0),
        {"n_bins": POSINT, "bin_size": POS, "sigma": POS},
    ),
    (hyper.legendre_basis, dict(t=[0.1, 0.2], degree=3), {"degree": NONNEGINT}),
    (latent.fit_ppca, dict(Y=RNG.normal(size=(20, 5)), k=2), {"k": POSINT + [5]}),
    (
        latent.hinge_images,
        dict(z=[0.1, 0.2]),
        {
            "n": POSINT,
            "pixel_size": POS,
            "sigma": POS,
            "in_plane": [NAN, "a", [0.1, 0.2, 0.3]],
            "degrees": ["yes", None, 1.0],
        },
    ),
    (
        latent.rotate_in_plane,
        dict(images=np.zeros((2, 8, 8)), angles=[0.1, 0.2]),
        {
            "images": [IMG8, "a"],
            "angles": [[NAN, 0.1], "a", [0.1]],
            "degrees": ["yes", None],
        },
    ),
]


def _ids():
    out = []
    for fn, _, bad in CASES:
        for arg, values in bad.items():
            for i, _v in enumerate(values):
                out.append(f"{fn.__module__.split('.')[-1]}.{fn.__name__}-{arg}-{i}")
    return out


def _params():
    for fn, good, bad in CASES:
        for arg, values in bad.items():
            for v in values:
                yield fn, good, arg, v


@pytest.mark.parametrize("fn, good", [(fn, good) for fn, good, _ in CASES])
def test_the_valid_call_works(fn, good):
    fn(**good)


@pytest.mark.parametrize("fn, good, arg, value", list(_params()), ids=_ids())
def test_bad_argument_raises_value_error_naming_it(fn, good, arg, value):
    kwargs = dict(good)
    if "rng" in kwargs:
        kwargs["rng"] = _gen()
    kwargs[arg] = value
    with pytest.raises(ValueError, match=arg):
        fn(**kwargs)


def test_write_mrc_refuses_a_bad_voxel_size(tmp_path):
    for v in POS:
        with pytest.raises(ValueError, match="voxel_size"):
            volumes.write_mrc(tmp_path / "m.mrc", VOL8, v)
    assert not (tmp_path / "m.mrc").exists()
