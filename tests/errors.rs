//! Every kind of content mistake is an error naming the file and line, and writes nothing.

mod common;

use common::*;

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
    let err = assert_fails_at(&site, &site.build(), "berita/kedua.md:6:1");
    assert!(err.contains("kunci tidak dikenal: `tittle`"), "{err}");
    assert!(err.contains("mungkin maksud Anda `title`?"), "{err}");
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
    let err = assert_fails_at(&site, &site.build(), "berita/kedua.md:6:12");
    assert!(
        err.contains("program `satu-dta` tidak ada di folder program/"),
        "{err}"
    );
    assert!(err.contains("`satu-data`"), "{err}");
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
