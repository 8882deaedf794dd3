//! Every kind of content mistake is an error naming the file and line, and writes nothing.

mod common;

use common::*;

/// Builds `site` in Indonesian and in English, asserts both fail at `location` and write
/// nothing, and returns both messages.
fn fails_in_both_languages(site: &TestSite, location: &str) -> (String, String) {
    let id = assert_fails_at(site, &site.build(), location);
    let en = assert_fails_at(site, &site.build_en(), location);
    (id, en)
}

/// A news item whose front matter is `lines` (the title, date and author lines included).
fn news_with(lines: &str) -> String {
    format!("---\n{lines}---\nIsi.\n")
}

#[test]
fn valid_minimal_site_builds() {
    let site = TestSite::new();
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        site.read("berita/pertama/index.html")
            .contains("Senin, 15 Agustus 2022")
    );
}

#[test]
fn unknown_key_is_reported_with_a_suggestion() {
    let site = TestSite::new().file(
        "berita/kedua.md",
        &news("Kedua", "2022-08-16", "tittle: salah\n"),
    );
    let (id, en) = fails_in_both_languages(&site, "berita/kedua.md:6:1");
    assert!(id.contains("kunci tidak dikenal: `tittle`"), "{id}");
    assert!(id.contains("6 | tittle: salah\n  | ^^^^^^\n"), "{id}");
    assert!(id.contains("mungkin maksud Anda `title`?"), "{id}");
    assert!(en.contains("error: unknown key: `tittle`"), "{en}");
    assert!(en.contains("help: did you mean `title`?"), "{en}");
}

#[test]
fn wrong_type_is_reported() {
    let site = TestSite::new().file(
        "berita/kedua.md",
        &news("Kedua", "2022-08-16", "draft: mungkin\n"),
    );
    let err = assert_fails_at(&site, &site.build(), "berita/kedua.md:6:8");
    assert!(err.contains("jenis nilai salah"), "{err}");
}

#[test]
fn impossible_date_is_reported_at_the_value() {
    let site = TestSite::new().file("berita/kedua.md", &news("Kedua", "2022-02-30", ""));
    let err = assert_fails_at(&site, &site.build(), "berita/kedua.md:3:7");
    assert!(
        err.contains("tanggal tidak valid: 2022-02-30 (Februari 2022 hanya 28 hari)"),
        "{err}"
    );
    assert!(
        err.contains("saran: tulis tanggal sebagai YYYY-MM-DD"),
        "{err}"
    );
}

#[test]
fn unknown_dimension_suggests_the_nearest() {
    let text = "---\ntitle: A\ndate: 2022-08-16\nauthor: Humas\ndimensions: [smart-govermance]\n---\nIsi.\n";
    let site = TestSite::new().file("berita/kedua.md", text);
    let err = assert_fails_at(&site, &site.build(), "berita/kedua.md:5:14");
    assert!(
        err.contains("dimensi tidak dikenal: `smart-govermance`"),
        "{err}"
    );
    assert!(
        err.contains("mungkin maksud Anda `smart-governance`?"),
        "{err}"
    );
}

#[test]
fn program_slug_without_a_program_page_is_reported() {
    let site = TestSite::new().file(
        "berita/kedua.md",
        &news("Kedua", "2022-08-16", "programs: [satu-dta]\n"),
    );
    let (id, en) = fails_in_both_languages(&site, "berita/kedua.md:6:12");
    assert!(
        id.contains("program `satu-dta` tidak ada di folder program/"),
        "{id}"
    );
    assert!(
        id.contains("6 | programs: [satu-dta]\n  |            ^^^^^^^^\n"),
        "{id}"
    );
    assert!(id.contains("`satu-data`"), "{id}");
    assert!(
        en.contains("error: program `satu-dta` does not exist in the program/ folder"),
        "{en}"
    );
    assert!(en.contains("help: did you mean `satu-data`?"), "{en}");
}

#[test]
fn cover_without_alt_text_is_reported() {
    let site = TestSite::new()
        .file(
            "berita/foto/index.md",
            &news("Foto", "2022-08-16", "cover: sampul.jpg\n"),
        )
        .bytes("berita/foto/sampul.jpg", &jpeg_photo(800, 450));
    let err = assert_fails_at(&site, &site.build(), "berita/foto/index.md:6:1");
    assert!(
        err.contains("tidak punya teks alternatif (`cover_alt`)"),
        "{err}"
    );
}

