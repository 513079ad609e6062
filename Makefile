# AetherMart lakehouse. `make help` lists the targets.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON      ?= python3
VENV        := .venv
BIN         := $(VENV)/bin
STAMP       := $(VENV)/.installed
DBT         := $(BIN)/dbt
DEMO_SCALE  ?= 0.1
DEMO_SEED   ?= 42
DEMO_LANDING ?= data/landing
# Source systems that feed the build (dbt var enabled_sources; generate --sources), e.g.
# make demo SOURCES=mariadb,events for a retailer without stores.
SOURCES     ?= pos,mariadb,events
SOURCES_VARS := {enabled_sources: [$(SOURCES)]}
comma := ,
# `dbt source freshness` of the enabled systems (the MariaDB manifests belong to mariadb)
FRESHNESS_SELECT := $(foreach s,$(subst $(comma), ,$(SOURCES)),source:$(s) $(if $(filter mariadb,$(s)),source:mariadb_extractions))
# make demo KEEP_SERVICES=1: leave the FerretDB the demo starts running (make services-stop)
KEEP_SERVICES ?=
DEMO_MONGODB_SUMMARY := data/.demo_mongodb
SCALE       ?= 1
# Go builds the MongoDB-compatible test server; CI may not have /usr/local/go/bin on PATH
GO          ?= $(shell command -v go || echo /usr/local/go/bin/go)
# pytest workers (pytest-xdist): one per core; a test module stays on one worker, so its
# module-scoped dbt builds run once (make test PYTEST_WORKERS=0 runs in one process); modules
# are handed out in collection order, longest first (tests/conftest.py LONGEST_FIRST)
PYTEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
# sqlfluff processes of make lint (one per core)
LINT_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
PYTEST_PARALLEL := $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder)
FERRETDB_DIR := tools/ferretdb
FERRETDB_BIN := .cache/ferretdb/aethermart-ferretdb
FERRETDB_STOCK_BIN := .cache/ferretdb/aethermart-ferretdb-stock

export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DBT_PROFILES_DIR := $(CURDIR)
export DO_NOT_TRACK := 1

.PHONY: help venv demo test test-fast test-deps lint fmt docs clean lock sample services services-stop ferretdb bench bench-scaling

help: ## Show this help
	@echo "AetherMart lakehouse - make targets:"
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-10s %s\n", $$1, $$2}'
	@echo
	@echo "Variables: DEMO_SCALE=$(DEMO_SCALE) DEMO_SEED=$(DEMO_SEED) DEMO_LANDING=$(DEMO_LANDING) SOURCES=$(SOURCES) SCALE=$(SCALE) (make bench)"

# uv installs the lock (same versions as pip would; ~5 s instead of ~50 s): pip installs only
# uv itself, at the version the lock pins
UV := $(BIN)/uv pip install --quiet --python $(BIN)/python

# Bytecode: uv, unlike pip, writes no .pyc files, and where PYTHONDONTWRITEBYTECODE is set (as
# on the CI machine) Python never writes them either, so every dbt, aethermart and pytest
# process compiled its imports from source again (importing dbt, duckdb, pymongo and pyarrow:
# 5.7 s CPU, 3.0 s from .pyc files). Make's commands write them as any Python does, on first
# import, of the modules really imported: uv's --compile-bytecode compiles all of the lock
# (11 s on two cores, 21 s CPU) and is then paid again by every fresh clone
export PYTHONDONTWRITEBYTECODE :=

$(STAMP): requirements.lock pyproject.toml
	@echo "==> creating $(VENV) from requirements.lock"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check "$$(grep -E '^uv==' requirements.lock)"
	$(UV) -r requirements.lock
	$(UV) --no-deps --no-build-isolation -e .
	@touch $@

venv: $(STAMP) ## Create .venv with the pinned versions of requirements.lock

