# Showcase: two commands on a fresh machine with Python 3.11+ and make.
#   make serve   set up, then serve the site with live reload at http://127.0.0.1:8000
#   make test    set up (with Chromium for the browser tests), then run every test

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Material and ProperDocs each print a long notice about MkDocs 2 on every run.
export NO_MKDOCS_2_WARNING := 1
export DISABLE_MKDOCS_2_WARNING := true

.PHONY: help serve receiver desk build deploy offline check new import lint test chromium nginx postgresql deploy-tools hugo clean bench

help:
	@echo "make serve   serve the site with live reload at http://127.0.0.1:8000 (drafts shown),"
	@echo "             with the feedback receiver on http://127.0.0.1:8765"
	@echo "make receiver   run only the feedback receiver (HOST=... PORT=...)"
	@echo "make desk    review, preview and publish feedback in your browser (the review desk, on 127.0.0.1)"
	@echo "make build   write the published site to site/ (drafts left out)"
	@echo "make deploy DEST=user@host:/var/www/site/   build, then publish site/ there with rsync (DRY_RUN=1 to see first)"
	@echo "make offline   write offline.zip: the whole site, with search, to open without internet"
	@echo "make check   check every case study and toolkit chapter"
	@echo "make new TITLE=\"...\"   start a new case study"
	@echo "make import FILE=\"...docx\"   draft case studies from a Word document (or a folder of them)"
	@echo "make lint    ruff, mypy and the import contracts (make test runs these first)"
	@echo "make test    run every test"
	@echo "make bench   measure build, search and preview against plain MkDocs + Material (bench/README.md)"

# The site's own dependencies, pinned by constraints.txt.
$(VENV)/.site-installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $@

# Test dependencies on top.
$(VENV)/.test-installed: $(VENV)/.site-installed
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	touch $@

# The site, and the feedback receiver its forms post to; Ctrl+C stops both.
serve: $(VENV)/.site-installed
	@$(BIN)/showcase feedback serve --port 8765 --site-url http://127.0.0.1:8000/ & receiver=$$!; \
	trap 'kill $$receiver 2>/dev/null' EXIT INT TERM; \
	$(BIN)/mkdocs serve --dirty --dev-addr 127.0.0.1:8000

# Only the receiver, e.g. on the server that takes the published site's feedback.
receiver: $(VENV)/.site-installed
	$(BIN)/showcase feedback serve --host $(or $(HOST),127.0.0.1) --port $(or $(PORT),8765)

# The review desk: the comments waiting for review, the preview and the Publish button, in a web page
# on this computer (feedback/desk/). PORT=... for a fixed port; Ctrl+C stops it.
desk: $(VENV)/.site-installed
	$(BIN)/showcase feedback desk $(if $(PORT),--port $(PORT))

build: $(VENV)/.site-installed
	$(BIN)/mkdocs build --strict --site-dir site

# Publish to a web server with rsync (deploy/site/rsync.sh, which builds first):
#   make deploy DEST=deploy@www.example.gov.uk:/var/www/good-practice/ DRY_RUN=1
deploy:
	@if [ -z "$(DEST)" ]; then echo 'Say where to publish: make deploy DEST=user@host:/var/www/good-practice/ (add DRY_RUN=1 to see what would change first)'; exit 2; fi
	deploy/site/rsync.sh $(if $(DRY_RUN),--dry-run) "$(DEST)"

# The offline edition (generator/offline.py): the site, with Material's search and without the
# forms, as offline.zip for readers with no internet. Needs the iframe-worker shim from npm.
offline: $(VENV)/.site-installed node_modules/.installed
	$(BIN)/python -m generator.offline --config mkdocs.yml --output offline.zip

check: $(VENV)/.site-installed
	$(BIN)/showcase check

# make new TITLE="Peer mentors in reception"
# The title reaches the shell in single quotes (each ' in it written '\''), so its double quotes,
# $ and backticks are kept as typed.
new: $(VENV)/.site-installed
	@if [ -z '$(subst ','\'',$(value TITLE))' ]; then echo 'Give the title like this: make new TITLE="Peer mentors in reception"'; exit 1; fi
	$(BIN)/showcase new '$(subst ','\'',$(value TITLE))'

