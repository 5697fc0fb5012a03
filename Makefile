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

.PHONY: serve build check test bench setup system-deps clean tiles

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

# node_modules: the site ships MapLibre GL JS and pmtiles from it (the maps; without
# them the pages show the address with its route links instead).
serve: $(STAMP) node_modules/.installed-stamp
	$(BIN)/mkdocs serve --livereload --dirty

build: $(STAMP) node_modules/.installed-stamp
	$(BIN)/mkdocs build --strict -d $(SITE_DIR)

# The region's map tiles (mkdocs.yml, map: tiles; not in git): go-pmtiles cuts the box
# map: bounds up to map: max_zoom out of Protomaps' daily OpenStreetMap build, fetching
# only the parts in the box (nahbei.mkdocs.tiles). Needs the internet and Go: the
# publish workflow runs it and keeps the file in its cache; the tests never do.
# `make tiles` again replaces the file (a failed download leaves the old one).
PMTILES_VERSION ?= v1.31.2
PMTILES := .tools/go-pmtiles
# yesterday's build: today's may not be finished yet (older ones are kept for a while)
PROTOMAPS_BUILD ?= https://build.protomaps.com/$(shell date -u -d yesterday +%Y%m%d).pmtiles

$(PMTILES):
	GOBIN=$(abspath .tools) go install github.com/protomaps/go-pmtiles@$(PMTILES_VERSION)

tiles: $(STAMP) $(PMTILES)
	$(BIN)/python -m nahbei.mkdocs.tiles $(PMTILES) $(PROTOMAPS_BUILD)

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
