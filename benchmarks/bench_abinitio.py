"""Miniature cryoDRGN2 ab initio loop: frequency marching against fixed band limits.

For several data sets (seeds) of the toy molecule (24^2 images, 2.5 Å pixels, CTF,
shifts, SNR 1) and three starting maps (the truth blurred by a Gaussian of 1.5 or 2
voxels, or the map reconstructed with random poses, cryoDRGN2's pretraining), runs
:func:`helpers.posesearch.ab_initio` with the band limit ramped 4 -> 12 Fourier pixels
over four epochs, and fixed at 12 and at 6, for 8 epochs. Reports the median pose error
after the best global rotation, the resolution where the FSC with the truth drops below
0.5, and the CPU time. Also the baseline: the same search against the true map.

Run: .venv/bin/python benchmarks/bench_abinitio.py   (about 5 CPU-minutes)
"""

from __future__ import annotations

import time

import numpy as np
from scipy import ndimage

from helpers import imaging, posesearch, sampling, volumes

PX, N, M, SNR, EPOCHS = 2.5, 24, 300, 1.0, 8


def data(seed: int):
    vol = volumes.gaussian_atoms_map(volumes.toy_protein(), N, PX, sigma=2.0)
    rng = np.random.default_rng(seed)
    Rt = sampling.uniform_rotations(M, rng)
    dz = rng.uniform(8000, 20000, M)
    t = rng.uniform(-1.5, 1.5, (M, 2))
    k = imaging.frequency_grid(2 * N, PX)
    clean = imaging.fourier_slices(vol, Rt, ctfs=imaging.ctf(k[None], dz[:, None, None]))
    clean = posesearch.shift_images(clean, t)
    imgs = np.stack([imaging.add_noise(c, SNR, rng) for c in clean])
    return vol, Rt, dz, imgs, rng


def fsc05(V, vol, g):
    W = np.roll(V[::-1], 1, axis=0) if g.mirrored else V  # z -> -z about voxel n // 2
    f, c, _ = imaging.fsc(volumes.rotate_volume(W, g.rotation), vol, PX)
    return imaging.resolution_at(f, c, 0.5)


def main() -> None:
    print(
        f"{'seed':>4s} {'start':>10s} {'schedule':>9s} {'median err':>10s} {'FSC0.5 Å':>9s} {'cpu s':>6s}"
    )
    for seed in range(3):
        vol, Rt, dz, imgs, rng = data(seed)
        base = posesearch.search_poses(imgs, vol, PX, dz, L_max=12, n_levels=3)
        e = np.rad2deg(posesearch.global_pose_errors(base.rotations, Rt).errors)
        print(f"{seed:4d} {'true map':>10s} {'-':>9s} {np.median(e):10.1f}")
        starts = {
            "blur 1.5": ndimage.gaussian_filter(vol, 1.5),
            "blur 2.0": ndimage.gaussian_filter(vol, 2.0),
            "random": posesearch.reconstruct(
                imgs, sampling.uniform_rotations(M, rng), PX, None, dz
            ),
        }
        for sname, start in starts.items():
            for name, sched in (
                ("march", [posesearch.frequency_marching(e, 4, 12, 4) for e in range(EPOCHS)]),
                ("fixed 12", [12] * EPOCHS),
                ("fixed 6", [6] * EPOCHS),
            ):
                t0 = time.process_time()
                res = posesearch.ab_initio(imgs, start, PX, sched, dz, n_levels=3)
                cpu = time.process_time() - t0
                g = posesearch.global_pose_errors(res.rotations[-1], Rt)
                print(
                    f"{seed:4d} {sname:>10s} {name:>9s} {np.rad2deg(np.median(g.errors)):10.1f}"
                    f" {fsc05(res.volume, vol, g):9.1f} {cpu:6.1f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
