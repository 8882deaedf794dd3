#!/bin/bash
# The preview's own rebuild time after a save, as `cerdas serve` prints it.
#
#   bash tools/bench_serve_rebuilds.sh BIN SITE [SAVES] [PORT]
#
# Starts BIN serve on SITE (a province folder with an `agam` regency, e.g. a COPY of
# /work/base/corpus1000: its agam/berita/berita-00001.md is edited), saves that news item's
# title SAVES times (default 8) a second apart, stops the server and prints the rebuild times in
# ms, sorted. Linux; python3 for the edit.
set -eu
bin=$1; site=$2; saves=${3:-8}; port=${4:-4417}
log=$(mktemp)
"$bin" serve "$site" --port "$port" >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 1 120); do grep -q "http://" "$log" && break; sleep 0.5; done
file=$site/agam/berita/berita-00001.md
for i in $(seq 1 "$saves"); do
  python3 - "$file" "$i" <<'PY'
import re, sys
path, n = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8").read()
text = re.sub(r'^title: .*$', f'title: "Evaluasi Produk Kantor {n}"', text, count=1, flags=re.M)
open(path, "w", encoding="utf-8").write(text)
PY
  sleep 1
done
grep -o '[0-9]* ms: ' "$log" | awk '{print $1}' | sort -n | tr '\n' ' '
echo
