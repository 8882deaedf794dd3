//! `cerdas init`: a new regency site, with an example of every kind of content, that builds
//! and passes `cerdas check` at once.

use std::fs;
use std::path::{Path, PathBuf};

use crate::config::{RegencyKind, parse_site_config};
use crate::content::types::{NewsDate, Slug, slugify};
use crate::error::{Diagnostic, Diagnostics, Text};

use super::text::{fill, one_line, title_slug, xml_escape, yaml_escape};
use super::write_new;

/// The province written when none is given.
pub const DEFAULT_PROVINCE: &str = "Sumatera Barat";

/// What `cerdas init` is asked to make.
#[derive(Clone, Debug)]
pub struct InitOptions {
    /// The folder to create the site in; it must not exist or be empty.
    pub dir: PathBuf,
    /// The regency's name, e.g. "Kabupaten Tanah Datar" (or "Tanah Datar" with `kind`).
    pub name: String,
    /// Kabupaten or kota; taken from the name's first word when not given.
    pub kind: Option<RegencyKind>,
    /// The province; [`DEFAULT_PROVINCE`] when not given.
    pub province: Option<String>,
    /// The date written on the example news item.
    pub date: NewsDate,
}

/// What `cerdas init` made.
#[derive(Clone, Debug)]
pub struct InitReport {
    /// The site folder.
    pub dir: PathBuf,
    /// The regency's full name as written in `site.yaml`.
    pub name: String,
    /// The regency's slug.
    pub slug: Slug,
    /// The files written, relative to the site folder, in the order written.
    pub files: Vec<PathBuf>,
}

/// Everything the templates say about the new regency.
#[derive(Debug)]
struct Regency {
    /// The full name, "Kabupaten Tanah Datar".
    name: String,
    /// The name without its kind, "Tanah Datar".
    short: String,
    /// Kabupaten or kota.
    kind: RegencyKind,
    /// `tanah-datar`, or `kota-padang` for a kota.
    slug: Slug,
    /// The province.
    province: String,
}

const SITE_YAML: &str = include_str!("templates/site.yaml");
const LOGO_SVG: &str = include_str!("templates/logo.svg");
const BERITA: &str = include_str!("templates/init_berita.md");
const PROGRAM: &str = include_str!("templates/init_program.md");
const MASTERPLAN: &str = include_str!("templates/init_masterplan.md");
const TENTANG: &str = include_str!("templates/init_tentang.md");

/// Creates a new regency site in `options.dir`: `site.yaml`, a logo, and one news item,
/// program, masterplan and about page. Refuses a folder that holds anything.
pub fn init_site(options: &InitOptions) -> Result<InitReport, Diagnostics> {
    let regency = describe(options)?;
    check_target(&options.dir)?;
    let files = render_files(&regency, &options.date);
    let (_, site_yaml) = &files[0];
    parse_site_config(Path::new("site.yaml"), site_yaml)?;
    let mut written = Vec::with_capacity(files.len());
    for (rel, text) in files {
        write_new(&options.dir.join(&rel), text.as_bytes())?;
        written.push(rel);
    }
    Ok(InitReport {
        dir: options.dir.clone(),
        name: regency.name,
        slug: regency.slug,
        files: written,
    })
}

/// Reads the name, kind and province given into a [`Regency`].
fn describe(options: &InitOptions) -> Result<Regency, Diagnostic> {
    let given = one_line(&options.name);
    let (named_kind, short) = split_kind(&given);
    let kind = match (options.kind, named_kind) {
        (Some(k), Some(n)) if k != n => return Err(kind_conflict(&given, k)),
        (Some(k), _) | (None, Some(k)) => k,
        (None, None) => return Err(kind_missing(&given)),
    };
    let short = short.to_string();
    let slug_text = match kind {
        RegencyKind::Kabupaten => slugify(&short),
        RegencyKind::Kota => format!("kota-{}", slugify(&short)),
    };
    let slug = match Slug::parse(&slug_text) {
        Ok(slug) if !short.is_empty() => slug,
        _ => return Err(name_unusable(&given)),
    };
    let province = options
        .province
        .as_deref()
        .map(one_line)
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| DEFAULT_PROVINCE.to_string());
    Ok(Regency {
        name: format!("{} {short}", kind_word(kind)),
        short,
        kind,
        slug,
        province,
    })
}

