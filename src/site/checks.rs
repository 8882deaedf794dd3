//! The checks that need the whole regency: links and images that point at nothing, programs
//! that do not exist, missing photos and documents, two files at one URL, the logo.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::config::SiteConfig;
use crate::content::kinds::{BeritaMeta, MasterplanMeta};
use crate::content::redirects::{REDIRECTS_FILE, Redirect, Redirects};
use crate::content::types::{RESERVED_SLUGS, Slug, TOOL_PATHS};
use crate::content::{Content, Doc, SourceText};
use crate::error::{Diagnostic, Text, locate_in_source, nearest};
use crate::markdown::RenderedMarkdown;

use super::images::{ImageView, ResizedImage};
use super::index::ContentIndex;
use super::model::ProgramRef;

/// Errors for links and images in a body that point at nothing.
pub(super) fn broken_ref_errors<M>(
    doc: &Doc<M>,
    md: &RenderedMarkdown,
    index: &ContentIndex,
) -> Vec<Diagnostic> {
    md.broken
        .iter()
        .map(|b| {
            let source = doc.source.as_str();
            let before = source.get(..doc.body_offset + b.offset).unwrap_or_default();
            let line = before.matches('\n').count() + 1;
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            let column = before[line_start..].chars().count() + 1;
            let (message, hint) = if let Some((message, hint)) = &b.problem {
                (
                    Text::new(
                        format!("{}: {}", b.target, message.id),
                        format!("{}: {}", b.target, message.en),
                    ),
                    hint.clone(),
                )
            } else if b.image {
                (
                    Text::new(format!("gambar tidak ditemukan: `{}`", b.target), format!("image not found: `{}`", b.target)),
                    Text::new(
                        "letakkan gambar di folder tulisan (berita/<slug>/ di samping index.md) dan tulis namanya saja",
                        "put the image in the page's folder (berita/<slug>/ beside index.md) and write just its name",
                    ),
                )
            } else if let Some(fix) = suggest_link(doc.dir(), &b.target, index) {
                (
                    Text::new(format!("tautan ke berkas yang tidak ada: `{}`", b.target), format!("link to a file that does not exist: `{}`", b.target)),
                    Text::new(format!("mungkin maksud Anda `{fix}`? Tautan ditulis relatif terhadap folder berkas ini"), format!("did you mean `{fix}`? Links are relative to this file's folder")),
                )
            } else {
                (
                    Text::new(format!("tautan ke berkas yang tidak ada: `{}`", b.target), format!("link to a file that does not exist: `{}`", b.target)),
                    Text::new(
                        "tautan antar-tulisan ditulis relatif terhadap berkas ini, misalnya `bimtek-tahap-i.md` atau `../program/satu-data.md`",
                        "links between pages are relative to this file, e.g. `bimtek-tahap-i.md` or `../program/satu-data.md`",
                    ),
                )
            };
            Diagnostic::at(&doc.path, source, line, column, message).with_hint(hint)
        })
        .collect()
}

/// A relative link that would work for a broken one: the same target one or two folders up
/// (a link copied from a plain news file into a bundle), or the same file name in any section.
pub(super) fn suggest_link(dir: &Path, target: &str, index: &ContentIndex) -> Option<String> {
    let target = target.split('#').next().unwrap_or(target);
    for up in ["../", "../../"] {
        let candidate = format!("{up}{target}");
        if crate::markdown::normalize(&dir.join(&candidate))
            .is_some_and(|p| index.urls.contains_key(&p))
        {
            return Some(candidate);
        }
    }
    let name = Path::new(target).file_name()?;
    let found = index.urls.keys().find(|p| p.file_name() == Some(name))?;
    let depth = dir.components().count();
    Some(format!("{}{}", "../".repeat(depth), found.display()))
}

