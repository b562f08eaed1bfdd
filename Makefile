# Two commands a council web officer needs: `make site` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test validate lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

## Build the site from the embedded demo data into output/
site: $(STAMP)
	$(BIN)/reportcard build --data data --output output

## Run the whole test suite (lint included)
test: $(STAMP)
	$(BIN)/ruff check reportcard plugins scripts tests pelicanconf.py
	$(BIN)/python -m pytest

validate: $(STAMP)
	$(BIN)/reportcard validate data

bench: $(STAMP)
	$(BIN)/python scripts/bench_validate.py

clean:
	rm -rf output .cache
