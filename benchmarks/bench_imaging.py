"""Time projections: real-space line integrals vs Fourier slices, for 64^2 to 128^2 images.

Also reports the batched Fourier slicer per image (the map is transformed once) and the
relative difference between the two projectors on the toy map.

Run: .venv/bin/python benchmarks/bench_imaging.py
"""

from __future__ import annotations

import time

import numpy as np

from helpers import imaging, sampling, volumes


def best_ms(f, repeat: int = 3) -> float:
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t0)
    return 1e3 * best


def main() -> None:
    rng = np.random.default_rng(0)
    print(
        f"{'n':>4s} {'project ms':>11s} {'fourier_slice ms':>17s} {'batched ms/image':>17s} {'rel. diff':>9s}"
    )
    for n in (64, 96, 128):
        vol = volumes.gaussian_atoms_map(volumes.toy_protein(), n, 48.0 / n * 1.5, sigma=2.5)
        R = sampling.uniform_rotations(1, rng)[0]
        Rs = sampling.uniform_rotations(16, rng)
        t_real = best_ms(lambda: imaging.project(vol, R))
        t_slice = best_ms(lambda: imaging.fourier_slice(vol, R), repeat=2)
        t_batch = best_ms(lambda: imaging.fourier_slices(vol, Rs), repeat=1) / len(Rs)
        a, b = imaging.project(vol, R, order=3), imaging.fourier_slice(vol, R)
        diff = np.linalg.norm(a - b) / np.linalg.norm(a)
        print(f"{n:4d} {t_real:11.1f} {t_slice:17.1f} {t_batch:17.1f} {diff:9.4f}")


if __name__ == "__main__":
    main()
