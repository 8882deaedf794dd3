//! `--map MAP.yaml`: which dimensions and programs the news of a WordPress category concern.
//!
//! ```yaml
//! categories:
//!   e-government:                     # the category's slug, or its name as written
//!     dimensions: [smart-governance]
//!     programs: [satu-data-agam]      # slugs of files in program/ (must exist)
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::content::encoding::read_text_file;
use crate::content::frontmatter::parse_yaml;
use crate::content::types::{Dimension, Slug};
use crate::error::{Diagnostic, Diagnostics, Text};

/// What one category brings to its news.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryMap {
    /// Dimensions added to the news of the category.
    #[serde(default)]
    pub dimensions: Vec<Dimension>,
    /// Programs added to the news of the category.
    #[serde(default)]
    pub programs: Vec<Slug>,
}

/// The whole map file.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportMap {
    /// By category slug or name.
    #[serde(default)]
    pub categories: BTreeMap<String, CategoryMap>,
}

impl ImportMap {
    /// The mapping of the category with `nicename` and `name`, if the map names it.
    pub fn category(&self, nicename: &str, name: &str) -> Option<&CategoryMap> {
        self.categories
            .get(nicename)
            .or_else(|| self.categories.get(name))
            .or_else(|| {
                self.categories
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v)
            })
    }
}

/// Reads the map at `path`, checking that every program it names exists in `site`.
pub fn read_map(path: &Path, site: &Path) -> Result<ImportMap, Diagnostics> {
    let source = read_text_file(path, path)?;
    let map: ImportMap = parse_yaml(path, &source, &source, 1)?;
    let mut errors = Vec::new();
    for cat in map.categories.values() {
        for p in &cat.programs {
            let program = site.join("program");
            let exists = program.join(format!("{p}.md")).is_file()
                || program.join(p.as_str()).join("index.md").is_file();
            if !exists {
                errors.push(
                    Diagnostic::at_key(
                        path,
                        &source,
                        "programs",
                        p.as_str(),
                        Text::new(
                            format!("program `{p}` tidak ada di folder program/ situs"),
                            format!("there is no program `{p}` in the site's program/ folder"),
                        ),
                    )
                    .with_hint(Text::new(
                        "buat dulu dengan `cerdas new program \"...\"`, atau tulis slug program yang ada",
                        "make it first with `cerdas new program \"...\"`, or write the slug of an existing program",
                    )),
                );
            }
        }
    }
    if errors.is_empty() {
        Ok(map)
    } else {
        Err(Diagnostics(errors))
    }
}
