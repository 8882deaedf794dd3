//! Search (issue 16): the Pagefind bundle a build writes for a regency and for the province,
//! its filters, the `/cari/` page, the header box, and `search: false`.

mod common;

use std::fs;
use std::io::Read;
use std::path::Path;

use common::*;

/// The filter names the default theme files pages under, in Indonesian.
const FILTERS: [&str; 4] = ["Jenis", "Dimensi", "Tahun", "Kegiatan"];

/// A gzipped file of the bundle, unpacked.
fn unpacked(path: &Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(&fs::read(path).unwrap()[..])
        .read_to_end(&mut bytes)
        .unwrap();
    bytes
}

/// Every file of Pagefind's index (`pagefind_dcd` + data, gzipped) under `bundle`, unpacked
/// and joined, so tests can look for filter names and words in it.
fn index_text(bundle: &Path) -> String {
    let mut text = String::new();
    for dir in [bundle.to_path_buf(), bundle.join("filter")] {
        for entry in fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            let name = path.to_string_lossy().into_owned();
            if !(name.ends_with(".pf_meta") || name.ends_with(".pf_filter")) {
                continue;
            }
            text.push_str(&String::from_utf8_lossy(&unpacked(&path)));
        }
    }
    text
}

/// The number of pages `pagefind-entry.json` counts in the `id` index.
fn page_count(bundle: &Path) -> u64 {
    let entry: serde_json::Value =
        serde_json::from_str(&read(&bundle.join("pagefind-entry.json"))).unwrap();
    entry["languages"]["id"]["page_count"].as_u64().unwrap_or(0)
}

fn regency() -> TestSite {
    TestSite::new().file(
        "berita/bimtek.md",
        &news(
            "Bimtek Pembangunan Jalan Desa",
            "2023-05-02",
            "event: { kind: bimtek, stage: \"Tahap II\" }\n",
        ),
    )
}

