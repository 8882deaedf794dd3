#!/usr/bin/env python3
"""Time from saving one news file to the reload event of `cerdas serve`, beside the full build.

    python3 tools/bench_serve.py                 # the 19 x 1000 province corpus
    python3 tools/bench_serve.py --regencies 1 --posts 1000 --edits 5

Generates the corpus with ../shared/bench/gen_corpus.py (cached under target/bench), times
full builds of it (`cerdas build` into a fresh folder, and `cerdas check`: everything but the
writing; median of --builds runs each), starts `cerdas serve` on a free port on
127.0.0.1, opens the /__cerdas/reload event stream, then edits one news title several times and
reports the median time from the write to the `reload` event. Standard library only; every
wait is bounded."""

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "..", "shared", "bench", "gen_corpus.py")
CERDAS = os.path.join(ROOT, "target", "release", "cerdas")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--regencies", type=int, default=19)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--builds", type=int, default=3)
    args = parser.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "cerdas"], cwd=ROOT, check=True)
    corpus = os.path.join(ROOT, "target", "bench", f"serve-{args.regencies}x{args.posts}")
    if not os.path.exists(os.path.join(corpus, ".complete")):
        subprocess.run([sys.executable, GEN, "--flavor", "cerdas", "--regencies", str(args.regencies), "--posts",
                        str(args.posts), "--out", corpus], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        open(os.path.join(corpus, ".complete"), "w").close()
    site = corpus if args.regencies > 1 else os.path.join(corpus, "agam")
    out = os.path.join(ROOT, "target", "bench", "serve-out")
    build = median_time([CERDAS, "build", site, "-o", out], args.builds, before=lambda: shutil.rmtree(out, True))
    shutil.rmtree(out, True)
    check = median_time([CERDAS, "check", site], args.builds)

    server = subprocess.Popen([CERDAS, "serve", site, "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        host, port = line.split("http://", 1)[1].split("/", 1)[0].rsplit(":", 1)
        events = socket.create_connection((host, int(port)), timeout=120)
        events.sendall(b"GET /__cerdas/reload HTTP/1.1\r\nHost: x\r\n\r\n")
        buf = b""
        while b"terhubung" not in buf:
            buf += events.recv(4096)
        news = os.path.join(corpus, "agam", "berita", "berita-00001.md")
        original = open(news, encoding="utf-8").read()
        times = []
        for i in range(args.edits):
            text = original.replace("title: \"", f"title: \"Edit {i} ", 1)
            start = time.perf_counter()
            with open(news, "w", encoding="utf-8") as f:
                f.write(text)
            buf = b""
            while b"event: reload" not in buf:
                chunk = events.recv(4096)
                if not chunk:
                    raise SystemExit("the event stream closed")
                buf += chunk
            times.append(time.perf_counter() - start)
            time.sleep(0.3)
        with open(news, "w", encoding="utf-8") as f:
            f.write(original)
    finally:
        server.kill()
        server.wait()
    median = statistics.median(times)
    print(f"corpus: {args.regencies} x {args.posts}")
    print(f"full build, median of {args.builds}: cerdas build {build * 1000:.0f} ms, "
          f"cerdas check (no writing) {check * 1000:.0f} ms")
    print(f"save -> reload event, median of {len(times)} edits: {median * 1000:.0f} ms "
          f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}); "
          f"{build / median:.1f}x faster than cerdas build, {check / median:.1f}x than cerdas check")


def median_time(cmd, runs, before=lambda: None):
    """Median wall time of `runs` runs of cmd, `before` called ahead of each."""
    times = []
    for _ in range(runs):
        before()
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


if __name__ == "__main__":
    main()
