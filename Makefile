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
R_EXAMPLES := rmovies
SHOW_EXAMPLE := groupstats

# R, its packages (all from Debian: CRAN is not used), and duoflow's R package installed into a
# project-local library.
R_DEBS := r-base-core r-base-dev r-cran-reticulate r-cran-testthat r-cran-magrittr r-cran-withr \
	r-cran-jsonlite r-cran-knitr r-cran-rmarkdown r-cran-roxygen2
RLIB := $(abspath .rlib)
R_STAMP := $(RLIB)/duoflow/DESCRIPTION
R_SOURCES := DESCRIPTION NAMESPACE $(wildcard R/*.R) $(wildcard inst/*/*)
# The R package reaches the Python core of this checkout.
R_ENV := DUOFLOW_PYTHON="$(VENV_PY)" R_LIBS="$(RLIB)"

.DEFAULT_GOAL := help
.PHONY: help install install-r r-system run test test-python test-unit test-r check bench bench-smoke compat clean

help: ## List the targets.
	@echo 'Usage: make TARGET [PYTHON=python3] [VENV=.venv]'
	@echo
	@grep -E '^[a-z][a-z-]*:.*## ' $(firstword $(MAKEFILE_LIST)) | \
		awk 'BEGIN {FS = ":.*## "} {printf "  %-12s %s\n", $$1, $$2}'

install: $(STAMP) ## Create the venv and install duoflow (editable, with test extras) if needed.

# R comes first: the Python extra "r" (rpy2, Python's view of R-native artifacts) builds against it.
$(STAMP): pyproject.toml | r-system
	@if ! "$(VENV_PY)" -m pip --version >/dev/null 2>&1; then \
		echo "Creating $(VENV) with $(PYTHON)"; \
		$(PYTHON) -m venv --clear "$(VENV)" || { \
			echo "error: '$(PYTHON) -m venv' failed. On Debian/Ubuntu: sudo apt install python3-venv" >&2; \
			exit 1; }; \
	fi
	"$(VENV_PY)" -m pip install --disable-pip-version-check -e '.[test,r]'
	@touch "$@"

r-system: ## Install R and the R packages duoflow needs from Debian, if any is missing.
	@missing=$$(for p in $(R_DEBS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing from Debian: $$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $$missing; \
	fi

install-r: install r-system $(R_STAMP) ## Install duoflow's R package into .rlib (after the Python package).

$(R_STAMP): $(R_SOURCES)
	@mkdir -p "$(RLIB)"
	R CMD INSTALL --no-multiarch --library="$(RLIB)" .

run: install install-r ## Run every example flow (each in its own folder), then `show` one of them.
	@set -e; for ex in $(EXAMPLES); do \
		echo; echo "==> examples/$$ex: python $$ex.py run"; \
		( cd "examples/$$ex" && \
		  DUOFLOW_DATASTORE_ROOT="$(CURDIR)/examples/$$ex/.duoflow" "$(VENV_PY)" "$$ex.py" run ); \
	done
	@echo; echo "==> examples/$(SHOW_EXAMPLE): python $(SHOW_EXAMPLE).py show"
	@cd "examples/$(SHOW_EXAMPLE)" && "$(VENV_PY)" "$(SHOW_EXAMPLE).py" show
	@for ex in $(R_EXAMPLES); do \
		echo; echo "==> examples/$$ex: Rscript $$ex.R run"; \
		( cd "examples/$$ex" && $(R_ENV) \
		  DUOFLOW_DATASTORE_ROOT="$(CURDIR)/examples/$$ex/.duoflow" Rscript "$$ex.R" run ) || exit 1; \
	done

test: test-python test-r check ## Run every test suite (Python, then R), then R CMD check.

test-python: install install-r ## Run the Python tests (pytest; the cross-language ones run R flows).
	$(R_ENV) "$(VENV_PY)" -m pytest tests/python -q $(PYTEST_ARGS)

test-unit: ## Run the unit tier only (tests/python/unit: the scheduler's decisions and the records, in-process, a few seconds).
	"$(VENV_PY)" -m pytest tests/python/unit -q $(PYTEST_ARGS)

test-r: install install-r ## Run the R tests (testthat, against the installed R package).
	$(R_ENV) Rscript tests/run-r-tests.R

# R CMD build (vignettes included) and R CMD check --no-manual on the tarball, in build/rcheck;
# fails on any ERROR or WARNING (NOTEs are explained in cran-comments.md). The tests and the
# examples inside the check reach the Python core through DUOFLOW_PYTHON.
CHECK_DIR := $(abspath build/rcheck)
check: install install-r ## Build the R package and run R CMD check on it (no errors, no warnings).
	@rm -rf "$(CHECK_DIR)" && mkdir -p "$(CHECK_DIR)"
	cd "$(CHECK_DIR)" && $(R_ENV) R CMD build "$(CURDIR)"
	cd "$(CHECK_DIR)" && $(R_ENV) _R_CHECK_SYSTEM_CLOCK_=0 R CMD check --no-manual --no-build-vignettes duoflow_*.tar.gz
	@status=$$(grep '^Status:' "$(CHECK_DIR)/duoflow.Rcheck/00check.log"); echo "R CMD check: $$status"; \
	if echo "$$status" | grep -qE 'WARNING|ERROR'; then \
		echo "error: R CMD check must end with no ERROR and no WARNING" >&2; exit 1; fi

# The benchmarks run Metaflow (from PyPI, pinned in bench/requirements-metaflow.txt) in a venv of
# its own, created once; duoflow runs from $(VENV). `make bench BENCH_ARGS='--only B1,B3'`.
BENCH_VENV := bench/.venv-metaflow
BENCH_PY := $(abspath $(BENCH_VENV))/bin/python
BENCH_STAMP := $(BENCH_VENV)/.installed
BENCH_ARGS ?=

$(BENCH_STAMP): bench/requirements-metaflow.txt
	@if ! "$(BENCH_PY)" -m pip --version >/dev/null 2>&1; then \
		echo "Creating $(BENCH_VENV) (Metaflow, for the benchmarks) with $(PYTHON)"; \
		$(PYTHON) -m venv --clear "$(BENCH_VENV)"; \
	fi
	"$(BENCH_PY)" -m pip install --disable-pip-version-check -q -r bench/requirements-metaflow.txt
	@touch "$@"

bench: install install-r $(BENCH_STAMP) ## Benchmarks, duoflow vs Metaflow side by side (~30 min): table, JSON, PNG in bench/results/.
	$(R_ENV) "$(VENV_PY)" bench/bench.py --metaflow-python "$(BENCH_PY)" $(BENCH_ARGS)

bench-smoke: install install-r $(BENCH_STAMP) ## Every benchmark at tiny sizes, one run each, both engines (~1 min).
	$(R_ENV) "$(VENV_PY)" bench/bench.py --quick --metaflow-python "$(BENCH_PY)" $(BENCH_ARGS)

# The differential cases of tests/compat (flows from Metaflow's documentation) on both engines;
# `make test` runs duoflow's side only. `make compat COMPAT_ARGS='--only config_value_option'`.
COMPAT_ARGS ?=
compat: install $(BENCH_STAMP) ## Run tests/compat on duoflow and Metaflow: a table of agreements and differences.
	"$(VENV_PY)" tests/compat/harness.py --duoflow-python "$(VENV_PY)" --metaflow-python "$(BENCH_PY)" $(COMPAT_ARGS)

clean: ## Remove the virtual environment, the examples' datastores and caches.
	rm -rf "$(VENV)" "$(RLIB)" examples/*/.duoflow .pytest_cache build dist python/*.egg-info
	find . -path ./.git -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
