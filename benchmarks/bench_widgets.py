"""Time the live panels' callbacks (budget: < 100 ms per redraw).

Each panel is built, then a slider is moved through several values; the table shows
the mean and worst time of one callback (draw the figure and render it to PNG).

Run: .venv/bin/python benchmarks/bench_widgets.py
"""

from __future__ import annotations

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
}


def main() -> None:
    plotting.use_house_style()
    print(f"{'panel':32s} {'mean ms':>8s} {'worst ms':>9s}")
    for name, (factory, control, values) in PANELS.items():
        panel = factory()
        times = []
        for v in values:
            t0 = time.perf_counter()
            panel.controls[control].value = v
            times.append(1e3 * (time.perf_counter() - t0))
        flag = "" if max(times) < 100 else "  over budget"
        print(f"{name:32s} {sum(times) / len(times):8.1f} {max(times):9.1f}{flag}")


if __name__ == "__main__":
    main()
