#!/usr/bin/env bash
# `wrk` against `cerdas serve` of a temp copy of content-sample/agam: a news page and a photo
# (issue 15). Not run in CI. Usage: bash tools/bench_serve_wrk.sh [path/to/cerdas] [port]
# Needs wrk (apt-get install -y wrk) and a release build (cargo build --release).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../target/release/cerdas}
port=${2:-18915}
work=$(mktemp -d)
cp -r "$here/../content-sample/agam" "$work/agam"
"$bin" serve "$work/agam" --port "$port" > "$work/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 600); do
  curl -fs "$base/" > /dev/null && break
  sleep 0.1
done
page="$base/berita/sosialisasi-smart-city-tahap-ii/"
photo=$(curl -fs "$page" | grep -o '/gambar/[^" ,]*\.webp' | head -n 1)
# The photo is made once before it is measured.
for _ in $(seq 1 600); do
  curl -fs -o /dev/null "$base$photo" && break
  sleep 0.1
done
echo "== news page: $page"
wrk -t2 -c20 -d10s "$page"
echo "== photo: $base$photo ($(curl -fs "$base$photo" | wc -c) bytes)"
wrk -t2 -c20 -d10s "$base$photo"
