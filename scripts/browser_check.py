"""Open every page of the built book in headless Chromium, offline, and check it.

Serves ``_build/html`` on 127.0.0.1 from a thread, blocks every request to any other
host, and for each page in ``_toc.yml`` checks that

- no request left the machine and the console shows no errors;
- MathJax typeset every math element (no raw TeX left, no MathJax errors, no ``$$``);
- chapter notebooks show their figures (``img`` in cell outputs);
- pages with live panels render the widget (sliders and the panel's image).

It saves a full-page screenshot of the SO(3) chapter to ``_build/so3-encodings.png``.
Exit status 1 if any check fails.

Usage: python scripts/browser_check.py [--chromium /usr/bin/chromium]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

import yaml
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
SCREENSHOT_PAGE = "book/meetings/so3-encodings"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# harmless console noise from pydata-sphinx-theme on a fresh browser profile
BENIGN_CONSOLE = ("Got invalid theme mode",)


def toc_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"]]

    def walk(entries):
        for e in entries or []:
            if "file" in e:
                pages.append(e["file"])
            walk(e.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return pages


def serve() -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(QuietHandler, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep CI logs short
        pass


CHECK_JS = """() => {
  const math = [...document.querySelectorAll('.math')];
  const body = document.querySelector('article') || document.body;
  return {
    math: math.length,
    mjx: document.querySelectorAll('mjx-container').length,
    mjx_errors: document.querySelectorAll('mjx-merror').length,
    raw_tex_left: math.filter(e => !e.querySelector('mjx-container')).length,
    dollars: (body.innerText.match(/\\$\\$/g) || []).length,
    output_imgs: document.querySelectorAll('.cell_output img').length,
    widget_views: document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length,
    sliders: document.querySelectorAll('.widget-slider').length,
    widget_imgs: document.querySelectorAll('.jupyter-widgets img, .widget-image').length,
  };
}"""


def check_page(page, base: str, doc: str) -> tuple[dict, list[str]]:
    problems: list[str] = []
    external: list[str] = []
    console: list[str] = []

    def route(r):
        if urlparse(r.request.url).hostname in ("127.0.0.1", "localhost"):
            return r.continue_()
        external.append(r.request.url)
        return r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console.append(str(e)))
    page.goto(f"{base}/{doc}.html", wait_until="networkidle")
    has_math = page.evaluate("() => document.querySelectorAll('.math').length") > 0
    if has_math:
        page.wait_for_function(
            "() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=15000
        )
        page.evaluate("() => MathJax.startup.promise")
    r = page.evaluate(CHECK_JS)
    if r["widget_views"]:
        page.wait_for_selector(".widget-slider", timeout=15000)
        page.wait_for_timeout(300)
        r = page.evaluate(CHECK_JS)
    if external:
        problems.append(f"requests to other hosts: {external[:3]}")
    errors = [c for c in console if not c.startswith(BENIGN_CONSOLE)]
    if errors:
        problems.append(f"console errors: {errors[:3]}")
    if has_math and (r["mjx"] == 0 or r["raw_tex_left"] or r["mjx_errors"]):
        problems.append(f"math not typeset: {r}")
    if r["dollars"]:
        problems.append(f"raw $$ left in the text: {r['dollars']}")
    if doc.startswith("book/meetings/") or doc.startswith("book/reading/"):
        if r["output_imgs"] == 0:
            problems.append("no figures in the cell outputs")
        if doc.startswith("book/meetings/") and not (r["sliders"] and r["widget_imgs"]):
            problems.append(f"live panel not rendered: {r}")
    return r, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()
    if not (HTML / "index.html").exists():
        print("no built site: run `make book` first", file=sys.stderr)
        return 1
    if not Path(args.chromium).exists():
        print(f"Chromium not found at {args.chromium}: apt-get install chromium", file=sys.stderr)
        return 1
    server, base = serve()
    failed = 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=ARGS)
        for doc in toc_pages():
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            r, problems = check_page(page, base, doc)
            status = "ok  " if not problems else "FAIL"
            print(
                f"{status} {doc}: math {r['mjx']}, figures {r['output_imgs']}, sliders {r['sliders']}"
            )
            for msg in problems:
                print(f"     - {msg}")
            failed += bool(problems)
            if doc == SCREENSHOT_PAGE:
                page.screenshot(path=str(ROOT / "_build" / "so3-encodings.png"), full_page=True)
            page.close()
        browser.close()
    server.shutdown()
    print(f"browser check: {len(toc_pages()) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