demo: $(STAMP) ## Generate demo sources, dbt build, export to Parquet and MongoDB, docs; print where outputs are
	@mkdir -p data
	$(BIN)/aethermart generate --scale $(DEMO_SCALE) --seed $(DEMO_SEED) --out $(DEMO_LANDING) --sources $(SOURCES)
	AETHERMART_LANDING=$(abspath $(DEMO_LANDING)) $(DBT) build --vars '$(SOURCES_VARS)'
	@echo
	@echo "==> dbt source freshness: how old each source's newest data is (generated data is dated 2025, so it is stale today; non-fatal here)"
	@AETHERMART_LANDING=$(abspath $(DEMO_LANDING)) $(DBT) source freshness --vars '$(SOURCES_VARS)' \
	  --select $(FRESHNESS_SELECT) || echo "demo: dbt source freshness: stale sources above (windows: vars *freshness_*_after_hours)"
	$(BIN)/aethermart export --target parquet
	@# MongoDB: to $$MONGODB_URI, else the FerretDB of `make services`, else a private FerretDB built
	@# here when Go is there (make ferretdb), else one line on how to get one
	@rm -f $(DEMO_MONGODB_SUMMARY)
	@if [ -z "$${MONGODB_URI:-}" ] && command -v "$(GO)" >/dev/null 2>&1; then \
	  $(MAKE) -s --no-print-directory $(FERRETDB_BIN) || echo "demo: building the local MongoDB-compatible server failed (above); MongoDB export skipped"; fi
	$(BIN)/python -m tools.mongo_demo --summary $(DEMO_MONGODB_SUMMARY) $(if $(filter 1 yes true,$(KEEP_SERVICES)),--keep-server)
	AETHERMART_LANDING=$(abspath $(DEMO_LANDING)) $(DBT) docs generate --static --vars '$(SOURCES_VARS)'
	@echo
	@# the data-quality report of this build: what was set aside, and why (exit 1 = an error threshold)
	-$(BIN)/aethermart quality
	@echo
	@echo "Outputs:"
	@echo "  landing zone (generated sources)  $(DEMO_LANDING)/  (answer key: $(DEMO_LANDING)/_answer_key.json; source systems: $(SOURCES))"
	@echo "  DuckDB warehouse                  $${AETHERMART_DUCKDB:-data/aethermart.duckdb}  (schemas bronze, silver, gold, snapshots, reference; build record in ops)"
	@if [ -n "$${AETHERMART_PII_SALT:-}" ]; then echo "  PII salt of gold's email hashes   from \$$AETHERMART_PII_SALT (never printed)"; \
	else echo "  PII salt of gold's email hashes   $${AETHERMART_DUCKDB:-data/aethermart.duckdb}.pii_salt  (random, once per warehouse, mode 600; set AETHERMART_PII_SALT in production)"; fi
	@echo "  gold Parquet for BI               $${AETHERMART_GOLD_DIR:-data/gold}/<model>/  (one dataset per gold model; facts by year=/month=)"
	@if [ -s $(DEMO_MONGODB_SUMMARY) ]; then echo "  MongoDB collections               $$(cat $(DEMO_MONGODB_SUMMARY))"; fi
	@echo "  source freshness                  target/sources.json  (dbt source freshness)"
	@echo "  lineage docs                      target/static_index.html (open in a browser)"
	@echo "  dbt artifacts                     target/manifest.json, target/run_results.json"

test: $(STAMP) test-deps ferretdb lint ## Lint, then run the whole test suite (starts what it needs)
	$(BIN)/pytest $(PYTEST_PARALLEL) --durations=25

test-fast: $(STAMP) test-deps ferretdb ## The tests outside the slow lane (no lint, no end-to-end runs): the edit-test loop
	$(BIN)/pytest $(PYTEST_PARALLEL) -m "not slow"

test-deps: ## Install what the tests start privately (Debian mariadb-server, chromium; needs root)
	@missing=""; \
	if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ]; then missing="$$missing mariadb-server"; fi; \
	if ! command -v chromium >/dev/null 2>&1; then missing="$$missing chromium"; fi; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
	  echo "test-deps: missing Debian packages:$$missing; install them with: sudo apt-get install$$missing"; exit 1; fi; \
	echo "==> installing$$missing (Debian packages; the tests run private instances)"; \
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends$$missing > /dev/null

services: $(STAMP) test-deps ferretdb ## Start private MariaDB and FerretDB in the background; prints `export MARIADB_URL=... MONGODB_URI=...`
	@$(BIN)/python -m tools.services start

services-stop: $(STAMP) ## Stop what `make services` started
	@$(BIN)/python -m tools.services stop

ferretdb: $(FERRETDB_BIN) $(FERRETDB_STOCK_BIN) ## Build the MongoDB-compatible test server (FerretDB on SQLite) into .cache/ferretdb/

# Built once from the pinned module (go.mod/go.sum) through the Go module proxy; ~1.5 min cold.
# One line of FerretDB's SQLite backend is changed in a copy of the module so that lookups by
# _id use its _id index: see tools/ferretdb/id_index_fix.sh.
$(FERRETDB_BIN): $(FERRETDB_DIR)/go.mod $(FERRETDB_DIR)/go.sum $(FERRETDB_DIR)/main.go $(FERRETDB_DIR)/id_index_fix.sh
	@if ! command -v "$(GO)" >/dev/null 2>&1; then \
	  echo "ferretdb: the Go toolchain (>= 1.24) is missing: install Go or run 'make GO=/path/to/go ...'"; exit 1; fi
	@echo "==> building $@ (FerretDB, $$(grep -m1 'FerretDB/FerretDB v' $(FERRETDB_DIR)/go.mod | awk '{print $$NF}'), _id lookups by index)"
	@mkdir -p $(@D)
	cd $(FERRETDB_DIR) && export GOTOOLCHAIN=local GOFLAGS=-mod=readonly GOWORK=off && "$(GO)" mod download && \
	  modfile=$$(GO="$(GO)" sh id_index_fix.sh "$(abspath $(@D))/src") && \
	  "$(GO)" build -modfile="$$modfile" -trimpath -buildvcs=false -ldflags='-s -w' -o $(abspath $@).tmp .
	@mv $@.tmp $@

