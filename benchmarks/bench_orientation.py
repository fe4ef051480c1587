"""Loss-weight sweep for the orientation chapter's network (too slow to run live).

Trains :func:`helpers.orientnet.train_orientation_net` on the chapter's toy molecule
(asymmetric) and on its C2 dimer with ``w * QD + (1 - w) * reprojection`` for several
``w``, plus the symmetry-aware QD, and prints the median test error (to the nearer
symmetry-equivalent answer) and the CPU time of each run. Same simulation as the
chapter (24 px, 2.5 Å, CTF, SNR 10, 2,600 training orientations, 400 test images);
the reprojection term is computed on a 12 px grid of 5 Å pixels to keep it affordable.

Run: OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_orientation.py
"""

from __future__ import annotations

import time

import numpy as np

from helpers import atomic, imaging, learning, metrics, orientnet, rotations, sampling, volumes

STEPS = 400


def main() -> None:
    rng = np.random.default_rng(20220304)
    m = 3000
    R_all = sampling.uniform_rotations(m, rng)
    q_all = rotations.matrix_to_quat(R_all)
    defocus = rng.uniform(8000, 12000, m)
    ctfs = imaging.ctf(imaging.frequency_grid(24, 2.5)[None], defocus[:, None, None])
    c2 = np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0]])
    mono = volumes.toy_protein(20) + np.array([0.0, 9.0, 0.0])
    molecules = {
        "asymmetric": (volumes.toy_protein(), None),
        "C2 dimer": (np.concatenate([mono, mono * np.array([-1.0, -1.0, 1.0])]), c2),
    }
    print(f"{'molecule':11s} {'loss':24s} {'median error':>13s} {'CPU s':>7s}")
    for name, (coords, group) in molecules.items():
        clean = imaging.fourier_filter(atomic.project_atoms(coords, R_all, 24, 2.5, 2.5), ctfs)

        def noisy(x, r):
            return x + np.sqrt(x.var(axis=(1, 2), keepdims=True) / 10.0) * r.normal(size=x.shape)

        def sample(b, r, clean=clean, group=group):
            i = r.integers(0, 2600, b)
            q = q_all[i]
            if group is not None:
                q = rotations.quat_multiply(q, group[r.integers(0, len(group), b)])
            return learning.particle_features(noisy(clean[i], r)), q

        X_test = learning.particle_features(noisy(clean[2600:], np.random.default_rng(5)))
        G = group if group is not None else c2[:1]
        runs = [(f"w = {w:g}", w, None) for w in (0.0, 0.5, 0.9, 1.0)]
        runs.append(("symmetry-aware QD", 1.0, group))
        for label, w, sym in runs:
            if label.startswith("symmetry") and group is None:
                continue
            t0 = time.process_time()
            net = orientnet.train_orientation_net(
                sample,
                [64, 256, 256, 4],
                STEPS,
                np.random.default_rng(1),
                w=w,
                symmetry=sym,
                coords=coords,
                n=12,
                pixel_size=5.0,
                sigma=5.0,
                batch_size=32,
                lr=2e-3,
            )
            cpu = time.process_time() - t0
            qh = net.predict(X_test)
            err = np.min(
                [
                    metrics.quat_angular_distance(qh, rotations.quat_multiply(q_all[2600:], g))
                    for g in G
                ],
                axis=0,
            )
            print(f"{name:11s} {label:24s} {np.rad2deg(np.median(err)):10.1f} deg {cpu:7.1f}")


if __name__ == "__main__":
    main()
