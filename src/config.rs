//! `site.yaml` and `province.yaml`: the settings of a regency or province portal, read and
//! checked once. Takes `content` (YAML reading, slugs, the documents); gives [`SiteConfig`],
//! [`ProvinceConfig`] and [`Regency`], a regency folder as read.

use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::content::encoding::decode_text;
use crate::content::frontmatter::parse_yaml;
use crate::content::types::{Slug, encode_message};
use crate::content::walk::Inside;
use crate::content::{Content, SourceMemo, load_content_with};
use crate::error::{Diagnostic, Diagnostics, Lang, Text};
use crate::text::is_safe_url;

/// Whether the regency is a kabupaten or a kota.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RegencyKind {
    /// A regency (kabupaten).
    Kabupaten,
    /// A city (kota).
    Kota,
}

/// The language of the portal's own text (theme strings and dates).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Bahasa Indonesia.
    #[default]
    Id,
    /// English.
    En,
}

impl Language {
    /// The language for messages.
    pub fn lang(self) -> Lang {
        match self {
            Language::Id => Lang::Id,
            Language::En => Lang::En,
        }
    }

    /// The BCP 47 code for `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Language::Id => "id",
            Language::En => "en",
        }
    }
}

/// How to reach the Diskominfo or humas office.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Street address.
    pub address: Option<String>,
    /// Telephone number as written.
    pub phone: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
}

/// A link to the regency's account on a social network.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SocialLink {
    /// The network's name, shown as the link text.
    pub name: String,
    /// The full address of the account.
    pub url: String,
}

/// An extra entry in the main menu.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MenuLink {
    /// The text of the link.
    pub title: String,
    /// Where it goes: a path inside the site (`/program/`) or a full address.
    pub url: String,
}

/// Everything `site.yaml` holds.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The regency's full name, e.g. "Kabupaten Agam".
    pub name: String,
    /// Kabupaten or kota.
    pub kind: RegencyKind,
    /// The short name used in URLs, e.g. `agam`.
    pub slug: Slug,
    /// The province it belongs to.
    #[serde(default)]
    pub province: Option<String>,
    /// The address the site is published at, possibly with a sub-path.
    pub base_url: BaseUrl,
    /// The language of the theme and dates.
    #[serde(default)]
    pub language: Language,
    /// One or two sentences about the portal.
    #[serde(default)]
    pub description: String,
    /// The logo, as a path inside `static/`.
    #[serde(default)]
    pub logo: Option<String>,
    /// The office to contact.
    #[serde(default)]
    pub contact: Option<Contact>,
    /// Social network accounts.
    #[serde(default)]
    pub social: Vec<SocialLink>,
    /// Extra main menu entries, after the built-in ones.
    #[serde(default)]
    pub menu: Vec<MenuLink>,
    /// A theme folder name under the `themes/` folder, or a path to one.
    #[serde(default)]
    pub theme: Option<String>,
    /// How many news items one list page shows.
    #[serde(default = "default_paginate")]
    pub paginate: Paginate,
    /// Whether the build writes a search index and the `/cari/` page (`search: false` turns
    /// both off). Under a province the province's setting decides.
    #[serde(default = "default_search")]
    pub search: bool,
    /// Free data for custom templates.
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

fn default_search() -> bool {
    true
}

fn default_paginate() -> Paginate {
    Paginate(10)
}

/// A page size of 1 to 100 news items.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Paginate(pub usize);

impl<'de> Deserialize<'de> for Paginate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let n = u64::deserialize(deserializer)?;
        if (1..=100).contains(&n) {
            Ok(Paginate(n as usize))
        } else {
            Err(serde::de::Error::custom(encode_message(
                &n.to_string(),
                &Text::new(
                    format!("paginate harus antara 1 dan 100, tertulis {n}"),
                    format!("paginate must be between 1 and 100, found {n}"),
                ),
                &Text::new("misalnya `paginate: 10`", "for example `paginate: 10`"),
            )))
        }
    }
}

/// An absolute http(s) address without a trailing slash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct BaseUrl(String);

impl BaseUrl {
    /// Checks and normalises an address.
    pub fn parse(text: &str) -> Result<BaseUrl, (Text, Text)> {
        let trimmed = text.trim().trim_end_matches('/');
        let rest = trimmed
            .strip_prefix("https://")
            .or_else(|| trimmed.strip_prefix("http://"));
        match rest {
            Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => {
                Ok(BaseUrl(trimmed.to_string()))
            }
            _ => Err((
                Text::new(
                    format!(
                        "base_url harus alamat lengkap yang diawali https://, tertulis `{text}`"
                    ),
                    format!(
                        "base_url must be a full address starting with https://, found `{text}`"
                    ),
                ),
                Text::new(
                    "misalnya `base_url: \"https://smartcity.agamkab.go.id\"`",
                    "for example `base_url: \"https://smartcity.agamkab.go.id\"`",
                ),
            )),
        }
    }

