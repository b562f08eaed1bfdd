# Two commands a council web officer needs: `make site` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test validate lint bench screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

## Build the site from the embedded demo data into output/
site: $(STAMP)
	$(BIN)/reportcard build --data data --output output

# Browser tests drive Debian's chromium (never a downloaded browser); install it when it is missing.
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "Install Chromium from your system's packages to run the browser tests"; exit 1; }
	$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium poppler-utils

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

## Run the whole test suite (lint, unit, build, golden pages, browser and accessibility checks)
test: $(STAMP) $(CHROMIUM)
	$(BIN)/ruff check reportcard plugins scripts tests pelicanconf.py
	$(BIN)/python -m pytest

validate: $(STAMP)
	$(BIN)/reportcard validate data

bench: $(STAMP)
	$(BIN)/python scripts/bench_validate.py

## Screenshots of a ward card (desktop, phone, print) into screenshots/
screenshots: site $(CHROMIUM)
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf output .cache
