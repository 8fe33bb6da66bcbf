# The two commands a new user needs: `make demo` and `make test`. Each installs what it needs first.
SWIFT ?= swift
PROTO ?= protocols/seed-000/0-3-zns-long-cycling.yaml

.PHONY: deps demo test build release bench clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

demo: build
	$(SWIFT) run echemctl validate protocols
	$(SWIFT) run echemctl explain $(PROTO)

test: deps
	@scripts/install-deps.sh --oracles
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	scripts/oracle-tests.sh

release: deps
	$(SWIFT) build -c release

bench: deps
	$(SWIFT) run -c release echem-bench all

clean:
	rm -rf .build
