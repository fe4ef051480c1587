"""Walk through one chapter in JupyterLab as `make lab` serves it, in headless Chromium.

Starts ``make lab`` on 127.0.0.1 (a free port, a random token, no browser), opens a
chapter (default: the SO(3) meeting), runs all cells, and checks that

- every cell ran without an error output, and the math rendered with no error (the book's
  macros are written out in the notebooks: see scripts/nb_fix.py);
- MyST renders: exercises and solutions are shown as such, no raw ``{exercise}`` fences;
- solutions stay folded after running all cells: each generated "Solution to question n"
  heading (scripts/nb_fix.py, rule 5) is collapsed, with its "cells hidden" button;
- moving a slider of the live panel changes its picture (and how long that took);
- saving the notebook (as autosave does) writes no outputs into the tracked file;
- no news pop-up, no console errors.

The notebook file is restored byte for byte afterwards. Saves a screenshot to
``_build/lab.png``. Exit status 1 if any check fails.

Usage: python scripts/lab_check.py [--chapter meetings/so3-encodings] [--chromium PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from browser_check import ARGS  # the Chromium flags for this closed network
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
# console messages that are not about the book (JupyterLab's own chatter at start-up)
BENIGN = (
    "Failed to load resource: the server responded with a status of 404",  # optional assets
    "[Deprecated]",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_server(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    t0 = time.time()
    while time.time() - t0 < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"make lab exited with status {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"JupyterLab did not answer at {url} within {timeout:.0f} s")


STATE_JS = """() => {
  const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
      .map(e => e.textContent.trim());
  // the rendered part of each markdown cell (not its hidden editor)
  const md = [...document.querySelectorAll('.jp-MarkdownCell')].map(c =>
      [...c.querySelectorAll('.jp-InputArea > :not(.jp-InputArea-editor):not(.jp-InputArea-prompt)')]
      .map(e => e.textContent).join(' '));
  const errors = [...document.querySelectorAll('.jp-OutputArea-output')]
      .filter(e => e.dataset.mimeType === 'application/vnd.jupyter.stderr'
                   && /Traceback|Error/.test(e.textContent))
      .map(e => e.textContent.slice(0, 300));
  return {
    code_cells: prompts.length,
    running: prompts.filter(p => p.includes('*')).length,
    unrun: prompts.filter(p => /\\[\\s*\\]/.test(p)).length,
    errors,
    katex: document.querySelectorAll('.katex').length,
    mjx: document.querySelectorAll('mjx-container').length,
    math_errors: [...document.querySelectorAll('.katex-error, mjx-merror')]
        .map(e => e.getAttribute('title') || e.textContent)
        .concat(md.filter(t => /Undefined control sequence|attempting to redefine/.test(t))
                  .map(t => t.slice(0, 200)))
        .slice(0, 5),
    raw_myst: md.filter(t => /\\{(exercise|solution-start|solution-end)\\}|:label:/.test(t))
        .length,
    exercises: md.filter(t => /Exercise \\d+/.test(t)).length,
    solutions: md.filter(t => /Solution to Exercise/.test(t)).length,
    sliders: document.querySelectorAll('.widget-slider').length,
    // folded solutions: collapsed headings, each with its "n cells hidden" button
    folded: document.querySelectorAll('.jp-collapseHeadingButton.jp-mod-collapsed').length,
    hidden_buttons: [...document.querySelectorAll('.jp-showHiddenCellsButton')]
        .filter(e => e.offsetParent !== null).length,
    news: [...document.querySelectorAll('.jp-toast-message, .Toastify__toast')]
        .map(e => e.textContent.slice(0, 120)),
  };
}"""

PANEL_IMAGE_JS = """() => {
  const img = document.querySelector('.jupyter-widgets img, img.widget-image');
  return img ? img.src : null;
}"""


def check(page, base: str, chapter: str, screenshot: Path, folds: int) -> tuple[dict, list[str]]:
    problems: list[str] = []
    console: list[str] = []
    page.on(
        "console",
        lambda m: console.append(f"{m.type}: {m.text}") if m.type in ("error",) else None,
    )
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    page.goto(f"{base}/lab/tree/{chapter}.ipynb?reset", wait_until="domcontentloaded")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
    # kernel connected and idle, as the status bar says
    page.wait_for_function(
        "() => /\\|\\s*Idle/.test(document.querySelector('#jp-main-statusbar')?.textContent || '')",
        timeout=120_000,
    )
    t0 = time.time()
    for _attempt in range(3):
        page.click(".jp-Notebook")
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator('li[data-command="runmenu:run-all"]').first.click()
        page.wait_for_timeout(3000)
        r = page.evaluate(STATE_JS)
        if r["unrun"] < r["code_cells"]:
            break
    while True:
        r = page.evaluate(STATE_JS)
        if r["code_cells"] and not r["running"] and not r["unrun"]:
            break
        if r["errors"] or time.time() - t0 > 240:
            break
        page.wait_for_timeout(500)
    run_seconds = time.time() - t0
    r = page.evaluate(STATE_JS)
    r["run_seconds"] = round(run_seconds, 1)
    if r["running"] or r["unrun"]:
        problems.append(f"cells did not finish: {r['running']} running, {r['unrun']} unrun")
    if r["errors"]:
        problems.append(f"error outputs: {r['errors'][:2]}")
    if r["katex"] + r["mjx"] == 0:
        problems.append("no math rendered")
    if r["math_errors"]:
        problems.append(f"math errors: {r['math_errors']}")
    if r["raw_myst"]:
        problems.append(f"{r['raw_myst']} markdown cells show raw MyST directives")
    if not (r["exercises"] and r["solutions"]):
        problems.append("exercises/solutions not rendered by jupyterlab-myst")
    if not r["folded"] == r["hidden_buttons"] == folds:
        problems.append(
            f"solutions not folded after running: {r['folded']} collapsed headings and"
            f" {r['hidden_buttons']} hidden-cell buttons, {folds} expected"
        )
    if r["news"]:
        problems.append(f"notification shown: {r['news']}")
    # the live panel: drag the first slider's handle and wait for a new picture
    handle = page.locator(".widget-slider .noUi-handle").first
    if not r["sliders"] or handle.count() == 0:
        problems.append("no live-panel slider")
    else:
        handle.scroll_into_view_if_needed()
        before = page.evaluate(PANEL_IMAGE_JS)
        box = handle.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + 40, y, steps=4)
        t1 = time.time()
        page.mouse.up()
        try:
            page.wait_for_function(
                f"() => {{ const s = ({PANEL_IMAGE_JS})(); return s && s !== {json.dumps(before)}; }}",
                timeout=15_000,
            )
            r["redraw_ms"] = round(1e3 * (time.time() - t1))
        except Exception:
            problems.append("moving the slider did not change the panel's picture")
    page.screenshot(path=str(screenshot), full_page=False)
    # save (as autosave would) and check that the file on disk has no outputs
    page.keyboard.press("Control+s")
    page.wait_for_timeout(1500)
    errors = [c for c in console if not any(b in c for b in BENIGN)]
    if errors:
        problems.append(f"console errors: {errors[:3]}")
    return r, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapter", default="meetings/so3-encodings")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()
    path = ROOT / "book" / f"{args.chapter}.ipynb"
    original = path.read_bytes()
    cells = json.loads(original)["cells"]
    folds = sum(c.get("metadata", {}).get("jp-MarkdownHeadingCollapsed", False) for c in cells)
    if not folds:
        print(f"FAIL {args.chapter}: no folded solution cells in the notebook (make nbfix)")
        return 1
    mtime = path.stat().st_mtime_ns
    port, token = free_port(), secrets.token_hex(16)
    workspaces = tempfile.mkdtemp(prefix="lab-workspaces-")
    log = open(ROOT / "_build" / "lab.log", "w") if (ROOT / "_build").is_dir() else None
    proc = subprocess.Popen(
        [
            "make",
            "-s",
            "lab",
            f"LAB_PORT={port}",
            # its own empty workspace: a chapter left open by an earlier session (the
            # user's workspace is restored on start) would run beside this one
            f"LAB_ARGS=--no-browser --ServerApp.token={token} --LabApp.workspaces_dir={workspaces}",
        ],
        cwd=ROOT,
        stdout=log or subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    problems: list[str] = []
    r: dict = {}
    try:
        wait_for_server(f"{base}/api/status?token={token}", proc)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium, args=ARGS)
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(f"{base}/lab?reset&token={token}", wait_until="domcontentloaded")
            shot = ROOT / "_build" / "lab.png" if (ROOT / "_build").is_dir() else Path(os.devnull)
            r, problems = check(page, base, args.chapter, shot, folds)
            browser.close()
        if path.stat().st_mtime_ns == mtime:
            problems.append(f"{path.name} was not saved: the strip-on-save check did not run")
        saved = json.loads(path.read_text(encoding="utf-8"))
        dirty = [
            i
            for i, c in enumerate(saved["cells"])
            if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))
        ]
        if dirty or "widgets" in saved.get("metadata", {}):
            problems.append(f"saving wrote outputs into {path.name} (cells {dirty[:5]})")
    except Exception as err:
        problems.append(f"{type(err).__name__}: {err}")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        path.write_bytes(original)
        shutil.rmtree(workspaces, ignore_errors=True)
    status = "ok  " if not problems else "FAIL"
    print(
        f"{status} JupyterLab {args.chapter}: {r.get('code_cells', 0)} code cells run in "
        f"{r.get('run_seconds', '?')} s, math {r.get('katex', 0) + r.get('mjx', 0)}, "
        f"exercises {r.get('exercises', 0)}, solutions {r.get('solutions', 0)}, "
        f"solutions folded {r.get('folded', 0)}, "
        f"slider redraw {r.get('redraw_ms', '?')} ms end to end"
    )
    for msg in problems:
        print(f"     - {msg}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
