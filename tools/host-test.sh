#!/usr/bin/env bash
# Serves the built sample regency and province from real Apache and nginx, at the root and
# under a sub-path, and checks them by HTTP and in headless Chromium (issue 19): see
# tools/host_test.py. Installs Debian's apache2, nginx and chromium and playwright-core (npm)
# when missing; the servers run as processes of their own on 127.0.0.1 (never the system's
# services or ports) and are stopped at the end.
#   tools/host-test.sh [CERDAS_BINARY]   (default: target/release/cerdas, built if missing)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cerdas=${1:-$here/../target/release/cerdas}
work=$(mktemp -d "${TMPDIR:-/tmp}/cerdas-hosts-XXXXXX")
policy=/usr/sbin/policy-rc.d
made_policy=

# Stops any server host_test.py left running (each one's pid file names it; only a process
# whose command line names this folder is ended), removes the install-time policy.
cleanup() {
  local status=$? pidfile pid
  for pidfile in "$work"/*/apache.pid "$work"/*/nginx.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    if grep -qF "$work" "/proc/$pid/cmdline" 2>/dev/null; then kill "$pid" 2>/dev/null || true; fi
  done
  if [ -n "$made_policy" ]; then rm -f "$policy"; fi
  if [ "$status" -eq 0 ]; then rm -rf "$work"; else echo "server configurations and logs kept in $work" >&2; fi
}
trap cleanup EXIT

need_apt=()
[ -x /usr/sbin/apache2 ] || need_apt+=(apache2)
[ -x /usr/sbin/nginx ] || need_apt+=(nginx)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== apt-get install ${need_apt[*]}"
  # Installing must not start the packages' own services on port 80: a policy that refuses
  # every start, for the install only (unless the machine has its own).
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"
    chmod +x "$policy"
    made_policy=1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  if [ -n "$made_policy" ]; then rm -f "$policy"; made_policy=; fi
fi
# shellcheck source=tools/node-tools.sh
source "$here/node-tools.sh"
if [ ! -x "$cerdas" ]; then
  cargo build --release --quiet --manifest-path "$here/../Cargo.toml"
fi
python3 "$here/host_test.py" "$cerdas" "$tools" "$work"
