//! Tera setup and the context of every page: takes the loaded model (a regency's [`Site`](crate::site::Site) or
//! a [`crate::province::Province`]) and a [`Theme`] and returns the pages as (path, bytes).
//! Rendering never reads the content folder again.

pub mod memo;
pub mod province;
pub mod regency;
pub mod theme;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use tera::Tera;

use crate::config::{Contact, SocialLink};
use crate::error::{Diagnostic, Diagnostics};
use crate::province::ProvinceNews;
use crate::site::{
    DateView, DimensionRef, EventView, ImageView, MenuEntry, NewsPage, Pictures, Urls,
};
use crate::text::packed::{Body, Dictionary, Effort};
use memo::{Fingerprint, PageContext, RenderMemo, fingerprint_of};
use theme::{Theme, template_error};

pub use regency::render_site;

/// One file of the finished site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    /// Where it goes, relative to the output folder.
    pub path: PathBuf,
    /// Its bytes (shared with the render memo and the preview server, never copied; deflated
    /// when a memo keeps them).
    pub bytes: Body,
}

impl OutputFile {
    /// A file at `path` holding `text`.
    pub fn text(path: impl Into<PathBuf>, text: String) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes: Body::from(text.into_bytes()),
        }
    }
}

/// A news item as a list shows it (no body, so lists stay cheap to build).
#[derive(Clone, Copy, Serialize)]
pub(crate) struct NewsCard<'a> {
    title: &'a str,
    url: &'a str,
    date: &'a DateView,
    summary: &'a str,
    event: &'a Option<EventView>,
    dimensions: &'a [DimensionRef],
    cover: Option<&'a ImageView>,
    regency_name: Option<&'a str>,
}

impl<'a> From<&'a NewsPage> for NewsCard<'a> {
    fn from(n: &'a NewsPage) -> Self {
        NewsCard {
            title: &n.title,
            url: &n.url,
            date: &n.date,
            summary: &n.summary,
            event: &n.event,
            dimensions: &n.dimensions,
            cover: n.cover.as_ref(),
            regency_name: None,
        }
    }
}

impl<'a> From<&'a ProvinceNews> for NewsCard<'a> {
    fn from(n: &'a ProvinceNews) -> Self {
        NewsCard {
            title: &n.title,
            url: &n.url,
            date: &n.date,
            summary: &n.summary,
            event: &n.event,
            dimensions: &n.dimensions,
            cover: None,
            regency_name: Some(&n.regency_name),
        }
    }
}

/// A news card with its fingerprint, made once for all the lists it appears in.
#[derive(Clone, Copy)]
pub(crate) struct HashedCard<'a> {
    card: NewsCard<'a>,
    hash: u128,
}

