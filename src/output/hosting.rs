//! Files that make cheap hosts serve the site well: `_headers` (Netlify, Cloudflare Pages) and
//! `.htaccess` (Apache shared hosting, cPanel), with the same cache and security headers.

use crate::site::Urls;
use crate::site::images::IMAGE_DIR;

/// Security headers every page gets, besides the content security policy.
const SECURITY_HEADERS: [(&str, &str); 3] = [
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "SAMEORIGIN"),
];

/// The content security policy: scripts only from the site itself; with search, Pagefind's
/// WebAssembly may be compiled too (`'wasm-unsafe-eval'` allows WebAssembly only, not
/// JavaScript `eval`).
fn content_security_policy(search: bool) -> String {
    let wasm = if search { " 'wasm-unsafe-eval'" } else { "" };
    format!(
        "default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; script-src 'self'{wasm}; object-src 'none'; base-uri 'self'"
    )
}

/// Every security header with its value.
fn security_headers(search: bool) -> Vec<(&'static str, String)> {
    let mut headers: Vec<(&str, String)> = SECURITY_HEADERS
        .iter()
        .map(|(name, value)| (*name, value.to_string()))
        .collect();
    headers.push(("Content-Security-Policy", content_security_policy(search)));
    headers
}

/// `_headers` for Netlify and Cloudflare Pages.
pub fn netlify_headers(urls: &Urls, search: bool) -> String {
    let base = &urls.base_path;
    let mut out = format!("{base}/*\n");
    for (name, value) in security_headers(search) {
        out.push_str(&format!("  {name}: {value}\n"));
    }
    out.push_str(&format!(
        "\n{base}/cerdas.css\n  Cache-Control: public, max-age=31536000, immutable\n"
    ));
    out.push_str(&format!(
        "\n{base}/{IMAGE_DIR}/*\n  Cache-Control: public, max-age=31536000, immutable\n"
    ));
    out.push_str(&format!(
        "\n{base}/*.html\n  Cache-Control: public, max-age=300\n"
    ));
    out
}

/// `.htaccess` for Apache: the 404 page, headers, caching and compression.
pub fn htaccess(urls: &Urls, search: bool) -> String {
    let base = &urls.base_path;
    let mut out = format!(
        "ErrorDocument 404 {base}/404.html\nDirectoryIndex index.html\nOptions -Indexes\n\n<IfModule mod_headers.c>\n"
    );
    for (name, value) in security_headers(search) {
        out.push_str(&format!("  Header always set {name} \"{value}\"\n"));
    }
    out.push_str("  <FilesMatch \"\\.(css|jpg|jpeg|png|webp|svg|pdf)$\">\n    Header set Cache-Control \"public, max-age=604800\"\n  </FilesMatch>\n");
    // Resized pictures are named by their content: a changed photo gets a new name.
    out.push_str(&format!("  <If \"%{{REQUEST_URI}} =~ m#/{IMAGE_DIR}/#\">\n    Header set Cache-Control \"public, max-age=31536000, immutable\"\n  </If>\n"));
    out.push_str("  <FilesMatch \"\\.(html|xml|json)$\">\n    Header set Cache-Control \"public, max-age=300\"\n  </FilesMatch>\n</IfModule>\n\n");
    out.push_str("<IfModule mod_deflate.c>\n  AddOutputFilterByType DEFLATE text/html text/css application/json application/xml application/atom+xml image/svg+xml\n</IfModule>\n");
    out
}
