"""Time MAP superposition (THESEUS-PP model) for 10-50 structures x 100-300 atoms.

Each ensemble: a random 3.8 Å chain, a flexible loop (a tenth of the atoms, 3 Å noise),
0.3 Å noise elsewhere, random poses. Prints wall time, L-BFGS iterations, convergence,
and the worst rotation error against the truth for MAP and for pairwise Kabsch.

Run: .venv/bin/python benchmarks/bench_superposition.py
"""

from __future__ import annotations

import time

import numpy as np

from helpers import rotations, sampling, superposition
from helpers.metrics import angular_distance


def ensemble(N: int, n: int, rng: np.random.Generator):
    steps = rng.normal(size=(n, 3))
    steps *= 3.8 / np.linalg.norm(steps, axis=1, keepdims=True)
    M = np.cumsum(steps, axis=0)
    M -= M.mean(0)
    sd = np.full(n, 0.3)
    sd[n // 3 : n // 3 + n // 10] = 3.0
    R = sampling.uniform_rotations(N, rng)
    t = rng.normal(scale=10, size=(N, 3))
    Xs = np.stack(
        [
            rotations.rotate_points(R[i], M + sd[:, None] * rng.normal(size=M.shape)) + t[i]
            for i in range(N)
        ]
    )
    return Xs, R


def main() -> None:
    rng = np.random.default_rng(0)
    print(
        f"{'N':>3s} {'atoms':>5s} {'seconds':>8s} {'iters':>6s} {'conv':>5s} {'MAP err °':>9s} {'Kabsch err °':>12s}"
    )
    for N, n in [(10, 100), (10, 300), (30, 100), (30, 300), (50, 100), (50, 300)]:
        Xs, R = ensemble(N, n, rng)
        t0 = time.perf_counter()
        res = superposition.map_superposition(Xs)
        dt = time.perf_counter() - t0
        rel_true = R @ R[0].T
        e_map = np.rad2deg(angular_distance(res.rotations @ res.rotations[0].T, rel_true)).max()
        rel_ls = np.stack([superposition.kabsch(Xs[i], Xs[0])[0] for i in range(N)])
        e_ls = np.rad2deg(angular_distance(rel_ls, rel_true)).max()
        print(
            f"{N:3d} {n:5d} {dt:8.2f} {res.iterations:6d} {res.converged!s:>5s} {e_map:9.2f} {e_ls:12.2f}"
        )


if __name__ == "__main__":
    main()
