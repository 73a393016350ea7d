# duoflow: set-up, examples, tests and benchmarks.  `make help` lists the targets.
#
# Everything runs in a virtual environment ($(VENV)) that the first target needing it creates
# and fills with `pip install -e '.[test]'`; later calls only check a stamp file, so they cost
# nothing until pyproject.toml changes.

PYTHON ?= python3
VENV ?= .venv
# Extra arguments for pytest, e.g. `make test PYTEST_ARGS='-k foreach -x'`.
PYTEST_ARGS ?=

# Absolute, so that recipes can cd into an example's folder and still find it.
VENV_PY := $(abspath $(VENV))/bin/python
STAMP := $(VENV)/.installed

# Each example is examples/NAME/NAME.py, run from its own folder; its datastore is the
# `.duoflow/` beside it (set explicitly, so that no other `.duoflow/` found further up the tree,
# nor a DUOFLOW_DATASTORE_ROOT in the caller's environment, captures the example runs).
EXAMPLES := hello groupstats
SHOW_EXAMPLE := groupstats

.DEFAULT_GOAL := help
.PHONY: help install run test test-python bench clean

help: ## List the targets.
	@echo 'Usage: make TARGET [PYTHON=python3] [VENV=.venv]'
	@echo
	@grep -E '^[a-z][a-z-]*:.*## ' $(firstword $(MAKEFILE_LIST)) | \
		awk 'BEGIN {FS = ":.*## "} {printf "  %-12s %s\n", $$1, $$2}'

install: $(STAMP) ## Create the venv and install duoflow (editable, with test extras) if needed.

$(STAMP): pyproject.toml
	@if ! "$(VENV_PY)" -m pip --version >/dev/null 2>&1; then \
		echo "Creating $(VENV) with $(PYTHON)"; \
		$(PYTHON) -m venv --clear "$(VENV)" || { \
			echo "error: '$(PYTHON) -m venv' failed. On Debian/Ubuntu: sudo apt install python3-venv" >&2; \
			exit 1; }; \
	fi
	"$(VENV_PY)" -m pip install --disable-pip-version-check -e '.[test]'
	@touch "$@"

run: install ## Run every example flow (each in its own folder), then `show` one of them.
	@set -e; for ex in $(EXAMPLES); do \
		echo; echo "==> examples/$$ex: python $$ex.py run"; \
		( cd "examples/$$ex" && \
		  DUOFLOW_DATASTORE_ROOT="$(CURDIR)/examples/$$ex/.duoflow" "$(VENV_PY)" "$$ex.py" run ); \
	done
	@echo; echo "==> examples/$(SHOW_EXAMPLE): python $(SHOW_EXAMPLE).py show"
	@cd "examples/$(SHOW_EXAMPLE)" && "$(VENV_PY)" "$(SHOW_EXAMPLE).py" show

test: test-python ## Run every test suite.

test-python: install ## Run the Python tests (pytest).
	"$(VENV_PY)" -m pytest tests/python -q $(PYTEST_ARGS)

bench: install ## Run the fan-out benchmark (bench/fanout.py).
	"$(VENV_PY)" bench/fanout.py

clean: ## Remove the virtual environment, the examples' datastores and caches.
	rm -rf "$(VENV)" examples/*/.duoflow .pytest_cache build dist python/*.egg-info
	find . -path ./.git -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
