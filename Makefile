# Anju (安居) — the two commands: `make run` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test unit integration lint spec bench fuzz services clean help deploy-gen deploy-check mutate

help:
	@echo "make run    start all five services for district 'demo' (Ctrl-C stops them)"
	@echo "make test   install and run the whole test suite (RabbitMQ + SQLite + PostgreSQL)"
	@echo "make unit | integration | lint | spec | bench | fuzz | clean"
	@echo "make deploy-check   render and validate every overlay offline (needs kubectl; part of make test)"
	@echo "make deploy-gen     rewrite the generated manifests and Dockerfiles (scripts/deploygen.py)"
	@echo "make mutate         mutation testing of every domain module (slow; not part of make test):"
	@echo "                    MODULE=services/allocation/domain/lottery.py BUDGET=600 (seconds per module) JOBS=1"

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip>=24"
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/anju run --district $${DISTRICT:-demo}

services:
	@bash scripts/ensure-services.sh

test: $(STAMP) services
	$(BIN)/python -m pytest -q

unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

integration: $(STAMP) services
	$(BIN)/python -m pytest -q tests/integration

lint: $(STAMP)
	$(BIN)/ruff check services tests bench

fuzz: $(STAMP) services
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-200} $(BIN)/python -m pytest -q tests/integration/test_fuzz_openapi.py

# Mutation testing (mutmut), each domain module against its own unit tests: scripts/mutate.py.
mutate: $(STAMP)
	$(BIN)/python scripts/mutate.py $(if $(MODULE),--module $(MODULE)) $(if $(BUDGET),--budget $(BUDGET)) $(if $(JOBS),--jobs $(JOBS)) $(MUTATE_ARGS)

spec: $(STAMP)
	$(BIN)/anju spec

bench: $(STAMP) services
	$(BIN)/python bench/outbox_relay.py
	$(BIN)/python bench/applications_submit.py
	$(BIN)/python bench/applications_points.py
	$(BIN)/python bench/allocation_draw.py
	$(BIN)/python bench/allocation_draw_db.py
	$(BIN)/python bench/finance_postings.py
	$(BIN)/python bench/finance_bulk.py

deploy-gen: $(STAMP)
	$(BIN)/python scripts/deploygen.py

deploy-check: $(STAMP)
	@command -v kubectl >/dev/null || { echo "kubectl (with kustomize v5) is needed to render deploy/: see deploy/README.md"; exit 1; }
	$(BIN)/python scripts/deploygen.py --check
	$(BIN)/python -m pytest -q tests/deploy

clean:
	rm -rf $(VENV) var .pytest_cache