/// The kind a name starts with ("Kabupaten", "Kab.", "Kota") and the rest of the name.
fn split_kind(name: &str) -> (Option<RegencyKind>, &str) {
    let prefixes = [
        ("kabupaten ", RegencyKind::Kabupaten),
        ("kab. ", RegencyKind::Kabupaten),
        ("kab ", RegencyKind::Kabupaten),
        ("kota ", RegencyKind::Kota),
    ];
    for (prefix, kind) in prefixes {
        let head = name.get(..prefix.len());
        if head.is_some_and(|h| h.eq_ignore_ascii_case(prefix)) {
            return (Some(kind), name[prefix.len()..].trim());
        }
    }
    (None, name)
}

/// "Kabupaten" or "Kota".
fn kind_word(kind: RegencyKind) -> &'static str {
    match kind {
        RegencyKind::Kabupaten => "Kabupaten",
        RegencyKind::Kota => "Kota",
    }
}

/// The head of the regency, who signs its regulations: "Bupati" or "Wali Kota".
fn head_word(kind: RegencyKind) -> &'static str {
    match kind {
        RegencyKind::Kabupaten => "Bupati",
        RegencyKind::Kota => "Wali Kota",
    }
}

fn kind_conflict(name: &str, kind: RegencyKind) -> Diagnostic {
    let word = kind_word(kind).to_lowercase();
    Diagnostic::file(
        "--kind",
        Text::new(
            format!("nama `{name}` tidak cocok dengan --kind {word}"),
            format!("the name `{name}` does not match --kind {word}"),
        ),
    )
    .with_hint(Text::new(
        "perbaiki nama atau --kind, misalnya --name \"Kota Solok\" --kind kota",
        "fix the name or --kind, e.g. --name \"Kota Solok\" --kind kota",
    ))
}

fn kind_missing(name: &str) -> Diagnostic {
    Diagnostic::file(
        "--kind",
        Text::new(
            format!("`{name}` kabupaten atau kota?"),
            format!("is `{name}` a kabupaten or a kota?"),
        ),
    )
    .with_hint(Text::new(
        "tambahkan --kind kabupaten atau --kind kota, atau tulis nama lengkapnya, misalnya --name \"Kabupaten Tanah Datar\"",
        "add --kind kabupaten or --kind kota, or give the full name, e.g. --name \"Kabupaten Tanah Datar\"",
    ))
}

fn name_unusable(name: &str) -> Diagnostic {
    Diagnostic::file(
        "--name",
        Text::new(
            format!("nama daerah `{name}` tidak dapat dipakai"),
            format!("the regency name `{name}` cannot be used"),
        ),
    )
    .with_hint(Text::new(
        "tulis nama daerah dengan huruf latin, misalnya --name \"Kabupaten Tanah Datar\"",
        "write the regency's name in Latin letters, e.g. --name \"Kabupaten Tanah Datar\"",
    ))
}

/// Refuses a `dir` that is a file or a folder holding anything; a missing or empty folder is
/// fine.
fn check_target(dir: &Path) -> Result<(), Diagnostic> {
    if !dir.exists() {
        return Ok(());
    }
    if !dir.is_dir() {
        return Err(not_empty(
            dir,
            "berkas, bukan folder",
            "a file, not a folder",
        ));
    }
    let mut entries = fs::read_dir(dir).map_err(|e| Diagnostic::io(dir, &e))?;
    match entries.next() {
        None => Ok(()),
        Some(_) => Err(not_empty(
            dir,
            "folder yang tidak kosong",
            "a folder that is not empty",
        )),
    }
}

