# vanban — make targets. `make help` lists them.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RAW := data/raw
DB := data/out/vanban.db
SCALE_DOCS ?= 100000

.DEFAULT_GOAL := help

.PHONY: help setup system-deps extract test test-fast serve bench pdfs scans clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

setup: $(STAMP) ## Create .venv and install vanban with its test extras (re-runs only when pyproject.toml changes)

system-deps: ## Install the Debian packages the tests need (tesseract, chromium, fonts), when missing
	bash scripts/system-deps.sh

extract: $(STAMP) system-deps ## Run the pipeline on data/raw into data/out/vanban.db
	$(BIN)/vanban build $(RAW) --out $(DB)

test: $(STAMP) system-deps ## Run the whole test suite (notebooks and browser test included)
	$(BIN)/python -m pytest

test-fast: $(STAMP) ## Run the tests that need no browser and no OCR
	$(BIN)/python -m pytest -m "not browser and not slow"

serve: $(STAMP) ## Serve data/out/vanban.db with Datasette on 127.0.0.1 (after make extract)
	@test -f $(DB) || $(MAKE) extract
	$(BIN)/vanban serve $(DB)

bench: $(STAMP) system-deps ## Benchmark ingest → database against bare PDF readers, and OCR against bare tesseract
	$(BIN)/python bench/run.py --record
	$(BIN)/python bench/scale.py --docs $(SCALE_DOCS) --record
	$(BIN)/python bench/ocr_bench.py

pdfs: $(STAMP) ## Re-render the seed PDFs in data/raw from the seed texts
	$(BIN)/python scripts/make_pdfs.py

scans: $(STAMP) ## Re-make the scan-like image-only seed PDFs (data/raw/scanned, tests/fixtures/scanned)
	$(BIN)/python scripts/make_scans.py

clean: ## Remove built outputs (keeps data/raw)
	rm -rf data/out/*.db data/out/*.graphml data/out/*.gexf data/out/*.json .pytest_cache
