//! `cerdas import wordpress EXPORT.xml [DIR]`: brings a WordPress portal's posts, pages and
//! photos into a regency site, with the old addresses kept working through `redirects.yaml`.
//!
//! The export is read twice as a stream (`wxr`): first for what items point at (attachments,
//! the page tree, the slugs every item gets), then item by item to write news bundles and
//! pages (`body` converts the HTML, `write` puts files down without ever overwriting a
//! different file unless asked). Nothing here prints: the report says what happened.

pub mod body;
pub mod map;
pub mod redirects;
pub mod write;
pub mod wxr;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiff::civil::DateTime;
use jiff::tz::Offset;
use rayon::prelude::*;

use crate::config::{SiteConfig, parse_site_config, read_site_source};
use crate::content::image_info::{ImageFormat, read_image_info};
use crate::content::types::{Label, NewsDate, RESERVED_SLUGS, WIB, slugify};
use crate::error::{Diagnostic, Diagnostics, Text};
use crate::scaffold::text::{title_slug, yaml_quote};

use body::{BodyContext, UrlKind, convert_body, is_image_url, plain_text};
use map::{ImportMap, read_map};
use redirects::RedirectPlan;
use write::{Outcome, compare, copy_file, percent_decode, uploads_file, write_file};
use wxr::{Channel, Item, WxrReader};

/// What `cerdas import wordpress` is asked to do.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    /// The WordPress export (WXR) file.
    pub export: PathBuf,
    /// The site folder, holding `site.yaml`.
    pub dir: PathBuf,
    /// A copy of the old site's `wp-content/uploads` folder.
    pub uploads: Option<PathBuf>,
    /// Categories to dimensions and programs.
    pub map: Option<PathBuf>,
    /// Overwrite files that exist with other content.
    pub replace: bool,
}

/// Something a person should look at after the import.
#[derive(Clone, Debug)]
pub struct Attention {
    /// The item's WordPress ID.
    pub id: u64,
    /// Its title.
    pub title: String,
    /// What to look at.
    pub why: Text,
}

/// What the import did.
#[derive(Clone, Debug, Default)]
pub struct ImportReport {
    /// Published posts written as news.
    pub news: usize,
    /// Posts not published (draft, pending, future, private) written as news drafts.
    pub drafts: usize,
    /// Pages written to `halaman/`.
    pub pages: usize,
    /// Files created.
    pub written: usize,
    /// Files already there with the same content.
    pub unchanged: usize,
    /// Files already there with other content, left as they were.
    pub kept: usize,
    /// Files already there with other content, overwritten (`--replace`).
    pub replaced: usize,
    /// Photos and documents copied from the uploads folder (or already in place).
    pub photos_copied: usize,
    /// Photos not found in the uploads folder, left at their old address.
    pub photos_missing: usize,
    /// Items not imported, by kind (`nav_menu_item`, `revision`, `comment`, ...).
    pub skipped: BTreeMap<String, usize>,
    /// Old addresses added to `redirects.yaml`.
    pub redirects_added: usize,
    /// Shortcodes left as text, with how many items hold each.
    pub unknown_shortcodes: BTreeMap<String, usize>,
    /// What needs a person, in the export's order.
    pub attention: Vec<Attention>,
    /// Wall time.
    pub elapsed: Duration,
}

/// An attachment of the export (a photo or document in the media library).
#[derive(Clone, Debug, Default)]
pub struct Attachment {
    /// `wp:attachment_url`.
    pub url: String,
    /// `_wp_attachment_image_alt`.
    pub alt: String,
    /// Its title.
    pub title: String,
    /// Its caption (the attachment's excerpt).
    pub caption: String,
    /// The post it was uploaded to.
    pub parent: u64,
}

/// Where an imported item goes.
#[derive(Clone, Debug)]
struct Planned {
    /// Its slug in its section.
    slug: String,
    /// A page (`halaman/`) rather than news.
    page: bool,
}

/// What the first pass over the export learns.
#[derive(Default)]
struct Index {
    channel: Channel,
    attachments: HashMap<u64, Attachment>,
    /// Posts and pages by ID, with their slugs.
    planned: HashMap<u64, Planned>,
}

/// The tag a WordPress category or tag name becomes: the word as written ("Smart City"),
/// spaces tidied; `None` for a name cerdas cannot take as a tag (no letters or digits, or
/// longer than a label may be).
pub fn tag_word(name: &str) -> Option<Label> {
    Label::parse(name).ok()
}

