//! The page model of one regency as themes see it: each page kind with its URL, dates and
//! links resolved, ready to serialize. Takes `content`'s typed values; gives plain views.

use std::path::PathBuf;

use serde::Serialize;

use crate::config::BaseUrl;
use crate::content::kinds::{EventKind, Extra, Indicator, MasterplanStatus, ProgramStatus, Years};
use crate::content::types::{NewsDate, Slug};
use crate::error::Lang;
use crate::text::dates::{long_date, short_date};
use crate::text::packed::Html;

use super::images::{ImageView, ResizedImage};

/// Where pages are published: the path prefix of every URL and the absolute origin.
#[derive(Clone, Debug, Serialize)]
pub struct Urls {
    /// The prefix of every root-relative URL, without a trailing slash (`/agam`, or empty).
    pub base_path: String,
    /// The absolute address of the site's home, without a trailing slash.
    pub base_url: String,
}

impl Urls {
    /// URLs for a site published at `base_url`, optionally nested under `prefix` (a regency
    /// inside a province portal).
    pub fn new(base_url: &BaseUrl, prefix: &str) -> Urls {
        Urls {
            base_path: format!("{}{prefix}", base_url.path()),
            base_url: format!("{}{prefix}", base_url.as_str()),
        }
    }

    /// The root-relative URL of a site path such as `berita/bimtek/` (no leading slash).
    pub fn path(&self, site_path: &str) -> String {
        format!("{}/{site_path}", self.base_path)
    }

    /// The absolute URL of a site path.
    pub fn permalink(&self, site_path: &str) -> String {
        format!("{}/{site_path}", self.base_url)
    }
}

/// A date ready to show and to put in `datetime` attributes.
#[derive(Clone, Debug, Serialize)]
pub struct DateView {
    /// RFC 3339: `2022-08-15T09:00:00+07:00`.
    pub iso: String,
    /// `2022-08-15`.
    pub ymd: String,
    /// "Senin, 15 Agustus 2022".
    pub long: String,
    /// "15 Agustus 2022".
    pub short: String,
    /// The year.
    pub year: i16,
    /// Seconds since 1970 UTC, for sorting (RFC 3339 strings with different offsets do not
    /// sort by instant).
    #[serde(skip)]
    pub timestamp: i64,
}

impl DateView {
    /// A date as pages show it, in `lang`.
    pub fn new(date: &NewsDate, lang: Lang) -> DateView {
        DateView {
            iso: date.rfc3339(),
            ymd: date.ymd(),
            long: long_date(date.local, lang),
            short: short_date(date.local, lang),
            year: date.local.year(),
            timestamp: date.timestamp().as_second(),
        }
    }
}

/// A link to a dimension page.
#[derive(Clone, Debug, Serialize)]
pub struct DimensionRef {
    /// The slug, e.g. `smart-governance`.
    pub slug: &'static str,
    /// The display name, e.g. "Smart Governance".
    pub title: &'static str,
    /// Its page.
    pub url: String,
}

/// A link to a tag page.
#[derive(Clone, Debug, Serialize)]
pub struct TagRef {
    /// The tag's URL form (`smart-city`).
    pub slug: Slug,
    /// The tag as shown: the form the site's news use most ("Smart City").
    pub name: String,
    /// Its page.
    pub url: String,
}

/// A short reference to a program, for lists on other pages.
#[derive(Clone, Debug, Serialize)]
pub struct ProgramRef {
    /// The slug.
    pub slug: Slug,
    /// The name.
    pub title: String,
    /// Its page.
    pub url: String,
    /// Where it stands.
    pub status: ProgramStatus,
    /// Whether it is a quick win.
    pub quick_win: bool,
}

/// A short reference to a news item, for related news and program pages.
#[derive(Clone, Debug, Serialize)]
pub struct NewsRef {
    /// The headline.
    pub title: String,
    /// Its page.
    pub url: String,
    /// When it was published.
    pub date: DateView,
}

/// The event a news item reports.
#[derive(Clone, Debug, Serialize)]
pub struct EventView {
    /// `bimtek`, `sosialisasi`, ...
    pub kind: EventKind,
    /// The stage, e.g. "Tahap II".
    pub stage: Option<String>,
}

