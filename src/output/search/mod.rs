//! The search index (takes rendered pages, gives Pagefind's bundle under `/pagefind/`): pages
//! the theme marks with `data-pagefind-body` (news, programs, the masterplan, plain pages) are
//! read with the filters, meta and sort keys their `data-pagefind-*` attributes carry; news
//! of a regency hosted elsewhere are added as records from its `data.json`. cerdas writes
//! the index itself, in Pagefind 1.6's format (`page` reads a page, `words` files its words,
//! `bundle` writes the files), each page on its own thread; Pagefind's own JS, CSS and
//! WebAssembly (taken from the `pagefind` crate) come with the bundle, so its standard UI
//! works unchanged.

mod bundle;
mod cbor;
mod kept;
mod pack;
mod page;
mod part;
mod words;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use rayon::prelude::*;

use crate::error::{Diagnostic, Diagnostics, Text};
use crate::province::ProvinceNews;
use crate::render::OutputFile;
use crate::render::theme::Theme;
use crate::text::packed::Body;

use bundle::Compressed;
pub use kept::KeptParts;
use pack::{Packed, Source};
use part::{PartIndex, merge_part};

/// The folder of the bundle, Pagefind's own place: its JS finds its index beside itself.
pub const BUNDLE_DIR: &str = "pagefind";

/// The script that starts Pagefind's UI on the search page, written into the bundle.
const START_SCRIPT: &str = include_str!("search.js");

/// The attribute that marks a page's content as searchable.
const BODY_MARKER: &[u8] = b"data-pagefind-body";

/// One search result that is not a rendered page (a news item of a regency hosted elsewhere).
#[derive(Clone, Debug, Default)]
pub struct SearchRecord {
    /// Its address: absolute, or root-relative without the portal's sub-path.
    pub url: String,
    /// The text that is searched (title and summary).
    pub content: String,
    /// Shown with the result: `title`, `image`, and any other key as a tag.
    pub meta: BTreeMap<String, String>,
    /// Filter name to values.
    pub filters: BTreeMap<String, Vec<String>>,
    /// Sort key to value.
    pub sort: BTreeMap<String, String>,
}

/// How pages are packed for one index: its language and the portal's sub-path.
#[derive(Clone)]
struct Packer {
    /// The language every page is indexed as (one index per portal: a province's regencies
    /// are searched together even where a regency's interface language differs).
    language: String,
    /// The portal's sub-path (`/portal` of `https://x.go.id/portal`), stripped from URLs:
    /// Pagefind's JS adds it back from where the bundle was loaded.
    base_path: String,
}

impl Packer {
    /// The searchable pages among `pages` (HTML files in order of path, [`html_in_order`]),
    /// packed in parallel and merged into a part's index, numbered in that order (the same
    /// pages give the same bundle).
    fn part(&self, pages: &[&OutputFile]) -> PartIndex {
        let packed = pages
            .par_iter()
            .filter_map(|file| {
                // Inflated one at a time (the preview server keeps its pages deflated).
                let bytes = file.bytes.plain();
                if !has_marker(&bytes) {
                    return None;
                }
                let html = match std::str::from_utf8(&bytes) {
                    Ok(html) => std::borrow::Cow::Borrowed(html),
                    Err(_) => String::from_utf8_lossy(&bytes),
                };
                let url = page_url(&file.path);
                Some(self.page(&html, &url))
            })
            .collect();
        merge_part(packed)
    }

    /// One page, packed.
    fn page(&self, html: &str, url: &str) -> Packed {
        // Only the marked part is read when that is all the page gives the index: the
        // portal's layout around it is more than half of every page.
        let text = match searchable_part(html) {
            Some((start, end, title)) => page::read(&html[start..end], Some(title)),
            None => page::read(html, None),
        };
        let stemmer = words::stemmer(&self.language);
        pack::pack(
            &Source {
                url,
                pieces: &text.pieces,
                anchors: &text.anchors,
                html: true,
                filters: &text.filters,
                meta: &text.meta,
                sort: &text.sort,
            },
            &self.language,
            stemmer.as_ref(),
        )
    }

