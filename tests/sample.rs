//! Every sample regency and the sample province built for real, checked on the files.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

struct Built {
    _dir: tempfile::TempDir,
    out: PathBuf,
}

impl Built {
    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }
    fn json(&self, rel: &str) -> serde_json::Value {
        serde_json::from_str(&self.read(rel)).unwrap()
    }
}

fn build(folder: &str) -> Built {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("content-sample")
        .join(folder);
    let result = Command::new(env!("CARGO_BIN_EXE_cerdas"))
        .arg("build")
        .arg(&src)
        .arg("-o")
        .arg(&out)
        // Keep the picture cache out of the repository's sample folder.
        .arg("--cache-dir")
        .arg(dir.path().join("cache"))
        .output()
        .unwrap();
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    Built { _dir: dir, out }
}

/// (regency folder, name, main event news slug, its Indonesian date, a program slug)
const REGENCIES: [(&str, &str, &str, &str, &str); 5] = [
    (
        "agam",
        "Kabupaten Agam",
        "sosialisasi-smart-city-tahap-ii",
        "Senin, 15 Agustus 2022",
        "satu-data-agam",
    ),
    (
        "padang-pariaman",
        "Kabupaten Padang Pariaman",
        "bimtek-i-gerakan-menuju-100-smart-city",
        "Kamis, 11 Juli 2019",
        "sipadu-layanan-terpadu",
    ),
    (
        "kota-solok",
        "Kota Solok",
        "pembukaan-pendampingan-smart-city",
        "Senin, 9 September 2019",
        "solok-satu-data",
    ),
    (
        "kota-padang",
        "Kota Padang",
        "bimtek-tahap-ii-masterplan-quick-win",
        "Rabu, 8 Agustus 2018",
        "padang-command-center",
    ),
    (
        "solok-selatan",
        "Kabupaten Solok Selatan",
        "bimtek-penyusunan-masterplan",
        "Senin, 3 Juli 2023",
        "katalog-layanan-opd",
    ),
];

