# The two front-door commands are `make run` and `make test` (see README.md).
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test ci lint format messages demo clean bench lock

# The locks (exact versions with hashes) are made from pyproject.toml by scripts/lock.sh (`make lock`).
# requirements-local.txt is the runtime lock plus psycopg's binary wheel (its own libpq: no libpq5 needed).
$(VENV)/.runtime: requirements-local.txt
	@test -x $(PY) || { python=$$(scripts/find-python.sh) && "$$python" -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements-local.txt
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.txt
	@touch $@

# Start the portal with fictitious demo data on SQLite, tasks inline (unless DATABASE_URL /
# REDIS_URL are set in the environment). `make run PORT=8001` serves on that port, and the links in
# e-mails (SITE_URL) point there too unless SITE_URL is set.
RUN_ENV = DJANGO_DEBUG=$${DJANGO_DEBUG:-1} SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)}
run: $(VENV)/.runtime
	@mkdir -p var
	$(RUN_ENV) $(PY) manage.py migrate --no-input
	$(RUN_ENV) $(PY) manage.py load_demo --once
	@$(RUN_ENV) $(PY) manage.py demo_logins --url http://127.0.0.1:$(PORT)/
	$(RUN_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Every test on a throwaway PostgreSQL and Redis, started and stopped by scripts/test.sh.
test: $(VENV)/.dev
	scripts/test.sh $(ARGS)

ci: test

# The performance goals as ratios, in one run on a throwaway PostgreSQL and Redis (bench/run_all.py, README.md,
# bench/README.md): each ratio interleaved, the table with the date and the load average, then where the time went.
bench: $(VENV)/.dev
	scripts/system-deps.sh
	$(PY) bench/run_all.py

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Refresh the three locks from pyproject.toml (uv pip compile --generate-hashes; needs PyPI).
lock:
	scripts/lock.sh

# Refresh the translation catalogues (needs GNU gettext) and compile them.
messages: $(VENV)/.dev
	scripts/messages.sh

clean:
	rm -rf $(VENV) var staticfiles
