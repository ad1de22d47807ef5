# The two front-door commands are `make run` and `make test` (see README.md).
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test ci lint format messages demo clean bench

$(VENV)/.runtime: requirements.txt
	@test -x $(PY) || "$$(scripts/find-python.sh)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

# Start the portal with fictitious demo data on SQLite, tasks inline (unless DATABASE_URL /
# REDIS_URL are set in the environment).
run: $(VENV)/.runtime
	@mkdir -p var
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py load_demo --once
	@DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py demo_logins --url http://127.0.0.1:$(PORT)/
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Every test on a throwaway PostgreSQL and Redis, started and stopped by scripts/test.sh.
test: $(VENV)/.dev
	scripts/test.sh $(ARGS)

ci: test

# The performance goals as ratios, in one run on a throwaway PostgreSQL and Redis (bench/run_all.py, README.md).
bench: $(VENV)/.dev
	scripts/system-deps.sh
	$(PY) bench/run_all.py

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Refresh the translation catalogues (needs GNU gettext) and compile them.
messages: $(VENV)/.dev
	scripts/messages.sh

clean:
	rm -rf $(VENV) var staticfiles
