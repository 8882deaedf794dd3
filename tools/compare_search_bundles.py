#!/usr/bin/env python3
"""Compares the search bundles (`pagefind/`) of two built outputs, file by file, with the
gzipped index files decompressed first: the same index compressed another way compares equal.

usage: python3 tools/compare_search_bundles.py OUT_A OUT_B   (exit 1 when they differ)
"""
import gzip
import os
import sys


def bundle(out):
    files = {}
    for root, _, names in os.walk(os.path.join(out, "pagefind")):
        for name in names:
            path = os.path.join(root, name)
            with open(path, "rb") as f:
                data = f.read()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            files[os.path.relpath(path, out)] = data
    return files


def main():
    a, b = bundle(sys.argv[1]), bundle(sys.argv[2])
    differ = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
    print(f"{len(a)} and {len(b)} files, {len(differ)} differ")
    for name in differ[:20]:
        print("  " + name)
    sys.exit(1 if differ or not a else 0)


if __name__ == "__main__":
    main()
