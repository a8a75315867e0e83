# make run   - create .venv, install the app, serve it on http://127.0.0.1:$(PORT)
# make test  - install dev tools (and Debian's Chromium when missing), run ruff and every test
# make bench - latency, cold start and memory figures (by hand; prints a table)
# make models - retrain the shipped models and rewrite their model card
# make hall  - serve a whole class: $(PROCESSES) app processes behind nginx (Debian's, installed when missing) on $(PORT)

PYTHON ?= python3
VENV ?= .venv
PORT ?= 8501
PROCESSES ?= 2
# Extra pip arguments, e.g. PIP_ARGS="--extra-index-url https://download.pytorch.org/whl/cpu" (see README)
PIP_ARGS ?=
BIN := $(VENV)/bin
STAMPS := .make-stamps
README_SCREENSHOTS := home.png playground_trained.png backprop_update.png descent_after_click.png \
	draw_seven.png attack_flipped.png

.PHONY: run hall test lint unit models bench screenshots chromium clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMPS)/app: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet $(PIP_ARGS) -r requirements.txt
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet $(PIP_ARGS) -r requirements-dev.txt
	@mkdir -p $(STAMPS) && touch $@ $(STAMPS)/app

run: $(STAMPS)/app
	$(BIN)/python -m ui.serve app.py --server.address 127.0.0.1 --server.port $(PORT)

hall: $(STAMPS)/app
	@bash scripts/install_system_packages.sh nginx
	$(BIN)/python -m ui.hall --processes $(PROCESSES) --port $(PORT)

chromium:
	@bash scripts/install_system_packages.sh

lint: $(STAMPS)/dev
	$(BIN)/ruff check .

test: $(STAMPS)/dev chromium lint
	$(BIN)/python -m pytest

unit: $(STAMPS)/dev
	$(BIN)/python -m pytest tests/unit tests/app

models: $(STAMPS)/app
	$(BIN)/python -m core.train

bench: $(STAMPS)/dev chromium
	$(BIN)/python -m bench

screenshots: $(STAMPS)/dev chromium
	$(BIN)/python -m pytest tests/e2e -q
	mkdir -p docs/screenshots
	cd tests/e2e/screenshots && cp $(README_SCREENSHOTS) ../../../docs/screenshots/

clean:
	rm -rf $(STAMPS) tests/e2e/screenshots .pytest_cache .ruff_cache
