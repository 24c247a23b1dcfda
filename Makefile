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
# The two runs go side by side (the web package, the longest, waits on
# Chromium and on PostgreSQL much of the time); each one's output is shown
# whole when both ended, and the target fails when either failed.
test: assets
	$(GO) vet ./...
	@logs=$$(mktemp -d); \
	echo "go test ./... on SQLite and on PostgreSQL side by side (output in $$logs)"; \
	$(GO) test -count=1 -timeout 20m ./... > $$logs/sqlite.log 2>&1 & sqlite=$$!; \
	ALDYN_TEST_POSTGRES='$(PG_TEST)' $(GO) test -count=1 -timeout 20m ./... > $$logs/postgres.log 2>&1; pg=$$?; \
	wait $$sqlite; lite=$$?; \
	echo "=== SQLite"; cat $$logs/sqlite.log; echo "=== PostgreSQL"; cat $$logs/postgres.log; \
	echo "SQLite: $$(test $$lite -eq 0 && echo ok || echo FAIL), PostgreSQL: $$(test $$pg -eq 0 && echo ok || echo FAIL)"; \
	rm -rf $$logs; test $$lite -eq 0 && test $$pg -eq 0

bench: assets
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin internal/web/static/dist/*.js internal/web/static/dist/*.css
