# fepkit — the two commands a newcomer needs:
#   make audit   set up the control node and audit this machine (or INVENTORY=…)
#   make test    install everything the tests need and run them all
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON      ?= python3
PROFILE     ?= default
VENV        ?= .venv
INVENTORY   ?= inventories/local/hosts.yml
RESULTS     ?=
FEP_LANG    ?= zh
ANSIBLE_ARGS ?=

BIN := $(VENV)/bin
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: help setup setup-dev audit test test-deps unit e2e lint docs clean

help:
	@echo "make audit [INVENTORY=path]   audit this machine (default) or an inventory, print the verdict"
	@echo "make report RESULTS=…         regenerate survey forms, roll-up, HTML and JUnit from a results.json"
	@echo "make test                     install test dependencies and run every test"
	@echo "make lint                     ruff and ansible-lint (Python 3.6 target code: tests/unit/test_target_python.py)"
	@echo "make docs                     regenerate the check catalogue in README.md and docs/"

# --- set-up -----------------------------------------------------------------
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt -c constraints.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt constraints.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $@

setup: $(VENV)/.runtime
setup-dev: $(VENV)/.dev

# --- audit ------------------------------------------------------------------
# Interactive: a non-compliant machine reads as a verdict, not as a failed make.
audit: setup
	$(BIN)/ansible-playbook -i $(INVENTORY) playbooks/audit.yml \
	  -e fep_fail_on_findings=false -e fep_lang=$(FEP_LANG) $(ANSIBLE_ARGS)

# --- tests ------------------------------------------------------------------
# Feature makefiles (lab, reports, bench) add their own targets and test steps.
EXTRA_TESTS :=
-include mk/*.mk

test: test-deps setup-dev lint unit e2e $(EXTRA_TESTS)

# System packages the tests use (CI runs as root on a fresh Debian machine):
# /usr/bin/python3 plays the hospital server's own interpreter in the live audit test.
APT_PACKAGES += python3
test-deps:
	@missing=$$(for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q '^install ok installed$$' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing: $$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

unit: setup-dev
	$(BIN)/python -m pytest -q tests/unit

e2e: setup-dev
	$(BIN)/python -m pytest -q tests/e2e

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ansible-lint -q playbooks/ roles/ inventories/ molecule/

docs: setup
	$(BIN)/python tools/gen_catalogue.py

clean:
	rm -rf $(VENV) .pytest_cache
