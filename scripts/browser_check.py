"""Open every page of the built book in headless Chromium, offline, and check it.

Serves ``_build/html`` on 127.0.0.1 from a thread, blocks every request to any other
host, and for each page in ``_toc.yml`` checks that

- no request left the machine or failed, and the console shows no errors and no warnings;
- MathJax typeset every math element (no raw TeX left, no MathJax errors, no ``$$``);
- chapter notebooks show their figures (``img`` in cell outputs);
- every solution opens when its bar is clicked anywhere (the title text included), stays
  on the page and leaves the other solutions as they were;
- exercise numbers restart in each chapter and match the ``-q<n>`` of their labels;
- no display equation and no code block is wider than the text column (all solutions
  open), which would scroll sideways;
- a meeting's "Live panel" section shows exactly one picture and no widget;
- on a 390 px phone screen nothing makes the page scroll sideways and every solution bar
  and launch button is on screen.

It saves a full-page screenshot of the SO(3) chapter to ``_build/so3-encodings.png`` and
a phone screenshot to ``_build/so3-encodings-phone.png``. Exit status 1 if any check fails.

Usage: python scripts/browser_check.py [--chromium /usr/bin/chromium] [--html _build/html]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import re
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
PHONE = {"width": 390, "height": 844}
# LAYOUT_CHECKS=report: wide equations and code lines (chapter content, fixed by the
# chapters' authors) are printed but do not fail the check
REPORT_ONLY = os.environ.get("LAYOUT_CHECKS", "strict") == "report"


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


def serve(html: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(QuietHandler, directory=str(html))
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


SOLUTIONS_JS = """() => [...document.querySelectorAll('div.solution.toggle')].map(d => ({
  id: d.id, hidden: d.classList.contains('toggle-hidden')}))"""

LAYOUT_JS = """() => {
  const article = document.querySelector('article.bd-article') || document.body;
  const col = article.getBoundingClientRect();
  const tex = el => {
    try { return MathJax.startup.document.getMathItemsWithin(el)[0].math.trim(); }
    catch (e) { return el.textContent.slice(0, 60); }
  };
  const wide_math = [...document.querySelectorAll('mjx-container[display="true"]')]
    .filter(e => e.offsetParent !== null)
    .filter(e => e.scrollWidth > e.clientWidth + 1
                 || e.getBoundingClientRect().right > col.right + 1)
    .map(e => ({px: e.scrollWidth, tex: tex(e).slice(0, 70)}));
  const wide_code = [...document.querySelectorAll('div.cell_input pre, div.highlight pre')]
    .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
    .map(e => e.textContent.split('\\n').reduce((a, l) => l.length > a.length ? l : a, '')
                .slice(0, 60));
  const exercises = [...document.querySelectorAll('div.exercise')].map(d => ({
    id: d.id,
    number: (d.querySelector('.caption-number') || {textContent: ''}).textContent.trim()}));
  const live = document.querySelector('section#live-panel');
  return {
    column_px: Math.round(col.width),
    wide_math, wide_code, exercises,
    live_imgs: live ? live.querySelectorAll('img').length : null,
    live_widgets: live ? live.querySelectorAll('.widget-slider, .jupyter-widgets').length : null,
  };
}"""

PHONE_JS = """() => {
  const vw = window.innerWidth;
  const off = [...document.querySelectorAll(
      'div.solution.toggle > .admonition-title, .dropdown-launch-buttons, button.btn')]
    .filter(e => e.offsetParent !== null)
    .filter(e => { const r = e.getBoundingClientRect();
                   return r.width > 0 && (r.left < -1 || r.right > vw + 1); })
    .map(e => (e.className || e.tagName).toString().slice(0, 40));
  return {page_px: document.documentElement.scrollWidth, viewport_px: vw, off_screen: off};
}"""


def open_page(page, base: str, doc: str, failed: list[str]) -> bool:
    page.goto(f"{base}/{doc}.html", wait_until="networkidle")
    has_math = page.evaluate("() => document.querySelectorAll('.math').length") > 0
    if has_math:
        page.wait_for_function(
            "() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=15000
        )
        page.evaluate("() => MathJax.startup.promise")
    return has_math


def watch(page, base: str) -> tuple[list[str], list[str]]:
    """Block other hosts; collect console errors/warnings and failed requests."""
    external: list[str] = []
    console: list[str] = []

    def route(r):
        if urlparse(r.request.url).hostname in ("127.0.0.1", "localhost"):
            return r.continue_()
        external.append(r.request.url)
        return r.abort()

    page.route("**/*", route)
    page.on(
        "console",
        lambda m: console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None,
    )
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    page.on(
        "response",
        lambda r: (
            console.append(f"HTTP {r.status}: {r.url.replace(base, '')}")
            if r.status >= 400
            else None
        ),
    )
    return external, console


def click_solutions(page) -> list[str]:
    """Click each solution's title text; it must open, alone, without leaving the page."""
    problems = []
    url = page.url
    before = page.evaluate(SOLUTIONS_JS)
    for k, sol in enumerate(before):
        title = page.locator("div.solution.toggle > .admonition-title").nth(k)
        target = title.locator("a").first if title.locator("a").count() else title
        target.scroll_into_view_if_needed()
        box = target.bounding_box()  # click where the title text is, as a reader would
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_timeout(50)
        after = page.evaluate(SOLUTIONS_JS)
        if after[k]["hidden"] == sol["hidden"]:
            problems.append(f"solution {k + 1} ({sol['id']}) did not toggle")
        others = [a["hidden"] for i, a in enumerate(after) if i != k]
        expected = [b["hidden"] for i, b in enumerate(before) if i != k]
        if others != expected:
            problems.append(f"opening solution {k + 1} changed another solution")
        if page.url != url:
            problems.append(f"clicking solution {k + 1} jumped to {page.url}")
            page.goto(url)
        before = after
    return problems


