//! Tera setup and the context of every page: takes the loaded [`Site`] and a [`Theme`] and
//! returns the pages as (path, bytes). Rendering never reads the content folder again.

pub mod dates;
pub mod theme;

use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::error::{Diagnostic, Diagnostics};
use crate::site::{DateView, DimensionRef, EventView, ImageView, NewsPage, Site, Term};
use theme::{Theme, template_error};

/// One file of the finished site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    /// Where it goes, relative to the output folder.
    pub path: PathBuf,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A news item as a list shows it (no body, so lists stay cheap to build).
#[derive(Serialize)]
struct NewsCard<'a> {
    title: &'a str,
    url: &'a str,
    date: &'a DateView,
    summary: &'a str,
    event: &'a Option<EventView>,
    dimensions: &'a [DimensionRef],
    cover: &'a Option<ImageView>,
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
            cover: &n.cover,
        }
    }
}

/// A link to one page of a paginated list.
#[derive(Serialize)]
struct PageLink {
    number: usize,
    url: String,
    current: bool,
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
struct PageMeta<'a> {
    /// The `<title>` and `<h1>`.
    title: &'a str,
    /// The meta description.
    description: &'a str,
    /// The absolute canonical URL.
    permalink: String,
    /// The root-relative URL, to mark the current menu entry.
    url: String,
    /// `website` or `article`, for OpenGraph.
    og_type: &'static str,
}

/// A page to render: where it goes, with which template and context.
struct Job {
    path: PathBuf,
    template: &'static str,
    context: Context,
}

/// Renders every page of `site` with `theme`.
pub fn render_site(site: &Site, theme: &Theme) -> Result<Vec<OutputFile>, Diagnostics> {
    let tera = build_tera(site, theme)?;
    let jobs = page_jobs(site, &theme.strings);
    let results: Vec<Result<OutputFile, Diagnostic>> = jobs
        .into_par_iter()
        .map(|job| {
            tera.render(job.template, &job.context)
                .map(|html| OutputFile {
                    path: job.path,
                    bytes: html.into_bytes(),
                })
                .map_err(|e| template_error(&e, &theme.templates))
        })
        .collect();
    let mut files = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(f) => files.push(f),
            Err(e) if !errors.contains(&e) => errors.push(e),
            Err(_) => {}
        }
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(Diagnostics(errors))
    }
}

/// The site-wide values every template can use.
#[derive(Serialize)]
struct SiteView<'a> {
    name: &'a str,
    kind: crate::config::RegencyKind,
    slug: &'a str,
    province: &'a Option<String>,
    description: &'a str,
    language: &'static str,
    base_url: &'a str,
    base_path: &'a str,
    logo_url: &'a Option<String>,
    contact: &'a Option<crate::config::Contact>,
    social: &'a [crate::config::SocialLink],
    extra: &'a serde_json::Map<String, serde_json::Value>,
    css_url: String,
    atom_url: String,
    json_feed_url: String,
    has_masterplan: bool,
}

#[derive(Serialize)]
struct DimensionSummary<'a> {
    slug: &'a str,
    title: &'a str,
    url: &'a str,
    news_count: usize,
    program_count: usize,
}

fn build_tera(site: &Site, theme: &Theme) -> Result<Tera, Diagnostics> {
    let mut tera = Tera::new();
    tera.add_raw_templates(
        theme
            .templates
            .iter()
            .map(|(name, (_, src))| (name.as_str(), src.as_str())),
    )
    .map_err(|e| template_error(&e, &theme.templates))?;
    let urls = &site.urls;
    let c = &site.config;
    let view = SiteView {
        name: &c.name,
        kind: c.kind,
        slug: c.slug.as_str(),
        province: &c.province,
        description: &c.description,
        language: c.language.code(),
        base_url: &urls.base_url,
        base_path: &urls.base_path,
        logo_url: &site.logo_url,
        contact: &c.contact,
        social: &c.social,
        extra: &c.extra,
        css_url: urls.path(&format!("cerdas.css?v={}", css_version())),
        atom_url: urls.path("atom.xml"),
        json_feed_url: urls.path("feed.json"),
        has_masterplan: site.masterplan.is_some(),
    };
    let dims: Vec<DimensionSummary> = site
        .dimensions
        .iter()
        .map(|t| DimensionSummary {
            slug: &t.slug,
            title: &t.title,
            url: &t.url,
            news_count: t.news.len(),
            program_count: site
                .programs
                .iter()
                .filter(|p| p.dimension.slug == t.slug)
                .count(),
        })
        .collect();
    let g = tera.global_context();
    g.insert("site", &view);
    g.insert("t", &theme.strings);
    g.insert("menu", &site.menu);
    g.insert("dimensions", &dims);
    g.insert("data", &site.data);
    Ok(tera)
}

