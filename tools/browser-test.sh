#!/usr/bin/env bash
# Runs the browser tests: installs Debian's chromium and playwright-core (npm) when missing,
# builds cerdas (or takes the binary given as the first argument), then drives a real headless Chromium against `cerdas serve` (live reload) and
# against the built sample province (search, issue 16; every page kind under the published
# headers, axe-core and printing, issues 15 and 19; the editor used in the browser, issue 17).
# poppler-utils reads the printed PDF.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -x /usr/bin/chromium ]; then
  echo "== apt-get install chromium"
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
if ! command -v pdftotext >/dev/null; then
  echo "== apt-get install poppler-utils"
  apt-get update -qq && apt-get install -y -qq poppler-utils >/dev/null
fi
# shellcheck source=tools/node-tools.sh
source "$here/node-tools.sh"
cerdas=${1:-}
if [ -z "$cerdas" ]; then
  cargo build --release --quiet --manifest-path "$here/../Cargo.toml"
  cerdas=$here/../target/release/cerdas
fi
cerdas=$(cd "$(dirname "$cerdas")" && pwd)/$(basename "$cerdas")
node "$here/browser_reload_test.mjs" "$cerdas" "$tools"
node "$here/browser_search_test.mjs" "$cerdas" "$tools"
node "$here/browser_pages_test.mjs" "$cerdas" "$tools"
node "$here/browser_editor_test.mjs" "$cerdas" "$tools"