/// Imports the WordPress export `options.export` into the site `options.dir`.
pub fn import_wordpress(options: &ImportOptions) -> Result<ImportReport, Diagnostics> {
    let started = Instant::now();
    let config = read_site(&options.dir)?;
    let map = match &options.map {
        Some(path) => read_map(path, &options.dir)?,
        None => ImportMap::default(),
    };
    let uploads = match &options.uploads {
        Some(dir) => Some(Uploads::open(dir)?),
        None => None,
    };
    let existing_pages = page_slugs(&options.dir.join("halaman"));
    let index = first_pass(&options.export)?;
    let old = OldSite::new(&index.channel);
    let mut report = ImportReport::default();
    let mut plan = RedirectPlan::new(
        existing_pages.iter().cloned().chain(
            index
                .planned
                .values()
                .filter(|p| p.page)
                .map(|p| p.slug.clone()),
        ),
    );
    let job = Job {
        options,
        config: &config,
        map: &map,
        uploads: uploads.as_ref(),
        index: &index,
        old: &old,
    };
    let mut tags_published: HashSet<String> = HashSet::new();
    let mut categories: BTreeMap<String, String> = BTreeMap::new();
    let mut reader = WxrReader::open(&options.export, true)?;
    let mut batch = Vec::with_capacity(BATCH);
    loop {
        let next = reader.next_item()?;
        let done = next.is_none();
        if let Some(item) = next {
            batch.push(item);
        }
        if batch.len() == BATCH || (done && !batch.is_empty()) {
            let results: Vec<Result<Done, Diagnostic>> =
                batch.par_iter().map(|item| job.import_item(item)).collect();
            for (item, result) in batch.drain(..).zip(results) {
                let done = result?;
                report.merge(&item, &done);
                if done.published {
                    for (from, to) in &done.redirects {
                        plan.add(from, to);
                    }
                    tags_published.extend(done.tags.iter().map(|t| slugify(t)));
                    for t in item.terms.iter().filter(|t| t.domain == "category") {
                        if let Some(label) = tag_word(&t.name) {
                            categories.insert(t.nicename.clone(), label.slug.to_string());
                        }
                    }
                }
            }
        }
        if done {
            break;
        }
    }
    for (nicename, tag) in &categories {
        if tags_published.contains(tag) && !nicename.is_empty() {
            plan.add(
                &format!("{}/category/{nicename}/", old.blog_path),
                &format!("/tag/{tag}/"),
            );
        }
    }
    report.redirects_added = plan.write(&options.dir)?;
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Items converted in parallel at a time.
const BATCH: usize = 256;

/// Reads and checks `site.yaml` in `dir`.
fn read_site(dir: &Path) -> Result<SiteConfig, Diagnostics> {
    let source = read_site_source(
        dir,
        Text::new(
            "impor ke folder situs (yang berisi site.yaml); situs baru dibuat dengan `cerdas init folder --name \"Kabupaten ...\"`",
            "import into a site folder (the one holding site.yaml); a new site is made with `cerdas init folder --name \"Kabupaten ...\"`",
        ),
    )?;
    Ok(parse_site_config(&dir.join("site.yaml"), &source)?)
}

/// The slugs of the plain pages already in `dir`.
fn page_slugs(dir: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut slugs: Vec<String> = entries
        .flatten()
        .filter_map(|e| {
            e.file_name()
                .to_string_lossy()
                .strip_suffix(".md")
                .map(str::to_string)
        })
        .collect();
    slugs.sort();
    slugs
}

/// The first pass: attachments, and the slug of every post and page (nested pages by their
/// path, made unique in their section).
fn first_pass(export: &Path) -> Result<Index, Diagnostics> {
    let mut reader = WxrReader::open(export, false)?;
    let mut index = Index::default();
    // Pages by ID: post_name, parent, title (a parent may come after its child).
    let mut tree: HashMap<u64, (String, u64, String)> = HashMap::new();
    let mut order: Vec<(u64, bool, String, String)> = Vec::new();
    while let Some(item) = reader.next_item()? {
        match item.post_type.as_str() {
            "attachment" => {
                let a = Attachment {
                    url: item.attachment_url.clone(),
                    alt: item
                        .meta("_wp_attachment_image_alt")
                        .map(plain_text)
                        .unwrap_or_default(),
                    title: plain_text(&item.title),
                    caption: plain_text(&item.excerpt),
                    parent: item.parent,
                };
                index.attachments.insert(item.id, a);
            }
            "post" | "page" if imported_status(&item.status).is_some() => {
                let page = item.post_type == "page";
                if page {
                    tree.insert(
                        item.id,
                        (item.post_name.clone(), item.parent, item.title.clone()),
                    );
                }
                order.push((item.id, page, item.post_name.clone(), item.title.clone()));
            }
            "page" => {
                tree.insert(
                    item.id,
                    (item.post_name.clone(), item.parent, item.title.clone()),
                );
            }
            _ => {}
        }
    }
    index.channel = reader.channel.clone();
    let mut used_news: HashSet<String> = HashSet::from(["page".to_string()]);
    // A page whose file exists takes its slug all the same: the file is compared, kept as
    // it is, or replaced with `--replace`.
    let mut used_pages: HashSet<String> = RESERVED_SLUGS.iter().map(|s| s.to_string()).collect();
    for (id, page, name, title) in order {
        let base = if page {
            page_path(id, &tree)
        } else {
            let name = percent_decode(&name);
            if name.trim().is_empty() {
                plain_text(&title)
            } else {
                name
            }
        };
        let base = title_slug(&base).unwrap_or_else(|| format!("wp-{id}"));
        let used = if page {
            &mut used_pages
        } else {
            &mut used_news
        };
        let slug = if used.insert(base.clone()) {
            base
        } else {
            let s = format!("{base}-{id}");
            used.insert(s.clone());
            s
        };
        index.planned.insert(id, Planned { slug, page });
    }
    Ok(index)
}

/// A nested page's path of names joined with `-` (`profil` > `visi-misi` ->
/// `profil-visi-misi`), since plain pages are flat.
fn page_path(id: u64, tree: &HashMap<u64, (String, u64, String)>) -> String {
    let mut parts = Vec::new();
    let mut at = id;
    let mut seen = HashSet::new();
    while let Some((name, parent, title)) = tree.get(&at) {
        if !seen.insert(at) {
            break;
        }
        let name = percent_decode(name);
        parts.push(if name.trim().is_empty() {
            plain_text(title)
        } else {
            name
        });
        if *parent == 0 {
            break;
        }
        at = *parent;
    }
    parts.reverse();
    parts.join("-")
}

/// Whether an item with `status` is imported, and as a draft (`Some(true)`) or published.
fn imported_status(status: &str) -> Option<bool> {
    match status {
        "publish" => Some(false),
        "draft" | "pending" | "future" | "private" => Some(true),
        _ => None,
    }
}

/// The old site's addresses.
struct OldSite {
    /// `https://old.example.go.id` (no trailing slash).
    base: String,
    /// The path permalinks start at (`/portal` for a sub-folder install), or empty.
    blog_path: String,
}

impl OldSite {
    fn new(channel: &Channel) -> OldSite {
        let site = [
            &channel.base_site_url,
            &channel.base_blog_url,
            &channel.link,
        ]
        .into_iter()
        .find(|u| !u.is_empty())
        .cloned()
        .unwrap_or_default();
        let blog = [&channel.base_blog_url, &channel.link]
            .into_iter()
            .find(|u| !u.is_empty())
            .cloned()
            .unwrap_or_default();
        OldSite {
            base: site.trim_end_matches('/').to_string(),
            blog_path: url_path(&blog).trim_end_matches('/').to_string(),
        }
    }

    /// `url` made absolute against the old site (relative links would break in the new one).
    fn absolute(&self, url: &str) -> String {
        let url = url.trim();
        if url.is_empty()
            || url.starts_with('#')
            || url.starts_with("//")
            || url.split_once(':').is_some_and(|(s, _)| {
                !s.is_empty()
                    && s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            })
        {
            return url.to_string();
        }
        if self.base.is_empty() {
            return url.to_string();
        }
        if url.starts_with('/') {
            format!("{}{url}", origin(&self.base))
        } else {
            format!("{}/{url}", self.base)
        }
    }
}

/// The path of an absolute address: `https://x.go.id/a/b/?q` -> `/a/b/`.
fn url_path(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path = rest.find('/').map_or("/", |i| &rest[i..]);
    path.split(['?', '#']).next().unwrap_or("/").to_string()
}

/// `https://x.go.id/portal` -> `https://x.go.id`.
fn origin(url: &str) -> &str {
    let Some(scheme_end) = url.find("://") else {
        return url;
    };
    match url[scheme_end + 3..].find('/') {
        Some(i) => &url[..scheme_end + 3 + i],
        None => url,
    }
}

/// The photos at hand: a copy of `wp-content/uploads`.
struct Uploads {
    dir: PathBuf,
    canonical: PathBuf,
}

impl Uploads {
    fn open(dir: &Path) -> Result<Uploads, Diagnostic> {
        let canonical = dir.canonicalize().map_err(|e| {
            Diagnostic::io(dir, &e).with_hint(Text::new(
                "--uploads menunjuk salinan folder wp-content/uploads dari situs lama",
                "--uploads names a copy of the old site's wp-content/uploads folder",
            ))
        })?;
        Ok(Uploads {
            dir: dir.to_path_buf(),
            canonical,
        })
    }

    /// The file an address names, preferring the original over a resized copy
    /// (`a-300x200.jpg` -> `a.jpg`).
    fn find(&self, url: &str) -> Option<PathBuf> {
        if let Some(original) = original_of(url)
            && let Some(p) = uploads_file(&self.dir, &self.canonical, &original)
        {
            return Some(p);
        }
        uploads_file(&self.dir, &self.canonical, url)
    }
}

/// `a-300x200.jpg` -> `a.jpg`, the original WordPress resized from; `None` when not resized.
fn original_of(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next()?;
    let dot = path.rfind('.')?;
    let (stem, ext) = path.split_at(dot);
    let dash = stem.rfind('-')?;
    let size = &stem[dash + 1..];
    let (w, h) = size.split_once('x')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(w) && digits(h)).then(|| format!("{}{ext}", &stem[..dash]))
}

