"""Time MAP superposition (THESEUS-PP model) on synthetic and real ensembles.

Synthetic: 10-50 structures x 100-300 atoms, each a random 3.8 Å chain with a flexible
loop (a tenth of the atoms, 3 Å noise), 0.3 Å noise elsewhere, random poses; the
inverse-gamma variant. Prints time, L-BFGS iterations, convergence, and the worst
rotation error against the truth for MAP and for pairwise Kabsch.

Real: the first N models of the ubiquitin NMR ensemble 2K39 (C-alpha atoms), N from 2
to 116, under the authors' model (half-normal scale prior) and the inverse-gamma
variant: does the fit stop at a local maximum (all u_k well above 0) or run away?

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
        res = superposition.map_superposition(Xs, scale_prior="invgamma")
        dt = time.perf_counter() - t0
        rel_true = R @ R[0].T
        e_map = np.rad2deg(angular_distance(res.rotations @ res.rotations[0].T, rel_true)).max()
        rel_ls = np.stack([superposition.kabsch(Xs[i], Xs[0])[0] for i in range(N)])
        e_ls = np.rad2deg(angular_distance(rel_ls, rel_true)).max()
        print(
            f"{N:3d} {n:5d} {dt:8.2f} {res.iterations:6d} {res.converged!s:>5s} {e_map:9.2f} {e_ls:12.2f}"
        )


def real() -> None:
    from helpers import datasets

    ens = datasets.load_structure("2K39").ensemble()
    print(f"\n{'N':>4s} {'prior':>10s} {'CPU s':>6s} {'iters':>6s} {'conv':>5s} {'min u_k':>8s}")
    for N in (2, 5, 10, 20, 50, 116):
        for prior in ("halfnormal", "invgamma"):
            t0 = time.process_time()
            res = superposition.map_superposition(ens[:N], scale_prior=prior, max_iter=5000)
            dt = time.process_time() - t0
            print(
                f"{N:4d} {prior:>10s} {dt:6.2f} {res.iterations:6d} {res.converged!s:>5s} "
                f"{res.scales.min():8.4f}"
            )


if __name__ == "__main__":
    main()
    real()