#[test]
fn two_files_with_the_same_url_are_reported() {
    let site = TestSite::new().file("berita/pertama/index.md", &news("Lagi", "2022-08-16", ""));
    let err = assert_fails_at(&site, &site.build(), "berita/pertama.md:1:1");
    assert!(
        err.contains(
            "berkas ini dan berita/pertama/index.md sama-sama menjadi halaman /berita/pertama/"
        ),
        "{err}"
    );
}

#[test]
fn broken_link_to_another_file_is_reported_at_its_line() {
    let text =
        "---\ntitle: A\ndate: 2022-08-16\nauthor: Humas\n---\nSatu.\n\nBaca [ini](hilang.md).\n";
    let site = TestSite::new().file("berita/kedua.md", text);
    let err = assert_fails_at(&site, &site.build(), "berita/kedua.md:8:6");
    assert!(
        err.contains("tautan ke berkas yang tidak ada: `hilang.md`"),
        "{err}"
    );
}

#[test]
fn every_error_of_a_build_is_reported_together() {
    let site = TestSite::new()
        .file("berita/a.md", &news("A", "2022-13-01", ""))
        .file(
            "program/b.md",
            "---\ntitle: B\ndimension: smart-city\n---\n",
        );
    let out = site.build();
    let err = assert_fails_at(&site, &out, "berita/a.md:3:7");
    assert!(err.contains("--> program/b.md:3:12"), "{err}");
    assert!(
        err.contains("2 galat ditemukan; tidak ada berkas yang ditulis."),
        "{err}"
    );
}

#[test]
fn english_messages_with_lang_en() {
    let site = TestSite::new().file("berita/kedua.md", &news("Kedua", "2022-02-30", ""));
    let out = site.run(&["--lang", "en", "build", "site", "-o", "public"]);
    let err = stderr(&out);
    assert!(
        err.contains("error: invalid date: 2022-02-30 (February 2022 has only 28 days)"),
        "{err}"
    );
}

#[test]
fn a_failed_build_leaves_the_previous_output_whole() {
    let site = TestSite::new();
    assert!(site.build().status.success());
    let before = site.read("index.html");
    let site = site.file("berita/rusak.md", "---\ntitle: [\n---\n");
    let out = site.build();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(site.read("index.html"), before);
    assert!(
        site.read("berita/pertama/index.html")
            .contains("Berita Pertama")
    );
}

#[test]
fn output_inside_the_content_folder_is_refused() {
    let site = TestSite::new();
    let out = site.run(&["build", "site", "-o", "site/public"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out)
            .contains("tidak boleh sama dengan, berada di dalam, atau memuat folder konten")
    );
    assert!(!site.root().join("public").exists());
    let out = site.run(&["build", "site", "-o", "."]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "an output folder holding the content is refused"
    );
}

#[test]
fn a_folder_cerdas_did_not_write_is_never_replaced() {
    let site = TestSite::new();
    std::fs::create_dir_all(site.out()).unwrap();
    std::fs::write(site.out().join("penting.txt"), "jangan dihapus").unwrap();
    let out = site.build();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("tidak dibuat oleh cerdas"));
    assert_eq!(read(&site.out().join("penting.txt")), "jangan dihapus");
}

#[test]
fn a_link_copied_into_a_bundle_gets_the_working_path_suggested() {
    let body =
        "---\ntitle: A\ndate: 2022-08-16\nauthor: Humas\n---\nLihat [pertama](pertama.md).\n";
    let site = TestSite::new().file("berita/bundel/index.md", body);
    let err = assert_fails_at(&site, &site.build(), "berita/bundel/index.md:6:7");
    assert!(
        err.contains("mungkin maksud Anda `../pertama.md`?"),
        "{err}"
    );
}

#[test]
fn a_cover_that_is_not_a_picture_is_reported() {
    let site = TestSite::new()
        .file(
            "berita/foto/index.md",
            &news(
                "Foto",
                "2022-08-16",
                "cover: sampul.jpg\ncover_alt: \"Aula\"\n",
            ),
        )
        .file("berita/foto/sampul.jpg", "ini bukan foto");
    let err = assert_fails_at(&site, &site.build(), "berita/foto/index.md:6:8");
    assert!(
        err.contains("sampul.jpg: berkas ini bukan gambar JPEG, PNG, GIF, WebP atau SVG"),
        "{err}"
    );
}

