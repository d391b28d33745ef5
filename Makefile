# The one list of commands. `make serve` and `make test` work first on a fresh clone.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: schemas serve test lint type suite node-deps examples wheel bench record clean node-test compat coverage sdk-suite

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/claude-fake serve --host 127.0.0.1 --port 8787

lint: $(STAMP)
	$(BIN)/ruff check claude_fake tests benchmarks scripts examples
	$(BIN)/ruff format --check claude_fake tests benchmarks scripts examples

type: $(STAMP)
	$(BIN)/mypy

# The whole suite, under xdist (two workers: the machines have two cores).
suite: $(STAMP) node-deps
	$(BIN)/pytest -q -n 2

# Line and branch coverage of claude_fake over the suite (not part of `make test`). coverage starts
# before pytest, so the plugin's import-time code counts; workers and subprocesses are measured.
coverage: $(STAMP) node-deps
	rm -f .coverage .coverage.*
	$(BIN)/coverage run -m pytest -q -n 2
	$(BIN)/coverage combine -q
	$(BIN)/coverage report

node-deps:
	@if command -v npm >/dev/null; then cd tests/node && (test -d node_modules/@anthropic-ai/sdk || npm ci --no-audit --no-fund --loglevel=error); fi

examples: $(STAMP)
	$(BIN)/pytest -q examples

# The sdist and the wheel, as they would be published: twine checks their metadata.
wheel: $(STAMP)
	rm -rf dist && $(BIN)/python -m build -q -o dist . >/dev/null
	$(BIN)/twine check --strict dist/*
	$(BIN)/python scripts/check_wheel.py dist/*.whl

test: lint type suite examples wheel compat

node-test: $(STAMP)
	cd tests/node && (test -d node_modules/@anthropic-ai/sdk || npm ci --no-audit --no-fund)
	$(BIN)/pytest -q -p no:randomly tests/integration/test_node_sdk.py

schemas: $(STAMP)
	$(BIN)/python scripts/gen_schemas.py

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

record: $(STAMP)
	@test -n "$$ANTHROPIC_API_KEY" || (echo "make record needs ANTHROPIC_API_KEY" && exit 2)
	$(BIN)/pytest -q tests/integration --claude-record-mode=rewrite
	$(BIN)/claude-fake cassette check cassettes

clean:
	rm -rf $(VENV) dist build .pytest_cache .mypy_cache .ruff_cache .coverage .coverage.* htmlcov

# Old SDK generations in their own virtualenvs: 1.17 (httpx2, old wire) and 0.121 (httpx).
.venv-sdk-%/.installed: pyproject.toml
	test -x .venv-sdk-$*/bin/python || $(PY) -m venv .venv-sdk-$*
	.venv-sdk-$*/bin/python -m pip install -q "anthropic==$*" pytest pytest-asyncio -e .
	touch $@

compat-%: .venv-sdk-%/.installed
	cd compat && ../.venv-sdk-$*/bin/pytest -q -p no:cacheprovider -o asyncio_mode=auto test_sdk1.py

# The newest 2.x release users install (`pip index versions anthropic`): the version-aware SDK
# tests (fault semantics, error codes, threads, files, newer-than-schemas), then the integration
# suite, against it. The pinned SDK runs the same files in `make suite`.
NEWEST_SDK2 := 2.17.0
compat-$(NEWEST_SDK2): .venv-sdk-$(NEWEST_SDK2)/.installed
	.venv-sdk-$(NEWEST_SDK2)/bin/pytest -q -p no:cacheprovider --noconftest tests/compat
	.venv-sdk-$(NEWEST_SDK2)/bin/pytest -q -p no:cacheprovider -p no:randomly tests/integration \
	    --ignore=tests/integration/test_cassette_files.py  # pytester runs that match 2.12's error text

# The SDK's own tests/api_resources against `claude-fake serve --validate lenient`, for the pinned
# SDK and the newest: its sdist and test dependencies come from PyPI (kept in /tmp between runs).
# Not part of `make test`: it needs the network once and runs ~18 000 tests.
sdk-suite: $(STAMP) .venv-sdk-$(NEWEST_SDK2)/.installed
	$(BIN)/python scripts/sdk_suite.py --python $(BIN)/python
	$(BIN)/python scripts/sdk_suite.py --python .venv-sdk-$(NEWEST_SDK2)/bin/python

.SECONDARY:

# The matrix: Python 2.x newest, 1.x newest, 0.121 (httpx); the TypeScript SDK (tests/node,
# pinned to the newest @anthropic-ai/sdk) runs in `make suite` through test_node_sdk.py.
compat: compat-$(NEWEST_SDK2) compat-1.17.0 compat-0.121.0
