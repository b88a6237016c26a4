##
## Execution environment and offline bundle (docs/distribution.md)
##   make ee                       build localhost/fepkit-ee:<version> (ansible-core 2.19) and :<version>-legacy
##                                 (2.16) with ansible-builder and podman, no registry; each only when its
##                                 inputs changed (tools/build_ee.py labels the images with their hash)
##   make ee-test                  build (or reuse) both and audit a snapshot in each with --network none;
##                                 run the audit as an AWX execution node does (ansible-runner transmit |
##                                 the image's `ansible-runner worker` | ansible-runner process) and
##                                 through ansible-navigator (tests/distribution/test_{runner,navigator}_ee.py)
# The base is the lab's debootstrapped Debian 12 (tests/lab/lab.py; debootstrap, podman: lab.mk).

EE_CONF := CONTAINERS_CONF=$(CURDIR)/tests/lab/containers.conf

.PHONY: ee ee-image ee-test

ee: test-deps setup-dev
	$(MAKE) --no-print-directory ee-image PROFILE=default VENV=$(VENV)
	$(MAKE) --no-print-directory ee-image PROFILE=legacy VENV=$(VENV)

# one profile's image (VENV: the one with ansible-builder, whatever PROFILE says)
ee-image:
	$(EE_CONF) $(BIN)/python tools/build_ee.py --profile $(PROFILE) --ansible-version $(ANSIBLE_WHEEL) \
	  $(if $(WHEELHOUSE),--wheel-dir $(WHEELHOUSE))

# ansible-navigator refuses podman without /dev/mqueue/ (it runs the EE with --ipc=host); systemd
# mounts it at boot, a machine started without systemd (this build VM) has none: an empty folder does
ee-test: ee
	[ -d /dev/mqueue ] || mkdir /dev/mqueue
	time $(EE_CONF) FEPKIT_EE_REQUIRED=1 $(BIN)/python -m pytest -q -p no:cacheprovider tests/distribution/test_execution_environment.py \
	  tests/distribution/test_runner_ee.py tests/distribution/test_navigator_ee.py

EXTRA_TESTS += ee-test

# --- the offline bundle (docs/distribution.md) --------------------------------------------------
##   make bundle                   dist/fepkit-bundle-<version>.tar.gz: wheels of both profiles for x86_64 and
##                                 aarch64, the collection tarballs, both EE images, SHA256SUMS (rewritten
##                                 only when its inputs changed)
##   make bundle-test              a fresh clone in /tmp: `make setup OFFLINE=…` and `make audit` under unshare -n
.PHONY: bundle bundle-test

bundle: ee
	$(EE_CONF) $(BIN)/python tools/bundle.py build --dist $(CURDIR)/dist

bundle-test: bundle
	time FEPKIT_BUNDLE_REQUIRED=1 $(BIN)/python -m pytest -q -p no:cacheprovider tests/distribution/test_bundle.py

EXTRA_TESTS += bundle-test
