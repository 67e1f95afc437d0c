# Two commands for a fresh machine with Python 3.11+ and make: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi

.PHONY: install run test test-browser lint bench clean messages catalogues

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

# The compiled catalogues (.mo) are built, not committed: compile whenever a .po changed.
catalogues: install
	@$(BIN)/pybabel compile -d translations >/dev/null

run: catalogues
	$(FLASK) db upgrade
	$(FLASK) courses sync
	$(FLASK) demo seed
	@# The mail worker (outbox, scheduled jobs) runs beside the web server and stops with it.
	PORT=$(PORT) $(FLASK) mail work & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	PORT=$(PORT) $(FLASK) run --port $(PORT)

test: catalogues
	$(BIN)/pytest -n 2 -m "not browser"

test-browser: catalogues
	$(BIN)/pytest -m browser

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python -m bench

messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs=".venv tests bench" -o translations/messages.pot .
	$(BIN)/pybabel update --ignore-obsolete -i translations/messages.pot -d translations
	$(BIN)/pybabel compile -d translations

clean:
	rm -rf $(VENV) instance/lms.db*

scale-out: catalogues
	bash bench/scale_out.sh
