//! The local editor under `/_cerdas/` of `cerdas serve`: a list of the site's news, programs
//! and pages, a form made from the typed front matter, photo uploads, the same diagnostics as
//! `cerdas check` before anything is written, and saves that keep the rest of the file as it
//! was. Only on a loopback bind; every request needs this run's token cookie and a `Host`
//! naming the server; every POST a same-origin `Origin` and a CSRF value (see [`auth`]).
//! Nothing is ever written outside `berita/`, `program/` and `halaman/` of the site.
//!
//! On a province folder `/_cerdas/` is a chooser of the regency folders of `province.yaml`
//! (not those hosted elsewhere, `export:`); each regency's editor lives under
//! `/_cerdas/<regency-slug>/` (the slug of its `site.yaml`, as in the preview) and makes every
//! link and form action from that prefix ([`pages::Nav`]), so it stays in that regency.

pub mod auth;
pub mod form;
pub mod news;
pub mod pages;
pub mod program;
pub mod yaml_edit;

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};

use crate::build::{StagedBundle, check_document};
use crate::config::{
    ProvinceConfig, RegencyEntry, SiteConfig, parse_province_config, parse_site_config,
};
use crate::content::kinds::BeritaMeta;
use crate::content::{Document, is_ignored, parse_document};
use crate::error::{Diagnostic, Diagnostics, Lang, Text};
use crate::markdown::{LinkTargets, render_markdown};
use crate::scaffold::new::{check_slug, program_slugs, unique_name};
use crate::scaffold::text::{one_line, title_slug, yaml_quote};
use crate::scaffold::{NewKind, create_new_dir, exists_error, new_news_text, now_wib};
use crate::serve::conn::{Request, Response};
use crate::serve::http::percent_decode;

use auth::Guard;
use form::{Form, FormError, PhotoProblem};
use news::{NewsValues, OWNED_KEYS};
use pages::{FieldErrors, Nav, NewsFormContext, Row, SimpleValues, t};
use program::ProgramFields;

/// The keys of a program's front matter its form owns besides title and summary; errors on
/// their lines show at their fields.
const PROGRAM_KEYS: [&str; 5] = ["dimension", "opd", "status", "quick_win", "budget"];

/// The path every editor address starts with.
pub const PREFIX: &str = "/_cerdas/";

const CSS: &str = include_str!("assets/editor.css");
const JS: &str = include_str!("assets/editor.js");

/// The sections the editor lists and may write in.
const SECTIONS: [&str; 3] = ["berita", "program", "halaman"];

/// Whether the request target `url` is an editor address.
pub fn is_editor_url(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or("");
    path == "/_cerdas" || path.starts_with(PREFIX)
}

/// The editor of the served folder: one regency, or the regency folders of a province.
pub struct Editor {
    root: PathBuf,
    guard: Guard,
}

/// A response before it is sent.
struct Reply {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    headers: Vec<(&'static str, String)>,
}

impl Reply {
    fn html(status: u16, html: String) -> Reply {
        Reply {
            status,
            content_type: "text/html; charset=utf-8",
            body: html.into_bytes(),
            headers: Vec::new(),
        }
    }

    fn redirect(to: &str) -> Reply {
        Reply {
            status: 303,
            content_type: "text/plain; charset=utf-8",
            body: Vec::new(),
            headers: vec![("Location", to.to_string())],
        }
    }
}

/// One document found in the site's sections.
struct Found {
    /// Relative to the site folder, with `/`.
    path: String,
    /// What it gave when read, or why not.
    parsed: Result<Document, Diagnostic>,
}

/// An uploaded photo on its way to the bundle: its new name and bytes.
struct NewPhoto<'a> {
    name: String,
    data: &'a [u8],
}

fn hash_of(bytes: &[u8]) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(bytes))
}

/// The query parameter `name` of `url`, decoded.
fn query_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == name).then(|| percent_decode(&v.replace('+', " ")))?
    })
}

/// Whether `rel` is a plain relative path inside one of the editor's sections.
fn inside_sections(rel: &Path) -> bool {
    let mut parts = rel.components();
    let first_ok =
        matches!(parts.next(), Some(Component::Normal(s)) if SECTIONS.iter().any(|x| s == *x));
    first_ok && parts.all(|c| matches!(c, Component::Normal(_)))
}

/// Writes `bytes` to `path` through a hidden temp file in the same folder, renamed over it.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(
        ".{name}.{}.tmp",
        auth::random_hex(6).unwrap_or_default()
    ));
    let result = fs::File::create(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|_| f.sync_all()))
        .and_then(|_| fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(Diagnostic::io(path, &e));
    }
    Ok(())
}

/// Links in a previewed body are shown as written.
struct AsWritten;

impl LinkTargets for AsWritten {
    fn url_of(&self, _path: &Path) -> Option<String> {
        None
    }
    fn file_exists(&self, _path: &Path) -> bool {
        true
    }
}

impl Editor {
    /// The editor of the regency (or province) in `root`, served at `addr`, with a new token.
    pub fn new(root: PathBuf, addr: SocketAddr) -> Result<Editor, Diagnostics> {
        let guard = Guard::new(addr).map_err(|e| Diagnostic::io(Path::new("/dev/urandom"), &e))?;
        Ok(Editor { root, guard })
    }

    /// The address to open, with the token, on the server at `base` (`http://127.0.0.1:1111`).
    pub fn address(&self, base: &str) -> String {
        format!("{base}{PREFIX}?token={}", self.guard.token())
    }

    /// Whether a province is served (the editor first asks which regency).
    fn is_province(&self) -> bool {
        self.root.join("province.yaml").is_file()
    }

    /// The province's `province.yaml`, read and checked, when it can be.
    fn province(&self) -> Result<ProvinceConfig, Diagnostic> {
        let file = Path::new("province.yaml");
        let full = self.root.join(file);
        let text = fs::read_to_string(&full).map_err(|e| Diagnostic::io(&full, &e))?;
        parse_province_config(file, &text)
    }

