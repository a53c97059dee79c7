# The README's two commands: `make run` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PYTEST_ARGS ?=

.PHONY: run test install install-test translations messages lint format e2e-tools clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

translations: install
	$(PY) manage.py compile_translations

# Re-extract the strings after changing templates or code (needs GNU gettext).
messages: install
	$(PY) manage.py makemessages --no-location --ignore '.venv/*' --ignore 'node_modules/*' -l it -l fr -l ar -l en

run: install translations
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo
	@echo "Serving the THAMM portal at http://127.0.0.1:8000 (Ctrl-C to stop)"
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

# axe-core for the browser tests' accessibility checks; skipped where npm is missing (tests say so).
e2e-tools:
	@if command -v npm >/dev/null 2>&1; then npm install --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: browser accessibility checks will be skipped"; fi

test: install-test translations e2e-tools
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) node_modules staticfiles
