PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint install clean constraints

# constraints.txt pins every package the tests ran with (`make constraints` refreshes it).
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade 'pip<27'
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/smsapp demo

# Prism (contract tests) comes from npm when npm is here; the tests say so when it is not.
node_modules/.installed: package.json
	@if command -v npm >/dev/null 2>&1; then \
	  timeout 600 npm install --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error \
	  && touch node_modules/.installed; \
	else echo "npm not found: contract tests will be deselected"; fi

test: $(STAMP)
	-@$(MAKE) --no-print-directory node_modules/.installed
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

constraints: $(STAMP)
	$(BIN)/pip freeze --all --exclude-editable --exclude smsapp --exclude pip | sort -f > constraints.txt

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