#[test]
fn a_cut_short_photo_is_reported() {
    let site = TestSite::new()
        .file("berita/foto/index.md", &news("Foto", "2022-08-16", "cover: sampul.jpg\ncover_alt: \"Aula\"\nphotos:\n  - src: dua.jpg\n    caption: \"Peserta\"\n"))
        .bytes("berita/foto/sampul.jpg", &jpeg_photo(800, 450))
        .bytes("berita/foto/dua.jpg", &jpeg_photo(800, 450)[..12]);
    let err = assert_fails_at(&site, &site.build(), "berita/foto/index.md:9:10");
    assert!(
        err.contains("dua.jpg: gambar rusak atau terpotong"),
        "{err}"
    );
}

#[test]
fn an_svg_logo_with_script_is_refused() {
    let yaml = format!("{SITE_YAML}logo: logo.svg\n");
    let site = TestSite::new().file("site.yaml", &yaml).file(
        "static/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
    );
    let err = assert_fails_at(&site, &site.build(), "site.yaml:9:7");
    assert!(
        err.contains("logo logo.svg: gambar SVG ini memuat skrip"),
        "{err}"
    );
}

#[test]
fn a_folder_without_site_yaml_says_what_to_point_at() {
    let site = TestSite::new();
    std::fs::create_dir_all(site.dir.path().join("kosong")).unwrap();
    let out = site.run(&["build", "kosong", "-o", "public"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("kosong/site.yaml")
            && err.contains("site.yaml (satu kabupaten/kota) atau province.yaml (provinsi)"),
        "{err}"
    );
    assert!(!site.out().exists());
}

// Issue 14, item 4: mistakes of people who save Markdown in Notepad or Word.

#[test]
fn issue_14_a_windows_1252_file_names_the_byte_and_how_to_save_as_utf8() {
    let text =
        b"---\ntitle: \x93Rapat Koordinasi\x94\ndate: 2022-08-16\nauthor: Humas\n---\nIsi.\n";
    let site = TestSite::new().bytes("berita/ansi.md", text);
    let (id, en) = fails_in_both_languages(&site, "berita/ansi.md:2:8");
    assert!(
        id.contains("galat: berkas ini tidak disimpan sebagai UTF-8: byte 0x93 di baris 2 kolom 8 bukan UTF-8. Sepertinya berkas disimpan sebagai Windows-1252 (ANSI); byte itu kemungkinan tanda kutip pembuka “"),
        "{id}"
    );
    assert!(
        id.contains("2 | title: �Rapat Koordinasi�\n  |        ^\n"),
        "{id}"
    );
    assert!(
        id.contains("Berkas > Simpan Sebagai > Pengodean: UTF-8"),
        "{id}"
    );
    assert!(
        !id.contains("berhak membukanya"),
        "not a permissions problem: {id}"
    );
    assert!(
        en.contains("byte 0x93 at line 2 column 8 is not UTF-8"),
        "{en}"
    );
    assert!(en.contains("probably the opening quote “"), "{en}");
    assert!(en.contains("File > Save As > Encoding: UTF-8"), "{en}");
}

#[test]
fn issue_14_a_utf16_file_with_bom_from_notepad_builds() {
    let text = "---\r\ntitle: \"Sosialisasi Satu Data Uji\"\r\ndate: 2022-08-16\r\nauthor: Humas\r\n---\r\nPeserta dari 40 OPD hadir.\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let site = TestSite::new().bytes("berita/unicode.md", &bytes).bytes(
        "site.yaml",
        &[b"\xEF\xBB\xBF", SITE_YAML.as_bytes()].concat(),
    );
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let page = site.read("berita/unicode/index.html");
    assert!(page.contains("Sosialisasi Satu Data Uji"), "{page}");
    assert!(page.contains("Peserta dari 40 OPD hadir."), "{page}");
}

