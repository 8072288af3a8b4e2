# seisnb: the two set-up commands (see README).
#   make test  - create .venv if missing, install (constraints-pinned), then export/clean checks, nbdev_test,
#                pytest (2 xdist workers), and the docs check of the pages nbdev_test executed (each notebook
#                runs once), processed by nbdev as for Quarto (docs-check)
#   make test-long - the long parameter sets (tier 'long' of tools/run_notebooks.PARAM_SETS) with their bounds
#   make run   - install the same way, execute every notebook headless with papermill into runs/<timestamp>/
#   make docs  - execute the chapters (inline figures), nbdev-process them into _docs_build/proc (Quarto's
#                input), then quarto render into _docs/; without quarto it stops there with an error
#                telling how to install it (it never installs anything outside .venv, never sudo)
#   make preview - the processed pages as plain HTML (nbconvert) in _docs_build/preview/
#   make docs-check - build Quarto's input once and run the docs tests on it
#   make lab   - JupyterLab on nbs/ with the seisnb kernel
# Override CONSTRAINTS= (empty) or PYTHON= to use your own CUDA torch or interpreter.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
CONSTRAINTS ?= constraints-cpu.txt
BIN := $(VENV)/bin
STAMP := $(VENV)/.seisnb-installed
NBDEV_WORKERS ?= 2
NBDEV_FLAGS ?=
# pytest-xdist workers for `make pytest` (0: no xdist); tests that share one fixture are grouped (loadgroup)
PYTEST_WORKERS ?= 2

.PHONY: install test test-long run check-sync nbdev-test pytest bench clean-runs docs preview lab docs-check

$(BIN)/python:
	@[ -n "$(PYTHON)" ] && $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || { echo "error: no Python >= 3.10 found (tried python3.11, python3; got '$(PYTHON)'); seisnb is tested on Python 3.11: set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python settings.ini setup.py $(CONSTRAINTS)
	$(BIN)/python -m pip install --upgrade pip setuptools wheel
	$(BIN)/python -m pip install $(if $(CONSTRAINTS),-c $(CONSTRAINTS)) torch==2.13.0
	$(BIN)/python -m pip install $(if $(CONSTRAINTS),-c $(CONSTRAINTS)) -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (seisnb)"
	$(BIN)/python -m pip check
	touch $(STAMP)

install: $(STAMP)

# nbdev_export and nbdev_clean must leave the working tree exactly as they found it.
check-sync: install
	@before="$$(git status --porcelain --untracked-files=all -- seisnb nbs)"; \
	$(BIN)/nbdev_export; \
	after="$$(git status --porcelain --untracked-files=all -- seisnb nbs)"; \
	if [ "$$before" != "$$after" ]; then echo "FAIL: nbdev_export changed the library (notebooks and seisnb/ out of sync):"; diff <(echo "$$before") <(echo "$$after"); exit 1; fi; \
	$(BIN)/nbdev_clean; \
	after2="$$(git status --porcelain --untracked-files=all -- seisnb nbs)"; \
	if [ "$$after" != "$$after2" ]; then echo "FAIL: nbdev_clean changed notebooks (outputs or metadata committed):"; diff <(echo "$$after") <(echo "$$after2"); exit 1; fi; \
	echo "nbdev_export and nbdev_clean left no diff"; \
	$(BIN)/python tools/make_readme.py --check

# nbdev_test runs every notebook with its small defaults; the metric bounds written in the notebooks
# (rec.metric(..., bounds=...)) fail it. Cells flagged `#| slow` run only when asked: make nbdev-test NBDEV_FLAGS=slow
# tools/nbtest.py is nbdev's nbdev_test (same function, same flags) that also keeps each executed notebook in
# NBTEST_SAVE, so the docs check processes those pages instead of executing every notebook a second time.
NBTEST_SAVE ?= _docs_build/nbtest
nbdev-test: install
	MPLBACKEND=Agg $(BIN)/python tools/nbtest.py --n_workers $(NBDEV_WORKERS) --timing --save $(NBTEST_SAVE) \
	  $(if $(NBDEV_FLAGS),--flags "$(NBDEV_FLAGS)")

# pytest runs everything a notebook cannot hold (bad-input batteries, kill-and-resume, distributed runs, the
# parameter sets, package checks) on PYTEST_WORKERS processes. The docs build check (tests/test_docs_build.py)
# needs the executed pages: it runs in `make docs-check`, which `make test` calls after pytest.
pytest: install
	@MPLBACKEND=Agg $(BIN)/python -m pytest tests/ -ra --ignore=tests/test_docs_build.py \
	  $(if $(filter-out 0,$(PYTEST_WORKERS)),-n $(PYTEST_WORKERS) --dist loadgroup); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "FAIL: pytest collected no tests"; exit 1; fi; exit $$rc

# The parameter sets of tier 'long' (tools/run_notebooks.PARAM_SETS: the 3000-day known-answer runs, the Japan
# run for both class definitions, the 7-distance subduction sweep; about 40 min on 2 cores) with their bounds.
test-long: install
	@SEISNB_LONG_SETS=1 MPLBACKEND=Agg $(BIN)/python -m pytest tests/test_known_answer.py -ra -k test_param_set \
	  $(if $(filter-out 0,$(PYTEST_WORKERS)),-n $(PYTEST_WORKERS))

test: install
	$(MAKE) check-sync
	$(MAKE) nbdev-test
	$(MAKE) pytest
	$(MAKE) docs-check DOCS_TESTS=tests/test_docs_build.py DOCS_EXECUTED=$(NBTEST_SAVE)

run: install
	$(BIN)/python tools/run_notebooks.py

bench: install
	@for f in bench/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

# Never nbdev_docs / nbdev_proc_nbs here: without Quarto they run sudo and a bare pip install into
# the system Python. tools/docs.py executes with papermill, processes with nbdev's FilterDefaults and
# checks for quarto itself. The kernels get inline figures whatever MPLBACKEND says.
DOCS_WORKERS ?= 2
docs: install
	$(BIN)/python tools/docs.py build --workers $(DOCS_WORKERS)

preview: install
	@[ -d _docs_build/proc ] || $(BIN)/python tools/docs.py build --no-render --workers $(DOCS_WORKERS)
	$(BIN)/python tools/docs.py preview
	@echo "open _docs_build/preview/index.html (or contents.html for the page list)"

# The CI check of the docs up to Quarto's input, on one build (reused by `make preview` afterwards).
DOCS_TESTS ?= tests/test_docs_build.py tests/test_docs_opening.py tests/test_docs_config.py
# DOCS_EXECUTED=<folder of tools/nbtest.py --save>: reuse the pages nbdev_test executed (make test sets it)
DOCS_EXECUTED ?=
docs-check: install
	$(BIN)/python tools/docs.py build --no-render --workers $(DOCS_WORKERS) \
	  $(if $(DOCS_EXECUTED),--executed $(DOCS_EXECUTED)); \
	SEISNB_DOCS_BUILD=_docs_build $(BIN)/python -m pytest $(DOCS_TESTS) -ra

LAB_PORT ?= 8888
lab: install
	$(BIN)/jupyter lab --notebook-dir=nbs --port=$(LAB_PORT)

clean-runs:
	rm -rf runs/
