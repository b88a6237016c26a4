# fepkit. `make help` prints every line below that starts with "##": each makefile (this one,
# then mk/*.mk) documents its own targets beside them, so the list cannot miss one
# (tests/unit/test_make_help.py checks it against make's own database).
## fepkit — the two commands a newcomer needs:
##   make audit                    set up the control node and audit this machine (or INVENTORY=…)
##   make test                     install everything the tests need and run them all (lint, unit, e2e, lab,
##                                 role scenarios, execution environment, offline bundle)
##
## Audit
##   make audit [INVENTORY=path]   audit this machine (default) or an inventory, print the verdict
##   make audit SNAPSHOTS=dir      audit the archives hospitals made with tools/fep_snapshot.py
##   make setup                    the control node alone (.venv, ansible-core 2.19)
##   make setup PROFILE=legacy     control node for Python 3.6/3.7 servers (ansible-core 2.16, .venv-legacy)
##   make setup OFFLINE=bundle     set up this control node from the offline bundle alone (no network)
##
## Development — the fast loop: `make unit` (about a minute), or a part of it with pytest's options:
##   make unit PYTEST_ARGS="-k role_os_vars"   make unit PYTEST_ARGS="-x --lf"   (e2e takes them too)
##   make setup-dev                the test venv (.venv); make setup-legacy-dev: .venv-legacy (ansible-core 2.16)
##   make unit [PYTEST_ARGS=…]     unit tests (tests/unit)
##   make e2e [PYTEST_ARGS=…]      end-to-end tests: playbooks through ansible-runner, both profiles (minutes)
##   make lint                     ruff and ansible-lint (Python 3.6 target code: tests/unit/test_target_python.py)
##   make docs                     regenerate the check catalogue in README.md and docs/
##   make collection [DIST=dir]    build the Ansible collection dist/fepkit-fep-<version>.tar.gz
##   make clean                    remove the venvs, dist/ and .offline/ (the lab: make lab-clean)
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON      ?= python3
# default: ansible-core 2.19 (targets with Python >= 3.8);
# legacy:  ansible-core 2.16 (roles on Kylin V10 / openEuler 20.03 / UOS with Python 3.6-3.7)
PROFILE     ?= default
# ANSIBLE_WHEEL: the PyPI `ansible` release whose wheel the pinned collections are taken from
ifeq ($(PROFILE),default)
VENV        ?= .venv
REQ_SUFFIX  :=
ANSIBLE_WHEEL := 12.3.0
else ifeq ($(PROFILE),legacy)
VENV        ?= .venv-legacy
REQ_SUFFIX  := -legacy
ANSIBLE_WHEEL := 9.13.0
else
$(error PROFILE must be "default" or "legacy", not "$(PROFILE)")
endif
INVENTORY   ?= inventories/local/hosts.yml
# A folder of archives made by tools/fep_snapshot.py: audit each one (tools/snapshot_inventory.py);
# an INVENTORY given as well supplies the region's variables of those hosts.
SNAPSHOTS   ?=
RESULTS     ?=
FEP_LANG    ?= zh
ANSIBLE_ARGS ?=

BIN := $(VENV)/bin
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: help setup setup-dev setup-legacy-dev audit test test-deps unit e2e lint docs clean collection

help:
	@sed -n 's/^## \{0,1\}//p' $(MAKEFILE_LIST)

# --- set-up -----------------------------------------------------------------
# OFFLINE=fepkit-bundle-<version>.tar.gz: install from the offline bundle alone (`make bundle`):
# tools/bundle.py extracts it under .offline/ and checks every file against its SHA256SUMS first;
# the wheels of this PROFILE and machine (uname -m), the collections from their tarballs.
OFFLINE     ?=
ifneq ($(OFFLINE),)
OFFLINE_DIR := $(CURDIR)/.offline/$(patsubst %.tar.gz,%,$(notdir $(OFFLINE)))
WHEELHOUSE  := $(OFFLINE_DIR)/wheels/$(PROFILE)/$(shell uname -m)
COLLECTIONS_DIR := $(OFFLINE_DIR)/collections/$(PROFILE)
OFFLINE_VERIFIED := $(OFFLINE_DIR).verified
$(OFFLINE_VERIFIED): $(OFFLINE)
	$(PYTHON) tools/bundle.py unpack $(OFFLINE) --into $(CURDIR)/.offline
