#!/usr/bin/env python3
"""How soon `cerdas serve` shows its first page on a site with many new phone photos.

    python3 tools/bench_serve_photos.py                       # 40 and 400 cold photos
    python3 tools/bench_serve_photos.py --photos 40 --binary OLD_CERDAS --binary target/release/cerdas

Makes a copy of content-sample/agam with N extra news items, each a bundle whose cover is a
4000 x 3000 phone-like JPEG (tools/bench_images.py makes them; 40 distinct photos, reused under
other names past 40, which cerdas treats as different photos). For each binary, with an empty
picture cache: starts `cerdas serve` on a free port and times, from the start of the process,
the first answer of `/` with status 200; then how long until every resized file is in the
cache (the photos made in the background), at most --wait seconds. Prints a Markdown table.
"""

import argparse
import multiprocessing
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

from bench_images import photo, pillow

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DISTINCT = 40
# Per photo: WebP and JPEG at 480, 800, 1200, and the 1200 x 630 JPEG.
FILES_PER_PHOTO = 7


def make_site(dest, photos):
    Image = pillow()
    shutil.copytree(os.path.join(ROOT, "content-sample", "agam"), dest,
                    ignore=shutil.ignore_patterns(".cerdas-cache"))
    originals = []
    for i in range(photos):
        bundle = os.path.join(dest, "berita", f"foto-bimtek-{i:03}")
        os.makedirs(bundle)
        cover = os.path.join(bundle, f"sampul-{i:03}.jpg")
        if i < DISTINCT:
            photo(Image, cover, i)
            originals.append(cover)
        else:
            os.link(originals[i % DISTINCT], cover)
        with open(os.path.join(bundle, "index.md"), "w") as f:
            f.write(
                f'---\ntitle: "Dokumentasi Bimtek {i}"\ndate: 2024-03-{1 + i % 28:02}\n'
                f'author: "Humas"\ndimensions: [smart-governance]\ncover: sampul-{i:03}.jpg\n'
                f'cover_alt: "Peserta Bimtek sesi {i} di aula"\n---\nDokumentasi kegiatan.\n'
            )


def first_page(binary, site, photos, wait):
    """(seconds to the first 200 of /, seconds until every photo is in the cache or None)."""
    shutil.rmtree(os.path.join(site, ".cerdas-cache"), ignore_errors=True)
    start = time.perf_counter()
    proc = subprocess.Popen([binary, "serve", site, "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()
        url = line[line.index("http://"):].split()[0]
        first = None
        while first is None and time.perf_counter() - start < wait:
            try:
                with urllib.request.urlopen(url, timeout=wait) as r:
                    if r.status == 200 and b"Dokumentasi Bimtek" in r.read():
                        first = time.perf_counter() - start
            except OSError:
                time.sleep(0.01)
        cache = os.path.join(site, ".cerdas-cache", "gambar")
        done = None
        while done is None and time.perf_counter() - start < wait:
            made = [n for n in os.listdir(cache) if n.startswith("sampul-") and ".tmp" not in n] \
                if os.path.isdir(cache) else []
            if len(made) >= photos * FILES_PER_PHOTO:
                done = time.perf_counter() - start
            else:
                time.sleep(0.1)
        return first, done
    finally:
        proc.kill()
        proc.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--photos", type=int, nargs="+", default=[40, 400])
    ap.add_argument("--binary", action="append", help="cerdas binaries to compare (default: this checkout's release build)")
    ap.add_argument("--wait", type=float, default=900, help="give up after this many seconds")
    opts = ap.parse_args()
    binaries = opts.binary
    if not binaries:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
        binaries = [os.path.join(ROOT, "target", "release", "cerdas")]
    work = tempfile.mkdtemp(prefix="cerdas-bench-serve-photos-")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
    print("| photos | binary | first page | every photo made |")
    print("|---|---|---|---|")
    for n in opts.photos:
        site = os.path.join(work, f"site-{n}")
        print(f"generating a site with {n} photos of 4000 x 3000 ...", file=sys.stderr)
        maker = multiprocessing.get_context("spawn").Process(target=make_site, args=(site, n))
        maker.start()
        maker.join()
        if maker.exitcode != 0:
            sys.exit("making the photos failed")
        for binary in binaries:
            first, done = first_page(binary, site, n, opts.wait)
            shown = lambda s: f"{s:.2f} s" if s is not None else f"> {opts.wait:.0f} s"
            print(f"| {n} | `{os.path.relpath(binary, ROOT)}` | {shown(first)} | {shown(done)} |", flush=True)
        shutil.rmtree(site, ignore_errors=True)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
