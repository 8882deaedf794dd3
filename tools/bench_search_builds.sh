#!/bin/bash
# What the search index costs a province build, three ways (issue 16):
#   cold  - output and cache folder emptied first;
#   warm  - the same build again, into the same output with the same cache;
#   edit  - a line added to one news item of the first regency before the build.
# Each way is run with search and on a copy with `search: false`, alternating, ROUNDS times.
#
#   tools/bench_search_builds.sh ROUNDS BIN CORPUS [WORK]
#
# CORPUS is a province folder (gen_corpus.py --flavor cerdas); WORK (default /dev/shm/bsb) is
# where copies, outputs and caches go (tmpfs keeps the disk out of the figures). Prints one
# line per build: "<way> <search|nosearch> <wall s> <user s> <sys s> <peak KB>".
set -eu
rounds=$1 bin=$2 corpus=$3 work=${4:-/dev/shm/bsb}
rm -rf "$work" && mkdir -p "$work"
cp -r "$corpus" "$work/search" && cp -r "$corpus" "$work/nosearch"
echo "search: false" >> "$work/nosearch/province.yaml"
first=$(sed -n 's/^  - \([a-z0-9-]*\)$/\1/p' "$corpus/province.yaml" | head -1)
news=$(ls "$work/search/$first/berita/"*.md | head -1)
news=${news#"$work/search/"}

build() { # way variant
  /usr/bin/time -f "$1 $2 %e %U %S %M" "$bin" build "$work/$2" -o "$work/out-$2" \
    --cache-dir "$work/cache-$2" > /dev/null 2> "$work/err"
  tail -1 "$work/err"
}

for r in $(seq 1 "$rounds"); do
  for v in search nosearch; do
    rm -rf "$work/out-$v" "$work/cache-$v"
    build cold $v
    build warm $v
    echo "Paragraf tambahan putaran $r tentang pembangunan jembatan." >> "$work/$v/$news"
    build edit $v
  done
done
rm -rf "$work"
