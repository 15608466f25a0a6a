# Siyu — developer entry points. `make test` is what CI runs (.ci/run).
# Plain GNU make (4.3 is fine); recipes run in bash.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

GO       ?= go
NODE     ?= node
VERSION  := $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X github.com/siyu-live/siyu.Version=$(VERSION)
BIN      := bin/siyu
ADDR     ?= 127.0.0.1:8080
DATA     ?= ./data

.PHONY: all build run test vet clean vendor deps go-test web-test help

all: build

help:
	@echo "make build   vendor web assets, build $(BIN)"
	@echo "make run     build, then serve the demo on $(ADDR) with data in $(DATA)"
	@echo "make test    install test deps, vet, go test -race, browser tests (what CI runs)"
	@echo "make vet     go vet ./..."
	@echo "make clean   remove bin/ and test screenshots"

# Debian chromium + fonts-noto-cjk and node_modules, each only when missing.
deps:
	@bash scripts/install-test-deps.sh

# npm front-end builds -> internal/web/static/vendor (embedded by the binary).
vendor:
	@bash scripts/vendor-web.sh

build: vendor
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/siyu

run: build
	./$(BIN) serve --demo --addr $(ADDR) --data $(DATA)

vet: vendor
	$(GO) vet ./...

# Steps are recipe lines, not prerequisites, so they keep this order under make -j.
test:
	@echo "==> test dependencies"
	@bash scripts/install-test-deps.sh
	@bash scripts/vendor-web.sh
	@echo "==> go vet"
	$(GO) vet ./...
	@$(MAKE) --no-print-directory go-test
	@echo "==> build $(BIN)"
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/siyu
	@$(MAKE) --no-print-directory web-test

go-test:
	@echo "==> go test"
	@source scripts/test-env.sh && $(GO) test -race -count=1 -timeout 20m ./...

web-test:
	@echo "==> browser tests"
	$(NODE) --test web/tests/*.test.mjs

clean:
	rm -rf bin/ web/tests/screenshots/