impl<'a> HashedCard<'a> {
    /// A card and a fingerprint that changes whenever the card's serialization does.
    pub(crate) fn new(card: NewsCard<'a>, hash: u128) -> HashedCard<'a> {
        HashedCard { card, hash }
    }
}

/// Each card with its fingerprint (in parallel; a province has tens of thousands).
pub(crate) fn hashed_cards(cards: Vec<NewsCard<'_>>) -> Vec<HashedCard<'_>> {
    cards
        .into_par_iter()
        .map(|card| HashedCard::new(card, fingerprint_of(&card)))
        .collect()
}

/// A dimension as the home page and the dimension list show it, with its counts.
#[derive(Serialize)]
pub(crate) struct DimensionSummary {
    pub(crate) slug: &'static str,
    pub(crate) title: &'static str,
    pub(crate) url: String,
    pub(crate) news_count: usize,
    pub(crate) program_count: usize,
}

/// A link to one page of a paginated list.
#[derive(Serialize)]
struct PageLink {
    number: usize,
    url: String,
    current: bool,
    /// A "…" between distant page numbers.
    gap: bool,
}

/// The page numbers a pagination bar shows: the first, the last and two either side of the
/// current one, with `None` for each gap. Constant size, so long lists stay linear to build.
fn page_window(current: usize, total: usize) -> Vec<Option<usize>> {
    let mut out = Vec::new();
    let mut last = 0;
    for n in 1..=total {
        let near = n + 2 >= current && n <= current + 2;
        if n == 1 || n == total || near {
            if last != 0 && n > last + 1 {
                out.push(None);
            }
            out.push(Some(n));
            last = n;
        } else if n > current + 2 {
            // Jump straight to the last page.
            if total > n {
                out.push(None);
            }
            out.push(Some(total));
            break;
        }
    }
    out
}

/// One page of a paginated news list.
#[derive(Serialize)]
struct Paginator<'a> {
    items: Vec<NewsCard<'a>>,
    number: usize,
    total_pages: usize,
    total_items: usize,
    prev_url: Option<String>,
    next_url: Option<String>,
    pages: Vec<PageLink>,
}

/// What every page tells `base.html` about itself.
#[derive(Serialize)]
pub(crate) struct PageMeta {
    /// The `<title>` and `<h1>`.
    title: String,
    /// The meta description.
    description: String,
    /// The absolute canonical URL.
    permalink: String,
    /// The root-relative URL, to mark the current menu entry.
    url: String,
    /// `website` or `article`, for OpenGraph.
    og_type: &'static str,
}

/// A page to render: where it goes, with which template and context.
pub(crate) struct Job<'a> {
    path: PathBuf,
    template: &'static str,
    context: PageContext<'a>,
}

/// The theme's templates ready to render one part of the site, with the fingerprint of
/// everything a page shows besides its own context (templates and global values).
pub(crate) struct Renderer<'t> {
    tera: Tera,
    theme: &'t Theme,
    fingerprint: Fingerprint,
    /// Whether unchanged pages may be taken from a memo: not when templates call
    /// `resize_image`, whose pictures are planned only while a page renders.
    memo_allowed: bool,
}

