//! The aggregate pages of a smart province portal: home, all news (by regency and dimension),
//! the regency directory, each dimension across the province and the progress view.

use serde::Serialize;

use super::memo::{PageContext, RenderMemo, fingerprint_of};
use super::theme::Theme;
use super::{
    DimensionSummary, HashedCard, Job, NewsCard, OutputFile, PortalGlobals, PortalLinks,
    PortalView, Renderer, SearchView, job, meta, paginated_jobs, search_job, theme_string,
};
use crate::content::types::Dimension;
use crate::error::Diagnostics;
use crate::province::{Province, RegencyCard, RegencyDimension};
use crate::site::MenuEntry;

/// Renders every aggregate page of `province` with `theme`; with a `memo` (the preview
/// server), pages whose inputs did not change since the memo's render are taken from it.
pub fn render_province(
    province: &Province,
    theme: &Theme,
    memo: Option<&RenderMemo>,
) -> Result<Vec<OutputFile>, Diagnostics> {
    let renderer = build_renderer(province, theme, memo)?;
    // Each item's own fingerprint stands for its card, which shows only its fields.
    let cards: Vec<HashedCard> = province
        .news
        .iter()
        .map(|n| HashedCard::new(NewsCard::from(&**n), n.fingerprint))
        .collect();
    renderer.run(province_jobs(province, theme, &cards), memo)
}

/// What the province's `site` value has besides the shared ones, empty where a regency has its own.
#[derive(Serialize)]
struct ProvinceOwn {
    /// Always empty: the province portal belongs to no province.
    province: Option<String>,
    /// Always empty: the province portal has no parent portal.
    parent: Option<()>,
}

fn build_renderer<'t>(
    p: &Province,
    theme: &'t Theme,
    memo: Option<&RenderMemo>,
) -> Result<Renderer<'t>, Diagnostics> {
    let mut renderer = Renderer::new(theme, None, memo)?;
    let urls = &p.urls;
    let c = &p.config;
    let view = PortalView {
        name: &c.name,
        description: &c.description,
        language: c.language.code(),
        links: PortalLinks::of(urls),
        logo_url: &p.logo_url,
        logo: &None,
        contact: &c.contact,
        social: &c.social,
        extra: &c.extra,
        tagline: Some(theme_string(theme, "province_tagline")),
        search: c.search.then(|| SearchView {
            url: urls.path("cari/"),
            bundle: urls.path("pagefind/"),
            regency: None,
        }),
        own: ProvinceOwn {
            province: None,
            parent: None,
        },
    };
    let dimensions: Vec<DimensionSummary> = Dimension::ALL
        .iter()
        .map(|d| DimensionSummary {
            slug: d.slug(),
            title: d.title(),
            url: urls.path(&format!("dimensi/{}/", d.slug())),
            news_count: p.news_in_dimension(*d).len(),
            program_count: p
                .regencies
                .iter()
                .flat_map(|r| r.dimensions.iter())
                .filter(|rd| rd.slug == d.slug())
                .map(|rd| rd.programs.len())
                .sum(),
        })
        .collect();
    let menu: Vec<MenuEntry> = [
        ("menu_home", ""),
        ("menu_news", "berita/"),
        ("menu_regencies", "kabupaten-kota/"),
        ("menu_dimensions", "dimensi/"),
        ("menu_progress", "progres/"),
    ]
    .iter()
    .map(|(key, path)| MenuEntry::builtin(key, urls.path(path)))
    .collect();
    renderer.set_portal(&PortalGlobals {
        site: view,
        menu: &menu,
        dimensions,
        data: &serde_json::Map::new(),
    });
    Ok(renderer)
}

#[derive(Serialize)]
struct Counts {
    regencies: usize,
    news: usize,
    programs: usize,
    quick_wins: usize,
}

#[derive(Clone, Serialize)]
struct TermSummary<'a> {
    slug: &'a str,
    title: &'a str,
    url: String,
    count: usize,
}

/// A regency in the news filter.
#[derive(Clone, Copy, Serialize)]
struct RegencyFilter<'a> {
    slug: &'a str,
    name: &'a str,
    news_list_url: &'a str,
    available: bool,
}

/// One regency's plan and programs in one dimension.
#[derive(Clone, Copy, Serialize)]
struct RegencyInDimension<'a> {
    slug: &'a str,
    name: &'a str,
    url: &'a str,
    dimension: &'a RegencyDimension,
}

