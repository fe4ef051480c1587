"""Every example in the helpers' docstrings runs and prints what it says."""

import doctest
import importlib
import pkgutil

import matplotlib
import pytest

import helpers

matplotlib.use("Agg")

MODULES = sorted(
    m.name for m in pkgutil.iter_modules(helpers.__path__) if not m.name.startswith("_")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"helpers.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, (
        f"{result.failed} of {result.attempted} examples failed in helpers.{name}"
    )
