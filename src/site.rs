//! The loaded model of one regency: every page with its URL and rendered Markdown, links
//! between news, programs and the masterplan resolved, taxonomies and related news computed.
//! Everything a theme shows is here, ready to serialize; rendering never reads files again.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::config::{BaseUrl, SiteConfig};
use crate::content::kinds::{
    BeritaMeta, EventKind, Extra, HalamanMeta, Indicator, MasterplanMeta, MasterplanStatus,
    ProgramMeta, ProgramStatus, Years,
};
use crate::content::types::{Dimension, NewsDate, RESERVED_SLUGS, Slug};
use crate::content::{Content, Doc};
use crate::error::{Diagnostic, Diagnostics, Lang, Text, nearest};
use crate::markdown::{LinkTargets, MarkdownMemo, RenderedMarkdown, render_markdown};

pub mod images;
use crate::render::dates::{long_date, rupiah, short_date};
pub use images::{ImageView, PictureMemo, Pictures, ResizedImage, is_processed_picture};

/// Where pages are published: the path prefix of every URL and the absolute origin.
#[derive(Clone, Debug, Serialize)]
pub struct Urls {
    /// The prefix of every root-relative URL, without a trailing slash (`/agam`, or empty).
    pub base_path: String,
    /// The absolute address of the site's home, without a trailing slash.
    pub base_url: String,
}

impl Urls {
    /// URLs for a site published at `base_url`, optionally nested under `prefix` (a regency
    /// inside a province portal).
    pub fn new(base_url: &BaseUrl, prefix: &str) -> Urls {
        Urls {
            base_path: format!("{}{prefix}", base_url.path()),
            base_url: format!("{}{prefix}", base_url.as_str()),
        }
    }

    /// The root-relative URL of a site path such as `berita/bimtek/` (no leading slash).
    pub fn path(&self, site_path: &str) -> String {
        format!("{}/{site_path}", self.base_path)
    }

    /// The absolute URL of a site path.
    pub fn permalink(&self, site_path: &str) -> String {
        format!("{}/{site_path}", self.base_url)
    }
}

/// A date ready to show and to put in `datetime` attributes.
#[derive(Clone, Debug, Serialize)]
pub struct DateView {
    /// RFC 3339: `2022-08-15T09:00:00+07:00`.
    pub iso: String,
    /// `2022-08-15`.
    pub ymd: String,
    /// "Senin, 15 Agustus 2022".
    pub long: String,
    /// "15 Agustus 2022".
    pub short: String,
    /// The year.
    pub year: i16,
    /// Seconds since 1970 UTC, for sorting (RFC 3339 strings with different offsets do not
    /// sort by instant).
    #[serde(skip)]
    pub timestamp: i64,
}

impl DateView {
    /// A date as pages show it, in `lang`.
    pub fn new(date: &NewsDate, lang: Lang) -> DateView {
        DateView {
            iso: date.rfc3339(),
            ymd: date.ymd(),
            long: long_date(date.local, lang),
            short: short_date(date.local, lang),
            year: date.local.year(),
            timestamp: date.timestamp().as_second(),
        }
    }
}

/// A link to a dimension page.
#[derive(Clone, Debug, Serialize)]
pub struct DimensionRef {
    /// The slug, e.g. `smart-governance`.
    pub slug: &'static str,
    /// The display name, e.g. "Smart Governance".
    pub title: &'static str,
    /// Its page.
    pub url: String,
}

/// A link to a tag page.
#[derive(Clone, Debug, Serialize)]
pub struct TagRef {
    /// The tag.
    pub slug: Slug,
    /// Its page.
    pub url: String,
}

/// A short reference to a program, for lists on other pages.
#[derive(Clone, Debug, Serialize)]
pub struct ProgramRef {
    /// The slug.
    pub slug: Slug,
    /// The name.
    pub title: String,
    /// Its page.
    pub url: String,
    /// Where it stands.
    pub status: ProgramStatus,
    /// Whether it is a quick win.
    pub quick_win: bool,
}

/// A short reference to a news item, for related news and program pages.
#[derive(Clone, Debug, Serialize)]
pub struct NewsRef {
    /// The headline.
    pub title: String,
    /// Its page.
    pub url: String,
    /// When it was published.
    pub date: DateView,
}

