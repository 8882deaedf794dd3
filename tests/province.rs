//! `cerdas build` on a province folder: aggregate pages, links under each prefix, exports.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::*;

/// A province folder with regencies `uji` and `kota-uji`.
fn province(extra_regencies: &str) -> TestSite {
    let kota_yaml = SITE_YAML
        .replace("Kabupaten Uji", "Kota Uji")
        .replace("kind: kabupaten", "kind: kota")
        .replace("slug: uji", "slug: kota-uji");
    let site = TestSite::new();
    let dir = site.dir.path().to_path_buf();
    let write = |rel: &str, text: &str| {
        let p = dir.join("prov").join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    };
    write(
        "province.yaml",
        &format!(
            "name: \"Provinsi Uji\"\nslug: uji-prov\nbase_url: \"https://prov.example.go.id\"\ndescription: \"Provinsi uji.\"\nregencies:\n  - uji\n  - kota-uji\n{extra_regencies}"
        ),
    );
    for (slug, yaml, title, date) in [
        (
            "uji",
            SITE_YAML.to_string(),
            "Berita Kabupaten",
            "2022-08-15",
        ),
        ("kota-uji", kota_yaml, "Berita Kota", "2023-03-01"),
    ] {
        write(&format!("{slug}/site.yaml"), &yaml);
        write(&format!("{slug}/program/satu-data.md"), PROGRAM);
        write(
            &format!("{slug}/berita/pertama.md"),
            &news(title, date, "programs: [satu-data]\n"),
        );
        write(
            &format!("{slug}/berita/kedua.md"),
            &news(&format!("{title} Kedua"), "2021-01-05", "tags: [bimtek]\n"),
        );
        write(
            &format!("{slug}/halaman/tentang.md"),
            "---\ntitle: Tentang\nmenu: 1\n---\nLihat [berita](../berita/pertama.md).\n",
        );
    }
    site
}

fn build_province(site: &TestSite, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["build", "prov", "-o", "public"];
    args.extend_from_slice(extra);
    site.run(&args)
}

fn html_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(html_files(&p));
        } else if p.extension().is_some_and(|x| x == "html") {
            out.push(p);
        }
    }
    out
}

/// Every `href="/..."` and `src="/..."` in `html`.
fn local_links(html: &str) -> Vec<String> {
    let mut links = Vec::new();
    for attr in ["href=\"/", "src=\"/"] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len() - 1..];
            let end = rest.find('"').unwrap();
            links.push(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
    links
}

fn resolves(out: &Path, link: &str) -> bool {
    let path = link
        .split(['#', '?'])
        .next()
        .unwrap()
        .trim_start_matches('/');
    let target = out.join(path);
    if link.split(['#', '?']).next().unwrap().ends_with('/') {
        target.join("index.html").is_file()
    } else {
        target.is_file()
    }
}

