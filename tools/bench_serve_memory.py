#!/usr/bin/env python3
"""Resident memory (VmRSS) of `cerdas serve` on a province, and its save -> reload latency.

    python3 tools/bench_serve_memory.py                      # 19 x 1000, target/release/cerdas
    python3 tools/bench_serve_memory.py --site DIR --bin A --bin B --edits 20

Generates the corpus with ../shared/bench/gen_corpus.py unless --site names one (a copy is
edited, never the original: one news title changes and is put back). For each binary, starts
`cerdas serve` on a free port on 127.0.0.1, opens the /__cerdas/reload event stream and
reads VmRSS from /proc/PID/status: when the server answers (after the first build), when the
background search index of that build is served (the `search` event), then after --edits saves
of one news title (timing each from the write to the `reload` event) and once the search index
of the last save is served; then one more save once the indexer is idle, timed from the write
to the `search` event (when the preview's search finds the new title). Linux only; standard library only; every wait is bounded."""

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


def rss_mb(pid):
    """VmRSS of `pid` in MB (10^6 bytes)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024 / 1e6
    return float("nan")


class Events:
    """The reload event stream of one server."""

    def __init__(self, host, port):
        self.sock = socket.create_connection((host, int(port)), timeout=600)
        self.sock.sendall(b"GET /__cerdas/reload HTTP/1.1\r\nHost: x\r\n\r\n")
        self.buf = b""

    def wait_for(self, marker, timeout=600):
        """Reads until `marker` arrives; consumes through it. False on timeout."""
        deadline = time.monotonic() + timeout
        while marker not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(4096)
            except socket.timeout:
                return False
            if not chunk:
                raise SystemExit("the event stream closed")
            self.buf += chunk
        self.buf = self.buf.split(marker, 1)[1]
        return True

    def drain(self):
        """Forgets what arrived so far (events of an earlier save)."""
        self.sock.settimeout(0.05)
        try:
            while self.sock.recv(4096):
                pass
        except socket.timeout:
            pass
        self.buf = b""


def save(path, text):
    """Saves as an editor does: a new file renamed over the old one (one change to watch)."""
    with open(path + ".tmp~", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(path + ".tmp~", path)


def run_one(binary, site, news, edits, search_timeout):
    server = subprocess.Popen([binary, "serve", site, "--port", "0"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    original = open(news, encoding="utf-8").read()
    result = {}
    try:
        started = time.perf_counter()
        line = server.stdout.readline()
        result["first build s"] = time.perf_counter() - started
        result["rss start"] = rss_mb(server.pid)
        host, port = line.split("http://", 1)[1].split("/", 1)[0].rsplit(":", 1)
        events = Events(host, port)
        events.wait_for(b"terhubung")
        if events.wait_for(b"event: search", search_timeout):
            result["index s"] = time.perf_counter() - started
        time.sleep(1)
        result["rss indexed"] = rss_mb(server.pid)
        times = []
        for i in range(edits):
            text = original.replace("title: \"", f"title: \"Edit {i} ", 1)
            events.drain()
            start = time.perf_counter()
            save(news, text)
            if not events.wait_for(b"event: reload", 60):
                raise SystemExit("no reload event within 60 s")
            times.append(time.perf_counter() - start)
            time.sleep(0.5)
        result["rss edits"] = rss_mb(server.pid)
        events.buf = b""
        events.wait_for(b"event: search", search_timeout)
        time.sleep(1)
        result["rss edits indexed"] = rss_mb(server.pid)
        result["times"] = times
        # One more save once the indexer is idle: how soon search finds the new title.
        events.buf = b""
        while events.wait_for(b"event: search", 3):
            events.buf = b""
        start = time.perf_counter()
        save(news, original.replace("title: \"", "title: \"Edit last ", 1))
        if events.wait_for(b"event: search", search_timeout):
            result["search after save s"] = time.perf_counter() - start
    finally:
        save(news, original)
        server.kill()
        server.wait()
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--regencies", type=int, default=19)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--site", help="an existing province or regency folder (copied first)")
    parser.add_argument("--bin", action="append", help="cerdas binaries to compare (default: release)")
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--search-timeout", type=float, default=600)
    args = parser.parse_args()
    binaries = args.bin or [CERDAS]
    if not args.bin:
        subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "cerdas"], cwd=ROOT, check=True)
    work = os.path.join(ROOT, "target", "bench", "serve-memory")
    if args.site:
        shutil.rmtree(work, True)
        shutil.copytree(args.site, work, ignore=shutil.ignore_patterns(".cerdas-cache"))
        site = work
    else:
        corpus = os.path.join(ROOT, "target", "bench", f"serve-{args.regencies}x{args.posts}")
        if not os.path.exists(os.path.join(corpus, ".complete")):
            subprocess.run([sys.executable, GEN, "--flavor", "cerdas", "--regencies", str(args.regencies),
                            "--posts", str(args.posts), "--out", corpus], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            open(os.path.join(corpus, ".complete"), "w").close()
        site = corpus if args.regencies > 1 else os.path.join(corpus, "agam")
    regency = site if os.path.exists(os.path.join(site, "site.yaml")) else os.path.join(site, "agam")
    news = os.path.join(regency, "berita", "berita-00001.md")
    print(f"site: {site}; load: {open('/proc/loadavg').read().split()[:3]}")
    for binary in binaries:
        r = run_one(binary, site, news, args.edits, args.search_timeout)
        t = r["times"]
        print(f"{binary}:")
        print(f"  first build {r['first build s']:.1f} s, search index served after {r.get('index s', float('nan')):.1f} s")
        print(f"  VmRSS MB: after start {r['rss start']:.0f}, after the search index {r['rss indexed']:.0f}, "
              f"after {len(t)} edits {r['rss edits']:.0f}, after their search index {r['rss edits indexed']:.0f}")
        print(f"  a save is searchable after {r.get('search after save s', float('nan')):.2f} s (save to `search` event)")
        print(f"  save -> reload, {len(t)} edits: median {statistics.median(t) * 1000:.0f} ms "
              f"(min {min(t) * 1000:.0f}, max {max(t) * 1000:.0f})")
    print(f"load after: {open('/proc/loadavg').read().split()[:3]}")


if __name__ == "__main__":
    main()
