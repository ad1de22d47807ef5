#!/usr/bin/env bash
# Print the path of a Python 3.12+ interpreter that actually runs, or explain and fail.
# Candidates are run, not just looked up: a pyenv shim can exist on PATH and still not work.
set -u
candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
candidates+=(python3.13 python3.12 python3 python)
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root 2>/dev/null)
  for dir in "$root"/versions/3.1[2-9]*; do [ -x "$dir/bin/python" ] && candidates+=("$dir/bin/python"); done
fi
for dir in "$HOME"/.pyenv/versions/3.1[2-9]* /usr/local/bin /usr/bin; do
  for name in python3.13 python3.12 python; do [ -x "$dir/$name" ] && candidates+=("$dir/$name"); done
  [ -x "$dir/bin/python" ] && candidates+=("$dir/bin/python")
done
for candidate in "${candidates[@]}"; do
  path=$(command -v "$candidate" 2>/dev/null) || continue
  if "$path" -c 'import sys, venv, ensurepip; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then
    "$path" -c 'import sys; print(sys.executable)'
    exit 0
  fi
done
echo "No Python 3.12 or newer was found that runs (tried: ${candidates[*]})." >&2
echo "Install Python 3.12+ (for example: apt-get install python3.12, or pyenv install 3.12) or set PYTHON=/path/to/python3.12." >&2
exit 1
