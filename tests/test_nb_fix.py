"""scripts/nb_fix.py: macro expansion, the generated install cell, idempotence; and the
Binder/Colab configuration that reads the repository and Python version from one place."""

from __future__ import annotations

import ast
import json
import re
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import nb_fix  # noqa: E402

MACROS = nb_fix.book_macros()


def notebook(*cells: tuple[str, str]) -> str:
    nb = {
        "cells": [
            {"cell_type": t, "metadata": {}, "source": s, "outputs": [], "execution_count": None}
            if t == "code"
            else {"cell_type": t, "metadata": {}, "source": s}
            for t, s in cells
        ],
        "metadata": {"kernelspec": {"name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(nb)


def test_macros_come_from_config():
    cfg = yaml.safe_load((ROOT / "_config.yml").read_text())
    raw = cfg["sphinx"]["config"]["mathjax3_config"]["tex"]["macros"]
    assert set(MACROS) == set(raw) and MACROS["vv"] == ("\\mathbf{#1}", 1)


@pytest.mark.parametrize(
    ("tex", "want"),
    [
        (r"$R\T R=I$", r"$R^{\mathsf{T}} R=I$"),
        (r"$\vv{\uv{n}}$", r"$\mathbf{\hat{\mathbf{n}}}$"),  # nested
        (r"$\skew{\vv a}\tr(R)$", r"$[\mathbf{a}]_{\times}\operatorname{tr}(R)$"),
        (r"$\Theta\Tau\trace\SOx$", r"$\Theta\Tau\trace\SOx$"),  # longer names: not ours
        (r"`\vv{x}` and $\SO$", r"`\vv{x}` and $\mathrm{SO}(3)$"),  # code span kept
        ("```python\n\\vv{x}\n```\n$\\so$", "```python\n\\vv{x}\n```\n$\\mathfrak{so}(3)$"),
        ("```{math}\n\\vv{x}\n```", "```{math}\n\\mathbf{x}\n```"),  # directive expanded
    ],
)
def test_expand_markdown(tex, want):
    assert nb_fix.expand_markdown(tex, MACROS) == want


def test_missing_argument_raises():
    with pytest.raises(ValueError, match="argument"):
        nb_fix.expand_tex(r"$\vv", MACROS)


def test_fix_is_idempotent_and_cleans():
    text = notebook(
        ("markdown", "# T\n\n$\\vv{x}\\T$"),
        ("code", 'import sys\nif "google.colab" in sys.modules:\n    %pip install -q old'),
        ("code", "x = [1,2,\n 3]"),
    )
    nb = json.loads(text)
    nb["cells"][2]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "1"}]
    nb["cells"][2]["execution_count"] = 3
    nb["metadata"]["widgets"] = {"state": {}}
    once = nb_fix.fixed(json.dumps(nb))
    assert nb_fix.fixed(once) == once
    out = json.loads(once)
    assert nb_fix.source(out["cells"][0]) == "# T\n\n$\\mathbf{x}^{\\mathsf{T}}$"
    assert nb_fix.source(out["cells"][1]) == nb_fix.install_cell_source()
    assert "remove-input" in out["cells"][1]["metadata"]["tags"]
    assert nb_fix.source(out["cells"][2]) == "x = [1, 2, 3]"
    assert out["cells"][2]["outputs"] == [] and out["cells"][2]["execution_count"] is None
    assert "widgets" not in out["metadata"]


def test_check_flags_long_lines_and_local_macros():
    text = notebook(("markdown", "$\\newcommand{\\x}{y}$"), ("code", "# " + "x" * 100))
    assert nb_fix.long_lines(text) and nb_fix.local_macros(text)
    assert not nb_fix.local_macros(notebook(("markdown", "$\\delta\\define$")))


def test_install_cell_and_launch_buttons_read_config():
    cfg = yaml.safe_load((ROOT / "_config.yml").read_text())
    url, branch = cfg["repository"]["url"], cfg["repository"]["branch"]
    assert f'"git+{url}@{branch}"' in nb_fix.install_cell_source()
    assert cfg["launch_buttons"]["binderhub_url"] and cfg["launch_buttons"]["colab_url"]


def test_binder_and_package_agree_on_python_311():
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11"
    req = (ROOT / "binder" / "requirements.txt").read_text().split()
    assert "../requirements-runtime.txt" in req and "-e" in req
    # what helpers imports is declared for Colab's pip install
    names = {re.split(r"[<>=\[ ]", d)[0].lower() for d in project["dependencies"]}
    imported = set()
    for path in (ROOT / "helpers").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - {"helpers", "__future__"}
    assert third_party <= names, third_party - names
    runtime = (ROOT / "requirements-runtime.txt").read_text().lower()
    for name in names:
        assert re.search(rf"^{re.escape(name)}==", runtime, re.M), f"{name} not pinned"


def _solution_notebook(between_heading: bool = True) -> dict:
    cells = [
        ("markdown", "```{exercise} A\n:label: ch-q1\n\nWhy?\n```"),
        ("markdown", "```{solution-start} ch-q1\n:class: dropdown\n```"),
        ("markdown", "Because."),
        ("code", "x = 1"),
        ("markdown", "```{solution-end}\n```"),
    ]
    if between_heading:
        cells.append(("markdown", "### Question 2"))
    cells.append(("markdown", "```{exercise} B\n:label: ch-q2\n\nHow?\n```"))
    return json.loads(notebook(*cells))


def test_fold_cell_before_each_solution_and_idempotent():
    nb = _solution_notebook()
    nb["cells"][1]["id"] = "s1"
    nb_fix.fold_solutions(nb)
    texts = [nb_fix.source(c) for c in nb["cells"]]
    assert texts[1] == "#### Solution to question 1"
    fold = nb["cells"][1]
    assert fold["id"] == "s1-fold"
    assert fold["metadata"] == {"jp-MarkdownHeadingCollapsed": True, "tags": ["remove-cell"]}
    once = json.dumps(nb)
    nb_fix.fold_solutions(nb)
    assert json.dumps(nb) == once  # no second fold cell, same content


def test_save_folds_again_what_the_reader_opened():
    nb = _solution_notebook()
    nb_fix.fold_solutions(nb)
    # JupyterLab deletes the key when the reader opens the solution, and saves
    del nb["cells"][1]["metadata"]["jp-MarkdownHeadingCollapsed"]
    nb["cells"][4]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "1"}]
    nb_fix.clean_for_save(nb)
    assert nb["cells"][1]["metadata"]["jp-MarkdownHeadingCollapsed"] is True
    assert sum(nb_fix.source(c).startswith("#### Solution") for c in nb["cells"]) == 1
    assert all(c.get("outputs", []) == [] for c in nb["cells"])


