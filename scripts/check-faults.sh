#!/usr/bin/env bash
# Fault checks against gunicorn on its own PostgreSQL (55505) and Redis (6505): a PostgreSQL
# restart (with a control run without connection health checks) and Redis down. Prints PASS/FAIL
# per check and exits 1 when one failed. See bench/faults.py; PG_PORT, REDIS_PORT, WEB_PORT and
# SERVICES_DIR override the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python bench/faults.py "$@"