#[test]
fn issue_14_a_colon_in_an_unquoted_title_asks_for_quotes() {
    let site = TestSite::new().file(
        "berita/rapat.md",
        &news_with("title: Rapat: Tahap II\ndate: 2022-08-16\nauthor: Humas\n"),
    );
    let (id, en) = fails_in_both_languages(&site, "berita/rapat.md:2:13");
    assert!(
        id.contains("galat: title: teks yang memuat titik dua (`:`) harus diapit tanda kutip"),
        "{id}"
    );
    assert!(
        id.contains("2 | title: Rapat: Tahap II\n  |             ^\n"),
        "{id}"
    );
    assert!(
        id.contains(
            "saran: apit seluruh nilainya dengan tanda kutip ganda: `title: \"Rapat: Tahap II\"`"
        ),
        "{id}"
    );
    assert!(
        en.contains("error: title: text that contains a colon (`:`) must be in quotes"),
        "{en}"
    );
    assert!(
        en.contains("help: put the whole value in double quotes: `title: \"Rapat: Tahap II\"`"),
        "{en}"
    );
}

#[test]
fn issue_14_a_key_indented_under_a_title_is_reported_on_its_own_line() {
    let site = TestSite::new().file(
        "berita/menjorok.md",
        &news_with("title: Rapat Koordinasi\n  author: Humas\ndate: 2022-08-16\n"),
    );
    let (id, en) = fails_in_both_languages(&site, "berita/menjorok.md:3:3");
    assert!(
        id.contains("galat: kunci `author` menjorok ke dalam di bawah `title`, padahal `title` sudah berisi nilai"),
        "{id}"
    );
    assert!(id.contains("3 |   author: Humas\n  |   ^^^^^^\n"), "{id}");
    assert!(
        id.contains("agar `author` sejajar dengan `title` (tanpa spasi di depannya)"),
        "{id}"
    );
    assert!(
        en.contains(
            "error: the key `author` is indented under `title`, but `title` already has a value"
        ),
        "{en}"
    );
}

#[test]
fn issue_14_a_key_indented_by_one_space_is_reported_at_that_key() {
    let site = TestSite::new().file(
        "berita/satu-spasi.md",
        &news_with(
            "title: \"Rapat\"\ndate: 2022-08-16\n author: Humas\ndimensions: [smart-governance]\n",
        ),
    );
    let (id, en) = fails_in_both_languages(&site, "berita/satu-spasi.md:4:2");
    assert!(id.contains("4 |  author: Humas\n  |  ^^^^^^\n"), "{id}");
    assert!(
        id.contains("kunci `author` menjorok ke dalam di bawah `date`"),
        "{id}"
    );
    assert!(
        en.contains("remove the spaces at the start of this line so `author` lines up with `date`"),
        "{en}"
    );
}

#[test]
fn issue_14_a_key_between_two_levels_is_reported_at_that_key() {
    let site = TestSite::new().file(
        "berita/acara.md",
        &news_with("title: \"Rapat\"\ndate: 2022-08-16\nauthor: Humas\nevent:\n  kind: rapat\n stage: \"Tahap II\"\n"),
    );
    let (id, en) = fails_in_both_languages(&site, "berita/acara.md:7:2");
    assert!(
        id.contains(
            "kunci `stage` tidak sejajar dengan kunci mana pun di atasnya (menjorok 1 spasi)"
        ),
        "{id}"
    );
    assert!(en.contains("line `stage` up with `kind` (2 spaces from the left edge) or with `event` (no spaces before it)"), "{en}");
}

#[test]
fn issue_14_a_date_written_the_indonesian_way_gets_its_iso_form() {
    for (written, column) in [
        ("15/08/2022", 7),
        ("15 Agustus 2022", 7),
        ("15 Agu 2022", 7),
    ] {
        let site = TestSite::new().file("berita/tanggal.md", &news("Tanggal", written, ""));
        let (id, en) = fails_in_both_languages(&site, &format!("berita/tanggal.md:3:{column}"));
        assert!(
            id.contains(&format!("galat: tanggal tidak valid: {written}")),
            "{id}"
        );
        assert!(
            id.contains(
                "saran: tulis tanggal sebagai YYYY-MM-DD (tahun-bulan-tanggal): 2022-08-15"
            ),
            "{id}"
        );
        assert!(
            en.contains("help: write the date as YYYY-MM-DD (year-month-day): 2022-08-15"),
            "{en}"
        );
    }
}

