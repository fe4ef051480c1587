"""Check that Binder's install resolves: the lean runtime set in a fresh Python 3.11 venv.

Binder builds with repo2docker, which (because ``binder/`` exists) reads only
``binder/``: ``runtime.txt`` for the Python version, then runs
``pip install -r binder/requirements.txt`` from the repository root, then ``postBuild``.
This script does the same in a new venv made by a Python 3.11 interpreter (the one given,
or ``python3.11``/``python3`` if it is 3.11), then

- imports every module that any chapter imports, and every ``helpers`` module;
- checks that JupyterLab sees its widget and MyST extensions as enabled;
- runs ``binder/postBuild`` (the JupyterLab settings).

With ``--repo2docker`` it also installs jupyter-repo2docker into the same venv and
renders Binder's Dockerfile without Docker (``--no-build``), printing the lines that
show which files it used.

Usage: python scripts/runtime_check.py [--python python3.11] [--keep DIR] [--repo2docker]
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def chapter_imports() -> set[str]:
    mods: set[str] = set()
    for path in sorted((ROOT / "book").rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            # IPython magics are not Python: blank them out before parsing
            src = re.sub(r"^(\s*)[%!].*$", r"\1pass", src, flags=re.M)
            for node in ast.walk(ast.parse(src)):
                if isinstance(node, ast.Import):
                    mods.update(a.name for a in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    mods.add(node.module)
                    if node.module == "helpers":
                        mods.update(f"helpers.{a.name}" for a in node.names)
    mods.update(f"helpers.{p.stem}" for p in (ROOT / "helpers").glob("[a-z]*.py"))
    return mods


def find_python(given: str | None) -> str:
    for cand in [given, "python3.11", "python3", sys.executable]:
        if not cand:
            continue
        exe = shutil.which(cand) or cand
        try:
            out = subprocess.run(
                [exe, "-c", "import sys; print(sys.version_info[:2])"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        except (OSError, subprocess.CalledProcessError):
            continue
        if out.strip() == "(3, 11)":
            return exe
    raise SystemExit("no Python 3.11 interpreter found (Binder's runtime.txt asks for 3.11)")


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run(cmd, check=True, **kw)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python")
    parser.add_argument("--keep", help="make the venv here and keep it")
    parser.add_argument("--repo2docker", action="store_true")
    args = parser.parse_args()
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    assert runtime == "python-3.11", runtime
    python = find_python(args.python)
    tmp = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="runtime-check-"))
    venv = tmp / "venv"
    t0 = time.time()
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    try:
        run([python, "-m", "venv", str(venv)])
        py = str(venv / "bin" / "python")
        run([py, "-m", "pip", "install", "-q", "-U", "pip"], env=env)
        # exactly what repo2docker runs, from the repository root
        run([py, "-m", "pip", "install", "-q", "-r", "binder/requirements.txt"], cwd=ROOT, env=env)
        mods = sorted(chapter_imports())
        code = "import importlib\nfor m in %r:\n    importlib.import_module(m)\n" % mods
        code += "print('imported', len(%r), 'modules')\n" % mods
        run([py, "-c", code], cwd=tmp, env=env)
        dev = {"pytest", "ruff", "jupyter_book", "playwright", "hypothesis", "sphinx"}
        leaked = [
            m
            for m in dev
            if subprocess.run([py, "-c", f"import {m}"], capture_output=True).returncode == 0
        ]
        if leaked:
            print(f"runtime set pulls in development tools: {leaked}")
            return 1
        ext = subprocess.run(
            [str(venv / "bin" / "jupyter"), "labextension", "list"],
            capture_output=True,
            text=True,
            env=env,
        )
        listing = ext.stdout + ext.stderr
        for name in ("jupyterlab-myst", "@jupyter-widgets/jupyterlab-manager"):
            if not re.search(rf"{re.escape(name)} v\S+ .*enabled", listing):
                print(f"JupyterLab extension {name} missing:\n{listing}")
                return 1
        run(
            ["bash", "binder/postBuild"],
            cwd=ROOT,
            env={**env, "PATH": f"{venv}/bin:" + env["PATH"]},
        )
        if args.repo2docker:
            run([py, "-m", "pip", "install", "-q", "jupyter-repo2docker"], env=env)
            out = subprocess.run(
                [
                    str(venv / "bin" / "repo2docker"),
                    "--no-build",
                    "--debug",
                    "--user-id",
                    "1000",
                    "--user-name",
                    "jovyan",
                    str(ROOT),
                ],
                capture_output=True,
                text=True,
                env=env,
            )
            text = out.stdout + out.stderr
            keep = re.compile(
                r"environment for python=|COPY \S+ src/ |pip install|postBuild|R2D_ENTRYPOINT"
            )
            lines = [ln for ln in text.splitlines() if keep.search(ln)]
            print("repo2docker --no-build: the Dockerfile lines that use binder/ and Python:")
            print("\n".join(f"  {ln.strip()[-110:]}" for ln in lines[:40]))
            # Python 3.11 base environment; the whole repository is copied before pip runs
            # (binder/requirements.txt refers to ../requirements-runtime.txt and to ".")
            copy = text.find("src/ ${REPO_DIR}/")
            pip = text.find('pip install --no-cache-dir -r "binder/requirements.txt"')
            if "environment for python=3.11" not in text or not 0 <= copy < pip:
                print("repo2docker would not install binder/requirements.txt on Python 3.11")
                return 1
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"runtime check: ok in {time.time() - t0:.0f} s ({python})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