# The same server without the fix (its lookups by _id scan, as stock FerretDB 1.24.2's do): one
# test runs the exporter's path for such a server against it. Shares the build cache (4 s warm).
$(FERRETDB_STOCK_BIN): $(FERRETDB_DIR)/go.mod $(FERRETDB_DIR)/go.sum $(FERRETDB_DIR)/main.go
	@if ! command -v "$(GO)" >/dev/null 2>&1; then \
	  echo "ferretdb: the Go toolchain (>= 1.24) is missing: install Go or run 'make GO=/path/to/go ...'"; exit 1; fi
	@echo "==> building $@ (stock FerretDB, for the test of servers whose _id lookups scan)"
	@mkdir -p $(@D)
	cd $(FERRETDB_DIR) && GOTOOLCHAIN=local GOFLAGS=-mod=readonly GOWORK=off \
	  "$(GO)" build -trimpath -buildvcs=false -ldflags='-s -w' -o $(abspath $@).tmp .
	@mv $@.tmp $@

bench: $(STAMP) test-deps ferretdb ## Benchmark the pipeline against the seed approach, pandas and polars, and its rebuilds (SCALE=0.1|1|10)
	$(BIN)/python -m bench.pipeline --scale $(SCALE) $(if $(BENCH_WORKDIR),--workdir $(BENCH_WORKDIR)) \
	  $(if $(BENCH_RESULTS),--results $(BENCH_RESULTS)) $(BENCH_ARGS)

bench-scaling: $(STAMP) test-deps ferretdb ## Benchmark at scales 0.1, 1 and 10; chart time and peak RSS against scale
	$(BIN)/python -m bench.pipeline --scaling 0.1 1 10 $(if $(BENCH_WORKDIR),--workdir $(BENCH_WORKDIR)) \
	  $(if $(BENCH_RESULTS),--results $(BENCH_RESULTS))

lint: $(STAMP) ## ruff (checks and format), dbt-bouncer (the project's conventions, dbt-bouncer.yml) and sqlfluff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# dbt-bouncer reads the manifest of `dbt parse` (no warehouse, no network)
	$(DBT) parse --quiet
	COLUMNS=160 $(BIN)/dbt-bouncer run --config-file dbt-bouncer.yml
	@# sqlfluff's dbt templater renders one file at a time in sqlfluff's main process (its
	@# --processes only spread the rule checks): the files in one sqlfluff per core instead, each
	@# over its own empty scratch warehouse (the templater opens it read-write; no shared lock,
	@# and never the user's data/ warehouse). sqlfluff skips (exit 0) a model dbt cannot
	@# compile: that is a lint failure too
	@scratch=$$(mktemp -d); status=0; \
	find models $$(ls -d tests/singular 2>/dev/null) -name '*.sql' | sort > $$scratch/files; \
	split -n r/$(LINT_JOBS) $$scratch/files $$scratch/part-; \
	for part in $$scratch/part-*; do \
	  ( AETHERMART_DUCKDB=$$part.duckdb xargs -r $(BIN)/sqlfluff lint --processes 1 < $$part > $$part.out 2>&1; \
	    echo $$? > $$part.rc ) & \
	done; wait; \
	for part in $$scratch/part-??; do cat $$part.out; [ "$$(cat $$part.rc)" = 0 ] || status=1; done; \
	if grep -q "Skipped file" $$scratch/part-*.out; then echo "lint: sqlfluff skipped files that dbt could not compile"; status=1; fi; \
	rm -rf $$scratch; exit $$status

fmt: $(STAMP) ## Format Python (ruff format), apply ruff's safe fixes and sqlfluff's fixes to the models
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/sqlfluff fix models $$(ls -d tests/singular 2>/dev/null)

docs: $(STAMP) ## Build the lineage docs site (target/index.html) and its single-file version
	$(DBT) docs generate --static --vars '$(SOURCES_VARS)'
	@echo "docs: target/index.html (serve with 'dbt docs serve') and target/static_index.html (open directly)"

sample: $(STAMP) ## Re-generate the committed sample landing zone (sample/landing)
	$(BIN)/aethermart generate --scale 0.001 --seed 42 --out sample/landing

lock: ## Re-resolve requirements.lock from pyproject.toml (needs the package registry)
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet "setuptools==80.9.0" -e '.[dev,bench]'
	{ echo "# Exact versions of every package the project installs (direct and transitive)."; \
	  echo "# Regenerate with 'make lock' after changing pyproject.toml; commit the result."; \
	  .venv-lock/bin/pip freeze --all --exclude-editable | grep -v -E '^(pip)=='; } > requirements.lock
	rm -rf .venv-lock

clean: ## Remove the venv, the DuckDB file, generated data, published gold, bench runs, the FerretDB build and dbt artifacts (make services-stop first)
	rm -rf $(VENV) target logs data/*.duckdb data/*.duckdb.wal data/duckdb_tmp $(DEMO_LANDING) .pytest_cache \
	  data/gold data/bench .cache