#[test]
fn issue_14_a_list_written_as_text_shows_the_fixed_line() {
    let site = TestSite::new().file(
        "berita/daftar.md",
        &news_with("title: \"Rapat\"\ndate: 2022-08-16\nauthor: Humas\ndimensions: smart-governance, smart-society\n"),
    );
    let (id, en) = fails_in_both_languages(&site, "berita/daftar.md:5:13");
    assert!(id.contains("galat: dimensions: daftar ditulis sebagai teks biasa; daftar harus diapit kurung siku [ ]"), "{id}");
    assert!(
        id.contains("5 | dimensions: smart-governance, smart-society\n  |             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"),
        "{id}"
    );
    assert!(
        id.contains("saran: tulis `dimensions: [smart-governance, smart-society]`"),
        "{id}"
    );
    assert!(
        en.contains("help: write `dimensions: [smart-governance, smart-society]`"),
        "{en}"
    );
    let site = TestSite::new().file(
        "berita/daftar.md",
        &news_with("title: \"Rapat\"\ndate: 2022-08-16\nauthor: Humas\ntags: Bimtek, UMKM\n"),
    );
    let (id, _) = fails_in_both_languages(&site, "berita/daftar.md:5:7");
    assert!(id.contains("`tags: [Bimtek, UMKM]`"), "{id}");
}

#[test]
fn issue_14_a_tab_in_the_indentation_is_pointed_at() {
    let site = TestSite::new().file(
        "berita/tab.md",
        &news_with("title: \"Rapat\"\ndate: 2022-08-16\nauthor: Humas\nevent:\n\tkind: rapat\n"),
    );
    let (id, en) = fails_in_both_languages(&site, "berita/tab.md:6:1");
    assert!(
        id.contains("galat: tab tidak boleh dipakai untuk indentasi di YAML; pakai spasi"),
        "{id}"
    );
    assert!(id.contains("6 | \tkind: rapat\n  | ^\n"), "{id}");
    assert!(
        en.contains("error: tabs are not allowed for indentation in YAML; use spaces"),
        "{en}"
    );
}

#[test]
fn issue_14_curly_quotes_from_word_ask_for_plain_quotes() {
    let site = TestSite::new().file(
        "berita/word.md",
        &news_with("title: “Rapat Koordinasi”\ndate: 2022-08-16\nauthor: Humas\n"),
    );
    let (id, en) = fails_in_both_languages(&site, "berita/word.md:2:8");
    assert!(id.contains("galat: title: nilai diapit tanda kutip melengkung “ ” (dari Word); YAML hanya mengenal tanda kutip lurus \""), "{id}");
    assert!(
        id.contains("2 | title: “Rapat Koordinasi”\n  |        ^\n"),
        "{id}"
    );
    assert!(
        id.contains("ganti dengan tanda kutip lurus: `title: \"Rapat Koordinasi\"`"),
        "{id}"
    );
    assert!(
        en.contains("help: use straight quotes: `title: \"Rapat Koordinasi\"`"),
        "{en}"
    );
}

#[test]
fn issue_14_check_format_json_prints_the_diagnostics_as_json() {
    let site = TestSite::new().file(
        "berita/rapat.md",
        &news_with("title: Rapat: Tahap II\ndate: 2022-08-16\nauthor: Humas\n"),
    );
    let out = site.run(&["check", "site", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    let d = &json[0];
    assert_eq!(json.as_array().map(Vec::len), Some(1), "{json}");
    assert_eq!(d["file"], "berita/rapat.md");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(2), Some(13))
    );
    assert_eq!(d["severity"], "error");
    assert_eq!(
        d["message"]["en"],
        "title: text that contains a colon (`:`) must be in quotes"
    );
    assert!(
        d["message"]["id"]
            .as_str()
            .is_some_and(|m| m.contains("titik dua")),
        "{d}"
    );
    assert!(
        d["hint"]["id"]
            .as_str()
            .is_some_and(|h| h.contains("`title: \"Rapat: Tahap II\"`")),
        "{d}"
    );
    assert_eq!(d["source_line"], "title: Rapat: Tahap II");
    let fine = TestSite::new().run(&["check", "site", "--format", "json"]);
    assert!(fine.status.success(), "{}", stderr(&fine));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&fine.stdout).ok(),
        Some(serde_json::json!([]))
    );
}
