//! The files of a province portal besides its pages: feeds over every regency, the sitemap
//! index, robots.txt, the province `data.json`, every regency's programs as open data, the
//! stylesheet and the hosting files.

use rayon::prelude::*;
use serde::Serialize;
use serde_json::value::RawValue;

use super::{feeds, hosting, opendata, sitemap};
use crate::export::{Export, pretty_json};
use crate::province::{Province, ProvinceNews};
use crate::render::OutputFile;
use crate::render::theme::DEFAULT_CSS;
use crate::text::json_for_script;

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

impl<'a> NewsEntryExport<'a> {
    fn of(n: &'a ProvinceNews) -> NewsEntryExport<'a> {
        NewsEntryExport {
            regency: &n.regency,
            title: &n.title,
            url: &n.permalink,
            date: &n.date.iso,
            summary: &n.summary,
            dimensions: n.dimensions.iter().map(|d| d.slug).collect(),
        }
    }
}

/// The province's `data.json`; its news entries are written as they were made once per item.
#[derive(Serialize)]
struct ProvinceExport<'a> {
    version: u32,
    generator: &'static str,
    province: ProvinceSummary<'a>,
    regencies: Vec<RegencyEntryExport<'a>>,
    news: Vec<&'a RawValue>,
}

#[derive(Serialize)]
struct ProvinceSummary<'a> {
    name: &'a str,
    slug: &'a str,
    base_url: &'a str,
    description: &'a str,
}

fn province_data_json(p: &Province) -> String {
    // Entries not made yet (all of them in a build, one regency's after a preview edit) are
    // made in parallel first.
    p.news.par_iter().for_each(|n| {
        data_json_entry(n);
    });
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
        news: p.news.iter().map(|n| data_json_entry(n)).collect(),
    };
    let entries: usize = export.news.iter().map(|e| e.get().len() + 8).sum();
    pretty_json(&export, entries + export.regencies.len() * 512 + 4096)
}

/// Where a news entry sits in the pretty-printed `data.json`: inside the `news` list of the
/// top object, two levels of two spaces.
const NEWS_ENTRY_INDENT: &str = "    ";

/// `n`'s entry in `data.json`, pretty-printed and indented for its place there, made the first
/// time it is asked for and kept with the item. (It would be `null` if serde_json failed, which
/// it does not on an entry of strings.)
fn data_json_entry(n: &ProvinceNews) -> &RawValue {
    n.data_json_entry.get_or_init(|| {
        let entry = NewsEntryExport::of(n);
        // A string value never holds a raw line break (JSON escapes it), so every line break
        // is between lines of the layout and takes the entry's indent.
        let text = serde_json::to_string_pretty(&entry)
            .unwrap_or_default()
            .replace('\n', &format!("\n{NEWS_ENTRY_INDENT}"));
        RawValue::from_string(text).unwrap_or_default()
    })
}

/// The non-page files of the province portal; `built` are the slugs of the regencies built
/// under it (their sitemaps join the index), `exports` those of every regency loaded (built
/// here or elsewhere), in `province.yaml` order, whose programs make the open data.
pub fn province_files(p: &Province, built: &[String], exports: &[&Export]) -> Vec<OutputFile> {
    let file = OutputFile::text;
    let (atom, json) = feeds::province_feeds(p);
    let mut index = vec![p.urls.permalink("sitemap-provinsi.xml")];
    index.extend(
        built
            .iter()
            .map(|slug| p.urls.permalink(&format!("{slug}/sitemap.xml"))),
    );
    let mut files = vec![
        file("atom.xml", atom),
        file("feed.json", json),
        file("sitemap.xml", sitemap::sitemap_index(&index)),
        file("sitemap-provinsi.xml", sitemap::province_sitemap(p)),
        file(
            "robots.txt",
            sitemap::robots_txt(&p.urls.permalink("sitemap.xml")),
        ),
        file("data.json", json_for_script(&province_data_json(p))),
        file("cerdas.css", DEFAULT_CSS.to_string()),
        file(
            "_headers",
            hosting::netlify_headers(&p.urls, p.config.search),
        ),
        file(".htaccess", hosting::htaccess(&p.urls, p.config.search)),
    ];
    files.extend(opendata::province_files(&p.config.name, exports));
    files
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::types::NewsDate;
    use crate::error::Lang;
    use crate::site::{DateView, DimensionRef};
    use std::sync::OnceLock;

    fn item(summary: &str) -> ProvinceNews {
        let date = NewsDate::parse("2026-11-20T09:00").unwrap();
        ProvinceNews {
            regency: "agam".into(),
            regency_name: "Kabupaten Agam".into(),
            title: "Bimtek \"tahap II\"".into(),
            url: "/agam/berita/bimtek/".into(),
            permalink: "https://prov.example/agam/berita/bimtek/".into(),
            date: DateView::new(&date, Lang::Id),
            summary: summary.into(),
            dimensions: vec![DimensionRef {
                slug: "smart-governance",
                title: "Smart Governance",
                url: "/dimensi/smart-governance/".into(),
            }],
            event: None,
            author: "Humas".into(),
            fingerprint: 0,
            data_json_entry: OnceLock::new(),
        }
    }

    #[test]
    fn a_kept_entry_reads_as_if_written_in_place() {
        #[derive(Serialize)]
        struct InPlace<'a> {
            news: Vec<NewsEntryExport<'a>>,
        }
        #[derive(Serialize)]
        struct FromEntries<'a> {
            news: Vec<&'a RawValue>,
        }
        let items = [item("Baris satu\nbaris dua"), item("")];
        let in_place = InPlace {
            news: items.iter().map(NewsEntryExport::of).collect(),
        };
        let from_entries = FromEntries {
            news: items.iter().map(data_json_entry).collect(),
        };
        let expected = serde_json::to_string_pretty(&in_place).unwrap();
        assert!(expected.contains("\"summary\": \"Baris satu\\nbaris dua\""));
        assert_eq!(
            serde_json::to_string_pretty(&from_entries).unwrap(),
            expected
        );
    }
}
