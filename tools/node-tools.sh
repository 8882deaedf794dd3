#!/usr/bin/env bash
# Installs the npm tools the checks use into $CERDAS_TOOLS_DIR (default ~/.cache/cerdas-tools),
# all in one `npm install`: npm prunes packages a later --no-save install does not name.
#   source tools/node-tools.sh   (sets $tools)
tools=${CERDAS_TOOLS_DIR:-$HOME/.cache/cerdas-tools}
mkdir -p "$tools"
if [ ! -f "$tools/node_modules/vnu-jar/build/dist/vnu.jar" ] || [ ! -d "$tools/node_modules/sitemap/schema" ] || [ ! -d "$tools/node_modules/playwright-core" ] || [ ! -f "$tools/node_modules/axe-core/axe.min.js" ]; then
  echo "== npm install vnu-jar sitemap playwright-core axe-core"
  npm install --no-save --no-audit --no-fund --prefix "$tools" vnu-jar sitemap playwright-core axe-core >/dev/null
fi
