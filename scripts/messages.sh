#!/usr/bin/env bash
# Extract messages for Swedish from the project and each app, then compile.
# Message ids are English; each app keeps its own catalogue in <app>/locale/.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
export DJANGO_DEBUG=1
$PY manage.py makemessages -l sv --no-location --ignore=.venv --ignore=insatsbasen --ignore=statistik --ignore=uppdrag --ignore=natverk --ignore=tests --ignore=staticfiles
$PY manage.py makemessages -d djangojs -l sv --no-location --ignore=.venv --ignore=staticfiles --ignore=static/vendor --ignore=insatsbasen --ignore=statistik --ignore=uppdrag --ignore=natverk --ignore=tests
for app in insatsbasen statistik uppdrag natverk; do
  (cd "$app" && mkdir -p locale && ../$PY ../manage.py makemessages -l sv --no-location)
done
$PY manage.py compilemessages --ignore=.venv
