"""Every example in the helpers' docstrings runs and prints what it says."""

import doctest
import importlib
import pkgutil

import matplotlib
import pytest

import helpers

matplotlib.use("Agg")

MODULES = sorted(  # subpackages too (helpers.presentation and its panels)
    m.name.removeprefix("helpers.")
    for m in pkgutil.walk_packages(helpers.__path__, "helpers.")
    if not any(part.startswith("_") for part in m.name.split("."))
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"helpers.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, (
        f"{result.failed} of {result.attempted} examples failed in helpers.{name}"
    )