    /// A record, packed: its content is searched as written, its meta and filters as given.
    fn record(&self, record: &SearchRecord) -> Packed {
        let url = match record.url.strip_prefix(&self.base_path) {
            Some(rest) if !self.base_path.is_empty() && rest.starts_with('/') => rest,
            _ => record.url.as_str(),
        };
        let stemmer = words::stemmer(&self.language);
        pack::pack(
            &Source {
                url,
                pieces: &[page::Piece::Text(record.content.clone())],
                anchors: &[],
                html: false,
                filters: &record.filters,
                meta: &record.meta,
                sort: &record.sort,
            },
            &self.language,
            stemmer.as_ref(),
        )
    }
}

/// A search index being filled: pages and records go in, the bundle's files come out.
pub struct SearchIndex {
    packer: Packer,
    /// The parts in so far, merged, in order.
    parts: Vec<Arc<PartIndex>>,
    /// Records in since the last part, packed, in order (a part of their own at the end).
    records: Vec<Packed>,
    /// The cache folder's kept parts, whose folder also keeps the last bundle's compressed
    /// files (set when the index was filled by a [`SharedIndex`]; the preview keeps them in
    /// its [`IndexMemo`] instead).
    kept_dir: Option<PathBuf>,
}

impl SearchIndex {
    /// An empty index whose words are stemmed as `language` (`id`, `en`).
    pub fn new(language: &str, base_path: &str) -> SearchIndex {
        SearchIndex {
            packer: Packer {
                language: language.to_string(),
                base_path: base_path.trim_end_matches('/').to_string(),
            },
            parts: Vec::new(),
            records: Vec::new(),
            kept_dir: None,
        }
    }

    /// Adds a part merged already.
    fn push(&mut self, part: Arc<PartIndex>) {
        self.flush_records();
        self.parts.push(part);
    }

    /// Adds a record that is not a rendered page.
    pub fn add_record(&mut self, record: SearchRecord) {
        self.records.push(self.packer.record(&record));
    }

    /// Makes the records in so far a part.
    fn flush_records(&mut self) {
        if !self.records.is_empty() {
            let records = std::mem::take(&mut self.records);
            self.parts.push(Arc::new(merge_part(records)));
        }
    }

    /// Builds the index and gives the bundle's files, under `pagefind/`. Its files that hold
    /// what they held at the last build are taken as compressed then.
    pub fn finish(self) -> Result<Vec<OutputFile>, Diagnostics> {
        let kept_dir = self.kept_dir.clone();
        let last = kept_dir
            .as_deref()
            .map(kept::read_compressed)
            .unwrap_or_default();
        let (files, made) = self.finish_with(&last)?;
        if let Some(dir) = kept_dir
            && !made.same_files(&last)
        {
            kept::keep_compressed(&dir, &made);
        }
        Ok(files)
    }

    /// The bundle's files, those that hold what they held in `last` taken from there, and
    /// what this bundle compressed.
    fn finish_with(
        mut self,
        last: &Compressed,
    ) -> Result<(Vec<OutputFile>, Compressed), Diagnostics> {
        self.flush_records();
        let language = self.packer.language;
        let ui = pagefind_files(&language)?;
        let wasm = ui
            .iter()
            .any(|(path, _)| *path == Path::new(&format!("wasm.{language}.pagefind")));
        let mut out: Vec<OutputFile> = ui
            .into_iter()
            .map(|(path, bytes)| OutputFile {
                path: Path::new(BUNDLE_DIR).join(path),
                bytes: Body::from(bytes),
            })
            .collect();
        let (index_files, made) = bundle::write(&self.parts, &language, wasm, last);
        out.extend(index_files.into_iter().map(|(path, bytes)| OutputFile {
            path: Path::new(BUNDLE_DIR).join(path),
            bytes,
        }));
        out.push(OutputFile::text(
            Path::new(BUNDLE_DIR).join("cerdas-search.js"),
            START_SCRIPT.to_string(),
        ));
        Ok((out, made))
    }
}

/// Files by path, with their bytes.
type UiFiles = Vec<(PathBuf, Vec<u8>)>;

