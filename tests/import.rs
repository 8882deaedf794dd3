//! What a humas team sees when it brings its WordPress portal along (issue 18): `cerdas init`,
//! `cerdas import wordpress` of a hand-made export, then `cerdas build` with exit 0, the news
//! page with its title and photo, the old addresses in the hosting files, a second import
//! that changes nothing, and nothing written outside the site folder.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::Output;

use common::{assert_ok, cerdas_in, jpeg_photo, read, snapshot, stderr};

const EXPORT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/wordpress/portal.xml"
);

/// The names directly in `dir`.
fn names(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .expect("read dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

/// A site made by `cerdas init` and a copy of `wp-content/uploads` with two photos and a
/// document (the export also names a photo that is not there).
fn setup(root: &Path) {
    assert_ok(&cerdas_in(
        root,
        &["init", "situs", "--name", "Kabupaten Uji"],
    ));
    let up = root.join("uploads");
    fs::create_dir_all(up.join("2022/08")).expect("mkdir");
    fs::create_dir_all(up.join("2022/09")).expect("mkdir");
    fs::write(up.join("2022/08/aula.jpg"), jpeg_photo(900, 600)).expect("photo");
    fs::write(up.join("2022/09/peserta.jpg"), jpeg_photo(640, 480)).expect("photo");
    fs::write(up.join("2022/08/materi.pdf"), b"%PDF-1.4\n%%EOF\n").expect("pdf");
}

fn import(root: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "import",
        "wordpress",
        EXPORT,
        "situs",
        "--uploads",
        "uploads",
    ];
    args.extend_from_slice(extra);
    cerdas_in(root, &args)
}

#[test]
fn issue_18_a_wordpress_portal_imports_builds_and_keeps_its_old_links() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path();
    setup(root);
    let tentang = read(&root.join("situs/halaman/tentang.md"));

    let first = import(root, &[]);
    let summary = assert_ok(&first);
    let report = stderr(&first);
    assert!(
        summary.contains("3 berita, 1 draft, 3 halaman"),
        "{summary}"
    );
    assert!(summary.contains("1 foto tidak ditemukan"), "{summary}");
    assert!(
        summary.contains("comment 2")
            && summary.contains("nav_menu_item 1")
            && summary.contains("revision 1"),
        "{summary}"
    );
    // Items needing a person, by WordPress ID and title.
    assert!(
        report.contains("#11 Peluncuran Aplikasi Satu Data"),
        "{report}"
    );
    assert!(report.contains("2021/01/hilang.jpg"), "{report}");
    assert!(report.contains("[contact-form-7]"), "{report}");
    assert!(
        report.contains("#22 Tentang") && report.contains("--replace"),
        "{report}"
    );
    // The page that was already there is not overwritten.
    assert_eq!(read(&root.join("situs/halaman/tentang.md")), tentang);

    let site = root.join("situs");
    let news = read(&site.join("berita/sosialisasi-smart-city-tahap-ii/index.md"));
    assert!(news.contains("date: 2022-08-15T09:00:00+07:00"), "{news}");
    assert!(news.contains("author: \"Humas Diskominfo Uji\""), "{news}");
    assert!(
        news.contains("tags: [\"Berita Daerah\", \"Smart City\"]"),
        "{news}"
    );
    assert!(
        news.contains(
            "cover: \"aula.jpg\"\ncover_alt: \"Peserta sosialisasi di aula kantor bupati\""
        ),
        "{news}"
    );
    assert!(news.contains("Acara dibuka oleh Bupati."), "{news}");
    assert!(news.contains("<!-- more -->"), "{news}");
    assert!(news.contains("[sini](materi.pdf)"), "{news}");
    let draft = read(&site.join("berita/rencana-rapat-koordinasi-opd/index.md"));
    assert!(draft.contains("draft: true"), "{draft}");
    let hostile = read(&site.join("berita/etc/index.md"));
    assert!(
        hostile.contains("title: \"Rapat & Koordinasi – Tahap I\""),
        "{hostile}"
    );
    assert!(!hostile.contains("<script"), "{hostile}");
    assert!(site.join("halaman/profil-visi-misi.md").is_file());
    let block = read(&site.join("berita/peluncuran-aplikasi-satu-data/index.md"));
    assert!(!block.contains("wp:"), "{block}");
    assert!(
        block.contains("(https://www.youtube.com/watch?v=dQw4w9WgXcQ)"),
        "{block}"
    );
    assert!(
        block.contains("![Peserta mencoba aplikasi](peserta.jpg)\n\n*Peserta mencoba aplikasi*"),
        "{block}"
    );
    assert!(
        block.contains("(https://lama.uji.go.id/wp-content/uploads/2021/01/hilang.jpg)"),
        "{block}"
    );

    // Re-running the same import changes nothing.
    let before = snapshot(&site);
    let again = assert_ok(&import(root, &[]));
    assert!(again.contains("0 dibuat"), "{again}");
    assert!(again.contains("0 alamat lama dialihkan"), "{again}");
    assert_eq!(snapshot(&site), before);

    // Nothing outside the site folder: the temp dir holds what the test put there.
    assert_eq!(
        names(root),
        ["situs", "uploads"].iter().map(|s| s.to_string()).collect()
    );

    // The imported site builds, shows the news with its photo, and redirects the old links.
    assert_ok(&cerdas_in(root, &["check", "situs"]));
    assert_ok(&cerdas_in(root, &["build", "situs", "-o", "public"]));
    let public = root.join("public");
    let page = read(&public.join("berita/sosialisasi-smart-city-tahap-ii/index.html"));
    assert!(page.contains("Sosialisasi Smart City Tahap II"));
    assert!(
        page.contains("<picture") && page.contains("/gambar/aula-"),
        "cover and body photo"
    );
    assert!(
        public
            .join("berita/sosialisasi-smart-city-tahap-ii/materi.pdf")
            .is_file()
    );
    assert!(
        !public.join("berita/rencana-rapat-koordinasi-opd").exists(),
        "drafts stay unpublished"
    );
    let hostile_page = read(&public.join("berita/etc/index.html"));
    assert!(
        !hostile_page.contains("<script>alert"),
        "no script from the export"
    );

    let redirects = read(&public.join("_redirects"));
    assert!(redirects.contains(
        "/2022/08/15/sosialisasi-smart-city-tahap-ii/ /berita/sosialisasi-smart-city-tahap-ii/ 301"
    ));
    assert!(redirects.contains("/profil/visi-misi/ /profil-visi-misi/ 301"));
    assert!(redirects.contains("/category/berita-daerah/ /tag/berita-daerah/ 301"));
    assert!(
        !redirects.contains("?p="),
        "query forms are for .htaccess and nginx"
    );
    let htaccess = read(&public.join(".htaccess"));
    assert!(htaccess.contains("RewriteCond %{QUERY_STRING} (^|&)p=10(&|$)"));
    assert!(htaccess.contains("RewriteCond %{QUERY_STRING} (^|&)page_id=21(&|$)"));
    assert!(htaccess.contains(
        "RewriteRule ^2022/08/15/sosialisasi-smart-city-tahap-ii/?$ /berita/sosialisasi-smart-city-tahap-ii/ [R=301,L]"
    ));
    let stub = read(&public.join("2022/08/15/sosialisasi-smart-city-tahap-ii/index.html"));
    assert!(stub.contains("rel=\"canonical\""));
    assert!(stub.contains("url=/berita/sosialisasi-smart-city-tahap-ii/"));
    let nginx = read(&root.join("public.nginx-redirects.conf"));
    assert!(nginx.contains("\"/?p=10\" \"/berita/sosialisasi-smart-city-tahap-ii/\";"));

    // --replace overwrites the page that was kept.
    assert_ok(&import(root, &["--replace"]));
    assert!(read(&site.join("halaman/tentang.md")).contains("Tentang portal lama."));
}

