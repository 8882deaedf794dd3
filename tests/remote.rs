//! Issue 15, item 3: a remote regency (`export:` in province.yaml) that misbehaves gives a
//! clear error naming it (a warning with `--keep-going`), and its last good copy is used
//! when its host is down. Also item 2 for remote data: hostile exports are escaped, and their
//! links that are not http(s) dropped.

mod common;

use std::fs;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Output;
use std::time::{Duration, Instant};

use common::*;

/// A server on 127.0.0.1 that answers at most `max` requests within 20 seconds, each with
/// `status` and `body`; returns the export's address.
fn misbehaving(status: &'static str, body: Vec<u8>, max: usize) -> String {
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
                        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = stream.write_all(head.as_bytes());
                    let _ = stream.write_all(&body);
                    served += 1;
                }
                Err(_) => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    });
    format!("http://{addr}/data.json")
}

/// The data.json of a regency `jauh` built on its own, with `news_title` as its news title.
fn remote_export(news_title: &str) -> String {
    let elsewhere = TestSite::new()
        .file(
            "site.yaml",
            &SITE_YAML
                .replace("Kabupaten Uji", "Kabupaten Jauh")
                .replace("slug: uji", "slug: jauh")
                .replace("uji.example.go.id", "jauh.example.go.id"),
        )
        .file(
            "berita/pertama.md",
            &news(news_title, "2022-08-15", "programs: [satu-data]\n"),
        );
    let out = elsewhere.build();
    assert!(out.status.success(), "{}", stderr(&out));
    elsewhere.read("data.json")
}

/// A province of one local regency (`uji`) and the export at `url`.
fn province_with(url: &str) -> TestSite {
    let site = TestSite::new();
    let dir = site.dir.path().join("prov");
    fs::create_dir_all(&dir).unwrap();
    fs::rename(site.root(), dir.join("uji")).unwrap();
    fs::write(
        dir.join("province.yaml"),
        format!(
            "name: \"Provinsi Uji\"\nslug: uji-prov\nbase_url: \"https://prov.example.go.id\"\nregencies:\n  - uji\n  - export: \"{url}\"\n"
        ),
    )
    .unwrap();
    site
}

fn build(site: &TestSite, extra: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_cerdas"));
    cmd.args(["build", "prov", "-o", "public", "--cache-dir", "cache"])
        .args(extra)
        .current_dir(site.dir.path());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// Asserts the build failed naming the export, with `message`, and passes with
/// `--keep-going`, saying the same as a warning.
fn fails_then_warns(body: Vec<u8>, status: &'static str, env: &[(&str, &str)], message: &str) {
    let url = misbehaving(status, body, 2);
    let site = province_with(&url);
    let out = build(&site, &[], env);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(message), "{err}");
    assert!(
        err.contains(&format!("[{url}]")) || err.contains(&url),
        "names the regency: {err}"
    );
    assert!(err.contains("--> province.yaml:6:"), "{err}");
    assert!(!site.out().exists());
    let out = build(&site, &["--keep-going"], env);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("peringatan:") && err.contains(message),
        "{err}"
    );
    assert!(site.out().join("uji/index.html").is_file());
}

#[test]
fn issue_15_an_export_answering_500_is_an_error_naming_it() {
    fails_then_warns(
        b"Internal Server Error".to_vec(),
        "500 Internal Server Error",
        &[],
        "server menjawab HTTP 500",
    );
}

#[test]
fn issue_15_an_export_sending_too_much_is_cut_off() {
    fails_then_warns(
        vec![b' '; 50_000],
        "200 OK",
        &[("CERDAS_FETCH_MAX_BYTES", "1000")],
        "berkas lebih besar dari 1000 byte",
    );
}

#[test]
fn issue_15_an_export_nested_10000_deep_is_refused_without_a_crash() {
    // A valid export with an unknown key holding lists 10,000 deep (a struct given a list
    // stops at its first item; an ignored value is read through).
    let nested = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep = remote_export("Berita Jauh").replacen('{', &format!("{{\"x\": {nested},"), 1);
    fails_then_warns(
        deep.into_bytes(),
        "200 OK",
        &[],
        "isinya bersarang terlalu dalam",
    );
}

