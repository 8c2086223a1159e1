# The README's commands. Every target creates .venv when it is missing and installs the pinned versions
# (constraints.txt), so every machine of a cohort runs the same set.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PIP     = $(BIN)/python -m pip
PIP_FLAGS ?= --disable-pip-version-check --quiet

.PHONY: workshop test bench doctor install install-test clean-venv frontend frontend-check

workshop: $(VENV)/.installed
	$(BIN)/ttt workshop

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-test
	@for f in benchmarks/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

doctor: $(VENV)/.installed
	$(BIN)/ttt doctor

# the dashboards' front end (frontend/): rebuilt only when its sources change; needs Node.js and the npm registry
frontend:
	cd frontend && npm ci --no-audit --no-fund && node build.mjs

frontend-check:
	cd frontend && npm ci --no-audit --no-fund && node build.mjs --check

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(VENV)/bin/python pyproject.toml constraints.txt
	$(PIP) install $(PIP_FLAGS) -c constraints.txt -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/bin/python pyproject.toml constraints.txt
	$(PIP) install $(PIP_FLAGS) -c constraints.txt -e '.[test]'
	@touch $@ $(VENV)/.installed

clean-venv:
	rm -rf $(VENV)
