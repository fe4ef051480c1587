"""Check every figure of the last site build for readability on the page.

The site shows a chapter's text column about 690 px wide; a wider image is shrunk to
fit. For each figure in the executed notebooks (``_build/jupyter_execute``), this reads
the PNG's width and the metadata that ``scripts/figure_record.py`` attached while the
build ran (figure size, dpi, smallest font size), and checks that

- the figure is not shrunk more than 1.3x (drawn at most ~897 px: ~9.3 in at dpi 96);
- no text is under 8 px as displayed (font points x dpi / 72 / shrink).

Prints every figure that fails, with its chapter and cell, and exits 1 if any does
(with ``LAYOUT_CHECKS=report`` in the environment it only prints them).

Usage: python scripts/figure_check.py [--build _build]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COLUMN_PX = 690
MAX_SHRINK = 1.3
MIN_TEXT_PX = 8.0


def png_size(b64: str) -> tuple[int, int]:
    head = base64.b64decode(b64[:64])
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    return struct.unpack(">II", head[16:24])


def check_notebook(path: Path) -> tuple[int, list[str]]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    count, problems = 0, []
    for k, cell in enumerate(nb["cells"]):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "image/png" not in data:
                continue
            count += 1
            b64 = data["image/png"]
            width, _ = png_size("".join(b64) if isinstance(b64, list) else b64)
            shrink = max(1.0, width / COLUMN_PX)
            rec = out.get("metadata", {}).get("book_figure", {})
            msgs = []
            if shrink > MAX_SHRINK:
                msgs.append(f"{width} px wide, shrunk {shrink:.2f}x to {COLUMN_PX} px")
            pt, dpi = rec.get("min_text_pt"), rec.get("dpi")
            if pt is not None and dpi:
                px = pt * dpi / 72 / shrink
                if px < MIN_TEXT_PX:
                    msgs.append(f"smallest text {px:.1f} px ({pt:g} pt at dpi {dpi:g})")
            elif "error" in rec:
                msgs.append(f"not measured: {rec['error']}")
            if msgs:
                size = ""
                if rec.get("width_in"):
                    size = f" [{rec['width_in']:g}x{rec['height_in']:g} in]"
                problems.append(f"cell {k}{size}: " + "; ".join(msgs))
    return count, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=str(ROOT / "_build"))
    args = parser.parse_args(argv)
    executed = Path(args.build) / "jupyter_execute" / "book"
    paths = sorted(executed.rglob("*.ipynb"))
    if not paths:
        print(f"no executed notebooks under {executed}: run `make site` first", file=sys.stderr)
        return 1
    total, failed, unmeasured = 0, 0, 0
    for path in paths:
        count, problems = check_notebook(path)
        nb = json.loads(path.read_text(encoding="utf-8"))
        unmeasured += sum(
            1
            for c in nb["cells"]
            for o in c.get("outputs", [])
            if "image/png" in o.get("data", {}) and "book_figure" not in o.get("metadata", {})
        )
        total += count
        failed += len(problems)
        name = path.relative_to(executed).with_suffix("").as_posix()
        status = "ok  " if not problems else "FAIL"
        print(f"{status} {name}: {count} figures, {len(problems)} too small")
        for msg in problems:
            print(f"     - {msg}")
    print(
        f"figure check: {total} figures, {failed} fail (column {COLUMN_PX} px, shrink <= "
        f"{MAX_SHRINK}, text >= {MIN_TEXT_PX:g} px); {unmeasured} without text sizes"
    )
    if failed and os.environ.get("LAYOUT_CHECKS", "strict") == "report":
        print("LAYOUT_CHECKS=report: not failing")
        return 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
