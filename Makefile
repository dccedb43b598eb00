# Lendscope: `make run` opens the app, `make test` runs lint and the whole test suite.
# Both create .venv and install what they need; installs are skipped when the
# requirements files have not changed since the last install.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME_STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev
PORT ?= 8501

.PHONY: run test lint bench model screenshots clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(RUNTIME_STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(RUNTIME_STAMP) $@

## model: train and promote the default model unless a champion exists
model: $(RUNTIME_STAMP)
	$(PY) -m model ensure-default

## run: install, build the default dataset and model if missing, open the app
run: model
	$(PY) -m streamlit run app.py --server.port $(PORT)

## lint: ruff over the whole tree
lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .

## test: lint, then every test (browser tests included)
test: lint
	$(PY) -m pytest

## bench: every benchmark in benchmarks/, each printing one JSON line last
bench: $(DEV_STAMP) model
	@for module in $$(ls benchmarks/*.py | grep -v __init__ | sed 's|/|.|; s|\.py$$||'); do \
		echo "== $$module"; $(PY) -m $$module || exit 1; \
	done

## screenshots: refresh docs/screenshots/ from a running app
screenshots: $(DEV_STAMP) model
	$(PY) -m tests.browser.take_screenshots

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis var
