# Anju (安居) — the two commands: `make run` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test unit integration lint spec bench fuzz services browser clean help deploy-gen deploy-check mutate

help:
	@echo "make run    start all five services for district 'demo' (Ctrl-C stops them); on empty"
	@echo "            databases it first plays the demo district's year (DEMO=0 skips it)"
	@echo "make test   install and run the whole test suite (RabbitMQ + SQLite + PostgreSQL)"
	@echo "make unit | integration | lint | spec | bench | fuzz | clean"
	@echo "make deploy-check   render and validate every overlay offline (needs kubectl; part of make test)"
	@echo "make deploy-gen     rewrite the generated manifests and Dockerfiles (scripts/deploygen.py)"
	@echo "make mutate         mutation testing of every domain module (slow; not part of make test):"
	@echo "                    MODULE=services/allocation/domain/lottery.py BUDGET=600 (seconds per module)"

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip>=24"
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

# On empty databases `make run` loads the demo district (services/demo): DEMO=0 skips it,
# DEMO_WORKERS=N sizes it (default 5000).
run: $(STAMP)
	$(BIN)/anju run --district $${DISTRICT:-demo} $(if $(filter 0 no false,$(DEMO)),,--demo $${DEMO_WORKERS:-5000})

services:
	@bash scripts/ensure-services.sh

# notify's board is tested in a real headless Chromium (Debian's package), installed when missing,
# with a CJK font so its screenshots show Chinese rather than empty boxes.
browser:
	@test -x /usr/bin/chromium || { apt-get update -qq && apt-get install -y chromium; }
	@test -d /usr/share/fonts/truetype/wqy || apt-get install -y fonts-wqy-zenhei

test: $(STAMP) services browser
	$(BIN)/python -m pytest -q

unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

integration: $(STAMP) services browser
	$(BIN)/python -m pytest -q tests/integration

lint: $(STAMP)
	$(BIN)/ruff check services tests bench

fuzz: $(STAMP) services
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-200} $(BIN)/python -m pytest -q tests/integration/test_fuzz_openapi.py

# Mutation testing (mutmut), each domain module against its own unit tests: scripts/mutate.py.
mutate: $(STAMP)
	$(BIN)/python scripts/mutate.py $(if $(MODULE),--module $(MODULE)) $(if $(BUDGET),--budget $(BUDGET)) $(MUTATE_ARGS)

spec: $(STAMP)
	$(BIN)/anju spec

BENCHES := outbox_relay applications_submit applications_points allocation_draw allocation_draw_db \
           finance_postings finance_bulk finance_billing finance_loans assistance_approvals \
           notify_pipeline
# Every bench appends its figures (bench/report.py); the last line writes var/bench/report.{md,json}.
bench: $(STAMP) services
	$(BIN)/python bench/report.py --reset
	@status=0; for b in $(BENCHES); do echo "== bench/$$b.py"; $(BIN)/python bench/$$b.py || status=$$?; done; \
	  $(BIN)/python bench/report.py; exit $$status

deploy-gen: $(STAMP)
	$(BIN)/python scripts/deploygen.py

deploy-check: $(STAMP)
	@command -v kubectl >/dev/null || { echo "kubectl (with kustomize v5) is needed to render deploy/: see deploy/README.md"; exit 1; }
	$(BIN)/python scripts/deploygen.py --check
	$(BIN)/python -m pytest -q tests/deploy

clean:
	rm -rf $(VENV) var .pytest_cache
