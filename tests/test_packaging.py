"""The non-editable install that Colab's first cell makes (``pip install git+<repo>``).

Builds the wheel of this repository and checks that it carries every ``helpers`` module
(a subpackage missing from ``pyproject.toml`` would import in a clone and fail on Colab)
and every data file that :mod:`helpers.datasets` reads.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from helpers import datasets

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory) -> set[str]:
    # build from a copy: setuptools writes build/ and *.egg-info next to pyproject.toml
    src = tmp_path_factory.mktemp("src")
    shutil.copy(ROOT / "pyproject.toml", src)
    shutil.copytree(ROOT / "helpers", src / "helpers", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "book" / "data", src / "book" / "data")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(src),
        ],
        check=True,
        capture_output=True,
    )
    (whl,) = out.glob("*.whl")
    with zipfile.ZipFile(whl) as z:
        return set(z.namelist())


def test_wheel_has_every_helpers_module(wheel_names):
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "helpers").rglob("*.py")}
    missing = sorted(modules - wheel_names)
    assert not missing, f"not in the wheel (add the package to pyproject.toml): {missing}"


def test_wheel_has_every_data_file(wheel_names):
    missing = sorted(f"helpers/data/{name}" for name in datasets.FILES)
    missing = [m for m in missing if m not in wheel_names]
    assert not missing, missing
