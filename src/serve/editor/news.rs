//! The news form's values, made from the typed front matter (`BeritaMeta`) or from what the
//! browser sent, and turned back into the YAML lines of the keys the form owns.

use crate::content::kinds::{BeritaMeta, EventKind};
use crate::content::types::{Dimension, NewsDate, WIB};
use crate::scaffold::text::{one_line, yaml_quote};

use super::form::Form;

/// The event kinds, as written in front matter.
pub const EVENT_KINDS: [&str; 5] = ["bimtek", "sosialisasi", "rapat", "peluncuran", "lainnya"];

/// The keys of a news item's front matter the form owns; every other key is left as written.
pub const OWNED_KEYS: [&str; 13] = [
    "title",
    "date",
    "author",
    "editor",
    "location",
    "event",
    "dimensions",
    "programs",
    "tags",
    "cover",
    "cover_alt",
    "photos",
    "draft",
];

/// What the news form shows and sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewsValues {
    /// The headline.
    pub title: String,
    /// Date and time as a `datetime-local` input holds it: `2022-08-15T09:00`.
    pub date: String,
    /// The UTC offset the date is written in (WIB unless the file says otherwise), seconds.
    pub offset_seconds: i32,
    /// Who wrote it.
    pub author: String,
    /// Who edited it ("" for none).
    pub editor: String,
    /// Where ("" for none).
    pub location: String,
    /// The event kind ("" for none).
    pub event_kind: String,
    /// The event stage ("" for none).
    pub event_stage: String,
    /// Dimension slugs, in their fixed order.
    pub dimensions: Vec<String>,
    /// Program slugs, sorted.
    pub programs: Vec<String>,
    /// Tags as written.
    pub tags: Vec<String>,
    /// The cover file beside `index.md` ("" for none).
    pub cover: String,
    /// The cover's alt text.
    pub cover_alt: String,
    /// Gallery photos: file and caption.
    pub photos: Vec<(String, String)>,
    /// Whether it is a draft.
    pub draft: bool,
    /// The Markdown body, with `\n` line endings.
    pub body: String,
}

fn kind_name(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Bimtek => "bimtek",
        EventKind::Sosialisasi => "sosialisasi",
        EventKind::Rapat => "rapat",
        EventKind::Peluncuran => "peluncuran",
        EventKind::Lainnya => "lainnya",
    }
}

/// `2022-08-15T09:00` of a date.
pub fn date_input(date: &NewsDate) -> String {
    date.local.strftime("%Y-%m-%dT%H:%M").to_string()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    v
}

impl NewsValues {
    /// The values of an existing item.
    pub fn from_meta(meta: &BeritaMeta, body: String) -> NewsValues {
        NewsValues {
            title: meta.title.clone(),
            date: date_input(&meta.date),
            offset_seconds: meta.date.offset.seconds(),
            author: meta.author.clone(),
            editor: meta.editor.clone().unwrap_or_default(),
            location: meta.location.clone().unwrap_or_default(),
            event_kind: meta
                .event
                .as_ref()
                .map(|e| kind_name(e.kind).to_string())
                .unwrap_or_default(),
            event_stage: meta
                .event
                .as_ref()
                .and_then(|e| e.stage.clone())
                .unwrap_or_default(),
            dimensions: Dimension::ALL
                .iter()
                .filter(|d| meta.dimensions.contains(d))
                .map(|d| d.slug().to_string())
                .collect(),
            programs: sorted(
                meta.programs
                    .iter()
                    .map(|p| p.as_str().to_string())
                    .collect(),
            ),
            tags: meta.tags.iter().map(|t| t.name.clone()).collect(),
            cover: meta.cover.clone().unwrap_or_default(),
            cover_alt: meta.cover_alt.clone().unwrap_or_default(),
            photos: meta
                .photos
                .iter()
                .map(|p| (p.src.clone(), p.caption.clone()))
                .collect(),
            draft: meta.draft,
            body,
        }
    }

