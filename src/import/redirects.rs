//! The old addresses of what was imported, added to the site's `redirects.yaml` (which the
//! build turns into `_redirects`, `.htaccess` rules, an nginx map and pages at the old paths).
//! Entries already in the file are kept as they are and never added twice, so importing the
//! same export again leaves the file untouched.

use std::collections::HashSet;
use std::fs;
use std::io::Write;
use std::path::Path;

use crate::content::redirects::{OldAddress, PagePath, REDIRECTS_FILE, Redirect, parse_redirects};
use crate::content::types::RESERVED_SLUGS;
use crate::error::Diagnostic;
use crate::scaffold::text::yaml_quote;

/// The redirects an import adds.
#[derive(Default)]
pub struct RedirectPlan {
    /// New entries, in the order they were found.
    entries: Vec<Redirect>,
    /// Old addresses already taken (by an entry, or by a page of the site).
    taken: HashSet<String>,
}

impl RedirectPlan {
    /// A plan that never redirects from the paths of the site's own plain pages.
    pub fn new(page_slugs: impl IntoIterator<Item = String>) -> RedirectPlan {
        let mut taken: HashSet<String> = page_slugs.into_iter().map(|s| format!("/{s}/")).collect();
        taken.insert("/".to_string());
        RedirectPlan {
            entries: Vec::new(),
            taken,
        }
    }

    /// Adds `from` -> `to` unless `from` is not a plain address, leads to itself, is taken,
    /// or starts with a folder cerdas writes itself (`/berita/`, `/tag/`, ...).
    pub fn add(&mut self, from: &str, to: &str) {
        let Ok(from) = OldAddress::parse(from) else {
            return;
        };
        let Ok(to) = PagePath::parse(to) else {
            return;
        };
        let key = match &from.query {
            Some(_) => from.to_string(),
            None => format!("/{}/", from.path.trim_matches('/')),
        };
        let first = from
            .path
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or("");
        if from.query.is_none() && (key == to.as_str() || RESERVED_SLUGS.contains(&first)) {
            return;
        }
        if self.taken.insert(key) {
            self.entries.push(Redirect { from, to });
        }
    }

    /// Appends the entries not already in `redirects.yaml` of `dir` to it (creating it);
    /// gives how many were added. A file that does not read is an error, and is not touched.
    pub fn write(&self, dir: &Path) -> Result<usize, Diagnostic> {
        let path = dir.join(REDIRECTS_FILE);
        let existing = match fs::read(&path) {
            Ok(bytes) => Some(
                crate::content::encoding::decode_text(Path::new(REDIRECTS_FILE), bytes).map_err(
                    |mut e| {
                        e.file = path.clone();
                        e
                    },
                )?,
            ),
            Err(_) => None,
        };
        let have: HashSet<OldAddress> = match &existing {
            Some(text) => parse_redirects(text)
                .map_err(|mut e| {
                    e.file = path.clone();
                    e
                })?
                .list
                .into_iter()
                .map(|r| r.from)
                .collect(),
            None => HashSet::new(),
        };
        let new: Vec<&Redirect> = self
            .entries
            .iter()
            .filter(|r| !have.contains(&r.from))
            .collect();
        if new.is_empty() {
            return Ok(0);
        }
        let mut text = String::new();
        match &existing {
            None => text.push_str(HEADER),
            Some(old) if !old.is_empty() && !old.ends_with('\n') => text.push('\n'),
            Some(_) => {}
        }
        for r in &new {
            text.push_str(&format!(
                "- from: {}\n  to: {}\n",
                yaml_quote(&r.from.to_string()),
                yaml_quote(r.to.as_str())
            ));
        }
        let mut file = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| Diagnostic::io(&path, &e))?;
        file.write_all(text.as_bytes())
            .map_err(|e| Diagnostic::io(&path, &e))?;
        Ok(new.len())
    }
}

/// The comment at the top of a new `redirects.yaml`.
const HEADER: &str = "\
# Alamat lama situs (misalnya dari WordPress) dan halaman barunya. `cerdas build` menulis
# darinya _redirects (Netlify, Cloudflare Pages), aturan .htaccess (Apache), halaman kecil di
# setiap alamat lama, dan peta nginx di samping folder keluaran. Alamat diawali `/`, dari
# akar situs; `/?p=123` hanya dilayani .htaccess dan nginx.
# (Old addresses of the site and their new pages; the build makes the hosting files from it.)
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_added_once_and_never_over_pages() {
        let dir = tempfile::tempdir().unwrap();
        let mut plan = RedirectPlan::new(["tentang".to_string()]);
        plan.add("/2022/08/15/rapat/", "/berita/rapat/");
        plan.add("/rapat/", "/berita/rapat/");
        plan.add("/rapat", "/berita/lain/");
        plan.add("/tentang/", "/berita/tentang/");
        plan.add("/berita/rapat/", "/berita/rapat/");
        plan.add("/tag/x/", "/tag/x/");
        plan.add("/?p=12", "/berita/rapat/");
        plan.add("/bad path/", "/berita/rapat/");
        assert_eq!(plan.write(dir.path()).unwrap(), 3);
        let text = fs::read_to_string(dir.path().join(REDIRECTS_FILE)).unwrap();
        let read = parse_redirects(&text).unwrap();
        assert_eq!(read.list.len(), 3);
        assert_eq!(plan.write(dir.path()).unwrap(), 0);
        assert_eq!(
            fs::read_to_string(dir.path().join(REDIRECTS_FILE)).unwrap(),
            text
        );
    }
}