/// Pagefind's own files for a bundle in `language`: its JS, CSS and WebAssembly, not its
/// index. They are what the crate writes for an index of one record, less that index (made
/// once per language and kept).
fn pagefind_files(language: &str) -> Result<UiFiles, Diagnostics> {
    static MADE: OnceLock<Mutex<HashMap<String, UiFiles>>> = OnceLock::new();
    let made = MADE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Ok(made) = made.lock()
        && let Some(files) = made.get(language)
    {
        return Ok(files.clone());
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| search_error(&e.to_string()))?;
    let options = PagefindServiceConfig::builder()
        .force_language(language.to_string())
        .build();
    let mut index = PagefindIndex::new(Some(options)).map_err(|e| search_error(&e.to_string()))?;
    runtime
        .block_on(index.add_custom_record(
            "/".into(),
            "cerdas".into(),
            language.to_string(),
            None,
            None,
            None,
        ))
        .map_err(|e| search_error(&e.to_string()))?;
    let files: Vec<(PathBuf, Vec<u8>)> = runtime
        .block_on(index.get_files())
        .map_err(|e| search_error(&e.to_string()))?
        .into_iter()
        .filter(|f| !is_index_data(&f.filename))
        .map(|f| (f.filename, f.contents))
        .collect();
    if let Ok(mut made) = made.lock() {
        made.insert(language.to_string(), files.clone());
    }
    Ok(files)
}

/// Whether a file Pagefind writes is index data (cerdas writes its own).
fn is_index_data(path: &Path) -> bool {
    let text = path.to_string_lossy();
    ["fragment/", "index/", "filter/"]
        .iter()
        .any(|d| text.starts_with(d))
        || text.ends_with(".pf_meta")
        || text == "pagefind-entry.json"
}

/// The theme's names for filters and meta (`search_filter_*`, `search_meta_*`), so records
/// added here are filed under the same names as the pages the templates mark.
pub struct SearchLabels<'t> {
    theme: &'t Theme,
}

