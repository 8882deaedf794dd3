#!/usr/bin/env python3
"""Cold photo processing per 12 MP photo: cerdas against Hugo and vipsthumbnail, same photos,
same sizes (WebP and JPEG at 1200, 800 and 480 px wide, and a 1200 x 630 JPEG crop).

    python3 tools/bench_photo_tools.py [--photos 10] [--runs 3] [--cerdas BIN]

Makes N phone-like 4000 x 3000 JPEGs (tools/bench_images.py), then for each tool, with nothing
cached, times the whole job and reports CPU (user + sys of the process and its children) per
photo, median of the runs, the tools alternating. Hugo: a site whose page bundles' covers are
resized by `.Resize`/`.Fill` in a template (Hugo 0.111: `apt-get install hugo`). vipsthumbnail:
one call per output file (`apt-get install libvips-tools`). Prints a Markdown table.
"""

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile

from bench import timed
from bench_images import make_site

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WIDTHS = [1200, 800, 480]

HUGO_TEMPLATE = """{{ define "main" }}{{ with .Resources.GetMatch "sampul*" }}{{ $img := . }}
{{ range slice 1200 800 480 }}{{ ($img.Resize (printf "%dx webp q72" .)).RelPermalink }} {{ ($img.Resize (printf "%dx jpg q78" .)).RelPermalink }}
{{ end }}{{ ($img.Fill "1200x630 jpg q78 Center").RelPermalink }}{{ end }}{{ end }}"""


def hugo_site(cerdas_site, dest):
    """The same bundles as a Hugo site."""
    os.makedirs(os.path.join(dest, "layouts", "_default"))
    with open(os.path.join(dest, "config.toml"), "w") as f:
        f.write('baseURL = "http://example.org/"\ntitle = "bench"\n')
    with open(os.path.join(dest, "layouts", "_default", "baseof.html"), "w") as f:
        f.write('{{ block "main" . }}{{ end }}')
    for name in ("single.html", "list.html"):
        with open(os.path.join(dest, "layouts", "_default", name), "w") as f:
            f.write(HUGO_TEMPLATE)
    news = os.path.join(cerdas_site, "berita")
    for bundle in sorted(os.listdir(news)):
        if not bundle.startswith("foto-bimtek-"):
            continue
        to = os.path.join(dest, "content", "berita", bundle)
        os.makedirs(to)
        os.link(os.path.join(news, bundle, "sampul.jpg"), os.path.join(to, "sampul.jpg"))
        with open(os.path.join(to, "index.md"), "w") as f:
            f.write(f'---\ntitle: "{bundle}"\n---\nIsi.\n')


def vips_script(cerdas_site, out):
    """A shell script making every file with vipsthumbnail."""
    lines = ["set -e"]
    news = os.path.join(cerdas_site, "berita")
    for bundle in sorted(os.listdir(news)):
        if not bundle.startswith("foto-bimtek-"):
            continue
        src = os.path.join(news, bundle, "sampul.jpg")
        for w in WIDTHS:
            lines.append(f"vipsthumbnail {src} -s {w}x -o {out}/{bundle}-{w}.webp[Q=72,strip]")
            lines.append(f"vipsthumbnail {src} -s {w}x -o {out}/{bundle}-{w}.jpg[Q=78,strip]")
        lines.append(f"vipsthumbnail {src} -s 1200x630 --smartcrop centre -o {out}/{bundle}-og.jpg[Q=78,strip]")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--photos", type=int, default=10)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cerdas", default=os.path.join(ROOT, "target", "release", "cerdas"))
    opts = ap.parse_args()
    for tool in ("hugo", "vipsthumbnail"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: apt-get install hugo libvips-tools")
    work = tempfile.mkdtemp(prefix="cerdas-bench-photo-tools-")
    site = os.path.join(work, "site")
    make_site(site, opts.photos)
    hugo = os.path.join(work, "hugo")
    hugo_site(site, hugo)
    script = os.path.join(work, "vips.sh")

    def run_cerdas(n):
        cache = os.path.join(work, "cache")
        shutil.rmtree(cache, ignore_errors=True)
        return timed([opts.cerdas, "build", site, "-o", os.path.join(work, "out"), "--cache-dir", cache],
                     os.path.join(work, "out"))

    def run_hugo(n):
        shutil.rmtree(os.path.join(hugo, "resources"), ignore_errors=True)
        return timed(["hugo", "--quiet", "-s", hugo, "-d", os.path.join(work, "hugo-out")],
                     os.path.join(work, "hugo-out"))

    def run_vips(n):
        out = os.path.join(work, "vips-out")
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        with open(script, "w") as f:
            f.write(vips_script(site, out))
        return timed(["bash", script], os.path.join(work, "vips-unused"))

    tools = {"cerdas": run_cerdas, "Hugo 0.111": run_hugo, "vipsthumbnail": run_vips}
    results = {name: [] for name in tools}
    for n in range(opts.runs):
        for name, run in tools.items():
            results[name].append(run(n))
    made = len(os.listdir(os.path.join(work, "vips-out")))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"{opts.photos} photos of 4000 x 3000; each tool makes 7 files per photo ({made} by vipsthumbnail); "
          f"median of {opts.runs} cold runs, tools alternating\n")
    print("| tool | wall | CPU user+sys | CPU per photo | peak RSS |")
    print("|---|---|---|---|---|")
    for name, runs in results.items():
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        rss = max(r[2] for r in runs)
        print(f"| {name} | {wall:.2f} s | {cpu:.2f} s | {cpu / opts.photos * 1000:.0f} ms | {rss:.0f} MB |")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