    /// The address without a trailing slash: `https://host/sub`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The path part without a trailing slash: `/sub`, or empty at a host's root.
    pub fn path(&self) -> &str {
        let after_scheme = self.0.split_once("://").map_or("", |(_, r)| r);
        after_scheme.find('/').map_or("", |i| &after_scheme[i..])
    }

    /// The scheme and host: `https://host`.
    pub fn origin(&self) -> &str {
        &self.0[..self.0.len() - self.path().len()]
    }
}

impl<'de> Deserialize<'de> for BaseUrl {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        BaseUrl::parse(&text)
            .map_err(|(m, h)| serde::de::Error::custom(encode_message(&text, &m, &h)))
    }
}

/// Reads and checks `site.yaml` (`source` is its text, `file` its name for messages).
/// Its menu and social links must be relative or `http`, `https`, `mailto`, `tel`.
pub fn parse_site_config(file: &Path, source: &str) -> Result<SiteConfig, Diagnostic> {
    let config: SiteConfig = parse_yaml(file, source, source, 1)?;
    let menu = config.menu.iter().map(|m| m.url.as_str());
    let social = config.social.iter().map(|s| s.url.as_str());
    check_links(file, source, menu.chain(social))?;
    Ok(config)
}

/// Refuses the first link among `urls` (values written in the YAML `source`) whose scheme
/// could run code or open something else than a web page (`javascript:`, `data:`, `file:`).
fn check_links<'a>(
    file: &Path,
    source: &str,
    mut urls: impl Iterator<Item = &'a str>,
) -> Result<(), Diagnostic> {
    let Some(url) = urls.find(|u| !is_safe_url(u)) else {
        return Ok(());
    };
    Err(Diagnostic::at_key(
        file,
        source,
        "url",
        url,
        Text::new(
            format!("tautan `{url}` tidak diizinkan: hanya alamat http://, https://, mailto:, tel: atau jalur di dalam situs"),
            format!("the link `{url}` is not allowed: only http://, https://, mailto:, tel: addresses or paths inside the site"),
        ),
    )
    .with_hint(Text::new(
        "tulis alamat lengkap yang diawali https://, misalnya `url: \"https://instagram.com/diskominfo\"`, atau jalur seperti `/program/`",
        "write a full address starting with https://, e.g. `url: \"https://instagram.com/diskominfo\"`, or a path such as `/program/`",
    )))
}

/// The text of `site.yaml` in `dir`, in any encoding cerdas reads (UTF-8, UTF-16 with a byte
/// order mark), refused when it is a link leading out of `dir`; when it cannot be read, the
/// error carries `hint` (what to run it on instead).
pub fn read_site_source(dir: &Path, hint: Text) -> Result<String, Diagnostic> {
    let path = dir.join("site.yaml");
    Inside::new(dir).check_file(&path)?;
    let bytes = fs::read(&path).map_err(|e| Diagnostic::io(&path, &e).with_hint(hint))?;
    decode_text(Path::new("site.yaml"), bytes)
}

/// A regency folder as read: its `site.yaml` and its checked content.
#[derive(Debug)]
pub struct Regency {
    /// `site.yaml`.
    pub config: SiteConfig,
    /// The text of `site.yaml`, to point at its lines in later errors.
    pub config_source: String,
    /// Every other file of the folder, checked.
    pub content: Content,
}

