# The two commands a new machine needs: `make run` and `make test`. Each sets itself up.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SAM_VENV := .venv-sam
SAM := $(SAM_VENV)/bin/sam
PORT ?= 3000
export AWS_DEFAULT_REGION ?= us-east-1
export SAM_CLI_TELEMETRY = 0

.PHONY: run test lint format bench build validate install clean

$(VENV)/.installed: pyproject.toml layers/core/requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[local]" -r requirements-dev.txt
	touch $@

$(SAM_VENV)/.installed: requirements-sam.txt
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-sam.txt
	touch $@

install: $(VENV)/.installed ## create .venv with the package, the local stack and test tools

run: $(VENV)/.installed ## the whole service on 127.0.0.1:$(PORT), offline
	PORT=$(PORT) $(VENV)/bin/sbemail-local

test: $(VENV)/.installed $(SAM_VENV)/.installed ## every test suite
	SAM_BIN=$(abspath $(SAM)) $(PY) -m pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(VENV)/.installed ## benchmarks: print figures and ratios
	$(PY) -m pytest tests/performance -s -p no:cacheprovider

build: $(SAM_VENV)/.installed ## sam build (no Docker needed)
	$(SAM) build

validate: $(SAM_VENV)/.installed
	$(SAM) validate --lint

clean:
	rm -rf .aws-sam $(VENV) $(SAM_VENV)
