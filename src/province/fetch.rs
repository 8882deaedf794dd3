//! Reading the `data.json` of a regency that builds and hosts its own portal: from a file, or
//! over http(s) with a timeout and a size limit. What a remote host sends is not trusted: a
//! wrong shape or too deep nesting is an error naming the regency, a slug that is not a slug is
//! refused (it becomes a folder of the portal), and a link that is not `http(s)` is dropped
//! with a warning. The last good copy of each remote export is kept in the cache folder and
//! used, with a warning giving its age, when the host is down or sends something broken.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::content::types::Slug;
use crate::content::walk::Inside;
use crate::error::{Diagnostic, Text};
use crate::export::Export;
use crate::text::is_web_url;

/// The longest a fetch may take, unless `CERDAS_FETCH_TIMEOUT` (whole seconds) says otherwise.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(15);

/// The fetch timeout in force: `CERDAS_FETCH_TIMEOUT` seconds when set to a number, else 15 s.
fn fetch_timeout() -> Duration {
    std::env::var("CERDAS_FETCH_TIMEOUT")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(FETCH_TIMEOUT, Duration::from_secs)
}

/// The largest `data.json` accepted (a regency with tens of thousands of news items fits).
pub const MAX_EXPORT_BYTES: u64 = 64 * 1024 * 1024;

/// The size limit in force: `CERDAS_FETCH_MAX_BYTES` when set to a number, else 64 MB.
fn max_export_bytes() -> u64 {
    std::env::var("CERDAS_FETCH_MAX_BYTES")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(MAX_EXPORT_BYTES)
}

/// The folder, under the cache folder, where the last good copy of each remote export is kept.
pub const EXPORT_CACHE_DIR: &str = "ekspor";

/// An export as read, with what was wrong in it but did not stop the build.
#[derive(Debug)]
pub struct Fetched {
    /// The export, cleaned.
    pub export: Export,
    /// Links dropped, a kept copy used instead of the host's answer.
    pub warnings: Vec<Diagnostic>,
}

/// Where the export at `location` is read from, for messages in `province.yaml`.
struct Place<'a> {
    location: &'a str,
    file: &'a Path,
    source: &'a str,
}

impl Place<'_> {
    fn diagnostic(&self, message: Text, hint: Text) -> Diagnostic {
        Diagnostic::at_key(self.file, self.source, "export", self.location, message).with_hint(hint)
    }
}

/// Reads, checks and cleans the export at `location` (an http(s) URL, or a path relative to
/// `root`, which must stay inside it). `file` and `source` name `province.yaml` for messages.
/// A remote export that cannot be had is taken from the last good copy under `cache`, when
/// there is one.
pub fn read_export(
    root: &Path,
    location: &str,
    file: &Path,
    source: &str,
    cache: Option<&Path>,
) -> Result<Fetched, Diagnostic> {
    let place = Place {
        location,
        file,
        source,
    };
    if !(location.starts_with("http://") || location.starts_with("https://")) {
        let path = root.join(location);
        Inside::new(root).check_file(&path)?;
        let bytes = fs::read(&path).map_err(|e| {
            place.diagnostic(
                Text::new(
                    format!("tidak dapat membaca {}: {e}", path.display()),
                    format!("cannot read {}: {e}", path.display()),
                ),
                Text::new(
                    "tulis jalur berkas data.json relatif terhadap province.yaml",
                    "give the data.json path relative to province.yaml",
                ),
            )
        })?;
        return parse_export(&place, &bytes);
    }
    let kept = cache.map(|c| kept_copy_path(c, location));
    let fresh = fetch_url(location)
        .map_err(|(id, en)| fetch_error(&place, id, en))
        .and_then(|bytes| Ok((parse_export(&place, &bytes)?, bytes)));
    match (fresh, kept) {
        (Ok((fetched, bytes)), Some(kept)) => {
            // A copy that cannot be kept costs only the fallback next time.
            let _ = keep_copy(&kept, &bytes);
            Ok(fetched)
        }
        (Ok((fetched, _)), None) => Ok(fetched),
        (Err(error), Some(kept)) => match use_kept_copy(&place, &kept, &error) {
            Some(fetched) => Ok(fetched),
            None => Err(error),
        },
        (Err(error), None) => Err(error),
    }
}

fn fetch_error(place: &Place, id: String, en: String) -> Diagnostic {
    let location = place.location;
    place.diagnostic(
        Text::new(
            format!("tidak dapat mengambil data kabupaten/kota dari {location}: {id}"),
            format!("cannot fetch the regency's data from {location}: {en}"),
        ),
        Text::new(
            "periksa alamatnya di peramban dan sambungan internet; pakai --keep-going untuk membangun kabupaten/kota lain",
            "check the address in a browser and the connection; use --keep-going to build the other regencies",
        ),
    )
}