fn not_empty(dir: &Path, what_id: &str, what_en: &str) -> Diagnostic {
    let shown = dir.display();
    Diagnostic::file(
        dir,
        Text::new(
            format!("{shown} adalah {what_id}; situs baru hanya dibuat di folder baru atau kosong"),
            format!("{shown} is {what_en}; a new site is only made in a new or empty folder"),
        ),
    )
    .with_hint(Text::new(
        "tulis nama folder baru, misalnya `cerdas init situs-baru --name \"Kabupaten Tanah Datar\"`; cerdas tidak menimpa atau menghapus berkas apa pun",
        "name a new folder, e.g. `cerdas init new-site --name \"Kabupaten Tanah Datar\"`; cerdas never overwrites or deletes any file",
    ))
}

/// The files of the new site, `site.yaml` first, with their text.
fn render_files(regency: &Regency, date: &NewsDate) -> Vec<(PathBuf, String)> {
    let year = date.local.year();
    let program_title = format!("Satu Data {}", regency.short);
    let program_slug = slugify(&program_title);
    let news_title = format!("Portal Smart City {} Diluncurkan", regency.name);
    let news_slug = title_slug(&news_title).unwrap_or_else(|| "portal-smart-city".into());
    let slug = regency.slug.as_str();
    let host = format!("smartcity.{slug}.example.go.id");
    let vars: Vec<(&str, String)> = vec![
        ("name_text", regency.name.clone()),
        ("name_yaml", yaml_escape(&regency.name)),
        ("name_xml", xml_escape(&regency.name)),
        ("short_yaml", yaml_escape(&regency.short)),
        ("initials", xml_escape(&initials(&regency.short))),
        ("kind", kind_word(regency.kind).to_lowercase()),
        ("head", head_word(regency.kind).to_string()),
        ("slug", slug.to_string()),
        ("province_yaml", yaml_escape(&regency.province)),
        ("base_url", format!("https://{host}")),
        ("email", format!("diskominfo@{host}")),
        ("description_yaml", yaml_escape(&description(regency))),
        ("address_yaml", yaml_escape(&address(regency))),
        ("date", date.rfc3339()),
        ("year", year.to_string()),
        ("year_next", (year + 1).to_string()),
        ("year_end", (year + 9).to_string()),
        ("program_slug", program_slug.clone()),
        ("program_title_yaml", yaml_escape(&program_title)),
        ("program_title_text", program_title),
        ("news_slug", news_slug.clone()),
        ("news_title_yaml", yaml_escape(&news_title)),
    ];
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let news_path = Path::new("berita").join(&news_slug).join("index.md");
    [
        (PathBuf::from("site.yaml"), SITE_YAML),
        (Path::new("static").join("logo.svg"), LOGO_SVG),
        (news_path, BERITA),
        (
            Path::new("program").join(format!("{program_slug}.md")),
            PROGRAM,
        ),
        (Path::new("masterplan").join("index.md"), MASTERPLAN),
        (Path::new("halaman").join("tentang.md"), TENTANG),
    ]
    .into_iter()
    .map(|(path, template)| (path, fill(template, &vars)))
    .collect()
}

fn description(regency: &Regency) -> String {
    format!(
        "Portal Smart City {}: kabar kegiatan, masterplan dan program smart city daerah.",
        regency.name
    )
}

fn address(regency: &Regency) -> String {
    format!(
        "Kantor Dinas Komunikasi dan Informatika {}, Provinsi {}",
        regency.name, regency.province
    )
}

