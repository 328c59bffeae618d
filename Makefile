# Unkept: every command CI runs is a target here, so a laptop and CI run the same thing.
# The two set-up commands of the README are `make site` and `make test`; each one installs
# what it needs into .venv on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: messages bench lighthouse propose-archive install site serve test test-fast tools screenshots lint format check status constraints clean

# The virtual environment, with pinned versions of everything (constraints.txt).
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		--constraint constraints.txt --editable '.[dev]'
	touch $(STAMP)

## site: check cases/ and build the site into site/ (AS_OF=YYYY-MM-DD for another day)
site: $(STAMP)
	$(BIN)/unkept build $(if $(AS_OF),--as-of $(AS_OF))

## install: only create .venv with the pinned dependencies
install: $(STAMP)

## serve: serve the built site on http://127.0.0.1:8000/
serve:
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory site 8000

## test: lint, then the whole test suite (browser tests included), on every core
test: $(STAMP) tools lint
	$(BIN)/pytest -n auto

## test-fast: the inner loop, without site builds, the benchmark and the browser (~20 s)
test-fast: $(STAMP) tools
	$(BIN)/pytest -m "not slow"

## tools: Debian's Chromium (browser tests) and ShellCheck (workflow scripts), installed
## when missing (as root)
tools:
	@missing=""; \
	command -v "$${UNKEPT_CHROMIUM:-chromium}" >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v shellcheck >/dev/null 2>&1 || missing="$$missing shellcheck"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "Missing:$$missing; run 'sudo apt-get install$$missing' (the tests need them)" >&2; \
	    exit 1; \
	  fi; \
	fi

## screenshots: build the site, then write PNGs of four pages to screenshots/
screenshots: site tools
	$(BIN)/python -m tests.screenshots site screenshots

## messages: extract every message into site_templates/locale/unkept.pot and update each
## language's catalogue (new messages untranslated, translations kept)
messages: $(STAMP)
	$(BIN)/python -m generator.i18n.extract

## lint: ruff, and the import contract between the pipeline's stages (ARCHITECTURE.md)
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: $(STAMP)
	$(BIN)/unkept check

status: $(STAMP)
	$(BIN)/unkept status

## constraints: re-pin every dependency to the newest version allowed by pyproject.toml
constraints:
	rm -rf .venv-pin
	$(PYTHON) -m venv .venv-pin
	.venv-pin/bin/python -m pip install --quiet --disable-pip-version-check --editable '.[dev]'
	{ echo "# Pinned versions of every dependency, direct and indirect, so that a laptop, CI and"; \
	  echo "# the GitHub Actions build run the same code. Regenerate with 'make constraints'."; \
	  .venv-pin/bin/python -m pip freeze --exclude-editable | grep -v '^unkept' ; } > constraints.txt
	rm -rf .venv-pin

clean:
	rm -rf $(VENV) site .site.spare docs .pytest_cache .ruff_cache .hypothesis

## propose-archive: open (or update) a pull request with archive/evidence.json when it changed
propose-archive: $(STAMP)
	@if git diff --quiet -- archive/ && test -z "$$(git ls-files --others -- archive/)"; then \
	  echo "archive/evidence.json unchanged; nothing to propose"; \
	else \
	  $(BIN)/unkept propose --branch unkept/archive --title "Archive evidence links" archive/evidence.json; \
	fi

## bench: the benchmark against the floors (1,000 to 100,000 cases); updates README's table;
## BENCH_SIZES=100000/2000 adds a build from nothing of that size
bench: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m bench.run --readme README.md

## lighthouse: Lighthouse (npm, pinned) with Debian's Chromium on the 10,000-case demo site
LIGHTHOUSE_VERSION := 12.2.3
lighthouse: $(STAMP) tools
	test -x .lighthouse/node_modules/.bin/lighthouse || \
	  npm install --silent --no-audit --no-fund --prefix .lighthouse lighthouse@$(LIGHTHOUSE_VERSION)
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m bench.lighthouse .lighthouse/node_modules/.bin/lighthouse
