//! Watching the content folder: debounced events, reads and what is never content
//! ([`is_ignored`]: hidden files, editor leftovers) ignored, and a
//! note of whether only stylesheets changed.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, new_debouncer};

use crate::content::is_ignored;
use crate::error::{Diagnostic, Diagnostics, Text};
use crate::output::images::CACHE_DIR_NAME;

/// What a batch of file events amounts to.
#[derive(Debug, PartialEq, Eq)]
pub struct Change {
    /// The changed files.
    pub paths: Vec<PathBuf>,
    /// Whether every changed file is a stylesheet.
    pub css_only: bool,
}

/// Starts watching `dirs` (the content folder first); changes arrive on the returned channel.
/// Keep the returned watcher alive for as long as changes are wanted.
pub fn watch(dirs: &[PathBuf]) -> Result<(impl Drop, Receiver<Change>), Diagnostics> {
    let (tx, rx) = channel();
    // An editor's save (write a temp file, rename it over; or truncate and write) lands
    // within a millisecond or two: 10 ms gathers it into one change. The debouncer looks every
    // quarter of that, so a change is seen 10-13 ms after its last event; each millisecond
    // here is one more before the reload.
    let mut debouncer = new_debouncer(
        Duration::from_millis(10),
        None,
        move |result: DebounceEventResult| {
            let Ok(events) = result else { return };
            let paths: Vec<PathBuf> = events
                .iter()
                .filter(|e| !matches!(e.kind, EventKind::Access(_)))
                .flat_map(|e| e.paths.iter().cloned())
                .filter(|p| !is_ignored(p) && !in_tool_folder(p))
                .collect();
            if paths.is_empty() {
                return;
            }
            let css_only = paths
                .iter()
                .all(|p| p.extension().is_some_and(|x| x == "css"));
            let _ = tx.send(Change { paths, css_only });
        },
    )
    .map_err(|e| {
        watch_error(
            dirs.first().map_or(Path::new("."), PathBuf::as_path),
            &e.to_string(),
        )
    })?;
    for dir in dirs {
        debouncer
            .watch(dir, RecursiveMode::Recursive)
            .map_err(|e| watch_error(dir, &e.to_string()))?;
    }
    Ok((debouncer, rx))
}

fn watch_error(dir: &Path, err: &str) -> Diagnostics {
    Diagnostic::file(
        dir,
        Text::new(
            format!("folder tidak dapat diawasi: {err}"),
            format!("cannot watch the folder: {err}"),
        ),
    )
    .into()
}

/// Whether `path` is inside a folder tools write while we serve: the picture cache (written
/// by our own rebuilds) or `.git`.
fn in_tool_folder(path: &Path) -> bool {
    path.components()
        .any(|c| c.as_os_str() == CACHE_DIR_NAME || c.as_os_str() == ".git")
}