impl<'t> Renderer<'t> {
    /// The theme's templates, with `resize_image` planning into `pictures`; compiled, or
    /// copied from `memo` when it holds them compiled from the same sources.
    pub(crate) fn new(
        theme: &'t Theme,
        pictures: Option<&Arc<Pictures>>,
        memo: Option<&RenderMemo>,
    ) -> Result<Renderer<'t>, Diagnostics> {
        let mut fingerprint = Fingerprint::new();
        for (name, (_, src)) in &theme.templates {
            fingerprint.add(name);
            fingerprint.add(src);
        }
        let sources = fingerprint.finish();
        let mut tera = match memo.and_then(|m| m.compiled_templates(sources)) {
            Some(tera) => tera,
            None => {
                let tera = compile_templates(theme)?;
                if let Some(memo) = memo {
                    memo.keep_templates(sources, &tera);
                }
                tera
            }
        };
        // Registered on every build: the function plans into this build's pictures.
        register_resize_image(&mut tera, pictures);
        let memo_allowed = pictures.is_none()
            || !theme
                .templates
                .values()
                .any(|(_, src)| src.contains("resize_image"));
        Ok(Renderer {
            tera,
            theme,
            fingerprint,
            memo_allowed,
        })
    }

    /// Sets a value every template sees.
    pub(crate) fn set_global<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.fingerprint.add(key);
        self.fingerprint.add(value);
        self.tera.global_context().insert(key, value);
    }

    /// Renders `jobs` in parallel, collecting every distinct template error. With a `memo`,
    /// a page whose inputs are those of its kept render is taken from it as it is, and the
    /// memo then holds this render's pages.
    pub(crate) fn run(
        &self,
        jobs: Vec<Job<'_>>,
        memo: Option<&RenderMemo>,
    ) -> Result<Vec<OutputFile>, Diagnostics> {
        let memo = memo.filter(|_| self.memo_allowed);
        let globals = self.fingerprint.finish();
        // A first render is kept deflated at once, so the whole site is never held plain;
        // later ones are deflated by `RenderMemo::pack` after the rebuild is shown.
        // They are deflated against a page of the most used template, rendered first.
        let first = memo.filter(|m| m.is_empty());
        let mut jobs = jobs;
        let sample = first
            .and_then(|_| most_used_template(&jobs))
            .and_then(|template| jobs.iter().position(|j| j.template == template))
            .map(|at| (at, self.render_job(jobs.remove(at), memo, globals, None)));
        if let (Some(memo), Some((_, Ok((page, _))))) = (first, &sample) {
            memo.set_dictionary(Dictionary::new(&page.bytes.plain()));
        }
        let pack = first.map(|m| m.dictionary());
        let mut results: Vec<Result<(OutputFile, Option<u128>), Diagnostic>> = jobs
            .into_par_iter()
            .map(|job| self.render_job(job, memo, globals, pack.as_ref()))
            .collect();
        if let Some((at, mut result)) = sample {
            if let (Ok((page, _)), Some(dictionary)) = (&mut result, &pack) {
                page.bytes = page.bytes.packed(dictionary.as_ref(), FIRST_RENDER_EFFORT);
            }
            results.insert(at, result);
        }
        let mut files = Vec::with_capacity(results.len());
        let mut fresh = Vec::new();
        let mut errors = Vec::new();
        for r in results {
            match r {
                Ok((f, Some(fingerprint))) => {
                    fresh.push((f.path.clone(), fingerprint, f.bytes.clone()));
                    files.push(f);
                }
                Ok((f, None)) => files.push(f),
                Err(e) if !errors.contains(&e) => errors.push(e),
                Err(_) => {}
            }
        }
        if !errors.is_empty() {
            return Err(Diagnostics(errors));
        }
        if let Some(memo) = memo {
            let produced = files.iter().map(|f| f.path.as_path()).collect();
            memo.update(fresh, &produced);
        }
        Ok(files)
    }

    /// One page: taken from `memo` when its fingerprint is the kept one, rendered otherwise
    /// (with the fingerprint to keep, when there is a memo).
    fn render_job(
        &self,
        job: Job<'_>,
        memo: Option<&RenderMemo>,
        globals: u128,
        pack: Option<&Option<Dictionary>>,
    ) -> Result<(OutputFile, Option<u128>), Diagnostic> {
        let Some(memo) = memo else {
            return Ok((self.render(job)?, None));
        };
        let mut f = Fingerprint::new();
        f.add_hash(globals);
        f.add(job.template);
        job.context.hash_into(&mut f);
        let fingerprint = f.finish();
        if let Some(bytes) = memo.get(&job.path, fingerprint) {
            let kept = OutputFile {
                path: job.path,
                bytes,
            };
            return Ok((kept, None));
        }
        let mut page = self.render(job)?;
        if let Some(dictionary) = pack {
            page.bytes = page.bytes.packed(dictionary.as_ref(), FIRST_RENDER_EFFORT);
        }
        Ok((page, Some(fingerprint)))
    }

    /// Renders one page with its template.
    fn render(&self, job: Job<'_>) -> Result<OutputFile, Diagnostic> {
        let html = self
            .tera
            .render(job.template, &job.context.to_context())
            .map_err(|e| template_error(&e, &self.theme.templates))?;
        Ok(OutputFile {
            path: job.path,
            bytes: Body::from(html.into_bytes()),
        })
    }
}

/// How hard the pages of a first render are deflated against the dictionary (under `serve`):
/// on 19 x 1000, `Thorough` holds 386 MB after start and takes 10.3 s to start, `Fast` 405 MB
/// and 7.4 s (BENCHMARKS.md, serve memory, third pass).
const FIRST_RENDER_EFFORT: Effort = Effort::Thorough;