impl<'t> SearchLabels<'t> {
    /// The names `theme` gives.
    pub fn of(theme: &'t Theme) -> SearchLabels<'t> {
        SearchLabels { theme }
    }

    fn get(&self, key: &str) -> String {
        self.theme
            .strings
            .get(key)
            .and_then(|v| v.as_str())
            .unwrap_or(key)
            .to_string()
    }

    /// The record of a news item of a regency hosted elsewhere (title and summary searched;
    /// kind, dimensions, year, event and regency as filters; date, regency and event shown),
    /// as the theme marks a news page.
    pub fn news_record(&self, n: &ProvinceNews) -> SearchRecord {
        let mut filters = BTreeMap::new();
        let mut event_meta = None;
        filters.insert(
            self.get("search_filter_kind"),
            vec![self.get("search_kind_berita")],
        );
        if !n.dimensions.is_empty() {
            filters.insert(
                self.get("search_filter_dimension"),
                n.dimensions.iter().map(|d| d.title.to_string()).collect(),
            );
        }
        filters.insert(
            self.get("search_filter_year"),
            vec![n.date.year.to_string()],
        );
        if let Some(event) = &n.event {
            let kind = serde_json::to_value(event.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let label = self.get(&format!("event_{kind}"));
            event_meta = Some(match &event.stage {
                Some(stage) => format!("{label} · {stage}"),
                None => label.clone(),
            });
            filters.insert(self.get("search_filter_event"), vec![label]);
        }
        filters.insert(
            self.get("search_filter_regency"),
            vec![n.regency_name.clone()],
        );
        let mut meta = BTreeMap::new();
        meta.insert("title".to_string(), n.title.clone());
        meta.insert(self.get("search_meta_date"), n.date.long.clone());
        meta.insert(self.get("search_meta_regency"), n.regency_name.clone());
        if let Some(event) = event_meta {
            meta.insert(self.get("search_meta_event"), event);
        }
        let mut sort = BTreeMap::new();
        sort.insert("date".to_string(), n.date.ymd.clone());
        SearchRecord {
            url: n.url.clone(),
            content: format!("{}. {}", n.title, n.summary),
            meta,
            filters,
            sort,
        }
    }
}

/// An index being filled, and the parts packed so far by number.
type Filling = (SearchIndex, BTreeMap<usize, PartIndex>);

/// An index filled by the threads that build the parts of a site (the regencies of a
/// province, on cerdas's thread pool): each thread packs and merges its part's pages itself
/// (in parallel, on the same pool) and files the part under its number, holding the lock only
/// to file it; `finish` puts the parts in in their order. Nothing waits on another thread,
/// so a pool thread can never wait for work queued behind itself.
pub struct SharedIndex {
    packer: Packer,
    /// Where parts' indexes are kept between builds.
    kept: KeptParts,
    /// The index, and the parts merged so far by number; taken by `finish`.
    state: Mutex<Option<Filling>>,
}

impl SharedIndex {
    /// Parts from number 0 go into `index`; a part whose pages were indexed by an earlier
    /// build is taken from `kept`.
    pub fn start(index: SearchIndex, kept: KeptParts) -> SharedIndex {
        SharedIndex {
            packer: index.packer.clone(),
            kept,
            state: Mutex::new(Some((index, BTreeMap::new()))),
        }
    }

    /// Part `number` is done with these files (none for a part with no pages here); every
    /// part must say so once. Its searchable pages are packed and merged here, on the calling
    /// thread.
    pub fn add_part(&self, number: usize, files: &[OutputFile]) {
        let pages = html_in_order(files);
        let part = self
            .kept
            .part(&self.packer, &pages, || self.packer.part(&pages));
        if let Ok(mut state) = self.state.lock()
            && let Some((_, parts)) = state.as_mut()
        {
            parts.insert(number, part);
        }
    }

    /// The index with every part in, in order (to add records to); `None` when it was taken
    /// before. Kept parts no part used this time are removed.
    pub fn finish(&self) -> Result<Option<SearchIndex>, Diagnostics> {
        let taken = self
            .state
            .lock()
            .map_err(|_| search_error("a thread filling the index stopped"))?
            .take();
        self.kept.prune();
        Ok(taken.map(|(mut index, parts)| {
            for (_, part) in parts {
                index.push(Arc::new(part));
            }
            index.kept_dir = Some(self.kept.dir().to_path_buf());
            index
        }))
    }
}

/// Whether the theme marked this page's content for the index.
pub fn is_searchable(file: &OutputFile) -> bool {
    is_html(file) && has_marker(&file.bytes.plain())
}

fn is_html(file: &OutputFile) -> bool {
    file.path.extension().is_some_and(|e| e == "html")
}

/// The HTML files of `files`, in order of path: what a part's index is made from.
fn html_in_order(files: &[OutputFile]) -> Vec<&OutputFile> {
    let mut pages: Vec<&OutputFile> = files.iter().filter(|f| is_html(f)).collect();
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    pages
}

fn has_marker(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, BODY_MARKER).is_some()
}

/// Where the element the theme marked with `data-pagefind-body` starts and ends, and the
/// page's `<title>`: what the index takes from the whole page (title, text, filters, meta,
/// sort keys and anchors all come from inside it when a site marks its content). `None` when
/// the marked element or its end cannot be found, or the page gives the index more than it
/// (a heading before it, `data-pagefind-*` outside it), and the whole page is read.
fn searchable_part(page: &str) -> Option<(usize, usize, &str)> {
    let (start, name) = marked_element(page)?;
    let end = element_end(page, start, name)?;
    let (before, after) = (&page[..start], &page[end..]);
    let attribute = "data-pagefind-";
    if contains_tag(before, "h1")
        || has_attribute(before, attribute)
        || has_attribute(after, attribute)
    {
        return None;
    }
    // The page's <title> is the title when the content has no heading.
    let title = element_text(before, "title").unwrap_or_default();
    Some((start, end, title))
}

/// Whether `html` holds a `<name` start tag (any letter case).
fn contains_tag(html: &str, name: &str) -> bool {
    memchr::memchr_iter(b'<', html.as_bytes()).any(|at| {
        let rest = &html.as_bytes()[at + 1..];
        rest.len() > name.len()
            && rest[..name.len()].eq_ignore_ascii_case(name.as_bytes())
            && (rest[name.len()].is_ascii_whitespace() || rest[name.len()] == b'>')
    })
}

/// What the first `<name>` element of `html` holds, as written.
fn element_text<'a>(html: &'a str, name: &str) -> Option<&'a str> {
    let open = html.find(&format!("<{name}>"))? + name.len() + 2;
    let close = html[open..].find(&format!("</{name}>"))?;
    Some(&html[open..open + close])
}