#[test]
fn issue_16_a_regency_build_writes_the_pagefind_bundle_with_its_filters() {
    let site = regency();
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let bundle = site.out().join("pagefind");
    for file in [
        "pagefind-entry.json",
        "pagefind.js",
        "pagefind-ui.js",
        "pagefind-ui.css",
        "wasm.id.pagefind",
        "cerdas-search.js",
    ] {
        assert!(
            bundle.join(file).is_file(),
            "{file} missing from the bundle"
        );
    }
    // Two news items, one program, one plain page: lists, tags and the home page are not in it.
    assert_eq!(page_count(&bundle), 4);
    let index = index_text(&bundle);
    for name in FILTERS {
        assert!(index.contains(name), "filter `{name}` not in the index");
    }
    for value in [
        "Berita",
        "Program",
        "Halaman",
        "Smart Governance",
        "2023",
        "Bimtek",
    ] {
        assert!(
            index.contains(value),
            "filter value `{value}` not in the index"
        );
    }
    assert!(
        !index.contains("Kabupaten/Kota"),
        "a regency on its own has no regency filter"
    );
    let news = site.read("berita/bimtek/index.html");
    assert!(news.contains("data-pagefind-body"));
    assert!(news.contains(r#"data-pagefind-meta="tanggal""#));
    assert!(
        !site
            .read("berita/index.html")
            .contains("data-pagefind-body"),
        "list pages are not indexed"
    );
    let csp = site.read("_headers");
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
        "{csp}"
    );
    assert!(site.read(".htaccess").contains("'wasm-unsafe-eval'"));
}

#[test]
fn issue_16_the_search_page_and_the_header_box() {
    let site = regency();
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let page = site.read("cari/index.html");
    assert!(page.contains(r#"<script src="/pagefind/pagefind-ui.js" defer></script>"#));
    assert!(page.contains(r#"<link rel="stylesheet" href="/pagefind/pagefind-ui.css">"#));
    assert!(page.contains(r#"<div id="cari" class="search-ui" data-bundle="/pagefind/""#));
    assert!(page.contains(
        "<noscript><p class=\"notice\">Pencarian memerlukan JavaScript. Aktifkan JavaScript"
    ));
    for page in ["index.html", "berita/bimtek/index.html", "cari/index.html"] {
        let html = site.read(page);
        assert!(
            html.contains(
                r#"<form class="header-search" role="search" action="/cari/" method="get">"#
            ),
            "{page} has no search box"
        );
        assert!(html.contains(r#"name="q""#));
    }
    let en = regency();
    let out = en.build_en();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn issue_16_search_false_writes_no_index_and_no_search_markup() {
    let site = regency().file("site.yaml", &format!("{SITE_YAML}search: false\n"));
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!site.out().join("pagefind").exists());
    assert!(!site.out().join("cari").exists());
    let news = site.read("berita/bimtek/index.html");
    assert!(
        !news.contains("pagefind"),
        "no search markup when search is off"
    );
    assert!(!news.contains("header-search"));
    assert!(!site.read("_headers").contains("wasm-unsafe-eval"));
}

#[test]
fn issue_16_search_is_a_checked_key() {
    let site = regency().file("site.yaml", &format!("{SITE_YAML}search: tidak\n"));
    let out = site.build();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!site.out().exists());
}

/// A province with regencies `uji` and `kota-uji` built here and `jauh` read from its
/// `data.json`.
fn province() -> TestSite {
    let elsewhere = TestSite::new().file(
        "site.yaml",
        &SITE_YAML
            .replace("Kabupaten Uji", "Kabupaten Jauh")
            .replace("slug: uji", "slug: jauh")
            .replace("uji.example.go.id", "jauh.example.go.id"),
    );
    let out = elsewhere.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let site = TestSite::new();
    let prov = site.dir.path().join("prov");
    let write = |rel: &str, text: &str| {
        let p = prov.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    };
    write("jauh-data.json", &elsewhere.read("data.json"));
    write(
        "province.yaml",
        "name: \"Provinsi Uji\"\nslug: uji-prov\nbase_url: \"https://prov.example.go.id\"\nregencies:\n  - uji\n  - kota-uji\n  - export: jauh-data.json\n",
    );
    let kota_yaml = SITE_YAML
        .replace("Kabupaten Uji", "Kota Uji")
        .replace("kind: kabupaten", "kind: kota")
        .replace("slug: uji", "slug: kota-uji");
    for (slug, yaml, title) in [
        ("uji", SITE_YAML.to_string(), "Irigasi Mengairi Sawah"),
        ("kota-uji", kota_yaml, "Rapat Kota"),
    ] {
        write(&format!("{slug}/site.yaml"), &yaml);
        write(&format!("{slug}/program/satu-data.md"), PROGRAM);
        write(
            &format!("{slug}/berita/pertama.md"),
            &news(title, "2022-08-15", "event: { kind: rapat }\n"),
        );
    }
    site
}

#[test]
fn issue_16_the_province_has_one_index_over_every_regency() {
    let site = province();
    let out = site.run(&["build", "prov", "-o", "public"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let bundle = site.out().join("pagefind");
    assert!(bundle.join("pagefind-entry.json").is_file());
    // Per built regency one news item and one program; one news item of the external one.
    assert_eq!(page_count(&bundle), 5);
    assert!(
        !site.out().join("uji/pagefind").exists(),
        "regencies of a province share the province's index"
    );
    let index = index_text(&bundle);
    for name in FILTERS.iter().chain(&["Kabupaten/Kota"]) {
        assert!(index.contains(name), "filter `{name}` not in the index");
    }
    for regency in ["Kabupaten Uji", "Kota Uji", "Kabupaten Jauh"] {
        assert!(
            index.contains(regency),
            "regency `{regency}` not a filter value"
        );
    }
    assert!(
        site.read("cari/index.html")
            .contains(r#"data-bundle="/pagefind/""#)
    );
    // A regency's own search page uses the province's index, filtered to that regency.
    let own = site.read("uji/cari/index.html");
    assert!(own.contains(r#"<script src="/pagefind/pagefind-ui.js" defer></script>"#));
    assert!(own.contains(r#"data-filter-name="Kabupaten/Kota" data-filter-value="Kabupaten Uji""#));
    assert!(
        site.read("uji/berita/pertama/index.html")
            .contains(r#"action="/uji/cari/""#)
    );
    assert!(site.read("_headers").contains("'wasm-unsafe-eval'"));
}

#[test]
fn issue_16_search_false_in_province_yaml_turns_it_off_for_every_regency() {
    let site = province();
    let yaml = site.dir.path().join("prov/province.yaml");
    let text = read(&yaml);
    fs::write(&yaml, format!("{text}search: false\n")).unwrap();
    let out = site.run(&["build", "prov", "-o", "public"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!site.out().join("pagefind").exists());
    assert!(!site.out().join("cari").exists());
    assert!(!site.out().join("uji/cari").exists());
    assert!(
        !site
            .read("uji/berita/pertama/index.html")
            .contains("pagefind")
    );
}

/// Every file of the bundle by path, as written (compressed files as they are).
fn bundle_files(bundle: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut dirs = vec![bundle.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                let rel = path.strip_prefix(bundle).unwrap();
                files.push((rel.to_string_lossy().into_owned(), fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

/// The words of the bundle's word index, unpacked and joined.
fn indexed_words(bundle: &Path) -> String {
    let mut text = String::new();
    for entry in fs::read_dir(bundle.join("index")).unwrap().flatten() {
        text.push_str(&String::from_utf8_lossy(&unpacked(&entry.path())));
    }
    text
}

/// The kept parts' files in the province's cache folder, with when each was written.
fn kept_parts(site: &TestSite) -> Vec<(String, std::time::SystemTime)> {
    let dir = site.dir.path().join("prov/.cerdas-cache/cari");
    let mut parts: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".part"))
        .map(|e| {
            let written = e.metadata().and_then(|m| m.modified()).unwrap();
            (e.file_name().to_string_lossy().into_owned(), written)
        })
        .collect();
    parts.sort();
    parts
}

#[test]
fn issue_16_a_second_build_keeps_the_index_of_unchanged_regencies_and_reads_an_edit() {
    let site = province();
    let build = || {
        let out = site.run(&["build", "prov", "-o", "public"]);
        assert!(out.status.success(), "{}", stderr(&out));
    };
    let bundle = site.out().join("pagefind");
    build();
    let first = bundle_files(&bundle);
    let kept = kept_parts(&site);
    assert_eq!(
        kept.len(),
        2,
        "one kept index per regency built here: {kept:?}"
    );

    // Nothing changed: the same bundle, from the kept parts (not written again).
    build();
    assert_eq!(bundle_files(&bundle), first);
    assert_eq!(kept_parts(&site), kept);

    // A news item of `uji` is edited: the word it gains is found, `kota-uji` is kept as it
    // was, and the part kept for `uji`'s old pages is gone.
    let news = site.dir.path().join("prov/uji/berita/pertama.md");
    let text = read(&news);
    fs::write(
        &news,
        format!("{text}\nWarga menanam zamrudkatulistiwa di sawah.\n"),
    )
    .unwrap();
    assert!(!indexed_words(&bundle).contains("zamrudkatulistiwa"));
    build();
    assert!(indexed_words(&bundle).contains("zamrudkatulistiwa"));
    assert_eq!(page_count(&bundle), 5);
    let after = kept_parts(&site);
    assert_eq!(after.len(), 2, "{after:?}");
    assert_eq!(after.iter().filter(|p| kept.contains(p)).count(), 1);

    // Kept parts and compressed files that are damaged are made again, not trusted.
    let edited = bundle_files(&bundle);
    let compressed = site.dir.path().join("prov/.cerdas-cache/cari/bundle.kept");
    assert!(
        compressed.is_file(),
        "the bundle's compressed files are kept"
    );
    fs::write(&compressed, "rusak").unwrap();
    for (name, _) in &after {
        fs::write(
            site.dir.path().join("prov/.cerdas-cache/cari").join(name),
            "rusak",
        )
        .unwrap();
    }
    build();
    assert_eq!(bundle_files(&bundle), edited);
}

/// Each result's fragment (the text it shows, its tags), by page address.
fn fragments(bundle: &Path) -> Vec<(String, serde_json::Value)> {
    let mut fragments = Vec::new();
    for entry in fs::read_dir(bundle.join("fragment")).unwrap().flatten() {
        let bytes = unpacked(&entry.path());
        let json = bytes.strip_prefix(b"pagefind_dcd").unwrap();
        let fragment: serde_json::Value = serde_json::from_slice(json).unwrap();
        fragments.push((fragment["url"].as_str().unwrap().to_string(), fragment));
    }
    fragments.sort_by(|a, b| a.0.cmp(&b.0));
    fragments
}

/// The text each result shows (its fragment's `content`), by page address.
fn result_texts(bundle: &Path) -> Vec<(String, String)> {
    fragments(bundle)
        .into_iter()
        .map(|(url, f)| (url, f["content"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn issue_16_a_news_result_starts_with_its_title_and_shows_event_date_and_place_as_tags() {
    let site = regency().file(
        "berita/rapat.md",
        &news(
            "Rapat Koordinasi Tim",
            "2023-06-01",
            "event: { kind: rapat, stage: \"Tahap III\" }\nlocation: \"Aula Bappeda, Lubuk Basung\"\n",
        ),
    );
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let bundle = site.out().join("pagefind");
    let (_, fragment) = fragments(&bundle)
        .into_iter()
        .find(|(url, _)| url == "/berita/rapat/")
        .unwrap();
    let text = fragment["content"].as_str().unwrap();
    // The eyebrow and the date line above the text are not repeated in the excerpt...
    assert!(
        text.starts_with("Rapat Koordinasi Tim. Paragraf pertama"),
        "{text}"
    );
    assert!(
        !text.contains("Juni") && !text.contains("Bappeda"),
        "{text}"
    );
    // ...they are the result's tags, and their words are still found.
    let meta = &fragment["meta"];
    assert_eq!(meta["kegiatan"], "Rapat · Tahap III");
    assert_eq!(meta["tanggal"], "Kamis, 1 Juni 2023");
    assert_eq!(meta["tempat"], "Aula Bappeda, Lubuk Basung");
    let words = indexed_words(&bundle);
    for word in ["bappeda", "basung", "juni"] {
        assert!(words.contains(word), "{word} is not searchable");
    }
}

#[test]
fn issue_16_a_results_text_keeps_labels_and_values_apart() {
    let site = regency()
        .file(
            "program/indikator.md",
            &PROGRAM.replace(
                "summary:",
                "indicators:\n  - { name: \"Desa terhubung\", target: 80, achieved: 60 }\nsummary:",
            ),
        )
        .file(
            "berita/tabel.md",
            &news("Rapat Bahan", "2023-01-10", "").replace(
                "Paragraf kedua.",
                "| Bahan yang disiapkan | Penanggung jawab |\n|---|---|\n| Data | OPD |\n",
            ),
        );
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let texts = result_texts(&site.out().join("pagefind"));
    let text_of = |url: &str| {
        texts
            .iter()
            .find(|(u, _)| u == url)
            .map(|(_, t)| t.clone())
            .unwrap_or_else(|| panic!("no result for {url}: {texts:?}"))
    };
    let program = text_of("/program/indikator/");
    for words in [
        "Status Berjalan",
        "Perangkat daerah Diskominfo",
        "Indikator Target Capaian",
    ] {
        assert!(program.contains(words), "`{words}` not in: {program}");
    }
    let news = text_of("/berita/tabel/");
    assert!(
        news.contains("Bahan yang disiapkan Penanggung jawab"),
        "{news}"
    );
}
