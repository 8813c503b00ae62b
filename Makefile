# Stoa's two set-up commands: `make demo` and `make test`. Needs Python 3.11+ only.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO := demo
DEMO_PORT ?= 8000

.PHONY: demo test lint types pytest bench clean venv

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("Stoa needs Python 3.11 or newer" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

venv: $(VENV)/.installed

# The demo project: a new project plus the tutorial's to-do app (docs/tutorial.md).
demo: venv
	@test -f $(DEMO)/manage.py || (mkdir -p $(DEMO) && $(BIN)/stoa startproject demoproject $(DEMO))
	$(BIN)/python docs/tutorial/add_todo_app.py $(DEMO)
	@ls $(DEMO)/migrations/*.py >/dev/null 2>&1 || \
		(cd $(DEMO) && ../$(BIN)/python manage.py makemigrations -m "todo" --noinput)
	cd $(DEMO) && ../$(BIN)/python manage.py migrate
	cd $(DEMO) && ../$(BIN)/python manage.py check
	cd $(DEMO) && ../$(BIN)/python manage.py runserver 127.0.0.1:$(DEMO_PORT)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: venv
	$(BIN)/mypy

pytest: venv
	$(BIN)/coverage run -m pytest
	$(BIN)/coverage report

test: lint types pytest

clean:
	rm -rf $(VENV) $(DEMO) dist build .mypy_cache .ruff_cache