/// One published news item.
#[derive(Clone, Debug, Serialize)]
pub struct NewsPage {
    /// The slug.
    pub slug: Slug,
    /// Root-relative URL.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// The headline.
    pub title: String,
    /// Publication date.
    pub date: DateView,
    /// The summary as plain text.
    pub summary: String,
    /// The summary as HTML (the written summary, escaped, or the first paragraph).
    pub summary_html: String,
    /// The body as HTML.
    pub content: Html,
    /// Who wrote it.
    pub author: String,
    /// Who edited it.
    pub editor: Option<String>,
    /// Where it came from.
    pub source: Option<String>,
    /// Where the event took place.
    pub location: Option<String>,
    /// The event.
    pub event: Option<EventView>,
    /// Dimensions it concerns.
    pub dimensions: Vec<DimensionRef>,
    /// Programs it concerns.
    pub programs: Vec<ProgramRef>,
    /// Its tags.
    pub tags: Vec<TagRef>,
    /// The main photo.
    pub cover: Option<ImageView>,
    /// The cover cut to 1200 x 630, shown when the page is shared (OpenGraph).
    pub og_image: Option<ResizedImage>,
    /// More photos.
    pub photos: Vec<ImageView>,
    /// Up to three related news items.
    pub related: Vec<NewsRef>,
    /// Free data.
    pub extra: Extra,
}

/// A measurable target of a program, ready to show.
pub type IndicatorView = Indicator;

/// One program or quick win.
#[derive(Clone, Debug, Serialize)]
pub struct ProgramPage {
    /// The slug.
    pub slug: Slug,
    /// Root-relative URL.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// The name.
    pub title: String,
    /// Its dimension.
    pub dimension: DimensionRef,
    /// The agency running it.
    pub opd: String,
    /// Where it stands.
    pub status: ProgramStatus,
    /// Whether it is a quick win.
    pub quick_win: bool,
    /// When it runs.
    pub years: Years,
    /// Budget in rupiah, as a number.
    pub budget: Option<u64>,
    /// Budget as "Rp350.000.000".
    pub budget_display: Option<String>,
    /// Measurable targets.
    pub indicators: Vec<IndicatorView>,
    /// One sentence about it.
    pub summary: String,
    /// The body as HTML.
    pub content: Html,
    /// News that mention it, newest first.
    pub news: Vec<NewsRef>,
    /// Free data.
    pub extra: Extra,
}

/// The masterplan's plan for one dimension.
#[derive(Clone, Debug, Serialize)]
pub struct DimensionPlanView {
    /// The dimension.
    pub dimension: DimensionRef,
    /// A short summary.
    pub summary: String,
    /// The goals.
    pub goals: Vec<String>,
    /// The programs in this dimension.
    pub programs: Vec<ProgramRef>,
}

/// A downloadable document.
#[derive(Clone, Debug, Serialize)]
pub struct DocumentView {
    /// Its title.
    pub title: String,
    /// Root-relative URL of the file.
    pub url: String,
}

/// The masterplan summary.
#[derive(Clone, Debug, Serialize)]
pub struct MasterplanPage {
    /// Root-relative URL.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// The title.
    pub title: String,
    /// First year.
    pub period_start: u16,
    /// Last year.
    pub period_end: u16,
    /// The regulation that adopted it.
    pub regulation: Option<String>,
    /// The vision.
    pub vision: String,
    /// The missions.
    pub missions: Vec<String>,
    /// Each dimension's plan, in the standard order.
    pub dimensions: Vec<DimensionPlanView>,
    /// The quick wins.
    pub quick_wins: Vec<ProgramRef>,
    /// Downloadable documents.
    pub documents: Vec<DocumentView>,
    /// Where it stands.
    pub status: MasterplanStatus,
    /// The body as HTML.
    pub content: Html,
    /// Free data.
    pub extra: Extra,
}

/// A plain page.
#[derive(Clone, Debug, Serialize)]
pub struct HalamanPage {
    /// The slug.
    pub slug: Slug,
    /// Root-relative URL.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// The title.
    pub title: String,
    /// A one-sentence summary.
    pub summary: String,
    /// The body as HTML.
    pub content: Html,
    /// Menu weight, if it is in the main menu.
    pub menu: Option<i32>,
    /// Free data.
    pub extra: Extra,
}

/// A term of a taxonomy (a dimension or a tag) with the news filed under it.
#[derive(Clone, Debug, Serialize)]
pub struct Term {
    /// The slug.
    pub slug: String,
    /// The display name.
    pub title: String,
    /// Its page.
    pub url: String,
    /// Indexes into [`Site::news`](super::Site::news), newest first.
    pub news: Vec<usize>,
}

/// A file copied into the output as it is.
#[derive(Clone, Debug)]
pub struct CopiedFile {
    /// The absolute source path.
    pub from: PathBuf,
    /// The path inside the output folder.
    pub to: PathBuf,
}

/// An entry of the main menu.
#[derive(Clone, Debug, Serialize)]
pub struct MenuEntry {
    /// The link text.
    pub title: String,
    /// Where it goes.
    pub url: String,
    /// A key of the theme strings to use instead of `title`, for built-in entries.
    pub key: Option<&'static str>,
}

impl MenuEntry {
    /// A built-in entry: its text is the theme string `key`.
    pub fn builtin(key: &'static str, url: String) -> MenuEntry {
        MenuEntry {
            title: String::new(),
            url,
            key: Some(key),
        }
    }
}
