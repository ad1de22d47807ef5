#!/usr/bin/env bash
# Install the system programs the tests need when they are missing: redis-server, chromium.
# PostgreSQL's server binaries are looked for too; they are installed with apt if absent.
set -euo pipefail
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing with apt: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  # Installing Debian's postgresql and redis-server would start their system services on 5432 and 6379
  # as a side effect; the tests start their own, on other ports (scripts/services.sh). A policy-rc.d that
  # refuses every start (exit 101) is in place while apt installs, unless the system already has one.
  policy=${POLICY_RC_D:-/usr/sbin/policy-rc.d}  # POLICY_RC_D: for tests/test_system_deps.py only
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# scripts/system-deps.sh: no service starts while the test tools are installed.\nexit 101\n' \
      | $SUDO tee "$policy" >/dev/null
    $SUDO chmod 755 "$policy"
    trap '$SUDO rm -f "$policy"' EXIT
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  # With systemd the packages are still enabled for the next boot (and an init that ignores policy-rc.d may
  # have started them): stop and disable the services this script installed.
  for package in "${missing[@]}"; do
    case "$package" in postgresql) unit=postgresql ;; redis-server) unit=redis-server ;; *) continue ;; esac
    if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
      $SUDO systemctl disable --now "$unit" >/dev/null 2>&1 || true
    elif command -v service >/dev/null 2>&1; then
      $SUDO service "$unit" stop >/dev/null 2>&1 || true
    fi
    echo "Installed $package without leaving its system service running (the tests start their own)."
  done
fi
