# The test lab: simulated hospital servers in podman containers, the molecule
# scenario and the testinfra suites. Only these targets (and `make test`, through
# EXTRA_TESTS) touch podman; `make audit` never does.
##
## Test lab (docs/lab.md): simulated hospital servers in podman containers
##   make lab                      build the images if their inputs changed, start (or reuse) inventories/lab/
##   make lab-images               build the images only (when their inputs changed)
##   make lab-status               the lab's containers and networks
##   make lab-down                 remove the lab's containers, networks and state (images stay cached)
##   make lab-clean                lab-down, then remove the images too
##   make lab-test                 the four below, as `make test` runs them:
##   make lab-check                  lint molecule/, check that inventory, profiles and molecule agree (no containers)
##   make lab-e2e                    the audit of the lab region through ansible-runner (real SSH, one host
##                                   stopped); each server audited from the archive tools/fep_snapshot.py takes
##   make lab-testinfra              the testinfra suites against the lab region
##   make lab-molecule               molecule test -s audit (its own two containers)

# podman (runc, netavark and iptables for its networks), debootstrap for the
# base image, the ssh client for the connection to the containers
APT_PACKAGES += podman runc netavark iptables debootstrap openssh-client

LAB_INVENTORY ?= inventories/lab
# lab.py points podman at tests/lab/containers.conf itself (CONTAINERS_CONF)
LAB_PY := $(BIN)/python tests/lab/lab.py

.PHONY: lab lab-images lab-status lab-down lab-clean lab-test lab-check lab-e2e lab-testinfra lab-molecule

lab-images: test-deps setup-dev
	$(LAB_PY) images

# up builds the images first when their inputs changed
lab: test-deps setup-dev
	$(LAB_PY) up --inventory $(LAB_INVENTORY)

lab-status:
	$(PYTHON) tests/lab/lab.py status

# no venv needed to clean up
lab-down:
	$(PYTHON) tests/lab/lab.py down

lab-clean:
	$(PYTHON) tests/lab/lab.py clean

lab-check: setup-dev
	$(BIN)/ansible-lint -q molecule/
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/lab

lab-e2e: lab
	time FEPKIT_LAB_REQUIRED=1 $(BIN)/python -m pytest -q -p no:cacheprovider tests/e2e/test_lab_audit.py \
	  tests/e2e/test_lab_snapshot.py

lab-testinfra: lab
	time $(BIN)/python -m pytest -q -p no:cacheprovider tests/testinfra \
	  --hosts=ansible://all --ansible-inventory=$(LAB_INVENTORY) --ssh-config=tests/testinfra/ssh_config

# molecule's dependency step builds what it needs (tests/lab/lab.py prereqs)
lab-molecule: test-deps setup-dev
	time CONTAINERS_CONF=$(CURDIR)/tests/lab/containers.conf $(BIN)/molecule test -s audit

lab-test: lab-check lab-e2e lab-testinfra lab-molecule
	@echo "lab: left running for the next run; \`make lab-down\` removes it"

EXTRA_TESTS += lab-test
