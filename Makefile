# The two commands of the README: `make demo` runs Sigap's main job, `make test` runs the whole test suite.
# Both create the virtual environment and install Sigap into it first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# promtool checks deploy/prometheus (config, alert rules and their unit tests, dashboard queries); it is built
# from the Prometheus module with Go when Go is installed, otherwise those four tests skip.
PROMTOOL_MODULE := github.com/prometheus/prometheus/cmd/promtool@v0.316.0

.PHONY: install demo test bench clean promtool

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Sigap needs Python 3.11+")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[test]'
	touch $@

demo: install
	$(BIN)/sigap demo

test: install promtool
	$(BIN)/python -m pytest

promtool: $(VENV)/.installed
	@if [ -x $(BIN)/promtool ]; then :; \
	elif command -v go >/dev/null 2>&1; then \
	  echo "building promtool ($(PROMTOOL_MODULE)) for the Prometheus checks; once, a few minutes"; \
	  GOBIN=$(abspath $(BIN)) timeout 900 go install $(PROMTOOL_MODULE) \
	    || echo "promtool could not be built: the four promtool tests will skip"; \
	else echo "no Go: the four promtool tests will skip"; fi

bench: install
	$(BIN)/python benchmarks/bench_scoring.py
	$(BIN)/python benchmarks/bench_worker.py
	$(BIN)/python benchmarks/bench_hostile.py
	$(BIN)/python benchmarks/bench_issue_engine.py

clean:
	-$(BIN)/sigap kafka stop
	rm -rf $(VENV) var
