//! Search (issue 16): the index cerdas writes itself, in Pagefind 1.6's format, finds what
//! Pagefind's own index of the same pages finds. The sample province is built, its
//! searchable pages (and two records of a regency hosted elsewhere) are indexed once by
//! cerdas and once by the Pagefind library (kept for this test only), both bundles are
//! inflated and decoded, and what a search can give is compared: the words, the pages each
//! word finds, the filters and their pages, each page's meta (title, date, regency, picture)
//! and excerpt text, and the date order.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use cerdas::output::search::{IndexMemo, SearchRecord, index_files, is_searchable};
use cerdas::render::OutputFile;
use common::*;
use minicbor::Decoder;
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

/// A bundle as files: path under the bundle's folder to bytes.
type Files = BTreeMap<String, Vec<u8>>;

/// A word on one page: its accented form (none for the plain form), the page's URL, its
/// packed positions in the text and in meta.
type Posting = (Option<String>, String, Vec<i32>, Vec<i32>);

/// What a search can give from one bundle, by page URL.
#[derive(Debug, Default)]
struct Decoded {
    /// Page number to URL.
    urls: Vec<String>,
    /// Indexed word to the URLs of the pages it finds (plain forms and accented variants).
    words: BTreeMap<String, BTreeSet<String>>,
    /// Indexed word to its positions and weights on each page, as packed (text, meta), and its
    /// accented variants likewise.
    positions: BTreeMap<String, Vec<Posting>>,
    /// Filter to value to URLs.
    filters: BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
    /// URL to its fragment (`content`, `meta`, `filters`, `word_count`, `anchors`).
    fragments: BTreeMap<String, serde_json::Value>,
    /// Sort key to URLs in order.
    sorts: BTreeMap<String, Vec<String>>,
    /// Meta field names.
    meta_fields: Vec<String>,
}

fn inflate(gz: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(gz)
        .read_to_end(&mut out)
        .unwrap();
    assert!(out.starts_with(b"pagefind_dcd"), "no signature");
    out.split_off(12)
}

fn len(d: &mut Decoder) -> u64 {
    d.array().unwrap().expect("definite array")
}

/// A page's number delta and packed positions in the text and in meta.
fn page_entry(d: &mut Decoder) -> (u64, Vec<i32>, Vec<i32>) {
    assert_eq!(len(d), 3);
    let delta = d.u64().unwrap();
    let mut locs = [Vec::new(), Vec::new()];
    for list in &mut locs {
        for _ in 0..len(d) {
            list.push(d.i32().unwrap());
        }
    }
    let [text, meta] = locs;
    (delta, text, meta)
}

/// The pages of a word (or of one of its variants) with their positions.
fn pages_of(d: &mut Decoder, urls: &[String]) -> Vec<(String, Vec<i32>, Vec<i32>)> {
    let mut page = 0;
    let mut found = Vec::new();
    for _ in 0..len(d) {
        let (delta, text, meta) = page_entry(d);
        page += delta;
        found.push((urls[page as usize].clone(), text, meta));
    }
    found
}

