"""Sphinx extension: small fixes that keep the built pages usable and their console clean.

1. sphinx-thebe registers its inline configuration script (``const THEBE_JS_URL = ...``)
   twice under Sphinx 7, so the second copy throws "Identifier has already been
   declared" on every page. We drop exact duplicates from each page's script list.
2. The Jupyter widgets HTML manager typesets widget labels with the MathJax 2 API
   (``MathJax.Hub.Queue``) whenever ``window.MathJax`` exists, but the book serves
   MathJax 3. An inline shim gives every object assigned to ``window.MathJax`` (the
   configuration first, then MathJax 3 itself) a ``Hub.Queue`` that forwards to
   MathJax 3's ``typesetPromise``.
3. Solution toggles: sphinx-togglebutton acts only when the click lands on the bar itself
   or its chevron; a click on the title text (a link to the exercise) jumped to the
   exercise and threw ``button is not defined``, or toggled the last solution opened. A
   capturing click handler makes the whole bar toggle its own solution, and nothing else.
4. ``default_mode = auto`` in the page context, which otherwise logs "Got invalid theme mode".
5. Exercises are numbered per chapter (Exercise 1, 2, ... in each page, as the questions
   are), not across the whole book.
6. ``book.css`` (beside this file): code blocks that fit 88 columns, display equations
   that scroll inside their box instead of overflowing it, and a phone layout.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent

# Runs in the capture phase, before sphinx-togglebutton's own handler on the title.
SOLUTION_TOGGLE = """document.addEventListener("click", function (ev) {
  var title = ev.target.closest && ev.target.closest(".toggle > .admonition-title");
  if (!title) { return; }
  var button = title.querySelector(".toggle-button");
  if (!button || typeof window.toggleHidden !== "function") { return; }
  ev.preventDefault();
  ev.stopPropagation();
  window.toggleHidden(button);
}, true);"""

MATHJAX2_HUB_SHIM = """(function () {
  function queue(job) {
    var el = job && job[2];
    var mj = window.MathJax;
    if (mj && typeof mj.typesetPromise === "function") {
      mj.typesetPromise(el ? [el] : undefined).catch(function () {});
    }
  }
  function withHub(mj) {
    if (mj && typeof mj === "object" && !mj.Hub) {
      Object.defineProperty(mj, "Hub", {value: {Queue: queue}, enumerable: false,
                                        configurable: true, writable: true});
    }
    return mj;
  }
  var current = withHub(window.MathJax);
  Object.defineProperty(window, "MathJax", {
    configurable: true, enumerable: true,
    get: function () { return current; },
    set: function (v) { current = withHub(v); }
  });
})();"""


def _dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen = set()
    unique = []
    for js in scripts:
        # widget state (panels' snapshots, PNGs included) is not shown: see _config.yml
        if getattr(js, "attributes", {}).get("type") == "application/vnd.jupyter.widget-state+json":
            continue
        # the same script can arrive twice with different priorities: compare what the
        # browser sees, the file name and the inline body
        # (an inline script's filename is None in one copy and "" in the other)
        key = (getattr(js, "filename", None) or "", getattr(js, "attributes", {}).get("body"))
        if key in seen:
            continue
        seen.add(key)
        unique.append(js)
    scripts[:] = unique


def _theme_mode(app, pagename, templatename, context, doctree) -> None:
    # pydata-sphinx-theme's layout writes {{ default_mode }} into the page; sphinx-book-theme
    # has no such option, so it is empty and the theme's script complains
    if not context.get("default_mode"):
        context["default_mode"] = "auto"


def _number_exercises_per_chapter(app, env) -> list[str]:
    changed = []
    for docname, numbers in env.toc_fignumbers.items():
        exercises = numbers.get("exercise")
        if not exercises:
            continue
        renumbered = {key: (i + 1,) for i, key in enumerate(exercises)}
        if renumbered != exercises:
            numbers["exercise"] = renumbered
            changed.append(docname)
    return changed


def _static_path(app) -> None:
    app.config.html_static_path.append(str(HERE / "static"))


def setup(app):
    app.add_js_file(None, body=MATHJAX2_HUB_SHIM, priority=100)
    app.add_js_file(None, body=SOLUTION_TOGGLE)
    app.add_css_file("book.css")
    app.connect("html-page-context", _theme_mode)
    app.connect("builder-inited", _static_path)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    # after Sphinx's toctree collector has numbered every figure type
    app.connect("env-get-updated", _number_exercises_per_chapter, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
