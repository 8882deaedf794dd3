//! The programs as open data: `program.csv` and `program.json` of the sample regencies and the
//! sample province, read as a spreadsheet and a script would read them.

mod common;

use std::path::{Path, PathBuf};

use common::{assert_ok, cerdas_in, read};

/// The columns of a regency's `program.csv`.
const COLUMNS: [&str; 12] = [
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

/// Builds `folder` (relative to the repository) into a temp dir; returns the dir and output.
fn build(folder: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    assert_ok(&cerdas_in(
        dir.path(),
        &[
            "build",
            &src.to_string_lossy(),
            "-o",
            &out.to_string_lossy(),
            // Keep the picture cache out of the repository's sample folder.
            "--cache-dir",
            &dir.path().join("cache").to_string_lossy(),
        ],
    ));
    (dir, out)
}

/// An RFC 4180 reader: records of fields, `"` quoting with `""` for a quote, commas and line
/// breaks inside quotes kept, records ended by CRLF (or LF).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' => {
                assert!(
                    field.is_empty(),
                    "a quote inside an unquoted field: {field}"
                );
                quoted = true;
            }
            ',' => record.push(std::mem::take(&mut field)),
            '\r' | '\n' => {
                if c == '\r' {
                    assert_eq!(chars.next(), Some('\n'), "a CR outside quotes is a CRLF");
                }
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            c => field.push(c),
        }
    }
    assert!(!quoted, "the file ends inside a quoted field");
    assert!(
        field.is_empty() && record.is_empty(),
        "the last record has no line end"
    );
    records
}

/// `program.csv` under `out`: checks the byte order mark and the header, returns the rows as
/// maps from column to value.
fn read_csv(out: &Path, columns: &[&str]) -> Vec<std::collections::HashMap<String, String>> {
    let bytes = std::fs::read(out.join("program.csv")).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "program.csv starts with the UTF-8 byte order mark"
    );
    let text = String::from_utf8(bytes[3..].to_vec()).expect("program.csv is UTF-8");
    let records = parse_csv(&text);
    assert_eq!(records[0], columns, "the header row");
    records[1..]
        .iter()
        .map(|r| {
            assert_eq!(r.len(), columns.len(), "every row has every column: {r:?}");
            columns
                .iter()
                .map(|c| c.to_string())
                .zip(r.iter().cloned())
                .collect()
        })
        .collect()
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&read(path)).unwrap()
}

/// How many programs a sample regency has (one file each in `program/`).
fn program_files(regency: &str) -> usize {
    std::fs::read_dir(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("content-sample")
            .join(regency)
            .join("program"),
    )
    .unwrap()
    .flatten()
    .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
    .count()
}

#[test]
fn a_sample_regency_publishes_its_programs_as_csv_and_json() {
    let (_dir, out) = build("content-sample/kota-padang");
    let rows = read_csv(&out, &COLUMNS);
    assert_eq!(rows.len(), program_files("kota-padang"));
    let row = rows
        .iter()
        .find(|r| r["slug"] == "padang-command-center")
        .expect("the command center's row");
    let expected = [
        ("program", "Pusat Kendali Kota (Command Center)"),
        (
            "alamat",
            "https://smartcity.padang.example.go.id/program/padang-command-center/",
        ),
        ("dimensi", "smart-governance"),
        ("opd", "Dinas Komunikasi dan Informatika"),
        ("status", "berjalan"),
        ("quick_win", "ya"),
        ("tahun_mulai", "2018"),
        ("tahun_selesai", "2021"),
        ("anggaran", "1200000000"),
        (
            "indikator",
            "Sumber data yang terhubung: target 20, capaian 12",
        ),
        (
            "ringkasan",
            "Satu ruang pemantauan data kota: lalu lintas, pengaduan warga dan kebencanaan.",
        ),
    ];
    for (column, value) in expected {
        assert_eq!(row[column], value, "column {column}");
    }
    // The address is the program's page.
    assert!(
        out.join("program/padang-command-center/index.html")
            .is_file()
    );

    let data = json(&out.join("program.json"));
    assert_eq!(data["versi"], 1);
    assert_eq!(data["kabupaten_kota"], "Kota Padang");
    let programs = data["program"].as_array().unwrap();
    assert_eq!(programs.len(), rows.len());
    let p = programs
        .iter()
        .find(|p| p["slug"] == "padang-command-center")
        .unwrap();
    assert_eq!(
        p,
        &serde_json::json!({
            "program": "Pusat Kendali Kota (Command Center)",
            "slug": "padang-command-center",
            "alamat": "https://smartcity.padang.example.go.id/program/padang-command-center/",
            "dimensi": "smart-governance",
            "opd": "Dinas Komunikasi dan Informatika",
            "status": "berjalan",
            "quick_win": true,
            "tahun_mulai": 2018,
            "tahun_selesai": 2021,
            "anggaran": 1200000000u64,
            "indikator": [{ "nama": "Sumber data yang terhubung", "target": "20", "capaian": "12" }],
            "ringkasan": "Satu ruang pemantauan data kota: lalu lintas, pengaduan warga dan kebencanaan."
        })
    );
    // Every CSV row is a JSON object, in the same order.
    for (row, p) in rows.iter().zip(programs) {
        assert_eq!(row["program"], p["program"].as_str().unwrap());
        assert_eq!(row["alamat"], p["alamat"].as_str().unwrap());
        assert_eq!(
            row["anggaran"],
            p["anggaran"].to_string().replace("null", "")
        );
    }

    let list = read(&out.join("program/index.html"));
    assert!(
        list.contains(
            r#"Unduh data program: <a href="/program.csv" type="text/csv">CSV</a> · <a href="/program.json" type="application/json">JSON</a>"#
        ),
        "the program list links the open data"
    );
    // Files, not pages: the sitemap lists neither.
    let sitemap = read(&out.join("sitemap.xml"));
    assert!(!sitemap.contains("program.csv") && !sitemap.contains("program.json"));
    let headers = read(&out.join("_headers"));
    assert!(headers.contains("/program.csv\n  Content-Type: text/csv; charset=utf-8\n"));
    assert!(read(&out.join(".htaccess")).contains("AddCharset utf-8 .csv"));
}