# make import FILE="Peer mentors.docx", or FILE=word/ for every .docx in that folder
import: $(VENV)/.site-installed
	@if [ -z "$(FILE)" ]; then echo 'Give the Word document like this: make import FILE="Peer mentors.docx" (or a folder: FILE=word/)'; exit 1; fi
	$(BIN)/showcase import "$(FILE)"

# Debian's Chromium for the browser tests (Playwright cannot download browsers here).
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's chromium package for the browser tests ..."; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "No /usr/bin/chromium and no apt-get: the browser tests will be skipped (they fail under CI)."; \
	fi

# Debian's PostgreSQL, for the tests of receivers sharing one database (tests/postgres.py). The tests
# start their own server with initdb in a temporary folder on a loopback port, and stop it when they
# end; Debian's own service is not needed by them.
postgresql:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's postgresql package for the PostgreSQL tests ..."; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql >/dev/null; \
	else \
		echo "No PostgreSQL (initdb) and no apt-get: the PostgreSQL tests will be skipped (they fail under CI)."; \
	fi

# Debian's nginx, for the tests that run the receiver behind deploy/receiver/nginx.conf. The tests
# start their own nginx on loopback ports; Debian's own service is not needed by them.
nginx:
	@if [ -x /usr/sbin/nginx ]; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's nginx package for the reverse-proxy tests ..."; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nginx >/dev/null; \
	else \
		echo "No /usr/sbin/nginx and no apt-get: the nginx tests will be skipped (they fail under CI)."; \
	fi

# rsync and shellcheck, for the tests of deploy/site/rsync.sh (tests/test_deploy_files.py).
deploy-tools:
	@if command -v rsync >/dev/null 2>&1 && command -v shellcheck >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's rsync and shellcheck packages for the deployment tests ..."; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq rsync shellcheck >/dev/null; \
	else \
		echo "No rsync or shellcheck and no apt-get: the rsync script's tests will be skipped (they fail under CI)."; \
	fi

# The browser-side checking tools (package.json, pinned by package-lock.json): axe-core for
# accessibility, the Nu Html Checker (vnu-jar, run with Java) and iframe-worker for the offline
# edition. Install scripts stay off: vnu-jar's only downloads a Java we take from Debian instead.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm is needed for the accessibility and HTML checks: install Node.js (Debian: apt-get install nodejs npm)."; exit 1; }
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@if ! command -v java >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's Java runtime for the HTML checker ..."; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq default-jre-headless >/dev/null; \
	fi
	touch $@

# Lint, types and the import contracts (pyproject.toml configures all three); a few seconds.
lint: $(VENV)/.test-installed
	$(BIN)/ruff check --quiet .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo

# The suite in TEST_WORKERS processes (pytest-xdist), each taking whole test files, so a module's
# build or server is made once; TEST_WORKERS=0 runs it in this one process.
TEST_WORKERS ?= 2
test: $(VENV)/.test-installed lint chromium nginx postgresql deploy-tools node_modules/.installed
	$(BIN)/python -m pytest $(if $(filter-out 0,$(TEST_WORKERS)),-n $(TEST_WORKERS) --dist loadfile)

clean:
	rm -rf site .pytest_cache

# Debian's Hugo, for the benchmark's row of the fastest generator in the field (skipped without it).
hugo:
	@if command -v hugo >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's hugo package for the benchmark ..."; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq hugo >/dev/null \
		|| echo "Could not install hugo: the benchmark leaves its row empty."; \
	else \
		echo "No hugo and no apt-get: the benchmark leaves Hugo's row empty."; \
	fi

# Build time, memory, page size, cold search and live preview against plain MkDocs + Material,
# measured in the same run (bench/README.md). Options go in BENCH_ARGS,
# e.g. make bench BENCH_ARGS="--cases 1000 5000 --check".
BENCH_ARGS ?=
bench: $(VENV)/.test-installed chromium hugo
	$(BIN)/python bench/run.py $(BENCH_ARGS)