    /// The regency folders of the province, in the order of `province.yaml` (regencies
    /// hosted elsewhere, `export:`, are edited where they are built).
    fn regencies(&self, config: &ProvinceConfig) -> Vec<Regency> {
        config
            .regencies
            .iter()
            .filter_map(|entry| match entry {
                RegencyEntry::Folder(folder) => Some(folder),
                RegencyEntry::Export(_) => None,
            })
            .map(|folder| {
                let dir = self.root.join(folder);
                let site = read_site_config(&dir);
                Regency {
                    slug: site.as_ref().map(|c| c.slug.as_str().to_string()),
                    name: site.map(|c| c.name).unwrap_or_else(|| folder.clone()),
                    dir,
                }
            })
            .collect()
    }

    /// The regency folder of the province whose address slug is `slug`.
    fn regency(&self, slug: &str) -> Option<Regency> {
        let config = self.province().ok()?;
        self.regencies(&config)
            .into_iter()
            .find(|r| r.slug.as_deref() == Some(slug))
    }

    /// A small "Sunting" link to the editor for the page served under `key`
    /// (`berita/rapat/index.html`, or `agam/berita/rapat/index.html` in a province), when that
    /// page is made from a news item, program or plain page of a regency edited here; shown
    /// only in the preview, never built. `lang` is the site's (the server knows it from its
    /// last build: no file is read for it on each page).
    pub fn edit_link(&self, key: &str, base_path: &str, lang: Lang) -> Option<String> {
        let (root, prefix, key) = if self.is_province() {
            let (slug, rest) = key.split_once('/')?;
            let regency = self.regency(slug)?;
            (regency.dir, format!("{PREFIX}{slug}/"), rest)
        } else {
            (self.root.clone(), PREFIX.to_string(), key)
        };
        let source = source_of(&root, key)?;
        let label = match lang {
            Lang::Id => "Sunting",
            Lang::En => "Edit",
        };
        let path = source.replace('/', "%2F");
        Some(format!(
            "<a href=\"{base_path}{prefix}sunting?path={path}\" style=\"position:fixed;right:1rem;bottom:1rem;z-index:9999;padding:.6rem 1rem;background:#0b4f6c;color:#fff;border-radius:.4rem;font:600 1rem system-ui,sans-serif;text-decoration:none\">{label}</a>"
        ))
    }

    /// The language of the editor's own pages outside a regency: the province's, or the
    /// regency's when one is served alone.
    fn lang(&self) -> Lang {
        if self.is_province() {
            self.province()
                .map(|c| c.language.lang())
                .unwrap_or_default()
        } else {
            site_lang(&self.root)
        }
    }

    /// Answers an editor request; `base_path` is where the preview site starts (`/sub`).
    pub fn answer(&self, mut request: Request<'_>, base_path: &str) {
        let reply = self.reply(&mut request, base_path);
        send(request, reply);
    }

    fn reply(&self, request: &mut Request<'_>, base_path: &str) -> Reply {
        let lang = self.lang();
        if !self.guard.host_ok(request) {
            return forbidden(lang);
        }
        let url = request.url().to_string();
        let path = url.split(['?', '#']).next().unwrap_or("").to_string();
        let method = request.method().to_string();
        if method == "GET"
            && let Some(token) = query_param(&url, "token")
        {
            if !self.guard.token_matches(&token) {
                return forbidden(lang);
            }
            let mut reply = Reply::redirect(PREFIX);
            reply.headers.push(("Set-Cookie", self.guard.set_cookie()));
            return reply;
        }
        if !self.guard.cookie_ok(request) {
            return forbidden(lang);
        }
        let asset = match (method.as_str(), path.as_str()) {
            ("GET", "/_cerdas/editor.css") => Some(("text/css; charset=utf-8", CSS)),
            ("GET", "/_cerdas/editor.js") => Some(("text/javascript; charset=utf-8", JS)),
            _ => None,
        };
        if let Some((content_type, text)) = asset {
            return Reply {
                status: 200,
                content_type,
                body: text.as_bytes().to_vec(),
                headers: Vec::new(),
            };
        }
        if !self.is_province() {
            let desk = Desk {
                root: self.root.clone(),
                guard: &self.guard,
                prefix: PREFIX.to_string(),
                view: base_path.to_string(),
                chooser: false,
            };
            let rest = path.strip_prefix(PREFIX).unwrap_or("");
            return desk.reply(request, &method, rest, &url);
        }
        let rest = path.strip_prefix(PREFIX).unwrap_or("");
        if rest.is_empty() {
            return match method.as_str() {
                "GET" => self.chooser(lang),
                _ => not_found(lang, Nav::TOP),
            };
        }
        let (slug, rest) = rest.split_once('/').unwrap_or((rest, ""));
        let Some(regency) = self.regency(slug) else {
            return not_found(lang, Nav::TOP);
        };
        if !path.ends_with('/') && rest.is_empty() {
            return Reply::redirect(&format!("{PREFIX}{slug}/"));
        }
        let desk = Desk {
            root: regency.dir,
            guard: &self.guard,
            prefix: format!("{PREFIX}{slug}/"),
            view: format!("{base_path}/{slug}"),
            chooser: true,
        };
        desk.reply(request, &method, rest, &url)
    }

    /// The province's chooser: each regency folder by its name, linking to its editor.
    fn chooser(&self, lang: Lang) -> Reply {
        let config = match self.province() {
            Ok(c) => c,
            Err(e) => {
                return Reply::html(
                    200,
                    pages::message_page(
                        lang,
                        Nav::TOP,
                        t(lang, "province.yaml ada galat", "province.yaml has errors"),
                        &e.render(lang),
                    ),
                );
            }
        };
        let choices: Vec<pages::Choice> = self
            .regencies(&config)
            .into_iter()
            .map(|r| pages::Choice {
                url: r.slug.map(|slug| format!("{PREFIX}{slug}/")),
                name: r.name,
            })
            .collect();
        Reply::html(200, pages::chooser_page(lang, &config.name, &choices))
    }
}

/// A regency folder of a served province.
struct Regency {
    /// The folder itself.
    dir: PathBuf,
    /// The slug of its `site.yaml` (its address under the portal), if it can be read.
    slug: Option<String>,
    /// Its name from `site.yaml`, or its folder.
    name: String,
}

