//! `redirects.yaml` in a site folder: old addresses of the site (written by
//! `cerdas import wordpress`, or by hand) and the page each now leads to. Every address is
//! checked when the file is read, so the hosting files made from it (`_redirects`,
//! `.htaccess`, pages at the old paths) can hold only plain paths.
//!
//! ```yaml
//! - from: "/2022/08/15/rapat-koordinasi/"
//!   to: "/berita/rapat-koordinasi/"
//! - from: "/?p=123"
//!   to: "/berita/rapat-koordinasi/"
//! ```

use std::fmt;
use std::path::Path;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};

use crate::content::encoding::read_text_file;
use crate::content::frontmatter::parse_yaml;
use crate::content::types::encode_message;
use crate::error::{Diagnostic, Text};

/// The name of the file, in the site folder.
pub const REDIRECTS_FILE: &str = "redirects.yaml";

/// An old address of the site: a path, or the site root with one query parameter
/// (`/?p=123`, `/?page_id=7`, the forms WordPress answers for any permalink setting).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OldAddress {
    /// The path, starting with `/` (`/` for the query forms).
    pub path: String,
    /// The query parameter's name and value, for `/?p=123`.
    pub query: Option<(String, String)>,
}

impl OldAddress {
    /// Checks an address as written in `redirects.yaml`.
    pub fn parse(text: &str) -> Result<OldAddress, (Text, Text)> {
        let (path, query) = match text.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (text, None),
        };
        if !is_site_path(path) {
            return Err(bad_path(text));
        }
        let query = match query {
            None => None,
            Some(q) => {
                let (name, value) = q.split_once('=').ok_or_else(|| bad_query(text))?;
                let plain = |s: &str, extra: &[u8]| {
                    !s.is_empty()
                        && s.bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || extra.contains(&b))
                };
                if path != "/" || !plain(name, &[]) || !plain(value, b"-") {
                    return Err(bad_query(text));
                }
                Some((name.to_string(), value.to_string()))
            }
        };
        Ok(OldAddress {
            path: path.to_string(),
            query,
        })
    }
}

impl fmt::Display for OldAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.query {
            Some((name, value)) => write!(f, "{}?{name}={value}", self.path),
            None => f.write_str(&self.path),
        }
    }
}

impl<'de> Deserialize<'de> for OldAddress {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        OldAddress::parse(&text).map_err(|(m, h)| de::Error::custom(encode_message(&text, &m, &h)))
    }
}

impl Serialize for OldAddress {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A page of the site a redirect leads to: a path from the site's root ending in `/`
/// (`/berita/rapat/`), without the `base_url` path, which the build adds.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct PagePath(String);

impl PagePath {
    /// Checks a page path as written in `redirects.yaml`.
    pub fn parse(text: &str) -> Result<PagePath, (Text, Text)> {
        if is_site_path(text) && text.ends_with('/') {
            Ok(PagePath(text.to_string()))
        } else {
            Err((
                Text::new(
                    format!("`{text}` bukan alamat halaman situs ini"),
                    format!("`{text}` is not the address of a page of this site"),
                ),
                Text::new(
                    "tulis alamat dari akar situs, diawali dan diakhiri `/`, misalnya `/berita/rapat-koordinasi/`",
                    "write the address from the site's root, starting and ending with `/`, e.g. `/berita/rapat-koordinasi/`",
                ),
            ))
        }
    }

    /// The path as written: `/berita/rapat/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for PagePath {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        PagePath::parse(&text).map_err(|(m, h)| de::Error::custom(encode_message(&text, &m, &h)))
    }
}

/// One old address and where it leads.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Redirect {
    /// The old address.
    pub from: OldAddress,
    /// The page it leads to now.
    pub to: PagePath,
}

/// `redirects.yaml` as read.
#[derive(Clone, Debug, Default)]
pub struct Redirects {
    /// The redirects, in the file's order.
    pub list: Vec<Redirect>,
    /// The file's text, to point at a line in later errors.
    pub source: String,
}