#[test]
fn a_redirect_to_a_missing_page_is_an_error_on_its_line() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path();
    assert_ok(&cerdas_in(
        root,
        &["init", "situs", "--name", "Kabupaten Uji"],
    ));
    fs::write(
        root.join("situs/redirects.yaml"),
        "- from: \"/lama/\"\n  to: \"/tentang/\"\n- from: \"/2020/01/x/\"\n  to: \"/berita/tidak-ada/\"\n",
    )
    .expect("write");
    let out = cerdas_in(root, &["check", "situs"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("--> redirects.yaml:4:8"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_export_that_is_not_xml_is_refused_with_its_line() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path();
    assert_ok(&cerdas_in(
        root,
        &["init", "situs", "--name", "Kabupaten Uji"],
    ));
    fs::write(
        root.join("rusak.xml"),
        "<rss>\n<channel>\n<item><title>a</judul>\n",
    )
    .expect("write");
    let out = cerdas_in(root, &["import", "wordpress", "rusak.xml", "situs"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("rusak.xml:3:"), "{}", stderr(&out));
}

#[test]
fn issue_18_map_gives_a_category_s_news_their_dimensions_and_programs() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path();
    setup(root);
    // A program the map names that the site does not have: an error at its place, nothing written.
    fs::write(
        root.join("kategori.yaml"),
        "categories:\n  Berita Daerah:\n    dimensions: [smart-governance]\n    programs: [satu-data-lain]\n",
    )
    .expect("map");
    let before = snapshot(&root.join("situs"));
    let refused = import(root, &["--map", "kategori.yaml"]);
    assert!(!refused.status.success());
    let err = stderr(&refused);
    assert!(
        err.contains("kategori.yaml:4:") && err.contains("program `satu-data-lain` tidak ada"),
        "{err}"
    );
    assert_eq!(snapshot(&root.join("situs")), before);

    // The category by its name as written: its news get the dimension and the program.
    fs::write(
        root.join("kategori.yaml"),
        "categories:\n  Berita Daerah:\n    dimensions: [smart-governance]\n    programs: [satu-data-uji]\n",
    )
    .expect("map");
    assert_ok(&import(root, &["--map", "kategori.yaml"]));
    let news = read(&root.join("situs/berita/sosialisasi-smart-city-tahap-ii/index.md"));
    assert!(
        news.contains("dimensions: [smart-governance]\nprograms: [satu-data-uji]\n"),
        "{news}"
    );
    let page = {
        assert_ok(&cerdas_in(root, &["build", "situs", "-o", "public"]));
        read(&root.join("public/berita/sosialisasi-smart-city-tahap-ii/index.html"))
    };
    assert!(page.contains("/program/satu-data-uji/"), "{page}");
    assert!(page.contains("/dimensi/smart-governance/"), "{page}");
}
