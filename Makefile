# Two commands for a fresh machine with only Python 3.11: `make build` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test install clean bench train

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

build: $(STAMP)
	$(BIN)/kg build

test: $(STAMP)
	$(BIN)/python -m pytest -q

# Trains the shipped models from the annotations (train/gold, tests/gold), FinNER and FinRE in
# ../shared/datasets, copies them into src/kg/models, picks the relation threshold on dev and
# reports dev and FinNER-eval scores. CPU only, about 40 minutes on 2 cores.
train: $(STAMP)
	$(BIN)/python -m train.build
	OMP_NUM_THREADS=1 $(BIN)/python -m spacy train train/configs/ner.cfg --output train/runs/ner
	OMP_NUM_THREADS=1 $(BIN)/python -m spacy train train/configs/rel.cfg --output train/runs/rel
	$(BIN)/python -m train.ship train/runs/ner train/runs/rel
	$(BIN)/python -m train.evaluate dev --sweep
	$(BIN)/python -m train.finner_eval
	$(BIN)/python -m train.card

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf output
