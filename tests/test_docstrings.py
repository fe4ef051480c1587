"""Every example in the helpers' docstrings runs and prints what it says."""

import doctest
import importlib
import inspect
import pkgutil
import re

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


PRESENTATION = {m for m in MODULES if m.split(".")[0] == "presentation"}
SECTION = re.compile(r"^\s*(Parameters|Returns|Yields|Attributes|Examples)\s*\n\s*-{3,}\s*$", re.M)


def _missing_sections(where: str, obj) -> list[str]:
    """The numpy-style sections a public function, method or class lacks."""
    found = set(SECTION.findall(inspect.getdoc(obj) or ""))
    if inspect.isclass(obj):
        return [] if found & {"Parameters", "Attributes"} else [f"{where}: Parameters/Attributes"]
    sig = inspect.signature(obj)
    out = []
    if any(p not in ("self", "cls") for p in sig.parameters) and "Parameters" not in found:
        out.append(f"{where}: Parameters")
    if sig.return_annotation not in (None, "None") and not found & {"Returns", "Yields"}:
        out.append(f"{where}: Returns")
    if "Examples" not in found:
        out.append(f"{where}: Examples")
    return out


def missing_sections(modules) -> list[str]:
    out = []
    for name in modules:
        mod = importlib.import_module(f"helpers.{name}")
        for attr in getattr(mod, "__all__", []):
            obj = getattr(mod, attr)
            if inspect.isfunction(obj):
                out += _missing_sections(f"{name}.{attr}", obj)
            elif inspect.isclass(obj) and obj.__module__ == mod.__name__:
                out += _missing_sections(f"{name}.{attr}", obj)
                for mname, meth in vars(obj).items():
                    fn = meth.__func__ if isinstance(meth, (staticmethod, classmethod)) else meth
                    if not mname.startswith("_") and inspect.isfunction(fn):
                        out += _missing_sections(f"{name}.{attr}.{mname}", fn)
    return out


def test_every_public_mathematics_function_documents_parameters_returns_and_examples():
    missing = missing_sections([m for m in MODULES if m not in PRESENTATION])
    assert not missing, "numpy-style sections missing:\n" + "\n".join(missing)


def presentation_missing_sections() -> list[str]:
    """Every public function and class of the presentation package documents its
    parameters (or attributes) and has an example; its public methods document their
    parameters."""
    out = []
    for name in sorted(PRESENTATION):
        mod = importlib.import_module(f"helpers.{name}")
        for attr in getattr(mod, "__all__", []):
            obj = getattr(mod, attr)
            if getattr(obj, "__module__", None) != mod.__name__:
                continue  # re-exported: checked where it is defined
            where = f"{name}.{attr}"
            if inspect.isfunction(obj):
                out += _missing_sections(where, obj)
            elif inspect.isclass(obj):
                out += _missing_sections(where, obj)
                if "Examples" not in SECTION.findall(inspect.getdoc(obj) or ""):
                    out.append(f"{where}: Examples")
                for mname, meth in vars(obj).items():
                    fn = meth.__func__ if isinstance(meth, (staticmethod, classmethod)) else meth
                    if mname.startswith("_") or not inspect.isfunction(fn):
                        continue
                    sections = SECTION.findall(inspect.getdoc(fn) or "")
                    params = [
                        p for p in inspect.signature(fn).parameters if p not in ("self", "cls")
                    ]
                    if params and "Parameters" not in sections:
                        out.append(f"{where}.{mname}: Parameters")
    return out


def test_every_public_presentation_function_and_class_has_parameters_and_an_example():
    missing = presentation_missing_sections()
    assert not missing, "numpy-style sections missing:\n" + "\n".join(missing)


def test_the_section_check_can_fail():
    def f(x: float) -> float:
        """Twice ``x``."""
        return 2 * x

    class Result:
        """A result."""

        value: float

    assert _missing_sections("f", f) == ["f: Parameters", "f: Returns", "f: Examples"]
    assert _missing_sections("Result", Result) == ["Result: Parameters/Attributes"]
