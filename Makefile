# Aldyn: the two commands are `make run` (run the product with demo data)
# and `make test` (every test, on SQLite and on PostgreSQL).
GO ?= go
ADDR ?= 127.0.0.1:8080
DATA ?= ./data
PG_TEST ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

.PHONY: run build assets test test-sqlite test-postgres bench clean

run: build
	./bin/aldyn serve --demo --addr $(ADDR) --data $(DATA)

build: assets
	$(GO) build -trimpath -ldflags "-s -w -X main.version=$(VERSION)" -o bin/aldyn ./cmd/aldyn

web/node_modules: web/package.json web/package-lock.json
	npm ci --prefix web --no-audit --no-fund
	touch web/node_modules

assets: web/node_modules
	$(GO) run ./cmd/assets

# Every test runs twice: on an SQLite file and on PostgreSQL. The
# PostgreSQL run fails (it does not skip) when no server answers at PG_TEST.
# The two runs go one after the other: side by side on a 2-core machine
# they took 14.5 instead of about 17 minutes, but the contention made
# timing-sensitive tests (a heap peak, a browser waiting on a list) fail.
test: assets
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 20m ./...
	ALDYN_TEST_POSTGRES='$(PG_TEST)' $(GO) test -count=1 -timeout 20m ./...

bench: assets
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin internal/web/static/dist/*.js internal/web/static/dist/*.css
