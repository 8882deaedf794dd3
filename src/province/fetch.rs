//! Reading the `data.json` of a regency that builds and hosts its own portal: from a file, or
//! over http(s) with a timeout and a size limit.

use std::path::Path;
use std::time::Duration;

use crate::error::{Diagnostic, Text};
use crate::export::Export;

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

/// Reads and parses the export at `location` (an http(s) URL, or a path relative to `root`).
/// `file` and `source` name `province.yaml` for messages.
pub fn read_export(
    root: &Path,
    location: &str,
    file: &Path,
    source: &str,
) -> Result<Export, Diagnostic> {
    let fail = |id: String, en: String, hint: Text| {
        Diagnostic::at_key(file, source, "export", location, Text::new(id, en)).with_hint(hint)
    };
    let bytes = if location.starts_with("http://") || location.starts_with("https://") {
        fetch_url(location).map_err(|(id, en)| {
            fail(
                format!("tidak dapat mengambil {location}: {id}"),
                format!("cannot fetch {location}: {en}"),
                Text::new(
                    "periksa alamatnya di peramban dan sambungan internet; pakai --keep-going untuk membangun kabupaten/kota lain",
                    "check the address in a browser and the connection; use --keep-going to build the other regencies",
                ),
            )
        })?
    } else {
        let path = root.join(location);
        std::fs::read(&path).map_err(|e| {
            fail(
                format!("tidak dapat membaca {}: {e}", path.display()),
                format!("cannot read {}: {e}", path.display()),
                Text::new(
                    "tulis jalur berkas data.json relatif terhadap province.yaml",
                    "give the data.json path relative to province.yaml",
                ),
            )
        })?
    };
    serde_json::from_slice::<Export>(&bytes).map_err(|e| {
        fail(
            format!("{location} bukan data.json cerdas yang valid: {e}"),
            format!("{location} is not a valid cerdas data.json: {e}"),
            Text::new(
                "alamat export harus menunjuk ke data.json yang ditulis `cerdas build` sebuah kabupaten/kota",
                "an export must point at the data.json a regency's `cerdas build` wrote",
            ),
        )
    })
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
        .limit(MAX_EXPORT_BYTES)
        .read_to_vec()
        .map_err(|e| describe(&e))
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
            format!("berkas lebih besar dari {} MB", limit / (1024 * 1024)),
            format!("the file is larger than {} MB", limit / (1024 * 1024)),
        ),
        other => (other.to_string(), other.to_string()),
    }
}
