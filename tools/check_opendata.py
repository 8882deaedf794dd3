#!/usr/bin/env python3
"""Holds the open data of built sites against Python's csv and json modules and LibreOffice.

    tools/check_opendata.py OUTDIR [OUTDIR...]

For every program.csv (at the root of an output and one folder down, as a province writes
them): it starts with a UTF-8 byte order mark; Python's csv module (encoding="utf-8-sig")
reads it with the documented header and every row as wide as the header; each row holds what
program.json says of the same program (numbers as numbers there, `ya`/`tidak`, the indicator
cell, the `'` before formula-like text); and LibreOffice Calc, importing it as UTF-8 CSV (and
again with its own character set detection) and saving it as xlsx, holds every cell as
Python read it (non-ASCII included; the xlsx is read
from its XML). Exits non-zero on any problem. Needs `soffice` (libreoffice-calc-nogui) on PATH.
"""

import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from xml.etree import ElementTree

COLUMNS = [
    "program",
    "slug",
    "alamat",
    "dimensi",
    "opd",
    "status",
    "quick_win",
    "tahun_mulai",
    "tahun_selesai",
    "anggaran",
    "indikator",
    "ringkasan",
]
REGENCY = "kabupaten_kota"
# LibreOffice's CSV import filter: comma, double quote, the character set, from line 1. The
# file is read twice: as UTF-8 (76, what one picks in Calc's import dialog) and with the
# character set left to Calc's detection (empty). (With no filter options at all, headless
# Calc 7.4 reads any CSV as Windows-1252, byte order mark or not.)
CSV_IMPORTS = [("UTF-8", "44,34,76,1"), ("detected", "44,34,,1")]

problems = []


def fail(where, message):
    problems.append(f"{where}: {message}")


def guarded(text):
    """The text as program.csv writes it: a leading ' before what a spreadsheet takes for a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    return str(value)


def indicator_cell(indicators):
    parts = []
    for i in indicators:
        part = f"{i['nama']}: target {i['target']}"
        if i["capaian"] is not None:
            part += f", capaian {i['capaian']}"
        parts.append(part)
    return "; ".join(parts)


def expected_row(program, columns):
    row = {}
    for column in columns:
        value = program[column]
        if column == "indikator":
            row[column] = guarded(indicator_cell(value))
        elif isinstance(value, str):
            row[column] = guarded(value)
        else:
            if column in ("tahun_mulai", "tahun_selesai", "anggaran") and value is not None:
                if not isinstance(value, int) or isinstance(value, bool):
                    raise TypeError(f"{column} is not a number in program.json: {value!r}")
            row[column] = cell(value)
    return row


def read_csv(path):
    with open(path, "rb") as f:
        if not f.read(3) == b"\xef\xbb\xbf":
            fail(path, "does not start with the UTF-8 byte order mark")
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f, strict=True))


def check_file(path):
    """Checks one program.csv against its program.json; returns its rows (header first)."""
    try:
        rows = read_csv(path)
    except (UnicodeDecodeError, csv.Error) as e:
        fail(path, f"Python's csv module cannot read it: {e}")
        return None
    if not rows:
        fail(path, "is empty")
        return None
    header = rows[0]
    columns = COLUMNS if header[:1] != [REGENCY] else [REGENCY] + COLUMNS
    if header != columns:
        fail(path, f"header {header} is not {columns}")
        return None
    for n, row in enumerate(rows[1:], start=2):
        if len(row) != len(columns):
            fail(path, f"record {n} has {len(row)} fields, the header {len(columns)}")
    json_path = os.path.join(os.path.dirname(path), "program.json")
    try:
        with open(json_path, encoding="utf-8") as f:
            data = json.load(f)
        programs = data["program"]
        if data.get("versi") != 1:
            fail(json_path, f"versi is {data.get('versi')!r}, not 1")
        if len(programs) != len(rows) - 1:
            fail(path, f"{len(rows) - 1} rows but program.json has {len(programs)} programs")
        for n, (row, program) in enumerate(zip(rows[1:], programs), start=2):
            expected = expected_row(program, columns)
            got = dict(zip(columns, row))
            for column in columns:
                if got.get(column) != expected[column]:
                    fail(
                        path,
                        f"record {n}, {column}: {got.get(column)!r} but program.json gives {expected[column]!r}",
                    )
    except (OSError, ValueError, KeyError, TypeError) as e:
        fail(json_path, f"cannot be read as the documented shape: {e}")
    return rows


XLSX_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def xlsx_cells(path):
    """The cells of the first sheet of an xlsx file as rows of text (read from its XML)."""
    with zipfile.ZipFile(path) as z:
        shared = []
        if "xl/sharedStrings.xml" in z.namelist():
            for si in ElementTree.fromstring(z.read("xl/sharedStrings.xml")).iter(f"{XLSX_NS}si"):
                shared.append("".join(t.text or "" for t in si.iter(f"{XLSX_NS}t")))
        sheet = ElementTree.fromstring(z.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.iter(f"{XLSX_NS}row"):
        cells = []
        for c in row.iter(f"{XLSX_NS}c"):
            letters = "".join(ch for ch in c.get("r", "") if ch.isalpha())
            column = 0
            for ch in letters:
                column = column * 26 + ord(ch) - ord("A") + 1
            while len(cells) < column - 1:
                cells.append("")
            v = c.find(f"{XLSX_NS}v")
            kind = c.get("t")
            if kind == "s":
                text = shared[int(v.text)]
            elif kind == "inlineStr":
                text = "".join(t.text or "" for t in c.iter(f"{XLSX_NS}t"))
            elif v is None:
                text = ""
            elif kind in ("str", "e"):
                text = v.text or ""
            else:
                number = float(v.text)
                text = str(int(number)) if number.is_integer() else v.text
            cells.append(text)
        rows.append(cells)
    return rows


def libreoffice_round_trip(files):
    """Each CSV imported by LibreOffice Calc in each way of CSV_IMPORTS and saved as xlsx; the
    xlsx must hold every cell as Python read it."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        fail("libreoffice", "soffice is not installed (apt-get install libreoffice-calc-nogui)")
        return
    for label, options in CSV_IMPORTS:
        libreoffice_import(soffice, files, label, options)