endif

$(BIN)/python: | $(OFFLINE_VERIFIED)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet $(PIP_SOURCE) --upgrade pip

REQ         := requirements$(REQ_SUFFIX).txt
REQ_DEV     := requirements$(REQ_SUFFIX)-dev.txt
CONSTRAINTS := constraints$(REQ_SUFFIX).txt
COLLECTIONS_REQ := requirements$(REQ_SUFFIX).yml
# WHEELHOUSE=dir: install offline from a folder of wheels (the offline bundle's), nothing fetched
WHEELHOUSE  ?=
PIP_SOURCE  := $(if $(WHEELHOUSE),--no-index --find-links $(WHEELHOUSE))

$(VENV)/.runtime: $(REQ) $(CONSTRAINTS) $(COLLECTIONS_REQ) tools/install_collections.py | $(BIN)/python $(OFFLINE_VERIFIED)
	$(BIN)/pip install --quiet $(PIP_SOURCE) -r $(REQ) -c $(CONSTRAINTS)
	$(BIN)/python tools/install_collections.py --requirements $(COLLECTIONS_REQ) \
	  --ansible-version $(ANSIBLE_WHEEL) \
	  $(if $(COLLECTIONS_DIR),--from-dir $(COLLECTIONS_DIR),$(if $(WHEELHOUSE),--wheel-dir $(WHEELHOUSE))) \
	  --into "$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
	touch $@

$(VENV)/.dev: $(REQ_DEV) $(REQ) $(CONSTRAINTS) $(VENV)/.runtime
	$(BIN)/pip install --quiet $(PIP_SOURCE) -r $(REQ_DEV) -c $(CONSTRAINTS)
	touch $@

setup: $(VENV)/.runtime
setup-dev: $(VENV)/.dev

# --- audit ------------------------------------------------------------------
# Interactive: a non-compliant machine reads as a verdict, not as a failed make.
ifeq ($(strip $(SNAPSHOTS)),)
AUDIT_SOURCES := -i "$(INVENTORY)"
else
AUDIT_SOURCES := -i tools/snapshot_inventory.py $(if $(filter command line,$(origin INVENTORY)),-i "$(INVENTORY)") \
  -e fep_audit_hosts=snapshots
audit: export FEP_SNAPSHOTS := $(abspath $(SNAPSHOTS))
endif
audit: setup
	$(BIN)/ansible-playbook $(AUDIT_SOURCES) playbooks/audit.yml \
	  -e fep_fail_on_findings=false -e fep_lang=$(FEP_LANG) $(ANSIBLE_ARGS)

# The legacy profile's venv for the tests that run a role under ansible-core 2.16
# (mk/*.mk: `$(LEGACY_BIN)/molecule test -s …`), whatever PROFILE this make runs.
LEGACY_BIN := .venv-legacy/bin
setup-legacy-dev:
	$(MAKE) --no-print-directory setup-dev PROFILE=legacy VENV=.venv-legacy

# --- tests ------------------------------------------------------------------
# Feature makefiles (mk/*.mk: lab, roles, reports, bench, ee) add their own targets, "##" help
# lines and test steps (EXTRA_TESTS).
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

# PYTEST_ARGS: more pytest options, e.g. a part of the suite: "-k firewall", "-x --lf"
PYTEST_ARGS ?=
unit: setup-dev
	$(BIN)/python -m pytest -q $(PYTEST_ARGS) tests/unit

e2e: setup-dev setup-legacy-dev
	$(BIN)/python -m pytest -q $(PYTEST_ARGS) tests/e2e

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ansible-lint -q playbooks/ roles/ inventories/ molecule/

docs: setup
	$(BIN)/python tools/gen_catalogue.py

# --- distribution -------------------------------------------------------------
# The repository is the collection fepkit.fep (galaxy.yml; build_ignore keeps tests and tooling out).
DIST ?= dist
collection: setup
	$(BIN)/ansible-galaxy collection build --force --output-path $(DIST) .

clean:
	rm -rf .venv .venv-legacy .pytest_cache dist .offline
