//! `data.json`: the machine-readable export a province portal aggregates a regency from.

use serde::Serialize;

use crate::config::RegencyKind;
use crate::content::kinds::{EventKind, Indicator, MasterplanStatus, ProgramStatus, Years};
use crate::site::Site;

/// The version of the export format.
pub const EXPORT_VERSION: u32 = 1;

/// The whole export.
#[derive(Serialize)]
pub struct Export<'a> {
    /// Format version.
    pub version: u32,
    /// Who wrote it.
    pub generator: &'static str,
    /// The regency.
    pub site: ExportSite<'a>,
    /// Every published news item, newest first.
    pub news: Vec<ExportNews<'a>>,
    /// The masterplan summary.
    pub masterplan: Option<ExportMasterplan<'a>>,
    /// Every program.
    pub programs: Vec<ExportProgram<'a>>,
}

/// The regency's identity.
#[derive(Serialize)]
pub struct ExportSite<'a> {
    /// Full name.
    pub name: &'a str,
    /// Kabupaten or kota.
    pub kind: RegencyKind,
    /// URL slug.
    pub slug: &'a str,
    /// Province.
    pub province: Option<&'a str>,
    /// Absolute home URL.
    pub base_url: &'a str,
    /// Language code.
    pub language: &'static str,
    /// Description.
    pub description: &'a str,
    /// Absolute logo URL.
    pub logo: Option<String>,
}

/// One news item in the export.
#[derive(Serialize)]
pub struct ExportNews<'a> {
    /// Slug.
    pub slug: &'a str,
    /// Headline.
    pub title: &'a str,
    /// Absolute URL.
    pub url: &'a str,
    /// RFC 3339 date.
    pub date: &'a str,
    /// Plain-text summary.
    pub summary: &'a str,
    /// Author.
    pub author: &'a str,
    /// Event kind.
    pub event: Option<EventKind>,
    /// Event stage.
    pub stage: Option<&'a str>,
    /// Dimension slugs.
    pub dimensions: Vec<&'a str>,
    /// Program slugs.
    pub programs: Vec<&'a str>,
    /// Tags.
    pub tags: Vec<&'a str>,
    /// Absolute cover URL.
    pub cover: Option<&'a str>,
    /// Cover alt text.
    pub cover_alt: Option<&'a str>,
}

/// The masterplan in the export.
#[derive(Serialize)]
pub struct ExportMasterplan<'a> {
    /// Title.
    pub title: &'a str,
    /// Absolute URL.
    pub url: &'a str,
    /// Period.
    pub period: Years,
    /// Status.
    pub status: MasterplanStatus,
    /// Regulation.
    pub regulation: Option<&'a str>,
    /// Vision.
    pub vision: &'a str,
    /// Missions.
    pub missions: &'a [String],
    /// Per dimension: slug, summary, goals.
    pub dimensions: Vec<ExportDimensionPlan<'a>>,
    /// Quick win program slugs.
    pub quick_wins: Vec<&'a str>,
}

/// One dimension of the masterplan.
#[derive(Serialize)]
pub struct ExportDimensionPlan<'a> {
    /// Dimension slug.
    pub dimension: &'a str,
    /// Summary.
    pub summary: &'a str,
    /// Goals.
    pub goals: &'a [String],
}

/// One program in the export.
#[derive(Serialize)]
pub struct ExportProgram<'a> {
    /// Slug.
    pub slug: &'a str,
    /// Name.
    pub title: &'a str,
    /// Absolute URL.
    pub url: &'a str,
    /// Dimension slug.
    pub dimension: &'a str,
    /// Agency.
    pub opd: &'a str,
    /// Status.
    pub status: ProgramStatus,
    /// Quick win.
    pub quick_win: bool,
    /// Years.
    pub years: &'a Years,
    /// Budget in rupiah.
    pub budget: Option<u64>,
    /// Indicators.
    pub indicators: &'a [Indicator],
    /// Summary.
    pub summary: &'a str,
}

/// Builds the export of `site`.
pub fn export(site: &Site) -> Export<'_> {
    let c = &site.config;
    let origin = site
        .urls
        .base_url
        .trim_end_matches(site.urls.base_path.as_str());
    Export {
        version: EXPORT_VERSION,
        generator: "cerdas",
        site: ExportSite {
            name: &c.name,
            kind: c.kind,
            slug: c.slug.as_str(),
            province: c.province.as_deref(),
            base_url: &site.urls.base_url,
            language: c.language.code(),
            description: &c.description,
            logo: site.logo_url.as_ref().map(|l| format!("{origin}{l}")),
        },
        news: site
            .news
            .iter()
            .map(|n| ExportNews {
                slug: n.slug.as_str(),
                title: &n.title,
                url: &n.permalink,
                date: &n.date.iso,
                summary: &n.summary,
                author: &n.author,
                event: n.event.as_ref().map(|e| e.kind),
                stage: n.event.as_ref().and_then(|e| e.stage.as_deref()),
                dimensions: n.dimensions.iter().map(|d| d.slug).collect(),
                programs: n.programs.iter().map(|p| p.slug.as_str()).collect(),
                tags: n.tags.iter().map(|t| t.slug.as_str()).collect(),
                cover: n.cover.as_ref().map(|c| c.permalink.as_str()),
                cover_alt: n.cover.as_ref().map(|c| c.alt.as_str()),
            })
            .collect(),
        masterplan: site.masterplan.as_ref().map(|m| ExportMasterplan {
            title: &m.title,
            url: &m.permalink,
            period: Years {
                start: m.period_start,
                end: Some(m.period_end),
            },
            status: m.status,
            regulation: m.regulation.as_deref(),
            vision: &m.vision,
            missions: &m.missions,
            dimensions: m
                .dimensions
                .iter()
                .map(|d| ExportDimensionPlan {
                    dimension: d.dimension.slug,
                    summary: &d.summary,
                    goals: &d.goals,
                })
                .collect(),
            quick_wins: m.quick_wins.iter().map(|p| p.slug.as_str()).collect(),
        }),
        programs: site
            .programs
            .iter()
            .map(|p| ExportProgram {
                slug: p.slug.as_str(),
                title: &p.title,
                url: &p.permalink,
                dimension: p.dimension.slug,
                opd: &p.opd,
                status: p.status,
                quick_win: p.quick_win,
                years: &p.years,
                budget: p.budget,
                indicators: &p.indicators,
                summary: &p.summary,
            })
            .collect(),
    }
}

/// `data.json` as pretty JSON.
pub fn data_json(site: &Site) -> String {
    serde_json::to_string_pretty(&export(site)).unwrap_or_default()
}