/// Everything one item's import needs.
struct Job<'a> {
    options: &'a ImportOptions,
    config: &'a SiteConfig,
    map: &'a ImportMap,
    uploads: Option<&'a Uploads>,
    index: &'a Index,
    old: &'a OldSite,
}

/// What importing one item did.
#[derive(Default)]
struct Done {
    /// What it became.
    kind: DoneKind,
    /// Published (so it gets redirects).
    published: bool,
    /// Outcomes of the files written.
    files: Vec<Outcome>,
    /// Photos and documents copied or already in place.
    copied: usize,
    /// Photo addresses not found.
    missing: Vec<String>,
    /// Old address -> new page.
    redirects: Vec<(String, String)>,
    /// Its tags.
    tags: Vec<String>,
    /// Unknown shortcodes of its body.
    shortcodes: Vec<String>,
    /// What needs a person.
    attention: Vec<Text>,
}

#[derive(Default, PartialEq, Eq)]
enum DoneKind {
    #[default]
    Skipped,
    News,
    Draft,
    Page,
}

impl ImportReport {
    fn merge(&mut self, item: &Item, done: &Done) {
        if item.comments > 0 {
            *self.skipped.entry("comment".into()).or_default() += item.comments;
        }
        match done.kind {
            DoneKind::News => self.news += 1,
            DoneKind::Draft => self.drafts += 1,
            DoneKind::Page => self.pages += 1,
            DoneKind::Skipped => {
                if item.post_type != "attachment" {
                    let kind = match item.post_type.as_str() {
                        "post" | "page" => format!("{} ({})", item.post_type, item.status),
                        other => other.to_string(),
                    };
                    *self.skipped.entry(kind).or_default() += 1;
                }
            }
        }
        for f in &done.files {
            match f {
                Outcome::Written => self.written += 1,
                Outcome::Unchanged => self.unchanged += 1,
                Outcome::Kept => self.kept += 1,
                Outcome::Replaced => self.replaced += 1,
            }
        }
        self.photos_copied += done.copied;
        self.photos_missing += done.missing.len();
        for s in &done.shortcodes {
            *self.unknown_shortcodes.entry(s.clone()).or_default() += 1;
        }
        let title = one_title(item);
        for why in &done.attention {
            self.attention.push(Attention {
                id: item.id,
                title: title.clone(),
                why: why.clone(),
            });
        }
    }
}

