#!/usr/bin/env bash
# Load test: 50 simulated users for 2 minutes on loopback, mixed reads and writes (bench/load_mixed.py),
# against gunicorn (2 workers, DJANGO_DEBUG=0) and a Celery worker on their own PostgreSQL and Redis.
# Afterwards bench/load_check.py asserts that every acknowledged write is in the database and prints
# the result table; the exit status is 1 on a response >= 500 or a missing write.
#
#   scripts/load-test.sh                        # 50 users, 2 minutes
#   USERS=10 DURATION=30s scripts/load-test.sh  # a quick run
#
# Ports: PG_PORT 55505, REDIS_PORT 6505, WEB_PORT 8505; service state in SERVICES_DIR (removed at the
# end), locust's CSV files and the recorded writes in RESULTS_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
export PG_PORT=${PG_PORT:-55505} REDIS_PORT=${REDIS_PORT:-6505} SERVICES_DIR=${SERVICES_DIR:-/tmp/intro-load-services}
WEB_PORT=${WEB_PORT:-8505}
USERS=${USERS:-50}
SPAWN_RATE=${SPAWN_RATE:-5}
DURATION=${DURATION:-2m}
RESULTS_DIR=${RESULTS_DIR:-/tmp/intro-load-results}
PY=.venv/bin/python

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  scripts/services.sh stop
}
trap cleanup EXIT

while IFS= read -r line; do export "${line?}"; done < <(scripts/services.sh start)
export DJANGO_DEBUG=0 DJANGO_SECRET_KEY=load-test-only DJANGO_SECURE_SSL_REDIRECT=0
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost MEDIA_ROOT="$SERVICES_DIR/media"
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
mkdir -p "$RESULTS_DIR"
export LOAD_WRITES_FILE="$RESULTS_DIR/writes.jsonl" LOAD_SUMMARY_FILE="$RESULTS_DIR/summary.json"
rm -f "$LOAD_WRITES_FILE" "$LOAD_SUMMARY_FILE"

echo "Preparing the database (migrate, static files, demo data) ..."
$PY manage.py migrate --no-input -v 0
$PY manage.py collectstatic --no-input -v 0
$PY manage.py load_demo --once >/dev/null

.venv/bin/gunicorn intro_sodertorn.wsgi -b "127.0.0.1:$WEB_PORT" -w 2 --log-level warning \
  >"$RESULTS_DIR/gunicorn.log" 2>&1 &
pids+=($!)
$PY -m celery -A intro_sodertorn worker --concurrency=1 --loglevel=WARNING >"$RESULTS_DIR/worker.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do
  curl -fs -o /dev/null "http://127.0.0.1:$WEB_PORT/logga-in/" && break
  sleep 0.5
done

start=$(date -u +%Y-%m-%dT%H:%M:%S+00:00)
echo "Load: $USERS users (spawned $SPAWN_RATE/s) for $DURATION against http://127.0.0.1:$WEB_PORT, from $start"
.venv/bin/locust -f bench/load_mixed.py --headless -u "$USERS" -r "$SPAWN_RATE" -t "$DURATION" \
  --host "http://127.0.0.1:$WEB_PORT" --only-summary --csv "$RESULTS_DIR/locust" --exit-code-on-error 0 \
  2>"$RESULTS_DIR/locust.log" | tail -n 40
# Exports started in the last seconds get a moment to finish before the count.
sleep 15
$PY bench/load_check.py "$LOAD_WRITES_FILE" "$LOAD_SUMMARY_FILE" "$start"