def libreoffice_import(soffice, files, label, options):
    with tempfile.TemporaryDirectory() as tmp:
        names = {}
        for i, (path, _) in enumerate(files):
            names[f"data{i}"] = path
            shutil.copy(path, os.path.join(tmp, f"data{i}.csv"))
        inputs = [os.path.join(tmp, f"{n}.csv") for n in names]
        xlsx_dir = os.path.join(tmp, "xlsx")
        r = subprocess.run(
            [soffice, "--headless", "--norestore", f"--infilter=CSV:{options}",
             "--convert-to", "xlsx", "--outdir", xlsx_dir, *inputs],
            cwd=tmp,
            env=dict(os.environ, HOME=tmp),  # a fresh LibreOffice profile
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=600,
        )
        if r.returncode != 0:
            fail("libreoffice", f"CSV ({label}) to xlsx failed:\n{r.stdout}")
            return
        rows_of = dict(files)
        for name, path in names.items():
            rows = rows_of[path]
            try:
                calc = xlsx_cells(os.path.join(xlsx_dir, f"{name}.xlsx"))
            except (OSError, KeyError, ValueError, zipfile.BadZipFile, ElementTree.ParseError) as e:
                fail(path, f"LibreOffice ({label}) made no readable xlsx: {e}")
                continue
            # Calc leaves out empty trailing cells of a row; pad them back.
            width = len(rows[0])
            calc = [r + [""] * (width - len(r)) for r in calc]
            if len(calc) != len(rows):
                fail(path, f"LibreOffice ({label}) read {len(calc)} records, Python {len(rows)}")
            for n, (ours, theirs) in enumerate(zip(rows, calc), start=1):
                if len(theirs) != width:
                    fail(path, f"LibreOffice ({label}): record {n} has {len(theirs)} cells, not {width}")
                for column, (a, b) in enumerate(zip(ours, theirs)):
                    if a != b:
                        fail(path, f"LibreOffice ({label}): record {n}, column {rows[0][column]}: {b!r}, not {a!r}")


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    found = []
    for out in sys.argv[1:]:
        for candidate in [os.path.join(out, "program.csv")] + sorted(
            os.path.join(out, d, "program.csv") for d in os.listdir(out)
        ):
            if os.path.isfile(candidate):
                found.append(candidate)
    if not found:
        fail(" ".join(sys.argv[1:]), "no program.csv found")
    checked = []
    cells = 0
    non_ascii = 0
    for path in found:
        rows = check_file(path)
        if rows is not None:
            checked.append((path, rows))
            cells += sum(len(r) for r in rows)
            non_ascii += sum(1 for r in rows for c in r if any(ord(ch) > 127 for ch in c))
    if checked:
        libreoffice_round_trip(checked)
    for p in problems:
        print(f"FAIL: {p}", file=sys.stderr)
    if problems:
        return 1
    print(
        f"open data: {len(checked)} program.csv files, {cells} cells ({non_ascii} with non-ASCII text) "
        "read alike by Python's csv, program.json and LibreOffice Calc (imported as UTF-8 and "
        "with its detection, saved as xlsx)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
