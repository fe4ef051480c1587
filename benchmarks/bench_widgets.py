"""Time the live panels' callbacks (budget: < 100 ms per redraw).

Each panel is built, then a slider is moved through several values; the table shows
the mean and worst time of one callback (draw the figure and render it to PNG).

Run: .venv/bin/python benchmarks/bench_widgets.py
"""

from __future__ import annotations

import os
import sys
import time

import matplotlib

matplotlib.use("Agg")

from helpers import plotting, widgets  # noqa: E402

PANELS = {
    "so3_panel (angle slider)": (
        widgets.so3_panel,
        "angle_deg",
        [float(a) for a in range(-180, 181, 30)],
    ),
    "sampling_panel (spacing slider)": (
        widgets.sampling_panel,
        "delta_deg",
        [30.0, 20.0, 12.0, 8.0, 5.0],
    ),
    "sampling_panel (method menu)": (
        widgets.sampling_panel,
        "method",
        ["spiral (S)", "Fibonacci", "HEALPix"],
    ),
    "averaging_panel (outlier slider)": (
        widgets.averaging_panel,
        "outlier_fraction",
        [0.0, 0.1, 0.2, 0.5],
    ),
    "superposition_panel (loop slider)": (
        widgets.superposition_panel,
        "loop_sd",
        [0.0, 2.0, 5.0, 10.0],
    ),
    "denoising_panel (dose slider)": (widgets.denoising_panel, "dose", [0.3, 1.0, 10.0, 100.0]),
    "pose_search_panel (L slider)": (widgets.pose_search_panel, "L", [2.0, 6.0, 12.0]),
    "orientation_panel (azimuth slider)": (
        widgets.orientation_panel,
        "azimuth_deg",
        [0.0, 60.0, 120.0, -90.0],
    ),
    "cryofold_panel (step slider)": (widgets.cryofold_panel, "step", [0, 100, 200, 300]),
    "cryofold_panel (start slider)": (
        widgets.cryofold_panel,
        "offset_deg",
        [0.0, 30.0, 60.0, 90.0],
    ),
    "hyper_molecule_panel (t slider)": (
        widgets.hyper_molecule_panel,
        "t",
        [-1.0, -0.5, 0.0, 0.5, 1.0],
    ),
    "hyper_molecule_panel (degree)": (widgets.hyper_molecule_panel, "degree", [1, 3, 6, 10]),
    "latent_panel (SNR slider)": (widgets.latent_panel, "snr", [0.01, 0.1, 1.0, 10.0]),
    "latent_panel (in-plane slider)": (
        widgets.latent_panel,
        "in_plane_deg",
        [0.0, 45.0, 90.0, 180.0],
    ),
}


def main() -> int:
    plotting.use_house_style()
    print(f"{'panel':36s} {'mean ms':>8s} {'worst ms':>9s} {'worst CPU ms':>13s}")
    worst: tuple[float, str] = (0.0, "")
    for name, (factory, control, values) in PANELS.items():
        panel = factory()
        times, cpu = [], []
        for v in values:
            t0, c0 = time.perf_counter(), time.process_time()
            panel.controls[control].value = v
            times.append(1e3 * (time.perf_counter() - t0))
            cpu.append(1e3 * (time.process_time() - c0))
        flag = "" if max(times) < 100 else "  over budget"
        print(f"{name:36s} {sum(times) / len(times):8.1f} {max(times):9.1f} {max(cpu):13.1f}{flag}")
        worst = max(worst, (max(times), name))
    load = os.getloadavg()[0]
    print(
        f"slowest: {worst[1]}, {worst[0]:.1f} ms (load average {load:.1f} on {os.cpu_count()} cores)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