/// Where the start tag that carries the marker begins, and its name.
fn marked_element(page: &str) -> Option<(usize, &str)> {
    memchr::memmem::find_iter(page.as_bytes(), BODY_MARKER).find_map(|at| {
        let open = tag_around(page, at)?;
        let tag = &page[open + 1..at];
        let name_len = tag.find(|c: char| !c.is_ascii_alphanumeric())?;
        (name_len > 0).then(|| (open, &tag[..name_len]))
    })
}

/// Whether an attribute whose name starts with `prefix` is written in a tag of `html` (not
/// only as text).
fn has_attribute(html: &str, prefix: &str) -> bool {
    memchr::memmem::find_iter(html.as_bytes(), prefix.as_bytes())
        .any(|at| tag_around(html, at).is_some())
}

/// Where the tag that `at` is inside of starts (its `<`), when `at` is inside a tag.
fn tag_around(html: &str, at: usize) -> Option<usize> {
    let open = memchr::memrchr(b'<', &html.as_bytes()[..at])?;
    memchr::memchr(b'>', &html.as_bytes()[open..at])
        .is_none()
        .then_some(open)
}

/// The byte just after the end tag matching the `name` element that starts at `start`
/// (elements of the same name inside it are counted).
fn element_end(page: &str, start: usize, name: &str) -> Option<usize> {
    let bytes = page.as_bytes();
    let mut depth = 0usize;
    let mut at = start;
    while let Some(found) = memchr::memchr(b'<', &bytes[at..]) {
        let tag = at + found;
        let closing = bytes.get(tag + 1) == Some(&b'/');
        let name_at = tag + 1 + usize::from(closing);
        let ends_name = bytes
            .get(name_at + name.len())
            .is_some_and(|b| b.is_ascii_whitespace() || *b == b'>' || *b == b'/');
        let same = page
            .get(name_at..name_at + name.len())
            .is_some_and(|n| n.eq_ignore_ascii_case(name));
        if same && ends_name {
            if !closing {
                depth += 1;
            } else {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(tag + page[tag..].find('>')? + 1);
                }
            }
        }
        at = tag + 1;
    }
    None
}

/// The address of the page at `path` (`berita/a/index.html` -> `/berita/a/`), relative to the
/// portal's root.
fn page_url(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let dir = match text.strip_suffix("index.html") {
        Some(dir) => dir.to_string(),
        None => text,
    };
    format!("/{dir}")
}

/// The parts of the preview's last index, kept while they do not change, with the pages each
/// was made from (held, so that the same bytes in memory always mean the same page).
#[derive(Default)]
pub struct IndexMemo {
    /// The language and sub-path the parts were indexed with.
    packer: Option<(String, String)>,
    parts: Vec<(PartPages, Arc<PartIndex>)>,
    /// The last index's compressed files.
    compressed: Compressed,
}

/// A part's HTML files by path, with their bytes.
type PartPages = Vec<(PathBuf, Body)>;

/// A part's pages (HTML files in order of path) as its memo knows them.
fn memo_key(pages: &[&OutputFile]) -> PartPages {
    pages
        .iter()
        .map(|f| (f.path.clone(), f.bytes.clone()))
        .collect()
}

/// Indexes `parts` (the files of each part of the portal as served, in the order a build
/// indexes them) and `records` in one go: what the preview server runs in the background
/// after a rebuild. A part whose pages are the very ones `memo` indexed last time is not
/// read again; `memo` is left with this index's parts.
pub fn index_files(
    language: &str,
    base_path: &str,
    parts: &[Vec<OutputFile>],
    records: Vec<SearchRecord>,
    memo: &mut IndexMemo,
) -> Result<Vec<OutputFile>, Diagnostics> {
    let mut index = SearchIndex::new(language, base_path);
    let packer = Some((
        index.packer.language.clone(),
        index.packer.base_path.clone(),
    ));
    if memo.packer != packer {
        *memo = IndexMemo {
            packer,
            ..IndexMemo::default()
        };
    }
    let mut kept = Vec::with_capacity(parts.len());
    for files in parts {
        let pages = html_in_order(files);
        let key = memo_key(&pages);
        let known = memo.parts.iter().find(|(k, _)| {
            k.len() == key.len()
                && k.iter()
                    .zip(&key)
                    .all(|(a, b)| a.0 == b.0 && a.1.same(&b.1))
        });
        let part = match known {
            Some((_, part)) => Arc::clone(part),
            None => Arc::new(index.packer.part(&pages)),
        };
        index.push(Arc::clone(&part));
        kept.push((key, part));
    }
    memo.parts = kept;
    for record in records {
        index.add_record(record);
    }
    let (files, compressed) = index.finish_with(&memo.compressed)?;
    memo.compressed = compressed;
    Ok(files)
}