/// The editor of one regency folder, for one request: the folder, where its editor pages
/// live (every link and form action of its pages is made from `prefix`) and where its pages
/// are in the preview. Nothing is written outside its `berita/`, `program/` and `halaman/`.
struct Desk<'a> {
    root: PathBuf,
    guard: &'a Guard,
    /// Its editor's address, ending in `/`: `/_cerdas/`, or `/_cerdas/<regency-slug>/`.
    prefix: String,
    /// Where its pages start in the preview (`/sub`, or `/sub/<regency-slug>`).
    view: String,
    /// Whether a province's chooser is above it.
    chooser: bool,
}

/// The `site.yaml` of the regency in `dir`, read and checked, when it can be.
fn read_site_config(dir: &Path) -> Option<SiteConfig> {
    fs::read_to_string(dir.join("site.yaml"))
        .ok()
        .and_then(|s| parse_site_config(Path::new("site.yaml"), &s).ok())
}

/// The language of the regency in `dir`.
fn site_lang(dir: &Path) -> Lang {
    read_site_config(dir)
        .map(|c| c.language.lang())
        .unwrap_or_default()
}

/// The Markdown file a page served under `key` (relative to the regency's pages) is made
/// from, relative to the regency folder `root`.
fn source_of(root: &Path, key: &str) -> Option<String> {
    let page = key.strip_suffix("/index.html")?;
    let mut parts = page.split('/');
    let candidates = match (parts.next(), parts.next(), parts.next()) {
        (Some(section @ ("berita" | "program")), Some(slug), None) => vec![
            format!("{section}/{slug}/index.md"),
            format!("{section}/{slug}.md"),
        ],
        (Some(slug), None, None) => vec![format!("halaman/{slug}.md")],
        _ => return None,
    };
    candidates.into_iter().find(|c| root.join(c).is_file())
}

fn forbidden(lang: Lang) -> Reply {
    Reply::html(
        403,
        pages::message_page(
            lang,
            Nav::TOP,
            t(lang, "Akses ditolak", "Access refused"),
            t(
                lang,
                "Buka penyunting dari alamat yang dicetak `cerdas serve` di terminal (dengan token).",
                "Open the editor from the address `cerdas serve` printed in the terminal (with its token).",
            ),
        ),
    )
}

fn not_found(lang: Lang, nav: Nav) -> Reply {
    Reply::html(
        404,
        pages::message_page(
            lang,
            nav,
            t(lang, "Tidak ditemukan", "Not found"),
            t(
                lang,
                "Alamat ini tidak ada di penyunting.",
                "No such editor address.",
            ),
        ),
    )
}