#[test]
fn the_sample_province_publishes_every_regencys_programs_with_its_name() {
    let (_dir, out) = build("content-sample");
    let mut columns = vec!["kabupaten_kota"];
    columns.extend(COLUMNS);
    let rows = read_csv(&out, &columns);
    let regencies = [
        ("agam", "Kabupaten Agam"),
        ("padang-pariaman", "Kabupaten Padang Pariaman"),
        ("kota-solok", "Kota Solok"),
        ("kota-padang", "Kota Padang"),
        ("solok-selatan", "Kabupaten Solok Selatan"),
    ];
    let total: usize = regencies.iter().map(|(f, _)| program_files(f)).sum();
    assert_eq!(rows.len(), total);
    for (folder, name) in regencies {
        assert_eq!(
            rows.iter().filter(|r| r["kabupaten_kota"] == name).count(),
            program_files(folder),
            "{name}'s programs"
        );
        // Each regency's own files, under its folder, without the regency column.
        read_csv(&out.join(folder), &COLUMNS);
        assert!(out.join(folder).join("program.json").is_file());
    }
    // Regencies in province.yaml order.
    assert_eq!(rows[0]["kabupaten_kota"], "Kabupaten Agam");
    let agam = rows.iter().find(|r| r["slug"] == "satu-data-agam").unwrap();
    assert_eq!(agam["kabupaten_kota"], "Kabupaten Agam");
    assert_eq!(
        agam["alamat"],
        "https://smartprovince.sumbarprov.example.go.id/agam/program/satu-data-agam/"
    );
    assert_eq!(agam["opd"], "Dinas Komunikasi, Informatika dan Statistik");
    assert_eq!(
        agam["indikator"],
        "OPD yang menyetor data sektoral: target 40 OPD, capaian 26 OPD; Set data terbuka di portal data: target 300, capaian 145"
    );
    assert_eq!(agam["tahun_selesai"], "2024");

    let data = json(&out.join("program.json"));
    assert_eq!(data["provinsi"], "Provinsi Sumatera Barat");
    let programs = data["program"].as_array().unwrap();
    assert_eq!(programs.len(), total);
    let p = programs
        .iter()
        .find(|p| p["slug"] == "satu-data-agam")
        .unwrap();
    assert_eq!(p["kabupaten_kota"], "Kabupaten Agam");
    assert_eq!(p["anggaran"], 350000000);
    assert_eq!(p["indikator"][1]["capaian"], "145");

    let progress = read(&out.join("progres/index.html"));
    assert!(progress.contains(
        r#"<a href="/program.csv" type="text/csv">CSV</a> · <a href="/program.json" type="application/json">JSON</a>"#
    ));
    let agam_list = read(&out.join("agam/program/index.html"));
    assert!(agam_list.contains(r#"<a href="/agam/program.csv" type="text/csv">CSV</a>"#));
}

#[test]
fn quotes_commas_line_breaks_and_accents_survive_and_formulas_stay_text() {
    let (_dir, out) = build("tests/fixtures/opendata");
    let rows = read_csv(&out, &COLUMNS);
    let jumat = rows.iter().find(|r| r["slug"] == "jumat-keliling").unwrap();
    assert_eq!(
        jumat["program"],
        "Layanan \"Jum’at Keliling\", Kafé Literasi"
    );
    assert_eq!(
        jumat["ringkasan"],
        "Baris pertama, dengan koma.\nBaris kedua: \"kutipan\" dan é."
    );
    assert_eq!(
        jumat["indikator"],
        "Kecamatan yang dikunjungi; tiap Jum’at: target 12 kecamatan, capaian 12 kecamatan; Peserta: target 1500"
    );
    assert_eq!(jumat["opd"], "Dinas Komunikasi dan Informatika");
    let aduan = rows.iter().find(|r| r["slug"] == "aduan").unwrap();
    assert_eq!(aduan["program"], "'+62 Layanan Aduan Warga");
    assert_eq!(aduan["ringkasan"], "'=1+1 bukan rumus.");
    assert_eq!(aduan["tahun_selesai"], "");
    assert_eq!(aduan["anggaran"], "");
    assert_eq!(aduan["indikator"], "");

    // The JSON has the text as written.
    let data = json(&out.join("program.json"));
    let programs = data["program"].as_array().unwrap();
    let aduan = programs.iter().find(|p| p["slug"] == "aduan").unwrap();
    assert_eq!(aduan["program"], "+62 Layanan Aduan Warga");
    assert_eq!(aduan["tahun_selesai"], serde_json::Value::Null);
    assert_eq!(aduan["anggaran"], serde_json::Value::Null);
    assert_eq!(aduan["indikator"], serde_json::json!([]));
    let jumat = programs
        .iter()
        .find(|p| p["slug"] == "jumat-keliling")
        .unwrap();
    assert_eq!(
        jumat["indikator"][1],
        serde_json::json!({ "nama": "Peserta", "target": "1500", "capaian": null })
    );
}

#[test]
fn a_static_file_may_not_take_the_open_data_names() {
    let site = common::TestSite::new().file("static/program.csv", "a,b\r\n");
    let out = site.build();
    let err = common::assert_fails_at(&site, &out, "static/program.csv");
    assert!(err.contains("menimpa berkas yang dibuat cerdas: /program.csv"));
}
