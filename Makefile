# Two commands for a newcomer: `make run` and `make test`. Each sets itself up:
# a .venv on Python 3.10 with the locked dependencies, then the policy database.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
PYTHON310 ?=
MODEL   := models/policy-assistant.tar.gz
NLU_STAMP := build/nlu/.built
SAMPLE  ?= policies_db/examples/hangzhou-offshore-software.json
AS_OF   ?= 2024-06-30
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

CATALOGUE := $(wildcard policies_db/catalogue/*.yml) policies_db/evaluation/gazetteer.yml
NLU_INPUTS := $(CATALOGUE) bot/nlu/vocabulary.yml bot/nlu/vocabulary.py bot/nlu/assets.py policies_db/evaluation/places.py policies_db/evaluation/gazetteer.yml policies_db/evaluation/towns.yml
# What DIET learns from: the data, and the text as the normalizer and tokenizer give it. The extractor's rules
# (profile_extractor, phrases, numbers, guards) run at parse time from the code: changing them needs no retrain.
TRAIN_INPUTS := $(NLU_STAMP) config.yml $(wildcard domain/*.yml) $(shell find data -name "*.yml") bot/nlu/tokenizer.py bot/nlu/text_normalizer.py bot/nlu/normalize.py

.PHONY: help run test setup db check bench lock clean nlu-assets train sample nlu-eval eval browser cluster cluster-stop audit report-fonts domain

help:
	@echo "make run       build everything needed, train if the data changed, start the assistant"
	@echo "make test      lint, catalogue check, audit, then the unit, rasa and system test tiers"
	@echo "make test-unit the fast tier: engine, catalogue, profile, CLI, actions — no model, browser or servers"
	@echo "make lint      ruff check (pyproject.toml)"
	@echo "make domain    regenerate domain/profile.yml from the profile fields and scripts/profile_questions.yml"
	@echo "make cluster   nginx + 2 Rasa replicas (PostgreSQL, Redis) + 2 action servers; make cluster-stop"
	@echo "make sample    build the policy database and print a sample evaluation"
	@echo "make nlu-eval  intent and entity F1 on the held-out split (tests/nlu)"
	@echo "make fuzz      conversation fuzzer on new random seeds (make test walks a fixed one)"
	@echo "make place-roles  DIET with entity roles vs the rule reader on whose place a city is (docs/place_roles.md)"
	@echo "make eval      replay the development (tests/conversations) and sealed (tests/sealed) conversations through REST"
	@echo "make bench     engine (100 / 1,000 / 10,000 measures) and conversation benchmarks"
	@echo "make audit     dependency audit of requirements.lock (OSV; security/known-findings.yml)"
	@echo "make lock      one resolve of requirements-dev.in → requirements-dev.lock and its runtime subset requirements.lock"

# The venv is rebuilt when the lock changes; `pip check` guards the pinned set.
$(STAMP): requirements-dev.lock scripts/find-python310.sh
	@py=$$(PYTHON310="$(PYTHON310)" scripts/find-python310.sh) || exit 1; \
	if ! $(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then \
	  echo "Creating $(VENV) with $$py"; rm -rf $(VENV); "$$py" -m venv $(VENV) || exit 1; \
	fi
	@echo "Installing the locked dependencies (first time: about 2–3 minutes, 2.9 GB)…"
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	$(PY) -m pip check
	@touch $(STAMP)

setup: $(STAMP)

db: $(STAMP)
	$(PY) -m policies_db build

check: $(STAMP)
	$(PY) -m policies_db check

sample: db
	@echo
	@echo "== Sample evaluation: $(SAMPLE) (as of $(AS_OF)) =="
	$(PY) -m policies_db match --profile $(SAMPLE) --as-of $(AS_OF)

# domain/profile.yml: one entity, slot, form slot and question per field of policies_db/profile.py, rendered
# from FIELDS and scripts/profile_questions.yml (rewritten only when it changes, so an unchanged domain does
# not retrain). tests/test_domain_contract.py fails while the committed file is out of date.
domain: $(STAMP)
	$(PY) scripts/gen_profile_domain.py

# jieba dictionary and spaCy pipeline, generated from the vocabulary and the catalogue.
$(NLU_STAMP): $(STAMP) $(NLU_INPUTS)
	$(PY) -m bot.nlu.assets
	@touch $(NLU_STAMP)

nlu-assets: $(NLU_STAMP)

# Trains only when data, domain, config, vocabulary or components changed (make compares times).
$(MODEL): $(TRAIN_INPUTS)
	@echo "Training the assistant (1–4 minutes)…"
	@mkdir -p build
	flock build/.train.lock .venv/bin/rasa train --domain domain --fixed-model-name policy-assistant --out models --force --quiet

train: $(MODEL)

# A newcomer sees a handful of lines; setup, training and server output go to build/logs/.
run:
	@mkdir -p build/logs
	@echo "Preparing dependencies, the policy database and the model (first time: several minutes; log: build/logs/setup.log)…"
	@$(MAKE) --no-print-directory db $(MODEL) report-fonts $(REDIS_SERVER) >build/logs/setup.log 2>&1 || \
	  { tail -n 30 build/logs/setup.log; echo "Setup failed: see build/logs/setup.log"; exit 1; }
	@scripts/serve.sh

# The report PDF (bot/report/pdf.py, docs/report.md): Noto Sans CJK SC, and HarfBuzz's subsetter
# (without it WeasyPrint subsets the CJK font with fontTools: 30 s instead of 0.3 s per PDF).
REPORT_FONT ?= /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
HB_SUBSET ?= /usr/lib/x86_64-linux-gnu/libharfbuzz-subset.so.0
report-fonts:
	@if [ -e $(REPORT_FONT) ] && [ -e $(HB_SUBSET) ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk libharfbuzz-subset0; \
	else \
	  echo "The report PDF needs fonts-noto-cjk and libharfbuzz-subset0: sudo apt-get install fonts-noto-cjk libharfbuzz-subset0"; exit 1; \
	fi

nlu-eval: $(MODEL)
	.venv/bin/rasa test nlu --nlu tests/nlu --model $(MODEL) --out build/nlu-eval --no-plot
	$(PY) scripts/nlu_report.py build/nlu-eval

# A report (exit 0 below target). `make test` gates on it and prints the per-conversation table: task success
# ≥ EVAL_MIN_SUCCESS and misunderstood turns ≤ EVAL_MAX_MISUNDERSTOOD, set a few conversations below the latest
# recorded run, so a model trained on another machine (TensorFlow on CPU is not bit-reproducible) does not block a
# landing over one conversation. The targets are 95 % / 5 %; `make eval` reports against them. The development set
# now holds the former sealed batches A–Y (1319 conversations: 88.3 % / 4.5 %, 2026-12-08 00:12).
# See docs/evaluation.md.
EVAL_MIN_SUCCESS ?= 0.86
EVAL_MAX_MISUNDERSTOOD ?= 0.06
# The sealed batch (tests/sealed/: Z, docs/evaluation.md): first contact 62.0 % / 8.0 % (2026-12-07 23:16), 90.0 % /
# 3.2 % after its fixes (2026-12-08 00:12); the gate keeps it from regressing by more than a few conversations.
SEALED_MIN_SUCCESS ?= 0.84
SEALED_MAX_MISUNDERSTOOD ?= 0.05
EVAL_ARGS ?=
eval: db $(MODEL)
	$(PY) scripts/eval_conversations.py --sealed $(EVAL_ARGS)

# Browser tests use Debian's chromium (Playwright downloads nothing) and CJK fonts for screenshots.
CHROMIUM ?= /usr/bin/chromium
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; \
	else \
	  echo "Browser tests need Debian's chromium and fonts-noto-cjk: sudo apt-get install chromium fonts-noto-cjk"; exit 1; \
	fi

browser: $(CHROMIUM)

# `make run` serves with one Sanic worker per core; their conversation locks live in a Redis it starts itself
# (scripts/serve.sh) from Debian's redis-server. Without it `make run` falls back to one process.
REDIS_SERVER ?= /usr/bin/redis-server
$(REDIS_SERVER):
	@if [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server; \
	else \
	  echo "make run uses both cores with Debian's redis-server: sudo apt-get install redis-server (or RASA_WORKERS=1)"; exit 1; \
	fi

# The cluster's load balancer: Debian's nginx.
NGINX ?= /usr/sbin/nginx
$(NGINX):
	@if [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light; \
	else \
	  echo "The cluster needs nginx: sudo apt-get install nginx-light"; exit 1; \
	fi

# Production topology on this machine: nginx → Rasa replicas (PostgreSQL tracker store, Redis lock
# store) → nginx → action servers. Settings: see scripts/cluster.py and .env.example.
cluster: $(MODEL) $(NGINX)
	$(PY) scripts/cluster.py start

cluster-stop:
	$(PY) scripts/cluster.py stop

audit: $(STAMP)
	$(PY) scripts/audit.py

# Ruff (pyproject.toml). CI runs it as part of `make test`.
.PHONY: lint test-unit test-rasa test-system fuzz place-roles
lint: $(STAMP)
	$(VENV)/bin/ruff check .

# Test tiers (tests/conftest.py assigns them by file): unit is the inner loop — no model, browser,
# nginx or servers; rasa needs the trained model; system runs the assistant and real services.
test-unit: $(STAMP) report-fonts
	$(PY) -m pytest -q -m unit tests

test-rasa: $(STAMP) $(MODEL)
	$(PY) -m pytest -q -m rasa tests

test-system: db $(MODEL) $(CHROMIUM) $(NGINX) $(REDIS_SERVER) report-fonts
	$(PY) -m pytest -q -m system tests

# Issue 19's experiment (docs/place_roles.md): DIET with entity roles against the rule reader on whose place a city is.
# Builds the data at the commit that froze tests/sealed/ (ROLES_AT), trains the role model (~6 min), compares (~3 min).
ROLES_AT ?=
place-roles: $(MODEL)
	PYTHONPATH=. $(PY) scripts/place_roles_data.py $(if $(ROLES_AT),--at $(ROLES_AT))
	PYTHONPATH=. .venv/bin/rasa train nlu -c bench/roles/config.yml --nlu build/roles/ --out build/roles/models --fixed-model-name roles
	PYTHONPATH=. $(PY) scripts/compare_place_readers.py

# `make test` walks the fuzzer's fixed seed; this explores new ones (FUZZ_WALKS=n for more per run).
fuzz: db $(MODEL)
	FUZZ_SEED=random $(PY) -m pytest -q -s tests/test_fuzz.py

# Everything, fastest first, so a broken unit stops the run before the slow tiers start.
test: lint db $(MODEL) $(CHROMIUM) $(NGINX) $(REDIS_SERVER) report-fonts
	$(PY) -m policies_db check
	$(PY) scripts/audit.py
	$(PY) -m pytest -q -m unit tests
	$(PY) -m pytest -q -m rasa tests
	$(PY) -m pytest -q -m system tests
	$(PY) scripts/eval_conversations.py --min-success $(EVAL_MIN_SUCCESS) --max-misunderstood $(EVAL_MAX_MISUNDERSTOOD) \
	  --sealed --sealed-min-success $(SEALED_MIN_SUCCESS) --sealed-max-misunderstood $(SEALED_MAX_MISUNDERSTOOD)

bench: db $(MODEL) $(NGINX) $(REDIS_SERVER)
	$(PY) bench/engine_bench.py
	$(PY) bench/turn_profile.py
	$(PY) bench/cpu_per_turn.py
	$(PY) bench/conversation_bench.py

# One resolve of requirements-dev.in (runtime + test tools) → requirements-dev.lock;
# requirements.lock is its runtime subset, same versions (scripts/lock_split.py).
lock:
	@py=$$(PYTHON310="$(PYTHON310)" scripts/find-python310.sh) || exit 1; \
	rm -rf build/lock-venv && "$$py" -m venv build/lock-venv && \
	build/lock-venv/bin/pip install --quiet -r requirements-dev.in && build/lock-venv/bin/pip check && \
	{ echo "# Generated by 'make lock' from requirements-dev.in on Python 3.10 (one pip resolve, then pip freeze)."; \
	  echo "# Do not edit by hand. 'make' installs exactly this set and runs 'pip check'."; \
	  build/lock-venv/bin/pip freeze; } > requirements-dev.lock && \
	build/lock-venv/bin/python scripts/lock_split.py requirements.in requirements-dev.lock requirements.lock && \
	rm -rf build/lock-venv
	@echo "requirements-dev.lock and requirements.lock updated"

clean:
	rm -rf build .pytest_cache