def check_page(page, base: str, doc: str) -> tuple[dict, list[str]]:
    problems: list[str] = []
    external, console = watch(page, base)
    has_math = open_page(page, base, doc, problems)
    r = page.evaluate(CHECK_JS)
    chapter = doc.startswith("book/meetings/") or doc.startswith("book/reading/")
    if chapter:
        problems += click_solutions(page)
        page.evaluate("() => MathJax.startup.promise")
        layout = page.evaluate(LAYOUT_JS)
        r.update(layout)
        content = []
        for m in layout["wide_math"]:
            content.append(f"equation wider than its box or the column: {m}")
        if layout["wide_code"]:
            content.append(
                f"{len(layout['wide_code'])} code blocks scroll sideways, e.g. "
                f"{layout['wide_code'][:2]}"
            )
        if REPORT_ONLY:
            for msg in content:
                print(f"     (report) {doc}: {msg}")
        else:
            problems += content
        for n, ex in enumerate(layout["exercises"], start=1):
            want = f"Exercise {n}"
            label = re.search(r"-q(\d+)$", ex["id"] or "")
            if ex["number"] != want or (label and int(label.group(1)) != n):
                problems.append(f"exercise {ex['id']} is numbered {ex['number']!r}, not {n}")
    if external:
        problems.append(f"requests to other hosts: {external[:3]}")
    if console:
        problems.append(f"console errors or warnings: {console[:3]}")
    if has_math and (r["mjx"] == 0 or r["raw_tex_left"] or r["mjx_errors"]):
        problems.append(f"math not typeset: {r}")
    if r["dollars"]:
        problems.append(f"raw $$ left in the text: {r['dollars']}")
    if chapter and r["output_imgs"] == 0:
        problems.append("no figures in the cell outputs")
    if doc.startswith("book/meetings/"):
        if r.get("live_imgs") != 1 or r.get("live_widgets"):
            problems.append(
                f"live panel section shows {r.get('live_imgs')} pictures and "
                f"{r.get('live_widgets')} widgets (want 1 and 0)"
            )
    return r, problems


def check_phone(browser, base: str, doc: str, shot: Path) -> list[str]:
    page = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    problems: list[str] = []
    external, console = watch(page, base)
    open_page(page, base, doc, problems)
    problems += click_solutions(page)[:2]
    r = page.evaluate(PHONE_JS)
    if r["page_px"] > r["viewport_px"] + 1:
        problems.append(f"phone: page is {r['page_px']} px wide on a {r['viewport_px']} px screen")
    if r["off_screen"]:
        problems.append(f"phone: controls off screen: {r['off_screen'][:3]}")
    if console:
        problems.append(f"phone: console errors or warnings: {console[:3]}")
    page.screenshot(path=str(shot), full_page=False)
    page.close()
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--html", default=str(HTML))
    args = parser.parse_args()
    html = Path(args.html)
    if not (html / "index.html").exists():
        print("no built site: run `make book` first", file=sys.stderr)
        return 1
    if not Path(args.chromium).exists():
        print(f"Chromium not found at {args.chromium}: apt-get install chromium", file=sys.stderr)
        return 1
    out = html.parent
    server, base = serve(html)
    failed = 0
    pages = toc_pages()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=ARGS)
        for doc in pages:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            r, problems = check_page(page, base, doc)
            status = "ok  " if not problems else "FAIL"
            print(
                f"{status} {doc}: math {r['mjx']}, figures {r['output_imgs']}, "
                f"solutions {len(r.get('exercises', []))}"
            )
            for msg in problems:
                print(f"     - {msg}")
            failed += bool(problems)
            if doc == SCREENSHOT_PAGE:
                page.screenshot(path=str(out / "so3-encodings.png"), full_page=True)
            page.close()
        phone = check_phone(browser, base, SCREENSHOT_PAGE, out / "so3-encodings-phone.png")
        print(f"{'ok  ' if not phone else 'FAIL'} phone (390 px): {SCREENSHOT_PAGE}")
        for msg in phone:
            print(f"     - {msg}")
        failed += bool(phone)
        browser.close()
    server.shutdown()
    print(f"browser check: {len(pages) + 1 - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
