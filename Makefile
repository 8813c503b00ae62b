# Stoa's two set-up commands: `make demo` and `make test`. Needs Python 3.11+ only.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO := demo
DEMO_PORT ?= 8000

.PHONY: demo test lint types pytest soak bench bench-asgi clean venv

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("Stoa needs Python 3.11 or newer" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@# uWSGI compiles from source; where it cannot, its deployment tests are skipped.
	$(BIN)/python -m pip install --quiet -e '.[uwsgi]' || \
		echo "uWSGI did not install: the uWSGI tests of tests/integration/deploy are skipped"
	touch $@

venv: $(VENV)/.installed

# The demo project: a new project plus the tutorial's to-do app (docs/tutorial.md).
demo: venv
	@test -f $(DEMO)/manage.py || (mkdir -p $(DEMO) && $(BIN)/stoa startproject demoproject $(DEMO))
	$(BIN)/python docs/tutorial/add_todo_app.py $(DEMO)
	cd $(DEMO) && ../$(BIN)/python manage.py migrate
	cd $(DEMO) && (../$(BIN)/python manage.py makemigrations --check >/dev/null 2>&1 || \
		(../$(BIN)/python manage.py makemigrations -m "todo" --noinput && \
		 ../$(BIN)/python manage.py migrate))
	cd $(DEMO) && ../$(BIN)/python manage.py check
	@# A superuser for the admin, made once; its password is kept in demo/.demo-admin.
	@cd $(DEMO) && if [ ! -f .demo-admin ]; then \
		pw=$$(../$(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(12))'); \
		if STOA_SUPERUSER_PASSWORD="$$pw" ../$(BIN)/python manage.py createsuperuser --noinput \
			--username admin --email admin@example.com >/dev/null 2>&1; then \
			printf 'username: admin\npassword: %s\n' "$$pw" > .demo-admin; \
		else \
			echo "No superuser was made (is there one named admin?): make one with"; \
			echo "  cd $(DEMO) && ../$(BIN)/python manage.py createsuperuser"; \
		fi; \
	fi
	@if [ -f $(DEMO)/.demo-admin ]; then \
		echo "The admin is at http://127.0.0.1:$(DEMO_PORT)/admin/ - log in with:"; \
		sed 's/^/  /' $(DEMO)/.demo-admin; \
	fi
	cd $(DEMO) && ../$(BIN)/python manage.py runserver 127.0.0.1:$(DEMO_PORT)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The examples (examples/*/, docs/index.md): each is a project with its own settings
# module, so each is type-checked and tested on its own, from its own directory.
EXAMPLES := $(patsubst %/conftest.py,%,$(sort $(wildcard examples/*/conftest.py)))

types: venv
	$(BIN)/mypy
	@set -e; for example in $(EXAMPLES); do \
		echo "mypy $$example"; \
		(cd $$example && $(CURDIR)/$(BIN)/mypy --cache-dir=$(CURDIR)/.mypy_cache --strict --explicit-package-bases .); \
	done

# One pytest run for the framework, then one per example (its conftest.py names its
# settings); coverage adds them up. A failing run stops here with its exit code.
pytest: venv
	$(BIN)/coverage run -m pytest
	@set -e; for example in $(EXAMPLES); do \
		echo "pytest $$example"; \
		(cd $$example && $(CURDIR)/$(BIN)/coverage run --append \
			--rcfile=$(CURDIR)/pyproject.toml --data-file=$(CURDIR)/.coverage -m pytest); \
	done
	$(BIN)/coverage report

test: lint types pytest

# The load and fault suite at its full figures (docs/reliability.md): L1 for 30 s, 50,000
# requests for F7, every backend and worker class. Several minutes; run by hand. The
# PostgreSQL variants need TEST_DATABASE_URL, as in make test.
soak: venv
	STOA_SOAK=1 $(BIN)/python -m pytest tests/integration/load -q

# The benchmark suite (bench/, docs/benchmarks.md): its own venv with every framework compared.
BENCH_VENV := bench/.venv
BENCH_ARGS ?=

$(BENCH_VENV)/.installed: bench/requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Stoa needs Python 3.11 or newer" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -r bench/requirements.txt -e .
	touch $@

# Regenerates docs/benchmarks.md and docs/benchmarks.png; BENCH_ARGS="--quick" to try it out.
bench: $(BENCH_VENV)/.installed
	@command -v wrk >/dev/null || [ "$$(id -u)" != 0 ] || apt-get install -y wrk || \
		(apt-get update && apt-get install -y wrk)
	@command -v wrk >/dev/null || { echo "make bench needs wrk (Debian: apt-get install wrk)"; exit 1; }
	@command -v valgrind >/dev/null || [ "$$(id -u)" != 0 ] || apt-get install -y valgrind || \
		echo "no valgrind: the instruction counts are left out"
	STOA_BENCH_MAKE=1 $(BENCH_VENV)/bin/python bench/run.py $(BENCH_ARGS)
	$(BENCH_VENV)/bin/python bench/asgi_run.py

# Only the ASGI scenarios (bench/asgi_run.py): a few minutes; rewrites their section of
# docs/benchmarks.md and nothing else.
bench-asgi: $(BENCH_VENV)/.installed
	@command -v wrk >/dev/null || [ "$$(id -u)" != 0 ] || apt-get install -y wrk || \
		(apt-get update && apt-get install -y wrk)
	$(BENCH_VENV)/bin/python bench/asgi_run.py

clean:
	rm -rf $(VENV) $(DEMO) dist build .mypy_cache .ruff_cache
