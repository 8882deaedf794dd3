//! Many regencies into one smart province model (takes regency exports, gives [`Province`]): every regency's export (built here or
//! fetched) aggregated into news across the province, a directory, each dimension across the
//! regencies and a progress view.

pub mod fetch;

use std::cmp::Reverse;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use serde::Serialize;

use crate::config::{ProvinceConfig, RegencyKind};
use crate::content::kinds::{MasterplanStatus, ProgramStatus};
use crate::content::types::{Dimension, NewsDate};
use crate::error::Lang;
use crate::export::{Export, ExportNews};
use crate::site::{DateView, DimensionRef, NewsRef, Urls};

/// Where a regency of the province comes from.
#[derive(Clone, Debug)]
pub enum RegencySource {
    /// Built here, under `/<slug>/` of the portal.
    Built(Export),
    /// Built and hosted elsewhere; links go to its own canonical URLs.
    External(Export),
    /// Failed to load (only with `--keep-going`): shown as unavailable.
    Failed {
        /// The folder or address as written in `province.yaml`.
        label: String,
    },
}

/// One news item in the province portal.
#[derive(Clone, Debug, Serialize)]
pub struct ProvinceNews {
    /// The regency's slug.
    pub regency: String,
    /// The regency's name, the label shown on the item.
    pub regency_name: String,
    /// The headline.
    pub title: String,
    /// Its page: root-relative for regencies built here, absolute for external ones.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// When it was published.
    pub date: DateView,
    /// Plain-text summary.
    pub summary: String,
    /// Dimensions, linking to the province's dimension pages.
    pub dimensions: Vec<DimensionRef>,
    /// The event, with a kind and stage.
    pub event: Option<crate::site::EventView>,
    /// Author.
    pub author: String,
    /// A hash of every field above, made once with the item, so lists showing it need not
    /// hash it again to know whether they changed.
    #[serde(skip)]
    pub fingerprint: u128,
    /// This item's entry in the province's `data.json`, made by the output stage the first
    /// time it writes the file and kept with the item: the preview server keeps items of
    /// regencies that did not change between rebuilds, so their entries are not made again.
    #[serde(skip)]
    pub data_json_entry: OnceLock<Box<serde_json::value::RawValue>>,
}

/// One program of a regency, as the province shows it.
#[derive(Clone, Debug, Serialize)]
pub struct ProvinceProgram {
    /// The name.
    pub title: String,
    /// Its page.
    pub url: String,
    /// Where it stands.
    pub status: ProgramStatus,
    /// Whether it is a quick win.
    pub quick_win: bool,
    /// The agency running it.
    pub opd: String,
}

/// Program counts of one regency in one dimension.
#[derive(Clone, Debug, Default, Serialize)]
pub struct StatusCounts {
    /// Planned.
    pub rencana: usize,
    /// Under way.
    pub berjalan: usize,
    /// Done.
    pub selesai: usize,
    /// All.
    pub total: usize,
    /// Percentage done, 0-100.
    pub done_percent: usize,
    /// Percentage under way, 0-100.
    pub running_percent: usize,
}

/// One regency in one dimension: its plan and programs.
#[derive(Clone, Debug, Serialize)]
pub struct RegencyDimension {
    /// The dimension slug.
    pub slug: &'static str,
    /// The dimension name.
    pub title: &'static str,
    /// The masterplan's summary for it.
    pub summary: Option<String>,
    /// The masterplan's goals for it.
    pub goals: Vec<String>,
    /// Its programs.
    pub programs: Vec<ProvinceProgram>,
    /// Program counts by status.
    pub counts: StatusCounts,
}

/// The masterplan of a regency, in brief.
#[derive(Clone, Debug, Serialize)]
pub struct MasterplanBrief {
    /// Title.
    pub title: String,
    /// Its page.
    pub url: String,
    /// First year.
    pub period_start: u16,
    /// Last year.
    pub period_end: Option<u16>,
    /// Status.
    pub status: MasterplanStatus,
}

