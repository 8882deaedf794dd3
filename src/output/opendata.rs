//! The programs as open data (takes regency exports, gives `program.csv` and `program.json`):
//! one row or object per program, for a spreadsheet and for scripts. A regency publishes its
//! own; the province publishes every regency's together, with the regency named on each row.
//!
//! Both files have the same fields under the same Indonesian names (documented in
//! `docs/content-format.md`); the CSV puts a program's indicators in one cell, the JSON lists
//! them. The CSV is RFC 4180 (comma, `"` quoting, CRLF line ends) in UTF-8 with a byte order
//! mark, which Excel on Windows needs to read it as UTF-8.

use serde::Serialize;

use crate::content::kinds::ProgramStatus;
use crate::export::{Export, ExportProgram, pretty_json};
use crate::render::OutputFile;

/// The version of the shape of `program.json`.
pub const OPEN_DATA_VERSION: u32 = 1;

/// The CSV file's name, at the root of a portal.
pub const CSV_FILE: &str = "program.csv";
/// The JSON file's name, at the root of a portal.
pub const JSON_FILE: &str = "program.json";

/// The columns of a regency's `program.csv`; the province's have `kabupaten_kota` first.
pub const COLUMNS: [&str; 12] = [
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
];

/// The column (and JSON field) naming the regency in the province's files.
pub const REGENCY_COLUMN: &str = "kabupaten_kota";

/// One indicator in `program.json`.
#[derive(Serialize)]
struct IndicatorRow<'a> {
    nama: &'a str,
    target: &'a str,
    capaian: Option<&'a str>,
}

/// One program in `program.json`, and the values of its CSV row.
#[derive(Serialize)]
struct ProgramRow<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    kabupaten_kota: Option<&'a str>,
    program: &'a str,
    slug: &'a str,
    alamat: &'a str,
    dimensi: &'a str,
    opd: &'a str,
    status: ProgramStatus,
    quick_win: bool,
    tahun_mulai: u16,
    tahun_selesai: Option<u16>,
    anggaran: Option<u64>,
    indikator: Vec<IndicatorRow<'a>>,
    ringkasan: &'a str,
}

impl<'a> ProgramRow<'a> {
    fn of(p: &'a ExportProgram, regency: Option<&'a str>) -> ProgramRow<'a> {
        ProgramRow {
            kabupaten_kota: regency,
            program: &p.title,
            slug: &p.slug,
            alamat: &p.url,
            dimensi: &p.dimension,
            opd: &p.opd,
            status: p.status,
            quick_win: p.quick_win,
            tahun_mulai: p.years.start,
            tahun_selesai: p.years.end,
            anggaran: p.budget,
            indikator: p
                .indicators
                .iter()
                .map(|i| IndicatorRow {
                    nama: &i.name,
                    target: &i.target.0,
                    capaian: i.achieved.as_ref().map(|a| a.0.as_str()),
                })
                .collect(),
            ringkasan: &p.summary,
        }
    }

    /// The row's cells, in the order of [`COLUMNS`] (after the regency's, when it has one).
    fn cells(&self) -> Vec<String> {
        let number = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();
        let status = match self.status {
            ProgramStatus::Rencana => "rencana",
            ProgramStatus::Berjalan => "berjalan",
            ProgramStatus::Selesai => "selesai",
        };
        let mut cells = Vec::with_capacity(COLUMNS.len() + 1);
        if let Some(regency) = self.kabupaten_kota {
            cells.push(regency.to_string());
        }
        cells.extend([
            self.program.to_string(),
            self.slug.to_string(),
            self.alamat.to_string(),
            self.dimensi.to_string(),
            self.opd.to_string(),
            status.to_string(),
            if self.quick_win { "ya" } else { "tidak" }.to_string(),
            self.tahun_mulai.to_string(),
            number(self.tahun_selesai.map(u64::from)),
            number(self.anggaran),
            indicator_cell(&self.indikator),
            self.ringkasan.to_string(),
        ]);
        cells
    }
}

