//! Small validated value types used by every kind of content: they check themselves while the
//! YAML is read, so a bad value is reported at its own line and column.

use std::fmt;

use jiff::civil::{Date, DateTime};
use jiff::tz::Offset;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

use crate::error::{Text, nearest};

/// Separates the parts of a message carried through serde's string-only custom errors.
const PART: char = '\u{1f}';
/// Marks the start of such an encoded message.
const START: char = '\u{1e}';

/// Encodes a message and a hint so that [`decode_message`] can recover them after serde_norway
/// has wrapped them in its own error.
pub fn encode_message(value: &str, message: &Text, hint: &Text) -> String {
    format!(
        "{START}{}{PART}{}{PART}{}{PART}{}{PART}{value}",
        message.id, message.en, hint.id, hint.en
    )
}

/// A message decoded by [`decode_message`].
pub struct Decoded<'a> {
    /// Whatever serde put before the message: the field path.
    pub prefix: &'a str,
    /// What is wrong.
    pub message: Text,
    /// How to fix it.
    pub hint: Text,
    /// The offending value as written, to find its exact place in the file.
    pub value: String,
}

/// Recovers a message encoded by [`encode_message`] from serde's error text.
pub fn decode_message(text: &str) -> Option<Decoded<'_>> {
    let (prefix, rest) = text.split_once(START)?;
    let mut parts = rest.split(PART);
    let mut next = || parts.next().unwrap_or_default().to_string();
    let message = Text::new(next(), next());
    let hint = Text::new(next(), next());
    Some(Decoded {
        prefix,
        message,
        hint,
        value: next(),
    })
}

fn custom<E: de::Error>(value: &str, (message, hint): (Text, Text)) -> E {
    E::custom(encode_message(value, &message, &hint))
}

/// One of the six dimensions of Gerakan Menuju 100 Smart City.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Dimension {
    /// Tata kelola pemerintahan.
    SmartGovernance,
    /// Branding daerah.
    SmartBranding,
    /// Ekonomi.
    SmartEconomy,
    /// Kualitas hidup.
    SmartLiving,
    /// Masyarakat.
    SmartSociety,
    /// Lingkungan.
    SmartEnvironment,
}

impl Dimension {
    /// All six, in the order of the Gerakan Menuju 100 Smart City guide.
    pub const ALL: [Dimension; 6] = [
        Dimension::SmartGovernance,
        Dimension::SmartBranding,
        Dimension::SmartEconomy,
        Dimension::SmartLiving,
        Dimension::SmartSociety,
        Dimension::SmartEnvironment,
    ];

    /// The slug used in content and URLs.
    pub fn slug(self) -> &'static str {
        match self {
            Dimension::SmartGovernance => "smart-governance",
            Dimension::SmartBranding => "smart-branding",
            Dimension::SmartEconomy => "smart-economy",
            Dimension::SmartLiving => "smart-living",
            Dimension::SmartSociety => "smart-society",
            Dimension::SmartEnvironment => "smart-environment",
        }
    }

    /// The display name.
    pub fn title(self) -> &'static str {
        match self {
            Dimension::SmartGovernance => "Smart Governance",
            Dimension::SmartBranding => "Smart Branding",
            Dimension::SmartEconomy => "Smart Economy",
            Dimension::SmartLiving => "Smart Living",
            Dimension::SmartSociety => "Smart Society",
            Dimension::SmartEnvironment => "Smart Environment",
        }
    }

    /// Where the dimension with `slug` stands in [`Dimension::ALL`].
    pub fn position_of(slug: &str) -> Option<usize> {
        Dimension::ALL.iter().position(|d| d.slug() == slug)
    }

    /// Parses a slug.
    pub fn from_slug(slug: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.slug() == slug)
    }

    /// The error for an unknown slug, suggesting the nearest valid one.
    pub fn unknown(word: &str) -> (Text, Text) {
        let message = Text::new(
            format!("dimensi tidak dikenal: `{word}`"),
            format!("unknown dimension: `{word}`"),
        );
        let all = Dimension::ALL.map(Dimension::slug).join(", ");
        let hint = match nearest(word, Dimension::ALL.map(Dimension::slug)) {
            Some(near) => Text::new(
                format!("mungkin maksud Anda `{near}`? Dimensi yang ada: {all}"),
                format!("did you mean `{near}`? The dimensions are: {all}"),
            ),
            None => Text::new(
                format!("gunakan salah satu dari: {all}"),
                format!("use one of: {all}"),
            ),
        };
        (message, hint)
    }
}