/// The event a news item reports.
#[derive(Clone, Debug, Serialize)]
pub struct EventView {
    /// `bimtek`, `sosialisasi`, ...
    pub kind: EventKind,
    /// The stage, e.g. "Tahap II".
    pub stage: Option<String>,
}

/// One published news item.
#[derive(Clone, Debug, Serialize)]
pub struct NewsPage {
    /// The slug.
    pub slug: Slug,
    /// Root-relative URL.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// The headline.
    pub title: String,
    /// Publication date.
    pub date: DateView,
    /// The summary as plain text.
    pub summary: String,
    /// The summary as HTML (the written summary, escaped, or the first paragraph).
    pub summary_html: String,
    /// The body as HTML.
    pub content: String,
    /// Who wrote it.
    pub author: String,
    /// Who edited it.
    pub editor: Option<String>,
    /// Where it came from.
    pub source: Option<String>,
    /// Where the event took place.
    pub location: Option<String>,
    /// The event.
    pub event: Option<EventView>,
    /// Dimensions it concerns.
    pub dimensions: Vec<DimensionRef>,
    /// Programs it concerns.
    pub programs: Vec<ProgramRef>,
    /// Its tags.
    pub tags: Vec<TagRef>,
    /// The main photo.
    pub cover: Option<ImageView>,
    /// The cover cut to 1200 x 630, shown when the page is shared (OpenGraph).
    pub og_image: Option<ResizedImage>,
    /// More photos.
    pub photos: Vec<ImageView>,
    /// Up to three related news items.
    pub related: Vec<NewsRef>,
    /// Free data.
    pub extra: Extra,
}

/// A measurable target of a program, ready to show.
pub type IndicatorView = Indicator;

/// One program or quick win.
#[derive(Clone, Debug, Serialize)]
pub struct ProgramPage {
    /// The slug.
    pub slug: Slug,
    /// Root-relative URL.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// The name.
    pub title: String,
    /// Its dimension.
    pub dimension: DimensionRef,
    /// The agency running it.
    pub opd: String,
    /// Where it stands.
    pub status: ProgramStatus,
    /// Whether it is a quick win.
    pub quick_win: bool,
    /// When it runs.
    pub years: Years,
    /// Budget in rupiah, as a number.
    pub budget: Option<u64>,
    /// Budget as "Rp350.000.000".
    pub budget_display: Option<String>,
    /// Measurable targets.
    pub indicators: Vec<IndicatorView>,
    /// One sentence about it.
    pub summary: String,
    /// The body as HTML.
    pub content: String,
    /// News that mention it, newest first.
    pub news: Vec<NewsRef>,
    /// Free data.
    pub extra: Extra,
}

/// The masterplan's plan for one dimension.
#[derive(Clone, Debug, Serialize)]
pub struct DimensionPlanView {
    /// The dimension.
    pub dimension: DimensionRef,
    /// A short summary.
    pub summary: String,
    /// The goals.
    pub goals: Vec<String>,
    /// The programs in this dimension.
    pub programs: Vec<ProgramRef>,
}

/// A downloadable document.
#[derive(Clone, Debug, Serialize)]
pub struct DocumentView {
    /// Its title.
    pub title: String,
    /// Root-relative URL of the file.
    pub url: String,
}

/// The masterplan summary.
#[derive(Clone, Debug, Serialize)]
pub struct MasterplanPage {
    /// Root-relative URL.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// The title.
    pub title: String,
    /// First year.
    pub period_start: u16,
    /// Last year.
    pub period_end: u16,
    /// The regulation that adopted it.
    pub regulation: Option<String>,
    /// The vision.
    pub vision: String,
    /// The missions.
    pub missions: Vec<String>,
    /// Each dimension's plan, in the standard order.
    pub dimensions: Vec<DimensionPlanView>,
    /// The quick wins.
    pub quick_wins: Vec<ProgramRef>,
    /// Downloadable documents.
    pub documents: Vec<DocumentView>,
    /// Where it stands.
    pub status: MasterplanStatus,
    /// The body as HTML.
    pub content: String,
    /// Free data.
    pub extra: Extra,
}

/// A plain page.
#[derive(Clone, Debug, Serialize)]
pub struct HalamanPage {
    /// The slug.
    pub slug: Slug,
    /// Root-relative URL.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// The title.
    pub title: String,
    /// A one-sentence summary.
    pub summary: String,
    /// The body as HTML.
    pub content: String,
    /// Menu weight, if it is in the main menu.
    pub menu: Option<i32>,
    /// Free data.
    pub extra: Extra,
}

