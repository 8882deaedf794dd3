//! Which content file becomes which URL and which files will be published: what Markdown
//! links, images and front-matter references are resolved against.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::content::Content;
use crate::error::Text;
use crate::markdown::LinkTargets;

use super::images::{self, PictureMemo, Pictures, is_processed_picture};
use super::model::Urls;

/// A document that becomes a page, with where that page goes.
pub(super) struct Published<'a> {
    /// The Markdown file, relative to the site folder.
    pub(super) path: &'a Path,
    /// The page's site path, with its trailing slash (`berita/bimtek/`, `tentang/`).
    pub(super) page: String,
    /// The bundle folder, for `<slug>/index.md`.
    pub(super) bundle: Option<&'a PathBuf>,
    /// The other files of the bundle, relative to it.
    pub(super) assets: &'a [PathBuf],
}

/// Every document that becomes a page (news that are not drafts, programs, plain pages, the
/// masterplan), in that order.
pub(super) fn published_documents(content: &Content) -> Vec<Published<'_>> {
    let news = content.news.iter().filter(|d| !d.meta.draft);
    let mut out: Vec<Published<'_>> = news
        .map(|d| {
            placed(
                &d.path,
                format!("berita/{}/", d.slug),
                &d.bundle_dir,
                &d.assets,
            )
        })
        .collect();
    out.extend(content.programs.iter().map(|d| {
        placed(
            &d.path,
            format!("program/{}/", d.slug),
            &d.bundle_dir,
            &d.assets,
        )
    }));
    out.extend(
        content
            .pages
            .iter()
            .map(|d| placed(&d.path, format!("{}/", d.slug), &d.bundle_dir, &d.assets)),
    );
    out.extend(
        content
            .masterplan
            .iter()
            .map(|d| placed(&d.path, "masterplan/".into(), &d.bundle_dir, &d.assets)),
    );
    out
}

fn placed<'a>(
    path: &'a Path,
    page: String,
    bundle: &'a Option<PathBuf>,
    assets: &'a [PathBuf],
) -> Published<'a> {
    Published {
        path,
        page,
        bundle: bundle.as_ref(),
        assets,
    }
}

/// Maps content files to URLs and knows which other files exist, for link rewriting.
pub(super) struct ContentIndex {
    /// Content path (`berita/a.md`) to URL.
    pub(super) urls: HashMap<PathBuf, String>,
    /// Every non-Markdown file that will be published, by site path.
    pub(super) files: HashSet<PathBuf>,
    /// The pictures pages show and the files they become.
    pub(super) pictures: Pictures,
}

impl ContentIndex {
    pub(super) fn new(
        content: &Content,
        urls: &Urls,
        kept: Option<Arc<PictureMemo>>,
    ) -> ContentIndex {
        let mut map = HashMap::new();
        let mut files = HashSet::new();
        for doc in published_documents(content) {
            map.insert(doc.path.to_path_buf(), urls.path(&doc.page));
            if let Some(dir) = doc.bundle {
                files.extend(doc.assets.iter().map(|a| dir.join(a)));
            }
        }
        for f in &content.static_files {
            files.insert(Path::new("static").join(f));
        }
        ContentIndex {
            urls: map,
            files,
            pictures: Pictures::new(urls, &content.root, kept),
        }
    }
}

impl LinkTargets for ContentIndex {
    fn url_of(&self, path: &Path) -> Option<String> {
        self.urls.get(path).cloned()
    }
    fn file_exists(&self, path: &Path) -> bool {
        self.files.contains(path)
    }
    fn picture(&self, path: &Path, alt: &str) -> Result<Option<String>, (Text, Text)> {
        if !self.files.contains(path) || !is_processed_picture(path) {
            return Ok(None);
        }
        let source = self.pictures.root().join(path);
        let view = self.pictures.picture(&source, alt, "")?;
        Ok(Some(images::picture_html(
            &view,
            "(min-width: 48rem) 46rem, 100vw",
        )))
    }
}
