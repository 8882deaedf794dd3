//! Issue 15, item 2: hostile values in front matter, `site.yaml` and `data/` are escaped for
//! where they land, and links that could run code are refused.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::*;

const EVIL: &str = "</script><script>alert(1)</script><img src=x onerror=alert(2)> & \\u2028";

/// Every file of the output, with its text.
fn all_files(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(all_files(&p));
        } else if let Ok(text) = fs::read_to_string(&p) {
            out.push((p, text));
        }
    }
    out
}

/// No script element but the JSON-LD ones, no `javascript:` address, anywhere in `dir`.
pub fn assert_nothing_injected(dir: &Path) {
    let files = all_files(dir);
    assert!(files.len() > 10, "the site was built");
    for (path, text) in files {
        if path.file_name().is_some_and(|n| n == "feed.json") {
            assert_feed_is_data(&text);
            continue;
        }
        // The Pagefind bundle is the search library itself, written by the build, not content.
        if path.starts_with(dir.join("pagefind")) {
            continue;
        }
        let lower = text.to_ascii_lowercase();
        let scripts = lower.matches("<script").count();
        let json_ld = lower
            .matches("<script type=\"application/ld+json\">")
            .count();
        // The search page loads the bundle's own scripts, by address, and nothing else.
        let search = lower.matches("<script src=\"/pagefind/").count();
        assert_eq!(
            scripts,
            json_ld + search,
            "a script element in {}",
            path.display()
        );
        assert!(
            !lower.contains("javascript:"),
            "javascript: in {}",
            path.display()
        );
        // The handler's text may stay as text, never inside a tag.
        assert!(
            !lower.contains("<img src=x"),
            "an injected tag in {}",
            path.display()
        );
        assert!(
            !lower.contains("onmouseover=\"alert"),
            "an injected attribute in {}",
            path.display()
        );
        if path.extension().is_some_and(|e| e == "html") {
            // Inside JSON-LD, `<`, `>` and `&` are written as \u003c, \u003e, \u0026.
            for block in lower.split("<script type=\"application/ld+json\">").skip(1) {
                let json = block.split("</script>").next().unwrap_or_default();
                assert!(!json.contains('<') && !json.contains('&'), "{json}");
            }
        }
    }
}

/// A JSON feed holds titles and summaries as plain text (JSON-escaped, shown as text by
/// readers) and `content_html` as HTML: that HTML must hold no script and no `javascript:`.
pub fn assert_feed_is_data(text: &str) {
    let feed: serde_json::Value = serde_json::from_str(text).expect("feed.json is JSON");
    for item in feed["items"].as_array().expect("items") {
        let html = item["content_html"]
            .as_str()
            .unwrap_or_default()
            .to_ascii_lowercase();
        assert!(
            !html.contains("<script") && !html.contains("javascript:"),
            "{html}"
        );
        let url = item["url"].as_str().unwrap_or_default();
        assert!(url.starts_with("https://"), "{url}");
    }
}

#[test]
fn issue_15_hostile_values_everywhere_are_escaped_where_they_land() {
    let yaml_evil = EVIL.replace('"', "\\\"");
    let site = TestSite::new()
        .file(
            "site.yaml",
            &format!(
                "{SITE_YAML}social:\n  - name: \"{yaml_evil}\"\n    url: \"https://x.example/?q=<script>\"\nmenu:\n  - title: \"{yaml_evil}\"\n    url: \"/program/\"\ncontact:\n  email: \"a@b.id\\\" onmouseover=\\\"alert(3)\"\n  address: \"{yaml_evil}\"\n"
            )
            .replace("Situs uji.", &yaml_evil),
        )
        .bytes("berita/jahat/foto.jpg", &jpeg_photo(400, 300))
        .file(
            "berita/jahat/index.md",
            &format!(
                "---\ntitle: \"{yaml_evil}\"\ndate: 2022-08-15\nauthor: \"{yaml_evil}\"\nsummary: \"{yaml_evil}\"\nlocation: \"{yaml_evil}\"\nsource: \"{yaml_evil}\"\nevent: {{ kind: bimtek, stage: \"{yaml_evil}\" }}\ndimensions: [smart-governance]\ntags: [smart-city, \"<script>alert(1)</script>\"]\ncover: foto.jpg\ncover_alt: \"{yaml_evil}\"\nphotos:\n  - src: foto.jpg\n    caption: \"{yaml_evil}\"\n---\nIsi <script>alert(4)</script> dengan ![{}](foto.jpg).\n",
                "alt \\\" onerror=alert(5)"
            ),
        )
        .file(
            "data/mitra.yaml",
            &format!("- nama: \"{yaml_evil}\"\n"),
        );
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_nothing_injected(&site.out());
    let page = site.read("berita/jahat/index.html");
    assert!(
        page.contains("&lt;&#x2F;script&gt;") || page.contains("&lt;/script&gt;"),
        "{page}"
    );
    assert!(
        page.contains("\\u003c/script\\u003e"),
        "JSON-LD escapes <: {page}"
    );
}

#[test]
fn issue_15_links_that_could_run_code_are_refused_in_the_users_own_files() {
    let cases: Vec<(&str, String, &str, &str)> = vec![
        (
            "site.yaml",
            format!("{SITE_YAML}menu:\n  - title: Jahat\n    url: \"javascript:alert(1)\"\n"),
            "site.yaml:11:",
            "tidak diizinkan",
        ),
        (
            "site.yaml",
            format!("{SITE_YAML}social:\n  - name: X\n    url: \" JaVaScRiPt:alert(1)\"\n"),
            "site.yaml:11:",
            "tidak diizinkan",
        ),
        (
            "berita/pertama.md",
            news("A", "2022-08-15", "")
                .replace("Paragraf kedua.", "Lihat [di sini](javascript:alert(1))."),
            "berita/pertama.md:9:7",
            "tidak diizinkan",
        ),
        (
            "berita/pertama.md",
            news("A", "2022-08-15", "source: \"javascript:alert(1)\"\n"),
            "berita/pertama.md:6:",
            "tidak diizinkan",
        ),
        (
            "berita/pertama.md",
            news("A", "2022-08-15", "").replace(
                "Paragraf kedua.",
                "Foto: <img src=\"tidak-ada.png\" alt=\"x\">",
            ),
            "berita/pertama.md:9:17",
            "gambar tidak ditemukan: `tidak-ada.png`",
        ),
    ];
    for (file, text, at, message) in cases {
        let site = TestSite::new().file(file, &text);
        let out = site.build();
        let err = assert_fails_at(&site, &out, at);
        assert!(err.contains(message), "{err}");
    }
}
