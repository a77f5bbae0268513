# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
# Everything installs into the project-local .venv from pyproject.toml, pinned by constraints.txt.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo airflow test benchmark-smoke lock clean

# uv (from the package registry, into the venv) installs the same pinned set as pip would, in a tenth of the time:
# on a fresh clone 28 s against pip's 259 s on the same loaded machine. Modules compile to bytecode when first
# imported, as uv leaves it (precompiling everything cost 76 s more for files the tools never import).
UV_VERSION := 0.13.10

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet "uv==$(UV_VERSION)"
	$(BIN)/uv pip install --quiet --python $(BIN)/python -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	SHNOR_HOME=$(CURDIR)/var/demo $(BIN)/shnor demo

# The Airflow UI on the demo home (after `make demo`): the URL and the login are printed; Ctrl+C stops it.
airflow: $(STAMP)
	SHNOR_HOME=$(CURDIR)/var/demo $(BIN)/shnor airflow

# On every core (pytest-xdist): each test file runs whole on one worker, so its module fixtures are built once;
# files are handed out longest first (tests/conftest.py, LONGEST_FIRST); `pytest -n 0` runs in one process.
test: $(STAMP)
	$(BIN)/pytest -n auto --dist loadfile -m "not benchmark"

# The benchmark harness at a small size (every stage printed, the baseline beside ours): a development tool, run
# when the harness changes, not in `make test`.
benchmark-smoke: $(STAMP)
	$(BIN)/pytest -n 0 -m benchmark tests/test_benchmark.py

# Re-resolve the versions within pyproject's ranges and freeze them (Airflow's constraints method).
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet --upgrade "pip>=24"
	.venv-lock/bin/pip install --quiet -e ".[dev]"
	.venv-lock/bin/pip freeze --exclude-editable | grep -v '^-e ' > constraints.txt
	rm -rf .venv-lock

clean:
	rm -rf $(VENV) var
