//! Replays every input kept under `fuzz/corpus/<target>/` through the same checks the fuzz
//! targets run (`fuzz/src/checks.rs`), so a plain `cargo test` keeps them from regressing
//! without the nightly fuzzing tools. A target whose folder is empty fails: the corpus is
//! part of the suite.

use std::fs;
use std::path::Path;

#[path = "../fuzz/src/checks.rs"]
mod checks;

fn replay(target: &str, check: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("corpus entry").path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no corpus in {}", dir.display());
    for file in files {
        let bytes = fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let run = std::panic::catch_unwind(|| check(&bytes));
        assert!(
            run.is_ok(),
            "{} panicked (replay it with the fuzz target)",
            file.display()
        );
    }
}

#[test]
fn front_matter_corpus_never_panics() {
    replay("front_matter", checks::front_matter);
}

#[test]
fn kinds_corpus_never_panics() {
    replay("kinds", checks::kinds);
}

#[test]
fn markdown_corpus_never_panics() {
    replay("markdown", checks::markdown);
}

#[test]
fn slug_corpus_never_panics() {
    replay("slug", checks::slug);
}

#[test]
fn data_json_corpus_never_panics() {
    replay("data_json", checks::data_json);
}