/// The template most of `jobs` render with (the first of those used as often).
fn most_used_template(jobs: &[Job<'_>]) -> Option<&'static str> {
    let mut uses: HashMap<&'static str, usize> = HashMap::new();
    for job in jobs {
        *uses.entry(job.template).or_default() += 1;
    }
    let most = uses.values().copied().max()?;
    jobs.iter()
        .map(|j| j.template)
        .find(|t| uses.get(t) == Some(&most))
}

/// The theme's templates, parsed and compiled (`resize_image` stands in until registered).
fn compile_templates(theme: &Theme) -> Result<Tera, Diagnostics> {
    let mut tera = Tera::new();
    register_resize_image(&mut tera, None);
    // `{{ value | urlencode }}`: a value put inside a link's query (the share links).
    tera.register_filter(
        "urlencode",
        |value: &str, _: tera::Kwargs, _: &tera::State| crate::text::url_component(value),
    );
    tera.add_raw_templates(
        theme
            .templates
            .iter()
            .map(|(name, (_, src))| (name.as_str(), src.as_str())),
    )
    .map_err(|e| template_error(&e, &theme.templates))?;
    Ok(tera)
}

/// `resize_image(path=..., width=..., height=..., op=..., format=...)` for templates: plans
/// the file (made with the others after rendering) and returns `{url, permalink, width,
/// height}`. Without `pictures` (the province's own pages) it says it is not available.
fn register_resize_image(tera: &mut Tera, pictures: Option<&Arc<Pictures>>) {
    let pictures = pictures.map(Arc::clone);
    tera.register_function(
        "resize_image",
        move |kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<tera::Value> {
            let path: &str = kwargs.must_get("path")?;
            let width: Option<u32> = kwargs.get("width")?;
            let height: Option<u32> = kwargs.get("height")?;
            let op: Option<&str> = kwargs.get("op")?;
            let format: Option<&str> = kwargs.get("format")?;
            let Some(pictures) = &pictures else {
                return Err(tera::Error::message(
                    "resize_image hanya tersedia di halaman kabupaten/kota (only on a regency's pages)",
                ));
            };
            pictures
                .template_resize(path, (width, height), op, format)
                .map(|r| tera::Value::from_serializable(&r))
                .map_err(tera::Error::message)
        },
    );
}

/// The addresses every portal's pages link to: its home, stylesheet, feeds and open data. Both a regency's
/// and the province's `site` value flatten it in, under the same names.
#[derive(Serialize)]
pub(crate) struct PortalLinks<'a> {
    base_url: &'a str,
    base_path: &'a str,
    css_url: String,
    atom_url: String,
    json_feed_url: String,
    /// The programs as open data (`program.csv`, `program.json`).
    program_csv_url: String,
    program_json_url: String,
}

impl<'a> PortalLinks<'a> {
    /// The links of a portal published at `urls`.
    pub(crate) fn of(urls: &'a Urls) -> PortalLinks<'a> {
        PortalLinks {
            base_url: &urls.base_url,
            base_path: &urls.base_path,
            css_url: urls.path(&format!("cerdas.css?v={}", css_version())),
            atom_url: urls.path("atom.xml"),
            json_feed_url: urls.path("feed.json"),
            program_csv_url: urls.path("program.csv"),
            program_json_url: urls.path("program.json"),
        }
    }
}

/// The portal-wide values `base.html` uses (`site` in templates), under the same names for a
/// regency and for the province; `own` adds what only one of them has.
#[derive(Serialize)]
pub(crate) struct PortalView<'a, O: Serialize> {
    pub(crate) name: &'a str,
    pub(crate) description: &'a str,
    pub(crate) language: &'static str,
    #[serde(flatten)]
    pub(crate) links: PortalLinks<'a>,
    pub(crate) logo_url: &'a Option<String>,
    /// The logo's resized files, for `srcset`; `None` for an SVG logo and on the province's
    /// own pages (its logo is shown as it is).
    pub(crate) logo: &'a Option<ImageView>,
    pub(crate) contact: &'a Option<Contact>,
    pub(crate) social: &'a [SocialLink],
    pub(crate) extra: &'a serde_json::Map<String, serde_json::Value>,
    pub(crate) tagline: Option<String>,
    /// The portal's search, when it has one (`site.search` in templates).
    pub(crate) search: Option<SearchView>,
    #[serde(flatten)]
    pub(crate) own: O,
}

/// Where a portal's search is: its page, Pagefind's bundle, and the regency a regency's own
/// search page inside a province starts filtered to.
#[derive(Serialize)]
pub(crate) struct SearchView {
    /// The search page (`/cari/`), where the header box sends `q`.
    pub(crate) url: String,
    /// The folder of Pagefind's bundle (`/pagefind/`), the province's for its regencies.
    pub(crate) bundle: String,
    /// The regency's name inside a province: its pages carry it as a filter and its search
    /// page starts filtered to it.
    pub(crate) regency: Option<String>,
}

/// The search page's job, at `cari/`.
pub(crate) fn search_job<'a>(urls: &Urls, title: &str, description: &str) -> Job<'a> {
    let mut ctx = PageContext::new();
    ctx.insert("page", meta(urls, title, description, "cari/", "website"));
    job("cari/index.html", "cari.html", ctx)
}

/// The values every template of a portal sees besides its page: `site`, the theme strings
/// `t`, `menu`, the six `dimensions` and the `data` tables.
pub(crate) struct PortalGlobals<'a, S: Serialize> {
    /// The portal's own values (`site` in templates).
    pub(crate) site: S,
    /// The main menu.
    pub(crate) menu: &'a [MenuEntry],
    /// The six dimensions with their counts.
    pub(crate) dimensions: Vec<DimensionSummary>,
    /// Tables from `data/`.
    pub(crate) data: &'a serde_json::Map<String, serde_json::Value>,
}

