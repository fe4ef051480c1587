"""Execute every chapter notebook once and print its wall time (budget: < 20 s each).

Runs each notebook in a fresh kernel with its own directory as working directory, as
the book build does, and prints a table plus the total (budget: < 3 min).

``--busy`` keeps one of the two cores busy with a competing process while the chapters
run (Binder and Colab CPUs are shared), which is where spinning BLAS threads hurt.
``--blas N|off`` sets ``HELPERS_BLAS_THREADS`` for the kernels (default: helpers' own
default of one thread; ``off`` leaves OpenBLAS at one thread per core, as before).

Run: .venv/bin/python benchmarks/time_notebooks.py [--busy] [--blas off] [NAME ...]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
SPIN = "import os\nos.sched_setaffinity(0, {0})\nwhile True:\n    pass\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--busy", action="store_true", help="one competing process on core 0")
    parser.add_argument("--blas", help="HELPERS_BLAS_THREADS for the kernels")
    parser.add_argument("names", nargs="*", help="only notebooks whose path contains these")
    args = parser.parse_args()
    if args.blas is not None:
        os.environ["HELPERS_BLAS_THREADS"] = args.blas
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.pop(var, None)
    spinner = subprocess.Popen([sys.executable, "-c", SPIN]) if args.busy else None
    total = 0.0
    try:
        setting = os.environ.get("HELPERS_BLAS_THREADS", "1 (default)")
        print(f"busy core: {'yes' if args.busy else 'no'}; HELPERS_BLAS_THREADS={setting}")
        print(f"{'notebook':48s} {'seconds':>8s}")
        for path in sorted((ROOT / "book").rglob("*.ipynb")):
            if ".ipynb_checkpoints" in path.parts:
                continue
            if args.names and not any(n in path.as_posix() for n in args.names):
                continue
            nb = nbformat.read(path, as_version=4)
            client = NotebookClient(
                nb,
                timeout=600,
                kernel_name="python3",
                resources={"metadata": {"path": str(path.parent)}},
            )
            t0 = time.perf_counter()
            client.execute()
            dt = time.perf_counter() - t0
            total += dt
            flag = "" if dt < 20 else "  over budget"
            print(f"{path.relative_to(ROOT).as_posix():48s} {dt:8.1f}{flag}", flush=True)
        print(f"{'total':48s} {total:8.1f}  (load average {os.getloadavg()[0]:.1f})")
    finally:
        if spinner:
            spinner.kill()
            spinner.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
