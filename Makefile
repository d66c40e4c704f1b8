# wxtill — the two commands a person needs are `make run` and `make test`.
# Both install what they need: Debian packages via scripts/install-deps.sh (apt-get, only
# what is missing), Go modules and tools through the Go module proxy.

GO          ?= go
BIN         := build/wxtill
GOBIN       := $(shell $(GO) env GOPATH)/bin
STATICCHECK := $(GOBIN)/staticcheck
STATICCHECK_VERSION := v0.8.2
GOCYCLO     := $(GOBIN)/gocyclo
GOCYCLO_VERSION := v0.6.0
VERSION     := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
# Everything but the main package is tested with -race; main links the cgo GL driver,
# whose race build would cost minutes, and is tested (its binary, really) without.
PKGS        = $(shell $(GO) list ./... | grep -v '^wxtill$$')
BENCH       ?= .

export CGO_ENABLED := 1

.PHONY: run build test lint unit e2e bench deps deps-build package clean

## run: build and start the till (demo mode on the embedded sandbox without a merchant config)
run: build
	./$(BIN) $(ARGS)

## build: the binary, build/wxtill
build: deps-build
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) .

## test: everything CI runs — lint, unit tests with -race, and the real binary under Xvfb
test: deps lint unit e2e

deps:
	@scripts/install-deps.sh

deps-build:
	@scripts/install-deps.sh --build

lint: deps-build $(STATICCHECK) $(GOCYCLO)
	@echo "== gofmt"; out=$$(gofmt -l $$(git ls-files '*.go') 2>&1); if [ -n "$$out" ]; then echo "gofmt needed: $$out"; exit 1; fi
	@echo "== go vet"; $(GO) vet ./...
	@echo "== staticcheck"; $(STATICCHECK) ./...
	@echo "== gocyclo (a function over 15 is split)"; out=$$($(GOCYCLO) -over 15 .); if [ -n "$$out" ]; then echo "$$out"; exit 1; fi

$(STATICCHECK):
	$(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

$(GOCYCLO):
	$(GO) install github.com/fzipp/gocyclo/cmd/gocyclo@$(GOCYCLO_VERSION)

unit:
	$(GO) test -race -timeout 10m $(PKGS)

## e2e: tests of the real binary (GUI smoke test under Xvfb, screenshots in build/screenshots/)
e2e: build
	WXTILL_BIN=$(CURDIR)/$(BIN) $(GO) test -timeout 10m -count=1 -v .

## bench: benchmarks of every package; figures go into docs/BENCHMARKS.md
bench:
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem -timeout 60m $(PKGS)

## package: build/wxtill.tar.xz, a desktop package (binary, .desktop file, icon) made by
## fyne's tool from FyneApp.toml; like every `fyne package` it bumps Build there
package: deps-build
	$(GO) run fyne.io/tools/cmd/fyne@v1.7.4 package -os linux -release
	mkdir -p build && mv wxtill.tar.xz build/

clean:
	rm -rf build