#[test]
fn issue_15_an_export_with_wrong_types_is_refused() {
    let wrong = remote_export("Berita Jauh").replace("\"version\": 1", "\"version\": \"satu\"");
    fails_then_warns(
        wrong.into_bytes(),
        "200 OK",
        &[],
        "bukan data.json cerdas yang valid",
    );
    let bad_slug =
        remote_export("Berita Jauh").replace("\"slug\": \"jauh\"", "\"slug\": \"../../luar\"");
    fails_then_warns(
        bad_slug.into_bytes(),
        "200 OK",
        &[],
        "slug `../../luar` tidak valid",
    );
}

#[test]
fn issue_15_the_last_good_copy_is_used_when_the_host_is_down() {
    let good = misbehaving(
        "200 OK",
        remote_export("Berita Jauh Tersimpan").into_bytes(),
        1,
    );
    let site = province_with(&good);
    let out = build(&site, &[], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        site.read("berita/index.html")
            .contains("Berita Jauh Tersimpan")
    );
    let kept: Vec<_> = fs::read_dir(site.dir.path().join("cache/ekspor"))
        .unwrap()
        .collect();
    assert_eq!(kept.len(), 1, "one copy kept");

    // The same address now answers 500 (the server above is gone: nothing listens).
    let out = build(&site, &[], &[]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("peringatan:"), "{err}");
    assert!(err.contains("salinan terakhir yang baik dari"), "{err}");
    assert!(err.contains("detik lalu"), "the age is given: {err}");
    assert!(
        site.read("berita/index.html")
            .contains("Berita Jauh Tersimpan"),
        "its news stay on the portal"
    );
}

#[test]
fn issue_15_a_hostile_export_is_escaped_and_its_bad_links_dropped() {
    let mut export: serde_json::Value =
        serde_json::from_str(&remote_export("Berita Jauh")).unwrap();
    let evil = "</script><script>alert(1)</script><img src=x onerror=alert(2)>";
    export["site"]["name"] = evil.into();
    export["site"]["logo"] = "javascript:alert(3)".into();
    export["news"][0]["title"] = evil.into();
    export["news"][0]["summary"] = evil.into();
    export["news"][0]["author"] = evil.into();
    export["news"][0]["cover"] = "data:text/html,x".into();
    let mut second = export["news"][0].clone();
    second["url"] = "javascript:alert(4)".into();
    second["slug"] = "kedua".into();
    export["news"].as_array_mut().unwrap().push(second);
    export["programs"][0]["url"] = "JavaScript:alert(5)".into();
    let url = misbehaving("200 OK", export.to_string().into_bytes(), 1);
    let site = province_with(&url);
    let out = build(&site, &[], &[]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("bukan http(s)"), "{err}");
    assert!(err.contains("javascript:alert(4)"), "{err}");
    let list = site.read("berita/index.html");
    assert!(list.contains("&lt;script&gt;alert(1)"), "{list}");
    check_output(&site.out());
}

/// No script element but JSON-LD (and the search page's Pagefind scripts), no `javascript:` or
/// `data:` address, in any output file outside the Pagefind bundle.
fn check_output(dir: &std::path::Path) {
    for e in fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        // The Pagefind bundle is the search library itself, written by the build.
        if p.is_dir() && p.file_name().is_some_and(|n| n == "pagefind") {
            continue;
        }
        if p.is_dir() {
            check_output(&p);
            continue;
        }
        let Ok(text) = fs::read_to_string(&p) else {
            continue;
        };
        if p.file_name().is_some_and(|n| n == "feed.json") {
            // Plain-text titles in JSON; its HTML and addresses are checked.
            let feed: serde_json::Value = serde_json::from_str(&text).unwrap();
            for item in feed["items"].as_array().unwrap() {
                let html = item["content_html"].as_str().unwrap_or_default();
                assert!(!html.to_ascii_lowercase().contains("<script"), "{html}");
                assert!(item["url"].as_str().unwrap().starts_with("http"), "{item}");
            }
            assert!(!text.to_ascii_lowercase().contains("javascript:"));
            continue;
        }
        let lower = text.to_ascii_lowercase();
        // JSON-LD, and on the search page the Pagefind bundle's own scripts, by address.
        assert_eq!(
            lower.matches("<script").count(),
            lower
                .matches("<script type=\"application/ld+json\">")
                .count()
                + lower.matches("<script src=\"/pagefind/").count(),
            "{}",
            p.display()
        );
        assert!(!lower.contains("javascript:"), "{}", p.display());
        assert!(!lower.contains("\"data:"), "{}", p.display());
        assert!(!lower.contains("<img src=x"), "{}", p.display());
    }
}
