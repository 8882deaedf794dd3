#!/usr/bin/env bash
# Runs the live-reload browser test: installs Debian's chromium and playwright-core (npm) when
# missing, builds cerdas, then drives a real headless Chromium against `cerdas serve`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tools=${CERDAS_TOOLS_DIR:-$HOME/.cache/cerdas-tools}
mkdir -p "$tools"
if [ ! -x /usr/bin/chromium ]; then
  echo "== apt-get install chromium"
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
if [ ! -d "$tools/node_modules/playwright-core" ]; then
  echo "== npm install playwright-core"
  npm install --no-save --no-audit --no-fund --prefix "$tools" playwright-core >/dev/null
fi
cargo build --release --quiet --manifest-path "$here/../Cargo.toml"
node "$here/browser_reload_test.mjs" "$here/../target/release/cerdas" "$tools"
