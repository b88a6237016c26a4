##
## Benchmark (docs/performance.md; not part of `make test`)
##   make bench [BENCH_ARGS=…]     audit vs SSH floor vs naive playbook on 50/100/200 loopback hosts,
##                                 e.g. BENCH_ARGS="--sizes 100 --reps 5 --variants audit,floor"
##   make bench-fleet-start [BENCH_HOSTS=20]   make bench-fleet-stop   make bench-fleet-status
##                                 the loopback fleet alone, for measuring by hand
##   make bench-reports [BENCH_REPORTS_ARGS=…]
##                                 every report of 1,000 and 15,000 generated servers vs json.load,
##                                 e.g. BENCH_REPORTS_ARGS="--sizes 1000 --reps 3 --keep /tmp/reports"
# The fleet (sshd per 127.0.1.x in its own namespaces) is always stopped at the end, even when
# the benchmark fails or is interrupted. Results: tests/bench/results/<date>.{md,json} (.json git-ignored).
BENCH_HOSTS ?= 200
BENCH_ARGS  ?=
BENCH_REPORTS_ARGS ?=
FLEET       := $(PYTHON) tests/bench/fleet.py

.PHONY: bench bench-reports bench-deps bench-fleet-start bench-fleet-stop bench-fleet-status

# openssh-server for the fleet; the distribution's own sshd is not left running
bench-deps:
	@$(FLEET) deps

bench: bench-deps setup-dev
	@trap '$(FLEET) stop' EXIT INT TERM; \
	$(FLEET) start $(BENCH_HOSTS) && $(BIN)/python tests/bench/bench.py $(BENCH_ARGS)

bench-fleet-start: bench-deps
	$(FLEET) start $(BENCH_HOSTS)

bench-fleet-stop:
	$(FLEET) stop

bench-fleet-status:
	$(FLEET) status

# Reports at national size (docs/performance.md): no fleet, a generated results.json; needs ~4 GiB
bench-reports: setup-dev
	$(BIN)/python tests/bench/reports_bench.py $(BENCH_REPORTS_ARGS)
