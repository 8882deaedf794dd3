//! The `data.json` format (takes a [`Site`], gives an [`Export`]): the machine-readable export of one regency (site, news index,
//! masterplan, programs). A regency build writes it; a province build reads it back, from its
//! own regencies and from regencies that build and host their portal elsewhere.

use serde::{Deserialize, Serialize};

use crate::config::RegencyKind;
use crate::content::kinds::{EventKind, Indicator, MasterplanStatus, ProgramStatus, Years};
use crate::site::Site;

/// The version of the export format.
pub const EXPORT_VERSION: u32 = 1;

/// The whole export.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Export {
    /// Format version.
    pub version: u32,
    /// Who wrote it.
    #[serde(default)]
    pub generator: String,
    /// The regency.
    pub site: ExportSite,
    /// Every published news item, newest first.
    #[serde(default)]
    pub news: Vec<ExportNews>,
    /// The masterplan summary.
    #[serde(default)]
    pub masterplan: Option<ExportMasterplan>,
    /// Every program.
    #[serde(default)]
    pub programs: Vec<ExportProgram>,
}

/// The regency's identity.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ExportSite {
    /// Full name.
    pub name: String,
    /// Kabupaten or kota.
    pub kind: RegencyKind,
    /// URL slug.
    pub slug: String,
    /// Province.
    #[serde(default)]
    pub province: Option<String>,
    /// Absolute home URL, without a trailing slash.
    pub base_url: String,
    /// Language code.
    #[serde(default)]
    pub language: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Absolute logo URL.
    #[serde(default)]
    pub logo: Option<String>,
}

/// One news item.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ExportNews {
    /// Slug.
    pub slug: String,
    /// Headline.
    pub title: String,
    /// Absolute URL.
    pub url: String,
    /// RFC 3339 date.
    pub date: String,
    /// Plain-text summary.
    #[serde(default)]
    pub summary: String,
    /// Author.
    #[serde(default)]
    pub author: String,
    /// Event kind.
    #[serde(default)]
    pub event: Option<EventKind>,
    /// Event stage.
    #[serde(default)]
    pub stage: Option<String>,
    /// Dimension slugs.
    #[serde(default)]
    pub dimensions: Vec<String>,
    /// Program slugs.
    #[serde(default)]
    pub programs: Vec<String>,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Absolute cover URL.
    #[serde(default)]
    pub cover: Option<String>,
    /// Cover alt text.
    #[serde(default)]
    pub cover_alt: Option<String>,
}

/// The masterplan summary.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ExportMasterplan {
    /// Title.
    pub title: String,
    /// Absolute URL.
    pub url: String,
    /// Period.
    pub period: Years,
    /// Status.
    pub status: MasterplanStatus,
    /// Regulation.
    #[serde(default)]
    pub regulation: Option<String>,
    /// Vision.
    #[serde(default)]
    pub vision: String,
    /// Missions.
    #[serde(default)]
    pub missions: Vec<String>,
    /// The plan per dimension.
    #[serde(default)]
    pub dimensions: Vec<ExportDimensionPlan>,
    /// Quick win program slugs.
    #[serde(default)]
    pub quick_wins: Vec<String>,
}

/// The masterplan's plan for one dimension.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ExportDimensionPlan {
    /// Dimension slug.
    pub dimension: String,
    /// Summary.
    #[serde(default)]
    pub summary: String,
    /// Goals.
    #[serde(default)]
    pub goals: Vec<String>,
}

/// One program.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ExportProgram {
    /// Slug.
    pub slug: String,
    /// Name.
    pub title: String,
    /// Absolute URL.
    pub url: String,
    /// Dimension slug.
    pub dimension: String,
    /// Agency.
    #[serde(default)]
    pub opd: String,
    /// Status.
    pub status: ProgramStatus,
    /// Quick win.
    #[serde(default)]
    pub quick_win: bool,
    /// Years.
    pub years: Years,
    /// Budget in rupiah.
    #[serde(default)]
    pub budget: Option<u64>,
    /// Indicators.
    #[serde(default)]
    pub indicators: Vec<Indicator>,
    /// Summary.
    #[serde(default)]
    pub summary: String,
}

/// The export of a built site.
pub fn export_site(site: &Site) -> Export {
    let c = &site.config;
    let origin = site
        .urls
        .base_url
        .trim_end_matches(site.urls.base_path.as_str());
    Export {
        version: EXPORT_VERSION,
        generator: "cerdas".into(),
        site: ExportSite {
            name: c.name.clone(),
            kind: c.kind,
            slug: c.slug.to_string(),
            province: c.province.clone(),
            base_url: site.urls.base_url.clone(),
            language: c.language.code().into(),
            description: c.description.clone(),
            logo: site.logo_url.as_ref().map(|l| format!("{origin}{l}")),
        },
        news: site.news.iter().map(export_news).collect(),
        masterplan: site.masterplan.as_ref().map(|m| ExportMasterplan {
            title: m.title.clone(),
            url: m.permalink.clone(),
            period: Years {
                start: m.period_start,
                end: Some(m.period_end),
            },
            status: m.status,
            regulation: m.regulation.clone(),
            vision: m.vision.clone(),
            missions: m.missions.clone(),
            dimensions: m
                .dimensions
                .iter()
                .map(|d| ExportDimensionPlan {
                    dimension: d.dimension.slug.into(),
                    summary: d.summary.clone(),
                    goals: d.goals.clone(),
                })
                .collect(),
            quick_wins: m.quick_wins.iter().map(|p| p.slug.to_string()).collect(),
        }),
        programs: site
            .programs
            .iter()
            .map(|p| ExportProgram {
                slug: p.slug.to_string(),
                title: p.title.clone(),
                url: p.permalink.clone(),
                dimension: p.dimension.slug.into(),
                opd: p.opd.clone(),
                status: p.status,
                quick_win: p.quick_win,
                years: p.years.clone(),
                budget: p.budget,
                indicators: p.indicators.clone(),
                summary: p.summary.clone(),
            })
            .collect(),
    }
}

fn export_news(n: &crate::site::NewsPage) -> ExportNews {
    ExportNews {
        slug: n.slug.to_string(),
        title: n.title.clone(),
        url: n.permalink.clone(),
        date: n.date.iso.clone(),
        summary: n.summary.clone(),
        author: n.author.clone(),
        event: n.event.as_ref().map(|e| e.kind),
        stage: n.event.as_ref().and_then(|e| e.stage.clone()),
        dimensions: n.dimensions.iter().map(|d| d.slug.into()).collect(),
        programs: n.programs.iter().map(|p| p.slug.to_string()).collect(),
        tags: n.tags.iter().map(|t| t.slug.to_string()).collect(),
        cover: n.cover.as_ref().map(|c| c.permalink.clone()),
        cover_alt: n.cover.as_ref().map(|c| c.alt.clone()),
    }
}

/// `data.json` as pretty JSON.
pub fn data_json(export: &Export) -> String {
    // Sized for the usual length of a news entry.
    pretty_json(export, 16 * 1024 + export.news.len() * 600)
}

/// `value` as pretty JSON, written into a buffer of `capacity` bytes: a file of thousands of
/// items sized up front is not copied over and over as it grows.
pub fn pretty_json<T: Serialize>(value: &T, capacity: usize) -> String {
    let mut out = Vec::with_capacity(capacity);
    // Writing into memory fails only if serialization does, which it does not for the
    // exports (strings, numbers and lists).
    let _ = serde_json::to_writer_pretty(&mut out, value);
    String::from_utf8(out).unwrap_or_default()
}