/// An item's title as text, or its ID when it has none.
fn one_title(item: &Item) -> String {
    let t = plain_text(&item.title);
    if t.is_empty() {
        format!("(tanpa judul #{})", item.id)
    } else {
        t
    }
}

/// The photos and documents of one news bundle or page: where each comes from and its name.
#[derive(Default)]
struct Files {
    /// Source file -> name in the bundle.
    names: HashMap<PathBuf, String>,
    /// Names given.
    used: HashSet<String>,
    /// In the order given.
    copies: Vec<(PathBuf, String)>,
    /// Addresses of photos not found.
    missing: Vec<String>,
}

impl Files {
    /// The name `from` gets in the bundle, with the extension its content says for pictures.
    fn name(&mut self, from: &Path, ext: &str) -> String {
        if let Some(n) = self.names.get(from) {
            return n.clone();
        }
        let stem = from
            .file_stem()
            .map(|s| slugify(&s.to_string_lossy()))
            .filter(|s| !s.is_empty() && s != "index")
            .unwrap_or_else(|| "foto".to_string());
        let stem: String = stem.chars().take(60).collect();
        let mut name = format!("{stem}.{ext}");
        let mut n = 2;
        while !self.used.insert(name.clone()) {
            name = format!("{stem}-{n}.{ext}");
            n += 1;
        }
        self.names.insert(from.to_path_buf(), name.clone());
        self.copies.push((from.to_path_buf(), name.clone()));
        name
    }
}

