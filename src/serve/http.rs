//! The dev server's HTTP side: finds what a URL names in the in-memory site (never on disk by
//! the URL's own path), answers with the right type, ETag / 304, the site's 404 page, and the
//! live reload script injected into HTML.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::text::packed::Body;

/// Where the live reload script listens.
pub const RELOAD_PATH: &str = "/__cerdas/reload";

/// One servable file.
#[derive(Clone, Debug)]
pub enum Entry {
    /// Rendered bytes held in memory (pages deflated).
    Bytes(Body),
    /// A file copied as is, read from its source when asked for.
    File(PathBuf),
}

/// The served site: every output path (`berita/a/index.html`) and what it holds.
#[derive(Clone, Debug, Default)]
pub struct Served {
    /// Files by their path in the output, without a leading slash.
    pub files: HashMap<String, Entry>,
    /// The path prefix of the site (`/sub` for a sub-path base URL), usually empty.
    pub base_path: String,
}

/// What a request resolves to.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    /// A file of the site, by its output path.
    File(String),
    /// A folder without its trailing slash: redirect there.
    Redirect(String),
    /// Nothing there.
    NotFound,
    /// A path that tries to leave the site (`..`, backslashes, NUL, bad escapes).
    Bad,
}

/// Decodes `%XX` escapes; `None` for malformed ones or a result that is not UTF-8.
pub fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

impl Served {
    /// Finds what `url` (the request target) names.
    pub fn resolve(&self, url: &str) -> Resolved {
        let raw_path = url.split(['?', '#']).next().unwrap_or("");
        let Some(path) = percent_decode(raw_path) else {
            return Resolved::Bad;
        };
        if !path.starts_with('/')
            || path.contains('\\')
            || path.contains('\0')
            || path.split('/').any(|part| part == ".." || part == ".")
        {
            return Resolved::Bad;
        }
        let Some(inside) = path.strip_prefix(self.base_path.as_str()) else {
            return Resolved::NotFound;
        };
        let key = inside.trim_start_matches('/');
        if key.is_empty() || key.ends_with('/') {
            let index = format!("{key}index.html");
            return if self.files.contains_key(&index) {
                Resolved::File(index)
            } else {
                Resolved::NotFound
            };
        }
        if self.files.contains_key(key) {
            return Resolved::File(key.to_string());
        }
        if self.files.contains_key(&format!("{key}/index.html")) {
            return Resolved::Redirect(format!("{path}/"));
        }
        Resolved::NotFound
    }
}

/// The `Content-Type` for an output path.
pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// A strong ETag for `bytes`.
pub fn etag(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100000001b3)
    });
    format!("\"{hash:016x}-{}\"", bytes.len())
}

/// The script that reloads the page (or just its stylesheets) when the site changes, and the
/// search page when the search index of a change is ready.
pub fn reload_script() -> String {
    format!(
        "<script>(function(){{var s=new EventSource(\"{RELOAD_PATH}\");\
s.addEventListener(\"reload\",function(){{location.reload();}});\
s.addEventListener(\"search\",function(){{if(document.getElementById(\"cari\"))location.reload();}});\
s.addEventListener(\"css\",function(){{document.querySelectorAll('link[rel=stylesheet]').forEach(function(l){{\
var u=new URL(l.href);u.searchParams.set(\"r\",Date.now());l.href=u.toString();}});}});}})();</script>"
    )
}

/// `html` with the reload script, and the error overlay when there is one, before `</body>`.
pub fn inject(html: &[u8], overlay: Option<&str>) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let extra = format!("{}{}", overlay.unwrap_or(""), reload_script());
    match text.rfind("</body>") {
        Some(i) => format!("{}{extra}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{extra}").into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn served() -> Served {
        let mut files = HashMap::new();
        for key in [
            "index.html",
            "berita/a/index.html",
            "cerdas.css",
            "404.html",
        ] {
            files.insert(key.to_string(), Entry::Bytes(Body::from(Vec::new())));
        }
        Served {
            files,
            base_path: String::new(),
        }
    }

    #[test]
    fn resolves_folders_files_and_redirects() {
        let s = served();
        assert_eq!(s.resolve("/"), Resolved::File("index.html".into()));
        assert_eq!(
            s.resolve("/berita/a/?x=1"),
            Resolved::File("berita/a/index.html".into())
        );
        assert_eq!(
            s.resolve("/berita/a"),
            Resolved::Redirect("/berita/a/".into())
        );
        assert_eq!(
            s.resolve("/cerdas.css?v=1"),
            Resolved::File("cerdas.css".into())
        );
        assert_eq!(s.resolve("/tidak-ada/"), Resolved::NotFound);
    }

    #[test]
    fn traversal_attempts_are_refused() {
        let s = served();
        for url in [
            "/../etc/passwd",
            "/berita/../../x",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/..%5c..%5cwin.ini",
            "/a\\..\\b",
            "/%00",
            "/%zz",
            "//etc/passwd",
            "etc/passwd",
        ] {
            assert!(
                matches!(s.resolve(url), Resolved::Bad | Resolved::NotFound),
                "{url} must be refused"
            );
        }
    }

    #[test]
    fn script_goes_before_body_end() {
        let out = String::from_utf8(inject(
            b"<html><body><p>x</p></body></html>",
            Some("<div id=err></div>"),
        ))
        .unwrap();
        assert!(out.ends_with("</script></body></html>"));
        assert!(out.contains("<div id=err></div><script>"));
    }
}
