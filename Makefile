# asetik: the two commands on a fresh machine (only python3 >= 3.11 with venv needed):
#   make run    set up .venv, then run the main job (see `run` below)
#   make test   set up .venv, then run the whole test suite
# Each target installs what it needs first; a re-run does not reinstall unless
# pyproject.toml changed (the stamp file below is rebuilt when it is newer).

PYTHON ?= python3
VENV ?= .venv
PYTEST_ARGS ?=
BENCH_ARGS ?=
BENCH_ARGS_COLLECTOR ?=
BENCH_ARGS_SNMP ?=
BENCH_ARGS_SSH ?=
BENCH_ARGS_RULES ?=
BENCH_ARGS_PLANS ?=

BIN := $(VENV)/bin
STAMP := $(VENV)/.asetik-installed
INVENTORY := var/inventory.json

export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PIP_NO_INPUT := 1

.DEFAULT_GOAL := help
.PHONY: help setup run inventory test test-quick lint bench clean distclean

help:
	@echo "make run         set up, start the collector (SQLite) with this machine's agent; Ctrl-C stops"
	@echo "make inventory   this machine's observation document into $(INVENTORY), summarised"
	@echo "make test        set up, run all tests (extra pytest options: PYTEST_ARGS='...')"
	@echo "make test-quick  the tests not marked slow"
	@echo "make lint        ruff check, ruff format --check, mypy --strict"
	@echo "make bench       agent vs fusioninventory (BENCH_ARGS), collector ingest (BENCH_ARGS_COLLECTOR),"
	@echo "                 SNMP poller vs net-snmp and a 2,000-device fleet (BENCH_ARGS_SNMP),"
	@echo "                 SSH poller on replayed devices and agentless Linux (BENCH_ARGS_SSH),"
	@echo "                 rules evaluated into tickets over 20,000 assets (BENCH_ARGS_RULES),"
	@echo "                 work orders of preventive plans over 20,000 assets (BENCH_ARGS_PLANS)"
	@echo "make clean       remove generated files; make distclean also removes $(VENV)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "asetik needs Python >= 3.11; $(PYTHON) is older (set PYTHON=...)" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[dev,collector]'
	@touch $@

setup: $(STAMP)

# `make run`: the collector on SQLite in var/collector, this machine's agent sent once to it,
# then the collector in the foreground (Ctrl-C stops it). See deploy/local/run.sh.
run: $(STAMP)
	@BIN=$(BIN) bash deploy/local/run.sh

# `make inventory`: this machine's observation document into var/inventory.json, summarised.
inventory: $(STAMP)
	@mkdir -p $(dir $(INVENTORY))
	$(BIN)/asetik-agent inventory --pretty --output $(INVENTORY)
	@$(BIN)/python -c "$$INVENTORY_SUMMARY" $(INVENTORY)

test: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

test-quick: $(STAMP)
	$(BIN)/pytest -m "not slow" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict

bench: $(STAMP)
	$(BIN)/python -m tests.bench.bench_agent $(BENCH_ARGS)
	$(BIN)/python -m tests.bench.bench_collector $(BENCH_ARGS_COLLECTOR)
	$(BIN)/python -m tests.bench.bench_snmp $(BENCH_ARGS_SNMP)
	$(BIN)/python -m tests.bench.bench_ssh $(BENCH_ARGS_SSH)
	$(BIN)/python -m tests.bench.bench_rules $(BENCH_ARGS_RULES)
	$(BIN)/python -m tests.bench.bench_plans $(BENCH_ARGS_PLANS)

clean:
	rm -rf var build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)

# Printed by `make run`: hostname, OS, one line per section (item count for lists), file path.
define INVENTORY_SUMMARY
import json, sys
path = sys.argv[1]
with open(path, encoding="utf-8") as handle:
    doc = json.load(handle)
ident = doc.get("identity") or {}
osys = doc.get("operatingsystem") or {}
name = " ".join(str(osys[k]) for k in ("name", "version") if osys.get(k)) or "unknown"
print(f"hostname  {ident.get('hostname') or 'unknown'}")
print(f"OS        {name} (kernel {osys.get('kernel') or 'unknown'})")
for section, value in doc.items():
    if section not in ("schema_version", "source", "identity"):
        shown = len(value) if isinstance(value, list) else "present"
        print(f"  {section:<16}{shown}")
for error in doc.get("source", {}).get("errors", []):
    print(f"  {error['section']:<16}FAILED: {error['message']}")
print(f"document  {path}")
endef
export INVENTORY_SUMMARY
