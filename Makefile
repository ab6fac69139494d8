# The two commands of the README: `make demo` runs Sigap's main job, `make test` runs the whole test suite.
# Both create the virtual environment and install Sigap into it first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install demo test bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Sigap needs Python 3.11+")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

demo: install
	$(BIN)/sigap demo

test: install
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python benchmarks/bench_scoring.py
	$(BIN)/python benchmarks/bench_worker.py

clean:
	-$(BIN)/sigap kafka stop
	rm -rf $(VENV) var
