//! The search index (takes rendered pages, gives Pagefind's bundle under `/pagefind/`): pages
//! the theme marks with `data-pagefind-body` (news, programs, the masterplan, plain pages) are
//! fed to Pagefind as a library, in memory, with the filters, meta and sort keys their
//! `data-pagefind-*` attributes carry; news of a regency hosted elsewhere are added as custom
//! records from its `data.json`. Pagefind's own JS, CSS and WebAssembly come with the bundle,
//! so its standard UI works unchanged.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use crate::error::{Diagnostic, Diagnostics, Text};
use crate::province::ProvinceNews;
use crate::render::OutputFile;
use crate::render::theme::Theme;
use crate::text::packed::Body;

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

/// A Pagefind index being filled: pages and records go in, the bundle's files come out.
pub struct SearchIndex {
    runtime: tokio::runtime::Runtime,
    index: PagefindIndex,
    /// The language every page is indexed as (one index per portal: a province's regencies
    /// are searched together even where a regency's interface language differs).
    language: String,
    /// The portal's sub-path (`/portal` of `https://x.go.id/portal`), stripped from URLs:
    /// Pagefind's JS adds it back from where the bundle was loaded.
    base_path: String,
    /// How many pages and records went in.
    pub entries: usize,
}

impl SearchIndex {
    /// An empty index whose words are stemmed as `language` (`id`, `en`).
    pub fn new(language: &str, base_path: &str) -> Result<SearchIndex, Diagnostics> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .map_err(|e| search_error(&e.to_string()))?;
        let options = PagefindServiceConfig::builder()
            .force_language(language.to_string())
            .build();
        let index = PagefindIndex::new(Some(options)).map_err(|e| search_error(&e.to_string()))?;
        Ok(SearchIndex {
            runtime,
            index,
            language: language.to_string(),
            base_path: base_path.trim_end_matches('/').to_string(),
            entries: 0,
        })
    }

    /// Adds the pages of `files` that the theme marked searchable, in the order of their
    /// paths (Pagefind numbers pages as they come: the same pages give the same bundle);
    /// `prefix` is the folder they are published under (empty but in tests).
    pub fn add_pages(&mut self, files: &[OutputFile], prefix: &Path) -> Result<(), Diagnostics> {
        let mut pages: Vec<&OutputFile> = files.iter().filter(|f| is_html(f)).collect();
        pages.sort_by(|a, b| a.path.cmp(&b.path));
        for file in pages {
            // Inflated one at a time (the preview server keeps its pages deflated).
            let bytes = file.bytes.plain();
            if !has_marker(&bytes) {
                continue;
            }
            let url = page_url(&prefix.join(&file.path));
            let html = String::from_utf8_lossy(&bytes).into_owned();
            self.runtime
                .block_on(self.index.add_html_file(None, Some(url), html))
                .map_err(|e| page_error(&file.path, &e.to_string()))?;
            self.entries += 1;
        }
        Ok(())
    }

    /// Adds a record that is not a rendered page.
    pub fn add_record(&mut self, record: SearchRecord) -> Result<(), Diagnostics> {
        let url = match record.url.strip_prefix(&self.base_path) {
            Some(rest) if !self.base_path.is_empty() && rest.starts_with('/') => rest.to_string(),
            _ => record.url.clone(),
        };
        self.runtime
            .block_on(self.index.add_custom_record(
                url,
                record.content,
                self.language.clone(),
                Some(record.meta),
                Some(record.filters),
                Some(record.sort),
            ))
            .map_err(|e| page_error(Path::new(&record.url), &e.to_string()))?;
        self.entries += 1;
        Ok(())
    }

    /// Builds the index and gives the bundle's files, under `pagefind/`.
    pub fn finish(mut self) -> Result<Vec<OutputFile>, Diagnostics> {
        let files = self
            .runtime
            .block_on(self.index.get_files())
            .map_err(|e| search_error(&e.to_string()))?;
        let mut out: Vec<OutputFile> = files
            .into_iter()
            .map(|f| OutputFile {
                path: Path::new(BUNDLE_DIR).join(f.filename),
                bytes: Body::from(f.contents),
            })
            .collect();
        out.push(OutputFile::text(
            Path::new(BUNDLE_DIR).join("cerdas-search.js"),
            START_SCRIPT.to_string(),
        ));
        Ok(out)
    }
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
    /// kind, dimensions, year, event and regency as filters; date and regency shown).
    pub fn news_record(&self, n: &ProvinceNews) -> SearchRecord {
        let mut filters = BTreeMap::new();
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
            filters.insert(
                self.get("search_filter_event"),
                vec![self.get(&format!("event_{kind}"))],
            );
        }
        filters.insert(
            self.get("search_filter_regency"),
            vec![n.regency_name.clone()],
        );
        let mut meta = BTreeMap::new();
        meta.insert("title".to_string(), n.title.clone());
        meta.insert(self.get("search_meta_date"), n.date.long.clone());
        meta.insert(self.get("search_meta_regency"), n.regency_name.clone());
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

