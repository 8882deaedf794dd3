//! Writing what the import made: a file is created when missing, left alone when it already
//! holds the same bytes (so a second run of the same import changes nothing), and kept as
//! the user has it when it differs, unless `--replace` asks to overwrite it. Photos are
//! taken only from inside the uploads folder.

use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use crate::error::Diagnostic;

/// What happened to one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Created.
    Written,
    /// Already there with the same bytes.
    Unchanged,
    /// Already there with other bytes; left as it was.
    Kept,
    /// Already there with other bytes; overwritten (`--replace`).
    Replaced,
}

/// What is at `path` compared with `bytes`.
pub fn compare(path: &Path, bytes: &[u8]) -> Outcome {
    match fs::metadata(path) {
        Err(_) => Outcome::Written,
        Ok(meta) if meta.len() == bytes.len() as u64 => match fs::read(path) {
            Ok(old) if old == bytes => Outcome::Unchanged,
            _ => Outcome::Kept,
        },
        Ok(_) => Outcome::Kept,
    }
}

/// Writes `bytes` to `path` as [`Outcome`] says, creating its folders.
pub fn write_file(path: &Path, bytes: &[u8], replace: bool) -> Result<Outcome, Diagnostic> {
    let outcome = compare(path, bytes);
    match outcome {
        Outcome::Unchanged => return Ok(outcome),
        Outcome::Kept if !replace => return Ok(outcome),
        _ => {}
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| Diagnostic::io(parent, &e))?;
    }
    let mut file = fs::File::create(path).map_err(|e| Diagnostic::io(path, &e))?;
    file.write_all(bytes)
        .map_err(|e| Diagnostic::io(path, &e))?;
    Ok(match outcome {
        Outcome::Kept => Outcome::Replaced,
        other => other,
    })
}

/// Copies `from` to `to` as [`write_file`] would write its bytes.
pub fn copy_file(from: &Path, to: &Path, replace: bool) -> Result<Outcome, Diagnostic> {
    let bytes = fs::read(from).map_err(|e| Diagnostic::io(from, &e))?;
    write_file(to, &bytes, replace)
}

/// The file of `uploads` that an uploads address names (`.../wp-content/uploads/2022/08/a.jpg`
/// -> `<uploads>/2022/08/a.jpg`), when it is there and stays inside `uploads` (no `..`, no
/// link leading out).
pub fn uploads_file(uploads: &Path, canonical_uploads: &Path, url: &str) -> Option<PathBuf> {
    let rel = uploads_relative(url)?;
    let mut path = uploads.to_path_buf();
    for part in Path::new(&rel).components() {
        match part {
            Component::Normal(p) => path.push(p),
            _ => return None,
        }
    }
    let real = path.canonicalize().ok()?;
    (real.starts_with(canonical_uploads) && real.is_file()).then_some(path)
}

/// The part of an address after `wp-content/uploads/`, percent-decoded, without query.
pub fn uploads_relative(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let (_, rel) = path.split_once("/wp-content/uploads/")?;
    let rel = percent_decode(rel);
    (!rel.is_empty() && !rel.contains('\\') && !rel.contains('\0')).then_some(rel)
}

/// `%xx` sequences decoded (as UTF-8; invalid sequences kept as written).
pub fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_written_once_and_kept_unless_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b.md");
        assert_eq!(write_file(&path, b"x", false).unwrap(), Outcome::Written);
        assert_eq!(write_file(&path, b"x", false).unwrap(), Outcome::Unchanged);
        assert_eq!(write_file(&path, b"y", false).unwrap(), Outcome::Kept);
        assert_eq!(fs::read(&path).unwrap(), b"x");
        assert_eq!(write_file(&path, b"y", true).unwrap(), Outcome::Replaced);
        assert_eq!(fs::read(&path).unwrap(), b"y");
    }

    #[test]
    fn uploads_paths_stay_inside_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let up = dir.path().join("uploads");
        fs::create_dir_all(up.join("2022/08")).unwrap();
        fs::write(up.join("2022/08/a b.jpg"), b"x").unwrap();
        fs::write(dir.path().join("secret.jpg"), b"x").unwrap();
        let canon = up.canonicalize().unwrap();
        let found = uploads_file(
            &up,
            &canon,
            "https://old/wp-content/uploads/2022/08/a%20b.jpg?x=1",
        );
        assert_eq!(found, Some(up.join("2022/08/a b.jpg")));
        assert_eq!(
            uploads_file(&up, &canon, "https://old/wp-content/uploads/../secret.jpg"),
            None
        );
        assert_eq!(
            uploads_file(
                &up,
                &canon,
                "https://old/wp-content/uploads/2022/%2e%2e/../secret.jpg"
            ),
            None
        );
        assert_eq!(uploads_file(&up, &canon, "https://old/other/a.jpg"), None);
    }
}
