# Two commands set up a fresh clone: `make run` and `make test` (see README.md).
# Everything they need is installed here; nothing is installed by hand.

PYTHON_BIN ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
CHROMIUM := /usr/bin/chromium
VENDOR := static/vendor
HOST ?= 127.0.0.1
PORT ?= 8000
# The test identity provider and the OIDC redirect follow the address the server listens on.
SITE_URL ?= http://$(HOST):$(PORT)
PYTEST_ARGS ?=
# The settings have no default environment (DJANGO_ENV fails closed). `make run` is development
# and `make test` is test, whatever the shell says; the other targets keep a value the shell
# gives (so `make demo` in production is still refused) and are development otherwise.
DJANGO_ENV ?= development
export DJANGO_ENV
run: DJANGO_ENV = development
test test-fast audit: DJANGO_ENV = test

.PHONY: run test lint test-fast audit bench cluster deps chromium nginx static demo migrate clean gettext messages

run: deps static messages migrate demo
	SITE_URL=$(SITE_URL) $(PY) manage.py runserver $(HOST):$(PORT)

test: deps static messages chromium nginx
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -m "not network" $(PYTEST_ARGS)

# S12: pip-audit of the pinned and installed dependencies against PyPI's vulnerability data.
audit: deps
	$(VENV)/bin/pytest -m network smittesporing/tests/test_dependency_audit.py

# Without the browser tests, for a quick round while working.
test-fast: deps static messages nginx
	$(VENV)/bin/pytest -m "not e2e and not network" $(PYTEST_ARGS)

lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/ruff format --check .

deps: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON_BIN) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet '.[dev]'
	rm -rf build *.egg-info
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static: $(VENDOR)/.copied

$(VENDOR)/.copied: node_modules/.installed
	mkdir -p $(VENDOR)/designsystemet
	cp node_modules/@digdir/designsystemet-css/dist/src/index.css $(VENDOR)/designsystemet/index.css
	cp node_modules/@digdir/designsystemet-css/dist/theme/designsystemet.css $(VENDOR)/designsystemet/theme.css
	cp node_modules/@digdir/designsystemet-css/LICENSE $(VENDOR)/designsystemet/LICENSE
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js
	touch $@

# Debian's gettext: msgfmt for compilemessages, xgettext/msgmerge for makemessages.
gettext:
	@command -v msgfmt >/dev/null || { \
	  echo "Installing Debian's gettext for the translations"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext) >/dev/null \
	  || { echo "Could not install gettext (needs root and Debian's package registry)"; exit 1; }; }

# The nynorsk and English catalogues (locale/*/LC_MESSAGES/django.po), compiled for Django.
messages: deps gettext
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

chromium:
	@test -x $(CHROMIUM) || { \
	  echo "Installing Debian's Chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null \
	  || { echo "Could not install chromium (needs root and Debian's package registry)"; exit 1; }; }

# Debian's nginx for the production checklist test (tests/test_production_checklist.py), the
# cluster (make cluster, tests/test_cluster.py) and the benchmarks, which run it as their own
# child process with a configuration of their own: the service is not started.
nginx:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { \
	  echo "Installing Debian's nginx for the production checklist test"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq nginx) >/dev/null \
	  || { echo "Could not install nginx (needs root and Debian's package registry)"; exit 1; }; }

migrate: deps
	$(PY) manage.py migrate --no-input

demo: deps migrate
	$(PY) manage.py load_demo_data

# B=b8 (or B="b1 b8") runs only those benchmarks.
B ?=
bench: deps nginx
	$(PY) -m bench $(if $(B),--only $(B))

# Two app nodes (gunicorn, deploy/gunicorn.conf.py) behind nginx on 127.0.0.1:$(CLUSTER_PORT),
# sharing PostgreSQL and Redis (bench/cluster.py, ADR 0014); Ctrl-C stops them.
CLUSTER_PORT ?= 18080
cluster: deps static messages nginx
	CLUSTER_PORT=$(CLUSTER_PORT) $(PY) -m bench.cluster

clean:
	rm -rf $(VENV) node_modules $(VENDOR) staticfiles db.sqlite3 locale/*/LC_MESSAGES/*.mo