pub(super) fn unknown_program_error<M>(
    doc: &Doc<M>,
    key: &str,
    slug: &Slug,
    known: &HashMap<&Slug, ProgramRef>,
) -> Diagnostic {
    let near = nearest(slug.as_str(), known.keys().map(|s| s.as_str()));
    let hint = match near {
        Some(n) => Text::new(
            format!(
                "mungkin maksud Anda `{n}`? Nama program adalah nama berkasnya di folder program/ tanpa .md"
            ),
            format!(
                "did you mean `{n}`? A program's name is its file name in program/ without .md"
            ),
        ),
        None => Text::new(
            format!("buat berkas program/{slug}.md, atau hapus `{slug}` dari daftar"),
            format!("create program/{slug}.md, or remove `{slug}` from the list"),
        ),
    };
    doc.error_at(
        key,
        slug.as_str(),
        Text::new(
            format!("program `{slug}` tidak ada di folder program/"),
            format!("program `{slug}` does not exist in the program/ folder"),
        ),
    )
    .with_hint(hint)
}

/// The pictures of a news item.
#[derive(Default)]
pub(super) struct NewsPictures {
    /// Cover and photos, by their name in the front matter.
    pub(super) views: HashMap<String, ImageView>,
    /// The cover cut for sharing.
    pub(super) og_image: Option<ResizedImage>,
}

/// Errors in a news item's references, and the size of each picture it shows.
pub(super) fn check_news_refs(
    doc: &Doc<BeritaMeta>,
    programs: &HashMap<&Slug, ProgramRef>,
    index: &ContentIndex,
) -> (Vec<Diagnostic>, NewsPictures) {
    let mut images = NewsPictures::default();
    let mut errors: Vec<Diagnostic> = doc
        .meta
        .programs
        .iter()
        .filter(|s| !programs.contains_key(s))
        .map(|s| unknown_program_error(doc, "programs", s, programs))
        .collect();
    // `source` is text ("Humas Setda Agam"), which a theme may show as a link when it is an
    // address: one that could run code is refused.
    if let Some(source) = doc
        .meta
        .source
        .as_deref()
        .filter(|s| !s.trim().contains(char::is_whitespace) && !crate::text::is_safe_url(s))
    {
        errors.push(
            doc.error_at(
                "source",
                source,
                Text::new(
                    format!("sumber `{source}` tidak diizinkan: alamat hanya boleh http://, https://, mailto: atau tel:"),
                    format!("the source `{source}` is not allowed: an address may only be http://, https://, mailto: or tel:"),
                ),
            )
            .with_hint(Text::new(
                "tulis nama sumbernya, atau alamat lengkap yang diawali https://",
                "write the source's name, or a full address starting with https://",
            )),
        );
    }
    let cover_alt_missing = doc
        .meta
        .cover_alt
        .as_deref()
        .is_none_or(|a| a.trim().is_empty());
    if let Some(cover) = &doc.meta.cover {
        if cover_alt_missing {
            errors.push(
                doc.error_at("cover", "", Text::new(
                    "foto sampul (`cover`) tidak punya teks alternatif (`cover_alt`)",
                    "the cover photo (`cover`) has no alternative text (`cover_alt`)",
                ))
                .with_hint(Text::new(
                    "tambahkan `cover_alt: \"...\"` yang menjelaskan isi foto bagi pembaca tunanetra",
                    "add `cover_alt: \"...\"` describing the photo for readers who cannot see it",
                )),
            );
        }
        if !asset_exists(doc, cover, index) {
            errors.push(missing_asset_error(doc, "cover", cover));
        } else {
            let alt = doc.meta.cover_alt.as_deref().unwrap_or_default();
            let named = ("cover", cover.as_str(), alt);
            if let Some(source) = read_picture(doc, named, index, &mut images.views, &mut errors) {
                images.og_image = index.pictures.og_image(&source);
            }
        }
    }
    for photo in &doc.meta.photos {
        if !asset_exists(doc, &photo.src, index) {
            errors.push(missing_asset_error(doc, "photos", &photo.src));
        } else {
            let named = ("photos", photo.src.as_str(), photo.caption.as_str());
            read_picture(doc, named, index, &mut images.views, &mut errors);
        }
    }
    (errors, images)
}

