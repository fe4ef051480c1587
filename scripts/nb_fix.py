"""Check or apply the book-wide mechanical rules to every chapter notebook (idempotent).

Rules (each is generated from one source of truth, so re-running changes nothing):

1. **Macros.** The book's LaTeX macros (``\\vv``, ``\\T``, ``\\SO``, ...) are defined once, in
   ``_config.yml`` (``mathjax3_config.tex.macros``), and written out in the notebooks from
   that definition: ``\\vv{x}`` becomes ``\\mathbf{x}``. Macros defined in one markdown
   cell do not reach the others in JupyterLab with jupyterlab-myst (KaTeX renders each
   cell alone, and KaTeX predefines ``\\R``), and Colab and plain JupyterLab have their own
   renderers: expanded notebooks read the same in all of them and on the website. Write
   the macros when authoring; ``--fix`` expands them. Markdown pages (``*.md``) keep them.
2. **Colab install cell.** The cell guarded by ``"google.colab"`` installs ``helpers`` from
   ``repository.url`` and ``repository.branch`` of ``_config.yml``.
3. **Format.** Code cells are formatted by ``ruff format`` at 88 columns.
4. **Clean.** No outputs, execution counts or widget state; kernelspec ``python3``.
5. **Folded solutions.** Before each ``{solution-start}`` cell stands a generated cell
   ``#### Solution to question <n>`` (id ``<solution cell id>-fold``), tagged ``remove-cell``
   (the website drops it: its solutions are dropdowns) and marked collapsed with
   JupyterLab's ``jp-MarkdownHeadingCollapsed``: a chapter opened in JupyterLab (``make
   lab``, Binder) shows each solution folded under that heading until the reader opens it,
   and running the cells keeps it folded (JupyterLab unfolds cells hidden one by one,
   ``jupyter.source_hidden``, when they run). The fold ends at the next heading, so a
   solution must be followed by a heading of level 1 to 4 (the next question's). Colab
   shows the heading as a label, and folds sections by headings too.

6. **Exercise fences.** An ``{exercise}`` directive is written with a colon fence
   (``:::{exercise} Title`` ... ``:::``), not backticks: Colab and a JupyterLab without
   jupyterlab-myst, which do not know MyST, then render the question's text and math as
   Markdown (a backtick fence would show it as a raw code block); the website and
   jupyterlab-myst read both forms alike. ``--fix`` rewrites backtick exercise fences.

A macro defined inside a chapter (``\\newcommand``, ``\\def``) fails the check: it would
reach no other cell in JupyterLab. Add it to ``_config.yml`` instead.

``--check`` lists what ``--fix`` would change, plus code lines still over 88 columns
after formatting (comments and strings, which a formatter does not break; fix by hand),
and exits 1 if anything is listed (long lines only print with ``LAYOUT_CHECKS=report``).

Usage: python scripts/nb_fix.py --check|--fix [NOTEBOOK ...]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
WIDTH = 88
INSTALL_MARK = '"google.colab"'
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}


def config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text())


def book_macros() -> dict[str, tuple[str, int]]:
    """name -> (body, number of arguments), from _config.yml."""
    raw = config()["sphinx"]["config"]["mathjax3_config"]["tex"]["macros"]
    out = {}
    for name, value in raw.items():
        body, nargs = (value[0], int(value[1])) if isinstance(value, list) else (value, 0)
        out[name] = (body, nargs)
    return out


MACRO = re.compile(r"\\([A-Za-z]+)(?![A-Za-z])")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})(.*)$")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")


def _argument(text: str, i: int) -> tuple[str, int]:
    """One TeX argument at text[i:]: a balanced {group} or a single token."""
    while i < len(text) and text[i] == " ":
        i += 1
    if i >= len(text):
        raise ValueError("missing macro argument")
    if text[i] == "{":
        depth = 0
        for j in range(i, len(text)):
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            if depth == 0:
                return text[i + 1 : j], j + 1
        raise ValueError("unbalanced braces in a macro argument")
    m = re.match(r"\\[A-Za-z]+|\\.|.", text[i:])
    return m.group(0), i + len(m.group(0))


def expand_tex(text: str, macros: dict[str, tuple[str, int]]) -> str:
    """Replace every book macro in ``text`` by its definition (repeated: nested macros)."""
    for _ in range(10):
        out, i, changed = [], 0, False
        for m in MACRO.finditer(text):
            if m.start() < i or m.group(1) not in macros:
                continue
            body, nargs = macros[m.group(1)]
            j = m.end()
            for k in range(1, nargs + 1):
                arg, j = _argument(text, j)
                body = body.replace(f"#{k}", arg)
            out.append(text[i : m.start()])
            out.append(body)
            i, changed = j, True
        out.append(text[i:])
        text = "".join(out)
        if not changed:
            return text
    raise ValueError("macro expansion did not terminate")


def expand_markdown(text: str, macros: dict[str, tuple[str, int]]) -> str:
    """Expand book macros in a markdown cell, leaving code spans and code blocks alone.

    Fenced blocks whose info string starts with ``{`` are MyST directives (exercises,
    solutions, math) and are expanded; other fences are code and are not.
    """
    lines = text.splitlines(keepends=True)
    out, fence, chunk = [], None, []

    def flush():
        if chunk:
            body = "".join(chunk)
            pos, rebuilt = 0, []
            for m in CODE_SPAN.finditer(body):
                rebuilt.append(expand_tex(body[pos : m.start()], macros))
                rebuilt.append(m.group(0))
                pos = m.end()
            rebuilt.append(expand_tex(body[pos:], macros))
            out.append("".join(rebuilt))
            chunk.clear()

    for line in lines:
        m = FENCE.match(line)
        if fence is None and m and not m.group(2).strip().startswith("{"):
            flush()
            fence = m.group(1)
            out.append(line)
        elif fence is not None:
            out.append(line)
            if line.strip().startswith(fence) and line.strip().strip(fence[0]) == "":
                fence = None
        else:
            chunk.append(line)
    flush()
    return "".join(out)


def install_cell_source() -> str:
    repo = config()["repository"]
    url = repo["url"].rstrip("/")
    branch = repo.get("branch", "main")
    return (
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:  # on Colab only: install the helpers package\n'
        f'    %pip install -q "git+{url}@{branch}"'
    )


def source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def set_source(cell: dict, text: str) -> None:
    lines = text.splitlines(keepends=True)
    cell["source"] = lines


def strip_outputs(nb: dict) -> None:
    """Remove outputs, execution counts and widget state (in place)."""
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        for key in ("execution", "collapsed", "scrolled"):
            cell.get("metadata", {}).pop(key, None)
    meta = nb.setdefault("metadata", {})
    meta.pop("widgets", None)
    meta["kernelspec"] = dict(KERNELSPEC)
    meta["language_info"] = {"name": "python"}


SOLUTION_START = re.compile(r"^\s*(`{3,}|:{3,})\{solution-start\}\s*(\S+)", re.M)
FOLD_SUFFIX = "-fold"
FOLD_KEY = "jp-MarkdownHeadingCollapsed"


def fold_cell(label: str, solution_id: str) -> dict:
    """The generated heading that folds one solution in JupyterLab (rule 5)."""
    m = re.search(r"-q(\d+)$", label)
    return {
        "cell_type": "markdown",
        "id": solution_id + FOLD_SUFFIX,
        "metadata": {FOLD_KEY: True, "tags": ["remove-cell"]},
        "source": [f"#### Solution to question {m.group(1)}" if m else f"#### Solution to {label}"],
    }


def fold_solutions(nb: dict) -> None:
    """Rule 5: one folded heading before each solution, and no stale ones (in place)."""
    cells = [c for c in nb["cells"] if not str(c.get("id", "")).endswith(FOLD_SUFFIX)]
    out = []
    for cell in cells:
        m = SOLUTION_START.search(source(cell)) if cell["cell_type"] == "markdown" else None
        if m:
            out.append(fold_cell(m.group(2), str(cell.get("id", m.group(2)))))
        out.append(cell)
    nb["cells"] = out


HEADING = re.compile(r"^#{1,4} ", re.M)
SOLUTION_END = re.compile(r"\{solution-end\}")
EXERCISE = re.compile(r"\{exercise\}")


def fold_problems(nb: dict) -> list[str]:
    """Solutions whose fold (rule 5) would hide more than the solution.

    JupyterLab folds from the generated heading down to the next cell holding a heading of
    level 1 to 4: that cell must be the ``{solution-end}`` cell or come after it, and come
    before the next exercise.
    """
    cells = [(c["cell_type"], source(c)) for c in nb["cells"]]
    out = []
    for i, (kind, text) in enumerate(cells):
        m = SOLUTION_START.search(text) if kind == "markdown" else None
        if not m:
            continue
        end = None
        for j in range(i + 1, len(cells)):
            kind_j, text_j = cells[j]
            if kind_j != "markdown":
                continue
            if end is None and SOLUTION_END.search(text_j):
                end = j
            if HEADING.search(text_j):
                if end is None:
                    out.append(f"{m.group(2)}: a heading inside the solution ends its fold")
                break
            if end is not None and EXERCISE.search(text_j):
                out.append(
                    f"{m.group(2)}: no heading between the solution and the next exercise"
                    " (its fold would hide that exercise)"
                )
                break
    return out


def clean_for_save(nb: dict) -> None:
    """What `make lab` writes on every save: rules 4 and 5 (in place).

    A reader who opens a solution in JupyterLab unfolds it in the file too; saving
    folds it again, so the tracked notebook does not change.
    """
    strip_outputs(nb)
    fold_solutions(nb)


EXERCISE_OPEN = re.compile(r"^(`{3,})\{exercise\}(.*)$")


def colon_fence_exercises(text: str) -> str:
    """Rule 6: rewrite backtick ``{exercise}`` fences of one markdown cell as colon fences.

    The closing fence is the first later line of only backticks, at least as many as the
    opening (CommonMark's rule, so a nested code block must use fewer backticks); a fence
    left open runs to the end of the cell, as in CommonMark, and gets its closing line.
    """
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        m = EXERCISE_OPEN.match(lines[i])
        if not m:
            out.append(lines[i])
            i += 1
            continue
        n = len(m.group(1))
        close = next(
            (j for j in range(i + 1, len(lines)) if re.fullmatch(r"`{%d,}\s*" % n, lines[j])),
            len(lines),
        )
        out.append(":::{exercise}" + m.group(2))
        out.extend(lines[i + 1 : close])
        out.append(":::")
        i = close + 1
    return "\n".join(out)


def fix_cells(nb: dict) -> None:
    """Apply rules 1, 2, 4, 5 and 6 (in place)."""
    macros = book_macros()
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            text = source(cell)
            new = colon_fence_exercises(expand_markdown(text, macros))
            if new != text:
                set_source(cell, new)
        elif cell["cell_type"] == "code" and INSTALL_MARK in source(cell):
            set_source(cell, install_cell_source())
            tags = cell.setdefault("metadata", {}).setdefault("tags", [])
            if "remove-input" not in tags:
                tags.append("remove-input")
    clean_for_save(nb)


def dump(nb: dict) -> str:
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def ruff() -> str:
    exe = Path(sys.executable).parent / "ruff"
    return str(exe) if exe.exists() else (shutil.which("ruff") or "ruff")


def ruff_format(text: str) -> str:
    """Format a notebook's code cells with ruff at WIDTH columns; returns the new JSON."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "nb.ipynb"
        path.write_text(text, encoding="utf-8")
        subprocess.run(
            [ruff(), "format", "--quiet", "--isolated", f"--line-length={WIDTH}", str(path)],
            check=True,
        )
        return path.read_text(encoding="utf-8")


def fixed(text: str) -> str:
    nb = json.loads(text)
    fix_cells(nb)
    return ruff_format(dump(nb))


LOCAL_MACRO = re.compile(r"\\(newcommand|renewcommand|def|gdef|let)(?![A-Za-z])")


def local_macros(text: str) -> list[str]:
    """Macro definitions in markdown cells: they reach no other cell in JupyterLab."""
    nb = json.loads(text)
    return [
        f"cell {k}: \\{m.group(1)} (add the macro to _config.yml instead)"
        for k, cell in enumerate(nb["cells"])
        if cell["cell_type"] == "markdown"
        for m in LOCAL_MACRO.finditer(source(cell))
    ]


def long_lines(text: str) -> list[str]:
    nb = json.loads(text)
    out = []
    for k, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        for j, line in enumerate(source(cell).splitlines()):
            if len(line) > WIDTH:
                out.append(f"cell {k} line {j + 1}: {len(line)} columns")
    return out


def notebooks(args: list[str]) -> list[Path]:
    if args:
        return [Path(a).resolve() for a in args]
    return sorted(
        p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
    )


def diff_summary(old: str, new: str) -> str:
    a, b = json.loads(old), json.loads(new)
    what = []
    if len(a["cells"]) != len(b["cells"]):
        what.append("cells added or removed")
    else:
        for ca, cb in zip(a["cells"], b["cells"]):
            if source(ca) != source(cb):
                if ca["cell_type"] == "markdown":
                    what.append("book macros to expand")
                elif INSTALL_MARK in source(cb):
                    what.append("install cell differs from _config.yml")
                else:
                    what.append("code not formatted (ruff format, 88 columns)")
            elif ca.get("outputs") or ca.get("execution_count") is not None:
                what.append("outputs not stripped")
            elif ca.get("metadata") != cb.get("metadata"):
                what.append("cell metadata")
    if a.get("metadata") != b.get("metadata"):
        what.append("notebook metadata (widget state, kernelspec)")
    return ", ".join(sorted(set(what))) or "JSON layout"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true")
    mode.add_argument("--fix", action="store_true")
    parser.add_argument("notebooks", nargs="*")
    args = parser.parse_args(argv)
    bad = 0
    for path in notebooks(args.notebooks):
        name = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
        text = path.read_text(encoding="utf-8")
        new = fixed(text)
        if new != text:
            if args.fix:
                path.write_text(new, encoding="utf-8")
                print(f"fixed {name}")
            else:
                print(f"{name}: {diff_summary(text, new)} (run: make nbfix)")
                bad += 1
        for msg in fold_problems(json.loads(new)):
            print(f"{name}: {msg}")
            bad += 1
        for msg in local_macros(new):
            print(f"{name}: {msg}")
            bad += 1
        for msg in long_lines(new):
            print(f"{name}: {msg} over {WIDTH} (shorten by hand)")
            bad += os.environ.get("LAYOUT_CHECKS", "strict") != "report"
    if args.check and bad:
        print(f"nb_fix --check: {bad} problem(s)")
    return 1 if (args.check and bad) else 0


if __name__ == "__main__":
    sys.exit(main())