impl<'de> Deserialize<'de> for Dimension {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let word = String::deserialize(deserializer)?;
        Dimension::from_slug(&word).ok_or_else(|| custom(&word, Dimension::unknown(&word)))
    }
}

/// A URL-safe name: lowercase letters, digits and single hyphens.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Slug(String);

impl Slug {
    /// Checks `text` and wraps it, or says why it is not a slug.
    pub fn parse(text: &str) -> Result<Slug, (Text, Text)> {
        let valid = !text.is_empty()
            && text
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !text.starts_with('-')
            && !text.ends_with('-')
            && !text.contains("--");
        if valid {
            return Ok(Slug(text.to_string()));
        }
        let suggestion = slugify(text);
        Err((
            Text::new(
                format!("`{text}` bukan slug yang valid"),
                format!("`{text}` is not a valid slug"),
            ),
            Text::new(
                format!("pakai huruf kecil, angka dan tanda hubung saja, misalnya `{suggestion}`"),
                format!("use lowercase letters, digits and hyphens only, e.g. `{suggestion}`"),
            ),
        ))
    }

    /// The slug as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Slug {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Slug::parse(&text).map_err(|e| custom(&text, e))
    }
}

/// A free word as people write it (a tag: "Smart City", "UMKM", "Bimtek"), with the slug its
/// page takes. Spaces are trimmed and runs of spaces made one; labels that differ only in case
/// or spacing have the same slug and are one label.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Label {
    /// The word as written, spaces tidied.
    pub name: String,
    /// Its URL form: `smart-city`.
    pub slug: Slug,
}

impl Label {
    /// Tidies `text` and makes its slug, or says why it cannot name a page.
    pub fn parse(text: &str) -> Result<Label, (Text, Text)> {
        let name = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let slug = slugify(&name);
        if slug.is_empty() {
            return Err((
                Text::new(
                    format!("label `{text}` tidak memuat huruf atau angka"),
                    format!("the label `{text}` has no letters or digits"),
                ),
                Text::new(
                    "tulis label dengan huruf atau angka, misalnya `Smart City` atau `UMKM`",
                    "write the label with letters or digits, e.g. `Smart City` or `UMKM`",
                ),
            ));
        }
        if name.chars().count() > 60 {
            return Err((
                Text::new(
                    format!("label `{name}` terlalu panjang (lebih dari 60 huruf)"),
                    format!("the label `{name}` is too long (more than 60 characters)"),
                ),
                Text::new(
                    "label adalah satu-dua kata; kalimat panjang tulis di `summary`",
                    "a label is a word or two; write longer text in `summary`",
                ),
            ));
        }
        Ok(Label {
            name,
            slug: Slug(slug),
        })
    }
}

impl<'de> Deserialize<'de> for Label {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Word;
        impl de::Visitor<'_> for Word {
            type Value = String;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a word")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
                Ok(v.to_string())
            }
        }
        let text = deserializer.deserialize_any(Word)?;
        Label::parse(&text).map_err(|e| custom(&text, e))
    }
}

/// Site paths the generator itself writes at the top of a regency (`/berita/`, `/tag/`, ...);
/// a plain page (`halaman/`) may not take them as its slug.
pub const RESERVED_SLUGS: [&str; 10] = [
    "berita",
    "program",
    "masterplan",
    "dimensi",
    "tag",
    "page",
    "static",
    "kabupaten-kota",
    "cari",
    "pagefind",
];

/// Top-level site paths the preview server answers itself (the editor under `/_cerdas/`, live
/// reload under `/__cerdas/`): nothing of a site may be published there.
pub const TOOL_PATHS: [&str; 2] = ["_cerdas", "__cerdas"];

/// Turns any text into a slug: lowercase ASCII, runs of other characters become one hyphen.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = fold_accent(c);
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'À' | 'Á' | 'Â' | 'Ä' => 'a',
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'Í' => 'i',
        'ò' | 'ó' | 'ô' | 'ö' | 'Ó' | 'Ö' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'Ú' | 'Ü' => 'u',
        other => other,
    }
}