impl Desk<'_> {
    fn nav(&self) -> Nav<'_> {
        Nav {
            prefix: &self.prefix,
            view: &self.view,
            chooser: self.chooser,
        }
    }

    fn lang(&self) -> Lang {
        site_lang(&self.root)
    }

    fn bad_request(&self, lang: Lang) -> Reply {
        bad_request(lang, self.nav())
    }

    /// Answers a request for `rest`, the address after this editor's prefix.
    fn reply(&self, request: &mut Request<'_>, method: &str, rest: &str, url: &str) -> Reply {
        let lang = self.lang();
        match (method, rest) {
            ("GET", "") => self.list(lang),
            ("GET", "berita/baru") => self.new_news_form(lang),
            ("GET", "sunting") => {
                let rel = query_param(url, "path").unwrap_or_default();
                let saved = query_param(url, "tersimpan").is_some();
                self.edit_form(lang, &rel, saved)
            }
            ("POST", _) => self.post(request, lang, rest),
            _ => not_found(lang, self.nav()),
        }
    }

    fn post(&self, request: &mut Request<'_>, lang: Lang, rest: &str) -> Reply {
        if !self.guard.origin_ok(request) {
            return forbidden(lang);
        }
        let boundary = auth::header(request, "Content-Type").and_then(form::boundary_of);
        let parsed = match boundary {
            None => Err(FormError::Malformed),
            Some(b) => form::read_body(request).and_then(|body| form::parse_multipart(&body, &b)),
        };
        let form = match parsed {
            Ok(f) => f,
            Err(FormError::TooLarge) => {
                return Reply::html(
                    413,
                    pages::message_page(
                        lang,
                        self.nav(),
                        t(lang, "Terlalu besar", "Too large"),
                        t(
                            lang,
                            "Setiap foto paling besar 25 MB dan semuanya paling besar 200 MB sekali simpan; tidak ada yang ditulis.",
                            "Each photo may be at most 25 MB and all together 200 MB a save; nothing was written.",
                        ),
                    ),
                );
            }
            Err(FormError::Malformed) => return self.bad_request(lang),
        };
        if !self.guard.csrf_ok(form.get("csrf")) {
            return forbidden(lang);
        }
        match rest {
            "pratinjau" => {
                let html = render_markdown(form.get("body"), Path::new("berita"), &AsWritten).html;
                Reply::html(200, html.to_string())
            }
            "simpan" => self.save(lang, &form),
            _ => self.bad_request(lang),
        }
    }

    /// Every Markdown document of the editor's sections, read.
    fn documents(&self) -> Vec<Found> {
        let mut out = Vec::new();
        for section in SECTIONS {
            let Ok(entries) = fs::read_dir(self.root.join(section)) else {
                continue;
            };
            let mut names: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
            names.sort();
            for full in names {
                if is_ignored(&full) {
                    continue;
                }
                let Some(name) = full.file_name().map(|n| n.to_string_lossy().into_owned()) else {
                    continue;
                };
                let rel = if full.is_dir() && full.join("index.md").is_file() {
                    format!("{section}/{name}/index.md")
                } else if full.is_file() && name.ends_with(".md") {
                    format!("{section}/{name}")
                } else {
                    continue;
                };
                let parsed = fs::read(self.root.join(&rel))
                    .map_err(|e| Diagnostic::io(Path::new(&rel), &e))
                    .and_then(|bytes| {
                        String::from_utf8(bytes).map_err(|_| not_utf8(Path::new(&rel)))
                    })
                    .and_then(|text| parse_document(Path::new(&rel), text));
                out.push(Found { path: rel, parsed });
            }
        }
        out
    }

    fn list(&self, lang: Lang) -> Reply {
        let docs = self.documents();
        let mut news: Vec<(Option<jiff::Timestamp>, Row)> = Vec::new();
        let mut programs = Vec::new();
        let mut pages_rows = Vec::new();
        for d in docs {
            let fallback = Row {
                path: d.path.clone(),
                title: d.path.clone(),
                date: String::new(),
                draft: false,
                broken: true,
            };
            match &d.parsed {
                Ok(Document::Berita(doc)) => news.push((
                    Some(doc.meta.date.timestamp()),
                    Row {
                        path: d.path.clone(),
                        title: doc.meta.title.clone(),
                        date: crate::text::dates::short_date(doc.meta.date.local, lang),
                        draft: doc.meta.draft,
                        broken: false,
                    },
                )),
                Ok(Document::Program(doc)) => programs.push(Row {
                    title: doc.meta.title.clone(),
                    broken: false,
                    ..fallback
                }),
                Ok(Document::Halaman(doc)) => pages_rows.push(Row {
                    title: doc.meta.title.clone(),
                    broken: false,
                    ..fallback
                }),
                Ok(Document::Masterplan(_)) => {}
                Err(_) if d.path.starts_with("berita/") => news.push((None, fallback)),
                Err(_) if d.path.starts_with("program/") => programs.push(fallback),
                Err(_) => pages_rows.push(fallback),
            }
        }
        news.sort_by_key(|n| std::cmp::Reverse(n.0));
        let site = read_site_config(&self.root)
            .map(|c| c.name)
            .unwrap_or_default();
        let sections = [
            (
                t(lang, "Berita", "News"),
                news.into_iter().map(|(_, r)| r).collect(),
            ),
            (t(lang, "Program", "Programs"), programs),
            (t(lang, "Halaman", "Pages"), pages_rows),
        ];
        Reply::html(200, pages::list_page(lang, self.nav(), &site, &sections))
    }

    /// The site's programs (slug, title) and tags (as most written), for the news form.
    fn choices(&self) -> (Vec<(String, String)>, Vec<String>) {
        let mut programs = Vec::new();
        let mut tags: BTreeMap<String, String> = BTreeMap::new();
        for d in self.documents() {
            match d.parsed {
                Ok(Document::Program(p)) => {
                    programs.push((p.slug.as_str().to_string(), p.meta.title.clone()))
                }
                Ok(Document::Berita(b)) => {
                    for tag in &b.meta.tags {
                        tags.entry(tag.slug.as_str().to_string())
                            .or_insert_with(|| tag.name.clone());
                    }
                }
                _ => {}
            }
        }
        programs.sort();
        (programs, tags.into_values().collect())
    }

    fn default_author(&self) -> String {
        read_site_config(&self.root)
            .map(|c| format!("Humas {}", c.name))
            .unwrap_or_default()
    }

    fn new_news_form(&self, lang: Lang) -> Reply {
        let values = NewsValues {
            date: news::date_input(&now_wib()),
            offset_seconds: crate::content::types::WIB.seconds(),
            author: self.default_author(),
            ..NewsValues::default()
        };
        self.render_news(lang, None, "", &values, &FieldErrors::new(), None, None)
    }

    #[allow(clippy::too_many_arguments)]
    fn render_news(
        &self,
        lang: Lang,
        path: Option<&str>,
        hash: &str,
        values: &NewsValues,
        errors: &FieldErrors,
        notice: Option<String>,
        view_url: Option<String>,
    ) -> Reply {
        let (programs, tags) = self.choices();
        let csrf = self.guard.new_csrf();
        let ctx = NewsFormContext {
            lang,
            nav: self.nav(),
            path,
            hash,
            csrf: &csrf,
            programs: &programs,
            tags: &tags,
            notice,
            view_url,
            bundle: path.is_none_or(|p| p.ends_with("/index.md")),
        };
        let status = if errors.is_empty() { 200 } else { 422 };
        Reply::html(status, pages::news_form(&ctx, values, errors))
    }

    fn render_simple(
        &self,
        lang: Lang,
        (path, kind, hash): (&str, &str, &str),
        values: &SimpleValues,
        errors: &FieldErrors,
        notice: Option<String>,
    ) -> Reply {
        let csrf = self.guard.new_csrf();
        let ctx = NewsFormContext {
            lang,
            nav: self.nav(),
            path: Some(path),
            hash,
            csrf: &csrf,
            programs: &[],
            tags: &[],
            notice,
            view_url: None,
            bundle: false,
        };
        let status = if errors.is_empty() { 200 } else { 422 };
        Reply::html(status, pages::simple_form(&ctx, kind, values, errors))
    }

    /// The document at `rel` if it is one the editor lists (so never outside its sections).
    fn known_document(&self, rel: &str) -> Option<Found> {
        if !inside_sections(Path::new(rel)) {
            return None;
        }
        self.documents().into_iter().find(|d| d.path == rel)
    }

    fn edit_form(&self, lang: Lang, rel: &str, saved: bool) -> Reply {
        let Some(found) = self.known_document(rel) else {
            return self.bad_request(lang);
        };
        let Ok(bytes) = fs::read(self.root.join(rel)) else {
            return self.bad_request(lang);
        };
        let hash = hash_of(&bytes);
        let body = String::from_utf8(bytes)
            .ok()
            .and_then(|s| yaml_edit::body_of(&s))
            .unwrap_or_default();
        let notice = saved.then(|| t(lang, "Tersimpan.", "Saved.").to_string());
        match found.parsed {
            Ok(Document::Berita(doc)) => {
                let values = NewsValues::from_meta(&doc.meta, body);
                let view = format!("{}/berita/{}/", self.view, doc.slug.as_str());
                self.render_news(
                    lang,
                    Some(rel),
                    &hash,
                    &values,
                    &FieldErrors::new(),
                    notice,
                    (!doc.meta.draft).then_some(view),
                )
            }
            Ok(Document::Program(doc)) => {
                let values = SimpleValues {
                    title: doc.meta.title.clone(),
                    summary: doc.meta.summary.clone(),
                    body,
                    program: Some(ProgramFields::from_meta(&doc.meta)),
                };
                self.render_simple(
                    lang,
                    (rel, "program", &hash),
                    &values,
                    &FieldErrors::new(),
                    notice,
                )
            }
            Ok(Document::Halaman(doc)) => {
                let values = SimpleValues {
                    title: doc.meta.title.clone(),
                    summary: doc.meta.summary.clone().unwrap_or_default(),
                    body,
                    program: None,
                };
                self.render_simple(
                    lang,
                    (rel, "halaman", &hash),
                    &values,
                    &FieldErrors::new(),
                    notice,
                )
            }
            Ok(Document::Masterplan(_)) => self.bad_request(lang),
            Err(e) => Reply::html(
                200,
                pages::message_page(
                    lang,
                    self.nav(),
                    t(lang, "Berkas ini ada galat", "This file has errors"),
                    &format!(
                        "{}\n{}",
                        e.render(lang),
                        t(
                            lang,
                            "Perbaiki berkas ini di penyunting teks dulu; penyunting ini membuka berkas yang dapat dibaca.",
                            "Fix this file in a text editor first; this editor opens files that can be read."
                        )
                    ),
                ),
            ),
        }
    }

    fn save(&self, lang: Lang, form: &Form) -> Reply {
        let rel = form.get("path");
        if rel.is_empty() {
            if form.get("kind") == "berita" {
                return self.save_new_news(lang, form);
            }
            return self.bad_request(lang);
        }
        let Some(found) = self.known_document(rel) else {
            return self.bad_request(lang);
        };
        let full = self.root.join(rel);
        let Ok(bytes) = fs::read(&full) else {
            return self.bad_request(lang);
        };
        let Ok(text) = String::from_utf8(bytes.clone()) else {
            return self.bad_request(lang);
        };
        let conflict = hash_of(&bytes) != form.get("hash");
        match found.parsed {
            Ok(Document::Berita(doc)) => {
                self.save_news(lang, form, (rel, &text, conflict), &doc.meta)
            }
            Ok(Document::Program(doc)) => {
                let current = SimpleValues {
                    title: doc.meta.title.clone(),
                    summary: doc.meta.summary.clone(),
                    body: yaml_edit::body_of(&text).unwrap_or_default(),
                    program: Some(ProgramFields::from_meta(&doc.meta)),
                };
                self.save_simple(lang, form, (rel, "program", &text, conflict), &current)
            }
            Ok(Document::Halaman(doc)) => {
                let current = SimpleValues {
                    title: doc.meta.title.clone(),
                    summary: doc.meta.summary.clone().unwrap_or_default(),
                    body: yaml_edit::body_of(&text).unwrap_or_default(),
                    program: None,
                };
                self.save_simple(lang, form, (rel, "halaman", &text, conflict), &current)
            }
            _ => self.bad_request(lang),
        }
    }

    fn conflict_notice(lang: Lang) -> String {
        t(
            lang,
            "Berkas ini berubah di disk sejak formulir dibuka; tidak ada yang ditulis. Buka lagi berkasnya (isian Anda tampil di bawah untuk disalin).",
            "This file changed on disk since the form was opened; nothing was written. Open it again (what you typed is below to copy).",
        )
        .to_string()
    }

    fn save_simple(
        &self,
        lang: Lang,
        form: &Form,
        (rel, kind, text, conflict): (&str, &str, &str, bool),
        current: &SimpleValues,
    ) -> Reply {
        let sent = SimpleValues {
            title: one_line(form.get("title")),
            summary: one_line(form.get("summary")),
            body: form.get("body").replace("\r\n", "\n"),
            program: current
                .program
                .as_ref()
                .map(|_| ProgramFields::from_form(form)),
        };
        let hash = form.get("hash");
        if conflict {
            let mut errors = FieldErrors::new();
            errors.insert(String::new(), vec![Self::conflict_notice(lang)]);
            return self.render_simple(lang, (rel, kind, hash), &sent, &errors, None);
        }
        let mut new_text = text.to_string();
        if sent.title != current.title {
            new_text = yaml_edit::set_key(
                &new_text,
                "title",
                Some(&format!("title: {}", yaml_quote(&sent.title))),
            )
            .unwrap_or(new_text);
        }
        if sent.summary != current.summary {
            let block = (!sent.summary.is_empty())
                .then(|| format!("summary: {}", yaml_quote(&sent.summary)));
            new_text =
                yaml_edit::set_key(&new_text, "summary", block.as_deref()).unwrap_or(new_text);
        }
        if sent.body != current.body {
            new_text = yaml_edit::set_body(&new_text, &sent.body).unwrap_or(new_text);
        }
        if let (Some(program), Some(was)) = (&sent.program, &current.program) {
            let mistakes = program.mistakes(lang);
            if !mistakes.is_empty() {
                return self.render_simple(lang, (rel, kind, hash), &sent, &mistakes, None);
            }
            for (key, block) in program.changed_keys(was) {
                new_text = yaml_edit::set_key(&new_text, key, block.as_deref()).unwrap_or(new_text);
            }
        }
        if let Err(errors) = check_document(&self.root, Path::new(rel), new_text.clone(), None) {
            let fields = field_errors(&errors, &new_text, lang);
            return self.render_simple(lang, (rel, kind, hash), &sent, &fields, None);
        }
        if new_text != text
            && let Err(e) = self.write_document(rel, text, &new_text, &[])
        {
            let mut errors = FieldErrors::new();
            errors.insert(String::new(), vec![e.message.get(lang).to_string()]);
            return self.render_simple(lang, (rel, kind, hash), &sent, &errors, None);
        }
        Reply::redirect(&format!("{}&tersimpan=1", self.nav().edit_url(rel)))
    }

    /// Checks the uploads of `form`, names them (unique against `taken`) and adds them to
    /// `values` as the cover and gallery photos.
    fn take_uploads<'a>(
        form: &'a Form,
        taken: &mut HashSet<String>,
        values: &mut NewsValues,
        errors: &mut FieldErrors,
        lang: Lang,
    ) -> Vec<NewPhoto<'a>> {
        let mut out = Vec::new();
        let mut slots = vec![("sampul".to_string(), None)];
        for i in 1..=4 {
            slots.push((
                format!("foto_baru_{i}"),
                Some(format!("keterangan_baru_{i}")),
            ));
        }
        for (field, caption_field) in slots {
            let Some(upload) = form.upload(&field) else {
                continue;
            };
            let ext = match form::check_photo(upload) {
                Ok(ext) => ext,
                Err(problem) => {
                    let message = match problem {
                        PhotoProblem::BadName => t(
                            lang,
                            "nama berkas ini memuat folder (/, \\ atau ..); pilih berkasnya langsung",
                            "this file name holds a folder (/, \\ or ..); choose the file itself",
                        ),
                        PhotoProblem::NotAPhoto => t(
                            lang,
                            "berkas ini bukan foto JPEG, PNG atau WebP (dilihat dari isinya, bukan namanya)",
                            "this file is not a JPEG, PNG or WebP photo (judged by its content, not its name)",
                        ),
                    };
                    errors
                        .entry(field.clone())
                        .or_default()
                        .push(message.to_string());
                    continue;
                }
            };
            let name = unique_name(Path::new(&upload.filename), ext, taken);
            match caption_field {
                None => values.cover = name.clone(),
                Some(c) => {
                    let caption = one_line(form.get(&c));
                    if caption.is_empty() {
                        errors.entry(field.clone()).or_default().push(
                            t(
                                lang,
                                "tulis keterangan foto ini (juga dibacakan bagi pembaca tunanetra)",
                                "write a caption for this photo (also read to readers who cannot see it)",
                            )
                            .to_string(),
                        );
                    }
                    values.photos.push((name.clone(), caption));
                }
            }
            out.push(NewPhoto {
                name,
                data: &upload.data,
            });
        }
        out
    }

    fn save_new_news(&self, lang: Lang, form: &Form) -> Reply {
        let mut values = NewsValues::from_form(form, None);
        let mut errors = FieldErrors::new();
        let title_error = |m: &str, errors: &mut FieldErrors| {
            errors
                .entry("title".into())
                .or_default()
                .push(m.to_string())
        };
        let slug = title_slug(&values.title);
        let slug = match slug {
            None => {
                title_error(
                    t(
                        lang,
                        "tulis judul dengan huruf atau angka",
                        "write the title with letters or digits",
                    ),
                    &mut errors,
                );
                String::new()
            }
            Some(s) => {
                if let Err(e) = check_slug(NewKind::Berita, &s) {
                    title_error(e.message.get(lang), &mut errors);
                }
                let section = self.root.join("berita");
                if section.join(&s).exists() || section.join(format!("{s}.md")).exists() {
                    title_error(
                        t(
                            lang,
                            "sudah ada berita dengan judul (alamat) ini; pakai judul lain",
                            "a news item with this title (address) already exists; use another title",
                        ),
                        &mut errors,
                    );
                }
                s
            }
        };
        let date = values
            .date_yaml()
            .and_then(|d| crate::content::types::NewsDate::parse(&d).ok());
        if date.is_none() {
            errors
                .entry("date".into())
                .or_default()
                .push(t(lang, "tulis tanggal dan jam", "give a date and time").to_string());
        }
        let mut taken = HashSet::from(["index.md".to_string()]);
        let uploads = Self::take_uploads(form, &mut taken, &mut values, &mut errors, lang);
        let config = read_site_config(&self.root);
        let (Some(config), Some(date)) = (config, date) else {
            if errors.is_empty() {
                errors.insert(
                    String::new(),
                    vec![
                        t(
                            lang,
                            "site.yaml tidak dapat dibaca",
                            "site.yaml cannot be read",
                        )
                        .into(),
                    ],
                );
            }
            return self.render_news(lang, None, "", &values, &errors, None, None);
        };
        if !errors.is_empty() {
            return self.render_news(lang, None, "", &values, &errors, None, None);
        }
        let programs = program_slugs(&self.root.join("program"));
        let mut text = new_news_text(&config, &values.title, &slug, &date, programs, &[]);
        for key in OWNED_KEYS {
            text = yaml_edit::set_key(&text, key, values.block(key).as_deref()).unwrap_or(text);
        }
        text = yaml_edit::set_body(&text, &values.body).unwrap_or(text);
        let rel = format!("berita/{slug}/index.md");
        if let Err(errors) = self.check_with_uploads(&rel, &text, &uploads) {
            let fields = field_errors(&errors, &text, lang);
            return self.render_news(lang, None, "", &values, &fields, None, None);
        }
        let bundle = self.root.join("berita").join(&slug);
        let written = write_new_bundle(&bundle, &uploads, &text);
        if let Err(e) = written {
            errors.insert(String::new(), vec![e.message.get(lang).to_string()]);
            return self.render_news(lang, None, "", &values, &errors, None, None);
        }
        Reply::redirect(&format!("{}&tersimpan=1", self.nav().edit_url(&rel)))
    }

    fn save_news(
        &self,
        lang: Lang,
        form: &Form,
        (rel, text, conflict): (&str, &str, bool),
        meta: &BeritaMeta,
    ) -> Reply {
        let current = NewsValues::from_meta(meta, yaml_edit::body_of(text).unwrap_or_default());
        let mut values = NewsValues::from_form(form, Some(&current));
        let hash = form.get("hash");
        let mut errors = FieldErrors::new();
        if conflict {
            errors.insert(String::new(), vec![Self::conflict_notice(lang)]);
            return self.render_news(lang, Some(rel), hash, &values, &errors, None, None);
        }
        if values.date_yaml().is_none() {
            errors
                .entry("date".into())
                .or_default()
                .push(t(lang, "tulis tanggal dan jam", "give a date and time").to_string());
        }
        let bundle_rel = Path::new(rel)
            .parent()
            .unwrap_or(Path::new("berita"))
            .to_path_buf();
        let is_bundle = rel.ends_with("/index.md");
        let mut taken: HashSet<String> = if is_bundle {
            files_beside(&self.root.join(&bundle_rel))
                .into_iter()
                .collect()
        } else {
            HashSet::new()
        };
        taken.insert("index.md".into());
        let uploads = Self::take_uploads(form, &mut taken, &mut values, &mut errors, lang);
        if !is_bundle && !uploads.is_empty() {
            errors.entry(String::new()).or_default().push(
                t(
                    lang,
                    "foto hanya dapat ditambahkan pada berita berbentuk folder (berita/<slug>/index.md)",
                    "photos can only be added to a news item kept as a folder (berita/<slug>/index.md)",
                )
                .to_string(),
            );
        }
        if !errors.is_empty() {
            return self.render_news(lang, Some(rel), hash, &values, &errors, None, None);
        }
        let mut new_text = text.to_string();
        for key in OWNED_KEYS {
            if !values.same(&current, key) {
                new_text = yaml_edit::set_key(&new_text, key, values.block(key).as_deref())
                    .unwrap_or(new_text);
            }
        }
        if values.body != current.body {
            new_text = yaml_edit::set_body(&new_text, &values.body).unwrap_or(new_text);
        }
        if new_text == text && uploads.is_empty() {
            return Reply::redirect(&format!("{}&tersimpan=1", self.nav().edit_url(rel)));
        }
        if let Err(errors) = self.check_with_uploads(rel, &new_text, &uploads) {
            let fields = field_errors(&errors, &new_text, lang);
            return self.render_news(lang, Some(rel), hash, &values, &fields, None, None);
        }
        if let Err(e) = self.write_document(rel, text, &new_text, &uploads) {
            errors.insert(String::new(), vec![e.message.get(lang).to_string()]);
            return self.render_news(lang, Some(rel), hash, &values, &errors, None, None);
        }
        Reply::redirect(&format!("{}&tersimpan=1", self.nav().edit_url(rel)))
    }

    /// Runs the site's checks on `text` at `rel`, with `uploads` beside it (held in a temp
    /// folder outside the site until the check passes).
    fn check_with_uploads(
        &self,
        rel: &str,
        text: &str,
        uploads: &[NewPhoto],
    ) -> Result<(), Diagnostics> {
        if uploads.is_empty() {
            return check_document(&self.root, Path::new(rel), text.to_string(), None);
        }
        let staging = std::env::temp_dir().join(format!(
            "cerdas-sunting-{}",
            auth::random_hex(8).unwrap_or_default()
        ));
        let result = self.stage(&staging, rel, uploads).and_then(|staged| {
            check_document(&self.root, Path::new(rel), text.to_string(), Some(&staged))
        });
        let _ = fs::remove_dir_all(&staging);
        result
    }

    fn stage(
        &self,
        staging: &Path,
        rel: &str,
        uploads: &[NewPhoto],
    ) -> Result<StagedBundle, Diagnostics> {
        fs::create_dir(staging).map_err(|e| Diagnostic::io(staging, &e))?;
        let bundle = self
            .root
            .join(Path::new(rel).parent().unwrap_or(Path::new("berita")));
        let mut files = Vec::new();
        for name in files_beside(&bundle) {
            link_or_copy(&bundle.join(&name), &staging.join(&name))
                .map_err(|e| Diagnostic::io(&bundle.join(&name), &e))?;
            files.push(PathBuf::from(name));
        }
        for p in uploads {
            fs::write(staging.join(&p.name), p.data)
                .map_err(|e| Diagnostic::io(&staging.join(&p.name), &e))?;
            files.push(PathBuf::from(&p.name));
        }
        Ok(StagedBundle {
            dir: staging.to_path_buf(),
            files,
        })
    }

    /// Writes the new photos and `new_text` over `rel`, unless the file changed since it was
    /// read as `old_text`.
    fn write_document(
        &self,
        rel: &str,
        old_text: &str,
        new_text: &str,
        uploads: &[NewPhoto],
    ) -> Result<(), Diagnostic> {
        if !inside_sections(Path::new(rel)) {
            return Err(Diagnostic::file(
                rel,
                Text::new("di luar folder tulisan", "outside the content folders"),
            ));
        }
        let full = self.root.join(rel);
        let now = fs::read(&full).map_err(|e| Diagnostic::io(&full, &e))?;
        if now != old_text.as_bytes() {
            return Err(Diagnostic::file(
                rel,
                Text::new(
                    "berkas ini berubah di disk sejak formulir dibuka; tidak ada yang ditulis",
                    "this file changed on disk since the form was opened; nothing was written",
                ),
            ));
        }
        let dir = full.parent().unwrap_or(&self.root);
        for p in uploads {
            write_atomic(&dir.join(&p.name), p.data)?;
        }
        write_atomic(&full, new_text.as_bytes())
    }
}

