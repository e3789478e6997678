# pmweb: `make run` starts the app with a demo company; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app pmweb
VENDOR := static/vendor

.PHONY: setup system-packages run test lint bench bench-live bench-directory bench-org clean

$(BIN)/activate: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/activate

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch node_modules/.package-lock.json

$(VENDOR)/htmx.min.js: node_modules/.package-lock.json
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	cp node_modules/htmx.org/dist/ext/hx-sse.min.js $(VENDOR)/
	cp node_modules/@picocss/pico/css/pico.min.css $(VENDOR)/

setup: $(BIN)/activate $(VENDOR)/htmx.min.js

run: setup
	PMWEB_DEMO=1 $(FLASK) db upgrade
	PMWEB_DEMO=1 $(FLASK) demo --if-empty
	PMWEB_DEMO=1 $(FLASK) run --host 127.0.0.1 --port 5000

# One test process per core: each starts its own PostgreSQL, app server and Chromium.
PYTEST_ARGS ?= -n auto

# What the tests need of the system (Chromium, PostgreSQL, poppler, fonts...), installed
# when missing: as root, with sudo, or else the apt-get line to run is printed.
system-packages:
	./.ci/system-packages

test: system-packages setup
	$(BIN)/pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check pmweb tests bench migrations

bench: setup
	$(BIN)/python bench/meeting_page.py

bench-live: setup
	$(BIN)/python bench/live_updates.py $(BENCH_ARGS)

bench-directory: setup
	$(BIN)/python bench/directory_sync.py $(BENCH_ARGS)

bench-org: setup
	$(BIN)/python bench/org_scale.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules $(VENDOR)
