# Learn Cryo-EM Math -- the commands a reader and CI use.
#   make book   create .venv, install, execute every notebook, build _build/html
#   make test   lint, unit tests, every notebook under nbval, strict site build, browser test
#   make lab    JupyterLab on the chapters, for live walkthroughs
#   make bench  time helpers and notebooks (benchmarks/)

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)
# An inherited MPLBACKEND=Agg silently drops every figure from the book: never pass it on.
unexport MPLBACKEND
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: venv vendor book site lint unit nbval browser test lab bench clean

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q -U pip
	$(PY) -m pip install -q -r requirements.txt
	@rm -f $(VENV)/.installed-* && touch $@

vendor:
	bash scripts/vendor_js.sh

# execute every notebook and build the site; -W: any warning fails the build
site: venv vendor
	rm -rf _build
	$(VENV)/bin/jb build . -W --keep-going

book: site
	@echo "Open _build/html/index.html"

lint: venv
	$(VENV)/bin/ruff check helpers tests benchmarks scripts _ext book
	$(VENV)/bin/ruff format --check helpers tests benchmarks scripts _ext

unit: venv
	$(PY) -m pytest -q -p no:cacheprovider tests

nbval: venv
	$(PY) -m pytest -q -p no:cacheprovider --nbval-lax --nbval-current-env \
	    --nbval-cell-timeout=120 -n 2 --dist loadfile book/

browser: venv
	$(PY) scripts/browser_check.py

test: lint unit nbval site browser

lab: venv
	cd book && ../$(VENV)/bin/jupyter lab

bench: venv
	$(PY) benchmarks/bench_rotations.py
	$(PY) benchmarks/bench_averaging_sampling.py
	$(PY) benchmarks/bench_superposition.py
	$(PY) benchmarks/bench_imaging.py
	$(PY) benchmarks/bench_alignment.py
	$(PY) benchmarks/bench_widgets.py
	$(PY) benchmarks/time_notebooks.py

clean:
	rm -rf _build _vendor .pytest_cache .hypothesis .ruff_cache