/// The Western Indonesia Time offset (WIB, Asia/Jakarta), the default for dates without one.
pub const WIB: Offset = Offset::constant(7);

/// A publication date and time with its UTC offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NewsDate {
    /// The local date and time as written.
    pub local: DateTime,
    /// The offset from UTC it was written in (WIB when none was given).
    pub offset: Offset,
}

impl NewsDate {
    /// Parses `YYYY-MM-DD`, optionally followed by `THH:MM[:SS]` (or a space instead of `T`)
    /// and an offset (`+07:00`, `Z`).
    pub fn parse(text: &str) -> Result<NewsDate, (Text, Text)> {
        let bad = |why_id: String, why_en: String| {
            let hint = match guess_iso_date(text) {
                Some(iso) => Text::new(
                    format!("tulis tanggal sebagai YYYY-MM-DD (tahun-bulan-tanggal): {iso}"),
                    format!("write the date as YYYY-MM-DD (year-month-day): {iso}"),
                ),
                None => Text::new(
                    "tulis tanggal sebagai YYYY-MM-DD, misalnya 2022-08-15, atau dengan jam: 2022-08-15T09:00:00+07:00",
                    "write the date as YYYY-MM-DD, e.g. 2022-08-15, or with a time: 2022-08-15T09:00:00+07:00",
                ),
            };
            (
                Text::new(
                    format!("tanggal tidak valid: {text}{why_id}"),
                    format!("invalid date: {text}{why_en}"),
                ),
                hint,
            )
        };
        let text = text.trim();
        let (date_part, time_part) = match text.find(['T', ' ']) {
            Some(i) => (&text[..i], Some(&text[i + 1..])),
            None => (text, None),
        };
        let date = parse_civil_date(date_part).map_err(|(id, en)| bad(id, en))?;
        let (time, offset) = match time_part {
            None => (jiff::civil::Time::midnight(), WIB),
            Some(t) => parse_time_and_offset(t).ok_or_else(|| bad(String::new(), String::new()))?,
        };
        Ok(NewsDate {
            local: date.to_datetime(time),
            offset,
        })
    }

    /// The instant, for sorting.
    pub fn timestamp(&self) -> jiff::Timestamp {
        self.offset
            .to_timestamp(self.local)
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
    }

    /// RFC 3339, as feeds and `<time datetime>` want it: `2022-08-15T09:00:00+07:00`.
    pub fn rfc3339(&self) -> String {
        let secs = self.offset.seconds();
        let sign = if secs < 0 { '-' } else { '+' };
        let abs = secs.unsigned_abs();
        format!(
            "{}{sign}{:02}:{:02}",
            self.local.strftime("%Y-%m-%dT%H:%M:%S"),
            abs / 3600,
            (abs % 3600) / 60
        )
    }

    /// The calendar date: `2022-08-15`.
    pub fn ymd(&self) -> String {
        self.local.date().strftime("%Y-%m-%d").to_string()
    }
}

/// Month names people write in dates, by month: Indonesian and English, with the
/// abbreviations that are not simply their first letters (`Agt`, `Ags`, `Peb`).
const MONTH_NAMES: [&[&str]; 12] = [
    &["januari", "january"],
    &["februari", "february", "pebruari"],
    &["maret", "march"],
    &["april"],
    &["mei", "may"],
    &["juni", "june"],
    &["juli", "july"],
    &["agustus", "august", "agt", "ags"],
    &["september"],
    &["oktober", "october"],
    &["november", "nopember"],
    &["desember", "december"],
];

/// The month (1 to 12) a word names: a month name or its first three letters or more.
fn month_number(word: &str) -> Option<i8> {
    let word = word.trim_end_matches('.').to_lowercase();
    if word.chars().count() < 3 {
        return None;
    }
    let number = MONTH_NAMES
        .iter()
        .position(|names| names.iter().any(|n| n.starts_with(&word)))?;
    i8::try_from(number + 1).ok()
}

