"""Checks on the book itself: table of contents, clean notebooks, and question coverage.

The coverage rule: a question counts when a markdown cell holds an ``{exercise}``
labelled ``<prefix>-q<n>``, a later ``{solution-start} <prefix>-q<n>`` ...
``{solution-end}`` region exists, and a code cell inside that region asserts
something. Every question of the study group's document must be covered in each
chapter that exists; primer chapters need at least three questions of their own.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(
    p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
)

# chapter slug -> (label prefix, number of questions in the study group's document;
# None for primers, which pose at least MIN_PRIMER questions of their own)
CHAPTERS = {
    "meetings/vesper": ("vesper", 9),
    "meetings/denoising": ("denoising", 1),
    "meetings/so3-encodings": ("so3", 6),
    "meetings/sparx-transforms": ("sparx", 8),
    "meetings/rotation-averaging": ("averaging", 7),
    "meetings/orientation-estimation": ("orientation", 17),
    "meetings/bayesian-superposition": ("superposition", 12),
    "meetings/cryofold": ("cryofold", None),
    "meetings/cryodrgn2": ("cryodrgn2", 2),
    "meetings/lederman": ("lederman", None),
    "meetings/generative-reconstruction": ("miolane", None),
    "reading/advanced-so3": ("advso3", None),
    "reading/assorted-papers": ("assorted", None),
    "reading/advanced-microscopy": ("microscopy", None),
}
MIN_PRIMER = 3

LABEL = re.compile(r"\{exercise\}[^\n]*\n(?:[^\n]*\n)*?\s*:label:\s*([a-z0-9]+)-q(\d+)", re.M)
SOL_START = re.compile(r"\{solution-start\}\s+([a-z0-9]+)-q(\d+)")
SOL_END = re.compile(r"\{solution-end\}")
CHECK = re.compile(
    r"^\s*assert\b|\bassert_(allclose|array_equal|array_almost_equal|equal|almost_equal|array_less)\b",
    re.M,
)


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries):
        for e in entries or []:
            if "file" in e:
                files.append(e["file"])
            walk(e.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return files


def coverage(nb: dict) -> tuple[set, set, set]:
    posed, solved, checked = set(), set(), set()
    current = None
    for cell in nb["cells"]:
        src = source(cell)
        if cell["cell_type"] == "markdown":
            posed.update((p, int(n)) for p, n in LABEL.findall(src))
            start = SOL_START.search(src)
            if start:
                current = (start.group(1), int(start.group(2)))
                solved.add(current)
            if (
                SOL_END.search(src)
                and current
                and (not start or SOL_END.search(src[start.end() :]))
            ):
                current = None
        elif cell["cell_type"] == "code" and current and CHECK.search(src):
            checked.add(current)
    return posed, solved, checked


def slug(path: Path) -> str:
    return path.relative_to(ROOT / "book").with_suffix("").as_posix()


def test_there_are_chapters():
    assert NOTEBOOKS, "no notebooks under book/"


def test_every_toc_entry_exists():
    for f in toc_files():
        assert (ROOT / f"{f}.md").exists() or (ROOT / f"{f}.ipynb").exists(), (
            f"_toc.yml lists missing {f}"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=slug)
def test_notebook_is_in_toc_and_named_as_designed(path):
    assert f"book/{slug(path)}" in toc_files(), f"{path.name} is not listed in _toc.yml"
    assert slug(path) in CHAPTERS, f"{slug(path)} is not a chapter slug of DESIGN.md"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=slug)
def test_notebook_is_clean(path):
    nb = load(path)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert not cell.get("outputs"), (
                f"{path.name}: commit notebooks without outputs (`make nbfix` strips them)"
            )
            assert cell.get("execution_count") is None, (
                f"{path.name}: stale execution count (`make nbfix` strips it)"
            )
    assert path.stat().st_size < 1_000_000


@pytest.mark.parametrize("path", NOTEBOOKS, ids=slug)
def test_chapter_template(path):
    cells = load(path)["cells"]
    assert source(cells[0]).startswith("# "), "a chapter starts with its # title"
    code = [source(c) for c in cells if c["cell_type"] == "code"]
    assert any("google.colab" in c for c in code), "a Colab-guarded install cell is missing"
    text = "\n".join(source(c) for c in cells if c["cell_type"] == "markdown")
    for heading in ("## Overview", "## Summary", "## Further reading"):
        assert heading in text, f"missing section {heading}"
    assert "{cite" in text, "a chapter cites its papers"
    if slug(path).startswith("meetings/"):
        assert "## Live panel" in text and any("live(" in c for c in code), (
            "meeting chapters have a live panel"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=slug)
def test_every_question_posed_solved_and_checked(path):
    prefix, total = CHAPTERS[slug(path)]
    posed, solved, checked = coverage(load(path))
    if total is None:
        own = {n for p, n in checked if p == prefix}
        assert len(own) >= MIN_PRIMER, (
            f"a primer needs {MIN_PRIMER} checked questions, has {sorted(own)}"
        )
        return
    for n in range(1, total + 1):
        assert (prefix, n) in posed, f"{prefix}-q{n}: no exercise"
        assert (prefix, n) in solved, f"{prefix}-q{n}: no solution"
        assert (prefix, n) in checked, f"{prefix}-q{n}: no assert inside the solution"


def test_coverage_rule_catches_a_solution_without_assert():
    nb = {
        "cells": [
            {"cell_type": "markdown", "source": "```{exercise} T\n:label: so3-q1\n\nx\n```"},
            {"cell_type": "markdown", "source": "```{solution-start} so3-q1\n```"},
            {"cell_type": "code", "source": "print(1)"},
            {"cell_type": "markdown", "source": "```{solution-end}\n```"},
            {"cell_type": "code", "source": "assert True  # outside the solution: does not count"},
        ]
    }
    posed, solved, checked = coverage(nb)
    assert ("so3", 1) in posed and ("so3", 1) in solved and ("so3", 1) not in checked