/// A short hash of the stylesheet, so browsers fetch a changed one at once.
fn css_version() -> String {
    let hash = theme::DEFAULT_CSS
        .bytes()
        .fold(0xcbf29ce484222325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
        });
    format!("{:08x}", hash as u32)
}

fn meta<'a>(
    site: &Site,
    title: &'a str,
    description: &'a str,
    site_path: &str,
    og_type: &'static str,
) -> PageMeta<'a> {
    PageMeta {
        title,
        description,
        permalink: site.urls.permalink(site_path),
        url: site.urls.path(site_path),
        og_type,
    }
}

fn job(path: impl Into<PathBuf>, template: &'static str, context: Context) -> Job {
    Job {
        path: path.into(),
        template,
        context,
    }
}

fn page_jobs(site: &Site, strings: &serde_json::Map<String, serde_json::Value>) -> Vec<Job> {
    let s = |key: &str| -> String {
        strings
            .get(key)
            .and_then(|v| v.as_str())
            .unwrap_or(key)
            .to_string()
    };
    let mut jobs = Vec::new();
    jobs.push(home_job(site));
    let news_title = s("news_title");
    jobs.extend(paginated_jobs(
        site,
        "berita/",
        &news_title,
        &(0..site.news.len()).collect::<Vec<_>>(),
        "berita_list.html",
        |_| {},
    ));
    for n in &site.news {
        let mut ctx = Context::new();
        ctx.insert(
            "page",
            &meta(
                site,
                &n.title,
                &n.summary,
                &format!("berita/{}/", n.slug),
                "article",
            ),
        );
        ctx.insert("news", n);
        ctx.insert("jsonld", &news_jsonld(site, n));
        jobs.push(job(
            format!("berita/{}/index.html", n.slug),
            "berita.html",
            ctx,
        ));
    }
    let programs_title = s("programs_title");
    let mut ctx = Context::new();
    ctx.insert(
        "page",
        &meta(
            site,
            &programs_title,
            &programs_title,
            "program/",
            "website",
        ),
    );
    let groups: Vec<ProgramGroup> = site
        .dimensions
        .iter()
        .map(|d| ProgramGroup {
            slug: &d.slug,
            title: &d.title,
            url: &d.url,
            programs: site
                .programs
                .iter()
                .filter(|p| p.dimension.slug == d.slug)
                .collect(),
        })
        .collect();
    ctx.insert("groups", &groups);
    jobs.push(job("program/index.html", "program_list.html", ctx));
    for p in &site.programs {
        let mut ctx = Context::new();
        ctx.insert(
            "page",
            &meta(
                site,
                &p.title,
                &p.summary,
                &format!("program/{}/", p.slug),
                "article",
            ),
        );
        ctx.insert("program", p);
        jobs.push(job(
            format!("program/{}/index.html", p.slug),
            "program.html",
            ctx,
        ));
    }
    if let Some(m) = &site.masterplan {
        let mut ctx = Context::new();
        ctx.insert(
            "page",
            &meta(site, &m.title, &m.vision, "masterplan/", "article"),
        );
        ctx.insert("masterplan", m);
        jobs.push(job("masterplan/index.html", "masterplan.html", ctx));
    }
    for h in &site.pages {
        let mut ctx = Context::new();
        ctx.insert(
            "page",
            &meta(
                site,
                &h.title,
                &h.summary,
                &format!("{}/", h.slug),
                "article",
            ),
        );
        ctx.insert("halaman", h);
        jobs.push(job(format!("{}/index.html", h.slug), "halaman.html", ctx));
    }
    jobs.extend(taxonomy_jobs(
        site,
        "dimensi",
        &site.dimensions,
        &s("dimensions_title"),
        "dimensi_list.html",
        "dimensi.html",
    ));
    jobs.extend(taxonomy_jobs(
        site,
        "tag",
        &site.tags,
        &s("tags_title"),
        "tag_list.html",
        "tag.html",
    ));
    let not_found = s("not_found_title");
    let mut ctx = Context::new();
    ctx.insert(
        "page",
        &meta(site, &not_found, &not_found, "404.html", "website"),
    );
    jobs.push(job("404.html", "404.html", ctx));
    jobs
}

fn home_job(site: &Site) -> Job {
    let latest: Vec<NewsCard> = site.news.iter().take(6).map(NewsCard::from).collect();
    let quick_wins: Vec<&crate::site::ProgramPage> =
        site.programs.iter().filter(|p| p.quick_win).collect();
    let mut ctx = Context::new();
    ctx.insert(
        "page",
        &meta(
            site,
            &site.config.name,
            &site.config.description,
            "",
            "website",
        ),
    );
    ctx.insert("latest_news", &latest);
    ctx.insert("quick_wins", &quick_wins);
    ctx.insert("masterplan", &site.masterplan);
    ctx.insert("news_count", &site.news.len());
    ctx.insert("program_count", &site.programs.len());
    job("index.html", "index.html", ctx)
}