/// Reads `site.yaml` and the content of the regency in `root`, reporting every problem of both
/// together; unchanged content files are taken from `memo` (and the others remembered there).
pub fn read_regency(root: &Path, memo: Option<&SourceMemo>) -> Result<Regency, Diagnostics> {
    let config_source = read_site_source(
        root,
        Text::new(
            "jalankan cerdas pada folder yang berisi site.yaml (satu kabupaten/kota) atau province.yaml (provinsi), misalnya `cerdas build content-sample/agam`",
            "run cerdas on a folder holding site.yaml (one regency) or province.yaml (a province), e.g. `cerdas build content-sample/agam`",
        ),
    )?;
    let config = parse_site_config(Path::new("site.yaml"), &config_source);
    let content = load_content_with(root, memo);
    match (config, content) {
        (Ok(config), Ok(content)) => Ok(Regency {
            config,
            config_source,
            content,
        }),
        (Ok(_), Err(errors)) => Err(errors),
        (Err(e), Ok(_)) => Err(Diagnostics(vec![e])),
        (Err(e), Err(Diagnostics(mut errors))) => {
            errors.insert(0, e);
            Err(Diagnostics(errors))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_splits_origin_and_path() {
        let b = BaseUrl::parse("https://example.github.io/agam/").unwrap();
        assert_eq!(b.as_str(), "https://example.github.io/agam");
        assert_eq!(b.path(), "/agam");
        assert_eq!(b.origin(), "https://example.github.io");
        assert_eq!(BaseUrl::parse("https://agamkab.go.id").unwrap().path(), "");
        assert!(BaseUrl::parse("agamkab.go.id").is_err());
    }

    #[test]
    fn site_yaml_reads_with_defaults() {
        let src = "name: Kabupaten Agam\nkind: kabupaten\nslug: agam\nbase_url: https://a.go.id\n";
        let c = parse_site_config(Path::new("site.yaml"), src).unwrap();
        assert_eq!(c.paginate, Paginate(10));
        assert_eq!(c.language, Language::Id);
    }

    #[test]
    fn site_yaml_unknown_kind_is_an_error_on_its_line() {
        let src = "name: A\nkind: provinsi\nslug: agam\nbase_url: https://a.go.id\n";
        let d = parse_site_config(Path::new("site.yaml"), src).unwrap_err();
        assert_eq!(d.line, 2);
        assert!(d.hint.as_ref().unwrap().id.contains("kabupaten"));
    }
}

/// Where a province portal gets one of its regencies from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegencyEntry {
    /// A regency folder, relative to `province.yaml`, built as part of the portal.
    Folder(String),
    /// The `data.json` of a regency built and hosted elsewhere: a path or an http(s) URL.
    Export(String),
}

impl<'de> Deserialize<'de> for RegencyEntry {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntryVisitor;
        impl<'de> serde::de::Visitor<'de> for EntryVisitor {
            type Value = RegencyEntry;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a folder name, or `{ export: <path or URL of data.json> }`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RegencyEntry, E> {
                Ok(RegencyEntry::Folder(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RegencyEntry, A::Error> {
                let mut export = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key != "export" {
                        return Err(serde::de::Error::custom(encode_message(
                            &key,
                            &Text::new(
                                format!("kunci tidak dikenal: `{key}`"),
                                format!("unknown key: `{key}`"),
                            ),
                            &Text::new(
                                "tulis nama folder, atau `{ export: https://.../data.json }` untuk kabupaten/kota yang dibangun di tempat lain",
                                "write a folder name, or `{ export: https://.../data.json }` for a regency built elsewhere",
                            ),
                        )));
                    }
                    export = Some(map.next_value::<String>()?);
                }
                export
                    .map(RegencyEntry::Export)
                    .ok_or_else(|| serde::de::Error::missing_field("export"))
            }
        }
        deserializer.deserialize_any(EntryVisitor)
    }
}

/// Everything `province.yaml` holds.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvinceConfig {
    /// The province's full name, e.g. "Provinsi Sumatera Barat".
    pub name: String,
    /// Its short name.
    pub slug: Slug,
    /// The address the portal is published at.
    pub base_url: BaseUrl,
    /// The language of the theme and dates.
    #[serde(default)]
    pub language: Language,
    /// One or two sentences about the portal.
    #[serde(default)]
    pub description: String,
    /// The logo, a path relative to `province.yaml`.
    #[serde(default)]
    pub logo: Option<String>,
    /// The regencies, in the order the directory shows them.
    pub regencies: Vec<RegencyEntry>,
    /// How many news items one list page shows.
    #[serde(default = "default_province_paginate")]
    pub paginate: Paginate,
    /// Whether the build writes one search index over every regency and the `/cari/` pages.
    #[serde(default = "default_search")]
    pub search: bool,
    /// The office to contact.
    #[serde(default)]
    pub contact: Option<Contact>,
    /// Social network accounts.
    #[serde(default)]
    pub social: Vec<SocialLink>,
    /// Free data for custom templates.
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

fn default_province_paginate() -> Paginate {
    Paginate(20)
}

/// Reads and checks `province.yaml`.
pub fn parse_province_config(file: &Path, source: &str) -> Result<ProvinceConfig, Diagnostic> {
    let config: ProvinceConfig = parse_yaml(file, source, source, 1)?;
    check_links(file, source, config.social.iter().map(|s| s.url.as_str()))?;
    Ok(config)
}