#[test]
fn every_sample_regency_builds_every_page_kind() {
    for (folder, name, event, date, program) in REGENCIES {
        let site = build(folder);
        let home = site.read("index.html");
        assert!(
            home.contains(&format!("<title>{name} · Portal Smart City</title>")),
            "{folder} home title"
        );
        assert!(home.contains(r#"<html lang="id">"#));
        assert!(
            home.contains("Enam dimensi smart city"),
            "{folder}: home shows the six dimensions"
        );
        assert!(
            home.contains("Quick win"),
            "{folder}: home shows quick wins"
        );

        let news = site.read(&format!("berita/{event}/index.html"));
        assert!(
            news.contains(date),
            "{folder}: the event news is dated {date}"
        );
        assert!(news.contains(r#""@type":"NewsArticle""#));
        assert!(
            news.contains(r#"<meta property="og:image""#),
            "{folder}: cover as OpenGraph image"
        );
        assert!(
            news.contains(r#"width="1200" height="675""#),
            "{folder}: the cover photo has its size"
        );
        assert!(
            news.contains(r#"<source type="image/webp" srcset="/gambar/foto-utama-480-"#),
            "{folder}: the cover is offered as WebP in several widths"
        );
        assert!(
            !site
                .out
                .join(format!("berita/{event}/foto-utama.jpg"))
                .exists(),
            "{folder}: the original photo is not published"
        );
        let resized = std::fs::read_dir(site.out.join("gambar"))
            .map(|d| d.count())
            .unwrap_or(0);
        assert!(resized >= 6, "{folder}: resized photos written");
        assert!(
            news.contains("<dt>Penulis</dt>"),
            "{folder}: the author is shown"
        );

        let list = site.read("berita/index.html");
        let cards = list.matches(r#"<article class="card news-card">"#).count();
        if folder == "agam" {
            // Agam shows three news per page (paginate: 3), so its fourth is on page 2.
            assert_eq!(cards, 3, "agam: three news on the first list page");
            let second = site.read("berita/page/2/index.html");
            assert_eq!(
                second
                    .matches(r#"<article class="card news-card">"#)
                    .count(),
                1
            );
            assert!(
                second.contains("Agam Mulai Pembinaan Smart City Tahap I"),
                "the oldest news is on page 2"
            );
            assert!(list.contains(r#"href="/berita/page/2/" rel="next""#));
            assert!(site.read("sitemap.xml").contains("/berita/page/2/</loc>"));
        } else {
            assert_eq!(cards, 4, "{folder}: four news on the first list page");
        }

        let prog = site.read(&format!("program/{program}/index.html"));
        assert!(
            prog.contains("Quick win"),
            "{folder}: {program} is a quick win"
        );
        assert!(
            prog.contains(&format!("href=\"/berita/{event}/\"")),
            "{folder}: the program lists the news that mention it"
        );
        let programs = site.read("program/index.html");
        assert!(
            programs.contains("Smart Governance")
                && programs.contains(&format!("/program/{program}/"))
        );

        let mp = site.read("masterplan/index.html");
        assert!(
            mp.contains("Visi") && mp.contains("Misi") && mp.contains("Smart Environment"),
            "{folder}: masterplan page"
        );
        assert!(mp.contains("/masterplan/ringkasan-masterplan.pdf"));
        assert!(
            site.out
                .join("masterplan/ringkasan-masterplan.pdf")
                .is_file()
        );

        assert!(
            site.read("tentang/index.html")
                .contains("<h1>Tentang Smart City")
        );
        let dim = site.read("dimensi/smart-governance/index.html");
        assert!(
            dim.contains(&format!("/program/{program}/")),
            "{folder}: dimension page lists its programs"
        );
        assert!(site.read("404.html").contains("Halaman tidak ditemukan"));

        let atom = site.read("atom.xml");
        assert_eq!(
            atom.matches("<entry>").count(),
            4,
            "{folder}: every news item in the Atom feed"
        );
        let feed = site.json("feed.json");
        assert_eq!(feed["items"].as_array().unwrap().len(), 4);
        let sitemap = site.read("sitemap.xml");
        assert!(
            sitemap.contains(&format!("/berita/{event}/</loc>"))
                && sitemap.contains("/masterplan/</loc>")
        );
        assert!(site.read("robots.txt").contains("/sitemap.xml"));

        let data = site.json("data.json");
        assert_eq!(data["site"]["name"], name);
        assert_eq!(data["news"].as_array().unwrap().len(), 4);
        assert!(
            data["programs"].as_array().unwrap().len() >= 5,
            "{folder}: at least five programs"
        );
        assert!(data["masterplan"]["dimensions"].as_array().unwrap().len() == 6);
    }
}

#[test]
fn sample_tags_list_their_news() {
    let site = build("agam");
    let tag = site.read("tag/quick-win/index.html");
    assert!(tag.contains("Nagari Digital Diluncurkan"));
    assert!(!tag.contains("Mulai Pembinaan Smart City Tahap I"));
}

#[test]
fn the_sample_province_aggregates_all_five_regencies() {
    let p = build("");
    let all = p.read("berita/index.html");
    for (_, name, event, _, _) in REGENCIES {
        assert!(
            all.contains(&format!("<p class=\"regency-label\">{name}</p>")),
            "{name} in /berita/"
        );
        assert!(
            p.out
                .join(format!(
                    "{}/berita/{event}/index.html",
                    REGENCIES.iter().find(|r| r.1 == name).unwrap().0
                ))
                .is_file()
        );
    }
    // Newest first: Solok Selatan (2023) before Agam (2022) before Kota Padang (2018).
    let ss = all.find("Kabupaten Solok Selatan</p>").unwrap();
    let agam = all.find("Kabupaten Agam</p>").unwrap();
    assert!(ss < agam);
    let directory = p.read("kabupaten-kota/index.html");
    assert_eq!(
        directory
            .matches(r#"<li class="card regency-card""#)
            .count(),
        5
    );
    let dim = p.read("dimensi/smart-environment/index.html");
    assert!(
        dim.contains("/agam/program/bank-sampah-nagari/")
            && dim.contains("/kota-padang/program/sistem-peringatan-tsunami/")
    );
    let atom = p.read("atom.xml");
    for (folder, ..) in REGENCIES {
        assert!(
            atom.contains(&format!("/{folder}/berita/")),
            "{folder} in the province feed"
        );
    }
    assert_eq!(
        p.json("data.json")["regencies"].as_array().unwrap().len(),
        5
    );
}

/// Every HTML file under `dir`, with its path and text.
fn html_files(dir: &Path) -> Vec<(PathBuf, String)> {
    common::snapshot(dir)
        .into_iter()
        .filter(|(path, _)| path.extension().is_some_and(|e| e == "html"))
        .map(|(path, bytes)| (path, String::from_utf8(bytes).unwrap()))
        .collect()
}

#[test]
fn no_built_page_needs_inline_style_or_script_so_the_strict_policy_holds() {
    let p = build("");
    let headers = p.read("_headers");
    let csp = headers
        .lines()
        .find_map(|l| l.trim().strip_prefix("Content-Security-Policy: "))
        .expect("a policy in _headers");
    assert!(csp.contains("style-src 'self';"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(csp.contains("frame-ancestors 'self'"), "{csp}");
    assert!(
        headers.contains("Permissions-Policy: camera=()"),
        "{headers}"
    );
    assert!(
        p.read(".htaccess")
            .contains("Header always set Permissions-Policy")
    );
    let pages = html_files(&p.out);
    assert!(pages.len() > 100, "{} pages", pages.len());
    for (path, html) in &pages {
        for inline in [" style=\"", " style='", "<style", " onload=", " onclick="] {
            assert!(!html.contains(inline), "{}: {inline}", path.display());
        }
        // The only inline script is JSON-LD data, which no policy runs.
        for (at, _) in html.match_indices("<script") {
            let tag = &html[at..at + html[at..].find('>').unwrap()];
            assert!(
                tag.contains(" src=") || tag.contains("type=\"application/ld+json\""),
                "{}: {tag}",
                path.display()
            );
        }
    }
}

#[test]
fn news_and_program_pages_share_to_whatsapp_with_title_and_address_without_scripts() {
    let site = build("agam");
    let news = site.read("berita/sosialisasi-smart-city-tahap-ii/index.html");
    let address = "https%3A%2F%2Fsmartcity.agamkab.example.go.id%2Fberita%2Fsosialisasi-smart-city-tahap-ii%2F";
    assert!(
        news.contains(&format!(
            "href=\"https://wa.me/?text=Diskominfotik%20Sumbar%20Gelar%20Pembinaan%20dan%20Sosialisasi%20Smart%20City%20Tahap%20II%20di%20Agam%20{address}\""
        )),
        "WhatsApp link with title and address"
    );
    for service in [
        format!("https://www.facebook.com/sharer/sharer.php?u={address}"),
        format!("https://t.me/share/url?url={address}&amp;text=Diskominfotik"),
        format!("&amp;url={address}"),
        "mailto:?subject=Diskominfotik".to_string(),
        "readonly value=\"https://smartcity.agamkab.example.go.id/berita/sosialisasi-smart-city-tahap-ii/\"".to_string(),
    ] {
        assert!(news.contains(&service), "news shares via {service}");
    }
    let program = site.read("program/satu-data-agam/index.html");
    assert!(
        program.contains("https://wa.me/?text=")
            && program.contains("%2Fprogram%2Fsatu-data-agam%2F\""),
        "the program page shares its own address"
    );
    // The shared picture is the 1200 x 630 crop, small enough for WhatsApp's preview (300 KB).
    let og = news
        .split("<meta property=\"og:image\" content=\"https://smartcity.agamkab.example.go.id/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("an og:image");
    assert!(news.contains("<meta property=\"og:image:width\" content=\"1200\">"));
    assert!(news.contains("<meta property=\"og:image:height\" content=\"630\">"));
    let bytes = std::fs::metadata(site.out.join(og)).unwrap().len();
    assert!(bytes < 300_000, "{og} is {bytes} bytes");
    let photo = image::open(site.out.join(og)).unwrap();
    assert_eq!((photo.width(), photo.height()), (1200, 630));
}
