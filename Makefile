# The two commands a new machine needs: `make run` and `make test`. Each sets itself up.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SAM_VENV := .venv-sam
SAM := $(SAM_VENV)/bin/sam
SCAN_VENV := .venv-scan
PORT ?= 3000
export AWS_DEFAULT_REGION ?= us-east-1
export SAM_CLI_TELEMETRY = 0

.PHONY: run test lint format bench build validate install clean

# What `make run` needs: the package, its pinned dependencies and the embedded AWS.
$(VENV)/.installed: pyproject.toml layers/core/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[local]"
	touch $@

# What tests and linting need on top.
$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

$(SAM_VENV)/.installed: requirements-sam.txt
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-sam.txt
	touch $@

# checkov (template scan) pins what clashes with ours and with the SAM CLI: its own venv.
$(SCAN_VENV)/.installed: requirements-scan.txt
	$(PYTHON) -m venv $(SCAN_VENV)
	$(SCAN_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-scan.txt
	touch $@

install: $(VENV)/.installed-dev ## create .venv with the package, the local stack and test tools

run: $(VENV)/.installed ## the whole service on 127.0.0.1:$(PORT), offline
	PORT=$(PORT) $(VENV)/bin/sbemail serve

test: $(VENV)/.installed-dev $(SAM_VENV)/.installed $(SCAN_VENV)/.installed ## every test suite
	SAM_BIN=$(abspath $(SAM)) CFN_LINT_BIN=$(abspath $(SAM_VENV)/bin/cfn-lint) \
	CHECKOV_BIN=$(abspath $(SCAN_VENV)/bin/checkov) SBEMAIL_BUNDLE_PYTHON=$(abspath $(PY)) \
	$(PY) -m pytest

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Benchmarks: print figures and write bench/results.json + bench/RESULTS.md (see bench/README.md).
# Cold starts use python3.13 (the Lambda runtime) when the machine has it.
# (the first that runs: a pyenv shim may exist for a version that is not selected).
BENCH_PYTHON ?= $(shell for p in python3.13 $$(pyenv root 2>/dev/null)/versions/3.13*/bin/python3.13; \
	do "$$p" -c '' 2>/dev/null && { command -v "$$p"; break; }; done)
bench: $(VENV)/.installed-dev ## benchmarks: print figures and ratios
	BENCH_PYTHON=$(BENCH_PYTHON) SBEMAIL_BENCH_RESULTS=bench/results.json \
		$(PY) -m pytest tests/performance -s -p no:cacheprovider

# The layer's block bundle is checked and written with the project's venv (see layers/core/Makefile).
build: $(VENV)/.installed $(SAM_VENV)/.installed ## sam build (no Docker needed)
	SBEMAIL_BUNDLE_PYTHON=$(abspath $(PY)) $(SAM) build

validate: $(SAM_VENV)/.installed
	$(SAM) validate --lint

clean:
	rm -rf .aws-sam $(VENV) $(SAM_VENV) $(SCAN_VENV)
