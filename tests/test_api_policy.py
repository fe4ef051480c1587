"""The API policy of book/conventions.md, checked on every public signature of the
mathematics modules: no ``*_deg`` argument or constant names, no ``quaternion`` spelled out
in a public name (it is ``quat``), no ``seed`` arguments, no hidden default random
generators, no flag that changes the return type.

The few remaining violations belong to modules other work is rewriting; they are
listed here by name with their owner, and the test fails both on a new violation and
on a listed one that has been fixed (so the list cannot go stale)."""

import importlib
import inspect
import pkgutil
import re

import helpers

PRESENTATION = {"plotting", "panels", "widgets"}  # not covered yet (see conventions.md)
MODULES = sorted(
    m.name
    for m in pkgutil.iter_modules(helpers.__path__)
    if not m.name.startswith("_") and m.name not in PRESENTATION
)

KNOWN: set[str] = set()  # nothing left in the mathematics modules


def _public_callables(mod):
    names = getattr(mod, "__all__", [n for n in dir(mod) if not n.startswith("_")])
    for name in names:
        obj = getattr(mod, name)
        if inspect.isfunction(obj):
            yield name, obj
        elif inspect.isclass(obj) and obj.__module__ == mod.__name__:
            for mname, meth in inspect.getmembers(obj, inspect.isfunction):
                if not mname.startswith("_") or mname == "__init__":
                    yield f"{name}.{mname}", meth


def violations():
    found = set()
    for modname in MODULES:
        mod = importlib.import_module(f"helpers.{modname}")
        public = getattr(mod, "__all__", [n for n in dir(mod) if not n.startswith("_")])
        for name in public:
            if re.search(r"_deg(rees)?$", name, re.IGNORECASE):
                found.add(f"{modname}.{name}: a *_deg name")
            if "quaternion" in name.lower():
                found.add(f"{modname}.{name}: spells quaternion out (the names say quat)")
        for name, fn in _public_callables(mod):
            where = f"{modname}.{name}"
            sig = inspect.signature(fn)
            for p in sig.parameters.values():
                if p.name.endswith("_deg") or p.name.endswith("_degrees"):
                    found.add(f"{where}: {p.name} is a *_deg name")
                if p.name == "seed" or p.name.endswith("_seed"):
                    found.add(f"{where}: takes {p.name} instead of rng")
                if p.name.startswith("return_") and p.default in (True, False):
                    found.add(f"{where}: {p.name} flag chooses the return type")
                if p.name == "rng" and p.default is not inspect.Parameter.empty:
                    if p.default is not None:
                        found.add(f"{where}: rng has a default generator")
            try:
                src = inspect.getsource(fn)
            except OSError:
                continue
            body = src.split('"""')[-1] if src.count('"""') >= 2 else src
            if re.search(r"default_rng\(", body):
                found.add(f"{where}: creates a hidden default generator")
    return found


def test_public_signatures_follow_the_api_policy():
    found = violations()
    new = sorted(found - KNOWN)
    fixed = sorted(KNOWN - found)
    assert not new, "API policy violations:\n" + "\n".join(new)
    assert not fixed, "fixed, remove from KNOWN:\n" + "\n".join(fixed)


def test_the_checker_catches_each_kind_of_violation():
    """The checker itself must be able to fail: feed it a module that breaks each rule."""
    import types

    bad = types.ModuleType("helpers.fake")

    def a(x, angle_deg=1.0):
        return x

    def b(x, seed=0):
        return x

    def c(x, return_info=False):
        return x

    def d(x, rng=None):
        rng = rng if rng is not None else __import__("numpy").random.default_rng(0)
        return x

    def quaternion_e(x):
        return x

    for f in (a, b, c, d, quaternion_e):
        f.__module__ = "helpers.fake"
        setattr(bad, f.__name__, f)
    bad.TURN_DEG = 40.0
    bad.__all__ = ["a", "b", "c", "d", "quaternion_e", "TURN_DEG"]
    import sys

    sys.modules["helpers.fake"] = bad
    MODULES.append("fake")
    try:
        found = {v.split(":")[0] for v in violations()}
    finally:
        MODULES.remove("fake")
        del sys.modules["helpers.fake"]
    assert {"fake.a", "fake.b", "fake.c", "fake.d", "fake.quaternion_e", "fake.TURN_DEG"} <= found
