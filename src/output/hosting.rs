//! Files that make cheap hosts serve the site well: `_headers` (Netlify, Cloudflare Pages) and
//! `.htaccess` (Apache shared hosting, cPanel), with the same cache and security headers, and
//! the redirects of old addresses (`_redirects`, rewrite rules, an nginx map, pages at the
//! old paths).

use crate::content::redirects::Redirect;
use crate::error::Lang;
use crate::render::OutputFile;
use crate::site::Urls;
use crate::site::images::IMAGE_DIR;

/// Security headers every page gets, besides the content security policy. The permissions
/// policy turns off the camera, microphone, location and payment features no page here needs,
/// so a script slipped in could not ask for them either.
const SECURITY_HEADERS: [(&str, &str); 4] = [
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "SAMEORIGIN"),
    (
        "Permissions-Policy",
        "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    ),
];

/// The content security policy: scripts and styles only from the site's own files (no inline
/// `<style>`, `style=` or `<script>`; the theme has none), forms sent only to the site, and
/// framed only by the site itself. With search, Pagefind's WebAssembly may be compiled too
/// (`'wasm-unsafe-eval'` allows WebAssembly only, not JavaScript `eval`).
fn content_security_policy(search: bool) -> String {
    let wasm = if search { " 'wasm-unsafe-eval'" } else { "" };
    format!(
        "default-src 'self'; img-src 'self' data: https:; style-src 'self'; script-src 'self'{wasm}; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
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
    // The open data: CSV said to be UTF-8 (hosts send `text/csv` without a charset).
    out.push_str(&format!(
        "\n{base}/{}\n  Content-Type: text/csv; charset=utf-8\n  Cache-Control: public, max-age=300\n",
        super::opendata::CSV_FILE
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
    out.push_str("  <FilesMatch \"\\.(html|xml|json|csv)$\">\n    Header set Cache-Control \"public, max-age=300\"\n  </FilesMatch>\n</IfModule>\n\n");
    // The open data (program.csv): CSV in UTF-8, whatever the server's own MIME list says.
    out.push_str(
        "<IfModule mod_mime.c>\n  AddType text/csv .csv\n  AddCharset utf-8 .csv\n</IfModule>\n\n",
    );
    out.push_str("<IfModule mod_deflate.c>\n  AddOutputFilterByType DEFLATE text/html text/css text/csv application/json application/xml application/atom+xml image/svg+xml\n</IfModule>\n");
    out
}

/// `_redirects` for Netlify and Cloudflare Pages: one `old new 301` line per old path. The
/// query forms (`/?p=123`) are left to `.htaccess` and nginx: Cloudflare Pages cannot match
/// a query string.
pub fn netlify_redirects(urls: &Urls, redirects: &[Redirect]) -> String {
    let base = &urls.base_path;
    let mut out = String::from("# Alamat lama situs (redirects.yaml) -> halaman barunya.\n");
    for r in redirects.iter().filter(|r| r.from.query.is_none()) {
        out.push_str(&format!(
            "{base}{} {base}{} 301\n",
            r.from.path,
            r.to.as_str()
        ));
    }
    out
}

/// The `mod_rewrite` rules of `.htaccess` for the redirects: path forms match with or
/// without their trailing slash; `/?p=123` and `/index.php?p=123` through a condition on the
/// query string (the query is dropped from the new address).
pub fn htaccess_redirects(urls: &Urls, redirects: &[Redirect]) -> String {
    if redirects.is_empty() {
        return String::new();
    }
    let base = &urls.base_path;
    let mut out = String::from(
        "\n# Alamat lama situs (redirects.yaml) -> halaman barunya.\n<IfModule mod_rewrite.c>\n  RewriteEngine On\n",
    );
    for r in redirects {
        let to = format!("{base}{}", r.to.as_str());
        match &r.from.query {
            Some((name, value)) => out.push_str(&format!(
                "  RewriteCond %{{QUERY_STRING}} (^|&){name}={value}(&|$)\n  RewriteRule ^(index\\.php)?$ {to}? [R=301,L]\n"
            )),
            None => {
                let path = r.from.path.trim_matches('/').replace('.', "\\.");
                out.push_str(&format!("  RewriteRule ^{path}/?$ {to} [R=301,L]\n"));
            }
        }
    }
    out.push_str("</IfModule>\n");
    out
}

/// An nginx `map` for the redirects, to include in the `http` block of the server's
/// configuration (it is not published: the build writes it beside the output folder).
pub fn nginx_redirects(urls: &Urls, redirects: &[Redirect]) -> String {
    let base = &urls.base_path;
    let mut out = String::from(
        "# cerdas: alamat lama situs (redirects.yaml) -> halaman barunya (old addresses -> new pages).\n\
         # Taruh map ini di blok http, lalu di blok server situs:\n\
         # (put this map in the http block, then in the site's server block:)\n\
         #     if ($cerdas_redirect) { return 301 $cerdas_redirect; }\n\
         map $request_uri $cerdas_redirect {\n    default \"\";\n",
    );
    for r in redirects {
        let to = format!("{base}{}", r.to.as_str());
        match &r.from.query {
            Some((name, value)) => {
                for page in ["/", "/index.php"] {
                    out.push_str(&format!("    \"{base}{page}?{name}={value}\" \"{to}\";\n"));
                }
            }
            None => {
                let path = r.from.path.trim_end_matches('/');
                out.push_str(&format!("    \"{base}{path}\" \"{to}\";\n"));
                out.push_str(&format!("    \"{base}{path}/\" \"{to}\";\n"));
            }
        }
    }
    out.push_str("}\n");
    out
}

/// A page at each old path, for hosts that follow none of the files above: it names the new
/// address as canonical and sends the browser there at once.
pub fn redirect_pages(urls: &Urls, redirects: &[Redirect], lang: Lang) -> Vec<OutputFile> {
    let (code, moved, title) = match lang {
        Lang::Id => ("id", "Halaman ini sudah pindah ke", "Halaman pindah"),
        Lang::En => ("en", "This page has moved to", "Page moved"),
    };
    redirects
        .iter()
        .filter(|r| r.from.query.is_none() && r.from.path != "/")
        .map(|r| {
            let path = urls.path(r.to.as_str().trim_start_matches('/'));
            let permalink = urls.permalink(r.to.as_str().trim_start_matches('/'));
            let html = format!(
                "<!DOCTYPE html>\n<html lang=\"{code}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n<link rel=\"canonical\" href=\"{permalink}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={path}\">\n</head>\n<body>\n<p>{moved} <a href=\"{path}\">{permalink}</a>.</p>\n</body>\n</html>\n"
            );
            let dir = r.from.path.trim_matches('/');
            OutputFile::text(format!("{dir}/index.html"), html)
        })
        .collect()
}