fn search_error(message: &str) -> Diagnostics {
    Diagnostic::file(
        BUNDLE_DIR,
        Text::new(
            format!("indeks pencarian tidak dapat dibuat: {message}"),
            format!("the search index cannot be built: {message}"),
        ),
    )
    .with_hint(Text::new(
        "matikan pencarian dengan `search: false` di site.yaml (atau province.yaml) bila masalah ini berlanjut",
        "turn search off with `search: false` in site.yaml (or province.yaml) if this goes on",
    ))
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn news_page(path: &str, title: &str, regency: &str) -> OutputFile {
        OutputFile::text(
            PathBuf::from(path),
            format!(
                "<html><head><title>{title}</title></head><body><nav>Menu</nav>\
                 <article data-pagefind-body><h1>{title}</h1>\
                 <p data-pagefind-filter=\"kabupaten\">{regency}</p>\
                 <p>Pembangunan jaringan di {regency}.</p></article></body></html>"
            ),
        )
    }

    fn bundle_files(files: &[OutputFile]) -> BTreeMap<PathBuf, Vec<u8>> {
        files
            .iter()
            .map(|f| (f.path.clone(), f.bytes.plain().into_owned()))
            .collect()
    }

    #[test]
    fn the_preview_reads_only_the_parts_that_changed_and_gives_a_fresh_index() {
        let agam = vec![news_page(
            "agam/berita/a/index.html",
            "Bimtek Tahap I",
            "Agam",
        )];
        let solok = vec![news_page(
            "solok/berita/b/index.html",
            "Sosialisasi",
            "Solok",
        )];
        let mut memo = IndexMemo::default();
        index_files("id", "", &[agam.clone(), solok], Vec::new(), &mut memo)
            .unwrap_or_else(|e| panic!("{e:?}"));
        let agam_part = Arc::clone(&memo.parts[0].1);

        // Solok's page is saved with a new title; Agam's is served as it was.
        let solok = vec![news_page(
            "solok/berita/b/index.html",
            "Peluncuran Aplikasi",
            "Solok",
        )];
        let parts = [agam, solok];
        let again = index_files("id", "", &parts, Vec::new(), &mut memo)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(
            Arc::ptr_eq(&memo.parts[0].1, &agam_part),
            "Agam was read again"
        );
        assert!(!Arc::ptr_eq(&memo.parts[1].1, &agam_part));

        let fresh = index_files("id", "", &parts, Vec::new(), &mut IndexMemo::default())
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(bundle_files(&again), bundle_files(&fresh));
    }

    #[test]
    fn the_preview_compresses_only_the_index_files_that_changed() {
        let index = |title: &str, memo: &mut IndexMemo| {
            let page = news_page("agam/berita/a/index.html", title, "Agam");
            index_files("id", "", &[vec![page]], Vec::new(), memo)
                .unwrap_or_else(|e| panic!("{e:?}"))
        };
        let is_index = |f: &&OutputFile| {
            let path = f.path.to_string_lossy();
            path.contains("/index/") || path.contains("/filter/") || path.ends_with(".pf_meta")
        };
        let mut memo = IndexMemo::default();
        let first = index("Bimtek Tahap I", &mut memo);
        let again = index("Bimtek Tahap I", &mut memo);
        let (first_index, again_index): (Vec<_>, Vec<_>) = (
            first.iter().filter(is_index).collect(),
            again.iter().filter(is_index).collect(),
        );
        assert!(first_index.len() >= 3);
        for (a, b) in first_index.iter().zip(&again_index) {
            assert_eq!(a.path, b.path);
            assert!(
                a.bytes.same(&b.bytes),
                "{} compressed again",
                a.path.display()
            );
        }

        let edited = index("Peluncuran Aplikasi", &mut memo);
        let fresh = index("Peluncuran Aplikasi", &mut IndexMemo::default());
        assert_eq!(bundle_files(&edited), bundle_files(&fresh));
        assert_ne!(bundle_files(&edited), bundle_files(&first));
    }

    #[test]
    fn page_urls_drop_index_html() {
        assert_eq!(
            page_url(Path::new("berita/a/index.html")),
            "/berita/a/".to_string()
        );
        assert_eq!(
            page_url(Path::new("agam/tentang/index.html")),
            "/agam/tentang/"
        );
        assert_eq!(page_url(Path::new("404.html")), "/404.html");
    }

    #[test]
    fn only_marked_html_is_searchable() {
        let marked = OutputFile::text("a/index.html", "<main data-pagefind-body>x</main>".into());
        let plain = OutputFile::text("b/index.html", "<main>x</main>".into());
        let json = OutputFile::text("c.json", "data-pagefind-body".into());
        assert!(is_searchable(&marked));
        assert!(!is_searchable(&plain));
        assert!(!is_searchable(&json));
    }

    /// A news page as the theme lays it out: menus, a search box and a footer around the
    /// marked article, which holds an inner `<article>`, the filters and a photo.
    const NEWS_PAGE: &str = r#"<!DOCTYPE html><html lang="id"><head><title>Bimtek | Agam</title>
<meta name="description" content="Portal"></head><body>
<header><a href="/">Kabupaten Agam</a><nav><a href="/berita/">Berita</a><a href="/program/">Program</a></nav>
<form action="/cari/"><input name="q" aria-label="Cari"></form><p class="site">Portal Smart City</p></header>
<main><article class="news" data-pagefind-body>
<h1>Bimtek Tahap II pembangunan jalan</h1><p class="meta"><time data-pagefind-meta="tanggal" data-pagefind-sort="date:2025-03-01">1 Maret 2025</time></p>
<img src="/berita/a/foto-480.jpg" alt="Peserta">
<article class="quote"><p>Petani mengairi sawah.</p></article>
<h2 id="hasil">Hasil</h2><p>Jaringan irigasi dan pengairan nagari.</p>
<div hidden><span data-pagefind-filter="Jenis:Berita"></span><span data-pagefind-filter="Tahun:2025"></span></div>
</article>
<aside><h2>Berita lain</h2><a href="/berita/b/">Sosialisasi masterplan</a></aside></main>
<footer><p>Diskominfo Agam, data-pagefind-body is written here as text.</p></footer></body></html>"#;

    fn read_part(html: &str) -> page::PageText {
        let (start, end, title) = searchable_part(html).unwrap();
        page::read(&html[start..end], Some(title))
    }

    #[test]
    fn the_marked_part_gives_what_the_whole_page_gives() {
        let (start, end, title) = searchable_part(NEWS_PAGE).unwrap();
        let part = &NEWS_PAGE[start..end];
        assert!(part.starts_with("<article class=\"news\" data-pagefind-body>"));
        assert!(part.ends_with("</div>\n</article>"), "{part}");
        assert_eq!(title, "Bimtek | Agam");
        let (whole, part) = (page::read(NEWS_PAGE, None), read_part(NEWS_PAGE));
        assert_eq!(part.pieces, whole.pieces);
        assert_eq!(part.meta, whole.meta);
        assert_eq!(part.filters, whole.filters);
        assert_eq!(part.sort, whole.sort);
        assert_eq!(part.meta["title"], "Bimtek Tahap II pembangunan jalan");
    }

    #[test]
    fn a_page_whose_marked_element_does_not_end_is_read_whole() {
        assert_eq!(searchable_part("<main data-pagefind-body><p>x</p>"), None);
        let title_outside = NEWS_PAGE.replace("<p class=\"site\">", "<H1 class=\"site\">");
        assert_eq!(searchable_part(&title_outside), None);
        let filter_outside = NEWS_PAGE.replace("<aside>", "<aside data-pagefind-filter=\"x:y\">");
        assert_eq!(searchable_part(&filter_outside), None);
        assert_eq!(searchable_part("<p>data-pagefind-body</p>"), None);
        let nested = "<p>data-pagefind-body</p><DIV data-pagefind-body>a<div>b</div></Div>c";
        let (start, end, _) = searchable_part(nested).unwrap();
        assert_eq!(
            &nested[start..end],
            "<DIV data-pagefind-body>a<div>b</div></Div>"
        );
    }
}