/// One index fed by parts of a site that are built in parallel and finish in any order
/// (the regencies of a province): each part's pages go in in the parts' own order, so the
/// bundle does not depend on which finished first. A part that finished early waits, holding
/// only its searchable pages (shared, not copied), until the parts before it are in.
pub struct OrderedIndex {
    index: SearchIndex,
    /// The next part to go in.
    next: usize,
    /// Parts that finished before `next`, by number.
    held: BTreeMap<usize, Vec<OutputFile>>,
}

impl OrderedIndex {
    /// Parts from number 0 go into `index`.
    pub fn new(index: SearchIndex) -> OrderedIndex {
        OrderedIndex {
            index,
            next: 0,
            held: BTreeMap::new(),
        }
    }

    /// Part `number` is done with these files (none for a part with no pages here); every
    /// part must say so once.
    pub fn add_part(&mut self, number: usize, files: &[OutputFile]) -> Result<(), Diagnostics> {
        let pages: Vec<OutputFile> = files.iter().filter(|f| is_searchable(f)).cloned().collect();
        self.held.insert(number, pages);
        while let Some(pages) = self.held.remove(&self.next) {
            self.index.add_pages(&pages, Path::new(""))?;
            self.next += 1;
        }
        Ok(())
    }

    /// Every part in, in order (those still held too), and the index to add records to.
    pub fn into_index(mut self) -> Result<SearchIndex, Diagnostics> {
        for (_, pages) in std::mem::take(&mut self.held) {
            self.index.add_pages(&pages, Path::new(""))?;
        }
        Ok(self.index)
    }
}

/// Whether the theme marked this page's content for the index.
pub fn is_searchable(file: &OutputFile) -> bool {
    is_html(file) && has_marker(&file.bytes.plain())
}

fn is_html(file: &OutputFile) -> bool {
    file.path.extension().is_some_and(|e| e == "html")
}

fn has_marker(bytes: &[u8]) -> bool {
    bytes.windows(BODY_MARKER.len()).any(|w| w == BODY_MARKER)
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

/// Indexes `parts` (the files of each part of the portal as served, in the order a build
/// indexes them) and `records` in one go: what the preview server runs in the background
/// after a rebuild.
pub fn index_files(
    language: &str,
    base_path: &str,
    parts: &[Vec<OutputFile>],
    records: Vec<SearchRecord>,
) -> Result<Vec<OutputFile>, Diagnostics> {
    let mut index = SearchIndex::new(language, base_path)?;
    for files in parts {
        index.add_pages(files, &PathBuf::new())?;
    }
    for record in records {
        index.add_record(record)?;
    }
    index.finish()
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

fn page_error(path: &Path, message: &str) -> Diagnostics {
    Diagnostic::file(
        path,
        Text::new(
            format!("halaman ini tidak dapat dimasukkan ke indeks pencarian: {message}"),
            format!("this page cannot be added to the search index: {message}"),
        ),
    )
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
