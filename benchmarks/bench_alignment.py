"""Time and accuracy of ``align_maps``: our default search against VESPER's own algorithm.

Pairs from a real protein (adenylate kinase, closed, PDB 1AKE; heavy atoms simulated at
5 Å resolution with ``volumes.simulate_map``), 80^3 voxels at 1.2 Å. The target is the
same molecule turned by 40° about the tilted axis (1, 2, 3) and shifted by 8 Å along
(1, -1, 1); independent white noise is added to both maps (SNR = variance of the map
over the box / noise variance).

* ``main``: SNR 20 on both maps (the issue's pair);
* ``noisy``: SNR 3;
* ``overlap``: SNR 20, and the target lacks the LID (residues 122-159) and NMP
  (30-59) domains, 30 % of the atoms (a smaller overlap).

Modes: ``fast`` is ``align_maps(ref, target, voxel_size)`` with every setting read from
the maps; ``vesper s/A`` is ``search="vesper"`` with grid spacing ``s`` Å and angle
step ``A``° (bandwidth 16 Å, VESPER's defaults otherwise), given the contour that
``map_settings`` picks, since VESPER needs one from the user. Prints CPU time
(user + sys of this process, the fair measure on a shared machine), wall time, the
rotation error and the translation error.

``--scan`` adds the cost per rotation of VESPER's rotate-and-scan step on coarse boxes
of 12, 16 and 24 points (the chapter's sizes): the plain path (one rotation at a time,
float64, as ``vesper_rotate_vectors``) against the batched single-precision path that
``align_maps(..., search="vesper")`` uses.

Run: .venv/bin/python benchmarks/bench_alignment.py [--slow] [--scan]
(``--slow`` adds A = 15°)
"""

from __future__ import annotations

import sys
import time

import numpy as np

from helpers import alignment, datasets, volumes
from helpers.metrics import angular_distance
from helpers.rotations import axis_angle_to_matrix

N, VS, RESOLUTION = 80, 1.2, 5.0
AXIS = np.array([1.0, 2.0, 3.0]) / np.sqrt(14.0)


def adk_pair(snr: float, drop_domains: bool, rng: np.random.Generator):
    s = datasets.load_structure("1AKE")
    heavy = s.elements != "H"
    X = s.coords[heavy] - s.coords[heavy].mean(axis=0)
    el = s.elements[heavy]
    res = s.residue_ids[heavy]
    R = axis_angle_to_matrix(AXIS, np.deg2rad(40.0))
    t = 8.0 * np.array([1.0, -1.0, 1.0]) / np.sqrt(3.0)
    keep = np.ones(len(X), bool)
    if drop_domains:
        keep = ~(((res >= 122) & (res <= 159)) | ((res >= 30) & (res <= 59)))
    ref = volumes.simulate_map(X, el, N, VS, RESOLUTION)
    tgt = volumes.simulate_map((X[keep] - t) @ R, el[keep], N, VS, RESOLUTION)
    ref = alignment.add_map_noise(ref, snr, rng)
    tgt = alignment.add_map_noise(tgt, snr, rng)
    return ref, tgt, R, t


def run(ref, tgt, R, t, **kw):
    c0, w0 = time.process_time(), time.perf_counter()
    res = alignment.align_maps(ref, tgt, VS, **kw)
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    rot = float(np.rad2deg(angular_distance(res.rotation, R)))
    return cpu, wall, rot, float(np.linalg.norm(res.translation - t)), res


def scan_cost() -> None:
    from helpers.alignment import _vesper_rotate, _vesper_scan, _vesper_scanner

    _, Rs = alignment.vesper_euler_grid(30.0, degrees=True)
    rng = np.random.default_rng(0)
    print(f"{'box':>4s} {'plain µs/rot':>13s} {'batched µs/rot':>15s}")
    for a in (12, 16, 24):
        v = rng.normal(size=(3, a, a, a))
        d = (rng.random((a, a, a)) < 0.3).astype(float)
        v *= d
        c0 = time.process_time()
        F1 = np.fft.rfftn(v, axes=(1, 2, 3))
        for k in range(0, len(Rs), 32):
            _vesper_scan(F1, _vesper_rotate(v, d, Rs[k : k + 32], True))
        plain = (time.process_time() - c0) / len(Rs) * 1e6
        c0 = time.process_time()
        _vesper_scanner(v, v, True)(Rs)
        fast = (time.process_time() - c0) / len(Rs) * 1e6
        print(f"{a:4d} {plain:13.0f} {fast:15.0f}", flush=True)


def main() -> None:
    slow = "--slow" in sys.argv
    if "--scan" in sys.argv:
        scan_cost()
    rng = np.random.default_rng(2021)
    pairs = {
        "main": adk_pair(20.0, False, rng),
        "noisy": adk_pair(3.0, False, rng),
        "overlap": adk_pair(20.0, True, rng),
    }
    modes = [("fast", {}), ("vesper s7 A30", dict(spacing=7.0, angle_step=30.0))]
    modes.append(("vesper s3 A30", dict(spacing=3.0, angle_step=30.0)))
    if slow:
        modes.append(("vesper s3 A15", dict(spacing=3.0, angle_step=15.0)))
    print(
        f"{'pair':8s} {'mode':14s} {'CPU s':>7s} {'wall s':>7s} {'rot err °':>9s} "
        f"{'t err Å':>8s} {'Z':>6s} {'Z norm':>6s} {'contour':>8s}"
    )
    for name, (ref, tgt, R, t) in pairs.items():
        thr = alignment.map_settings(ref, VS).threshold
        for label, kw in modes:
            if label.startswith("vesper"):
                kw = dict(kw, search="vesper", degrees=True, threshold=thr)
            cpu, wall, rot, terr, res = run(ref, tgt, R, t, **kw)
            print(
                f"{name:8s} {label:14s} {cpu:7.2f} {wall:7.2f} {rot:9.2f} {terr:8.2f} "
                f"{res.zscore:6.1f} {res.zscore_normalized:6.1f} {res.threshold[0]:8.4f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