#[test]
fn province_aggregates_every_regency() {
    let site = province("");
    let out = build_province(&site, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let all = site.read("berita/index.html");
    let order: Vec<usize> = [
        "Berita Kota<",
        "Berita Kabupaten<",
        "Berita Kota Kedua",
        "Berita Kabupaten Kedua",
    ]
    .iter()
    .map(|t| {
        all.find(t)
            .unwrap_or_else(|| panic!("{t} missing from /berita/"))
    })
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "news across the province are newest first: {order:?}"
    );
    assert!(all.contains(r#"<p class="regency-label">Kota Uji</p>"#));
    let per_regency = site.read("berita/kota-uji/index.html");
    assert!(per_regency.contains("Berita Kota") && !per_regency.contains("Berita Kabupaten"));
    let directory = site.read("kabupaten-kota/index.html");
    assert!(
        directory.contains(r#"<a href="/uji/">Kabupaten Uji</a>"#)
            && directory.contains(r#"<a href="/kota-uji/">Kota Uji</a>"#)
    );
    let dim = site.read("dimensi/smart-governance/index.html");
    assert!(
        dim.contains(r#"href="/uji/program/satu-data/""#)
            && dim.contains(r#"href="/kota-uji/program/satu-data/""#)
    );
    let atom = site.read("atom.xml");
    assert!(atom.contains("<id>https://prov.example.go.id/uji/berita/pertama/</id>"));
    assert!(atom.contains("<id>https://prov.example.go.id/kota-uji/berita/pertama/</id>"));
    assert!(site.read("progres/index.html").contains("Kota Uji"));
    let index = site.read("sitemap.xml");
    assert!(index.contains("<loc>https://prov.example.go.id/uji/sitemap.xml</loc>"));
    assert!(
        site.read("uji/sitemap.xml")
            .contains("<loc>https://prov.example.go.id/uji/berita/pertama/</loc>")
    );
    let home = site.read("index.html");
    assert!(home.contains("<strong>2</strong> kabupaten/kota"));
    assert!(
        site.read("uji/index.html")
            .contains(r#"Bagian dari <a href="/">Provinsi Uji</a>"#)
    );
}

#[test]
fn every_link_resolves_inside_the_output_and_stays_under_its_prefix() {
    let site = province("");
    assert!(build_province(&site, &[]).status.success());
    let out = site.out();
    let mut broken = BTreeSet::new();
    for file in html_files(&out) {
        let html = fs::read_to_string(&file).unwrap();
        let rel = file
            .strip_prefix(&out)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        for link in local_links(&html) {
            if !resolves(&out, &link) {
                broken.insert(format!("{rel} -> {link}"));
            }
            for slug in ["uji/", "kota-uji/"] {
                // The province's one search index (`/pagefind/`) is shared by every regency's
                // search page (issue 16).
                if rel.starts_with(slug)
                    && link != "/"
                    && !link.starts_with("/pagefind/")
                    && !link.starts_with(&format!("/{slug}"))
                {
                    broken.insert(format!("{rel} escapes its prefix: {link}"));
                }
            }
        }
    }
    assert!(broken.is_empty(), "{broken:#?}");
}

/// Serves `body` at any path on 127.0.0.1 for up to `max` requests or 20 seconds.
fn serve_once(body: String, max: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut served = 0;
        while served < max && Instant::now() < deadline {
            match listener.accept() {
                Ok((mut stream, _)) => {
                    stream.set_nonblocking(false).unwrap();
                    stream
                        .set_read_timeout(Some(Duration::from_secs(5)))
                        .unwrap();
                    let mut buf = [0u8; 4096];
                    let _ = stream.read(&mut buf);
                    let head = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = stream.write_all(head.as_bytes());
                    let _ = stream.write_all(body.as_bytes());
                    served += 1;
                }
                Err(_) => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    });
    format!("http://{addr}/data.json")
}

#[test]
fn a_regency_given_as_an_export_url_joins_every_aggregate_page() {
    // Build a regency on its own, as it would be hosted elsewhere, and serve its data.json.
    let elsewhere = TestSite::new().file(
        "site.yaml",
        &SITE_YAML
            .replace("Kabupaten Uji", "Kabupaten Jauh")
            .replace("slug: uji", "slug: jauh")
            .replace("uji.example.go.id", "jauh.example.go.id"),
    );
    assert!(elsewhere.build().status.success());
    let url = serve_once(elsewhere.read("data.json"), 3);
    let site = province(&format!("  - export: \"{url}\"\n"));
    let out = build_province(&site, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let all = site.read("berita/index.html");
    assert!(
        all.contains(r#"href="https://jauh.example.go.id/berita/pertama/""#),
        "external news link to their own site"
    );
    assert!(
        site.read("kabupaten-kota/index.html")
            .contains(r#"<a href="https://jauh.example.go.id/">Kabupaten Jauh</a>"#)
    );
    assert!(
        site.read("atom.xml")
            .contains("https://jauh.example.go.id/berita/pertama/")
    );
    assert!(
        site.read("dimensi/smart-governance/index.html")
            .contains("https://jauh.example.go.id/program/satu-data/")
    );
    assert!(
        !site.out().join("jauh").exists(),
        "an external regency is not built here"
    );
}

#[test]
fn an_export_that_is_not_json_is_a_clear_error() {
    let url = serve_once("<html>bukan json</html>".into(), 3);
    let site = province(&format!("  - export: \"{url}\"\n"));
    let out = build_province(&site, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("bukan data.json cerdas yang valid"), "{err}");
    assert!(err.contains("--> province.yaml:8:"), "{err}");
    assert!(!site.out().exists());
}

#[test]
fn a_missing_regency_folder_and_a_duplicate_slug_are_errors() {
    let site = province("  - hilang\n");
    let err = stderr(&build_province(&site, &[]));
    assert!(
        err.contains("folder kabupaten/kota `hilang` tidak ada"),
        "{err}"
    );
    assert!(err.contains("--> province.yaml:8:5"), "{err}");
    let site = province("  - uji\n");
    let err = stderr(&build_province(&site, &[]));
    assert!(
        err.contains("dua kabupaten/kota memakai slug yang sama: `uji`"),
        "{err}"
    );
}

#[test]
fn a_broken_regency_fails_the_build_labelled_unless_keep_going() {
    let site = province("");
    fs::write(
        site.dir.path().join("prov/kota-uji/berita/rusak.md"),
        news("Rusak", "2022-02-30", ""),
    )
    .unwrap();
    let out = build_province(&site, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("--> [kota-uji] berita/rusak.md:3:7"), "{err}");
    assert!(!site.out().exists());

    let out = build_province(&site, &["--keep-going"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("[kota-uji] berita/rusak.md:3:7"));
    let directory = site.read("kabupaten-kota/index.html");
    assert!(
        directory.contains("kota-uji") && directory.contains("tidak tersedia"),
        "{directory}"
    );
    assert!(site.out().join("uji/index.html").is_file());
    assert!(!site.out().join("kota-uji").exists());
}

#[test]
fn an_export_url_that_does_not_answer_times_out_with_a_clear_error() {
    // A listener that accepts and never answers, for at most 20 seconds.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(20);
        listener.set_nonblocking(true).unwrap();
        let mut held = Vec::new();
        while Instant::now() < deadline && held.len() < 5 {
            match listener.accept() {
                Ok((stream, _)) => held.push(stream),
                Err(_) => std::thread::sleep(Duration::from_millis(20)),
            }
        }
        std::thread::sleep(
            deadline
                .saturating_duration_since(Instant::now())
                .min(Duration::from_secs(5)),
        );
    });
    let site = province(&format!("  - export: \"http://{addr}/data.json\"\n"));
    let started = Instant::now();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cerdas"))
        .args(["build", "prov", "-o", "public"])
        .env("CERDAS_FETCH_TIMEOUT", "1")
        .current_dir(site.dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("tidak ada jawaban dalam 1 detik"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(!site.out().exists());
}

#[test]
fn base_url_flag_moves_the_portal_and_its_regencies() {
    let site = province("");
    let out = build_province(&site, &["--base-url", "https://uji.example.org/portal"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let home = site.read("index.html");
    assert!(
        home.contains("href=\"https://uji.example.org/portal/\""),
        "the canonical address is the given one: {home}"
    );
    assert!(!home.contains("prov.example.go.id"), "{home}");
    let list = site.read("berita/index.html");
    assert!(
        list.contains("href=\"/portal/uji/berita/pertama/\""),
        "regency news are linked under the given path: {list}"
    );
    let data = site.read("data.json");
    assert!(!data.contains("prov.example.go.id"), "{data}");
}

#[test]
fn the_regencies_old_addresses_are_gathered_in_the_root_redirects() {
    let site = province("");
    let out = build_province(&site, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !site.out().join("_redirects").exists(),
        "no regency has old addresses: no root `_redirects`"
    );
    fs::write(
        site.dir.path().join("prov/uji/redirects.yaml"),
        "- from: \"/2022/08/15/berita-lama/\"\n  to: \"/berita/pertama/\"\n",
    )
    .unwrap();
    fs::write(
        site.dir.path().join("prov/kota-uji/redirects.yaml"),
        "- from: \"/profil-kota/\"\n  to: \"/tentang/\"\n",
    )
    .unwrap();
    let out = build_province(&site, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let root = site.read("_redirects");
    let lines: Vec<&str> = root.lines().filter(|l| !l.starts_with('#')).collect();
    assert!(
        lines.contains(&"/uji/2022/08/15/berita-lama/ /uji/berita/pertama/ 301"),
        "{root}"
    );
    assert!(
        lines.contains(&"/kota-uji/profil-kota/ /kota-uji/tentang/ 301"),
        "{root}"
    );
    assert!(
        root.find("/uji/2022").unwrap() < root.find("/kota-uji/profil").unwrap(),
        "in the order of province.yaml: {root}"
    );
    assert!(
        site.read("uji/_redirects")
            .contains("/uji/2022/08/15/berita-lama/")
    );
}
