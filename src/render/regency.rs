//! The pages of one regency portal.

use serde::Serialize;

use super::memo::{PageContext, RenderMemo};
use super::theme::Theme;
use super::{
    DimensionSummary, HashedCard, Job, NewsCard, OutputFile, PortalGlobals, PortalLinks,
    PortalView, Renderer, SearchView, hashed_cards, job, meta, paginated_jobs, search_job,
    theme_string,
};
use crate::error::Diagnostics;
use crate::site::{NewsPage, Site, Term};

/// Renders every page of `site` with `theme`; with a `memo` (the preview server), pages whose
/// inputs did not change since the memo's render are taken from it.
pub fn render_site(
    site: &Site,
    theme: &Theme,
    memo: Option<&RenderMemo>,
) -> Result<Vec<OutputFile>, Diagnostics> {
    let renderer = build_renderer(site, theme, memo)?;
    renderer.run(page_jobs(site, theme), memo)
}

/// What only a regency's `site` value has: its kind, slug, province and parent portal.
#[derive(Serialize)]
struct RegencyOwn<'a> {
    kind: crate::config::RegencyKind,
    slug: &'a str,
    province: &'a Option<String>,
    has_masterplan: bool,
    parent: &'a Option<crate::site::ParentPortal>,
}

fn build_renderer<'t>(
    site: &Site,
    theme: &'t Theme,
    memo: Option<&RenderMemo>,
) -> Result<Renderer<'t>, Diagnostics> {
    let mut renderer = Renderer::new(theme, Some(&site.pictures), memo)?;
    let urls = &site.urls;
    let c = &site.config;
    let view = PortalView {
        name: &c.name,
        description: &c.description,
        language: c.language.code(),
        links: PortalLinks::of(urls),
        logo_url: &site.logo_url,
        logo: &site.logo,
        contact: &c.contact,
        social: &c.social,
        extra: &c.extra,
        tagline: None,
        search: search_view(site),
        own: RegencyOwn {
            kind: c.kind,
            slug: c.slug.as_str(),
            province: &c.province,
            has_masterplan: site.masterplan.is_some(),
            parent: &site.parent,
        },
    };
    // `site.dimensions` holds the six terms in `Dimension::ALL` order.
    let dimensions: Vec<DimensionSummary> = crate::content::types::Dimension::ALL
        .iter()
        .zip(&site.dimensions)
        .map(|(d, t)| DimensionSummary {
            slug: d.slug(),
            title: d.title(),
            url: t.url.clone(),
            news_count: t.news.len(),
            program_count: site
                .programs
                .iter()
                .filter(|p| p.dimension.slug == t.slug)
                .count(),
        })
        .collect();
    renderer.set_portal(&PortalGlobals {
        site: view,
        menu: &site.menu,
        dimensions,
        data: &site.data,
    });
    Ok(renderer)
}

