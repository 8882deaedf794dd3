//! Writing new files for the user: a whole regency site that builds at once (`cerdas init`),
//! or one news item, program or page with valid front matter (`cerdas new`). Nothing here
//! overwrites or deletes a file: every file is created new, and an existing one is an error.

pub mod init;
pub mod new;
pub mod text;

use std::fs;
use std::io::Write;
use std::path::Path;

use crate::content::types::{NewsDate, WIB};
use crate::error::{Diagnostic, Text};

pub use init::{InitOptions, InitReport, init_site};
pub use new::{NewKind, NewOptions, NewReport, new_file, new_news_text};

/// The current date and time in Western Indonesia Time (WIB, a fixed +07:00).
pub fn now_wib() -> NewsDate {
    NewsDate {
        local: WIB.to_datetime(jiff::Timestamp::now()),
        offset: WIB,
    }
}

/// The error for a file or folder that is already there and must not be overwritten.
pub fn exists_error(path: &Path) -> Diagnostic {
    Diagnostic::file(
        path,
        Text::new(
            format!("{} sudah ada; cerdas tidak menimpanya", path.display()),
            format!(
                "{} already exists; cerdas does not overwrite it",
                path.display()
            ),
        ),
    )
    .with_hint(Text::new(
        "pakai judul lain, atau buka dan sunting berkas yang sudah ada itu",
        "use another title, or open and edit the existing file",
    ))
}

/// Writes `bytes` to a file that must not exist yet, creating its folders.
fn write_new(path: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| Diagnostic::io(parent, &e))?;
    }
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => exists_error(path),
            _ => Diagnostic::io(path, &e),
        })?;
    file.write_all(bytes).map_err(|e| Diagnostic::io(path, &e))
}

/// Creates the folder `path`, which must not exist yet (its parents may).
pub fn create_new_dir(path: &Path) -> Result<(), Diagnostic> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| Diagnostic::io(parent, &e))?;
    }
    fs::create_dir(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => exists_error(path),
        _ => Diagnostic::io(path, &e),
    })
}
