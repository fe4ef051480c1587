"""Time and accuracy of align_maps on 48^3 and 64^3 map pairs at 30/15/10 degree steps.

Each pair: the toy protein at 2 Å/voxel and a copy moved by a random rotation and a
shift; maps are resampled to a 4 Å search grid. Reports wall time, rotations and
rotation x translation evaluations per second, and the pose error.

Run: .venv/bin/python benchmarks/bench_alignment.py
"""

from __future__ import annotations

import time

import numpy as np

from helpers import alignment, sampling, volumes
from helpers.metrics import angular_distance


def main() -> None:
    vs, spacing = 2.0, 4.0
    rng = np.random.default_rng(0)
    print(
        f"{'map':>5s} {'step':>5s} {'grid n':>6s} {'seconds':>8s} {'rotations':>9s} {'R x t / s':>10s} {'rot err':>8s} {'t err Å':>8s}"
    )
    for n in (48, 64):
        ref = volumes.gaussian_atoms_map(volumes.toy_protein(), n, vs, sigma=2.5)
        R = sampling.uniform_rotations(1, rng)[0]
        t = np.array([6.0, -4.0, 8.0])
        target = volumes.rotate_volume(ref, R.T, shift=-R.T @ t, voxel_size=vs)
        for step in (30.0, 15.0, 10.0):
            t0 = time.perf_counter()
            res = alignment.align_maps(
                ref, target, vs, angle_step=step, spacing=spacing, bandwidth=8.0, threshold=0.05
            )
            dt = time.perf_counter() - t0
            grid_n = int(np.ceil(n * vs / spacing))
            rate = res.n_evaluated * grid_n**3 / dt
            err = np.rad2deg(angular_distance(res.rotation, R))
            print(
                f"{n:5d} {step:5.0f} {grid_n:6d} {dt:8.1f} {res.n_evaluated:9d} {rate:10.2e} {err:8.2f} "
                f"{np.linalg.norm(res.translation - t):8.2f}"
            )


if __name__ == "__main__":
    main()