/// One regency of the province.
#[derive(Clone, Debug, Serialize)]
pub struct RegencyCard {
    /// Slug.
    pub slug: String,
    /// Full name (or the folder/address for an unavailable one).
    pub name: String,
    /// Kabupaten or kota.
    pub kind: Option<RegencyKind>,
    /// Its portal's home page.
    pub url: String,
    /// Its logo.
    pub logo_url: Option<String>,
    /// Whether it loaded.
    pub available: bool,
    /// Whether it is hosted elsewhere.
    pub external: bool,
    /// Its masterplan.
    pub masterplan: Option<MasterplanBrief>,
    /// The six dimensions, in order, with plans and programs.
    pub dimensions: Vec<RegencyDimension>,
    /// Its three newest news items.
    pub latest_news: Vec<NewsRef>,
    /// How many news items it has.
    pub news_count: usize,
    /// How many programs it has.
    pub program_count: usize,
    /// How many quick wins it has.
    pub quick_win_count: usize,
    /// Its province-level news list.
    pub news_list_url: String,
}

/// The whole province portal, ready to render.
#[derive(Clone, Debug)]
pub struct Province {
    /// `province.yaml`.
    pub config: ProvinceConfig,
    /// Where the portal is published.
    pub urls: Urls,
    /// Language of dates and theme text.
    pub lang: Lang,
    /// Every regency, in `province.yaml` order.
    pub regencies: Vec<RegencyCard>,
    /// All news of all regencies, newest first (shared with each regency's share).
    pub news: Vec<Arc<ProvinceNews>>,
    /// Indexes into `news` of each regency's items, in the order of `regencies`.
    pub news_by_regency: Vec<Vec<usize>>,
    /// Indexes into `news` of each dimension's items, in the order of `Dimension::ALL`.
    pub news_by_dimension: Vec<Vec<usize>>,
    /// The logo's root-relative URL.
    pub logo_url: Option<String>,
}

impl Province {
    /// Indexes into `news` of the items of one dimension.
    pub fn news_in_dimension(&self, dimension: Dimension) -> &[usize] {
        Dimension::position_of(dimension.slug())
            .and_then(|i| self.news_by_dimension.get(i))
            .map_or(&[], Vec::as_slice)
    }

    /// Indexes into `news` of the items of the regency at `index` of `regencies`.
    pub fn news_of_regency(&self, index: usize) -> &[usize] {
        self.news_by_regency.get(index).map_or(&[], Vec::as_slice)
    }

    /// All programs of the province.
    pub fn program_count(&self) -> usize {
        self.regencies.iter().map(|r| r.program_count).sum()
    }

    /// All quick wins of the province.
    pub fn quick_win_count(&self) -> usize {
        self.regencies.iter().map(|r| r.quick_win_count).sum()
    }
}

/// One regency's part of the province: where it comes from, its card and its news as the
/// province lists them. Made when the regency is loaded, so rebuilding one regency remakes
/// only its share.
#[derive(Clone, Debug)]
pub struct RegencyShare {
    /// Where it comes from.
    pub source: RegencySource,
    /// Its card in the directory.
    pub card: RegencyCard,
    /// Its news, newest first (ties by URL).
    pub news: Vec<Arc<ProvinceNews>>,
}

/// The share of `source` in the province published at `urls`.
pub fn regency_share(source: RegencySource, urls: &Urls, lang: Lang) -> RegencyShare {
    let (card, news) = match &source {
        RegencySource::Built(e) | RegencySource::External(e) => {
            let here = matches!(source, RegencySource::Built(_));
            let mut news: Vec<Arc<ProvinceNews>> = e
                .news
                .par_iter()
                .map(|n| Arc::new(province_news(e, n, urls, lang, here)))
                .collect();
            news.sort_by(|a, b| {
                b.date
                    .timestamp
                    .cmp(&a.date.timestamp)
                    .then_with(|| a.url.cmp(&b.url))
            });
            (regency_card(e, urls, lang, !here), news)
        }
        RegencySource::Failed { label } => (unavailable_card(label), Vec::new()),
    };
    RegencyShare { source, card, news }
}