/// The file extension cerdas expects for a picture format.
fn extension(format: ImageFormat) -> &'static str {
    match format {
        ImageFormat::Jpeg => "jpg",
        ImageFormat::Png => "png",
        ImageFormat::Gif => "gif",
        ImageFormat::Webp => "webp",
        ImageFormat::Svg => "svg",
    }
}

/// Document types copied beside a page when a link points at them in the uploads folder.
const DOCUMENTS: [&str; 10] = [
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "zip",
];

impl Job<'_> {
    /// Imports one item of the export.
    fn import_item(&self, item: &Item) -> Result<Done, Diagnostic> {
        let Some(planned) = self.index.planned.get(&item.id) else {
            return Ok(Done::default());
        };
        let Some(draft) = imported_status(&item.status) else {
            return Ok(Done::default());
        };
        if planned.page {
            if draft {
                let mut done = Done::default();
                done.attention.push(Text::new(
                    "halaman WordPress yang belum terbit tidak diimpor (halaman cerdas tidak punya draft); salin isinya bila perlu",
                    "an unpublished WordPress page is not imported (cerdas pages have no drafts); copy its text if needed",
                ));
                return Ok(done);
            }
            self.import_page(item, &planned.slug)
        } else {
            self.import_news(item, &planned.slug, draft)
        }
    }

    /// The body as Markdown, with its photos and documents planned into `files`.
    fn body(&self, item: &Item, files: &mut Files, done: &mut Done) -> String {
        let ctx = BodyContext {
            post_id: item.id,
            attachments: &self.index.attachments,
        };
        let converted = convert_body(&item.content, &ctx, &mut |url, kind| {
            self.resolve(url, kind, files)
        });
        if !converted.unknown_shortcodes.is_empty() {
            let list = converted.unknown_shortcodes.join("], [");
            done.attention.push(Text::new(
                format!("kode pendek WordPress dibiarkan sebagai teks: [{list}]"),
                format!("WordPress shortcodes left as text: [{list}]"),
            ));
        }
        done.shortcodes = converted.unknown_shortcodes;
        converted.markdown
    }

    /// The new address of an image or link of a body.
    fn resolve(&self, url: &str, kind: UrlKind, files: &mut Files) -> String {
        let absolute = self.old.absolute(url);
        let Some(uploads) = self.uploads else {
            if kind == UrlKind::Image && absolute.contains("/wp-content/uploads/") {
                files.missing.push(absolute.clone());
            }
            return absolute;
        };
        match kind {
            UrlKind::Image => match self.picture(uploads, &absolute, files) {
                Some(name) => name,
                None => {
                    files.missing.push(absolute.clone());
                    absolute
                }
            },
            UrlKind::Link => {
                let ext = absolute
                    .split(['?', '#'])
                    .next()
                    .and_then(|p| p.rsplit_once('.'))
                    .map(|(_, e)| e.to_ascii_lowercase())
                    .unwrap_or_default();
                if is_image_url(&absolute) || !DOCUMENTS.contains(&ext.as_str()) {
                    return absolute;
                }
                match uploads.find(&absolute) {
                    Some(path) => files.name(&path, &ext),
                    None => absolute,
                }
            }
        }
    }

    /// The name in the bundle of the picture at `url`, when it is in the uploads folder and
    /// is a picture cerdas can publish.
    fn picture(&self, uploads: &Uploads, url: &str, files: &mut Files) -> Option<String> {
        let path = uploads.find(url)?;
        if let Some(name) = files.names.get(&path) {
            return Some(name.clone());
        }
        let info = read_image_info(&path).ok()?;
        Some(files.name(&path, extension(info.format)))
    }

    fn import_news(&self, item: &Item, slug: &str, draft: bool) -> Result<Done, Diagnostic> {
        let mut done = Done {
            kind: if draft {
                DoneKind::Draft
            } else {
                DoneKind::News
            },
            published: !draft,
            ..Done::default()
        };
        let folder = self.options.dir.join("berita").join(slug);
        let title = one_title(item);
        if plain_text(&item.title).is_empty() {
            done.attention.push(Text::new(
                "tidak berjudul; beri judul",
                "has no title; give it one",
            ));
        }
        let mut files = Files::default();
        let (cover, cover_alt) = self.cover(item, &title, &mut files, &mut done);
        let body = self.body(item, &mut files, &mut done);
        let (date, date_known) = news_date(item, &self.index.channel);
        if !date_known {
            done.attention.push(Text::new(
                "tanggal terbit tidak diketahui; periksa `date`",
                "the publication date is unknown; check `date`",
            ));
        }
        let mut tags = Vec::new();
        let mut dimensions = Vec::new();
        let mut programs = Vec::new();
        for t in &item.terms {
            if t.domain == "category"
                && (t.nicename == "uncategorized" || t.nicename == "tak-berkategori")
            {
                continue;
            }
            if let Some(label) = tag_word(&t.name)
                && !tags
                    .iter()
                    .any(|x: &String| slugify(x) == label.slug.as_str())
            {
                tags.push(label.name);
            }
            if t.domain == "category"
                && let Some(m) = self.map.category(&t.nicename, &t.name)
            {
                for d in &m.dimensions {
                    let d = d.slug().to_string();
                    if !dimensions.contains(&d) {
                        dimensions.push(d);
                    }
                }
                for p in &m.programs {
                    let p = p.to_string();
                    if !programs.contains(&p) {
                        programs.push(p);
                    }
                }
            }
        }
        let author = self
            .index
            .channel
            .authors
            .get(&item.creator)
            .map(|d| plain_text(d))
            .filter(|d| !d.is_empty())
            .or_else(|| (!item.creator.is_empty()).then(|| item.creator.clone()))
            .unwrap_or_else(|| format!("Humas {}", self.config.name));
        let summary = plain_text(&item.excerpt);
        let mut fm = String::from("---\n");
        fm.push_str(&format!("title: {}\n", yaml_quote(&title)));
        fm.push_str(&format!("date: {}\n", date.rfc3339()));
        if !summary.is_empty() {
            fm.push_str(&format!("summary: {}\n", yaml_quote(&summary)));
        }
        fm.push_str(&format!("author: {}\n", yaml_quote(&author)));
        if !dimensions.is_empty() {
            fm.push_str(&format!("dimensions: [{}]\n", dimensions.join(", ")));
        }
        if !programs.is_empty() {
            fm.push_str(&format!("programs: [{}]\n", programs.join(", ")));
        }
        if !tags.is_empty() {
            let quoted: Vec<String> = tags.iter().map(|t| yaml_quote(t)).collect();
            fm.push_str(&format!("tags: [{}]\n", quoted.join(", ")));
        }
        if let Some(cover) = &cover {
            fm.push_str(&format!("cover: {}\n", yaml_quote(cover)));
            fm.push_str(&format!("cover_alt: {}\n", yaml_quote(&cover_alt)));
        }
        if draft {
            fm.push_str("draft: true\n");
        }
        fm.push_str(&extra_lines(item));
        fm.push_str("---\n");
        let text = format!("{fm}{body}");
        let index = folder.join("index.md");
        let single = self.options.dir.join("berita").join(format!("{slug}.md"));
        if single.exists() {
            done.files.push(Outcome::Kept);
            done.attention.push(kept_note(&single));
        } else {
            self.put(&index, &text, &files, &mut done)?;
        }
        if !draft {
            let to = format!("/berita/{slug}/");
            done.redirects = self.old_addresses(item, &to, false);
        }
        done.tags = tags;
        Ok(done)
    }

    fn import_page(&self, item: &Item, slug: &str) -> Result<Done, Diagnostic> {
        let mut done = Done {
            kind: DoneKind::Page,
            published: true,
            ..Done::default()
        };
        let title = one_title(item);
        // Plain pages are single files: their pictures stay at their old address.
        let mut files = Files::default();
        let ctx = BodyContext {
            post_id: item.id,
            attachments: &self.index.attachments,
        };
        let converted = convert_body(&item.content, &ctx, &mut |url, _| self.old.absolute(url));
        if !converted.unknown_shortcodes.is_empty() {
            let list = converted.unknown_shortcodes.join("], [");
            done.attention.push(Text::new(
                format!("kode pendek WordPress dibiarkan sebagai teks: [{list}]"),
                format!("WordPress shortcodes left as text: [{list}]"),
            ));
        }
        done.shortcodes = converted.unknown_shortcodes;
        let summary = plain_text(&item.excerpt);
        let mut text = format!("---\ntitle: {}\n", yaml_quote(&title));
        if !summary.is_empty() {
            text.push_str(&format!("summary: {}\n", yaml_quote(&summary)));
        }
        text.push_str(&extra_lines(item));
        text.push_str("---\n");
        text.push_str(&converted.markdown);
        let path = self.options.dir.join("halaman").join(format!("{slug}.md"));
        files.missing.clear();
        self.put(&path, &text, &files, &mut done)?;
        done.redirects = self.old_addresses(item, &format!("/{slug}/"), true);
        Ok(done)
    }

    /// Writes `text` to `path` with the files beside it, unless `path` holds something else
    /// (then nothing of the item is written, and a person is asked to look).
    fn put(
        &self,
        path: &Path,
        text: &str,
        files: &Files,
        done: &mut Done,
    ) -> Result<(), Diagnostic> {
        let before = compare(path, text.as_bytes());
        if before == Outcome::Kept && !self.options.replace {
            done.files.push(Outcome::Kept);
            done.attention.push(kept_note(path));
            return Ok(());
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        for (from, name) in &files.copies {
            done.files
                .push(copy_file(from, &dir.join(name), self.options.replace)?);
            done.copied += 1;
        }
        for url in &files.missing {
            done.attention.push(Text::new(
                format!("foto tidak ditemukan di folder uploads, tetap di alamat lamanya: {url}"),
                format!("photo not found in the uploads folder, left at its old address: {url}"),
            ));
        }
        done.missing.extend(files.missing.iter().cloned());
        done.files
            .push(write_file(path, text.as_bytes(), self.options.replace)?);
        Ok(())
    }

    /// The cover (`_thumbnail_id`): its name in the bundle and its alt text (the
    /// attachment's alt, else its title, else the post's title).
    fn cover(
        &self,
        item: &Item,
        title: &str,
        files: &mut Files,
        done: &mut Done,
    ) -> (Option<String>, String) {
        let Some(id) = item
            .meta("_thumbnail_id")
            .and_then(|v| v.trim().parse::<u64>().ok())
        else {
            return (None, String::new());
        };
        let Some(a) = self.index.attachments.get(&id) else {
            done.attention.push(Text::new(
                format!("foto sampul (lampiran {id}) tidak ada di berkas ekspor"),
                format!("the cover photo (attachment {id}) is not in the export"),
            ));
            return (None, String::new());
        };
        let name = self.uploads.and_then(|u| self.picture(u, &a.url, files));
        if name.is_none() {
            files.missing.push(a.url.clone());
        }
        let alt = [&a.alt, &a.title]
            .into_iter()
            .map(|t| t.trim())
            .find(|t| !t.is_empty())
            .unwrap_or(title)
            .to_string();
        (name, alt)
    }

    /// The old addresses of an item that lead to `to`: its permalink, the date forms, the
    /// bare slug, and `?p=` / `?page_id=`.
    fn old_addresses(&self, item: &Item, to: &str, page: bool) -> Vec<(String, String)> {
        let mut froms = Vec::new();
        let prefix = &self.old.blog_path;
        if !item.link.is_empty() && !item.link.contains('?') {
            froms.push(url_path(&item.link));
        }
        let name = item.post_name.trim();
        if !page && !name.is_empty() {
            if let Ok(local) = DateTime::strptime("%Y-%m-%d %H:%M:%S", &item.post_date) {
                let (y, m, d) = (local.year(), local.month(), local.day());
                froms.push(format!("{prefix}/{y:04}/{m:02}/{d:02}/{name}/"));
                froms.push(format!("{prefix}/{y:04}/{m:02}/{name}/"));
            }
            froms.push(format!("{prefix}/{name}/"));
        }
        if prefix.is_empty() {
            froms.push(format!(
                "/?{}={}",
                if page { "page_id" } else { "p" },
                item.id
            ));
        }
        froms.into_iter().map(|f| (f, to.to_string())).collect()
    }
}