    /// The values the browser sent. `current` gives the cover and photos the item has now;
    /// new uploads are added by the caller.
    pub fn from_form(form: &Form, current: Option<&NewsValues>) -> NewsValues {
        let text = |name: &str| one_line(form.get(name));
        let mut photos = Vec::new();
        let mut cover = String::new();
        if let Some(cur) = current {
            for (i, (src, caption)) in cur.photos.iter().enumerate() {
                if form.get(&format!("foto_lama_hapus_{i}")).is_empty() {
                    let sent = form.get(&format!("foto_lama_keterangan_{i}"));
                    let caption = if form
                        .fields
                        .iter()
                        .any(|(n, _)| *n == format!("foto_lama_keterangan_{i}"))
                    {
                        one_line(sent)
                    } else {
                        caption.clone()
                    };
                    photos.push((src.clone(), caption));
                }
            }
            if form.get("sampul_hapus").is_empty() {
                cover = cur.cover.clone();
            }
        }
        NewsValues {
            title: text("title"),
            date: form.get("date").trim().to_string(),
            offset_seconds: current.map_or(WIB.seconds(), |c| c.offset_seconds),
            author: text("author"),
            editor: text("editor"),
            location: text("location"),
            event_kind: Some(text("event_kind"))
                .filter(|k| EVENT_KINDS.contains(&k.as_str()))
                .unwrap_or_default(),
            event_stage: text("event_stage"),
            dimensions: Dimension::ALL
                .iter()
                .map(|d| d.slug().to_string())
                .filter(|d| form.all("dimensions").contains(&d.as_str()))
                .collect(),
            programs: sorted(form.all("programs").iter().map(|p| one_line(p)).collect()),
            tags: form
                .get("tags")
                .split(',')
                .map(one_line)
                .filter(|t| !t.is_empty())
                .collect(),
            cover,
            cover_alt: text("cover_alt"),
            photos,
            draft: !form.get("draft").is_empty(),
            body: form.get("body").replace("\r\n", "\n"),
        }
    }

    /// The date as written in front matter, or `None` when the input is not a date and time.
    pub fn date_yaml(&self) -> Option<String> {
        let local: jiff::civil::DateTime = self.date.parse().ok()?;
        let offset = jiff::tz::Offset::from_seconds(self.offset_seconds).unwrap_or(WIB);
        Some(NewsDate { local, offset }.rfc3339())
    }

    /// The lines of front-matter `key` for these values; `None` removes the key.
    pub fn block(&self, key: &str) -> Option<String> {
        let quoted_opt =
            |k: &str, v: &str| (!v.is_empty()).then(|| format!("{k}: {}", yaml_quote(v)));
        let list = |k: &str, items: &[String], quote: bool| {
            (!items.is_empty()).then(|| {
                let shown: Vec<String> = items
                    .iter()
                    .map(|i| if quote { yaml_quote(i) } else { i.clone() })
                    .collect();
                format!("{k}: [{}]", shown.join(", "))
            })
        };
        match key {
            "title" => Some(format!("title: {}", yaml_quote(&self.title))),
            "date" => Some(format!(
                "date: {}",
                self.date_yaml().unwrap_or_else(|| yaml_quote(&self.date))
            )),
            "author" => Some(format!("author: {}", yaml_quote(&self.author))),
            "editor" => quoted_opt("editor", &self.editor),
            "location" => quoted_opt("location", &self.location),
            "event" => (!self.event_kind.is_empty()).then(|| match self.event_stage.as_str() {
                "" => format!("event: {{ kind: {} }}", self.event_kind),
                stage => format!(
                    "event: {{ kind: {}, stage: {} }}",
                    self.event_kind,
                    yaml_quote(stage)
                ),
            }),
            "dimensions" => list("dimensions", &self.dimensions, false),
            "programs" => list("programs", &self.programs, true),
            "tags" => list("tags", &self.tags, true),
            "cover" => quoted_opt("cover", &self.cover),
            "cover_alt" => quoted_opt("cover_alt", &self.cover_alt),
            "photos" => (!self.photos.is_empty()).then(|| {
                let mut lines = vec!["photos:".to_string()];
                for (src, caption) in &self.photos {
                    lines.push(format!("  - src: {}", yaml_quote(src)));
                    lines.push(format!("    caption: {}", yaml_quote(caption)));
                }
                lines.join("\n")
            }),
            "draft" => self.draft.then(|| "draft: true".to_string()),
            _ => None,
        }
    }

    /// Whether `key` holds the same value in `self` and `other`.
    pub fn same(&self, other: &NewsValues, key: &str) -> bool {
        let tidy = |v: &[String]| -> Vec<String> { v.iter().map(|t| one_line(t)).collect() };
        match key {
            "title" => self.title == other.title,
            "date" => self.date == other.date,
            "author" => self.author == other.author,
            "editor" => self.editor == other.editor,
            "location" => self.location == other.location,
            "event" => {
                (&self.event_kind, &self.event_stage) == (&other.event_kind, &other.event_stage)
            }
            "dimensions" => self.dimensions == other.dimensions,
            "programs" => self.programs == other.programs,
            "tags" => tidy(&self.tags) == tidy(&other.tags),
            "cover" => self.cover == other.cover,
            "cover_alt" => self.cover_alt == other.cover_alt,
            "photos" => self.photos == other.photos,
            "draft" => self.draft == other.draft,
            _ => true,
        }
    }
}
