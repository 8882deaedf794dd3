//! What a humas team sees after `cerdas build` on a small site: pages, lists, feeds, overrides.

mod common;

use common::*;

fn built(site: TestSite) -> TestSite {
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    site
}

fn many_news(mut site: TestSite, n: usize) -> TestSite {
    for i in 1..=n {
        let date = format!("2023-01-{:02}", i);
        site = site.file(
            &format!("berita/n{i:02}.md"),
            &news(&format!("Nomor {i:02}"), &date, "tags: [bimtek]\n"),
        );
    }
    site
}

#[test]
fn news_list_is_paginated_newest_first() {
    // paginate: 2 in SITE_YAML; 5 + 1 news = 3 pages.
    let site = built(many_news(TestSite::new(), 5));
    let first = site.read("berita/index.html");
    assert!(first.find("Nomor 05").unwrap() < first.find("Nomor 04").unwrap());
    assert!(!first.contains("Nomor 03"));
    assert!(first.contains(r#"href="/berita/page/2/" rel="next""#));
    let third = site.read("berita/page/3/index.html");
    assert!(third.contains("Berita Pertama"));
    assert!(third.contains(r#"rel="prev""#));
    assert!(!site.out().join("berita/page/4").exists());
}

#[test]
fn taxonomy_pages_list_their_news() {
    let site = built(many_news(TestSite::new(), 3));
    let tag = site.read("tag/bimtek/index.html");
    assert!(tag.contains("Nomor 03") && tag.contains("Nomor 02"));
    assert!(
        !tag.contains("Berita Pertama"),
        "untagged news is not on the tag page"
    );
    let dim = site.read("dimensi/smart-governance/index.html");
    assert!(
        dim.contains("Satu Data Uji"),
        "the dimension page lists its programs"
    );
    assert!(dim.contains("Nomor 03"));
    assert!(
        site.read("dimensi/index.html")
            .contains("Smart Environment")
    );
}

#[test]
fn drafts_are_not_published() {
    let site = built(TestSite::new().file(
        "berita/rahasia.md",
        &news("Rahasia", "2023-05-01", "draft: true\n"),
    ));
    assert!(!site.out().join("berita/rahasia").exists());
    assert!(!site.read("berita/index.html").contains("Rahasia"));
    assert!(!site.read("atom.xml").contains("Rahasia"));
}

#[test]
fn bundle_files_are_published_beside_the_page_and_links_rewritten() {
    let body = "---\ntitle: Bundel\ndate: 2023-02-01\nauthor: Humas\ncover: sampul.jpg\ncover_alt: \"Aula penuh peserta\"\n---\nLihat [berita pertama](../pertama.md), [program](../../program/satu-data.md) dan [notulen](notulen.pdf).\n\n![Foto](sampul.jpg)\n";
    let site = built(
        TestSite::new()
            .file("berita/bundel/index.md", body)
            .bytes("berita/bundel/sampul.jpg", &jpeg_photo(1200, 675))
            .bytes("berita/bundel/notulen.pdf", b"%PDF-1.4 notulen"),
    );
    assert_eq!(
        std::fs::read(site.out().join("berita/bundel/notulen.pdf")).unwrap(),
        b"%PDF-1.4 notulen",
        "a document is copied as it is"
    );
    assert!(
        !site.out().join("berita/bundel/sampul.jpg").exists(),
        "a photo is published only resized, never as it is"
    );
    let page = site.read("berita/bundel/index.html");
    assert!(page.contains(r#"href="/berita/pertama/""#), "{page}");
    assert!(page.contains(r#"href="/program/satu-data/""#));
    assert!(page.contains(r#"href="notulen.pdf""#));
    assert!(
        page.contains(r#"alt="Aula penuh peserta" width="1200" height="675""#),
        "the cover has its size: no layout shift"
    );
    assert!(page.contains(
        r#"<meta property="og:image" content="https://uji.example.go.id/gambar/sampul-1200x630-"#
    ));
}

#[test]
fn program_page_lists_the_news_that_mention_it() {
    let site = built(TestSite::new());
    let page = site.read("program/satu-data/index.html");
    assert!(page.contains("Berita Pertama"));
    assert!(page.contains("Berjalan"));
    let list = site.read("program/index.html");
    assert!(list.find("Smart Governance").unwrap() < list.find("Satu Data Uji").unwrap());
}

#[test]
fn halaman_with_menu_weight_joins_the_menu() {
    let site = built(TestSite::new());
    assert!(
        site.read("index.html")
            .contains(r#"<a href="/tentang/">Tentang</a>"#)
    );
}

#[test]
fn sub_path_base_url_prefixes_every_link() {
    let site = TestSite::new();
    let out = site.run(&[
        "build",
        "site",
        "-o",
        "public",
        "--base-url",
        "https://diskominfo.github.io/uji/",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let home = site.read("index.html");
    assert!(home.contains(r#"href="/uji/berita/""#));
    assert!(home.contains(r#"href="/uji/cerdas.css?v="#));
    assert!(!home.contains(r#"href="/berita/""#));
    assert!(
        site.read("sitemap.xml")
            .contains("<loc>https://diskominfo.github.io/uji/berita/pertama/</loc>")
    );
}

#[test]
fn an_nginx_configuration_for_the_sub_path_is_written_beside_the_output_not_published() {
    let site = TestSite::new().file(
        "redirects.yaml",
        "- from: \"/?p=10\"\n  to: \"/berita/pertama/\"\n",
    );
    let out = site.run(&[
        "build",
        "site",
        "-o",
        "public",
        "--base-url",
        "https://diskominfo.github.io/uji/",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let beside = site.out().with_file_name("public.nginx.conf.example");
    let conf = read(&beside);
    // The folder and the redirects map by their full paths: nginx runs from elsewhere.
    let folder = site.out().to_string_lossy().into_owned();
    assert!(conf.contains(&format!("alias \"{folder}/\";")), "{conf}");
    assert!(conf.contains(&format!("include \"{folder}.nginx-redirects.conf\";")));
    assert!(conf.contains("location \"/uji/\" {"));
    assert!(conf.contains("error_page 404 \"/uji/404.html\";"));
    assert!(conf.contains("server_name \"diskominfo.github.io\";"));
    // Every header the published _headers names, with its value (but the CSV's type, which
    // nginx takes from its MIME list and `charset_types`, not from an add_header).
    let headers = site.read("_headers");
    assert!(conf.contains("charset_types text/css text/csv"), "{conf}");
    for line in headers.lines().filter(|l| l.starts_with("  ")) {
        let (name, value) = line.trim().split_once(": ").expect("name: value");
        if name == "Content-Type" {
            continue;
        }
        assert!(
            conf.contains(&format!("add_header {name} \"{value}\"")),
            "{line}"
        );
    }
    assert!(!site.out().join("nginx.conf.example").exists());
    assert!(!site.out().join("public.nginx.conf.example").exists());
}

#[test]
fn site_templates_override_the_theme_by_name() {
    let site = built(TestSite::new().file(
        "templates/halaman.html",
        "{% extends \"base.html\" %}{% block content %}<p class=\"khusus\">Templat sendiri: {{ halaman.title }}</p>{% endblock content %}",
    ));
    assert!(
        site.read("tentang/index.html")
            .contains("Templat sendiri: Tentang")
    );
}

#[test]
fn a_template_error_names_the_template_and_line() {
    let site = TestSite::new().file("templates/halaman.html", "{% extends \"base.html\" %}\n{% block content %}\n{{ halaman.judul }}\n{% endblock content %}");
    let out = site.build();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("templates/halaman.html:3:"), "{err}");
    assert!(!site.out().exists());
}

#[test]
fn language_en_switches_theme_strings_and_dates() {
    let yaml = SITE_YAML.replace("language: id", "language: en");
    let site = built(TestSite::new().file("site.yaml", &yaml));
    let page = site.read("berita/pertama/index.html");
    assert!(page.contains(r#"<html lang="en">"#));
    assert!(page.contains("Monday, 15 August 2022"));
    assert!(site.read("index.html").contains("Latest news"));
}

#[test]
fn check_validates_without_writing() {
    let site = TestSite::new();
    let out = site.run(&["check", "site"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!site.out().exists());
    let site = site.file("berita/salah.md", &news("Salah", "2022-02-31", ""));
    let out = site.run(&["check", "site"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--> berita/salah.md:3:7"));
}

#[test]
fn raw_html_in_markdown_is_sanitized() {
    let body = "---\ntitle: X\ndate: 2023-02-01\nauthor: Humas\n---\nHalo <script>alert('x')</script><a href=\"https://agamkab.go.id\" onclick=\"alert(1)\">klik</a>\n";
    let site = built(TestSite::new().file("berita/x.md", body));
    let page = site.read("berita/x/index.html");
    assert!(!page.contains("alert("), "{page}");
    assert!(!page.contains("onclick"));
    // A link that could run code is the writer's mistake: refused, naming its place (issue 15).
    let site = TestSite::new().file(
        "berita/x.md",
        &body.replace("https://agamkab.go.id", "javascript:alert(1)"),
    );
    let out = site.build();
    let err = assert_fails_at(&site, &out, "berita/x.md:6:42");
    assert!(
        err.contains("javascript:alert(1): alamat ini tidak diizinkan"),
        "{err}"
    );
}

#[test]
fn feeds_sitemap_robots_and_export_describe_the_site() {
    let site = built(many_news(TestSite::new(), 3));
    let atom = site.read("atom.xml");
    assert_eq!(atom.matches("<entry>").count(), 4);
    assert!(atom.contains("<published>2023-01-03T00:00:00+07:00</published>"));
    assert!(atom.contains("<id>https://uji.example.go.id/berita/n03/</id>"));
    let feed: serde_json::Value = serde_json::from_str(&site.read("feed.json")).unwrap();
    assert_eq!(feed["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(
        feed["items"][0]["date_published"],
        "2023-01-03T00:00:00+07:00"
    );
    assert_eq!(feed["items"].as_array().unwrap().len(), 4);
    let sitemap = site.read("sitemap.xml");
    for url in [
        "",
        "berita/",
        "berita/page/2/",
        "berita/n01/",
        "program/satu-data/",
        "tentang/",
        "dimensi/smart-living/",
        "tag/bimtek/",
    ] {
        assert!(
            sitemap.contains(&format!("<loc>https://uji.example.go.id/{url}</loc>")),
            "{url} missing from sitemap"
        );
    }
    assert!(!sitemap.contains("404"));
    assert!(
        site.read("robots.txt")
            .contains("Sitemap: https://uji.example.go.id/sitemap.xml")
    );
    let data: serde_json::Value = serde_json::from_str(&site.read("data.json")).unwrap();
    assert_eq!(data["site"]["slug"], "uji");
    assert_eq!(data["site"]["kind"], "kabupaten");
    assert_eq!(data["news"].as_array().unwrap().len(), 4);
    assert_eq!(data["news"][3]["programs"][0], "satu-data");
    assert_eq!(data["programs"][0]["status"], "berjalan");
    assert!(site.read("404.html").contains("Halaman tidak ditemukan"));
    assert!(
        site.read(".htaccess")
            .contains("ErrorDocument 404 /404.html")
    );
}

#[test]
fn unchanged_files_keep_their_inode_and_mtime_across_builds() {
    use std::os::unix::fs::MetadataExt;
    let site = built(TestSite::new().file("berita/kedua.md", &news("Kedua", "2022-09-01", "")));
    let out = site.out();
    let meta = |rel: &str| std::fs::metadata(out.join(rel)).unwrap();
    let (page_before, list_before) = (meta("berita/pertama/index.html"), meta("berita/index.html"));
    std::thread::sleep(std::time::Duration::from_millis(20));
    let site = built(site.file("berita/kedua.md", &news("Kedua Diubah", "2022-09-01", "")));
    let (page_after, list_after) = (meta("berita/pertama/index.html"), meta("berita/index.html"));
    assert_eq!(
        page_before.ino(),
        page_after.ino(),
        "an untouched page is the same file"
    );
    assert_eq!(page_before.mtime_nsec(), page_after.mtime_nsec());
    assert_ne!(
        list_before.ino(),
        list_after.ino(),
        "the list showing the changed title is rewritten"
    );
    assert!(site.read("berita/index.html").contains("Kedua Diubah"));
}

/// The part of a news page from its "Berita terkait" (related news) heading on.
fn related_section(site: &TestSite, page: &str) -> String {
    let page = site.read(page);
    let start = page.find("Berita terkait").expect("related section");
    page[start..].to_string()
}

#[test]
fn related_news_share_programs_or_tags() {
    let site = built(
        TestSite::new()
            .file(
                "berita/a.md",
                &news(
                    "Alpha",
                    "2023-01-01",
                    "programs: [satu-data]\ntags: [data]\n",
                ),
            )
            .file("berita/b.md", &news("Beta", "2023-01-02", "tags: [lain]\n")),
    );
    let related = related_section(&site, "berita/a/index.html");
    assert!(
        related.contains("Berita Pertama"),
        "shares the program satu-data"
    );
    assert!(!related.contains("Beta"), "shares nothing");
}

#[test]
fn related_news_rank_by_what_they_share_then_by_date() {
    let tags = |t: &str| format!("tags: [{t}]\n");
    let site = built(
        TestSite::new()
            .file(
                "berita/a.md",
                &news(
                    "Alpha",
                    "2023-03-01",
                    "programs: [satu-data]\ntags: [data, kota]\n",
                ),
            )
            .file(
                "berita/b.md",
                &news("Dua Tag Sama", "2023-01-02", &tags("data, kota")),
            )
            .file(
                "berita/c.md",
                &news("Satu Tag Lama", "2021-01-01", &tags("data")),
            )
            .file(
                "berita/d.md",
                &news("Satu Tag Baru", "2023-06-01", &tags("kota")),
            ),
    );
    let related = related_section(&site, "berita/a/index.html");
    let at = |title: &str| related.find(title);
    for shown in ["Dua Tag Sama", "Berita Pertama", "Satu Tag Baru"] {
        assert!(at(shown).is_some(), "{shown}: {related}");
    }
    // Two shared tags score as one shared program; the tie goes to the newer item.
    assert!(at("Dua Tag Sama") < at("Berita Pertama"), "{related}");
    assert!(at("Berita Pertama") < at("Satu Tag Baru"), "{related}");
    assert_eq!(at("Satu Tag Lama"), None, "three are shown: {related}");
}

#[test]
fn a_theme_folder_named_in_site_yaml_overrides_the_default() {
    let yaml = format!("{SITE_YAML}theme: balai\n");
    let site = built(
        TestSite::new()
            .file("site.yaml", &yaml)
            .file("themes/balai/templates/404.html", "{% extends \"base.html\" %}{% block content %}<p>Tema Balai: {{ t.tidak_ada }}</p>{% endblock content %}")
            .file("themes/balai/i18n/id.yaml", "tidak_ada: \"Halaman ini tidak ada di Balai\"\n")
            .file("themes/balai/static/balai.css", "body{}"),
    );
    assert!(
        site.read("404.html")
            .contains("Tema Balai: Halaman ini tidak ada di Balai")
    );
    assert!(site.out().join("balai.css").is_file());
    assert!(
        site.read("index.html").contains("Berita terbaru"),
        "templates the theme lacks come from the default theme"
    );
    let bad = TestSite::new().file("site.yaml", &format!("{SITE_YAML}theme: hilang\n"));
    let out = bad.build();
    assert!(
        stderr(&out).contains("tema `hilang` tidak ditemukan"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn tags_are_words_merged_by_case_and_spacing() {
    let tags = |t: &str| format!("tags: [{t}]\n");
    let site = TestSite::new()
        .file(
            "berita/lama.md",
            &news("Bimtek Lama", "2022-01-01", &tags("bimtek, \"Quick  Win\"")),
        )
        .file(
            "berita/baru.md",
            &news("Bimtek Baru", "2022-03-01", &tags("Bimtek, UMKM")),
        )
        .file(
            "berita/tengah.md",
            &news("Bimtek Tengah", "2022-02-01", &tags("Bimtek")),
        );
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    // Two a page (the test site paginates by 2): the oldest is on page 2.
    let bimtek = site.read("tag/bimtek/index.html");
    let all = bimtek.clone() + &site.read("tag/bimtek/page/2/index.html");
    for title in ["Bimtek Lama", "Bimtek Baru", "Bimtek Tengah"] {
        assert!(all.contains(title), "{title} missing from /tag/bimtek/");
    }
    // "Bimtek" is written twice, "bimtek" once: the page and every news item show "Bimtek".
    assert!(bimtek.contains("<h1>Bimtek</h1>"), "{bimtek}");
    let lama = site.read("berita/lama/index.html");
    assert!(
        lama.contains(">Bimtek</a>"),
        "the older item shows the common form"
    );
    assert!(lama.contains(">Quick Win</a>"), "spaces tidied: {lama}");
    assert!(
        site.read("tag/quick-win/index.html")
            .contains("<h1>Quick Win</h1>")
    );
    assert!(site.read("tag/umkm/index.html").contains("<h1>UMKM</h1>"));
    // No two published paths differ only in case.
    let out = site.out();
    let paths: Vec<String> = snapshot(&out)
        .into_iter()
        .map(|(p, _)| p.strip_prefix(&out).unwrap().to_string_lossy().into_owned())
        .collect();
    let mut lower: Vec<String> = paths.iter().map(|p| p.to_lowercase()).collect();
    lower.sort();
    let before = lower.len();
    lower.dedup();
    assert_eq!(
        before,
        lower.len(),
        "paths differing only in case: {paths:?}"
    );
}

#[test]
fn a_tag_without_letters_is_an_error_on_its_line() {
    let site = TestSite::new().file(
        "berita/b.md",
        &news("Tanda", "2022-01-01", "tags: [Bimtek, \"!!!\"]\n"),
    );
    let out = site.build();
    let text = assert_fails_at(&site, &out, "berita/b.md:6:");
    assert!(text.contains("tidak memuat huruf atau angka"), "{text}");
}

/// The bytes of every file under `dir`.
fn folder_bytes(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| match e.file_type().unwrap().is_dir() {
            true => folder_bytes(&e.path()),
            false => e.metadata().unwrap().len(),
        })
        .sum()
}

#[test]
fn the_summary_gives_the_size_of_the_output_folder() {
    let body = "---\ntitle: Bundel\ndate: 2023-02-01\nauthor: Humas\ncover: sampul.jpg\ncover_alt: \"Aula\"\n---\nLihat [notulen](notulen.pdf).\n";
    let site = TestSite::new()
        .file("berita/bundel/index.md", body)
        .bytes("berita/bundel/sampul.jpg", &jpeg_photo(1200, 675))
        .bytes("berita/bundel/notulen.pdf", b"%PDF-1.4 notulen");
    for round in ["first build", "again, every file unchanged"] {
        let out = site.build_en();
        let said = assert_ok(&out);
        let bytes = folder_bytes(&site.out());
        assert!(bytes > 20 * 1024, "pages, photos and the document");
        let shown = match bytes {
            b if b >= 1 << 20 => format!("{:.1} MB", b as f64 / f64::from(1u32 << 20)),
            b => format!("{:.1} KB", b as f64 / 1024.0),
        };
        assert!(
            said.contains(&format!("({shown})")),
            "{round}: {bytes} bytes, {said}"
        );
    }
}
