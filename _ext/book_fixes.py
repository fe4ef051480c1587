"""Sphinx extension: two small fixes that keep the built pages free of console errors.

1. sphinx-thebe registers its inline configuration script (``const THEBE_JS_URL = ...``)
   twice under Sphinx 7, so the second copy throws "Identifier has already been
   declared" on every page. We drop exact duplicates from each page's script list.
2. The Jupyter widgets HTML manager typesets widget labels with the MathJax 2 API
   (``MathJax.Hub.Queue``) whenever ``window.MathJax`` exists, but the book serves
   MathJax 3. An inline shim gives every object assigned to ``window.MathJax`` (the
   configuration first, then MathJax 3 itself) a ``Hub.Queue`` that forwards to
   MathJax 3's ``typesetPromise``.
"""

from __future__ import annotations

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
        # the same script can arrive twice with different priorities: compare what the
        # browser sees, the file name and the inline body
        # (an inline script's filename is None in one copy and "" in the other)
        key = (getattr(js, "filename", None) or "", getattr(js, "attributes", {}).get("body"))
        if key in seen:
            continue
        seen.add(key)
        unique.append(js)
    scripts[:] = unique


def setup(app):
    app.add_js_file(None, body=MATHJAX2_HUB_SHIM, priority=100)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
