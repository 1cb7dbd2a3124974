# stripstudio: `make studio` sets up .venv and runs the studio; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TORCH_VERSION ?= 2.13.0
EXAMPLE_OUT ?= out/to-the-stars-and-back

HOST ?= 127.0.0.1
PORT ?= 8000
MODEL ?=

.PHONY: studio example test setup setup-dev frontend lint bench

studio: setup
	$(if $(MODEL),STRIPSTUDIO_DEFAULT_MODEL=$(MODEL) )$(BIN)/stripstudio serve --host $(HOST) --port $(PORT) \
		$(if $(filter 127.0.0.1 localhost ::1,$(HOST)),--auto-login)

example: setup
	$(BIN)/stripstudio render examples/to-the-stars-and-back.yaml --model tiny-random-sdxl \
		--size 512x512 --out $(EXAMPLE_OUT)
	@echo "Panels and manifest.json are in $(EXAMPLE_OUT) (tiny-random-sdxl draws noise: pass --model for real pictures)."

test: setup-dev frontend
	$(BIN)/pytest -n 2

# The browser studio: unit tests, the API client against the schema, and the type-checked build the
# package serves (src/stripstudio/web/frontend/dist). Running the studio needs none of this: the
# build is committed.
frontend:
	npm --prefix frontend ci --no-audit --no-fund --loglevel=error
	npm --prefix frontend test
	npm --prefix frontend run api:check
	npm --prefix frontend run build

setup: $(VENV)/.installed-ml

setup-dev: $(VENV)/.installed-dev

# torch goes in first, pinned, so that pip does not pick another build for the ml extra.
$(VENV)/.installed-ml: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==$(TORCH_VERSION)
	$(BIN)/python -m pip install --quiet -e ".[ml]"
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-ml
	$(BIN)/python -m pip install --quiet -e ".[ml,dev]"
	touch $@

# Style and types: ruff (lint and format) and mypy (with the pydantic and Django plugins) on the whole package.
lint: setup-dev
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools
	$(BIN)/mypy

bench: setup
	$(BIN)/python benchmarks/panel_latency.py
