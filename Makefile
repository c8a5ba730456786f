# One-command setup, build and test. See README.md.
#   make book   create .venv, install the pinned packages, vendor the offline assets, build the book
#   make test   the same, then every test: lint, library, notebooks (nbval), browser
#   make lab    JupyterLab on chapters/

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# pip itself is pinned like everything else. requirements.txt has no hashes: its `-e .` line
# cannot be hash-checked (pip refuses editable requirements in hash-checking mode), and Binder
# installs the file as it is.
PIP_VERSION := 26.3
# Pytest workers: the machine has 2 cores.
WORKERS ?= 2
# The course's matrices are small: multithreaded BLAS only adds contention (measured: a chapter
# went from 10 s to 90 s with two notebooks running at once), so every step uses one thread.
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1
export MKL_NUM_THREADS := 1

.PHONY: setup vendor book test lint unit notebooks browser lab clean sync-repo-url

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10), "Python 3.10+ is needed, found " + sys.version.split()[0]'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet pip==$(PIP_VERSION)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

setup: $(STAMP)

# MathJax and the widget manager (bundled by esbuild), from the npm registry: the book works offline.
vendor: setup
	$(BIN)/python tools/vendor_assets.py

# A clean build every time: the chapters must re-run whenever mml4_lib changes.
# MML4_WIDGETS=static makes every explorer precompute its frames for the kernel-free book.
book: setup vendor
	rm -rf _build
	MML4_WIDGETS=static $(BIN)/jupyter-book build . -W --keep-going
	@echo "The book is at $(CURDIR)/_build/html/index.html"

lint: setup
	$(BIN)/ruff check mml4_lib tests benchmarks tools

unit: setup
	$(BIN)/pytest tests -q -n $(WORKERS) -m "not browser"

# Every notebook as Colab or a downloaded .ipynb runs it: alone in a scratch directory, with
# mml4_lib installed from a freshly built wheel, not the editable checkout (see the script).
notebooks: setup
	$(BIN)/python tools/run_notebooks_clean.py -- -n $(WORKERS) --dist loadfile

browser: book
	$(BIN)/pytest tests -q -m browser

test: book
	$(MAKE) --no-print-directory lint
	$(BIN)/pytest tests -q -n $(WORKERS)
	$(MAKE) --no-print-directory notebooks

lab: setup
	$(BIN)/jupyter lab chapters/

sync-repo-url: setup
	$(BIN)/python tools/sync_repo_url.py

clean:
	rm -rf _build tests/artifacts .pytest_cache