/// The file a news item's front matter names: `/x.jpg` is in `static/`, `x.jpg` beside the
/// item's `index.md`.
pub(super) fn picture_source(doc: &Doc<BeritaMeta>, file: &str, root: &Path) -> Option<PathBuf> {
    match (file.strip_prefix('/'), &doc.bundle_dir) {
        (Some(abs), _) => Some(root.join("static").join(abs)),
        (None, Some(dir)) => Some(root.join(dir).join(file)),
        (None, None) => None,
    }
}

/// Plans the picture `file` named under `key` with its text `alt`, keeping its view (and
/// returning its source file) or reporting what is wrong with it.
pub(super) fn read_picture(
    doc: &Doc<BeritaMeta>,
    (key, file, alt): (&str, &str, &str),
    index: &ContentIndex,
    views: &mut HashMap<String, ImageView>,
    errors: &mut Vec<Diagnostic>,
) -> Option<PathBuf> {
    let source = picture_source(doc, file, index.pictures.root())?;
    let as_is = match file.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("berita/{}/{file}", doc.slug),
    };
    match index.pictures.picture(&source, alt, &as_is) {
        Ok(view) => {
            views.insert(file.to_string(), view);
            Some(source)
        }
        Err((message, hint)) => {
            let message = Text::new(
                format!("{file}: {}", message.id),
                format!("{file}: {}", message.en),
            );
            errors.push(doc.error_at(key, file, message).with_hint(hint));
            None
        }
    }
}

pub(super) fn asset_exists<M>(doc: &Doc<M>, file: &str, index: &ContentIndex) -> bool {
    if let Some(abs) = file.strip_prefix('/') {
        return index.files.contains(&Path::new("static").join(abs));
    }
    doc.bundle_dir.is_some() && doc.assets.iter().any(|a| a == Path::new(file))
}

pub(super) fn missing_asset_error<M>(doc: &Doc<M>, key: &str, file: &str) -> Diagnostic {
    doc.error_at(key, file, Text::new(
        format!("berkas `{file}` tidak ditemukan di samping tulisan ini"),
        format!("the file `{file}` was not found beside this page"),
    ))
    .with_hint(Text::new(
        "simpan tulisan sebagai folder berita/<slug>/index.md dan letakkan berkas itu di folder yang sama",
        "save the page as a folder berita/<slug>/index.md and put the file in that same folder",
    ))
}

pub(super) fn check_masterplan_refs(
    doc: &Doc<MasterplanMeta>,
    programs: &HashMap<&Slug, ProgramRef>,
) -> Vec<Diagnostic> {
    let mut errors: Vec<Diagnostic> = doc
        .meta
        .quick_wins
        .iter()
        .filter(|s| !programs.contains_key(s))
        .map(|s| unknown_program_error(doc, "quick_wins", s, programs))
        .collect();
    for d in &doc.meta.documents {
        if !doc.assets.iter().any(|a| a == Path::new(&d.file)) {
            errors.push(
                doc.error_at(
                    "documents",
                    &d.file,
                    Text::new(
                        format!("dokumen `{}` tidak ada di folder masterplan/", d.file),
                        format!("document `{}` is not in the masterplan/ folder", d.file),
                    ),
                )
                .with_hint(Text::new(
                    "letakkan berkas dokumen di samping masterplan/index.md",
                    "put the document file beside masterplan/index.md",
                )),
            );
        }
    }
    errors
}

