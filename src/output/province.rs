//! The files of a province portal besides its pages: feeds over every regency, the sitemap
//! index, robots.txt, the province `data.json`, the stylesheet and the hosting files.

use serde::Serialize;

use super::{feeds, hosting, sitemap};
use crate::province::Province;
use crate::render::OutputFile;
use crate::render::theme::DEFAULT_CSS;

/// One regency in the province export.
#[derive(Serialize)]
struct RegencyEntryExport<'a> {
    slug: &'a str,
    name: &'a str,
    available: bool,
    external: bool,
    url: &'a str,
    news_count: usize,
    program_count: usize,
    quick_win_count: usize,
    masterplan_status: Option<crate::content::kinds::MasterplanStatus>,
}

/// One news item in the province export.
#[derive(Serialize)]
struct NewsEntryExport<'a> {
    regency: &'a str,
    title: &'a str,
    url: &'a str,
    date: &'a str,
    summary: &'a str,
    dimensions: Vec<&'a str>,
}

/// The province's `data.json`.
#[derive(Serialize)]
struct ProvinceExport<'a> {
    version: u32,
    generator: &'static str,
    province: ProvinceSummary<'a>,
    regencies: Vec<RegencyEntryExport<'a>>,
    news: Vec<NewsEntryExport<'a>>,
}

#[derive(Serialize)]
struct ProvinceSummary<'a> {
    name: &'a str,
    slug: &'a str,
    base_url: &'a str,
    description: &'a str,
}

fn province_data_json(p: &Province) -> String {
    let export = ProvinceExport {
        version: crate::export::EXPORT_VERSION,
        generator: "cerdas",
        province: ProvinceSummary {
            name: &p.config.name,
            slug: p.config.slug.as_str(),
            base_url: &p.urls.base_url,
            description: &p.config.description,
        },
        regencies: p
            .regencies
            .iter()
            .map(|r| RegencyEntryExport {
                slug: &r.slug,
                name: &r.name,
                available: r.available,
                external: r.external,
                url: &r.url,
                news_count: r.news_count,
                program_count: r.program_count,
                quick_win_count: r.quick_win_count,
                masterplan_status: r.masterplan.as_ref().map(|m| m.status),
            })
            .collect(),
        news: p
            .news
            .iter()
            .map(|n| NewsEntryExport {
                regency: &n.regency,
                title: &n.title,
                url: &n.permalink,
                date: &n.date.iso,
                summary: &n.summary,
                dimensions: n.dimensions.iter().map(|d| d.slug).collect(),
            })
            .collect(),
    };
    serde_json::to_string_pretty(&export).unwrap_or_default()
}

/// The non-page files of the province portal; `built` are the slugs of the regencies built
/// under it (their sitemaps join the index).
pub fn province_files(p: &Province, built: &[String]) -> Vec<OutputFile> {
    let file = OutputFile::text;
    let (atom, json) = feeds::province_feeds(p);
    let mut index = vec![p.urls.permalink("sitemap-provinsi.xml")];
    index.extend(
        built
            .iter()
            .map(|slug| p.urls.permalink(&format!("{slug}/sitemap.xml"))),
    );
    vec![
        file("atom.xml", atom),
        file("feed.json", json),
        file("sitemap.xml", sitemap::sitemap_index(&index)),
        file("sitemap-provinsi.xml", sitemap::province_sitemap(p)),
        file(
            "robots.txt",
            sitemap::robots_txt(&p.urls.permalink("sitemap.xml")),
        ),
        file("data.json", province_data_json(p)),
        file("cerdas.css", DEFAULT_CSS.to_string()),
        file("_headers", hosting::netlify_headers(&p.urls)),
        file(".htaccess", hosting::htaccess(&p.urls)),
    ]
}
