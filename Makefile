# Every target sets up what it needs on a fresh machine: the Python virtual
# environment from requirements.lock, and for the tests Debian's chromium and
# a Java runtime (Nu HTML Checker), shellcheck and jq (workflow scripts) plus the npm packages from package-lock.json.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
N      ?= 10000
# the N=100 comparison (entry page size) and the preview timing run with every make bench
BENCH_ARGS ?= --compare-n 100 --preview
SITE_DIR ?= site

.PHONY: serve build check test bench setup system-deps clean

setup: $(STAMP)

# Every package comes from requirements.lock and must match one of its sha256
# hashes (pip's own version is the venv's; upgrading it would be an unpinned
# download). The project itself is installed from this checkout in a second
# call (pip refuses -e in hash mode), with the lock's setuptools and without
# the index, so nothing unpinned is fetched.
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --require-hashes -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation --no-index -e .
	touch $@

node_modules/.installed-stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Chromium, Java, shellcheck, jq, zbarimg (reads the handout's QR codes) and
# poppler's pdftotext/pdftoppm (read the printed handout) come from Debian;
# installed only when missing (CI runs as root).
system-deps:
	@command -v chromium >/dev/null 2>&1 && command -v java >/dev/null 2>&1 && command -v shellcheck >/dev/null 2>&1 && command -v jq >/dev/null 2>&1 \
	  && command -v zbarimg >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium default-jre-headless shellcheck jq zbar-tools poppler-utils >/dev/null; }

serve: $(STAMP)
	$(BIN)/mkdocs serve --livereload --dirty

build: $(STAMP)
	$(BIN)/mkdocs build --strict -d $(SITE_DIR)

check: $(STAMP)
	$(BIN)/nahbei check

test: $(STAMP) system-deps node_modules/.installed-stamp
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2 --dist loadgroup

# Lighthouse for the bench only (bench/lighthouse/package-lock.json), not in the tests' node_modules.
bench/lighthouse/node_modules/.installed-stamp: bench/lighthouse/package.json bench/lighthouse/package-lock.json
	npm ci --prefix bench/lighthouse --no-audit --no-fund --loglevel=error
	touch $@

bench: $(STAMP) bench/lighthouse/node_modules/.installed-stamp
	$(BIN)/python -m bench --n $(N) $(BENCH_ARGS)

clean:
	rm -rf site .pytest_cache .hypothesis bench/out