/// Aggregates the regencies' shares into the province model.
pub fn build_province(
    config: ProvinceConfig,
    shares: &[&RegencyShare],
    logo_url: Option<String>,
) -> Province {
    let urls = Urls::new(&config.base_url, "");
    let lang = config.language.lang();
    let regencies = shares.iter().map(|s| s.card.clone()).collect();
    let order = merged_order(shares);
    let mut news = Vec::with_capacity(order.len());
    let mut news_by_regency = vec![Vec::new(); shares.len()];
    let mut news_by_dimension = vec![Vec::new(); Dimension::ALL.len()];
    for (at, &(share, item)) in order.iter().enumerate() {
        let n = &shares[share].news[item];
        news_by_regency[share].push(at);
        for d in &n.dimensions {
            if let Some(i) = Dimension::position_of(d.slug) {
                news_by_dimension[i].push(at);
            }
        }
        news.push(Arc::clone(n));
    }
    Province {
        config,
        urls,
        lang,
        regencies,
        news,
        news_by_regency,
        news_by_dimension,
        logo_url,
    }
}

/// The order of every share's news in the province: newest first, then by regency slug, then
/// by URL, as `(share, item)` positions. Each share is already in that order, so only one key
/// per item is read and the sort moves small tuples instead of comparing through pointers.
fn merged_order(shares: &[&RegencyShare]) -> Vec<(usize, usize)> {
    let mut by_slug: Vec<usize> = (0..shares.len()).collect();
    by_slug.sort_by(|&a, &b| shares[a].card.slug.cmp(&shares[b].card.slug));
    let mut slug_rank = vec![0; shares.len()];
    for (rank, &share) in by_slug.iter().enumerate() {
        slug_rank[share] = rank;
    }
    let mut keys: Vec<(Reverse<i64>, usize, usize, usize)> = shares
        .iter()
        .enumerate()
        .flat_map(|(s, share)| {
            let rank = slug_rank[s];
            share
                .news
                .iter()
                .enumerate()
                .map(move |(i, n)| (Reverse(n.date.timestamp), rank, s, i))
        })
        .collect();
    keys.sort_unstable();
    keys.into_iter().map(|(_, _, s, i)| (s, i)).collect()
}

/// A URL of a regency page: root-relative when the regency is built under this portal.
fn local_url(url: &str, urls: &Urls, built_here: bool) -> String {
    if let Some(rest) = url
        .strip_prefix(urls.base_url.as_str())
        .filter(|_| built_here)
    {
        return format!("{}{rest}", urls.base_path);
    }
    url.to_string()
}

fn province_news(
    e: &Export,
    n: &ExportNews,
    urls: &Urls,
    lang: Lang,
    built_here: bool,
) -> ProvinceNews {
    let date = NewsDate::parse(&n.date).unwrap_or(NewsDate {
        local: jiff::civil::DateTime::default(),
        offset: crate::content::types::WIB,
    });
    let mut item = ProvinceNews {
        regency: e.site.slug.clone(),
        regency_name: e.site.name.clone(),
        title: n.title.clone(),
        url: local_url(&n.url, urls, built_here),
        permalink: n.url.clone(),
        date: DateView::new(&date, lang),
        summary: n.summary.clone(),
        dimensions: n
            .dimensions
            .iter()
            .filter_map(|d| Dimension::from_slug(d))
            .map(|d| DimensionRef {
                slug: d.slug(),
                title: d.title(),
                url: urls.path(&format!("dimensi/{}/", d.slug())),
            })
            .collect(),
        event: n.event.map(|kind| crate::site::EventView {
            kind,
            stage: n.stage.clone(),
        }),
        author: n.author.clone(),
        fingerprint: 0,
        data_json_entry: OnceLock::new(),
    };
    item.fingerprint = crate::fingerprint::fingerprint_of(&item);
    item
}

