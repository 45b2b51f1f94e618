# vanban — make targets. `make help` lists them.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RAW := data/raw
DB := data/out/vanban.db
CORPUS ?= ../shared/corpus
SCALE_DOCS ?= 100000
SCALE_REAL_DOCS ?= 5000

.DEFAULT_GOAL := help

.PHONY: help setup system-deps extract test test-fast eval serve bench bench-scale bench-shapes pdfs scans formats eval-formats clean

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

eval: $(STAMP) system-deps ## Score extraction on the real corpus gold (text and PDF), list every miss, record bench/QUALITY.md
	@test -d $(CORPUS)/gold || { echo "make eval: no $(CORPUS)/gold (set CORPUS=path/to/corpus)"; exit 1; }
	$(BIN)/vanban eval $(CORPUS)/gold $(CORPUS)/raw --record bench/QUALITY.md

serve: $(STAMP) ## Serve data/out/vanban.db with Datasette on 127.0.0.1 (after make extract)
	@test -f $(DB) || $(MAKE) extract
	$(BIN)/vanban serve $(DB)

bench: $(STAMP) system-deps ## Benchmark ingest → database against bare PDF readers, and OCR against bare tesseract
	$(BIN)/python bench/run.py --record
	$(BIN)/python bench/scale.py --docs $(SCALE_DOCS) --real-docs $(SCALE_REAL_DOCS) --record
	$(BIN)/python bench/ocr_bench.py
	$(MAKE) bench-shapes

bench-shapes: $(STAMP) ## Extraction time per MB on pathological shapes, and a batch of them through vanban build
	$(BIN)/python bench/shapes.py --record

bench-scale: $(STAMP) ## Scale: a 100,000-document database (written from templates) updated in place, and a real 5,000-document first build
	$(BIN)/python bench/scale.py --docs $(SCALE_DOCS) --real-docs $(SCALE_REAL_DOCS) --record

pdfs: $(STAMP) ## Re-render the seed PDFs in data/raw from the seed texts
	$(BIN)/python scripts/make_pdfs.py

scans: $(STAMP) ## Re-make the scan-like image-only seed PDFs (data/raw/scanned, tests/fixtures/scanned)
	$(BIN)/python scripts/make_scans.py

formats: $(STAMP) ## Re-make tests/fixtures/formats (DOCX, HTML, Markdown; DOC needs LibreOffice: VANBAN_OFFICE=1 make system-deps)
	$(BIN)/python scripts/make_formats.py

FORMAT ?= docx
FORMATS_OUT ?= data/out/formats-$(FORMAT)
eval-formats: $(STAMP) ## Score TEXTS/*.txt rendered as FORMAT (docx|html|md|doc) against GOLD: make eval-formats TEXTS=dir GOLD=dir
	@test -n "$(TEXTS)" -a -n "$(GOLD)" || { echo "usage: make eval-formats TEXTS=dir GOLD=dir [FORMAT=docx]"; exit 2; }
	rm -rf $(FORMATS_OUT)
	$(BIN)/python scripts/make_formats.py $(TEXTS)/*.txt --out $(FORMATS_OUT) --formats $(FORMAT) >/dev/null
	$(BIN)/vanban extract $(FORMATS_OUT) --json > $(FORMATS_OUT).jsonl
	$(BIN)/python tests/fixtures/score.py $(FORMATS_OUT).jsonl $(GOLD)

clean: ## Remove built outputs (keeps data/raw)
	rm -rf data/out/*.db data/out/*.graphml data/out/*.gexf data/out/*.json .pytest_cache
