//! The front matter of each kind of content, as typed structs checked when the file is read.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::content::types::{Dimension, Label, NewsDate, Shown, Slug};

/// Free data a template may use, allowed under `extra:` only.
pub type Extra = serde_json::Map<String, serde_json::Value>;

/// The kind of event a news item reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    /// Bimbingan teknis (technical guidance).
    Bimtek,
    /// Sosialisasi (outreach).
    Sosialisasi,
    /// Rapat (meeting).
    Rapat,
    /// Peluncuran (launch).
    Peluncuran,
    /// Anything else.
    Lainnya,
}

/// The event a news item is about.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// What kind of event it was.
    pub kind: EventKind,
    /// The stage, e.g. "Tahap II".
    #[serde(default)]
    pub stage: Option<String>,
}

/// A photo shown in a news item's gallery.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Photo {
    /// The image file, beside the news item's `index.md`.
    pub src: String,
    /// What the photo shows; also its alt text.
    pub caption: String,
}

/// The front matter of a news item (`berita/`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BeritaMeta {
    /// The headline.
    pub title: String,
    /// When it was published.
    pub date: NewsDate,
    /// A one-sentence summary; the first paragraph when absent.
    #[serde(default)]
    pub summary: Option<String>,
    /// Who wrote it.
    pub author: String,
    /// Who edited it.
    #[serde(default)]
    pub editor: Option<String>,
    /// Where the news came from.
    #[serde(default)]
    pub source: Option<String>,
    /// Where the event took place.
    #[serde(default)]
    pub location: Option<String>,
    /// The event it reports.
    #[serde(default)]
    pub event: Option<Event>,
    /// The smart city dimensions it concerns.
    #[serde(default)]
    pub dimensions: Vec<Dimension>,
    /// Slugs of the program pages it concerns.
    #[serde(default)]
    pub programs: Vec<Slug>,
    /// Free tags, as words people write ("Smart City"); their pages use the slug.
    #[serde(default)]
    pub tags: Vec<Label>,
    /// The main photo, beside `index.md`.
    #[serde(default)]
    pub cover: Option<String>,
    /// What the main photo shows, for readers who cannot see it.
    #[serde(default)]
    pub cover_alt: Option<String>,
    /// More photos.
    #[serde(default)]
    pub photos: Vec<Photo>,
    /// A draft is not published.
    #[serde(default)]
    pub draft: bool,
    /// Free data for custom templates.
    #[serde(default)]
    pub extra: Extra,
}

/// The status of a program.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProgramStatus {
    /// Planned.
    Rencana,
    /// Under way.
    Berjalan,
    /// Done.
    Selesai,
}

/// A span of years; the end may be open.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Years {
    /// The first year.
    pub start: u16,
    /// The last year, if known.
    #[serde(default)]
    pub end: Option<u16>,
}

/// A measurable target of a program.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// What is measured.
    pub name: String,
    /// The target value.
    pub target: Shown,
    /// What has been achieved so far.
    #[serde(default)]
    pub achieved: Option<Shown>,
}

/// The front matter of a program or quick win (`program/`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgramMeta {
    /// The program's name.
    pub title: String,
    /// The dimension it belongs to.
    pub dimension: Dimension,
    /// The agency (OPD) that runs it.
    pub opd: String,
    /// Where it stands.
    pub status: ProgramStatus,
    /// Whether it is a quick win of the masterplan.
    #[serde(default)]
    pub quick_win: bool,
    /// When it runs.
    pub years: Years,
    /// Its budget in rupiah.
    #[serde(default)]
    pub budget: Option<u64>,
    /// Its measurable targets.
    #[serde(default)]
    pub indicators: Vec<Indicator>,
    /// One sentence about it.
    pub summary: String,
    /// Free data for custom templates.
    #[serde(default)]
    pub extra: Extra,
}

/// The status of a masterplan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MasterplanStatus {
    /// Being drafted.
    Penyusunan,
    /// Adopted.
    Ditetapkan,
    /// Under evaluation.
    Evaluasi,
}

/// The period a masterplan covers.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    /// The first year.
    pub start: u16,
    /// The last year.
    pub end: u16,
}

/// What the masterplan says about one dimension.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DimensionPlan {
    /// A short summary.
    pub summary: String,
    /// The goals.
    #[serde(default)]
    pub goals: Vec<String>,
}

/// A downloadable document of the masterplan.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// The document's title.
    pub title: String,
    /// The file, beside `masterplan/index.md`.
    pub file: String,
}

/// The front matter of the masterplan summary (`masterplan/index.md`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MasterplanMeta {
    /// The title.
    pub title: String,
    /// The years it covers.
    pub period: Period,
    /// The regulation that adopted it, e.g. "Peraturan Bupati No. 12 Tahun 2020".
    #[serde(default)]
    pub regulation: Option<String>,
    /// The vision.
    pub vision: String,
    /// The missions.
    #[serde(default)]
    pub missions: Vec<String>,
    /// The plan for each dimension.
    #[serde(default)]
    pub dimensions: BTreeMap<Dimension, DimensionPlan>,
    /// Slugs of the programs that are quick wins.
    #[serde(default)]
    pub quick_wins: Vec<Slug>,
    /// Downloadable documents.
    #[serde(default)]
    pub documents: Vec<Document>,
    /// Where the masterplan stands.
    pub status: MasterplanStatus,
    /// Free data for custom templates.
    #[serde(default)]
    pub extra: Extra,
}

/// The front matter of a plain page (`halaman/`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HalamanMeta {
    /// The title.
    pub title: String,
    /// A one-sentence summary.
    #[serde(default)]
    pub summary: Option<String>,
    /// The weight of its entry in the main menu; not in the menu when absent.
    #[serde(default)]
    pub menu: Option<i32>,
    /// Free data for custom templates.
    #[serde(default)]
    pub extra: Extra,
}
