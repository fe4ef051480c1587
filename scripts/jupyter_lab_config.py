"""JupyterLab server settings for `make lab` (passed with --config).

- Outputs, execution counts and widget state are stripped from every notebook when it is
  saved (by hand or by autosave): the tracked chapters stay clean and a reopened chapter
  shows no stale "widget model not found" outputs. The kernel and the open page keep
  theirs; run the cells again after reopening. Solutions are folded again on save
  (scripts/nb_fix.py, rule 5), so opening one does not change the tracked file either.
- Runs as root too (containers, CI) and checks no news or updates.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nb_fix import clean_for_save  # noqa: E402

c = get_config()  # noqa: F821  (provided by traitlets when it loads this file)


def _strip_on_save(model, path, contents_manager, **kwargs):
    if model.get("type") == "notebook" and model.get("content") is not None:
        clean_for_save(model["content"])


c.FileContentsManager.pre_save_hook = _strip_on_save
c.ServerApp.allow_root = os.geteuid() == 0
c.ServerApp.ip = "127.0.0.1"
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
