#!/usr/bin/env python3
"""Whole-build benchmark: cerdas against Hugo and against the floor, on the same content.

    python3 tools/bench.py                      # every size, 3 runs each (100x1000: 1 run)
    python3 tools/bench.py --sizes 1x100,19x100 --runs 5

For each size R x N (regencies x news each) it generates the corpus twice with
../shared/bench/gen_corpus.py (flavor cerdas and flavor hugo: the same pages), builds cerdas
in release mode with the `floor` example (read, split front matter, pulldown-cmark, write:
nothing else), installs Hugo with apt-get if it is missing, then runs cerdas, Hugo and the
floor alternately into fresh output folders, timing each run (wall clock, and the process's own CPU time and peak RSS from wait4). It prints
the machine and a Markdown table of median wall time, CPU time (user + system) and peak RSS,
with cerdas's wall time as a ratio of Hugo's and of the floor's. Standard library only.
"""

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "..", "shared", "bench", "gen_corpus.py")
CERDAS = os.path.join(ROOT, "target", "release", "cerdas")
FLOOR = os.path.join(ROOT, "target", "release", "examples", "floor")


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def ensure_tools():
    sh(["cargo", "build", "--release", "--quiet", "--bin", "cerdas", "--example", "floor"], cwd=ROOT)
    if shutil.which("hugo") is None:
        print("installing hugo with apt-get ...", file=sys.stderr)
        sh(["apt-get", "update", "-qq"])
        sh(["apt-get", "install", "-y", "-qq", "hugo"], stdout=subprocess.DEVNULL)


def corpus(work, flavor, regencies, posts):
    out = os.path.join(work, f"{flavor}-{regencies}x{posts}")
    done = os.path.join(out, ".complete")
    if not os.path.exists(done):
        shutil.rmtree(out, ignore_errors=True)
        sh([sys.executable, GEN, "--flavor", flavor, "--regencies", str(regencies), "--posts", str(posts), "--out", out],
           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        open(done, "w").close()
    return out


def timed(cmd, out_dir):
    """Runs cmd into a fresh out_dir; returns (wall s, cpu s, peak RSS MB) of that process."""
    shutil.rmtree(out_dir, ignore_errors=True)
    os.sync()  # start every run with the previous run's writes on disk
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{err[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def bench_size(work, regencies, posts, runs):
    c_dir = corpus(work, "cerdas", regencies, posts)
    h_dir = corpus(work, "hugo", regencies, posts)
    c_input = os.path.join(c_dir, "agam") if regencies == 1 else c_dir
    out = os.path.join(work, "out")
    tools = {
        "cerdas": lambda: [CERDAS, "build", c_input, "-o", os.path.join(out, "cerdas")],
        "hugo": lambda: ["hugo", "--quiet", "--source", h_dir, "--destination", os.path.join(out, "hugo")],
        "floor": lambda: [FLOOR, c_dir, os.path.join(out, "floor")],
    }
    samples = {name: [] for name in tools}
    for _ in range(runs):
        for name, cmd in tools.items():
            target = os.path.join(out, name)
            samples[name].append(timed(cmd(), target))
    shutil.rmtree(out, ignore_errors=True)
    return {name: tuple(statistics.median(s[i] for s in runs_) for i in range(3)) for name, runs_ in samples.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1x100,19x100,19x1000,100x1000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", default=os.path.join(ROOT, "target", "bench"))
    args = parser.parse_args()
    ensure_tools()
    os.makedirs(args.work, exist_ok=True)
    hugo_version = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split()[1]
    cerdas_version = subprocess.run([CERDAS, "--version"], capture_output=True, text=True).stdout.strip()
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {mem_gb:.0f} GiB, {platform.system()} {platform.release()}")
    print(f"tools: {cerdas_version}, hugo {hugo_version}; medians of the runs, each into a fresh output folder\n")
    print("| size (regencies x news) | tool | runs | wall (s) | CPU (s) | peak RSS (MB) | wall / Hugo | wall / floor |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for size in args.sizes.split(","):
        regencies, posts = (int(x) for x in size.lower().split("x"))
        runs = 1 if regencies * posts >= 100_000 else args.runs
        result = bench_size(args.work, regencies, posts, runs)
        hugo_wall = result["hugo"][0]
        floor_wall = result["floor"][0]
        for name in ("cerdas", "hugo", "floor"):
            wall, cpu, rss = result[name]
            print(f"| {regencies} x {posts} | {name} | {runs} | {wall:.3f} | {cpu:.3f} | {rss:.0f} | {wall / hugo_wall:.2f} | {wall / floor_wall:.2f} |",
                  flush=True)


if __name__ == "__main__":
    main()
