#!/usr/bin/env python3
"""Reads every feed given and fails on a problem.

atom.xml: feedparser (PyPI) must read it without a parse problem, with entries, every one dated.
feed.json: feedparser's released versions (6.x) do not read JSON Feed, so jsonfeed-util (PyPI)
parses it against JSON Feed 1.1, and every item must have an id, url, title and an RFC 3339
date_published that Python reads with a UTC offset."""

import datetime
import sys

import feedparser
import jsonfeed


def check_atom(path):
    parsed = feedparser.parse(path)
    problems = []
    if parsed.bozo:
        problems.append(f"parse problem: {parsed.bozo_exception}")
    if parsed.version != "atom10":
        problems.append(f"not Atom 1.0 (feedparser says {parsed.version!r})")
    if not parsed.entries:
        problems.append("no entries")
    undated = [e.get("title", "?") for e in parsed.entries if not (e.get("published_parsed") and e.get("updated_parsed"))]
    if undated:
        problems.append(f"{len(undated)} undated entries, e.g. {undated[0]!r}")
    return len(parsed.entries), problems


def check_json_feed(path):
    problems = []
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        feed = jsonfeed.Feed.parse_string(text)
    except jsonfeed.ParseError as e:
        return 0, [f"not a valid JSON Feed: {e!r}"]
    if feed.version != "https://jsonfeed.org/version/1.1":
        problems.append(f"version is {feed.version!r}, not 1.1")
    if not feed.items:
        problems.append("no items")
    for i, item in enumerate(feed.items):
        for key in ("id", "url", "title", "date_published"):
            if not getattr(item, key, None):
                problems.append(f"item {i} has no {key}")
        try:
            when = datetime.datetime.fromisoformat(item.date_published or "")
            if when.tzinfo is None:
                problems.append(f"item {i} date has no UTC offset")
        except ValueError:
            problems.append(f"item {i} date_published is not RFC 3339: {item.date_published!r}")
    return len(feed.items), problems


def main(paths):
    failed = False
    for path in paths:
        count, problems = check_json_feed(path) if path.endswith(".json") else check_atom(path)
        if problems:
            failed = True
            print(f"FAIL {path}: " + "; ".join(problems[:5]), file=sys.stderr)
        else:
            print(f"{path}: {count} entries, all dated")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