/// The file names in `dir` besides `index.md` and hidden ones.
fn files_beside(dir: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .flatten()
        .filter(|e| e.path().is_file() && !is_ignored(&e.path()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "index.md")
        .collect();
    names.sort();
    names
}

fn link_or_copy(from: &Path, to: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(from, to)
    }
    #[cfg(not(unix))]
    {
        fs::copy(from, to).map(|_| ())
    }
}

fn not_utf8(path: &Path) -> Diagnostic {
    Diagnostic::file(
        path,
        Text::new(
            "berkas ini bukan UTF-8; simpan sebagai UTF-8 untuk menyuntingnya di sini",
            "this file is not UTF-8; save it as UTF-8 to edit it here",
        ),
    )
}

fn bad_request(lang: Lang, nav: Nav) -> Reply {
    Reply::html(
        400,
        pages::message_page(
            lang,
            nav,
            t(lang, "Permintaan ditolak", "Request refused"),
            t(
                lang,
                "Berkas ini tidak dapat disunting di sini (bukan tulisan di berita/, program/ atau halaman/); tidak ada yang ditulis.",
                "This file cannot be edited here (not a document in berita/, program/ or halaman/); nothing was written.",
            ),
        ),
    )
}

/// The diagnostics of a check, placed at the form fields their lines belong to.
fn field_errors(errors: &Diagnostics, text: &str, lang: Lang) -> FieldErrors {
    let mut out = FieldErrors::new();
    for d in &errors.0 {
        let mut message = d.message.get(lang).to_string();
        if let Some(h) = &d.hint {
            message.push_str(&format!(" ({})", h.get(lang)));
        }
        let field = if d.message.en.contains("cover_alt") {
            "cover_alt".to_string()
        } else {
            match yaml_edit::key_at_line(text, d.line).as_deref() {
                Some("") => "body".to_string(),
                Some("cover") => "sampul".to_string(),
                Some("event") => "event".to_string(),
                Some("years") => "year_start".to_string(),
                Some("indicators") => "indikator".to_string(),
                Some(k)
                    if OWNED_KEYS.contains(&k) || PROGRAM_KEYS.contains(&k) || k == "summary" =>
                {
                    k.to_string()
                }
                _ => String::new(),
            }
        };
        out.entry(field).or_default().push(message);
    }
    out
}