fn decode(files: &Files) -> Decoded {
    let entry: serde_json::Value = serde_json::from_slice(&files["pagefind-entry.json"]).unwrap();
    let language = &entry["languages"]["id"];
    assert_eq!(entry["version"], "1.6.0");
    assert_eq!(language["wasm"], "id");
    let meta = inflate(&files[&format!("pagefind.{}.pf_meta", language["hash"].as_str().unwrap())]);
    let mut d = Decoder::new(&meta);
    let mut out = Decoded::default();
    assert_eq!(len(&mut d), 6);
    assert_eq!(d.str().unwrap(), "1.6.0");
    for _ in 0..len(&mut d) {
        assert_eq!(len(&mut d), 3);
        let hash = d.str().unwrap().to_string();
        let word_count = d.u32().unwrap();
        assert_eq!(d.str().unwrap(), "");
        let fragment: serde_json::Value =
            serde_json::from_slice(&inflate(&files[&format!("fragment/{hash}.pf_fragment")]))
                .unwrap();
        assert_eq!(fragment["word_count"], word_count);
        let url = fragment["url"].as_str().unwrap().to_string();
        out.urls.push(url.clone());
        out.fragments.insert(url, fragment);
    }
    assert_eq!(language["page_count"], out.urls.len());
    let mut chunks = Vec::new();
    for _ in 0..len(&mut d) {
        assert_eq!(len(&mut d), 3);
        let from = d.str().unwrap().to_string();
        let to = d.str().unwrap().to_string();
        chunks.push((from, to, d.str().unwrap().to_string()));
    }
    let mut filters = Vec::new();
    for _ in 0..len(&mut d) {
        assert_eq!(len(&mut d), 2);
        filters.push((d.str().unwrap().to_string(), d.str().unwrap().to_string()));
    }
    for _ in 0..len(&mut d) {
        assert_eq!(len(&mut d), 2);
        let key = d.str().unwrap().to_string();
        let order = (0..len(&mut d))
            .map(|_| out.urls[d.u64().unwrap() as usize].clone())
            .collect();
        out.sorts.insert(key, order);
    }
    for _ in 0..len(&mut d) {
        out.meta_fields.push(d.str().unwrap().to_string());
    }
    for (_from, _to, hash) in chunks {
        let data = inflate(&files[&format!("index/{hash}.pf_index")]);
        let mut d = Decoder::new(&data);
        assert_eq!(len(&mut d), 1);
        for _ in 0..len(&mut d) {
            assert_eq!(len(&mut d), 3);
            let word = d.str().unwrap().to_string();
            let mut found: Vec<_> = pages_of(&mut d, &out.urls)
                .into_iter()
                .map(|(url, text, meta)| (None, url, text, meta))
                .collect();
            for _ in 0..len(&mut d) {
                assert_eq!(len(&mut d), 2);
                let form = d.str().unwrap().to_string();
                found.extend(
                    pages_of(&mut d, &out.urls)
                        .into_iter()
                        .map(|(url, text, meta)| (Some(form.clone()), url, text, meta)),
                );
            }
            found.sort();
            out.words
                .insert(word.clone(), found.iter().map(|f| f.1.clone()).collect());
            out.positions.insert(word, found);
        }
    }
    for (filter, hash) in filters {
        let data = inflate(&files[&format!("filter/{hash}.pf_filter")]);
        let mut d = Decoder::new(&data);
        assert_eq!(len(&mut d), 2);
        assert_eq!(d.str().unwrap(), filter);
        let values = out.filters.entry(filter).or_default();
        for _ in 0..len(&mut d) {
            assert_eq!(len(&mut d), 2);
            let value = d.str().unwrap().to_string();
            let pages = (0..len(&mut d))
                .map(|_| out.urls[d.u64().unwrap() as usize].clone())
                .collect();
            values.insert(value, pages);
        }
    }
    out
}

