"""Write the JupyterLab settings that `make lab` and Binder share.

No news pop-up and no update check (they cover the live panel in a meeting); every
cell rendered up front. The settings
go into ``<sys.prefix>/share/jupyter/lab/settings/overrides.json`` of the running Python
(the project's ``.venv``, or Binder's environment), merged with what is there.

Usage: python scripts/lab_settings.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    # render every cell up front (JupyterLab 4 renders only what is on screen by default):
    # a chapter scrolls without blank flashes while presenting, and checks see every cell
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}


def main() -> int:
    path = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    current = json.loads(path.read_text()) if path.exists() else {}
    for plugin, values in OVERRIDES.items():
        current.setdefault(plugin, {}).update(values)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(current, indent=2) + "\n")
    print(f"JupyterLab settings: {path.relative_to(sys.prefix)} in {sys.prefix}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