fn province_jobs<'a>(p: &'a Province, theme: &Theme, cards: &[HashedCard<'a>]) -> Vec<Job<'a>> {
    let s = |key: &str| theme_string(theme, key);
    let urls = &p.urls;
    let per_page = p.config.paginate.0;
    // With their index in `regencies`, which `news_of_regency` takes.
    let available: Vec<(usize, &RegencyCard)> = p
        .regencies
        .iter()
        .enumerate()
        .filter(|(_, r)| r.available)
        .collect();
    let mut jobs = Vec::new();

    let mut ctx = PageContext::new();
    ctx.insert(
        "page",
        meta(urls, &p.config.name, &p.config.description, "", "website"),
    );
    ctx.insert(
        "latest_news",
        cards.iter().take(9).map(|c| c.card).collect::<Vec<_>>(),
    );
    ctx.insert("regencies", &p.regencies);
    ctx.insert(
        "counts",
        Counts {
            regencies: available.len(),
            news: p.news.len(),
            programs: p.program_count(),
            quick_wins: p.quick_win_count(),
        },
    );
    jobs.push(job("index.html", "province/index.html", ctx));

    let news_title = s("news_title");
    let filters: Vec<RegencyFilter> = available
        .iter()
        .map(|(_, r)| RegencyFilter {
            slug: &r.slug,
            name: &r.name,
            news_list_url: &r.news_list_url,
            available: true,
        })
        .collect();
    let filters_hash = fingerprint_of(&filters);
    jobs.extend(paginated_jobs(
        urls,
        per_page,
        "berita/",
        &news_title,
        cards.to_vec(),
        "province/berita_list.html",
        |ctx, _| {
            ctx.insert_prehashed("regencies", filters.clone(), filters_hash);
            ctx.insert("current_regency", Option::<&str>::None);
        },
    ));
    for &(index, r) in &available {
        let own: Vec<HashedCard> = p.news_of_regency(index).iter().map(|&i| cards[i]).collect();
        let title = format!("{} · {}", news_title, r.name);
        jobs.extend(paginated_jobs(
            urls,
            per_page,
            &format!("berita/{}/", r.slug),
            &title,
            own,
            "province/berita_list.html",
            |ctx, _| {
                ctx.insert_prehashed("regencies", filters.clone(), filters_hash);
                ctx.insert("current_regency", Some(r.slug.as_str()));
            },
        ));
    }

    let directory_title = s("regencies_title");
    let mut ctx = PageContext::new();
    ctx.insert(
        "page",
        meta(
            urls,
            &directory_title,
            &directory_title,
            "kabupaten-kota/",
            "website",
        ),
    );
    ctx.insert("regencies", &p.regencies);
    jobs.push(job(
        "kabupaten-kota/index.html",
        "province/directory.html",
        ctx,
    ));

    let dims_title = s("dimensions_title");
    let mut ctx = PageContext::new();
    ctx.insert(
        "page",
        meta(urls, &dims_title, &dims_title, "dimensi/", "website"),
    );
    jobs.push(job("dimensi/index.html", "dimensi_list.html", ctx));
    for d in Dimension::ALL {
        let items = p.news_in_dimension(d);
        let dim_cards: Vec<HashedCard> = items.iter().map(|&i| cards[i]).collect();
        let by_regency: Vec<RegencyInDimension> = available
            .iter()
            .filter_map(|(_, r)| {
                let dimension = r.dimensions.iter().find(|rd| rd.slug == d.slug())?;
                Some(RegencyInDimension {
                    slug: &r.slug,
                    name: &r.name,
                    url: &r.url,
                    dimension,
                })
            })
            .collect();
        let term = TermSummary {
            slug: d.slug(),
            title: d.title(),
            url: urls.path(&format!("dimensi/{}/", d.slug())),
            count: items.len(),
        };
        jobs.extend(paginated_jobs(
            urls,
            per_page,
            &format!("dimensi/{}/", d.slug()),
            d.title(),
            dim_cards,
            "province/dimensi.html",
            |ctx, number| {
                ctx.insert("term", term.clone());
                // Only the first page shows the plans; later pages are news only.
                let shown = if number == 1 {
                    by_regency.clone()
                } else {
                    Vec::new()
                };
                ctx.insert("by_regency", shown);
            },
        ));
    }

    let progress_title = s("progress_title");
    let mut ctx = PageContext::new();
    ctx.insert(
        "page",
        meta(
            urls,
            &progress_title,
            &s("progress_intro"),
            "progres/",
            "website",
        ),
    );
    ctx.insert("regencies", &p.regencies);
    jobs.push(job("progres/index.html", "province/progres.html", ctx));
    if p.config.search {
        jobs.push(search_job(urls, &s("search_title"), &s("search_intro")));
    }

    let not_found = s("not_found_title");
    let mut ctx = PageContext::new();
    ctx.insert(
        "page",
        meta(urls, &not_found, &not_found, "404.html", "website"),
    );
    jobs.push(job("404.html", "404.html", ctx));
    jobs
}