/// A program's indicators in one cell: `name: target T, capaian C`, joined by `; `.
fn indicator_cell(indicators: &[IndicatorRow]) -> String {
    indicators
        .iter()
        .map(|i| match i.capaian {
            Some(c) => format!("{}: target {}, capaian {c}", i.nama, i.target),
            None => format!("{}: target {}", i.nama, i.target),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// `program.json` of a regency.
#[derive(Serialize)]
struct RegencyFile<'a> {
    versi: u32,
    kabupaten_kota: &'a str,
    program: Vec<ProgramRow<'a>>,
}

/// `program.json` of a province.
#[derive(Serialize)]
struct ProvinceFile<'a> {
    versi: u32,
    provinsi: &'a str,
    program: Vec<ProgramRow<'a>>,
}

/// A regency's `program.csv` and `program.json`.
pub fn regency_files(export: &Export) -> Vec<OutputFile> {
    let rows: Vec<ProgramRow> = export
        .programs
        .iter()
        .map(|p| ProgramRow::of(p, None))
        .collect();
    let csv = csv(&COLUMNS, &rows);
    let json = pretty_json(
        &RegencyFile {
            versi: OPEN_DATA_VERSION,
            kabupaten_kota: &export.site.name,
            program: rows,
        },
        4096 + export.programs.len() * 1024,
    );
    vec![
        OutputFile::text(CSV_FILE, csv),
        OutputFile::text(JSON_FILE, json),
    ]
}

/// The province's `program.csv` and `program.json`: the programs of every regency in
/// `exports` (in `province.yaml` order), each row naming its regency.
pub fn province_files(province_name: &str, exports: &[&Export]) -> Vec<OutputFile> {
    let rows: Vec<ProgramRow> = exports
        .iter()
        .flat_map(|e| {
            e.programs
                .iter()
                .map(|p| ProgramRow::of(p, Some(e.site.name.as_str())))
        })
        .collect();
    let mut columns = vec![REGENCY_COLUMN];
    columns.extend(COLUMNS);
    let csv = csv(&columns, &rows);
    let count = rows.len();
    let json = pretty_json(
        &ProvinceFile {
            versi: OPEN_DATA_VERSION,
            provinsi: province_name,
            program: rows,
        },
        4096 + count * 1024,
    );
    vec![
        OutputFile::text(CSV_FILE, csv),
        OutputFile::text(JSON_FILE, json),
    ]
}

/// The UTF-8 byte order mark: Excel on Windows reads a CSV file as UTF-8 only when it starts
/// with one (otherwise in the Windows code page, and `é` or `’` come out garbled).
const BOM: char = '\u{feff}';

/// The CSV text of `rows` under the header `columns`.
fn csv(columns: &[&str], rows: &[ProgramRow]) -> String {
    let mut out = String::with_capacity(256 + rows.len() * 512);
    out.push(BOM);
    push_record(&mut out, columns.iter().map(|c| c.to_string()));
    for row in rows {
        push_record(&mut out, row.cells());
    }
    out
}

/// Appends one RFC 4180 record (ended by CRLF).
fn push_record(out: &mut String, cells: impl IntoIterator<Item = String>) {
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&csv_field(&cell));
    }
    out.push_str("\r\n");
}

/// One field of a CSV record: quoted (its quotes doubled) when it holds a comma, a quote or a
/// line break. Text that a spreadsheet would take for a formula (starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return) is kept text by a leading `'`, so a title written to look
/// like a formula never runs when the file is opened; `program.json` keeps the text as written.
fn csv_field(value: &str) -> String {
    let guarded;
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        guarded = format!("'{value}");
        guarded.as_str()
    } else {
        value
    };
    if value.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_they_need_it() {
        assert_eq!(csv_field("Nagari Digital"), "Nagari Digital");
        assert_eq!(
            csv_field("Dinas Koperasi, UKM dan Perdagangan"),
            "\"Dinas Koperasi, UKM dan Perdagangan\""
        );
        assert_eq!(
            csv_field("Program \"Satu Data\""),
            "\"Program \"\"Satu Data\"\"\""
        );
        assert_eq!(
            csv_field("baris satu\nbaris dua"),
            "\"baris satu\nbaris dua\""
        );
        assert_eq!(csv_field("Jum’at Café"), "Jum’at Café");
        assert_eq!(csv_field(""), "");
    }

    #[test]
    fn text_that_looks_like_a_formula_stays_text() {
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("+62 751"), "'+62 751");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("2022"), "2022");
    }

    #[test]
    fn indicators_read_as_one_cell() {
        let indicators = [
            IndicatorRow {
                nama: "OPD yang menyetor data",
                target: "40 OPD",
                capaian: Some("26 OPD"),
            },
            IndicatorRow {
                nama: "Set data terbuka",
                target: "300",
                capaian: None,
            },
        ];
        assert_eq!(
            indicator_cell(&indicators),
            "OPD yang menyetor data: target 40 OPD, capaian 26 OPD; Set data terbuka: target 300"
        );
        assert_eq!(indicator_cell(&[]), "");
    }
}