/// A term of a taxonomy (a dimension or a tag) with the news filed under it.
#[derive(Clone, Debug, Serialize)]
pub struct Term {
    /// The slug.
    pub slug: String,
    /// The display name.
    pub title: String,
    /// Its page.
    pub url: String,
    /// Indexes into [`Site::news`], newest first.
    pub news: Vec<usize>,
}

/// A file copied into the output as it is.
#[derive(Clone, Debug)]
pub struct CopiedFile {
    /// The absolute source path.
    pub from: PathBuf,
    /// The path inside the output folder.
    pub to: PathBuf,
}

/// An entry of the main menu.
#[derive(Clone, Debug, Serialize)]
pub struct MenuEntry {
    /// The link text.
    pub title: String,
    /// Where it goes.
    pub url: String,
    /// A key of the theme strings to use instead of `title`, for built-in entries.
    pub key: Option<&'static str>,
}

/// The whole regency, ready to render.
#[derive(Clone, Debug)]
pub struct Site {
    /// `site.yaml`.
    pub config: SiteConfig,
    /// Where pages are published.
    pub urls: Urls,
    /// Language of dates and theme text.
    pub lang: Lang,
    /// Published news, newest first.
    pub news: Vec<NewsPage>,
    /// Programs, by dimension then title.
    pub programs: Vec<ProgramPage>,
    /// The masterplan summary.
    pub masterplan: Option<MasterplanPage>,
    /// Plain pages, by slug.
    pub pages: Vec<HalamanPage>,
    /// The six dimensions with their news.
    pub dimensions: Vec<Term>,
    /// Tags with their news, by slug.
    pub tags: Vec<Term>,
    /// The main menu.
    pub menu: Vec<MenuEntry>,
    /// Files copied as they are: `static/`, bundle photos, masterplan documents.
    pub copies: Vec<CopiedFile>,
    /// The logo's root-relative URL (the file as it is in `static/`).
    pub logo_url: Option<String>,
    /// The logo, resized.
    pub logo: Option<ImageView>,
    /// The pictures pages show and the resized files they become (templates may ask for
    /// more while rendering, through `resize_image`); `output::images` makes them.
    pub pictures: std::sync::Arc<Pictures>,
    /// Tables from `data/`.
    pub data: serde_json::Map<String, serde_json::Value>,
    /// The province portal this site is part of, when built inside one.
    pub parent: Option<ParentPortal>,
}

/// A link from a regency's pages up to the province portal that holds them.
#[derive(Clone, Debug, Serialize)]
pub struct ParentPortal {
    /// The province portal's name.
    pub name: String,
    /// The root-relative URL of its home page.
    pub url: String,
}

/// Builds the model from checked content. `prefix` nests every URL (`/agam` in a province).
pub fn build_site(content: Content, base_url: &BaseUrl, prefix: &str) -> Result<Site, Diagnostics> {
    build_site_with(content, base_url, prefix, None)
}

