# LPSE Web: the two commands of the README.
#   make run   set up, migrate, seed the demo office and serve on http://127.0.0.1:5000
#   make test  set up and run the whole suite: SQLite, PostgreSQL, headless Chromium
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
export FLASK_APP := wsgi

.PHONY: audit run test setup setup-dev translations messages chromium pango lint clean

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.runtime translations

setup-dev: $(VENV)/.dev translations

# English catalogue (Indonesian is the source language of every message).
translations: $(VENV)/.runtime
	$(VENV)/bin/pybabel compile --use-fuzzy -d lpse_web/translations -D messages --statistics 2>&1 | tail -1

# After changing user-facing text: extract it and merge into the English catalogue.
# (--ignore-dirs: Babel skips folders starting with "_" by default, like templates/_macros.)
messages: $(VENV)/.runtime
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs '.*' --no-location \
	  --sort-output -o lpse_web/translations/messages.pot .
	$(VENV)/bin/pybabel update -i lpse_web/translations/messages.pot -d lpse_web/translations \
	  -l en --no-fuzzy-matching

run: setup pango
	$(VENV)/bin/flask db upgrade
	$(VENV)/bin/flask seed-demo
	$(VENV)/bin/flask run --host 127.0.0.1 --port 5000

# Debian's Chromium for the end-to-end tests (Playwright drives it; no browser download).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; }

# Pango and a font for WeasyPrint (the quarterly report's PDF), from Debian, when the
# system lacks them (ldconfig may live in /sbin, outside a normal user's PATH).
pango:
	@{ ldconfig -p 2>/dev/null || /sbin/ldconfig -p; } | grep -q 'libpango-1\.0\.so' || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; fi; }

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .

# bandit fails on a medium or high finding (the low ones, seeded random numbers for demo
# data and the published demo passwords, were reviewed). pip-audit fails on a known
# vulnerability; where its vulnerability data cannot be reached (an offline intranet
# machine) it says so loudly and how many packages went unaudited, instead of failing.
audit: $(VENV)/.dev
	$(VENV)/bin/bandit -q -r lpse_web wsgi.py --severity-level medium
	@out=$$($(VENV)/bin/pip-audit --progress-spinner off 2>&1); status=$$?; \
	  echo "$$out" | grep -v 'could not be audited'; \
	  skipped=$$(echo "$$out" | grep -c 'could not be audited'); \
	  if [ "$$skipped" -gt 0 ]; then echo "pip-audit: $$skipped packages NOT AUDITED: no vulnerability data" \
	    "reachable from this machine (pypi.org JSON API); run 'make audit' where it is."; fi; \
	  exit $$status

# LPSE_TEST_DBS=sqlite (or postgresql) runs one database only.
test: setup-dev chromium pango lint audit
	$(PY) -m pytest -n 2

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
