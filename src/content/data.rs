//! Tables under `data/` that templates can read as `data.<name>`: YAML, JSON or CSV files.

use std::fs;
use std::path::Path;

use serde_json::{Map, Value};

use crate::content::encoding::read_text_file;
use crate::content::frontmatter::parse_yaml;
use crate::content::walk::{EntryKind, Inside};
use crate::error::{Diagnostic, Text};

/// Reads every `.yaml`, `.yml`, `.json` and `.csv` file directly in `dir`.
/// Files that are links leaving the site folder are errors, never read.
pub fn load_data(inside: &Inside, dir: &Path, errors: &mut Vec<Diagnostic>) -> Map<String, Value> {
    let mut tables = Map::new();
    if let Err(e) = inside.check_file(dir) {
        errors.push(e);
        return tables;
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return tables;
    };
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let (Some(stem), Some(ext)) = (path.file_stem(), path.extension()) else {
            continue;
        };
        let rel = Path::new("data").join(path.file_name().unwrap_or_default());
        if !matches!(ext.to_str(), Some("yaml" | "yml" | "json" | "csv")) {
            continue;
        }
        match inside.kind_of(&path) {
            Ok(Some(EntryKind::File)) => {}
            Ok(_) => continue,
            Err(e) => {
                errors.push(e);
                continue;
            }
        }
        let source = match read_text_file(&path, &rel) {
            Ok(s) => s,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let value = match ext.to_string_lossy().as_ref() {
            "yaml" | "yml" | "json" => parse_yaml::<Value>(&rel, &source, &source, 1),
            "csv" => parse_csv(&rel, &source),
            _ => continue,
        };
        match value {
            Ok(v) => {
                tables.insert(stem.to_string_lossy().into_owned(), v);
            }
            Err(e) => errors.push(e),
        }
    }
    tables
}

/// A CSV file with a header row as an array of objects keyed by the header.
fn parse_csv(file: &Path, source: &str) -> Result<Value, Diagnostic> {
    let mut rows = csv_rows(file, source)?.into_iter();
    let Some(header) = rows.next() else {
        return Ok(Value::Array(Vec::new()));
    };
    let objects = rows
        .map(|row| {
            let map: Map<String, Value> = header
                .iter()
                .cloned()
                .zip(row.into_iter().map(Value::String))
                .collect();
            Value::Object(map)
        })
        .collect();
    Ok(Value::Array(objects))
}

/// Splits CSV text into rows of fields; quoted fields may hold commas, quotes and newlines.
fn csv_rows(file: &Path, source: &str) -> Result<Vec<Vec<String>>, Diagnostic> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut quote_line = 0;
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (false, '"') if field.is_empty() => {
                quoted = true;
                quote_line = line;
            }
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                line += 1;
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, '\r') => {}
            (_, c) => {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
        }
    }
    if quoted {
        return Err(Diagnostic::at(
            file,
            source,
            quote_line,
            1,
            Text::new("tanda kutip tidak ditutup", "a quote is not closed"),
        )
        .with_hint(Text::new(
            "tutup teks dengan tanda kutip \" yang sama",
            "close the text with a matching \" quote",
        )));
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_quotes_becomes_objects() {
        let v = parse_csv(
            Path::new("d.csv"),
            "opd,jumlah\n\"Dinas, Kominfo\",3\nBappeda,2\n",
        )
        .unwrap();
        assert_eq!(v[0]["opd"], "Dinas, Kominfo");
        assert_eq!(v[1]["jumlah"], "2");
    }

    #[test]
    fn unclosed_quote_names_its_line() {
        let d = parse_csv(Path::new("d.csv"), "a,b\n1,2\n\"x,3\n").unwrap_err();
        assert_eq!(d.line, 3);
    }
}
