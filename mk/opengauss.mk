##
## Role fep_opengauss_prereqs (docs/opengauss.md): molecule scenarios, one per install profile
## (its unit and e2e tests run in `make unit` / `make e2e`)
##   make opengauss-test           both scenarios, as `make test` runs them:
##   make opengauss-molecule         molecule/opengauss under .venv (ansible-core 2.19)
##   make opengauss-molecule-legacy  molecule/opengauss-legacy under .venv-legacy (ansible-core 2.16)
##   make opengauss-down           remove leftover og-* containers and the fepkit-og-intranet network
#
# Each scenario builds what it needs in its dependency step (lab images, profile roots,
# SSH key, its own network 10.233.10.0/24) and destroys its container at the end.

# the lab's podman tool chain (mk/lab.mk lists the same; repeated so that this file stands alone)
APT_PACKAGES += podman runc netavark iptables debootstrap openssh-client

OG_MOLECULE_ENV := CONTAINERS_CONF=$(CURDIR)/tests/lab/containers.conf

.PHONY: opengauss-test opengauss-molecule opengauss-molecule-legacy opengauss-down

opengauss-molecule: test-deps setup-dev
	time $(OG_MOLECULE_ENV) PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/molecule test -s opengauss

# molecule finds ansible-config on PATH: the legacy venv's bin first
opengauss-molecule-legacy: test-deps setup-legacy-dev
	time $(OG_MOLECULE_ENV) PATH=$(CURDIR)/$(LEGACY_BIN):$$PATH $(LEGACY_BIN)/molecule test -s opengauss-legacy

opengauss-test: opengauss-molecule opengauss-molecule-legacy

# no venv needed to clean up
opengauss-down:
	$(OG_MOLECULE_ENV) $(PYTHON) molecule/opengauss/og_lab.py down

EXTRA_TESTS += opengauss-test