/// The `extra:` lines that keep where an item came from.
fn extra_lines(item: &Item) -> String {
    let mut out = format!("extra:\n  wordpress_id: {}\n", item.id);
    if !item.link.is_empty() {
        out.push_str(&format!("  wordpress_link: {}\n", yaml_quote(&item.link)));
    }
    out
}

fn kept_note(path: &Path) -> Text {
    Text::new(
        format!(
            "{} sudah ada dengan isi lain dan tidak ditimpa; bandingkan, atau impor ulang dengan --replace",
            path.display()
        ),
        format!(
            "{} exists with other content and was not overwritten; compare them, or import again with --replace",
            path.display()
        ),
    )
}

/// The date of an item with its offset: `post_date` is the local time, and its difference
/// from `post_date_gmt` the offset; WIB when the UTC time is missing (drafts) or odd. An item
/// without a date takes the export's own date; `false` says it was not known.
fn news_date(item: &Item, channel: &Channel) -> (NewsDate, bool) {
    let parse = |s: &str| DateTime::strptime("%Y-%m-%d %H:%M:%S", s.trim()).ok();
    if let Some(local) = parse(&item.post_date).filter(|d| d.year() > 1970) {
        let offset = parse(&item.post_date_gmt)
            .filter(|g| g.year() > 1970)
            .and_then(|gmt| {
                let secs = local.duration_since(gmt).as_secs();
                let sane = secs.abs() <= 14 * 3600 && secs % 900 == 0;
                sane.then(|| Offset::from_seconds(i32::try_from(secs).ok()?).ok())
                    .flatten()
            })
            .unwrap_or(WIB);
        return (NewsDate { local, offset }, true);
    }
    let exported = jiff::fmt::rfc2822::parse(&channel.pub_date)
        .ok()
        .map(|z| WIB.to_datetime(z.timestamp()));
    let local = exported.unwrap_or_else(|| DateTime::constant(2000, 1, 1, 0, 0, 0, 0));
    (NewsDate { local, offset: WIB }, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(date: &str, gmt: &str) -> Item {
        Item {
            post_date: date.into(),
            post_date_gmt: gmt.into(),
            ..Item::default()
        }
    }

    #[test]
    fn dates_keep_their_offset_or_fall_back_to_wib() {
        let ch = Channel::default();
        let (d, known) = news_date(&item("2022-08-15 09:00:00", "2022-08-15 01:00:00"), &ch);
        assert_eq!(
            (d.rfc3339().as_str(), known),
            ("2022-08-15T09:00:00+08:00", true)
        );
        let (d, _) = news_date(&item("2022-08-15 09:00:00", "0000-00-00 00:00:00"), &ch);
        assert_eq!(d.rfc3339(), "2022-08-15T09:00:00+07:00");
        let (_, known) = news_date(&item("0000-00-00 00:00:00", ""), &ch);
        assert!(!known);
    }

    #[test]
    fn resized_names_lead_to_the_original() {
        assert_eq!(
            original_of("https://x/wp-content/uploads/2022/08/a-b-300x200.jpg").as_deref(),
            Some("https://x/wp-content/uploads/2022/08/a-b.jpg")
        );
        assert_eq!(original_of("https://x/a-b.jpg"), None);
    }

    #[test]
    fn relative_links_point_at_the_old_site() {
        let old = OldSite {
            base: "https://old.go.id/portal".into(),
            blog_path: "/portal".into(),
        };
        assert_eq!(old.absolute("?p=3"), "https://old.go.id/portal/?p=3");
        assert_eq!(old.absolute("/a/"), "https://old.go.id/a/");
        assert_eq!(old.absolute("mailto:x@y"), "mailto:x@y");
        assert_eq!(
            url_path("https://old.go.id/portal/2022/a/?x"),
            "/portal/2022/a/"
        );
    }
}