/// How deep lists and objects may nest in an export (a real one nests five deep).
const MAX_JSON_DEPTH: usize = 64;

/// Whether the JSON text `bytes` nests lists and objects deeper than `max` (strings skipped).
fn nested_deeper_than(bytes: &[u8], max: usize) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &b in bytes {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// Reads, checks and cleans the `data.json` text `bytes` as [`read_export`] does with what it
/// read from `location` (a path or an http(s) URL, only named in messages): too deep nesting,
/// a wrong shape, a slug that is not a slug and a home address that is not http(s) are
/// errors; other links that are not http(s) are dropped with a warning. `file` and `source`
/// name `province.yaml` for messages. Nothing is read from disk or the network.
pub fn parse_export_bytes(
    location: &str,
    file: &Path,
    source: &str,
    bytes: &[u8],
) -> Result<Fetched, Diagnostic> {
    let place = Place {
        location,
        file,
        source,
    };
    parse_export(&place, bytes)
}

/// Parses and cleans an export's bytes.
fn parse_export(place: &Place, bytes: &[u8]) -> Result<Fetched, Diagnostic> {
    let location = place.location;
    let parsed = if nested_deeper_than(bytes, MAX_JSON_DEPTH) {
        Err(None)
    } else {
        serde_json::from_slice::<Export>(bytes).map_err(Some)
    };
    let export = parsed.map_err(|e| {
        let e = e.map(|e| e.to_string()).unwrap_or_else(|| "recursion limit".into());
        let (id, en) = if e.contains("recursion limit") {
            (
                "isinya bersarang terlalu dalam".to_string(),
                "it is nested too deep".to_string(),
            )
        } else {
            (e.clone(), e)
        };
        place.diagnostic(
            Text::new(
                format!("{location} bukan data.json cerdas yang valid: {id}"),
                format!("{location} is not a valid cerdas data.json: {en}"),
            ),
            Text::new(
                "alamat export harus menunjuk ke data.json yang ditulis `cerdas build` sebuah kabupaten/kota",
                "an export must point at the data.json a regency's `cerdas build` wrote",
            ),
        )
    })?;
    clean_export(place, export)
}

/// Refuses an export whose slug or home address cannot be used, and drops every other link
/// that is not `http(s)`, with a warning for each.
fn clean_export(place: &Place, mut export: Export) -> Result<Fetched, Diagnostic> {
    let location = place.location;
    let refuse = |id: String, en: String| {
        place.diagnostic(
            Text::new(
                format!("data.json di {location}: {id}"),
                format!("the data.json at {location}: {en}"),
            ),
            Text::new(
                "minta pengelola portal kabupaten/kota itu membangun ulang dengan cerdas",
                "ask that regency's portal team to build it again with cerdas",
            ),
        )
    };
    if let Err((m, _)) = Slug::parse(&export.site.slug) {
        return Err(refuse(
            format!("slug `{}` tidak valid: {}", export.site.slug, m.id),
            format!("the slug `{}` is not valid: {}", export.site.slug, m.en),
        ));
    }
    if !is_web_url(&export.site.base_url) {
        return Err(refuse(
            format!("base_url `{}` bukan alamat http(s)", export.site.base_url),
            format!(
                "base_url `{}` is not an http(s) address",
                export.site.base_url
            ),
        ));
    }
    let mut dropped = Vec::new();
    let mut check = |what: &str, url: &mut Option<String>| {
        if url.as_deref().is_some_and(|u| !is_web_url(u)) {
            dropped.push(format!("{what}: {}", url.take().unwrap_or_default()));
        }
    };
    check("logo", &mut export.site.logo);
    for n in &mut export.news {
        check("cover", &mut n.cover);
    }
    export.news.retain(|n| {
        let ok = is_web_url(&n.url) && Slug::parse(&n.slug).is_ok();
        if !ok {
            dropped.push(format!("berita/news `{}`: {}", n.slug, n.url));
        }
        ok
    });
    export.programs.retain(|p| {
        let ok = is_web_url(&p.url);
        if !ok {
            dropped.push(format!("program `{}`: {}", p.slug, p.url));
        }
        ok
    });
    if export
        .masterplan
        .as_ref()
        .is_some_and(|m| !is_web_url(&m.url))
    {
        let url = export.masterplan.take().map(|m| m.url).unwrap_or_default();
        dropped.push(format!("masterplan: {url}"));
    }
    let warnings = if dropped.is_empty() {
        Vec::new()
    } else {
        let list = dropped.join("; ");
        vec![place.diagnostic(
            Text::new(
                format!("data.json di {location} memuat tautan yang bukan http(s); bagian ini tidak diterbitkan: {list}"),
                format!("the data.json at {location} holds links that are not http(s); these parts are not published: {list}"),
            ),
            Text::new(
                "minta pengelola portal kabupaten/kota itu memperbaiki tautannya",
                "ask that regency's portal team to fix these links",
            ),
        )]
    };
    Ok(Fetched { export, warnings })
}

/// Where the last good copy of the export at `url` is kept: a name made from the address, so
/// each export has its own.
fn kept_copy_path(cache: &Path, url: &str) -> PathBuf {
    let hash = xxhash_rust::xxh3::xxh3_64(url.as_bytes());
    cache
        .join(EXPORT_CACHE_DIR)
        .join(format!("{hash:016x}.json"))
}

/// Keeps `bytes` at `path`, written whole or not at all.
fn keep_copy(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let partial = path.with_extension(format!("json.{}.tmp", std::process::id()));
    fs::write(&partial, bytes)?;
    fs::rename(&partial, path)
}

/// The kept copy at `path`, with a warning saying why and how old it is; `None` when there is
/// none (or it cannot be read).
fn use_kept_copy(place: &Place, path: &Path, error: &Diagnostic) -> Option<Fetched> {
    let bytes = fs::read(path).ok()?;
    let mut fetched = parse_export(place, &bytes).ok()?;
    let age = fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .unwrap_or_default();
    let (age_id, age_en) = age_text(age);
    let mut warning = place.diagnostic(
        Text::new(
            format!(
                "{} Dipakai salinan terakhir yang baik dari {age_id} lalu.",
                error.message.id
            ),
            format!(
                "{} Using the last good copy, from {age_en} ago.",
                error.message.en
            ),
        ),
        Text::new(
            "berita kabupaten/kota ini tetap tampil dari salinan itu; periksa alamatnya bila masalah berlanjut",
            "this regency's news stay on the portal from that copy; check the address if this goes on",
        ),
    );
    warning.regency = Some(fetched.export.site.name.clone());
    fetched.warnings.push(warning);
    Some(fetched)
}

/// A duration in words: "3 jam" / "3 hours".
fn age_text(age: Duration) -> (String, String) {
    let s = age.as_secs();
    let (n, id, en) = match s {
        0..=119 => (s, "detik", "seconds"),
        120..=7199 => (s / 60, "menit", "minutes"),
        7200..=172_799 => (s / 3600, "jam", "hours"),
        _ => (s / 86_400, "hari", "days"),
    };
    (format!("{n} {id}"), format!("{n} {en}"))
}

fn fetch_url(url: &str) -> Result<Vec<u8>, (String, String)> {
    let agent = ureq::Agent::config_builder()
        .timeout_global(Some(fetch_timeout()))
        .build()
        .new_agent();
    let mut response = agent.get(url).call().map_err(|e| describe(&e))?;
    response
        .body_mut()
        .with_config()
        .limit(max_export_bytes())
        .read_to_vec()
        .map_err(|e| describe(&e))
}

/// A size in bytes in words: "64 MB", "1000 byte".
fn size_text(bytes: u64) -> String {
    match bytes {
        0..=9_999 => format!("{bytes} byte"),
        10_000..=9_999_999 => format!("{} KB", bytes / 1024),
        _ => format!("{} MB", bytes / (1024 * 1024)),
    }
}

fn describe(err: &ureq::Error) -> (String, String) {
    match err {
        ureq::Error::Timeout(_) => (
            format!(
                "tidak ada jawaban dalam {} detik",
                fetch_timeout().as_secs()
            ),
            format!("no answer within {} seconds", fetch_timeout().as_secs()),
        ),
        ureq::Error::StatusCode(code) => (
            format!("server menjawab HTTP {code}"),
            format!("the server answered HTTP {code}"),
        ),
        ureq::Error::BodyExceedsLimit(limit) => (
            format!("berkas lebih besar dari {}", size_text(*limit)),
            format!("the file is larger than {}", size_text(*limit)),
        ),
        other => (other.to_string(), other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_is_seen_before_parsing() {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(nested_deeper_than(deep.as_bytes(), MAX_JSON_DEPTH));
        let quoted = format!("{{\"a\": \"{}\\\"\", \"b\": [[1]]}}", "[".repeat(100));
        assert!(!nested_deeper_than(quoted.as_bytes(), MAX_JSON_DEPTH));
    }

    #[test]
    fn ages_and_sizes_read_as_words() {
        assert_eq!(age_text(Duration::from_secs(30)).0, "30 detik");
        assert_eq!(age_text(Duration::from_secs(3 * 3600)).1, "3 hours");
        assert_eq!(age_text(Duration::from_secs(3 * 86_400)).0, "3 hari");
        assert_eq!(size_text(MAX_EXPORT_BYTES), "64 MB");
        assert_eq!(size_text(1000), "1000 byte");
    }
}
