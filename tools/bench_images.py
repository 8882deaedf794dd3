#!/usr/bin/env python3
"""Picture pipeline benchmark: cold and warm-cache build time for phone photos.

    python3 tools/bench_images.py                 # 100 photos of 4000 x 3000, 3 warm runs
    python3 tools/bench_images.py --photos 20 --runs 5
    python3 tools/bench_images.py --cerdas /tmp/cerdas-old   # another binary, not built here

Makes a copy of content-sample/agam with N extra news items, each a bundle whose cover is a
photo-like 4000 x 3000 JPEG (smooth colour fields with sensor grain, quality 92: 3-5 MB, as
a phone writes them) carrying EXIF orientation and a GPS position. Builds cerdas in release
mode, then times `cerdas build` with an empty picture cache (cold: every photo decoded,
turned, resized to 480/800/1200 and 1200x630, encoded as WebP and JPEG) and again with the
cache filled (warm), each into a fresh output folder. Prints the machine and a Markdown
table. Installs Pillow with pip when missing.
"""

import argparse
import multiprocessing
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile

from bench import timed  # the same timing (wall, CPU and peak RSS from wait4) as tools/bench.py

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CERDAS = os.path.join(ROOT, "target", "release", "cerdas")


def pillow():
    try:
        import PIL  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "pillow"], check=True)
    from PIL import Image
    return Image


def photo(Image, path, seed):
    """A 4000 x 3000 photo-like JPEG with EXIF orientation and GPS."""
    rng = random.Random(seed)
    w, h = 4000, 3000
    bands = [
        Image.effect_noise((w // 40, h // 40), 60 + rng.randint(0, 40)).resize((w, h), Image.BICUBIC)
        for _ in range(3)
    ]
    grain = Image.effect_noise((w, h), 12)
    rgb = Image.merge("RGB", [Image.blend(b, grain, 0.25) for b in bands])
    exif = Image.Exif()
    exif[0x010F] = "CerdasPhone"
    exif[0x0112] = rng.choice([1, 1, 6, 8])
    gps = exif.get_ifd(0x8825)
    gps[1] = "S"
    gps[2] = (0.0, 55.0, 12.0 + seed % 50)
    rgb.save(path, "JPEG", quality=92, exif=exif)


def make_site(dest, photos):
    Image = pillow()
    shutil.copytree(os.path.join(ROOT, "content-sample", "agam"), dest)
    for i in range(photos):
        bundle = os.path.join(dest, "berita", f"foto-bimtek-{i:03}")
        os.makedirs(bundle)
        photo(Image, os.path.join(bundle, "sampul.jpg"), i)
        with open(os.path.join(bundle, "index.md"), "w") as f:
            f.write(
                f'---\ntitle: "Dokumentasi Bimtek {i}"\ndate: 2024-03-{1 + i % 28:02}\n'
                'author: "Humas"\ndimensions: [smart-governance]\ncover: sampul.jpg\n'
                f'cover_alt: "Peserta Bimtek sesi {i} di aula"\n---\nDokumentasi kegiatan.\n'
            )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--photos", type=int, default=100)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cerdas", help="time this binary instead of building target/release/cerdas")
    opts = ap.parse_args()
    cerdas = opts.cerdas or CERDAS
    if not opts.cerdas:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    work = tempfile.mkdtemp(prefix="cerdas-bench-images-")
    site = os.path.join(work, "site")
    print(f"generating {opts.photos} photos of 4000 x 3000 ...", file=sys.stderr)
    # In a fresh process: the photos' pixels must not count in the peak RSS that wait4 reports
    # for the builds this process starts later.
    maker = multiprocessing.get_context("spawn").Process(target=make_site, args=(site, opts.photos))
    maker.start()
    maker.join()
    if maker.exitcode != 0:
        sys.exit("making the photos failed")
    sizes = [os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(site) for f in fs if f == "sampul.jpg"]
    cache = os.path.join(work, "cache")

    def build(label):
        out = os.path.join(work, "out-" + label)
        return timed([cerdas, "build", site, "-o", out, "--cache-dir", cache], out)

    cold = []
    for run in range(max(1, opts.runs // 3)):
        shutil.rmtree(cache, ignore_errors=True)
        cold.append(build(f"cold{run}"))
    warm = [build(f"warm{run}") for run in range(opts.runs)]
    made = len(os.listdir(os.path.join(cache, "gambar")))

    print(f"binary: {cerdas}; 1-minute load average at the end: {os.getloadavg()[0]:.1f}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"{opts.photos} photos, 4000 x 3000 JPEG, {sum(sizes) / len(sizes) / 1e6:.1f} MB each on average; "
          f"{made} resized files in the cache\n")
    print("| build | runs | wall (median) | CPU user+sys | peak RSS | wall per photo | CPU per photo |")
    print("|---|---|---|---|---|---|---|")
    for label, runs in (("cold cache", cold), ("warm cache", warm)):
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        rss = max(r[2] for r in runs)
        print(f"| {label} | {len(runs)} | {wall:.2f} s | {cpu:.2f} s | {rss:.0f} MB | {wall / opts.photos * 1000:.0f} ms | {cpu / opts.photos * 1000:.0f} ms |")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