/// One job per page of a news list at `base` (`berita/`, `tag/x/`), `extra` adding to each context.
fn paginated_jobs(
    site: &Site,
    base: &str,
    title: &str,
    items: &[usize],
    template: &'static str,
    extra: impl Fn(&mut Context),
) -> Vec<Job> {
    let per_page = site.config.paginate.0;
    let total_pages = items.len().div_ceil(per_page).max(1);
    let page_url = |n: usize| {
        if n == 1 {
            site.urls.path(base)
        } else {
            site.urls.path(&format!("{base}page/{n}/"))
        }
    };
    (1..=total_pages)
        .map(|number| {
            let chunk = items.iter().skip((number - 1) * per_page).take(per_page);
            let paginator = Paginator {
                items: chunk.map(|&i| NewsCard::from(&site.news[i])).collect(),
                number,
                total_pages,
                total_items: items.len(),
                prev_url: (number > 1).then(|| page_url(number - 1)),
                next_url: (number < total_pages).then(|| page_url(number + 1)),
                pages: (1..=total_pages)
                    .map(|n| PageLink {
                        number: n,
                        url: page_url(n),
                        current: n == number,
                    })
                    .collect(),
            };
            let site_path = if number == 1 {
                base.to_string()
            } else {
                format!("{base}page/{number}/")
            };
            let mut ctx = Context::new();
            ctx.insert("page", &meta(site, title, title, &site_path, "website"));
            ctx.insert("paginator", &paginator);
            extra(&mut ctx);
            job(format!("{site_path}index.html"), template, ctx)
        })
        .collect()
}

fn taxonomy_jobs(
    site: &Site,
    kind: &str,
    terms: &[Term],
    title: &str,
    list_template: &'static str,
    term_template: &'static str,
) -> Vec<Job> {
    let mut ctx = Context::new();
    ctx.insert(
        "page",
        &meta(site, title, title, &format!("{kind}/"), "website"),
    );
    ctx.insert(
        "terms",
        terms
            .iter()
            .map(|t| TermSummary {
                slug: &t.slug,
                title: &t.title,
                url: &t.url,
                count: t.news.len(),
            })
            .collect::<Vec<_>>()
            .as_slice(),
    );
    let mut jobs = vec![job(format!("{kind}/index.html"), list_template, ctx)];
    for term in terms {
        let programs: Vec<&crate::site::ProgramPage> = site
            .programs
            .iter()
            .filter(|p| p.dimension.slug == term.slug)
            .collect();
        let plan = site
            .masterplan
            .as_ref()
            .and_then(|m| m.dimensions.iter().find(|d| d.dimension.slug == term.slug));
        let summary = TermSummary {
            slug: &term.slug,
            title: &term.title,
            url: &term.url,
            count: term.news.len(),
        };
        jobs.extend(paginated_jobs(
            site,
            &format!("{kind}/{}/", term.slug),
            &term.title,
            &term.news,
            term_template,
            |ctx| {
                ctx.insert("term", &summary);
                ctx.insert("programs", &programs);
                ctx.insert("plan", &plan);
            },
        ));
    }
    jobs
}

/// The programs of one dimension, for the program list.
#[derive(Serialize)]
struct ProgramGroup<'a> {
    slug: &'a str,
    title: &'a str,
    url: &'a str,
    programs: Vec<&'a crate::site::ProgramPage>,
}

#[derive(Serialize)]
struct TermSummary<'a> {
    slug: &'a str,
    title: &'a str,
    url: &'a str,
    count: usize,
}

/// schema.org `NewsArticle` for a news page, as JSON safe inside `<script>`.
fn news_jsonld(site: &Site, n: &NewsPage) -> String {
    let mut value = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": n.title,
        "datePublished": n.date.iso,
        "dateModified": n.date.iso,
        "mainEntityOfPage": n.permalink,
        "url": n.permalink,
        "description": n.summary,
        "inLanguage": site.config.language.code(),
        "author": { "@type": "Organization", "name": n.author },
        "publisher": { "@type": "GovernmentOrganization", "name": site.config.name },
    });
    if let Some(cover) = &n.cover {
        value["image"] = serde_json::Value::from(vec![cover.permalink.clone()]);
    }
    if let Some(logo) = &site.logo_url {
        value["publisher"]["logo"] = serde_json::json!({ "@type": "ImageObject", "url": format!("{}{}", site.urls.base_url.trim_end_matches(&site.urls.base_path), logo) });
    }
    serde_json::to_string(&value)
        .unwrap_or_default()
        .replace("</", "<\\/")
}
