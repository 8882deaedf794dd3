//! Files that make cheap hosts serve the site well: `_headers` (Netlify, Cloudflare Pages),
//! `.htaccess` (Apache shared hosting, cPanel) and an nginx `server` block (written beside the
//! output, not published), with the same cache and security headers, and the redirects of old
//! addresses (`_redirects`, rewrite rules, an nginx map, pages at the old paths).

use std::path::Path;

use crate::content::redirects::Redirect;
use crate::error::Lang;
use crate::render::OutputFile;
use crate::site::Urls;
use crate::site::images::IMAGE_DIR;

use super::search::BUNDLE_DIR;

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

/// Files named by their content (resized photos under `IMAGE_DIR`, the stylesheet whose
/// address carries its version): a change gets a new address, so they may be kept for a year.
const CACHE_FOREVER: &str = "public, max-age=31536000, immutable";
/// Other stylesheets, pictures and documents the site publishes as they are.
const CACHE_WEEK: &str = "public, max-age=604800";
/// Pages, feeds and data: a new build shows within five minutes.
const CACHE_PAGE: &str = "public, max-age=300";
/// The endings of the search index's files named by their content (Pagefind's fragments,
/// word index chunks, filters and meta file): kept a year, like the photos; its entry file
/// (`pagefind-entry.json`), which names the meta file, is a page's five minutes.
const SEARCH_INDEX_EXTENSIONS: &str = "pf_fragment|pf_index|pf_filter|pf_meta";
/// Where those files are in the bundle, as `_headers` paths under it.
const SEARCH_INDEX_PATHS: [&str; 4] = ["fragment/*", "index/*", "filter/*", "*.pf_meta"];
/// The files `.htaccess` and nginx keep a week, and those they keep five minutes.
const WEEK_EXTENSIONS: &str = "css|jpg|jpeg|png|webp|svg|pdf";
const PAGE_EXTENSIONS: &str = "html|xml|json|csv";
/// The types nginx and Apache compress (besides HTML, which nginx always compresses).
const COMPRESSED_TYPES: &str = "text/css text/csv text/javascript application/javascript application/json application/xml application/atom+xml image/svg+xml";

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
        "\n{base}/cerdas.css\n  Cache-Control: {CACHE_FOREVER}\n"
    ));
    out.push_str(&format!(
        "\n{base}/{IMAGE_DIR}/*\n  Cache-Control: {CACHE_FOREVER}\n"
    ));
    if search {
        for path in SEARCH_INDEX_PATHS {
            out.push_str(&format!(
                "\n{base}/{BUNDLE_DIR}/{path}\n  Cache-Control: {CACHE_FOREVER}\n"
            ));
        }
    }
    out.push_str(&format!("\n{base}/*.html\n  Cache-Control: {CACHE_PAGE}\n"));
    // The open data: CSV said to be UTF-8 (hosts send `text/csv` without a charset).
    out.push_str(&format!(
        "\n{base}/{}\n  Content-Type: text/csv; charset=utf-8\n  Cache-Control: {CACHE_PAGE}\n",
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
    out.push_str(&format!("  <FilesMatch \"\\.({WEEK_EXTENSIONS})$\">\n    Header set Cache-Control \"{CACHE_WEEK}\"\n  </FilesMatch>\n"));
    // Resized pictures are named by their content: a changed photo gets a new name.
    out.push_str(&format!("  <If \"%{{REQUEST_URI}} =~ m#/{IMAGE_DIR}/#\">\n    Header set Cache-Control \"{CACHE_FOREVER}\"\n  </If>\n"));
    out.push_str(&format!(
        "  <Files \"cerdas.css\">\n    Header set Cache-Control \"{CACHE_FOREVER}\"\n  </Files>\n"
    ));
    if search {
        out.push_str(&format!("  <FilesMatch \"\\.({SEARCH_INDEX_EXTENSIONS})$\">\n    Header set Cache-Control \"{CACHE_FOREVER}\"\n  </FilesMatch>\n"));
    }
    out.push_str(&format!("  <FilesMatch \"\\.({PAGE_EXTENSIONS})$\">\n    Header set Cache-Control \"{CACHE_PAGE}\"\n  </FilesMatch>\n</IfModule>\n\n"));
    // The open data (program.csv): CSV in UTF-8, whatever the server's own MIME list says.
    out.push_str(
        "<IfModule mod_mime.c>\n  AddType text/csv .csv\n  AddCharset utf-8 .csv\n</IfModule>\n\n",
    );
    out.push_str(&format!("<IfModule mod_deflate.c>\n  AddOutputFilterByType DEFLATE text/html {COMPRESSED_TYPES}\n</IfModule>\n"));
    out
}

/// `nginx.conf.example`: a `server` block serving the site built into `root` at its base
/// path, with the 404 page, the headers and caching of `.htaccess` and compression; with the
/// redirects `map` file (`nginx_redirects`) included when the site has old addresses. It goes
/// in nginx's `http` block (`conf.d/`); it is not published.
pub fn nginx_conf(urls: &Urls, search: bool, root: &Path, redirects_map: Option<&Path>) -> String {
    let base = &urls.base_path;
    let host = urls
        .base_url
        .split_once("://")
        .map_or("", |(_, rest)| rest)
        .split(['/', ':'])
        .next()
        .unwrap_or_default();
    let folder = root.to_string_lossy();
    let folder = folder.trim_end_matches(['/', '\\']);
    let mut out = String::from(
        "# cerdas: konfigurasi nginx untuk situs ini (tidak ikut diterbitkan).\n\
         # Salin berkas ini ke /etc/nginx/conf.d/ (blok http), sesuaikan listen, server_name dan\n\
         # folder situs bila di server berbeda, lalu jalankan: nginx -t && nginx -s reload\n\
         # (nginx configuration for this site, not published: copy it into /etc/nginx/conf.d/,\n\
         # adjust listen, server_name and the site folder, then run nginx -t && nginx -s reload.)\n\n",
    );
    if let Some(map) = redirects_map {
        out.push_str("# Peta alamat lama -> halaman baru (old addresses -> new pages).\n");
        out.push_str(&format!(
            "include {};\n\n",
            nginx_quote(&map.to_string_lossy())
        ));
    }
    out.push_str(&format!(
        "server {{\n    listen 80;\n    server_name {};\n    charset utf-8;\n    charset_types text/css text/csv text/xml application/json application/javascript;\n\n\
         \x20   # Kompres teks (compress text).\n    gzip on;\n    gzip_types {COMPRESSED_TYPES};\n\n",
        nginx_quote(host)
    ));
    if redirects_map.is_some() {
        out.push_str(
            "    if ($cerdas_redirect) {\n        return 301 $cerdas_redirect;\n    }\n\n",
        );
    }
    let headers = |indent: &str, cache: Option<&str>| {
        let mut lines = String::new();
        for (name, value) in security_headers(search) {
            lines.push_str(&format!(
                "{indent}add_header {name} {} always;\n",
                nginx_quote(&value)
            ));
        }
        if let Some(cache) = cache {
            lines.push_str(&format!(
                "{indent}add_header Cache-Control {};\n",
                nginx_quote(cache)
            ));
        }
        lines
    };
    if base.is_empty() {
        out.push_str(&format!(
            "    location / {{\n        root {};\n",
            nginx_quote(folder)
        ));
    } else {
        out.push_str(&format!(
            "    location = {} {{\n        return 301 {};\n    }}\n\n    location {} {{\n        alias {};\n",
            nginx_quote(base),
            nginx_quote(&format!("{base}/")),
            nginx_quote(&format!("{base}/")),
            nginx_quote(&format!("{folder}/"))
        ));
    }
    out.push_str(&format!(
        "        index index.html;\n        error_page 404 {};\n",
        nginx_quote(&format!("{base}/404.html"))
    ));
    // nginx drops the headers of the outer block where an inner one adds its own: every
    // block names them all.
    out.push_str(&headers("        ", None));
    out.push_str("\n        # Foto bernama isi: simpan setahun (photos named by their content).\n");
    let search_index = search.then(|| {
        (
            format!("~ \"\\.({SEARCH_INDEX_EXTENSIONS})$\""),
            CACHE_FOREVER,
        )
    });
    for (pattern, cache) in [
        (format!("~ /{IMAGE_DIR}/"), CACHE_FOREVER),
        (
            format!("= {}", nginx_quote(&format!("{base}/cerdas.css"))),
            CACHE_FOREVER,
        ),
    ]
    .into_iter()
    .chain(search_index)
    .chain([
        (format!("~ \"\\.({WEEK_EXTENSIONS})$\""), CACHE_WEEK),
        (format!("~ \"\\.({PAGE_EXTENSIONS})$\""), CACHE_PAGE),
    ]) {
        out.push_str(&format!("        location {pattern} {{\n"));
        out.push_str(&headers("            ", Some(cache)));
        out.push_str("        }\n");
    }
    out.push_str("    }\n}\n");
    out
}

/// A string as an nginx configuration reads it: in double quotes, `"` and `\\` escaped.
fn nginx_quote(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
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
    let mut entries = Vec::new();
    for r in redirects {
        let to = format!("{base}{}", r.to.as_str());
        match &r.from.query {
            Some((name, value)) => {
                for page in ["/", "/index.php"] {
                    entries.push((format!("{base}{page}?{name}={value}"), to.clone()));
                }
            }
            None => {
                let path = r.from.path.trim_end_matches('/');
                entries.push((format!("{base}{path}"), to.clone()));
                entries.push((format!("{base}{path}/"), to));
            }
        }
    }
    let mut out = String::from(
        "# cerdas: alamat lama situs (redirects.yaml) -> halaman barunya (old addresses -> new pages).\n\
         # Taruh map ini di blok http, lalu di blok server situs:\n\
         # (put this map in the http block, then in the site's server block:)\n\
         #     if ($cerdas_redirect) { return 301 $cerdas_redirect; }\n",
    );
    out.push_str(&nginx_map_sizes(&entries));
    out.push_str("map $request_uri $cerdas_redirect {\n    default \"\";\n");
    for (from, to) in entries {
        out.push_str(&format!("    \"{from}\" \"{to}\";\n"));
    }
    out.push_str("}\n");
    out
}

/// The sizes of nginx's map hash when its defaults are too small for `entries`, which nginx
/// refuses to start with: a bucket (64 bytes by default) must hold the longest address with
/// two pointers (a WordPress permalink of 47 characters is too long), and more than 512
/// addresses need a larger table than 2048. Both must come before the `map`.
fn nginx_map_sizes(entries: &[(String, String)]) -> String {
    let pointer = 8;
    let longest = entries
        .iter()
        .map(|(from, _)| from.len())
        .max()
        .unwrap_or(0);
    let bucket = (2 * pointer + (longest + 2).next_multiple_of(pointer)).next_power_of_two();
    let table = (entries.len() * 4).next_power_of_two();
    let mut out = String::new();
    if bucket > 64 || table > 2048 {
        out.push_str(
            "# Ukuran tabel untuk alamat yang panjang atau banyak; hapus bila nginx.conf sudah\n\
                      # mengaturnya lebih besar (sizes for long or many addresses).\n",
        );
    }
    if bucket > 64 {
        out.push_str(&format!("map_hash_bucket_size {bucket};\n"));
    }
    if table > 2048 {
        out.push_str(&format!("map_hash_max_size {table};\n"));
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::redirects::{OldAddress, PagePath};

    fn urls(base_url: &str, base_path: &str) -> Urls {
        Urls {
            base_path: base_path.into(),
            base_url: base_url.into(),
        }
    }

    #[test]
    fn nginx_serves_a_root_site_with_the_headers_of_headers_file() {
        let conf = nginx_conf(
            &urls("https://smartcity.agamkab.go.id", ""),
            true,
            Path::new("/srv/agam/public"),
            None,
        );
        assert!(conf.starts_with("# cerdas: konfigurasi nginx"));
        assert!(conf.contains("server_name \"smartcity.agamkab.go.id\";"));
        assert!(conf.contains("    location / {\n        root \"/srv/agam/public\";\n"));
        assert!(conf.contains("error_page 404 \"/404.html\";"));
        assert!(conf.contains("gzip on;"));
        assert!(!conf.contains("include"), "no redirects, no map");
        assert!(!conf.contains("cerdas_redirect"));
        // Every header `_headers` promises, in the block and in each inner block (nginx
        // forgets the outer add_header lines where a block has its own).
        for (name, value) in security_headers(true) {
            let line = format!("add_header {name} \"{value}\" always;");
            assert_eq!(conf.matches(&line).count(), 6, "{line}");
            assert!(netlify_headers(&urls("https://x", ""), true).contains(&value));
        }
        assert!(conf.contains(
            "        location ~ /gambar/ {\n            add_header X-Content-Type-Options"
        ));
        assert!(conf.contains("add_header Cache-Control \"public, max-age=31536000, immutable\";"));
        assert!(conf.contains("location = \"/cerdas.css\" {"));
        assert!(conf.contains("location ~ \"\\.(html|xml|json|csv)$\" {"));
        assert!(conf.contains("add_header Cache-Control \"public, max-age=300\";"));
        assert_eq!(conf.matches('{').count(), conf.matches('}').count());
    }

    #[test]
    fn the_search_index_files_named_by_their_content_are_kept_a_year_by_every_host() {
        let site = urls("https://x", "/portal");
        let forever = "public, max-age=31536000, immutable";
        let headers = netlify_headers(&site, true);
        for path in ["fragment/*", "index/*", "filter/*", "*.pf_meta"] {
            let rule = format!("/portal/pagefind/{path}\n  Cache-Control: {forever}\n");
            assert!(headers.contains(&rule), "{rule} missing from:\n{headers}");
        }
        let ht = htaccess(&site, true);
        assert!(ht.contains(&format!(
            "<FilesMatch \"\\.(pf_fragment|pf_index|pf_filter|pf_meta)$\">\n    Header set Cache-Control \"{forever}\""
        )));
        let conf = nginx_conf(&site, true, Path::new("/srv/p"), None);
        let search = conf
            .find("location ~ \"\\.(pf_fragment|pf_index|pf_filter|pf_meta)$\" {")
            .unwrap_or_else(|| panic!("no search location in:\n{conf}"));
        // Before the rules by ending that would give them less (nginx takes the first).
        assert!(search < conf.find("location ~ \"\\.(css|").unwrap_or(0));
        assert!(conf[search..].contains(&format!("add_header Cache-Control \"{forever}\";")));
        // The entry file, which names the index's current meta file, is a page's five minutes.
        assert!(!headers.contains("pagefind/*\n"));
        for text in [
            netlify_headers(&site, false),
            htaccess(&site, false),
            nginx_conf(&site, false, Path::new("/srv/p"), None),
        ] {
            assert!(!text.contains("pf_meta"), "no search, no rules for it");
        }
    }

    #[test]
    fn nginx_serves_a_sub_path_from_the_folder_and_includes_the_redirects_map() {
        let conf = nginx_conf(
            &urls("http://127.0.0.1:8080/pemkab/smart", "/pemkab/smart"),
            false,
            Path::new("/srv/my \"site\"/"),
            Some(Path::new("/srv/public.nginx-redirects.conf")),
        );
        assert!(conf.contains("include \"/srv/public.nginx-redirects.conf\";\n\nserver {"));
        assert!(conf.contains("server_name \"127.0.0.1\";"));
        assert!(conf.contains("if ($cerdas_redirect) {\n        return 301 $cerdas_redirect;"));
        assert!(
            conf.contains("location = \"/pemkab/smart\" {\n        return 301 \"/pemkab/smart/\";")
        );
        assert!(conf.contains(
            "location \"/pemkab/smart/\" {\n        alias \"/srv/my \\\"site\\\"/\";\n        index index.html;\n        error_page 404 \"/pemkab/smart/404.html\";"
        ));
        assert!(conf.contains("location = \"/pemkab/smart/cerdas.css\""));
        assert!(
            !conf.contains("wasm-unsafe-eval"),
            "no search, no WebAssembly"
        );
    }

    #[test]
    fn htaccess_keeps_the_versioned_stylesheet_a_year_like_headers_file() {
        let ht = htaccess(&urls("https://x", ""), false);
        let css = ht.find("<Files \"cerdas.css\">").unwrap();
        assert!(ht[css..].starts_with(
            "<Files \"cerdas.css\">\n    Header set Cache-Control \"public, max-age=31536000, immutable\""
        ));
        // After the rule for every stylesheet, which it overrides.
        assert!(ht.find("FilesMatch \"\\.(css|").unwrap() < css);
        assert!(
            netlify_headers(&urls("https://x", ""), false)
                .contains("/cerdas.css\n  Cache-Control: public, max-age=31536000, immutable")
        );
    }

    #[test]
    fn the_redirects_map_keys_carry_the_base_path() {
        let r = Redirect {
            from: OldAddress::parse("/?p=10").unwrap(),
            to: PagePath::parse("/berita/a/").unwrap(),
        };
        let map = nginx_redirects(&urls("http://h/sub", "/sub"), &[r]);
        assert!(map.contains("\"/sub/?p=10\" \"/sub/berita/a/\";"));
        assert!(
            !map.contains("map_hash"),
            "short addresses fit nginx's defaults"
        );
    }

    #[test]
    fn the_redirects_map_sizes_nginx_hash_for_long_or_many_addresses() {
        let redirect = |from: &str| Redirect {
            from: OldAddress::parse(from).unwrap(),
            to: PagePath::parse("/berita/a/").unwrap(),
        };
        // 46 characters fit nginx's 64-byte bucket; the same path under /sub/path does not
        // ("could not build map_hash, you should increase map_hash_bucket_size: 64").
        let path = "/2022/08/15/sosialisasi-smart-city-tahap-ii/";
        assert_eq!(path.len(), 44);
        let root = nginx_redirects(&urls("http://h", ""), &[redirect(path)]);
        assert!(!root.contains("map_hash"));
        let sub = nginx_redirects(&urls("http://h/sub/path", "/sub/path"), &[redirect(path)]);
        let sizes = sub.find("map_hash_bucket_size 128;\n").unwrap();
        assert!(
            sizes < sub.find("map $request_uri").unwrap(),
            "before the map"
        );
        assert!(!sub.contains("map_hash_max_size"));

        let many: Vec<Redirect> = (0..1000).map(|i| redirect(&format!("/p{i}/"))).collect();
        let map = nginx_redirects(&urls("http://h", ""), &many);
        assert!(map.contains("map_hash_max_size 8192;\n"), "2000 addresses");
    }
}