/// Two files that would be published at the same URL, or a page taking a reserved one.
pub(super) fn check_url_collisions(content: &Content, errors: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    let mut claim =
        |url: String, path: &Path, source: &SourceText, errors: &mut Vec<Diagnostic>| {
            if let Some(first) = seen.get(&url) {
                errors.push(
                    Diagnostic::at(
                        path,
                        source.as_str(),
                        1,
                        1,
                        Text::new(
                            format!(
                                "berkas ini dan {} sama-sama menjadi halaman /{url}",
                                first.display()
                            ),
                            format!(
                                "this file and {} both become the page /{url}",
                                first.display()
                            ),
                        ),
                    )
                    .with_hint(Text::new(
                        "ganti nama salah satu berkas",
                        "rename one of the files",
                    )),
                );
            } else {
                seen.insert(url, path.to_path_buf());
            }
        };
    for d in &content.news {
        if d.slug.as_str() == "page" {
            errors.push(reserved_error(&d.path, d.source.as_str(), "berita/page/"));
        }
        claim(format!("berita/{}/", d.slug), &d.path, &d.source, errors);
    }
    for d in &content.programs {
        claim(format!("program/{}/", d.slug), &d.path, &d.source, errors);
    }
    for d in &content.pages {
        if RESERVED_SLUGS.contains(&d.slug.as_str()) {
            errors.push(reserved_error(
                &d.path,
                d.source.as_str(),
                &format!("{}/", d.slug),
            ));
        }
        claim(format!("{}/", d.slug), &d.path, &d.source, errors);
    }
    let generated = [
        "index.html",
        "404.html",
        "atom.xml",
        "feed.json",
        "sitemap.xml",
        "robots.txt",
        "data.json",
        "program.csv",
        "program.json",
        ".cerdas",
        "_headers",
        "_redirects",
        "cerdas.css",
    ];
    for f in &content.static_files {
        let top = f
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .unwrap_or_default();
        let rel = f.to_string_lossy();
        if TOOL_PATHS.contains(&top.as_str()) {
            errors.push(
                Diagnostic::file(
                    Path::new("static").join(f),
                    Text::new(
                        format!("alamat /{top}/ dipakai pratinjau cerdas (penyunting); berkas statis tidak boleh diterbitkan di sana: /{rel}"),
                        format!("the address /{top}/ belongs to the cerdas preview (the editor); no static file may be published there: /{rel}"),
                    ),
                )
                .with_hint(Text::new(
                    "pindahkan berkas ini ke folder lain di static/",
                    "move the file to another folder in static/",
                )),
            );
        } else if generated.contains(&rel.as_ref())
            || (RESERVED_SLUGS.contains(&top.as_str()) && f.components().count() > 1)
        {
            errors.push(
                Diagnostic::file(
                    Path::new("static").join(f),
                    Text::new(
                        format!("berkas statis ini menimpa berkas yang dibuat cerdas: /{rel}"),
                        format!("this static file overwrites a file cerdas writes: /{rel}"),
                    ),
                )
                .with_hint(Text::new(
                    "pindahkan atau ganti namanya",
                    "move or rename it",
                )),
            );
        }
    }
}

pub(super) fn reserved_error(path: &Path, source: &str, url: &str) -> Diagnostic {
    Diagnostic::at(
        path,
        source,
        1,
        1,
        Text::new(
            format!("alamat /{url} sudah dipakai oleh cerdas sendiri"),
            format!("the address /{url} is already used by cerdas itself"),
        ),
    )
    .with_hint(Text::new(
        format!(
            "ganti nama berkas; nama yang dipakai cerdas: {}",
            RESERVED_SLUGS.join(", ")
        ),
        format!(
            "rename the file; names cerdas uses: {}",
            RESERVED_SLUGS.join(", ")
        ),
    ))
}