/// The sample province's built files that the index reads.
fn sample_pages() -> Vec<OutputFile> {
    let site = TestSite::new();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("content-sample");
    let out = site.run(&["build", sample.to_str().unwrap(), "-o", "public"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut files = Vec::new();
    let mut dirs = vec![site.out()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "html") {
                let rel: PathBuf = path.strip_prefix(site.out()).unwrap().to_path_buf();
                let file = OutputFile::text(rel, std::fs::read_to_string(&path).unwrap());
                if is_searchable(&file) {
                    files.push(file);
                }
            }
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// Two news items of a regency hosted elsewhere, as the province adds them.
fn records() -> Vec<SearchRecord> {
    let record = |slug: &str, title: &str, date: &str, year: &str| SearchRecord {
        url: format!("https://jauh.example.go.id/berita/{slug}/"),
        content: format!("{title}. Ringkasan kegiatan pembangunan di Café Nagari, tahap-II."),
        meta: BTreeMap::from([
            ("title".to_string(), title.to_string()),
            ("Tanggal".to_string(), date.to_string()),
            ("Kabupaten/Kota".to_string(), "Kabupaten Jauh".to_string()),
        ]),
        filters: BTreeMap::from([
            ("Jenis".to_string(), vec!["Berita".to_string()]),
            ("Tahun".to_string(), vec![year.to_string()]),
            (
                "Kabupaten/Kota".to_string(),
                vec!["Kabupaten Jauh".to_string()],
            ),
        ]),
        sort: BTreeMap::from([("date".to_string(), format!("{year}-01-0{}", slug.len() % 9))]),
    };
    vec![
        record(
            "jembatan",
            "Peresmian Jembatan Gantung",
            "2 Januari 2021",
            "2021",
        ),
        record(
            "pasar-baru",
            "Pembangunan Pasar Baru",
            "3 Januari 2024",
            "2024",
        ),
    ]
}

/// The same pages and records through the Pagefind library, as cerdas indexed them before.
fn pagefind_bundle(pages: &[OutputFile], records: Vec<SearchRecord>) -> Files {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let options = PagefindServiceConfig::builder()
        .force_language("id".to_string())
        .build();
    let mut index = PagefindIndex::new(Some(options)).unwrap();
    for page in pages {
        let url = format!("/{}", page.path.to_string_lossy());
        let url = url.strip_suffix("index.html").unwrap_or(&url).to_string();
        let html = String::from_utf8(page.bytes.plain().to_vec()).unwrap();
        runtime
            .block_on(index.add_html_file(None, Some(url), html))
            .unwrap();
    }
    for r in records {
        runtime
            .block_on(index.add_custom_record(
                r.url,
                r.content,
                "id".into(),
                Some(r.meta),
                Some(r.filters),
                Some(r.sort),
            ))
            .unwrap();
    }
    runtime
        .block_on(index.get_files())
        .unwrap()
        .into_iter()
        .map(|f| (f.filename.to_string_lossy().into_owned(), f.contents))
        .collect()
}

fn cerdas_bundle(pages: &[OutputFile], records: Vec<SearchRecord>) -> Files {
    index_files(
        "id",
        "",
        &[pages.to_vec()],
        records,
        &mut IndexMemo::default(),
    )
    .unwrap()
    .into_iter()
    .map(|f| {
        let path = f
            .path
            .strip_prefix("pagefind")
            .unwrap()
            .to_string_lossy()
            .into_owned();
        (path, f.bytes.plain().to_vec())
    })
    .collect()
}

#[test]
fn issue_16_cerdas_index_finds_what_pagefinds_own_index_finds() {
    let pages = sample_pages();
    assert!(pages.len() > 50, "{} searchable pages", pages.len());
    let theirs_files = pagefind_bundle(&pages, records());
    let ours_files = cerdas_bundle(&pages, records());
    let (theirs, ours) = (decode(&theirs_files), decode(&ours_files));

    // The same pages, in the same order.
    assert_eq!(ours.urls, theirs.urls);
    // The same words, each finding the same pages (so `bangun` finds `pembangunan` pages).
    let only_ours: Vec<_> = ours
        .words
        .keys()
        .filter(|w| !theirs.words.contains_key(*w))
        .collect();
    let only_theirs: Vec<_> = theirs
        .words
        .keys()
        .filter(|w| !ours.words.contains_key(*w))
        .collect();
    assert!(
        only_ours.is_empty() && only_theirs.is_empty(),
        "only ours: {only_ours:?}\nonly Pagefind's: {only_theirs:?}"
    );
    for (word, pages) in &theirs.words {
        assert_eq!(&ours.words[word], pages, "pages of `{word}`");
    }
    assert!(ours.words["bangun"].len() > 5);
    // Even the positions and weights (headings weigh more) are Pagefind's, so results rank
    // and excerpts highlight the same.
    for (word, positions) in &theirs.positions {
        assert_eq!(&ours.positions[word], positions, "positions of `{word}`");
    }
    // The same filters, values and pages.
    assert_eq!(ours.filters, theirs.filters);
    assert!(ours.filters["Kabupaten/Kota"].contains_key("Kabupaten Jauh"));
    // Each page shows the same: title, date, regency, picture, excerpt text, anchors.
    assert_eq!(ours.meta_fields, theirs.meta_fields);
    for (url, fragment) in &theirs.fragments {
        assert_eq!(&ours.fragments[url], fragment, "fragment of {url}");
    }
    // The same newest-first order (the UI sorts by `date`).
    assert_eq!(ours.sorts, theirs.sorts);
    // Pagefind's own JS, CSS and WebAssembly are shipped as the crate writes them.
    for (path, bytes) in &theirs_files {
        let data = ["fragment/", "index/", "filter/"]
            .iter()
            .any(|d| path.starts_with(d))
            || path.ends_with(".pf_meta")
            || path == "pagefind-entry.json";
        if !data {
            assert_eq!(ours_files.get(path), Some(bytes), "{path}");
        }
    }
}
