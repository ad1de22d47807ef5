#!/usr/bin/env bash
# Run every test against a throwaway PostgreSQL and Redis, stopping them on exit.
# Fails on any failure and when no test ran. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/system-deps.sh
export PG_PORT=${PG_PORT:-54329} REDIS_PORT=${REDIS_PORT:-63799}
trap 'scripts/services.sh stop' EXIT
while IFS= read -r line; do export "${line?}"; done < <(scripts/services.sh start)
export DJANGO_DEBUG=0 DJANGO_SECRET_KEY=test-only-secret DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_ALLOWED_HOSTS="*"
export DJANGO_ALLOW_ASYNC_UNSAFE=true
echo "PostgreSQL: $DATABASE_URL"
echo "Redis: $REDIS_URL"
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "No test ran: that counts as a failure." >&2
  exit 1
fi
exit "$status"