/// Checks the logo and plans its resized files.
pub(super) fn check_site_files(
    config: &SiteConfig,
    config_source: &str,
    content: &Content,
    index: &ContentIndex,
    errors: &mut Vec<Diagnostic>,
) -> Option<ImageView> {
    let logo = config.logo.as_ref()?;
    let logo_path = Path::new(logo.trim_start_matches('/'));
    if content.static_files.iter().any(|f| f == logo_path) {
        let source = content.root.join("static").join(logo_path);
        let alt = &config.name;
        return match index
            .pictures
            .picture(&source, alt, logo.trim_start_matches('/'))
        {
            Ok(view) => Some(view),
            Err((message, hint)) => {
                let message = Text::new(
                    format!("logo {logo}: {}", message.id),
                    format!("logo {logo}: {}", message.en),
                );
                errors.push(
                    Diagnostic::at_key("site.yaml", config_source, "logo", logo, message)
                        .with_hint(hint),
                );
                None
            }
        };
    }
    errors.push(
        Diagnostic::at_key(
            "site.yaml",
            config_source,
            "logo",
            logo,
            Text::new(
                format!("logo `{logo}` tidak ada di folder static/"),
                format!("logo `{logo}` is not in the static/ folder"),
            ),
        )
        .with_hint(Text::new(
            "letakkan berkas logo di folder static/ dan tulis namanya, misalnya `logo: logo.svg`",
            "put the logo file in static/ and write its name, e.g. `logo: logo.svg`",
        )),
    );
    None
}

/// Photos in `static/` larger than this are published as they are, full size, to every
/// visitor: worth a warning.
pub const LARGE_STATIC_PHOTO: u64 = 1024 * 1024;

/// Warnings for JPEG, PNG and WebP photos in `static/` larger than [`LARGE_STATIC_PHOTO`]:
/// they are copied as they are, while the same photo in a news folder gets sizes for phones.
pub(super) fn large_static_photos(content: &Content) -> Vec<Diagnostic> {
    content
        .static_files
        .iter()
        .filter(|f| {
            let ext = f
                .extension()
                .map(|e| e.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            matches!(ext.as_str(), "jpg" | "jpeg" | "png" | "webp")
        })
        .filter_map(|f| {
            let size = std::fs::metadata(content.root.join("static").join(f))
                .ok()?
                .len();
            (size > LARGE_STATIC_PHOTO).then(|| {
                let mb = format!("{:.1}", size as f64 / (1024.0 * 1024.0));
                let shown = Path::new("static").join(f);
                Diagnostic::file(
                    &shown,
                    Text::new(
                        format!("foto {} berukuran {mb} MB dan diterbitkan apa adanya: berat dibuka lewat ponsel", shown.display()),
                        format!("the photo {} is {mb} MB and is published as it is: heavy on a phone", shown.display()),
                    ),
                )
                .with_hint(Text::new(
                    "letakkan foto di folder berita (berita/<slug>/ di samping index.md) agar dibuat dalam beberapa ukuran, atau perkecil dulu di bawah 1 MB",
                    "put the photo in a news folder (berita/<slug>/ beside index.md) to get it in several sizes, or shrink it below 1 MB first",
                ))
            })
        })
        .collect()
}

/// The pages of a regency a redirect may lead to.
pub(super) struct SitePaths<'a> {
    pub urls: &'a super::Urls,
    pub news: &'a [super::NewsPage],
    pub programs: &'a [super::ProgramPage],
    pub masterplan: Option<&'a super::MasterplanPage>,
    pub pages: &'a [super::HalamanPage],
    /// Dimensions and tags.
    pub terms: [&'a [super::Term]; 2],
}

impl SitePaths<'_> {
    /// The root-relative URLs (with the base path) of every page a redirect may lead to.
    fn all(&self) -> HashSet<String> {
        let mut set: HashSet<String> = ["", "berita/", "program/", "dimensi/"]
            .iter()
            .map(|p| self.urls.path(p))
            .collect();
        set.extend(self.news.iter().map(|p| p.url.clone()));
        set.extend(self.programs.iter().map(|p| p.url.clone()));
        set.extend(self.masterplan.map(|p| p.url.clone()));
        set.extend(self.pages.iter().map(|p| p.url.clone()));
        for terms in self.terms {
            set.extend(terms.iter().map(|t| t.url.clone()));
        }
        set
    }
}