/// The ISO form (`2022-08-15`) of a date written another way: `15/08/2022`, `15-08-2022`,
/// `2022/08/15`, `15 Agustus 2022`, `Senin, 15 Agu 2022`, `August 15, 2022`. Day before
/// month, as Indonesians write it, unless only the other order makes a date.
pub fn guess_iso_date(text: &str) -> Option<String> {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || matches!(c, '/' | '-' | '.' | ','))
        .filter(|w| !w.is_empty())
        .collect();
    let numbers: Vec<(i32, usize)> = words
        .iter()
        .filter_map(|w| Some((w.parse::<i32>().ok()?, w.len())))
        .collect();
    let months: Vec<i8> = words.iter().filter_map(|w| month_number(w)).collect();
    let (y, m, d) = match (months.as_slice(), numbers.as_slice()) {
        (&[m], &[a, b]) => {
            let (year, day) = if a.1 == 4 || a.0 > 31 { (a, b) } else { (b, a) };
            (year.0, i32::from(m), day.0)
        }
        (&[], &[a, b, c]) if a.1 == 4 => (a.0, b.0, c.0),
        (&[], &[a, b, c]) if b.0 > 12 && a.0 <= 12 => (c.0, a.0, b.0),
        (&[], &[a, b, c]) => (c.0, b.0, a.0),
        _ => return None,
    };
    let y = if (0..100).contains(&y) { 2000 + y } else { y };
    let date = Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()?;
    Some(date.strftime("%Y-%m-%d").to_string())
}

fn parse_civil_date(text: &str) -> Result<Date, (String, String)> {
    let mut parts = text.splitn(3, '-');
    let nums: Vec<Option<i64>> = (0..3)
        .map(|_| parts.next().and_then(|p| p.parse::<i64>().ok()))
        .collect();
    let (Some(y), Some(m), Some(d)) = (nums[0], nums[1], nums[2]) else {
        return Err((String::new(), String::new()));
    };
    if text.len() != 10 || !(1..=9999).contains(&y) {
        return Err((String::new(), String::new()));
    }
    if !(1..=12).contains(&m) {
        return Err((
            format!(" (bulan {m} tidak ada; bulan ditulis 01 sampai 12)"),
            format!(" (there is no month {m}; months are 01 to 12)"),
        ));
    }
    let first = Date::new(y as i16, m as i8, 1).map_err(|_| (String::new(), String::new()))?;
    let days = i64::from(first.days_in_month());
    if !(1..=days).contains(&d) {
        let month = crate::text::dates::MONTHS_ID[(m - 1) as usize];
        let month_en = crate::text::dates::MONTHS_EN[(m - 1) as usize];
        return Err((
            format!(" ({month} {y} hanya {days} hari)"),
            format!(" ({month_en} {y} has only {days} days)"),
        ));
    }
    Date::new(y as i16, m as i8, d as i8).map_err(|_| (String::new(), String::new()))
}

fn parse_time_and_offset(text: &str) -> Option<(jiff::civil::Time, Offset)> {
    let (time_text, offset) = if let Some(t) = text.strip_suffix('Z') {
        (t, Offset::UTC)
    } else if let Some(i) = text.rfind(['+', '-']) {
        (&text[..i], parse_offset(&text[i..])?)
    } else {
        (text, WIB)
    };
    let mut nums = time_text.split(':').map(|p| p.parse::<i8>().ok());
    let h = nums.next()??;
    let m = nums.next()??;
    let s = nums.next().unwrap_or(Some(0))?;
    if nums.next().is_some() {
        return None;
    }
    Some((jiff::civil::Time::new(h, m, s, 0).ok()?, offset))
}

fn parse_offset(text: &str) -> Option<Offset> {
    let sign: i32 = if text.starts_with('-') { -1 } else { 1 };
    let (h, m) = text[1..].split_once(':').unwrap_or((&text[1..], "0"));
    let secs = sign * (h.parse::<i32>().ok()? * 3600 + m.parse::<i32>().ok()? * 60);
    Offset::from_seconds(secs).ok()
}

impl<'de> Deserialize<'de> for NewsDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        NewsDate::parse(&text).map_err(|e| custom(&text, e))
    }
}

/// A scalar shown as written: `target: 100` and `target: "45 OPD"` are both fine.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Shown(pub String);

