//! The crate's data flows one way: a module may use only modules earlier in [`ORDER`]. This
//! test reads every source file under `src/` and fails on any `crate::<module>` that points
//! later in the order, naming the file and line.

use std::fs;
use std::path::{Path, PathBuf};

/// The modules of the library, in the order data flows through them. The first four are
/// foundations every later module may use.
const ORDER: [&str; 16] = [
    "error",
    "text",
    "fingerprint",
    "progress",
    "content",
    "config",
    "scaffold",
    "import",
    "markdown",
    "site",
    "export",
    "province",
    "render",
    "output",
    "build",
    "serve",
];

fn rank(module: &str) -> Option<usize> {
    ORDER.iter().position(|m| *m == module)
}

/// Every `.rs` file below `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top module a file of `src/` belongs to (`src/site/checks.rs` -> `site`).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    Some(first.trim_end_matches(".rs").to_string())
}

/// The modules named after `crate::` on a line, including inside `use crate::{a, b}`.
fn crate_refs(line: &str) -> Vec<String> {
    let mut refs = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                refs.push(name);
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            refs.push(name);
        }
    }
    refs
}

#[test]
fn no_module_uses_one_later_in_the_data_flow() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(
        files.len() > 20,
        "expected the crate's sources under {src:?}"
    );
    let mut violations = Vec::new();
    let mut unknown = Vec::new();
    for file in &files {
        let Some(module) = module_of(&src, file) else {
            continue;
        };
        if module == "main" || module == "lib" {
            continue;
        }
        let Some(own) = rank(&module) else {
            unknown.push(module);
            continue;
        };
        let text = fs::read_to_string(file).expect("read source");
        for (n, line) in text.lines().enumerate() {
            for used in crate_refs(line) {
                match rank(&used) {
                    Some(r) if r > own => violations.push(format!(
                        "{}:{}: `{module}` uses `{used}`, which comes later",
                        file.display(),
                        n + 1
                    )),
                    _ => {}
                }
            }
        }
    }
    unknown.sort();
    unknown.dedup();
    assert!(
        unknown.is_empty(),
        "modules missing from ORDER (place them in the data flow): {unknown:?}"
    );
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn the_reference_reader_sees_grouped_and_nested_uses() {
    assert_eq!(
        crate_refs("use crate::{render::OutputFile, site::Site};"),
        vec!["render", "site"]
    );
    assert_eq!(
        crate_refs("let x = crate::text::escape_html(s);"),
        vec!["text"]
    );
}