/// Writes a new news bundle whole: its photos and `index.md` go into a hidden folder beside
/// it (a dot-folder, never read as content), which is then renamed into place. The preview's
/// rebuild never sees a bundle folder without its `index.md` (an error for a moment).
fn write_new_bundle(bundle: &Path, uploads: &[NewPhoto], text: &str) -> Result<(), Diagnostic> {
    let name = bundle.file_name().unwrap_or_default().to_string_lossy();
    let staging = bundle.with_file_name(format!(".baru-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    let staged = create_new_dir(&staging).and_then(|_| {
        for p in uploads {
            write_atomic(&staging.join(&p.name), p.data)?;
        }
        write_atomic(&staging.join("index.md"), text.as_bytes())
    });
    let placed = staged.and_then(|_| {
        // Never over a folder made since the form's check (a rename would refuse a folder
        // holding anything, and there is nothing to keep in an empty one).
        match fs::read_dir(bundle).map(|mut d| d.next().is_some()) {
            Ok(true) => Err(exists_error(bundle)),
            _ => fs::rename(&staging, bundle).map_err(|e| Diagnostic::io(bundle, &e)),
        }
    });
    if placed.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    placed
}

fn send(request: Request<'_>, reply: Reply) {
    let mut response = Response::new(reply.status, reply.body);
    let mut headers: Vec<(&str, String)> = vec![
        ("Content-Type", reply.content_type.to_string()),
        ("Cache-Control", "no-store".to_string()),
        ("X-Frame-Options", "DENY".to_string()),
        ("X-Content-Type-Options", "nosniff".to_string()),
        // Not `no-referrer`: under it a browser sends `Origin: null` with the form's POST, which
        // the same-origin check refuses (seen in Chromium: every save was "Akses ditolak").
        // `same-origin` still sends nothing to other sites.
        ("Referrer-Policy", "same-origin".to_string()),
        (
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'".to_string(),
        ),
    ];
    headers.extend(reply.headers);
    for (name, value) in headers {
        response.add_header(name, &value);
    }
    request.respond(response);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_paths_inside_the_sections_are_writable() {
        assert!(inside_sections(Path::new("berita/a/index.md")));
        assert!(inside_sections(Path::new("halaman/tentang.md")));
        for bad in [
            "../berita/a.md",
            "berita/../site.yaml",
            "/etc/passwd",
            "static/x.md",
            "masterplan/index.md",
        ] {
            assert!(!inside_sections(Path::new(bad)), "{bad}");
        }
    }

    #[test]
    fn editor_urls_are_recognised() {
        assert!(is_editor_url("/_cerdas/?token=x"));
        assert!(is_editor_url("/_cerdas"));
        assert!(!is_editor_url("/_cerdasx/"));
        assert!(!is_editor_url("/berita/"));
    }

    #[test]
    fn query_params_are_decoded() {
        assert_eq!(
            query_param("/_cerdas/sunting?path=berita%2Fa%2Findex.md&x=1", "path").as_deref(),
            Some("berita/a/index.md")
        );
        assert_eq!(
            query_param("/_cerdas/?token=abc", "token").as_deref(),
            Some("abc")
        );
        assert!(query_param("/_cerdas/", "token").is_none());
    }

    #[test]
    fn a_regency_editor_makes_its_links_from_its_prefix() {
        let nav = Nav {
            prefix: "/_cerdas/agam/",
            view: "/agam",
            chooser: true,
        };
        assert_eq!(
            nav.edit_url("berita/a b/index.md"),
            "/_cerdas/agam/sunting?path=berita/a%20b/index.md"
        );
        let page = pages::message_page(Lang::Id, nav, "Judul", "Teks");
        assert!(page.contains("<a href=\"/_cerdas/agam/\">Penyunting cerdas</a>"));
        assert!(page.contains("<a href=\"/_cerdas/\">Pilih kabupaten/kota lain</a>"));
        assert!(page.contains("<a href=\"/agam/\">Lihat situs</a>"));
        let alone = pages::message_page(Lang::Id, Nav::TOP, "Judul", "Teks");
        assert!(!alone.contains("Pilih kabupaten/kota lain"));
    }

    #[test]
    fn the_chooser_speaks_the_province_language() {
        let choices = [
            pages::Choice {
                name: "Kabupaten Agam".into(),
                url: Some("/_cerdas/agam/".into()),
            },
            pages::Choice {
                name: "rusak".into(),
                url: None,
            },
        ];
        let en = pages::chooser_page(Lang::En, "West Sumatra", &choices);
        assert!(en.contains("<html lang=\"en\">") && en.contains("Choose a regency"));
        assert!(en.contains("<a href=\"/_cerdas/agam/\">Kabupaten Agam</a>"));
        assert!(en.contains("rusak</span> <span class=\"tanda galat\">site.yaml has errors"));
        let id = pages::chooser_page(Lang::Id, "Provinsi Sumatera Barat", &choices);
        assert!(id.contains("Pilih kabupaten/kota") && id.contains("site.yaml ada galat"));
    }
}