/// Whether `text` is a plain path from a site's root: `/`, then segments of letters, digits,
/// `-`, `_`, `.`, `~` and `%` (already percent-encoded), never `.` or `..` alone, no empty
/// segment but a trailing `/`. Nothing in it needs quoting in `.htaccess`, `_redirects`,
/// nginx or HTML.
pub fn is_site_path(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('/') else {
        return false;
    };
    if rest.is_empty() {
        return true;
    }
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    rest.split('/').all(|seg| {
        !seg.is_empty()
            && seg != "."
            && seg != ".."
            && seg
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b))
    })
}

fn bad_path(text: &str) -> (Text, Text) {
    (
        Text::new(
            format!("`{text}` bukan alamat lama yang dapat dialihkan"),
            format!("`{text}` is not an old address that can be redirected"),
        ),
        Text::new(
            "tulis alamat dari akar situs lama, diawali `/`, tanpa nama domain, misalnya `/2022/08/15/rapat-koordinasi/`",
            "write the address from the old site's root, starting with `/`, without the domain, e.g. `/2022/08/15/rapat-koordinasi/`",
        ),
    )
}

fn bad_query(text: &str) -> (Text, Text) {
    (
        Text::new(
            format!("`{text}`: hanya satu parameter pada akar situs yang dapat dialihkan"),
            format!("`{text}`: only one parameter on the site's root can be redirected"),
        ),
        Text::new(
            "tulis seperti `/?p=123` atau `/?page_id=7`",
            "write it like `/?p=123` or `/?page_id=7`",
        ),
    )
}

/// Reads `redirects.yaml` in `root` when there is one; problems go to `errors`.
pub fn load_redirects(root: &Path, errors: &mut Vec<Diagnostic>) -> Redirects {
    let full = root.join(REDIRECTS_FILE);
    if !full.is_file() {
        return Redirects::default();
    }
    let shown = Path::new(REDIRECTS_FILE);
    let source = match read_text_file(&full, shown) {
        Ok(s) => s,
        Err(e) => {
            errors.push(e);
            return Redirects::default();
        }
    };
    parse_redirects(&source).unwrap_or_else(|e| {
        errors.push(e);
        Redirects::default()
    })
}

/// Parses the text of `redirects.yaml`; an empty file holds no redirects.
pub fn parse_redirects(source: &str) -> Result<Redirects, Diagnostic> {
    let shown = Path::new(REDIRECTS_FILE);
    let list: Option<Vec<Redirect>> = if source.trim().is_empty() {
        None
    } else {
        parse_yaml(shown, source, source, 1)?
    };
    Ok(Redirects {
        list: list.unwrap_or_default(),
        source: source.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_addresses_are_plain_paths_or_one_parameter() {
        let a = OldAddress::parse("/2022/08/15/rapat/").unwrap();
        assert_eq!((a.path.as_str(), a.query), ("/2022/08/15/rapat/", None));
        let q = OldAddress::parse("/?p=123").unwrap();
        assert_eq!(q.query, Some(("p".into(), "123".into())));
        assert_eq!(q.to_string(), "/?p=123");
        for bad in [
            "2022/rapat/",
            "/../etc/",
            "/a//b/",
            "/a b/",
            "/a\"b/",
            "/x?p=1",
            "/?p=1&x=2",
            "/?p=",
            "https://x.go.id/a/",
            "/a/$1/",
        ] {
            assert!(OldAddress::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_bad_line_is_reported_with_its_place() {
        let src = "- from: \"/a/\"\n  to: \"/berita/a/\"\n- from: \"/b/\"\n  to: \"berita/b\"\n";
        let err = parse_redirects(src).unwrap_err();
        assert_eq!(err.line, 4, "{err:?}");
        assert!(err.column > 0);
        let ok = parse_redirects("- {from: \"/?page_id=7\", to: \"/profil/\"}\n").unwrap();
        assert_eq!(ok.list[0].to.as_str(), "/profil/");
        assert!(parse_redirects("").unwrap().list.is_empty());
        assert!(parse_redirects("- {from: /a/, to: /b/, x: 1}\n").is_err());
    }
}