impl<'t> Renderer<'t> {
    /// Sets the values every page of a portal sees.
    pub(crate) fn set_portal<S: Serialize>(&mut self, globals: &PortalGlobals<'_, S>) {
        let theme = self.theme;
        self.set_global("site", &globals.site);
        self.set_global("t", &theme.strings);
        self.set_global("menu", globals.menu);
        self.set_global("dimensions", &globals.dimensions);
        self.set_global("data", globals.data);
    }
}

/// A theme string by key, or the key itself when the theme lacks it.
pub(crate) fn theme_string(theme: &Theme, key: &str) -> String {
    theme
        .strings
        .get(key)
        .and_then(|v| v.as_str())
        .unwrap_or(key)
        .to_string()
}

/// A short hash of the stylesheet, so browsers fetch a changed one at once.
pub(crate) fn css_version() -> String {
    let hash = theme::DEFAULT_CSS
        .bytes()
        .fold(0xcbf29ce484222325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
        });
    format!("{:08x}", hash as u32)
}

pub(crate) fn meta(
    urls: &Urls,
    title: &str,
    description: &str,
    site_path: &str,
    og_type: &'static str,
) -> PageMeta {
    PageMeta {
        title: title.to_string(),
        description: description.to_string(),
        permalink: urls.permalink(site_path),
        url: urls.path(site_path),
        og_type,
    }
}

pub(crate) fn job<'a>(
    path: impl Into<PathBuf>,
    template: &'static str,
    context: PageContext<'a>,
) -> Job<'a> {
    Job {
        path: path.into(),
        template,
        context,
    }
}

/// One paginated news list (`berita/`, `tag/x/`): what its pages are made from.
struct NewsList<'a> {
    urls: &'a Urls,
    /// Its site path, `berita/`.
    base: String,
    /// The title of each of its pages.
    title: String,
    /// Every card of the list, in order.
    items: Vec<HashedCard<'a>>,
    per_page: usize,
}

impl<'a> NewsList<'a> {
    /// How many pages it has (one, empty, when it has no items).
    fn total_pages(&self) -> usize {
        self.items.len().div_ceil(self.per_page).max(1)
    }

    /// The site path of page `number`: `berita/`, `berita/page/2/`.
    fn site_path(&self, number: usize) -> String {
        if number == 1 {
            self.base.clone()
        } else {
            format!("{}page/{number}/", self.base)
        }
    }