impl<'de> Deserialize<'de> for Shown {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ShownVisitor;
        impl Visitor<'_> for ShownVisitor {
            type Value = Shown;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or text")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Shown, E> {
                Ok(Shown(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Shown, E> {
                Ok(Shown(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Shown, E> {
                Ok(Shown(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Shown, E> {
                Ok(Shown(v.to_string()))
            }
        }
        deserializer.deserialize_any(ShownVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_with_default_wib_offset() {
        let d = NewsDate::parse("2022-08-15").unwrap();
        assert_eq!(d.rfc3339(), "2022-08-15T00:00:00+07:00");
        let d = NewsDate::parse("2019-07-10T08:30:00+07:00").unwrap();
        assert_eq!(d.rfc3339(), "2019-07-10T08:30:00+07:00");
        let d = NewsDate::parse("2019-07-10 08:30").unwrap();
        assert_eq!(d.rfc3339(), "2019-07-10T08:30:00+07:00");
        let d = NewsDate::parse("2019-07-10T01:30:00Z").unwrap();
        assert_eq!(d.rfc3339(), "2019-07-10T01:30:00+00:00");
    }

    #[test]
    fn impossible_dates_say_why() {
        let (m, _) = NewsDate::parse("2022-02-30").unwrap_err();
        assert_eq!(
            m.id,
            "tanggal tidak valid: 2022-02-30 (Februari 2022 hanya 28 hari)"
        );
        let (m, _) = NewsDate::parse("2022-13-01").unwrap_err();
        assert!(m.id.contains("bulan 13 tidak ada"));
        assert!(NewsDate::parse("15 Agustus 2022").is_err());
    }

    #[test]
    fn dates_written_other_ways_get_their_iso_form_suggested() {
        for written in [
            "15/08/2022",
            "15-08-2022",
            "15.08.2022",
            "2022/08/15",
            "15 Agustus 2022",
            "15 Agu 2022",
            "15 Agt 2022",
            "Senin, 15 Agustus 2022",
            "15 August 2022",
            "August 15, 2022",
            "Aug. 15, 2022",
            "08/15/2022",
            "15/8/22",
        ] {
            assert_eq!(
                guess_iso_date(written).as_deref(),
                Some("2022-08-15"),
                "{written}"
            );
            let (_, hint) = NewsDate::parse(written).unwrap_err();
            assert!(hint.id.ends_with(": 2022-08-15"), "{written}: {}", hint.id);
        }
        for nonsense in ["31/02/2022", "besok", "15 2022", "Mei Juni 2022 1"] {
            assert_eq!(guess_iso_date(nonsense), None, "{nonsense}");
        }
    }

    #[test]
    fn labels_are_words_with_a_slug() {
        let l = Label::parse("  Smart   City ").unwrap();
        assert_eq!(
            (l.name.as_str(), l.slug.as_str()),
            ("Smart City", "smart-city")
        );
        assert_eq!(Label::parse("UMKM").unwrap().slug.as_str(), "umkm");
        assert_eq!(
            Label::parse("Rapat Koordinasi: Tahap II")
                .unwrap()
                .slug
                .as_str(),
            "rapat-koordinasi-tahap-ii"
        );
        assert!(Label::parse("!!!").is_err());
        assert!(Label::parse(&"kata ".repeat(20)).is_err());
    }

    #[test]
    fn slugs_are_checked_and_suggested() {
        assert!(Slug::parse("quick-win").is_ok());
        let (_, hint) = Slug::parse("Quick Win").unwrap_err();
        assert!(hint.id.contains("`quick-win`"));
        assert_eq!(
            slugify("Bimtek Tahap II: Masterplan!"),
            "bimtek-tahap-ii-masterplan"
        );
    }

    #[test]
    fn encoded_messages_survive_a_prefix() {
        let enc = encode_message("v", &Text::new("a", "b"), &Text::new("c", "d"));
        let text = format!("dimensions[0]: {enc}");
        let d = decode_message(&text).unwrap();
        assert_eq!(d.prefix, "dimensions[0]: ");
        assert_eq!(
            (d.message.id.as_str(), d.hint.en.as_str(), d.value.as_str()),
            ("a", "d", "v")
        );
    }
}
