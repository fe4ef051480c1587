"""Time the live panels' callbacks (budget: < 100 ms of CPU time per redraw).

Each panel is built with :func:`helpers.presentation.live` (the precomputations are
done first and not timed), then one control is moved through several values; a
callback is what a slider release runs in the kernel: update the figure and render it
to PNG. The table gives, per panel and control, the mean and worst CPU time
(``time.process_time``: the machine may be shared) and the worst wall-clock time.
Exit status 1 if any callback's CPU time is over the budget.

Run: .venv/bin/python benchmarks/bench_widgets.py [--budget-ms 100] [--repeat 1]
"""

from __future__ import annotations

import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")

from helpers import presentation as pres  # noqa: E402

# panel class -> (control moved, values shown on the slider)
PANELS = [
    (pres.So3Panel, "angle", [float(a) for a in range(-180, 181, 30)]),
    (pres.So3Panel, "azimuth", [-150.0, -60.0, 0.0, 90.0, 170.0]),
    (pres.SamplingPanel, "spacing", [30.0, 20.0, 12.0, 8.0, 5.0]),
    (pres.SamplingPanel, "method", ["spiral (S)", "Fibonacci", "HEALPix", "random"]),
    (pres.AveragingPanel, "outlier_fraction", [0.0, 0.1, 0.2, 0.5]),
    (pres.AveragingPanel, "spread", [1.0, 15.0, 40.0, 60.0]),
    (pres.SuperpositionPanel, "loop_sd", [0.0, 2.0, 5.0, 10.0]),
    (pres.SuperpositionPanel, "outlier_fraction", [0.0, 0.1, 0.3]),
    (pres.DenoisingPanel, "dose", [0.3, 1.0, 10.0, 100.0]),
    (pres.DenoisingPanel, "strength", [0.1, 1.0, 10.0, 100.0]),
    (pres.PoseScorePanel, "L", [2.0, 6.0, 12.0]),
    (pres.PoseScorePanel, "snr", [0.01, 0.3, 10.0]),
    (pres.OrientationPanel, "azimuth", [0.0, 60.0, 120.0, -90.0]),
    (pres.OrientationPanel, "snr", [0.01, 1.0, 30.0]),
    (pres.AlignmentScorePanel, "angle", [-90.0, -20.0, 45.0, 90.0]),
    (pres.AlignmentScorePanel, "shift", [3.0, -9.0, 9.0]),
    (pres.CryofoldPanel, "step", [0, 100, 200, 300]),
    (pres.CryofoldPanel, "offset", [0.0, 30.0, 60.0, 90.0]),
    (pres.HyperMoleculePanel, "t", [-1.0, -0.5, 0.0, 0.5, 1.0]),
    (pres.HyperMoleculePanel, "degree", [1, 3, 6, 10]),
    (pres.LatentPanel, "snr", [0.01, 0.1, 1.0, 10.0]),
    (pres.LatentPanel, "in_plane", [0.0, 45.0, 90.0, 180.0]),
]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--budget-ms", type=float, default=100.0)
    parser.add_argument("--repeat", type=int, default=1, help="passes over each value list")
    parser.add_argument("--only", default="", help="run panels whose name contains this")
    args = parser.parse_args()
    pres.use_house_style()
    head = f"{'panel':20s} {'control':17s} {'mean CPU ms':>11s} {'worst CPU ms':>12s}"
    print(head + f" {'worst wall ms':>13s}")
    worst: tuple[float, str] = (0.0, "")
    over = []
    for cls, control, values in PANELS:
        if args.only not in cls.__name__:
            continue
        panel = pres.live(cls)
        cpu, wall = [], []
        for _ in range(args.repeat):
            for v in values:
                panel.controls[control].value = v
                cpu.append(1e3 * panel.cpu_seconds)
                wall.append(1e3 * panel.seconds)
        name = f"{cls.__name__} / {control}"
        flag = "" if max(cpu) < args.budget_ms else "  OVER BUDGET"
        print(
            f"{cls.__name__:20s} {control:17s} {sum(cpu) / len(cpu):11.1f} {max(cpu):12.1f}"
            f" {max(wall):13.1f}{flag}"
        )
        worst = max(worst, (max(cpu), name))
        if flag:
            over.append(name)
    load = os.getloadavg()[0]
    print(
        f"slowest: {worst[1]}, {worst[0]:.1f} ms CPU "
        f"(load average {load:.1f} on {os.cpu_count()} cores)"
    )
    if over:
        print(f"over the {args.budget_ms:.0f} ms budget: {', '.join(over)}")
        return 1
    print(f"every callback under the {args.budget_ms:.0f} ms budget")
    return 0


if __name__ == "__main__":
    sys.exit(main())