/// Up to two capital letters for the example logo: "Tanah Datar" -> "TD", "Agam" -> "AG".
fn initials(short: &str) -> String {
    let letters: Vec<char> = short
        .split_whitespace()
        .filter_map(|w| w.chars().find(char::is_ascii_alphanumeric))
        .take(2)
        .collect();
    let text: String = match letters.len() {
        0 => "SC".to_string(),
        1 => short
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(2)
            .collect(),
        _ => letters.into_iter().collect(),
    };
    text.to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(dir: &Path, name: &str, kind: Option<RegencyKind>) -> InitOptions {
        InitOptions {
            dir: dir.to_path_buf(),
            name: name.to_string(),
            kind,
            province: None,
            date: NewsDate::parse("2024-08-15T09:30:00+07:00").unwrap(),
        }
    }

    #[test]
    fn slugs_follow_the_sample_convention() {
        let tmp = Path::new("unused");
        let r = describe(&options(tmp, "Kabupaten Tanah Datar", None)).unwrap();
        assert_eq!(
            (r.slug.as_str(), r.kind),
            ("tanah-datar", RegencyKind::Kabupaten)
        );
        let r = describe(&options(tmp, "Kota Padang", Some(RegencyKind::Kota))).unwrap();
        assert_eq!(r.slug.as_str(), "kota-padang");
        let r = describe(&options(tmp, "Solok", Some(RegencyKind::Kota))).unwrap();
        assert_eq!(
            (r.name.as_str(), r.slug.as_str()),
            ("Kota Solok", "kota-solok")
        );
        let r = describe(&options(tmp, "kab.  Padang Pariaman", None)).unwrap();
        assert_eq!(r.name, "Kabupaten Padang Pariaman");
        assert_eq!(r.province, DEFAULT_PROVINCE);
    }

    #[test]
    fn kind_must_be_known_and_agree_with_the_name() {
        let tmp = Path::new("unused");
        assert!(describe(&options(tmp, "Tanah Datar", None)).is_err());
        let e = describe(&options(tmp, "Kota Solok", Some(RegencyKind::Kabupaten))).unwrap_err();
        assert!(e.message.id.contains("tidak cocok"));
        assert!(describe(&options(tmp, "Kabupaten !!!", None)).is_err());
    }

    #[test]
    fn every_hole_of_every_template_is_filled() {
        let r = describe(&options(Path::new("x"), "Kota \"Uji\": #1 & <b>", None)).unwrap();
        let date = NewsDate::parse("2024-08-15").unwrap();
        for (path, text) in render_files(&r, &date) {
            assert!(!text.contains("{{"), "{}: {text}", path.display());
        }
        let site = &render_files(&r, &date)[0].1;
        let config = parse_site_config(Path::new("site.yaml"), site).unwrap();
        assert_eq!(config.name, "Kota \"Uji\": #1 & <b>");
    }

    #[test]
    fn refuses_a_folder_that_is_not_empty_and_touches_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let kept = tmp.path().join("catatan.txt");
        fs::write(&kept, "jangan dihapus").unwrap();
        let err = init_site(&options(tmp.path(), "Kabupaten Agam", None)).unwrap_err();
        assert!(err.0[0].message.id.contains("tidak kosong"), "{err}");
        let names: Vec<_> = fs::read_dir(tmp.path()).unwrap().flatten().collect();
        assert_eq!(names.len(), 1);
        assert_eq!(fs::read_to_string(&kept).unwrap(), "jangan dihapus");
    }

    #[test]
    fn makes_a_site_in_an_empty_or_new_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let report = init_site(&options(tmp.path(), "Kabupaten Agam", None)).unwrap();
        assert_eq!(report.slug.as_str(), "agam");
        assert!(tmp.path().join("masterplan/index.md").is_file());
        let nested = tmp.path().join("baru/situs");
        init_site(&options(&nested, "Kota Solok", None)).unwrap();
        assert!(nested.join("site.yaml").is_file());
    }

    #[test]
    fn initials_for_the_logo() {
        assert_eq!(initials("Tanah Datar"), "TD");
        assert_eq!(initials("Agam"), "AG");
        assert_eq!(initials("!!"), "SC");
    }
}
