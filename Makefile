# Daily targets for OpsGraph. Everything is plain `go`; the Makefile only
# remembers the flags. `make help` lists the targets.

GO            ?= go
PKGS          ?= ./...
# A PostgreSQL URL for `make test-postgres`, e.g. the one .ci/run uses.
PG_URL        ?= postgres://postgres:postgres@127.0.0.1:5432/postgres?sslmode=disable
BENCH         ?= .
BENCHTIME     ?= 2s
FUZZTIME      ?= 1m
GOLANGCI_LINT_VERSION ?= v2.15.0
# An installed golangci-lint of the right major version is used when present;
# otherwise the pinned version is built and run through the Go module proxy.
GOLANGCI_LINT ?= $(shell command -v golangci-lint >/dev/null 2>&1 && golangci-lint version 2>/dev/null | grep -q 'version 2\.' && echo golangci-lint || echo "$(GO) run github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)")
BIN           ?= bin/opsgraph

.DEFAULT_GOAL := help
.PHONY: help generate migration check-migrations check-generate test test-postgres fuzz bench lint fmt vet build run clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-15s %s\n", $$1, $$2}'

generate: ## regenerate ent, entgql, gqlgen and protobuf code
	$(GO) generate $(PKGS)

migration: ## write the schema migrations the ent schema needs: make migration NAME=add_x (PostgreSQL at PG_URL)
	OPSGRAPH_TEST_POSTGRES='$(PG_URL)' $(GO) run ./internal/cmd/migrations new $(NAME)

check-migrations: ## fail if the ent schema and db/migrations disagree (PostgreSQL at PG_URL)
	OPSGRAPH_TEST_POSTGRES='$(PG_URL)' $(GO) run ./internal/cmd/migrations check

check-generate: generate ## fail if generated code is not up to date with its sources
	@git diff --exit-code || { echo "generated code is stale: run 'make generate' and commit the result" >&2; exit 1; }

test: ## run the tests (SQLite; PostgreSQL tests skip unless OPSGRAPH_TEST_POSTGRES is set)
	$(GO) test $(PKGS)

test-postgres: ## run the tests against SQLite and PostgreSQL at PG_URL
	OPSGRAPH_TEST_POSTGRES='$(PG_URL)' $(GO) test -count=1 $(PKGS)

fuzz: ## fuzz the pricing engine's invariants (FUZZTIME=1m per target)
	$(GO) test ./promo -run '^$$' -fuzz '^FuzzPrice$$' -fuzztime $(FUZZTIME)
	$(GO) test ./promo -run '^$$' -fuzz '^FuzzApportion$$' -fuzztime $(FUZZTIME)

bench: ## run the HTTP benchmarks (BENCH=regexp, BENCHTIME=2s)
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchtime $(BENCHTIME) -benchmem $(PKGS)

lint: ## run golangci-lint with .golangci.yml
	$(GOLANGCI_LINT) run $(PKGS)

fmt: ## gofmt every Go file in place
	gofmt -w $$(git ls-files --cached --others --exclude-standard '*.go')

vet: ## go vet
	$(GO) vet $(PKGS)

build: ## build the server binary into bin/
	$(GO) build -o $(BIN) .

run: ## run the server with demo data on ./opsgraph.db
	$(GO) run . --demo

clean: ## remove the built binary and test output
	rm -rf bin/ *.test *.out
