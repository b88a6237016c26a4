##
## Role fep_firewall (docs/firewall.md): molecule scenarios on podman, minutes each
##   make firewall-test            the three below, as `make test` runs them:
##   make firewall-firewalld         molecule test -s firewall-firewalld under the legacy profile (ansible-core 2.16)
##   make firewall-nftables          molecule test -s firewall-nftables under the default profile
##   make firewall-rollback          molecule test -s firewall-rollback under the default profile (~2 min more:
##                                   a real cut connection waits for the host's rollback timer)
##   make firewall-test-all        every scenario under both profiles (6 runs; not part of `make test`)
##   make firewall-down            remove the scenarios' containers and networks (fw-*, fepkit-fw-*)
#
# The scenarios share the lab's images and SSH key (tests/lab/lab.py) but use
# their own containers (fw-*) and networks (fepkit-fw-intranet/extranet,
# 10.232.11.0/24 and 10.232.12.0/24).

# nft validates fepkit's table in the unit tests (tests/unit/test_firewall_nftables.py)
APT_PACKAGES += nftables

FIREWALL_SCENARIOS := firewall-firewalld firewall-nftables firewall-rollback
FW_MOLECULE = CONTAINERS_CONF=$(CURDIR)/tests/lab/containers.conf PATH=$(CURDIR)/$(1)/bin:$$PATH molecule test -s $(2)

.PHONY: firewall-test firewall-test-all firewall-firewalld firewall-nftables firewall-rollback firewall-down

# Kylin V10 / openEuler 20.03 / UOS servers need the legacy profile: the
# firewalld scenario proves the role runs unchanged under ansible-core 2.16.
firewall-firewalld: test-deps setup-dev setup-legacy-dev
	time $(call FW_MOLECULE,.venv-legacy,firewall-firewalld)

firewall-nftables: test-deps setup-dev
	time $(call FW_MOLECULE,.venv,firewall-nftables)

firewall-rollback: test-deps setup-dev
	time $(call FW_MOLECULE,.venv,firewall-rollback)

firewall-test: firewall-firewalld firewall-nftables firewall-rollback

firewall-test-all: test-deps setup-dev setup-legacy-dev
	@for venv in .venv .venv-legacy; do for scenario in $(FIREWALL_SCENARIOS); do \
	  echo "== $$scenario ($$venv)"; start=$$(date +%s); \
	  $(call FW_MOLECULE,$$venv,$$scenario) || exit 1; \
	  echo "== $$scenario ($$venv): $$(( $$(date +%s) - start )) s"; done; done

firewall-down:
	$(PYTHON) molecule/firewall-common/fwlab.py down

EXTRA_TESTS += firewall-test
