"""Every public function refuses bad scalars and malformed arrays with a ValueError that
names the argument: NaN, infinity, a negative or zero value where it makes no sense, a
non-integer where a count is meant, a wrong type, a wrong shape.

Each case starts from a valid call (checked to work) and replaces one argument."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import (
    alignment,
    atomic,
    averaging,
    datasets,
    denoising,
    euler,
    fourier,
    hyper,
    imaging,
    latent,
    learning,
    orientnet,
    posesearch,
    presentation,
    prolates,
    rotations,
    sampling,
    superposition,
    toydata,
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
    (
        fourier.frequency_grid,
        dict(n=8, pixel_size=1.0),
        {"n": POSINT, "pixel_size": POS[:5] + POS[6:], "ndim": [0, 4, 1.5, "2"]},
    ),
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


# ---- orientation networks, prolates, datasets and every fit (issue #13)
Q2 = QS[:2]
CHAIN = atomic.toy_chain()
VIEWS = RS[:3]
IMGS = atomic.project_atoms(CHAIN, VIEWS, 16, 1.5)
LF_VALS, LF_K = orientnet.low_frequency_slices(np.ones((2, 8, 8)), 2)
LF_MAP, LF_G = orientnet.low_frequency_map(VOL8, 2)
STRING = [None, 3, 1.5, ["EMD-3488"]]


def _sample(b, rng):
    q = rng.normal(size=(b, 4))
    return q, q


CASES += [
    (orientnet.quat_rows, dict(q=Q2), {"q": [[NAN, 0, 0, 1], np.ones(4), "a", [[0.0, 0, 0, 0]]]}),
    (
        orientnet.render_atoms,
        dict(q=Q2, coords=CHAIN, n=8, pixel_size=2.0),
        {
            "q": [[[NAN, 0, 0, 1]] * 2, np.ones(4)],
            "coords": [np.ones((3, 2)), [[NAN, 0, 0]]],
            "n": POSINT,
            "pixel_size": POS,
            "sigma": POS,
        },
    ),
    (
        orientnet.qd_loss,
        dict(q_hat=Q2, q=Q2),
        {
            "q_hat": [[[NAN, 0, 0, 1]] * 2, np.ones((3, 4))],
            "q": [np.ones((2, 3)), "a"],
            "symmetry": [np.ones(3)],
        },
    ),
    (
        orientnet.reprojection_loss,
        dict(q_hat=Q2, q=Q2, coords=CHAIN, n=8, pixel_size=2.0),
        {
            "q_hat": [np.ones((3, 4))],
            "q": [np.ones((2, 3))],
            "n": POSINT,
            "pixel_size": POS,
            "sigma": POS,
        },
    ),
    (
        orientnet.init_mlp,
        dict(sizes=[3, 4], rng=_gen()),
        {"sizes": [[3], [3, 0], [3, 1.5], "ab", None], "rng": [0, None]},
    ),
    (
        orientnet.mlp_quats,
        dict(params=orientnet.init_mlp([3, 4], _gen()), x=np.ones((2, 3))),
        {
            "x": [np.ones((2, 5)), [[NAN, 0, 0]] * 2, "a"],
            "params": [[], None, [(np.ones((3, 4)),)]],
        },
    ),
    (
        orientnet.train_orientation_net,
        dict(sample=_sample, sizes=[4, 4], steps=2, rng=_gen()),
        {
            "steps": POSINT,
            "rng": [0, None],
            "w": FINITE + [-0.1, 1.5],
            "batch_size": POSINT,
            "lr": POS,
            "sizes": [[4, 3], [4], None],
            "sample": [None, 3],
        },
    ),
    (
        orientnet.qd_mlp_value_and_grad,
        dict(params=orientnet.init_mlp([3, 4], _gen()), x=np.ones((2, 3)), q=Q2),
        {
            "params": [[], None, [(np.ones((3, 4)),)]],
            "x": [np.ones((2, 5)), np.ones((3, 3)), [[NAN, 0, 0]] * 2],
            "q": [np.ones((2, 3)), [[0.0] * 4] * 2],
            "symmetry": [np.ones(3)],
        },
    ),
    (
        orientnet.low_frequency_slices,
        dict(images=np.ones((2, 8, 8)), K=2),
        {"images": [IMG8, "a"], "K": POSINT + [4]},
    ),
    (orientnet.low_frequency_map, dict(vol=VOL8, K=2), {"vol": [IMG8, "a"], "K": POSINT + [4]}),
    (
        orientnet.soft_reconstruction,
        dict(q=Q2, values=LF_VALS, k2=LF_K, g3=LF_G),
        {
            "q": [np.ones((3, 4))],
            "values": [LF_VALS[:1], LF_VALS[:, :2]],
            "k2": [LF_K[:, :1], [[NAN, 0]] * len(LF_K)],
            "g3": [LF_G[:, :2]],
            "width": POS,
        },
    ),
    (
        orientnet.fsc_loss,
        dict(a=LF_MAP, b=LF_MAP, g3=LF_G),
        {"a": [LF_MAP[:2], [NAN] * len(LF_MAP)], "b": [LF_MAP[:2]], "g3": [LF_G[:, :2], LF_G[:2]]},
    ),
    (prolates.harmonic_count, dict(N=2, p=1), {"N": NONNEGINT, "p": [NAN, "1", None, 1.5, -2]}),
    (
        prolates.zernike_tridiagonal,
        dict(c=5.0, N=1, p=1, size=6),
        {"c": POS, "N": NONNEGINT, "p": [NAN, 1.5, -2], "size": POSINT},
    ),
    (
        prolates.radial_zernike,
        dict(x=[0.1, 0.5], N=1, p=1, size=4),
        {"x": [[NAN], [1.5], [-0.1], "a"], "N": NONNEGINT, "p": [NAN, 1.5, -2], "size": POSINT},
    ),
    (
        prolates.radial_gpsf,
        dict(c=5.0, N=0, p=1, count=3),
        {
            "c": POS,
            "N": NONNEGINT,
            "p": [NAN, 1.5, -2],
            "count": POSINT,
            "size": POSINT[:3] + POSINT[4:] + [2],
        },
    ),
    (
        prolates.radial_gpsf_nystrom,
        dict(c=5.0, N=0, p=1, nodes=40),
        {"c": POS, "N": NONNEGINT, "p": [NAN, 1.5, -2], "nodes": POSINT},
    ),
    (prolates.pswf_concentrations, dict(c=5.0, count=3), {"c": POS, "count": POSINT}),
    (
        datasets.data_path,
        dict(name="1ubi.pdb"),
        {"name": STRING + ["nope.pdb"], "verify": ["yes", None]},
    ),
    (datasets.load_structure, dict(pdb_id="1UBI"), {"pdb_id": STRING + ["9XYZ"]}),
    (datasets.load_map, dict(emdb_id="EMD-3488"), {"emdb_id": STRING + ["EMD-1"]}),
    (datasets.load_particles, dict(), {"empiar_id": STRING + ["EMPIAR-1"]}),
    (
        datasets.read_pdb,
        dict(path=datasets.data_path("1ubi.pdb")),
        {"path": [None, 3, ["a.pdb"]], "name": [3, ["1UBI"]]},
    ),
    (
        averaging.geodesic_l2_mean_fit,
        dict(Rs=RS),
        {
            "Rs": [R3, "a"],
            "tol": NONNEG,
            "max_iter": POSINT,
            "weights": [[1.0, 2.0], [-1.0, 1, 1, 1]],
            "start": [np.eye(2), 2 * np.eye(3)],
        },
    ),
    (
        averaging.geodesic_l1_median_fit,
        dict(Rs=RS),
        {
            "Rs": [R3, "a"],
            "tol": NONNEG,
            "max_iter": POSINT,
            "weights": [[1.0, 2.0], [NAN, 1, 1, 1]],
        },
    ),
    (
        atomic.fit_atoms,
        dict(coords0=CHAIN, Rs=VIEWS, images=IMGS, pixel_size=1.5, steps=2),
        {
            "coords0": [CHAIN[:, :2], "a"],
            "Rs": [VIEWS[:1], R3],
            "images": [IMGS[:1], IMGS[:, :5]],
            "pixel_size": POS,
            "sigma": POS,
            "bond_weight": NONNEG,
            "bond_lengths": [np.ones(3), [NAN] * (len(CHAIN) - 1)],
            "weights": [np.ones(3)],
            "steps": POSINT,
            "lr": POS,
            "save_every": POSINT,
        },
    ),
    (
        atomic.fit_hinge,
        dict(
            coords=CHAIN,
            pivot_index=13,
            axis=[0, 0, 1.0],
            angle0=0.1,
            Rs=VIEWS,
            images=IMGS,
            pixel_size=1.5,
            steps=2,
        ),
        {
            "coords": [CHAIN[:, :2]],
            "pivot_index": [NAN, 1.5, -1, len(CHAIN)],
            "axis": [[0, 0, 0.0], [1.0, 0], [NAN, 0, 1]],
            "angle0": FINITE,
            "Rs": [VIEWS[:1]],
            "images": [IMGS[:1]],
            "pixel_size": POS,
            "sigma": POS,
            "steps": POSINT,
            "lr": POS,
        },
    ),
    (
        atomic.fit_latent_decoder,
        dict(coords0=CHAIN, Rs=VIEWS, images=IMGS, pixel_size=1.5, rng=_gen(), steps=2),
        {
            "coords0": [CHAIN[:, :2]],
            "Rs": [VIEWS[:1]],
            "images": [IMGS[:1]],
            "pixel_size": POS,
            "rng": [0, None],
            "sigma": POS,
            "latent_dim": POSINT,
            "bond_weight": NONNEG,
            "network_cutoff": NONNEG,
            "degree": [0, 3, 1.5, NAN],
            "steps": POSINT,
            "lr": POS,
            "lr_latent": POS,
        },
    ),
    (
        hyper.fit_hyper_molecule,
        dict(
            projections=np.ones((6, 16)),
            angles=np.linspace(0, 3, 6),
            t=np.linspace(-1, 1, 6),
            bin_size=1.0,
            max_degree=2,
        ),
        {
            "projections": [np.ones((5, 16)), [[NAN] * 16] * 6],
            "angles": [np.ones(5), [NAN] * 6],
            "t": [np.ones(5), [2.0] * 6],
            "bin_size": POS,
            "max_degree": POSINT,
            "ridge": NONNEG,
            "chunk": POSINT,
            "temporal": ["cubic", 1],
            "basis": ["a", 3],
        },
    ),
    (
        latent.fit_projected_ppca,
        dict(Y=RNG.normal(size=(30, 6)), B=RNG.normal(size=(30, 6, 5)), k=1, rng=_gen(), n_iter=2),
        {
            "Y": [RNG.normal(size=(29, 6)), [[NAN] * 6] * 30],
            "B": [RNG.normal(size=(30, 5, 5))],
            "k": POSINT + [5],
            "rng": [0, None],
            "n_iter": POSINT,
            "ridge": NONNEG,
        },
    ),
    (
        latent.fit_mlp,
        dict(X=np.ones((10, 2)), y=np.ones(10), hidden=3, rng=_gen(), steps=2),
        {
            "X": [np.ones(10), [[NAN, 0]] * 10],
            "y": [np.ones(9)],
            "hidden": POSINT,
            "rng": [0, None],
            "steps": POSINT,
            "lr": POS,
            "weight_decay": NONNEG,
        },
    ),
    (
        latent.fit_autoencoder,
        dict(X=np.ones((10, 3)), k=1, hidden=3, rng=_gen(), steps=2),
        {
            "X": [np.ones(10), [[NAN, 0, 0]] * 10],
            "k": POSINT,
            "hidden": POSINT,
            "rng": [0, None],
            "steps": POSINT,
            "lr": POS,
        },
    ),
]


# ---- searches (dataclass results, like the fits)
SVOL = volumes.gaussian_atoms_map(volumes.toy_protein(), 12, 3.0, 3.0)
SIMG = imaging.fourier_slices(SVOL, RS[:2])
STRUCTS = np.stack([PTS * 3, PTS * 3 + 0.1])
SUPER = superposition.map_superposition(STRUCTS, max_iter=50)

CASES += [
    (
        posesearch.search_poses,
        dict(images=SIMG, vol=SVOL, pixel_size=3.0, n_levels=2, base_level=0, n_keep=2),
        {
            "images": [SIMG[0], SIMG[:, :5]],
            "vol": [SVOL[:5], IMG8],
            "pixel_size": POS,
            "defocus": [[NAN, 1.0], [1.0, 2.0, 3.0]],
            "base_level": NONNEGINT,
            "n_levels": POSINT,
            "n_keep": POSINT,
            "L_min": POS,
            "L_max": POS[:5] + POS[6:],
            "shift_extent_pixels": NONNEG,
            "shift_n_per_axis": POSINT,
        },
    ),
    (
        posesearch.reconstruct,
        dict(images=SIMG, rotations=RS[:2], pixel_size=3.0),
        {
            "images": [SIMG[0], "a"],
            "rotations": [RS[:3], R3],
            "pixel_size": POS,
            "shifts_pixels": [np.zeros((3, 2)), [[NAN, 0]] * 2],
            "defocus": [[NAN, 1.0]],
            "wiener": POS,
            "prior": [SVOL[:5]],
        },
    ),
    (
        posesearch.ab_initio,
        dict(images=SIMG, start=SVOL, pixel_size=3.0, L_schedule=[3], n_levels=2, base_level=0),
        {
            "images": [SIMG[0]],
            "start": [SVOL[:5]],
            "pixel_size": POS,
            "L_schedule": [[], [NAN], [-1.0], "a"],
            "L_min": POS,
            "wiener": POS,
            "lowpass": ["yes", None],
        },
    ),
    (
        posesearch.global_pose_errors,
        dict(rotations=RS, true_rotations=RS),
        {"rotations": [RS[:2], "a"], "true_rotations": [RS[:3]]},
    ),
    (
        superposition.map_superposition,
        dict(Xs=STRUCTS, max_iter=20),
        {
            "Xs": [PTS, STRUCTS[:1], "a"],
            "df": POS,
            "mean_prior_scale": POS,
            "translation_sd": POS[:5] + POS[6:],
            "scale_prior": ["normal", 1],
            "scale_prior_sd": POS,
            "invgamma_shape": POS,
            "invgamma_scale": POS,
            "likelihood": ["pair", 1],
            "bond_weight": NONNEG,
            "max_iter": POSINT,
        },
    ),
    (
        superposition.laplace_superposition,
        dict(Xs=STRUCTS, result=SUPER),
        {"Xs": [STRUCTS[:, :3], "a"], "result": [None, 3], "step": POS},
    ),
]


# ---- toy data
CASES += [
    (
        toydata.rotation_cloud,
        dict(spread=0.2, outlier_fraction=0.1, rng=_gen()),
        {"spread": NONNEG, "outlier_fraction": FRACTION[:-1] + [1.5], "n": POSINT, "rng": [0]},
    ),
    (
        toydata.flexible_pair,
        dict(loop_sd=2.0, outlier_fraction=0.1, rng=_gen()),
        {"loop_sd": NONNEG, "outlier_fraction": [NAN, -0.1, 1.5], "n": [60, 1.5], "rng": [None]},
    ),
    (
        toydata.sample_sphere,
        dict(method="Fibonacci", spacing=0.3),
        {"spacing": POS + [2.0], "method": ["spiral", None]},
    ),
    (
        toydata.noisy_atom_views,
        dict(coords=PTS, n_views=2, n=8, pixel_size=2.0, sigma=2.0, snr=1.0, rng=_gen()),
        {"n_views": POSINT, "snr": POS, "rng": [1]},
    ),
    (
        toydata.hyper_line_data,
        dict(n_lines=4, noise=0.5, rng=_gen()),
        {"n_lines": POSINT, "noise": NONNEG, "rng": ["rng"]},
    ),
    (
        toydata.ctf_training_set,
        dict(coords=PTS, n_images=2, rng=_gen()),
        {"n_images": POSINT, "snr": POS, "defocus_range": [(2.0, 1.0), (0.0, 1.0), [NAN, 1]]},
    ),
]


# ---- live panels: every declared control, at its defaults otherwise
def _panel_bad_values(control):
    if control.kind == "choice":
        return ["nope", None, 1.0]
    lo, hi = control.to_api(control.low), control.to_api(control.high)
    out = FINITE + [lo - (hi - lo), hi + (hi - lo)]
    return out + ([1.5 if lo < 1.5 < hi else lo + 0.5] if control.kind == "int" else [])


for _name in presentation.panels.__all__:
    _cls = getattr(presentation, _name)
    if isinstance(_cls, type):
        CASES.append((_cls, {}, {c.name: _panel_bad_values(c) for c in _cls.controls}))


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
    if "rng" in good:
        good = dict(good, rng=_gen())
    fn(**good)
    plt.close("all")  # the panels draw a figure


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