fn page_jobs<'a>(site: &'a Site, theme: &Theme) -> Vec<Job<'a>> {
    let s = |key: &str| theme_string(theme, key);
    let mut jobs = Vec::new();
    jobs.push(home_job(site));
    let news_title = s("news_title");
    let cards = hashed_cards(site.news.iter().map(NewsCard::from).collect());
    jobs.extend(paginated_jobs(
        &site.urls,
        site.config.paginate.0,
        "berita/",
        &news_title,
        cards.clone(),
        "berita_list.html",
        |_, _| {},
    ));
    for n in &site.news {
        let mut ctx = PageContext::new();
        ctx.insert(
            "page",
            meta(
                &site.urls,
                &n.title,
                &n.summary,
                &format!("berita/{}/", n.slug),
                "article",
            ),
        );
        ctx.insert("news", n);
        // Made from the news item (hashed as `news`) and the site's name, language, address
        // and logo (globals).
        ctx.insert_derived("jsonld", move || news_jsonld(site, n));
        jobs.push(job(
            format!("berita/{}/index.html", n.slug),
            "berita.html",
            ctx,
        ));
    }
    let programs_title = s("programs_title");
    let mut ctx = PageContext::new();
    ctx.insert(
        "page",
        meta(
            &site.urls,
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
    ctx.insert("groups", groups);
    jobs.push(job("program/index.html", "program_list.html", ctx));
    for p in &site.programs {
        let mut ctx = PageContext::new();
        ctx.insert(
            "page",
            meta(
                &site.urls,
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
        let mut ctx = PageContext::new();
        ctx.insert(
            "page",
            meta(&site.urls, &m.title, &m.vision, "masterplan/", "article"),
        );
        ctx.insert("masterplan", m);
        jobs.push(job("masterplan/index.html", "masterplan.html", ctx));
    }
    for h in &site.pages {
        let mut ctx = PageContext::new();
        ctx.insert(
            "page",
            meta(
                &site.urls,
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
        &cards,
        "dimensi",
        &site.dimensions,
        &s("dimensions_title"),
        "dimensi_list.html",
        "dimensi.html",
    ));
    jobs.extend(taxonomy_jobs(
        site,
        &cards,
        "tag",
        &site.tags,
        &s("tags_title"),
        "tag_list.html",
        "tag.html",
    ));
    if search_view(site).is_some() {
        jobs.push(search_job(
            &site.urls,
            &s("search_title"),
            &s("search_intro"),
        ));
    }
    let not_found = s("not_found_title");
    let mut ctx = PageContext::new();
    ctx.insert(
        "page",
        meta(&site.urls, &not_found, &not_found, "404.html", "website"),
    );
    jobs.push(job("404.html", "404.html", ctx));
    jobs
}

/// The regency's search: its own index, or inside a province the province's one (when the
/// province has search), started filtered to this regency.
fn search_view(site: &Site) -> Option<SearchView> {
    if !site.has_search() {
        return None;
    }
    let url = site.urls.path("cari/");
    Some(match &site.parent {
        Some(parent) => SearchView {
            url,
            bundle: parent.search_bundle.clone().unwrap_or_default(),
            regency: Some(site.config.name.clone()),
        },
        None => SearchView {
            url,
            bundle: site.urls.path("pagefind/"),
            regency: None,
        },
    })
}

fn home_job(site: &Site) -> Job<'_> {
    let latest: Vec<NewsCard> = site.news.iter().take(6).map(NewsCard::from).collect();
    let quick_wins: Vec<&crate::site::ProgramPage> =
        site.programs.iter().filter(|p| p.quick_win).collect();
    let mut ctx = PageContext::new();
    ctx.insert(
        "page",
        meta(
            &site.urls,
            &site.config.name,
            &site.config.description,
            "",
            "website",
        ),
    );
    ctx.insert("latest_news", latest);
    ctx.insert("quick_wins", quick_wins);
    ctx.insert("masterplan", &site.masterplan);
    ctx.insert("news_count", site.news.len());
    ctx.insert("program_count", site.programs.len());
    job("index.html", "index.html", ctx)
}

fn taxonomy_jobs<'a>(
    site: &'a Site,
    cards: &[HashedCard<'a>],
    kind: &str,
    terms: &'a [Term],
    title: &str,
    list_template: &'static str,
    term_template: &'static str,
) -> Vec<Job<'a>> {
    let mut ctx = PageContext::new();
    ctx.insert(
        "page",
        meta(&site.urls, title, title, &format!("{kind}/"), "website"),
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
            .collect::<Vec<_>>(),
    );
    let mut jobs = vec![job(format!("{kind}/index.html"), list_template, ctx)];
    for term in terms {
        let programs: Vec<ProgramRow> = site
            .programs
            .iter()
            .filter(|p| p.dimension.slug == term.slug)
            .map(|p| ProgramRow {
                title: &p.title,
                url: &p.url,
                status: p.status,
                quick_win: p.quick_win,
            })
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
        let term_cards: Vec<HashedCard> = term.news.iter().map(|&i| cards[i]).collect();
        jobs.extend(paginated_jobs(
            &site.urls,
            site.config.paginate.0,
            &format!("{kind}/{}/", term.slug),
            &term.title,
            term_cards,
            term_template,
            |ctx, number| {
                ctx.insert("term", summary);
                // Programs and the plan show on the first page only.
                let shown = if number == 1 {
                    programs.clone()
                } else {
                    Vec::new()
                };
                ctx.insert("programs", shown);
                ctx.insert("plan", plan.filter(|_| number == 1));
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

/// A program as a list row shows it.
#[derive(Clone, Copy, Serialize)]
struct ProgramRow<'a> {
    title: &'a str,
    url: &'a str,
    status: crate::content::kinds::ProgramStatus,
    quick_win: bool,
}

#[derive(Clone, Copy, Serialize)]
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
    crate::text::json_for_script(&serde_json::to_string(&value).unwrap_or_default())
}