fn regency_card(e: &Export, urls: &Urls, lang: Lang, external: bool) -> RegencyCard {
    let built_here = !external;
    let plans: HashMap<&str, &crate::export::ExportDimensionPlan> = e
        .masterplan
        .iter()
        .flat_map(|m| m.dimensions.iter())
        .map(|d| (d.dimension.as_str(), d))
        .collect();
    let dimensions = Dimension::ALL
        .iter()
        .map(|d| {
            let programs: Vec<ProvinceProgram> = e
                .programs
                .iter()
                .filter(|p| p.dimension == d.slug())
                .map(|p| ProvinceProgram {
                    title: p.title.clone(),
                    url: local_url(&p.url, urls, built_here),
                    status: p.status,
                    quick_win: p.quick_win,
                    opd: p.opd.clone(),
                })
                .collect();
            let plan = plans.get(d.slug());
            RegencyDimension {
                slug: d.slug(),
                title: d.title(),
                summary: plan.map(|p| p.summary.clone()),
                goals: plan.map(|p| p.goals.clone()).unwrap_or_default(),
                counts: status_counts(&programs),
                programs,
            }
        })
        .collect();
    let latest_news = e
        .news
        .iter()
        .take(3)
        .map(|n| {
            let date = NewsDate::parse(&n.date).unwrap_or(NewsDate {
                local: jiff::civil::DateTime::default(),
                offset: crate::content::types::WIB,
            });
            NewsRef {
                title: n.title.clone(),
                url: local_url(&n.url, urls, built_here),
                date: DateView::new(&date, lang),
            }
        })
        .collect();
    RegencyCard {
        slug: e.site.slug.clone(),
        name: e.site.name.clone(),
        kind: Some(e.site.kind),
        url: local_url(&format!("{}/", e.site.base_url), urls, built_here),
        logo_url: e.site.logo.as_ref().map(|l| local_url(l, urls, built_here)),
        available: true,
        external,
        masterplan: e.masterplan.as_ref().map(|m| MasterplanBrief {
            title: m.title.clone(),
            url: local_url(&m.url, urls, built_here),
            period_start: m.period.start,
            period_end: m.period.end,
            status: m.status,
        }),
        dimensions,
        latest_news,
        news_count: e.news.len(),
        program_count: e.programs.len(),
        quick_win_count: e.programs.iter().filter(|p| p.quick_win).count(),
        news_list_url: urls.path(&format!("berita/{}/", e.site.slug)),
    }
}

fn status_counts(programs: &[ProvinceProgram]) -> StatusCounts {
    let count = |s: ProgramStatus| programs.iter().filter(|p| p.status == s).count();
    let total = programs.len();
    let percent = |n: usize| (n * 100).checked_div(total).unwrap_or(0);
    let (rencana, berjalan, selesai) = (
        count(ProgramStatus::Rencana),
        count(ProgramStatus::Berjalan),
        count(ProgramStatus::Selesai),
    );
    StatusCounts {
        rencana,
        berjalan,
        selesai,
        total,
        done_percent: percent(selesai),
        running_percent: percent(berjalan),
    }
}

fn unavailable_card(label: &str) -> RegencyCard {
    RegencyCard {
        slug: crate::content::types::slugify(label),
        name: label.to_string(),
        kind: None,
        url: String::new(),
        logo_url: None,
        available: false,
        external: false,
        masterplan: None,
        dimensions: Vec::new(),
        latest_news: Vec::new(),
        news_count: 0,
        program_count: 0,
        quick_win_count: 0,
        news_list_url: String::new(),
    }
}
