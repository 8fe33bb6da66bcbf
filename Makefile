# The two commands a new user needs: `make demo` and `make test`. Each installs what it needs first.
SWIFT ?= swift
PROTO ?= protocols/seed-000/0-3-zns-long-cycling.yaml
DEMO_DB ?= out/demo.sqlite

.PHONY: deps demo demo-offline test build release bench clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build
	@mkdir -p out

# The main job: start echemd on its simulated bench, drop seed row 0-3 (300 cycles of the ZnS
# anode) into the queue folder, watch it live over the socket, then export it as BDF.
demo: build
	PROTO=$(PROTO) scripts/demo.sh

# The same protocol without the daemon: explain it, then run it in-process at full speed.
demo-offline: build
	$(SWIFT) run echemctl validate --quiet protocols
	$(SWIFT) run echemctl explain $(PROTO)
	$(SWIFT) run echemctl simulate $(PROTO) --db $(DEMO_DB) --bdf $(DEMO_DB:.sqlite=.bdf.csv)

test: deps
	@scripts/install-deps.sh --oracles
	$(SWIFT) build --build-tests
	# One suite at a time: several suites run real daemons, simulators and timing checks, and
	# on a 2-core machine they starve each other when run side by side (about 3 minutes in all).
	$(SWIFT) test --skip-build --no-parallel
	scripts/oracle-tests.sh
	scripts/verify-units.sh

release: deps
	$(SWIFT) build -c release

bench: deps
	$(SWIFT) run -c release echem-bench all

clean:
	rm -rf .build
