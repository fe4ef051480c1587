"""Time the averaging and sampling helpers at realistic sizes (10^4 to 10^6 rotations).

Run: .venv/bin/python benchmarks/bench_averaging_sampling.py
"""

from __future__ import annotations

import time

import numpy as np

from helpers import averaging, metrics, sampling
from helpers.rotations import exp_so3, matrix_to_quat


def timed(f, repeat: int = 3) -> tuple[float, object]:
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t0)
    return 1e3 * best, out


def main() -> None:
    rng = np.random.default_rng(0)
    print(f"{'operation':44s} {'n':>9s} {'ms':>9s}  note")
    for n in (10_000, 100_000, 1_000_000):
        center = sampling.uniform_rotations(1, rng)[0]
        Rs = center @ exp_so3(np.deg2rad(20) * rng.standard_normal((n, 3)))
        q = matrix_to_quat(Rs)
        rows = [
            ("uniform_rotations", lambda: sampling.uniform_rotations(n, rng), ""),
            ("angular_distance (pairs)", lambda: metrics.angular_distance(Rs, Rs[::-1]), ""),
            ("chordal_l2_mean", lambda: averaging.chordal_l2_mean(Rs), ""),
            ("quat_l2_mean", lambda: averaging.quat_l2_mean(q), ""),
        ]
        for name, f, note in rows:
            ms, _ = timed(f)
            print(f"{name:44s} {n:9,d} {ms:9.1f}  {note}")
        ms, res = timed(lambda: averaging.geodesic_l2_mean_fit(Rs), repeat=1)
        print(
            f"{'geodesic_l2_mean (Algorithm 1)':44s} {n:9,d} {ms:9.1f}  {res.iterations} iterations"
        )
        ms, res = timed(lambda: averaging.geodesic_l1_median_fit(Rs), repeat=1)
        print(
            f"{'geodesic_l1_median (Weiszfeld)':44s} {n:9,d} {ms:9.1f}  {res.iterations} iterations"
        )
    for delta in (5.0, 2.0, 1.0):
        ms, grid = timed(lambda: sampling.even_angles(delta, theta2=180.0, degrees=True))
        print(f"{'even_angles, full sphere, delta = ' + str(delta):44s} {len(grid):9,d} {ms:9.1f}")
    for nside in (16, 64, 256):
        ms, d = timed(lambda: sampling.healpix_directions(nside))
        print(f"{'healpix_directions, nside = ' + str(nside):44s} {len(d):9,d} {ms:9.1f}")
    for level in (1, 2, 3):
        ms, g = timed(lambda: sampling.hopf_grid(level), repeat=1)
        print(f"{'hopf_grid, level ' + str(level):44s} {len(g):9,d} {ms:9.1f}")
    ms, _ = timed(lambda: sampling.fibonacci_sphere(1_000_000))
    print(f"{'fibonacci_sphere':44s} {1_000_000:9,d} {ms:9.1f}")
    pts = sampling.fibonacci_sphere(2000)
    ms, _ = timed(lambda: sampling.riesz_energy(pts))
    print(f"{'riesz_energy (all pairs)':44s} {2000:9,d} {ms:9.1f}")
    ms, _ = timed(
        lambda: sampling.covering_radius_sphere(sampling.fibonacci_sphere(100_000), 20000)
    )
    print(f"{'covering_radius_sphere (20k probes)':44s} {100_000:9,d} {ms:9.1f}")
    g = sampling.hopf_grid(2)
    ms, _ = timed(lambda: sampling.covering_radius_so3(g, 20000, rng), repeat=1)
    print(f"{'covering_radius_so3 (20k probes)':44s} {len(g):9,d} {ms:9.1f}")


if __name__ == "__main__":
    main()