    /// The cards on page `number`.
    fn chunk(&self, number: usize) -> &[HashedCard<'a>] {
        let start = ((number - 1) * self.per_page).min(self.items.len());
        let end = (start + self.per_page).min(self.items.len());
        &self.items[start..end]
    }

    /// A hash of everything page `number` is made from: the list's address, title and length,
    /// the page's number and the fingerprints of its cards.
    fn page_inputs(&self, number: usize) -> u128 {
        let mut f = Fingerprint::new();
        f.add(&(
            &self.urls.base_url,
            &self.urls.base_path,
            &self.base,
            &self.title,
        ));
        f.add(&(self.items.len(), self.per_page, number));
        for item in self.chunk(number) {
            f.add_hash(item.hash);
        }
        f.finish()
    }

    fn meta(&self, number: usize) -> PageMeta {
        let title = &self.title;
        meta(self.urls, title, title, &self.site_path(number), "website")
    }

    fn paginator(&self, number: usize) -> Paginator<'a> {
        let url = |n: usize| self.urls.path(&self.site_path(n));
        let total_pages = self.total_pages();
        Paginator {
            items: self.chunk(number).iter().map(|item| item.card).collect(),
            number,
            total_pages,
            total_items: self.items.len(),
            prev_url: (number > 1).then(|| url(number - 1)),
            next_url: (number < total_pages).then(|| url(number + 1)),
            pages: page_window(number, total_pages)
                .into_iter()
                .map(|n| match n {
                    Some(n) => PageLink {
                        number: n,
                        url: url(n),
                        current: n == number,
                        gap: false,
                    },
                    None => PageLink {
                        number: 0,
                        url: String::new(),
                        current: false,
                        gap: true,
                    },
                })
                .collect(),
        }
    }
}

/// One job per page of a news list at `base` (`berita/`, `tag/x/`), `extra` adding to each
/// context. A page's `page` and `paginator` values are made only if it is rendered: its
/// fingerprint holds their inputs instead (the list's address and title, the page number and
/// its cards' fingerprints), so an unchanged page of a long list costs a few hashes.
pub(crate) fn paginated_jobs<'a>(
    urls: &'a Urls,
    per_page: usize,
    base: &str,
    title: &str,
    items: Vec<HashedCard<'a>>,
    template: &'static str,
    extra: impl Fn(&mut PageContext<'a>, usize),
) -> Vec<Job<'a>> {
    let list = Arc::new(NewsList {
        urls,
        base: base.to_string(),
        title: title.to_string(),
        items,
        per_page,
    });
    (1..=list.total_pages())
        .map(|number| {
            let inputs = list.page_inputs(number);
            let mut ctx = PageContext::new();
            let of_page = Arc::clone(&list);
            ctx.insert_lazy("page", inputs, move || of_page.meta(number));
            let of_page = Arc::clone(&list);
            ctx.insert_lazy("paginator", inputs, move || of_page.paginator(number));
            extra(&mut ctx, number);
            job(
                format!("{}index.html", list.site_path(number)),
                template,
                ctx,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::page_window;

    #[test]
    fn pagination_window_keeps_ends_and_neighbours() {
        assert_eq!(page_window(1, 3), vec![Some(1), Some(2), Some(3)]);
        assert_eq!(
            page_window(1, 10),
            vec![Some(1), Some(2), Some(3), None, Some(10)]
        );
        assert_eq!(
            page_window(6, 10),
            vec![
                Some(1),
                None,
                Some(4),
                Some(5),
                Some(6),
                Some(7),
                Some(8),
                None,
                Some(10)
            ]
        );
        assert_eq!(
            page_window(10, 10),
            vec![Some(1), None, Some(8), Some(9), Some(10)]
        );
        assert_eq!(
            page_window(4, 7),
            vec![
                Some(1),
                Some(2),
                Some(3),
                Some(4),
                Some(5),
                Some(6),
                Some(7)
            ]
        );
    }
}
