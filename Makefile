# Conversion Watch. `make demo` and `make test` work on a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CDK_DISABLE_VERSION_CHECK := true
# cdk.json runs `python3 app.py`: the project's venv comes first on PATH.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: setup synth demo test test-fast lint typecheck bench diagrams clean

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

synth: setup
	npx cdk synth --quiet

demo: synth
	$(PY) -m localrun scenarios/demo.json --json reports/demo.json

lint: setup
	$(VENV)/bin/ruff check .

typecheck: setup
	$(VENV)/bin/mypy

test: lint typecheck synth
	$(PY) -m pytest -n auto --dist loadfile --durations=15

# The inner loop: ruff, then every test but the slow ones (soaks, year-long watches, the fleet),
# synthesizing only when the app's sources changed since the last template.
SYNTH_INPUTS := app.py cdk.json $(shell find stacks lambda_src -name '*.py' 2>/dev/null)
cdk.out/ConversionWatch.template.json: $(SYNTH_INPUTS) | setup
	npx cdk synth --quiet

test-fast: lint cdk.out/ConversionWatch.template.json
	$(PY) -m pytest -n auto --dist loadfile -m "not slow" --durations=10

bench: synth
	$(PY) -m bench

# README pictures (docs/images/*.svg; needs Graphviz: apt-get install -y graphviz) and docs/schemas/*.json.
diagrams: synth
	$(PY) -m tools.export_schemas
	$(PY) -m tools.render_diagrams

clean:
	rm -rf cdk.out reports .pytest_cache .mypy_cache .ruff_cache
