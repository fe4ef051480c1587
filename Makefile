# Learn Cryo-EM Math -- the commands a reader and CI use.
#   make book    create .venv, install, execute every notebook, build _build/html
#   make serve   serve _build/html on http://127.0.0.1:8000 (search needs http, not file://)
#   make test    lint, unit tests, strict site build (executes every notebook once: a raising
#                cell or failing assert fails it), figure-size check, browser tests of the
#                site and of JupyterLab
#   make lab     JupyterLab on the chapters for live walkthroughs (outputs never saved)
#   make bench   time helpers, panel callbacks and notebooks (benchmarks/)
#   make bench-long  the minutes-long experiments the chapters quote (ab initio, ADK hinge)
#   make nbfix   apply scripts/nb_fix.py (macros, install cell, format, strip outputs)

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-runtime.txt pyproject.toml | cksum | cut -d' ' -f1)
# An inherited MPLBACKEND=Agg silently drops every figure from the book: never pass it on.
unexport MPLBACKEND
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# Small linear algebra on a shared 2-core machine: one BLAS thread per kernel (helpers
# also sets this on import, for Binder and Colab; see helpers/threads.py).
export OPENBLAS_NUM_THREADS ?= 1
export OMP_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1
# LAYOUT_CHECKS=report: figure sizes, wide equations and long code lines are printed but
# do not fail `make test` (for the time between a new rule and the chapters meeting it)
export LAYOUT_CHECKS
LAB_PORT ?= 8888
LAB_ARGS ?=

.PHONY: venv vendor book site serve lint nbcheck nbfix unit figures nbval browser lab-check \
        runtime-check test lab lab-settings bench bench-long bench-busy clean

venv: $(STAMP)

$(STAMP): requirements.txt requirements-runtime.txt pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q -U pip
	$(PY) -m pip install -q -r requirements.txt
	@rm -f $(VENV)/.installed-* && touch $@

vendor:
	bash scripts/vendor_js.sh

# execute every notebook (once) and build the site; -W: any warning fails the build,
# and a raising cell or failing assert fails it too (execute.raise_on_error in _config.yml)
# Kernels start with scripts/figure_record.py, which notes each figure's size and smallest
# text in its output metadata for `make figures` (it changes nothing that is drawn).
site: venv vendor
	rm -rf _build
	ipy=$$(mktemp -d) && mkdir -p $$ipy/profile_default/startup \
	  && cp scripts/figure_record.py $$ipy/profile_default/startup/ \
	  && IPYTHONDIR=$$ipy $(VENV)/bin/jb build . -W --keep-going; \
	  rc=$$?; rm -rf $$ipy; exit $$rc

book: site
	@echo "Serve it with: make serve   (then open http://127.0.0.1:8000)"

serve:
	@test -f _build/html/index.html || { echo "no site yet: run make book"; exit 1; }
	@echo "http://127.0.0.1:8000  (Ctrl-C to stop)"
	python3 -m http.server 8000 --bind 127.0.0.1 --directory _build/html

lint: venv nbcheck
	$(VENV)/bin/ruff check helpers tests benchmarks scripts _ext book
	$(VENV)/bin/ruff format --check helpers tests benchmarks scripts _ext

# notebooks: macros defined in each chapter, install cell from _config.yml, code within
# 88 columns, no outputs (fix all of it with `make nbfix`)
nbcheck: venv
	$(PY) scripts/nb_fix.py --check

nbfix: venv
	$(PY) scripts/nb_fix.py --fix

unit: venv
	$(PY) -m pytest -q -p no:cacheprovider tests

# every figure in the executed notebooks of the last site build: not shrunk more than
# 1.3x on the page, no text under 8 px (reports every offender)
figures: venv
	$(PY) scripts/figure_check.py

# run the notebooks without building the site (for authors; `make test` uses the build)
nbval: venv
	$(PY) -m pytest -q -p no:cacheprovider --nbval-lax --nbval-current-env \
	    --nbval-cell-timeout=120 -n 2 --dist loadfile book/

browser: site
	$(PY) scripts/browser_check.py

# JupyterLab as `make lab` starts it: open a chapter, run it, move a slider
lab-check: venv
	$(PY) scripts/lab_check.py

# the lean runtime set in a fresh Python 3.11 venv imports every chapter's imports, and
# repo2docker renders Binder's Dockerfile (a few minutes: .ci/run runs it after make test)
runtime-check: venv
	$(PY) scripts/runtime_check.py --repo2docker

# -k: a failing check does not hide the others (make still exits non-zero at the end)
test:
	$(MAKE) -k lint unit site figures browser lab-check

# JupyterLab for live walkthroughs. Outputs are stripped whenever a notebook is saved
# (scripts/jupyter_lab_config.py), so the tracked notebooks stay clean; `make nbfix` or
# `git checkout book/` restores a clean tree if a notebook was saved by another tool.
lab: venv lab-settings
	$(VENV)/bin/jupyter lab --config=scripts/jupyter_lab_config.py \
	    --ServerApp.root_dir=book --port=$(LAB_PORT) $(LAB_ARGS)

lab-settings: venv
	$(PY) scripts/lab_settings.py

bench: venv
	$(PY) benchmarks/bench_rotations.py
	$(PY) benchmarks/bench_averaging_sampling.py
	$(PY) benchmarks/bench_superposition.py
	$(PY) benchmarks/bench_imaging.py
	$(PY) benchmarks/bench_alignment.py
	$(PY) benchmarks/bench_widgets.py
	$(PY) benchmarks/time_notebooks.py

# experiments whose results the chapters quote but cannot run within their 20 s budget
# (several CPU-minutes each)
bench-long: venv
	$(PY) benchmarks/bench_abinitio.py
	$(PY) benchmarks/bench_cryofold_adk.py

# the chapters while another process keeps one of the two cores busy
bench-busy: venv
	$(PY) benchmarks/time_notebooks.py --busy

clean:
	rm -rf _build _vendor .pytest_cache .hypothesis .ruff_cache
