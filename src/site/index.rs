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
        let mut add = |path: &Path, url: String, bundle: Option<&PathBuf>, assets: &[PathBuf]| {
            map.insert(path.to_path_buf(), url.clone());
            if let Some(dir) = bundle {
                for a in assets {
                    files.insert(dir.join(a));
                }
            }
        };
        for d in content.news.iter().filter(|d| !d.meta.draft) {
            add(
                &d.path,
                urls.path(&format!("berita/{}/", d.slug)),
                d.bundle_dir.as_ref(),
                &d.assets,
            );
        }
        for d in &content.programs {
            add(
                &d.path,
                urls.path(&format!("program/{}/", d.slug)),
                d.bundle_dir.as_ref(),
                &d.assets,
            );
        }
        for d in &content.pages {
            add(
                &d.path,
                urls.path(&format!("{}/", d.slug)),
                d.bundle_dir.as_ref(),
                &d.assets,
            );
        }
        if let Some(d) = &content.masterplan {
            add(
                &d.path,
                urls.path("masterplan/"),
                d.bundle_dir.as_ref(),
                &d.assets,
            );
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
