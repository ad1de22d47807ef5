#!/usr/bin/env bash
# Print the path of a Python 3.12+ interpreter that runs and can make a virtual environment, or say
# exactly what is wrong and how to fix it, and fail. Candidates are run, not just looked up: a pyenv
# shim can exist on PATH and still not work. Debian and Ubuntu ship venv/ensurepip separately
# (python3-venv), so an interpreter that is new enough but cannot make a venv is reported as such.
# FIND_PYTHON_DIRS replaces the directories searched besides PATH (tests/test_find_python.py uses it).
set -u
candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
candidates+=(python3.14 python3.13 python3.12 python3 python)
# An interpreter installed by uv (`uv python install 3.12`), also when uv itself is not on PATH.
uv=$(command -v uv 2>/dev/null) || { [ -x "$HOME/.local/bin/uv" ] && uv="$HOME/.local/bin/uv"; } || uv=""
if [ -n "$uv" ]; then
  found=$("$uv" python find '>=3.12' 2>/dev/null) && [ -n "$found" ] && candidates+=("$found")
fi
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root 2>/dev/null)
  for dir in "$root"/versions/3.1[2-9]*; do [ -x "$dir/bin/python" ] && candidates+=("$dir/bin/python"); done
fi
search_dirs=${FIND_PYTHON_DIRS-"$HOME/.pyenv/versions/3.1[2-9]* $HOME/.local/bin /usr/local/bin /usr/bin"}
for pattern in $search_dirs; do
  for dir in $pattern; do
    for name in python3.14 python3.13 python3.12 python3 python; do [ -x "$dir/$name" ] && candidates+=("$dir/$name"); done
    [ -x "$dir/bin/python" ] && candidates+=("$dir/bin/python")
  done
done

too_old=()      # "path (3.11)"
without_venv=() # "path (3.13)"
broken=()       # path
seen=" "
for candidate in "${candidates[@]}"; do
  path=$(command -v "$candidate" 2>/dev/null) || continue
  case "$seen" in *" $path "*) continue ;; esac
  seen="$seen$path "
  version=$("$path" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || { broken+=("$path"); continue; }
  major=${version%%.*} minor=${version#*.}
  if [ "$major" -lt 3 ] || { [ "$major" -eq 3 ] && [ "$minor" -lt 12 ]; }; then
    too_old+=("$path ($version)")
    continue
  fi
  if ! "$path" -c 'import venv, ensurepip' >/dev/null 2>&1; then
    without_venv+=("$path ($version)")
    continue
  fi
  "$path" -c 'import sys; print(sys.executable)'
  exit 0
done

if [ -n "${PYTHON:-}" ] && ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "PYTHON=$PYTHON does not exist or is not executable." >&2
fi
if [ ${#without_venv[@]} -gt 0 ]; then
  echo "Python 3.12 or newer was found, but it cannot create a virtual environment (no venv/ensurepip module):" >&2
  printf '  %s\n' "${without_venv[@]}" >&2
  echo "Debian and Ubuntu ship that part separately. Install it, then run make again:" >&2
  echo "  sudo apt-get install python3-venv" >&2
  echo "(for a versioned interpreter such as python3.13, the package is python3.13-venv)." >&2
  exit 1
fi
echo "No Python 3.12 or newer was found (the portal needs 3.12+)." >&2
[ ${#too_old[@]} -gt 0 ] && { echo "Too old:" >&2; printf '  %s\n' "${too_old[@]}" >&2; }
[ ${#broken[@]} -gt 0 ] && { echo "Found but does not run:" >&2; printf '  %s\n' "${broken[@]}" >&2; }
{
  echo 'Get one of these ways, then run make again (Debian 12 has no python3.12 package; Debian 13 and'
  echo 'Ubuntu 24.04 have one as python3, with `sudo apt-get install python3 python3-venv`):'
  echo '  uv (no root, a few seconds):  curl -LsSf https://astral.sh/uv/install.sh | sh'
  echo '                                ~/.local/bin/uv python install 3.12'
  echo '  pyenv:                        pyenv install 3.12  (needs a C compiler and build libraries)'
  echo '  python.org:                   https://www.python.org/downloads/ (build from source on Linux)'
  echo 'Or point to an interpreter you have: make run PYTHON=/path/to/python3.12'
} >&2
exit 1
