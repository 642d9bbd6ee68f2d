# Showroom — `make demo` sets up and serves a demo; `make test` runs the whole suite.
SHELL := /bin/bash
# uv from PATH, else a private copy in .tools/ (installed by `make uv` on first use).
UV ?= $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
PY := $(UV) run --frozen python
export UV_PROJECT_ENVIRONMENT ?= .venv
DEMO_ENV := DEBUG=1 SHOWROOM_DEMO=1
PG_URL ?= postgres://postgres@127.0.0.1:5432/showroom_ci

.PHONY: demo test test-pg test-browser lint messages compilemessages bench install uv check-migrations serve clean

uv:
	@if [ ! -x "$(UV)" ]; then \
	  echo "Installing uv (the Python package manager) into .tools/ …"; \
	  { python3 -m venv .tools && .tools/bin/python -m pip install --quiet uv; } || \
	  { curl -LsSf https://astral.sh/uv/install.sh | env UV_INSTALL_DIR="$(CURDIR)/.tools/bin" UV_NO_MODIFY_PATH=1 sh; }; \
	fi

install: uv
	$(UV) sync --frozen
	$(PY) manage.py compile_catalogs

demo: install
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py seed_demo --if-empty
	$(DEMO_ENV) $(PY) manage.py demo_logins
	@echo "Serving on http://127.0.0.1:8000 (background jobs run beside it; Ctrl-C stops both)"
	@trap 'kill 0' EXIT INT TERM; \
	  $(DEMO_ENV) $(PY) manage.py qcluster & \
	  $(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(PY) -m pytest -n 2 -m "not browser" $(ARGS)

test-pg: install
	DATABASE_URL=$(PG_URL) $(PY) -m pytest -n 2 -m "not browser" $(ARGS)

test-browser: install
	$(PY) -m pytest -m browser -p no:xdist $(ARGS)

lint: install
	$(UV) run --frozen ruff check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check_catalogs

messages: install
	$(PY) manage.py makemessages -l zh_Hans -l en --no-obsolete --no-location -i ".venv/*" -i "var/*" -i "static/vendor/*" -i ".tools/*"
	$(PY) manage.py fill_english
	$(PY) manage.py compile_catalogs

bench: install
	$(PY) -m showroom.bench $(ARGS)

clean:
	rm -rf var/test*.sqlite3* var/staticfiles
