"""Execute every chapter notebook once and print its wall time (budget: < 20 s each).

Runs each notebook in a fresh kernel with its own directory as working directory, as
the book build does, and prints a table plus the total (budget: < 3 min).

Run: .venv/bin/python benchmarks/time_notebooks.py
"""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    total = 0.0
    print(f"{'notebook':48s} {'seconds':>8s}")
    for path in sorted((ROOT / "book").rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(
            nb,
            timeout=300,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
        )
        t0 = time.perf_counter()
        client.execute()
        dt = time.perf_counter() - t0
        total += dt
        flag = "" if dt < 20 else "  over budget"
        print(f"{path.relative_to(ROOT).as_posix():48s} {dt:8.1f}{flag}")
    print(f"{'total':48s} {total:8.1f}")


if __name__ == "__main__":
    main()