/// The redirects of `redirects.yaml` that lead to a page of the site; an error for one that
/// leads nowhere, one given twice, or one whose old address is a page of the site now.
pub(super) fn check_redirects(
    redirects: &Redirects,
    paths: &SitePaths,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Redirect> {
    if redirects.list.is_empty() {
        return Vec::new();
    }
    let known = paths.all();
    let file = Path::new(REDIRECTS_FILE);
    let mut seen = HashSet::new();
    let mut kept = Vec::with_capacity(redirects.list.len());
    for r in &redirects.list {
        let from = r.from.to_string();
        let at = |key: &str, value: &str, message: Text| {
            let (line, column) = locate_redirect(&redirects.source, &from, key, value);
            Diagnostic::at(file, &redirects.source, line, column, message)
        };
        if !known.contains(&paths.urls.path(r.to.as_str().trim_start_matches('/'))) {
            errors.push(
                at(
                    "to",
                    r.to.as_str(),
                    Text::new(
                        format!("`{}` bukan halaman situs ini (dialihkan dari `{from}`)", r.to.as_str()),
                        format!("`{}` is not a page of this site (redirected from `{from}`)", r.to.as_str()),
                    ),
                )
                .with_hint(Text::new(
                    "tulis alamat halaman yang ada, misalnya `/berita/<slug>/`, atau hapus pengalihan ini (dua baris, from dan to)",
                    "write the address of an existing page, e.g. `/berita/<slug>/`, or remove this redirect (both lines, from and to)",
                )),
            );
            continue;
        }
        let page_there = r.from.query.is_none()
            && (known.contains(&paths.urls.path(r.from.path.trim_start_matches('/')))
                || known.contains(
                    &paths
                        .urls
                        .path(&format!("{}/", r.from.path.trim_matches('/'))),
                ));
        if page_there {
            errors.push(
                at(
                    "from",
                    &from,
                    Text::new(
                        format!("`{from}` sudah menjadi alamat halaman situs ini; pengalihan akan menutupinya"),
                        format!("`{from}` is the address of a page of this site; the redirect would hide it"),
                    ),
                )
                .with_hint(Text::new(
                    "hapus pengalihan ini (dua baris, from dan to)",
                    "remove this redirect (both lines, from and to)",
                )),
            );
            continue;
        }
        if !seen.insert(r.from.clone()) {
            errors.push(
                at(
                    "from",
                    &from,
                    Text::new(
                        format!("`{from}` dialihkan dua kali"),
                        format!("`{from}` is redirected twice"),
                    ),
                )
                .with_hint(Text::new(
                    "biarkan satu pengalihan saja untuk alamat ini",
                    "keep one redirect for this address",
                )),
            );
            continue;
        }
        kept.push(r.clone());
    }
    kept
}

/// The line and column of `value` after `key:` in the entry of `redirects.yaml` whose `from`
/// is `from` (the same `to` may follow many entries, so it is looked for after its `from`).
fn locate_redirect(source: &str, from: &str, key: &str, value: &str) -> (usize, usize) {
    let lines: Vec<&str> = source.lines().collect();
    let entry = lines
        .iter()
        .position(|l| l.contains("from:") && l.contains(from))
        .unwrap_or(0);
    let prefix = format!("{key}:");
    for (i, line) in lines.iter().enumerate().skip(entry) {
        if i > entry && line.trim_start().starts_with('-') {
            break;
        }
        if let Some(k) = line.find(&prefix)
            && let Some(v) = line[k..].find(value)
        {
            return (i + 1, line[..k + v].chars().count() + 1);
        }
    }
    locate_in_source(source, key, value)
}