def test_fold_problems_finds_a_fold_that_would_hide_the_next_exercise():
    assert nb_fix.fold_problems(_solution_notebook(between_heading=True)) == []
    problems = nb_fix.fold_problems(_solution_notebook(between_heading=False))
    assert len(problems) == 1 and "ch-q1" in problems[0]


def test_every_chapter_solution_is_folded_for_jupyterlab():
    for path in nb_fix.notebooks([]):
        nb = json.loads(path.read_text(encoding="utf-8"))
        starts = sum(
            bool(nb_fix.SOLUTION_START.search(nb_fix.source(c)))
            for c in nb["cells"]
            if c["cell_type"] == "markdown"
        )
        folds = [c for c in nb["cells"] if str(c.get("id", "")).endswith("-fold")]
        assert len(folds) == starts, path.name
        assert all(c["metadata"].get("jp-MarkdownHeadingCollapsed") for c in folds)
        assert nb_fix.fold_problems(nb) == [], path.name


@pytest.mark.parametrize(
    "text, want",
    [
        (
            "```{exercise} T\n:label: a-q1\n\nWhy $x$?\n```",
            ":::{exercise} T\n:label: a-q1\n\nWhy $x$?\n:::",
        ),
        # a nested code block with fewer backticks stays inside
        (
            "````{exercise} T\n:label: a-q1\n\n```python\nx = 1\n```\n````\n\nafter",
            ":::{exercise} T\n:label: a-q1\n\n```python\nx = 1\n```\n:::\n\nafter",
        ),
        # left open: runs to the end of the cell (CommonMark), and gets closed
        ("```{exercise} T\n:label: a-q1\n\nWhy?", ":::{exercise} T\n:label: a-q1\n\nWhy?\n:::"),
        # other directives and colon fences are left alone
        ("```{solution-start} a-q1\n```", "```{solution-start} a-q1\n```"),
    ],
)
def test_colon_fence_exercises(text, want):
    assert nb_fix.colon_fence_exercises(text) == want
    assert nb_fix.colon_fence_exercises(want) == want
