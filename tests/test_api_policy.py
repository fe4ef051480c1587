"""The API policy of book/conventions.md, checked on every public signature of
``helpers`` (the mathematics modules and the presentation package): no ``*_deg``
argument or constant names, no ``quaternion`` spelled out in a public name (it is
``quat``), no ``seed`` arguments, no hidden default random generators (a panel may seed
its generator from a declared class constant, ``default_rng(self.SEED)``), no flag that
changes the return type, no ``degrees=True`` default (degrees are asked for, never
implied), and no bare tuple of different things returned where the policy asks for a
NamedTuple; and the layering: no module outside ``helpers.presentation`` imports
matplotlib, ipywidgets or the presentation package.

The few remaining violations belong to modules other work is rewriting; they are
listed here by name with their owner, and the test fails both on a new violation and
on a listed one that has been fixed (so the list cannot go stale)."""

import ast
import importlib
import inspect
import pkgutil
import re
import warnings
from pathlib import Path

import helpers

MODULES = sorted(
    m.name.removeprefix("helpers.")
    for m in pkgutil.walk_packages(helpers.__path__, "helpers.")
    if not any(part.startswith("_") for part in m.name.split("."))
)
# a generator seeded from a declared constant of the panel class is not hidden
DECLARED_SEED = re.compile(r"default_rng\((self|cls|[A-Z]\w*)\.[A-Z_]*SEED\)")

KNOWN: set[str] = set()

# Plain tuples the policy allows: (value, gradient) pairs in scipy's ``jac=True`` form,
# two solutions of one kind, one array per axis (as numpy.meshgrid), a list of layers.
# ``degrees=None`` is allowed: the EM conventions' own unit (see conventions.md).
TUPLE_RETURNS = {
    "atomic.projection_loss",
    "atomic.bond_restraint",
    "orientnet.qd_mlp_value_and_grad",
    "euler.slabaugh_euler",
    "fourier.frequency_components",
    "orientnet.init_mlp",
    "datasets.DensityMap.coordinates",
    "latent.MLP.backward",
}


def _public_callables(mod):
    names = getattr(mod, "__all__", [n for n in dir(mod) if not n.startswith("_")])
    for name in names:
        obj = getattr(mod, name)
        if inspect.isfunction(obj):
            yield name, obj
        elif inspect.isclass(obj) and obj.__module__ == mod.__name__:
            with warnings.catch_warnings():  # ipywidgets' deprecated class attributes
                warnings.simplefilter("ignore", DeprecationWarning)
                members = inspect.getmembers(obj, inspect.isfunction)
            for mname, meth in members:
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
                if p.name == "degrees" and p.default not in (False, None):
                    found.add(f"{where}: degrees defaults to {p.default!r}, not False")
                if p.name == "rng" and p.default is not inspect.Parameter.empty:
                    if p.default is not None:
                        found.add(f"{where}: rng has a default generator")
            ret = str(sig.return_annotation)
            if re.match(r"(tuple|list\[tuple)\[", ret) and where not in TUPLE_RETURNS:
                found.add(f"{where}: returns a plain {ret} (use a NamedTuple)")
            try:
                src = inspect.getsource(fn)
            except OSError:
                continue
            body = src.split('"""')[-1] if src.count('"""') >= 2 else src
            if re.search(r"default_rng\(", DECLARED_SEED.sub("", body)):
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

    def f(x, degrees=True):
        return x

    def g(x) -> "tuple[float, float]":
        return x, x

    for f in (a, b, c, d, quaternion_e, f, g):
        f.__module__ = "helpers.fake"
        setattr(bad, f.__name__, f)
    bad.TURN_DEG = 40.0
    bad.__all__ = ["a", "b", "c", "d", "quaternion_e", "f", "g", "TURN_DEG"]
    import sys

    sys.modules["helpers.fake"] = bad
    MODULES.append("fake")
    try:
        found = {v.split(":")[0] for v in violations()}
    finally:
        MODULES.remove("fake")
        del sys.modules["helpers.fake"]
    want = {"a", "b", "c", "d", "quaternion_e", "f", "g", "TURN_DEG"}
    assert {f"fake.{n}" for n in want} <= found


def _private_names_imported(src: str) -> list[str]:
    """``module.name`` for every private name imported from a sibling module of helpers
    (``_checks`` is the one private module every helper imports, by design)."""
    out = []
    for m in re.finditer(r"from \.+([\w.]*) import (\([^)]*\)|[^\n]*)", src):
        if m.group(1) == "_checks":
            continue
        items = m.group(2).strip("()").split(",")
        names = [item.split()[0] for item in items if item.strip()]  # not the "as" alias
        out += [f"{m.group(1)}.{n}" for n in names if n.startswith("_")]
    return out


def private_uses() -> list[str]:
    """Private names used across modules of helpers or from a chapter: anything a second
    module or a chapter needs must be public."""
    import json
    from pathlib import Path

    root = Path(helpers.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):  # the presentation package too
        found += [f"{path.name}: {n}" for n in _private_names_imported(path.read_text("utf-8"))]
    mods = "|".join(re.escape(name) for name in MODULES)
    for nb in sorted((root.parent / "book").rglob("*.ipynb")):
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            src = "".join(cell["source"])
            hits = re.findall(r"\bfrom helpers\.\w+ import [^\n]*\b_\w+", src)
            hits += re.findall(rf"\b(?:helpers\.)?(?:{mods})\._[a-z]\w*", src)
            found += [f"{nb.name}: {h}" for h in hits]
    return found


def test_no_private_helper_is_used_across_modules_or_from_a_chapter():
    assert not private_uses(), "\n".join(private_uses())
    # the checker itself can fail
    src = (
        "from .imaging import _padded_transform, ctf\n"
        "from .fourier import (\n    centered_fft,\n    _unchecked,\n)\n"
        "from ._checks import as_float_array\n"
        "from .threads import limit_blas_threads as _limit\n"
    )
    assert _private_names_imported(src) == ["imaging._padded_transform", "fourier._unchecked"]


PRESENTATION_ONLY = ("matplotlib", "ipywidgets", "helpers.presentation", "IPython")


def _imports(path: Path, top: Path) -> set[str]:
    """Absolute names of every module ``path`` imports (relative imports resolved)."""
    package = list(path.relative_to(top).parts[:-1])  # the package holding the file
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            mod = ".".join(base + ([node.module] if node.module else []))
            found.add(mod)
            found.update(f"{mod}.{a.name}" for a in node.names)
    return found


def layering_violations(root: Path) -> list[str]:
    bad = []
    for path in sorted(root.rglob("*.py")):
        if "presentation" in path.relative_to(root).parts:
            continue
        for name in _imports(path, root.parent):
            if name.startswith(PRESENTATION_ONLY):
                bad.append(f"{path.relative_to(root.parent)} imports {name}")
    return bad


def test_mathematics_modules_never_import_presentation():
    bad = layering_violations(Path(helpers.__file__).parent)
    assert not bad, "\n".join(bad)


def test_the_layering_check_can_fail(tmp_path):
    pkg = tmp_path / "helpers"
    (pkg / "presentation").mkdir(parents=True)
    (pkg / "presentation" / "ok.py").write_text("import matplotlib.pyplot as plt\n")
    (pkg / "maths.py").write_text("from .presentation import style\nimport numpy\n")
    (pkg / "other.py").write_text("from matplotlib import ticker\n")
    bad = layering_violations(pkg)
    assert any("maths.py imports helpers.presentation" in b for b in bad)
    assert any("other.py imports matplotlib" in b for b in bad)
    assert not any("ok.py" in b for b in bad)
