#!/usr/bin/env bash
# Refresh the locks from pyproject.toml, with hashes: `scripts/lock.sh` (or `make lock`).
# `scripts/lock.sh --check` makes them again in a temporary directory and fails when they differ from
# the ones checked in (the lock does not match pyproject.toml). uv keeps the versions already locked
# unless pyproject.toml's ranges exclude them; `scripts/lock.sh --upgrade` takes the newest allowed.
# Needs uv (from PyPI: installed into ~/.cache/intro-sodertorn-uv the first time) and access to PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=write; extra=()
case "${1:-}" in
  --check) mode=check ;;
  --upgrade) extra=(--upgrade) ;;
  "") ;;
  *) echo "usage: $0 [--check|--upgrade]" >&2; exit 2 ;;
esac
uv=$(command -v uv 2>/dev/null || true)
if [ -z "$uv" ]; then
  tools=${XDG_CACHE_HOME:-$HOME/.cache}/intro-sodertorn-uv
  [ -x "$tools/bin/uv" ] || { python=$(scripts/find-python.sh) && "$python" -m venv "$tools" && "$tools/bin/pip" install --quiet uv; }
  uv=$tools/bin/uv
fi
out=.; [ "$mode" = check ] && { out=$(mktemp -d); trap 'rm -rf "$out"' EXIT; cp requirements*.txt "$out/"; }
compile() {  # compile <output> [uv options]
  local target=$1; shift
  "$uv" pip compile pyproject.toml --quiet --generate-hashes --python-version 3.12 --universal \
    --custom-compile-command "scripts/lock.sh" "${extra[@]}" "$@" -o "$out/$target"
}
# The runtime lock decides: the other two keep its versions (constraints), so all three agree.
compile requirements.txt
compile requirements-local.txt --extra local -c "$out/requirements.txt"
compile requirements-dev.txt --extra dev -c "$out/requirements.txt"
if [ "$mode" = check ]; then
  status=0
  for file in requirements.txt requirements-local.txt requirements-dev.txt; do
    diff -u -I "^ *#   -c " "$file" "$out/$file" || { echo "$file does not match pyproject.toml: run scripts/lock.sh" >&2; status=1; }
  done
  exit $status
fi