/// [`build_site`], taking bodies whose text and links did not change from `memo` (and keeping
/// the others there).
pub fn build_site_with(
    content: Content,
    base_url: &BaseUrl,
    prefix: &str,
    memo: Option<&SiteMemo>,
) -> Result<Site, Diagnostics> {
    let urls = Urls::new(base_url, prefix);
    let lang = content.config.language.lang();
    let mut errors = Vec::new();
    let kept_pictures = memo.map(|m| Arc::clone(&m.pictures));
    let index = ContentIndex::new(&content, &urls, kept_pictures);
    let markdown = |file: &Path, body: &str, dir: &Path| match memo {
        Some(memo) => memo.markdown.render(file, body, &index),
        None => render_markdown(body, dir, &index),
    };
    if let Some(memo) = memo {
        memo.markdown.retain(&markdown_files(&content));
    }
    check_url_collisions(&content, &mut errors);
    let logo = check_site_files(&content, &index, &mut errors);

    let program_refs: HashMap<&Slug, ProgramRef> = content
        .programs
        .iter()
        .map(|p| (&p.slug, program_ref(p, &urls)))
        .collect();

    let published: Vec<&Doc<BeritaMeta>> = content.news.iter().filter(|n| !n.meta.draft).collect();
    let rendered_news: Vec<(NewsPage, Vec<Diagnostic>)> = published
        .par_iter()
        .map(|doc| {
            let md = markdown(&doc.path, doc.body(), doc.dir());
            let mut errs = broken_ref_errors(doc, &md, &index);
            let (ref_errors, images) = check_news_refs(doc, &program_refs, &index);
            errs.extend(ref_errors);
            (news_page(doc, md, &urls, lang, &program_refs, images), errs)
        })
        .collect();
    let mut news: Vec<NewsPage> = Vec::with_capacity(published.len());
    for (page, errs) in rendered_news {
        errors.extend(errs);
        news.push(page);
    }
    news.sort_by(|a, b| {
        b.date
            .timestamp
            .cmp(&a.date.timestamp)
            .then_with(|| a.slug.cmp(&b.slug))
    });
    add_related_news(&mut news);

    let mut programs: Vec<ProgramPage> = content
        .programs
        .par_iter()
        .map(|doc| {
            let md = markdown(&doc.path, doc.body(), doc.dir());
            (
                program_page(doc, md.html.clone(), &urls),
                broken_ref_errors(doc, &md, &index),
            )
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|(page, errs)| {
            errors.extend(errs);
            page
        })
        .collect();
    programs.sort_by(|a, b| {
        dim_order(a.dimension.slug)
            .cmp(&dim_order(b.dimension.slug))
            .then_with(|| a.title.cmp(&b.title))
    });
    attach_news_to_programs(&mut programs, &news);

    let masterplan = content.masterplan.as_ref().map(|doc| {
        let md = markdown(&doc.path, doc.body(), doc.dir());
        errors.extend(broken_ref_errors(doc, &md, &index));
        errors.extend(check_masterplan_refs(doc, &program_refs));
        masterplan_page(doc, md.html, &urls, &programs, &program_refs)
    });

    let mut pages: Vec<HalamanPage> = content
        .pages
        .iter()
        .map(|doc| {
            let md = markdown(&doc.path, doc.body(), doc.dir());
            errors.extend(broken_ref_errors(doc, &md, &index));
            halaman_page(doc, md, &urls)
        })
        .collect();
    pages.sort_by(|a, b| a.slug.cmp(&b.slug));

    if !errors.is_empty() {
        errors.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        return Err(Diagnostics(errors));
    }
    let dimensions = dimension_terms(&news, &urls);
    let tags = tag_terms(&news, &urls);
    let menu = main_menu(&content.config, &pages, &urls, masterplan.is_some());
    let copies = copied_files(&content);
    let logo_url = content
        .config
        .logo
        .as_ref()
        .map(|l| urls.path(l.trim_start_matches('/')));
    Ok(Site {
        urls,
        lang,
        news,
        programs,
        masterplan,
        pages,
        dimensions,
        tags,
        menu,
        copies,
        logo_url,
        logo,
        pictures: Arc::new(index.pictures),
        data: content.data,
        config: content.config,
        parent: None,
    })
}

/// What a regency's model was last made from, kept by the preview server between builds.
#[derive(Default)]
pub struct SiteMemo {
    /// Bodies as last rendered, with the links they were rendered against.
    pub markdown: MarkdownMemo,
    /// Pictures' header facts as last read.
    pub pictures: Arc<PictureMemo>,
}

/// Every Markdown file of `content` whose body is rendered.
fn markdown_files(content: &Content) -> HashSet<&Path> {
    let news = content
        .news
        .iter()
        .filter(|d| !d.meta.draft)
        .map(|d| &d.path);
    let programs = content.programs.iter().map(|d| &d.path);
    let pages = content.pages.iter().map(|d| &d.path);
    let masterplan = content.masterplan.iter().map(|d| &d.path);
    news.chain(programs)
        .chain(pages)
        .chain(masterplan)
        .map(PathBuf::as_path)
        .collect()
}

fn dim_order(slug: &str) -> usize {
    Dimension::position_of(slug).unwrap_or(usize::MAX)
}

/// Maps content files to URLs and knows which other files exist, for link rewriting.
struct ContentIndex {
    /// Content path (`berita/a.md`) to URL.
    urls: HashMap<PathBuf, String>,
    /// Every non-Markdown file that will be published, by site path.
    files: HashSet<PathBuf>,
    /// The pictures pages show and the files they become.
    pictures: Pictures,
}

impl ContentIndex {
    fn new(content: &Content, urls: &Urls, kept: Option<Arc<PictureMemo>>) -> ContentIndex {
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

/// Errors for links and images in a body that point at nothing.
fn broken_ref_errors<M>(
    doc: &Doc<M>,
    md: &RenderedMarkdown,
    index: &ContentIndex,
) -> Vec<Diagnostic> {
    md.broken
        .iter()
        .map(|b| {
            let offset = doc.body_offset + b.offset;
            let line = doc.source[..offset].matches('\n').count() + 1;
            let line_start = doc.source[..offset].rfind('\n').map_or(0, |i| i + 1);
            let column = doc.source[line_start..offset].chars().count() + 1;
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
            Diagnostic::at(&doc.path, &doc.source, line, column, message).with_hint(hint)
        })
        .collect()
}

/// A relative link that would work for a broken one: the same target one or two folders up
/// (a link copied from a plain news file into a bundle), or the same file name in any section.
fn suggest_link(dir: &Path, target: &str, index: &ContentIndex) -> Option<String> {
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

fn unknown_program_error<M>(
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
struct NewsPictures {
    /// Cover and photos, by their name in the front matter.
    views: HashMap<String, ImageView>,
    /// The cover cut for sharing.
    og_image: Option<ResizedImage>,
}

/// Errors in a news item's references, and the size of each picture it shows.
fn check_news_refs(
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
fn picture_source(doc: &Doc<BeritaMeta>, file: &str, root: &Path) -> Option<PathBuf> {
    match (file.strip_prefix('/'), &doc.bundle_dir) {
        (Some(abs), _) => Some(root.join("static").join(abs)),
        (None, Some(dir)) => Some(root.join(dir).join(file)),
        (None, None) => None,
    }
}

/// Plans the picture `file` named under `key` with its text `alt`, keeping its view (and
/// returning its source file) or reporting what is wrong with it.
fn read_picture(
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

fn asset_exists<M>(doc: &Doc<M>, file: &str, index: &ContentIndex) -> bool {
    if let Some(abs) = file.strip_prefix('/') {
        return index.files.contains(&Path::new("static").join(abs));
    }
    doc.bundle_dir.is_some() && doc.assets.iter().any(|a| a == Path::new(file))
}

fn missing_asset_error<M>(doc: &Doc<M>, key: &str, file: &str) -> Diagnostic {
    doc.error_at(key, file, Text::new(
        format!("berkas `{file}` tidak ditemukan di samping tulisan ini"),
        format!("the file `{file}` was not found beside this page"),
    ))
    .with_hint(Text::new(
        "simpan tulisan sebagai folder berita/<slug>/index.md dan letakkan berkas itu di folder yang sama",
        "save the page as a folder berita/<slug>/index.md and put the file in that same folder",
    ))
}

fn check_masterplan_refs(
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
fn check_url_collisions(content: &Content, errors: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    let mut claim = |url: String, path: &Path, source: &str, errors: &mut Vec<Diagnostic>| {
        if let Some(first) = seen.get(&url) {
            errors.push(
                Diagnostic::at(
                    path,
                    source,
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
            errors.push(reserved_error(&d.path, &d.source, "berita/page/"));
        }
        claim(format!("berita/{}/", d.slug), &d.path, &d.source, errors);
    }
    for d in &content.programs {
        claim(format!("program/{}/", d.slug), &d.path, &d.source, errors);
    }
    for d in &content.pages {
        if RESERVED_SLUGS.contains(&d.slug.as_str()) {
            errors.push(reserved_error(&d.path, &d.source, &format!("{}/", d.slug)));
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
        ".cerdas",
        "_headers",
        "cerdas.css",
    ];
    for f in &content.static_files {
        let top = f
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .unwrap_or_default();
        let rel = f.to_string_lossy();
        if generated.contains(&rel.as_ref())
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

fn reserved_error(path: &Path, source: &str, url: &str) -> Diagnostic {
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
fn check_site_files(
    content: &Content,
    index: &ContentIndex,
    errors: &mut Vec<Diagnostic>,
) -> Option<ImageView> {
    let logo = content.config.logo.as_ref()?;
    let logo_path = Path::new(logo.trim_start_matches('/'));
    if content.static_files.iter().any(|f| f == logo_path) {
        let source = content.root.join("static").join(logo_path);
        let alt = &content.config.name;
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
                    Diagnostic::at_key("site.yaml", &content.config_source, "logo", logo, message)
                        .with_hint(hint),
                );
                None
            }
        };
    }
    errors.push(
        Diagnostic::at_key(
            "site.yaml",
            &content.config_source,
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

fn dimension_ref(d: Dimension, urls: &Urls) -> DimensionRef {
    DimensionRef {
        slug: d.slug(),
        title: d.title(),
        url: urls.path(&format!("dimensi/{}/", d.slug())),
    }
}

fn program_ref(doc: &Doc<ProgramMeta>, urls: &Urls) -> ProgramRef {
    ProgramRef {
        slug: doc.slug.clone(),
        title: doc.meta.title.clone(),
        url: urls.path(&format!("program/{}/", doc.slug)),
        status: doc.meta.status,
        quick_win: doc.meta.quick_win,
    }
}

fn news_page(
    doc: &Doc<BeritaMeta>,
    md: RenderedMarkdown,
    urls: &Urls,
    lang: Lang,
    programs: &HashMap<&Slug, ProgramRef>,
    images: NewsPictures,
) -> NewsPage {
    let m = &doc.meta;
    let page_path = format!("berita/{}/", doc.slug);
    let (summary, summary_html) = match &m.summary {
        Some(s) => (
            s.clone(),
            format!("<p>{}</p>", crate::render::escape_html(s)),
        ),
        None => (md.summary_text, md.summary_html),
    };
    NewsPage {
        slug: doc.slug.clone(),
        url: urls.path(&page_path),
        permalink: urls.permalink(&page_path),
        title: m.title.clone(),
        date: DateView::new(&m.date, lang),
        summary,
        summary_html,
        content: md.html,
        author: m.author.clone(),
        editor: m.editor.clone(),
        source: m.source.clone(),
        location: m.location.clone(),
        event: m.event.as_ref().map(|e| EventView {
            kind: e.kind,
            stage: e.stage.clone(),
        }),
        dimensions: m
            .dimensions
            .iter()
            .map(|d| dimension_ref(*d, urls))
            .collect(),
        programs: m
            .programs
            .iter()
            .filter_map(|s| programs.get(s).cloned())
            .collect(),
        tags: m
            .tags
            .iter()
            .map(|t| TagRef {
                slug: t.clone(),
                url: urls.path(&format!("tag/{t}/")),
            })
            .collect(),
        cover: m.cover.as_ref().and_then(|c| images.views.get(c).cloned()),
        og_image: images.og_image,
        photos: m
            .photos
            .iter()
            .filter_map(|p| images.views.get(&p.src).cloned())
            .collect(),
        related: Vec::new(),
        extra: m.extra.clone(),
    }
}

fn news_ref(n: &NewsPage) -> NewsRef {
    NewsRef {
        title: n.title.clone(),
        url: n.url.clone(),
        date: n.date.clone(),
    }
}

/// Up to three related items per news item: shared programs count most, then tags, then
/// dimensions; ties go to the newer item. Candidates come from an inverted index, so the
/// work grows with the overlap, not with the square of the news count.
fn add_related_news(news: &mut [NewsPage]) {
    // Programs and tags as small numbers, then the news items filed under each.
    let mut ids: HashMap<(bool, &str), usize> = HashMap::new();
    let mut keys_of: Vec<Vec<(usize, u32)>> = Vec::with_capacity(news.len());
    for n in news.iter() {
        let programs = n.programs.iter().map(|p| ((true, p.slug.as_str()), 4));
        let tags = n.tags.iter().map(|t| ((false, t.slug.as_str()), 2));
        let keys = programs
            .chain(tags)
            .map(|(key, weight)| {
                let next = ids.len();
                (*ids.entry(key).or_insert(next), weight)
            })
            .collect();
        keys_of.push(keys);
    }
    let mut filed: Vec<Vec<usize>> = vec![Vec::new(); ids.len()];
    for (i, keys) in keys_of.iter().enumerate() {
        for &(key, _) in keys {
            filed[key].push(i);
        }
    }
    // Each item's dimensions as bits: one entry per dimension written, and the set of them.
    let dimension_bit = |d: &DimensionRef| Dimension::position_of(d.slug).map_or(0u8, |p| 1 << p);
    let dims_of: Vec<Vec<u8>> = news
        .iter()
        .map(|n| n.dimensions.iter().map(dimension_bit).collect())
        .collect();
    let dim_set: Vec<u8> = dims_of
        .iter()
        .map(|d| d.iter().fold(0, |a, b| a | b))
        .collect();
    let related: Vec<Vec<NewsRef>> = (0..news.len())
        .into_par_iter()
        .map_init(
            || vec![0u32; news.len()],
            |scores, i| {
                let mut touched = Vec::new();
                for &(key, weight) in &keys_of[i] {
                    for &j in filed[key].iter().take(200).filter(|&&j| j != i) {
                        if scores[j] == 0 {
                            touched.push(j);
                        }
                        scores[j] += weight;
                    }
                }
                // The best three by score, ties to the lower index (the newer item).
                let mut best: Vec<(u32, usize)> = Vec::with_capacity(4);
                for &j in &touched {
                    let shared_dims = dims_of[j].iter().filter(|&&b| b & dim_set[i] != 0).count();
                    let score = std::mem::take(&mut scores[j]) + shared_dims as u32;
                    let at = best.partition_point(|&(s, k)| s > score || (s == score && k < j));
                    if at < 3 {
                        best.insert(at, (score, j));
                        best.truncate(3);
                    }
                }
                best.iter().map(|&(_, j)| news_ref(&news[j])).collect()
            },
        )
        .collect();
    for (n, r) in news.iter_mut().zip(related) {
        n.related = r;
    }
}

fn program_page(doc: &Doc<ProgramMeta>, content: String, urls: &Urls) -> ProgramPage {
    let m = &doc.meta;
    let page_path = format!("program/{}/", doc.slug);
    ProgramPage {
        slug: doc.slug.clone(),
        url: urls.path(&page_path),
        permalink: urls.permalink(&page_path),
        title: m.title.clone(),
        dimension: dimension_ref(m.dimension, urls),
        opd: m.opd.clone(),
        status: m.status,
        quick_win: m.quick_win,
        years: m.years.clone(),
        budget: m.budget,
        budget_display: m.budget.map(rupiah),
        indicators: m.indicators.clone(),
        summary: m.summary.clone(),
        content,
        news: Vec::new(),
        extra: m.extra.clone(),
    }
}

fn attach_news_to_programs(programs: &mut [ProgramPage], news: &[NewsPage]) {
    let mut by_slug: HashMap<&str, Vec<NewsRef>> = HashMap::new();
    for n in news {
        for p in &n.programs {
            by_slug
                .entry(p.slug.as_str())
                .or_default()
                .push(news_ref(n));
        }
    }
    for p in programs {
        p.news = by_slug.remove(p.slug.as_str()).unwrap_or_default();
    }
}

fn masterplan_page(
    doc: &Doc<MasterplanMeta>,
    content: String,
    urls: &Urls,
    programs: &[ProgramPage],
    refs: &HashMap<&Slug, ProgramRef>,
) -> MasterplanPage {
    let m = &doc.meta;
    let dimensions = Dimension::ALL
        .iter()
        .filter_map(|d| {
            let plan = m.dimensions.get(d)?;
            Some(DimensionPlanView {
                dimension: dimension_ref(*d, urls),
                summary: plan.summary.clone(),
                goals: plan.goals.clone(),
                programs: programs
                    .iter()
                    .filter(|p| p.dimension.slug == d.slug())
                    .filter_map(|p| refs.get(&p.slug).cloned())
                    .collect(),
            })
        })
        .collect();
    MasterplanPage {
        url: urls.path("masterplan/"),
        permalink: urls.permalink("masterplan/"),
        title: m.title.clone(),
        period_start: m.period.start,
        period_end: m.period.end,
        regulation: m.regulation.clone(),
        vision: m.vision.clone(),
        missions: m.missions.clone(),
        dimensions,
        quick_wins: m
            .quick_wins
            .iter()
            .filter_map(|s| refs.get(s).cloned())
            .collect(),
        documents: m
            .documents
            .iter()
            .map(|d| DocumentView {
                title: d.title.clone(),
                url: urls.path(&format!("masterplan/{}", d.file)),
            })
            .collect(),
        status: m.status,
        content,
        extra: m.extra.clone(),
    }
}

fn halaman_page(doc: &Doc<HalamanMeta>, md: RenderedMarkdown, urls: &Urls) -> HalamanPage {
    let page_path = format!("{}/", doc.slug);
    HalamanPage {
        slug: doc.slug.clone(),
        url: urls.path(&page_path),
        permalink: urls.permalink(&page_path),
        title: doc.meta.title.clone(),
        summary: doc.meta.summary.clone().unwrap_or(md.summary_text),
        content: md.html,
        menu: doc.meta.menu,
        extra: doc.meta.extra.clone(),
    }
}

fn dimension_terms(news: &[NewsPage], urls: &Urls) -> Vec<Term> {
    Dimension::ALL
        .iter()
        .map(|d| Term {
            slug: d.slug().to_string(),
            title: d.title().to_string(),
            url: urls.path(&format!("dimensi/{}/", d.slug())),
            news: news
                .iter()
                .enumerate()
                .filter(|(_, n)| n.dimensions.iter().any(|x| x.slug == d.slug()))
                .map(|(i, _)| i)
                .collect(),
        })
        .collect()
}

fn tag_terms(news: &[NewsPage], urls: &Urls) -> Vec<Term> {
    let mut by_tag: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, n) in news.iter().enumerate() {
        for t in &n.tags {
            by_tag.entry(t.slug.as_str()).or_default().push(i);
        }
    }
    by_tag
        .into_iter()
        .map(|(slug, items)| Term {
            slug: slug.to_string(),
            title: slug.replace('-', " "),
            url: urls.path(&format!("tag/{slug}/")),
            news: items,
        })
        .collect()
}

fn main_menu(
    config: &SiteConfig,
    pages: &[HalamanPage],
    urls: &Urls,
    has_masterplan: bool,
) -> Vec<MenuEntry> {
    let mut builtin = vec![("menu_home", ""), ("menu_news", "berita/")];
    if has_masterplan {
        builtin.push(("menu_masterplan", "masterplan/"));
    }
    builtin.push(("menu_programs", "program/"));
    let mut menu: Vec<MenuEntry> = builtin
        .iter()
        .map(|(key, path)| MenuEntry {
            title: String::new(),
            url: urls.path(path),
            key: Some(key),
        })
        .collect();
    let mut in_menu: Vec<&HalamanPage> = pages.iter().filter(|p| p.menu.is_some()).collect();
    in_menu.sort_by_key(|p| (p.menu, p.slug.clone()));
    menu.extend(in_menu.iter().map(|p| MenuEntry {
        title: p.title.clone(),
        url: p.url.clone(),
        key: None,
    }));
    menu.extend(config.menu.iter().map(|m| MenuEntry {
        title: m.title.clone(),
        url: if m.url.starts_with('/') {
            urls.path(m.url.trim_start_matches('/'))
        } else {
            m.url.clone()
        },
        key: None,
    }));
    menu
}

fn copied_files(content: &Content) -> Vec<CopiedFile> {
    let mut copies: Vec<CopiedFile> = content
        .static_files
        .iter()
        .map(|f| CopiedFile {
            from: content.root.join("static").join(f),
            to: f.clone(),
        })
        .collect();
    let bundles = content
        .news
        .iter()
        .filter(|d| !d.meta.draft)
        .map(|d| {
            (
                d.bundle_dir.as_ref(),
                &d.assets,
                format!("berita/{}", d.slug),
            )
        })
        .chain(content.programs.iter().map(|d| {
            (
                d.bundle_dir.as_ref(),
                &d.assets,
                format!("program/{}", d.slug),
            )
        }))
        .chain(
            content
                .pages
                .iter()
                .map(|d| (d.bundle_dir.as_ref(), &d.assets, d.slug.to_string())),
        )
        .chain(
            content
                .masterplan
                .iter()
                .map(|d| (d.bundle_dir.as_ref(), &d.assets, "masterplan".to_string())),
        );
    for (dir, assets, out_dir) in bundles {
        let Some(dir) = dir else { continue };
        copies.extend(
            assets
                .iter()
                .filter(|a| !is_processed_picture(a))
                .map(|a| CopiedFile {
                    from: content.root.join(dir).join(a),
                    to: Path::new(&out_dir).join(a),
                }),
        );
    }
    copies
}
