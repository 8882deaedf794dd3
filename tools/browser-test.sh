#!/usr/bin/env bash
# Runs the browser tests: installs Debian's chromium and playwright-core (npm) when missing,
# builds cerdas, then drives a real headless Chromium against `cerdas serve` (live reload) and
# against the built sample province (search, issue 16).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -x /usr/bin/chromium ]; then
  echo "== apt-get install chromium"
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
# shellcheck source=tools/node-tools.sh
source "$here/node-tools.sh"
cargo build --release --quiet --manifest-path "$here/../Cargo.toml"
node "$here/browser_reload_test.mjs" "$here/../target/release/cerdas" "$tools"
node "$here/browser_search_test.mjs" "$here/../target/release/cerdas" "$tools"
