# Parley: `make run` builds and starts the desktop app; `make test` installs what is missing and runs every test;
# `make bench` prints the benchmark tables. See README.md.
SHELL := /bin/bash
GO    ?= go
TAGS  := webkit2_41
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/parley-app/parley/internal/version.Version=$(VERSION)
GO_SRC := $(shell find app cmd internal test -name '*.go' -not -path '*/node_modules/*' 2>/dev/null) go.mod go.sum
FRONTEND_SRC := $(shell find frontend/src frontend/public frontend/index.html frontend/vite.config.ts \
                  frontend/svelte.config.js frontend/tsconfig.json frontend/package.json -type f 2>/dev/null)

.PHONY: all deps run build app server frontend test test-go test-fuzz test-frontend test-interop test-e2e test-desktop test-desktop-e2e bench clean

all: server app

# --- set-up ---------------------------------------------------------------------------------------------------
deps:
	@scripts/install-deps.sh

%/node_modules/.installed: %/package.json %/package-lock.json
	cd $* && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

bin/wails: tools/wails/go.mod tools/wails/go.sum
	cd tools/wails && $(GO) build -o ../../bin/wails github.com/wailsapp/wails/v2/cmd/wails

# --- builds ---------------------------------------------------------------------------------------------------
frontend/dist/index.html: frontend/node_modules/.installed $(FRONTEND_SRC)
	cd frontend && npm run build

frontend: frontend/dist/index.html

bin/parley-server: frontend/dist/index.html $(GO_SRC)
	CGO_ENABLED=0 $(GO) build -ldflags '$(LDFLAGS)' -o $@ ./cmd/parley-server

# Test participants: the native engine's bridge alone (for NativeEngine pages in Chromium), a plain pion peer.
bin/mediabridge bin/pionpeer: bin/%: $(GO_SRC)
	CGO_ENABLED=0 $(GO) build -o $@ ./test/$*

server: bin/parley-server

app: deps bin/wails frontend/dist/index.html
	bin/wails build -s -tags $(TAGS) -ldflags '$(LDFLAGS)' -o parley

build: app

run: app
	./build/bin/parley

# --- tests ----------------------------------------------------------------------------------------------------
test: deps frontend
	$(MAKE) test-go test-fuzz test-frontend test-interop test-e2e test-desktop test-desktop-e2e
	@echo "make test: all suites passed"

test-go:
	$(GO) vet -tags $(TAGS) ./...
	$(GO) test -race -tags $(TAGS) -count=1 ./...

# Short, seeded fuzz runs of what reads the network: the room server's message validation, and the jitter buffer
# that takes any RTP a peer sends (their seeds are replayed by test-go too).
# Bounded by a number of inputs, not a duration: a duration that runs out while the fuzzer minimises a new input
# is reported as a failure ("context deadline exceeded"). About 20 s each here.
test-fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeRequest$$' -fuzztime 400000x -fuzzminimizetime 5s ./internal/signal
	$(GO) test -run '^$$' -fuzz '^FuzzVideoPush$$' -fuzztime 100000x -fuzzminimizetime 5s ./internal/media/jitter

test-frontend: frontend/node_modules/.installed
	cd frontend && npx vitest run

test-interop: bin/parley-server test/interop/node_modules/.installed
	cd test/interop && PARLEY_SERVER=$(CURDIR)/bin/parley-server node --test --test-concurrency=1

# Calls in real Chromium, inside a network namespace that has only loopback (DESIGN.md 3.3).
test-e2e: bin/parley-server bin/mediabridge test/e2e/node_modules/.installed
	scripts/test-e2e.sh

test-desktop: app
	scripts/test-desktop.sh

# The desktop app hosting and joining, with browser guests, under Xvfb in a network namespace of its own.
test-desktop-e2e: app bin/parley-server bin/pionpeer test/desktop/node_modules/.installed
	scripts/test-desktop-e2e.sh

# --- benchmarks -----------------------------------------------------------------------------------------------
bench: deps app bin/parley-server bench/node_modules/.installed test/desktop/node_modules/.installed
	$(GO) test -tags $(TAGS) -run '^$$' -bench . -benchmem ./internal/...
	bench/run.sh
	scripts/bench-glass.sh

clean:
	rm -rf bin build/bin
	find frontend/dist -mindepth 1 ! -name .gitkeep -delete
