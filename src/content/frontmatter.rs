//! Splits a Markdown file into its YAML front matter and body, and reads the YAML into a typed
//! struct, turning every serde error into a [`Diagnostic`] at the right line of the file.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::content::types::decode_message;
use crate::content::yaml_mistakes::{curly_quoted_value, explain_failure, list_written_as_text};
use crate::error::{Diagnostic, Text, nearest};

/// A Markdown file cut in two.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the `---` lines.
    pub yaml: &'a str,
    /// The 1-based line of the file where the YAML starts.
    pub yaml_line: usize,
    /// The Markdown after the closing `---`.
    pub body: &'a str,
}

/// Cuts `source` at its `---` lines. A file must start with `---`.
pub fn split_front_matter<'a>(file: &Path, source: &'a str) -> Result<Split<'a>, Diagnostic> {
    let source_nobom = source.strip_prefix('\u{feff}').unwrap_or(source);
    let Some(rest) = source_nobom
        .strip_prefix("---\n")
        .or_else(|| source_nobom.strip_prefix("---\r\n"))
    else {
        return Err(Diagnostic::at(
            file,
            source,
            1,
            1,
            Text::new(
                "berkas tidak diawali front matter (baris `---`)",
                "the file does not start with front matter (a `---` line)",
            ),
        )
        .with_hint(Text::new(
            "baris pertama harus `---`, lalu judul dan data lain, lalu `---` lagi sebelum isi tulisan",
            "the first line must be `---`, then the title and other fields, then `---` again before the text",
        )));
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Ok(Split {
                yaml: &rest[..offset],
                yaml_line: 2,
                body: &rest[offset + line.len()..],
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::at(
        file,
        source,
        1,
        1,
        Text::new(
            "front matter tidak ditutup dengan baris `---`",
            "the front matter is not closed with a `---` line",
        ),
    )
    .with_hint(Text::new(
        "tambahkan baris `---` setelah data front matter, sebelum isi tulisan",
        "add a `---` line after the front matter, before the text",
    )))
}

/// Reads `yaml` (found at `yaml_line` of `source`) into `T`, or explains what is wrong.
pub fn parse_yaml<T: DeserializeOwned>(
    file: &Path,
    source: &str,
    yaml: &str,
    yaml_line: usize,
) -> Result<T, Diagnostic> {
    if let Some(mistake) = curly_quoted_value(yaml) {
        return Err(mistake.into_diagnostic(file, source, yaml_line));
    }
    let yaml_or_empty = if yaml.trim().is_empty() { "{}" } else { yaml };
    serde_norway::from_str(yaml_or_empty)
        .map_err(|err| yaml_error_to_diagnostic(file, source, yaml, yaml_line, &err))
}

fn yaml_error_to_diagnostic(
    file: &Path,
    source: &str,
    yaml: &str,
    yaml_line: usize,
    err: &serde_norway::Error,
) -> Diagnostic {
    let full = err.to_string();
    let text = full.split(" at line ").next().unwrap_or(&full);
    let location = err.location().map(|loc| (loc.line(), loc.column()));
    if let Some(mistake) = explain_failure(yaml, text, location) {
        return mistake.into_diagnostic(file, source, yaml_line);
    }
    let (line, column) = match location {
        Some((line, column)) => (line + yaml_line - 1, column),
        None => (yaml_line, 0),
    };
    if let Some(d) = list_as_text_diagnostic(file, source, line, text) {
        return d;
    }
    let (message, hint) = explain_serde_message(text);
    let (line, column) = match decode_message(text) {
        Some(d) if !d.value.is_empty() => {
            find_value(source, line, &d.value).unwrap_or((line, column))
        }
        _ => duplicate_key(text)
            .and_then(|key| find_second_key(source, line, column, key))
            .unwrap_or((line, column)),
    };
    let mut diagnostic = Diagnostic::at(file, source, line, column, message);
    diagnostic.hint = hint;
    if let Some(key) = unknown_key(text) {
        diagnostic.caret_width = key.chars().count();
    }
    diagnostic
}

/// The key serde names in an "unknown field" message, to underline that key alone.
fn unknown_key(serde_text: &str) -> Option<&str> {
    let (_, rest) = serde_text.split_once("unknown field `")?;
    rest.split('`').next()
}

/// A list written as plain text (`tags: Bimtek, UMKM`) at `line` of `source`, which serde
/// reports as a string where a sequence was expected: the fixed line goes in the hint.
fn list_as_text_diagnostic(
    file: &Path,
    source: &str,
    line: usize,
    serde_text: &str,
) -> Option<Diagnostic> {
    let (_, body) = serde_text.split_once(": invalid type: string ")?;
    if !body.ends_with("expected a sequence") {
        return None;
    }
    let text = source.lines().nth(line.checked_sub(1)?)?;
    let (key, column, width, fixed) = list_written_as_text(text)?;
    let diagnostic = Diagnostic::at(
        file,
        source,
        line,
        column,
        Text::new(
            format!(
                "{key}: daftar ditulis sebagai teks biasa; daftar harus diapit kurung siku [ ]"
            ),
            format!(
                "{key}: a list is written as plain text; a list must be in square brackets [ ]"
            ),
        ),
    );
    Some(
        diagnostic.with_caret_width(width).with_hint(Text::new(
            format!("tulis `{fixed}` (pisahkan tiap isi dengan koma), atau satu baris `- isi` per isi di bawah `{key}:`"),
            format!("write `{fixed}` (items separated by commas), or one `- item` line per item under `{key}:`"),
        )),
    )
}

/// The key serde names in a "duplicate field" message.
fn duplicate_key(serde_text: &str) -> Option<&str> {
    let (_, rest) = serde_text.split_once("duplicate field `")?;
    rest.split('`').next()
}

/// Where `key` is written the second time in the mapping that starts at `from_line`, `column`
/// (serde points at the mapping, not at the repeated key): the line and column of that key.
fn find_second_key(
    source: &str,
    from_line: usize,
    column: usize,
    key: &str,
) -> Option<(usize, usize)> {
    let indent = column.saturating_sub(1);
    source
        .lines()
        .enumerate()
        .skip(from_line.saturating_sub(1))
        .filter(|(_, line)| {
            let rest = line.get(indent..).unwrap_or_default();
            line.chars().take(indent).all(|c| c == ' ')
                && rest
                    .strip_prefix(key)
                    .is_some_and(|after| after.trim_start_matches([' ', '\t']).starts_with(':'))
        })
        .nth(1)
        .map(|(i, _)| (i + 1, column.max(1)))
}

/// The first place at or after `from_line` where `value` is written, as line and column.
fn find_value(source: &str, from_line: usize, value: &str) -> Option<(usize, usize)> {
    source
        .lines()
        .enumerate()
        .skip(from_line.saturating_sub(1))
        .find_map(|(i, line)| {
            let byte = line.find(value)?;
            Some((i + 1, line[..byte].chars().count() + 1))
        })
}

/// Turns serde's English messages into plain bilingual ones with a hint.
fn explain_serde_message(text: &str) -> (Text, Option<Text>) {
    if let Some(crate::content::types::Decoded {
        prefix,
        message,
        hint,
        ..
    }) = decode_message(text)
    {
        let field = prefix.trim_end_matches(": ");
        let message = if field.is_empty() || field == "." {
            message
        } else {
            Text::new(
                format!("{field}: {}", message.id),
                format!("{field}: {}", message.en),
            )
        };
        return (message, Some(hint));
    }
    let (field, body) = match text.split_once(": ") {
        Some((f, b)) if !f.contains(' ') => (format!("{f}: "), b),
        _ => (String::new(), text),
    };
    if let Some(rest) = body.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or_default();
        let allowed = backticked_after(rest, "expected");
        let near = nearest(name, allowed.iter().map(String::as_str));
        let list = allowed.join(", ");
        let hint = match near {
            Some(n) => Text::new(
                format!(
                    "mungkin maksud Anda `{n}`? Kunci yang boleh di sini: {list}. Data bebas taruh di bawah `extra:`"
                ),
                format!(
                    "did you mean `{n}`? Allowed keys here: {list}. Put free data under `extra:`"
                ),
            ),
            None => Text::new(
                format!("kunci yang boleh di sini: {list}. Data bebas taruh di bawah `extra:`"),
                format!("allowed keys here: {list}. Put free data under `extra:`"),
            ),
        };
        return (
            Text::new(
                format!("{field}kunci tidak dikenal: `{name}`"),
                format!("{field}unknown key: `{name}`"),
            ),
            Some(hint),
        );
    }
    if let Some(rest) = body.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or_default();
        return (
            Text::new(
                format!("{field}kunci wajib `{name}` belum diisi"),
                format!("{field}required key `{name}` is missing"),
            ),
            Some(Text::new(
                format!("tambahkan baris `{name}: ...` di front matter"),
                format!("add a line `{name}: ...` to the front matter"),
            )),
        );
    }
    if let Some(rest) = body.strip_prefix("unknown variant `") {
        let name = rest.split('`').next().unwrap_or_default();
        let allowed = backticked_after(rest, "expected");
        let list = allowed.join(", ");
        let hint = match nearest(name, allowed.iter().map(String::as_str)) {
            Some(n) => Text::new(
                format!("mungkin maksud Anda `{n}`? Pilihan: {list}"),
                format!("did you mean `{n}`? Choices: {list}"),
            ),
            None => Text::new(format!("pilihan: {list}"), format!("choices: {list}")),
        };
        return (
            Text::new(
                format!("{field}nilai tidak dikenal: `{name}`"),
                format!("{field}unknown value: `{name}`"),
            ),
            Some(hint),
        );
    }
    if let Some(rest) = body.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, "?"));
        return (
            Text::new(
                format!("{field}jenis nilai salah: tertulis {found}, seharusnya {expected}"),
                format!("{field}wrong kind of value: found {found}, expected {expected}"),
            ),
            Some(Text::new(
                "daftar ditulis [a, b] atau baris `- a`; teks ditulis di antara tanda kutip; ya/tidak ditulis true/false",
                "write lists as [a, b] or `- a` lines; text in quotes; yes/no as true/false",
            )),
        );
    }
    if let Some(rest) = body.strip_prefix("duplicate field `") {
        let name = rest.split('`').next().unwrap_or_default();
        return (
            Text::new(
                format!("{field}kunci `{name}` ditulis dua kali"),
                format!("{field}key `{name}` is written twice"),
            ),
            Some(Text::new("hapus salah satunya", "remove one of them")),
        );
    }
    (
        Text::new(
            format!("YAML tidak valid: {field}{body}"),
            format!("invalid YAML: {field}{body}"),
        ),
        Some(Text::new(
            "periksa indentasi (spasi, bukan tab) dan titik dua; teks yang memuat `:` atau `#` perlu diberi tanda kutip",
            "check the indentation (spaces, not tabs) and colons; text containing `:` or `#` needs quotes",
        )),
    )
}

/// The backticked words after `marker` in a serde message: ``expected one of `a`, `b` ``.
fn backticked_after(text: &str, marker: &str) -> Vec<String> {
    let Some((_, list)) = text.split_once(marker) else {
        return Vec::new();
    };
    list.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Fm {
        title: String,
        date: crate::content::types::NewsDate,
        #[serde(default)]
        dimensions: Vec<crate::content::types::Dimension>,
    }

    fn parse(source: &str) -> Result<Fm, Diagnostic> {
        let file = Path::new("berita/a.md");
        let split = split_front_matter(file, source)?;
        parse_yaml(file, source, split.yaml, split.yaml_line)
    }

    #[test]
    fn splits_yaml_and_body() {
        let s = split_front_matter(Path::new("a.md"), "---\ntitle: a\n---\nBody\n").unwrap();
        assert_eq!(s.yaml, "title: a\n");
        assert_eq!(s.body, "Body\n");
    }

    #[test]
    fn missing_front_matter_is_an_error_at_line_one() {
        let d = split_front_matter(Path::new("a.md"), "# Judul\n").unwrap_err();
        assert_eq!(d.line, 1);
        assert!(d.message.id.contains("front matter"));
    }

    #[test]
    fn unknown_key_points_at_its_line_and_suggests() {
        let d = parse("---\ntitle: a\ndate: 2022-08-15\ntittle: b\n---\n").unwrap_err();
        assert_eq!((d.line, d.column, d.caret_width), (4, 1, 6));
        assert_eq!(d.message.id, "kunci tidak dikenal: `tittle`");
        assert!(d.hint.as_ref().unwrap().id.contains("`title`"));
    }

    #[test]
    fn bad_date_points_at_the_value() {
        let d = parse("---\ntitle: a\ndate: 2022-02-30\n---\n").unwrap_err();
        assert_eq!((d.line, d.column), (3, 7));
        assert!(
            d.message.id.contains("Februari 2022 hanya 28 hari"),
            "{}",
            d.message.id
        );
    }

    #[test]
    fn unknown_dimension_suggests_nearest() {
        let d = parse(
            "---\ntitle: a\ndate: 2022-08-15\ndimensions: [smart-living, smart-govermance]\n---\n",
        )
        .unwrap_err();
        assert_eq!(d.line, 4);
        assert_eq!(d.column, 28);
        assert!(
            d.message
                .id
                .contains("dimensi tidak dikenal: `smart-govermance`"),
            "{}",
            d.message.id
        );
        assert!(d.hint.as_ref().unwrap().id.contains("`smart-governance`"));
    }

    #[test]
    fn wrong_type_is_explained() {
        let d = parse("---\ntitle: [a, b]\ndate: 2022-08-15\n---\n").unwrap_err();
        assert_eq!(d.line, 2);
        assert!(
            d.message.id.contains("jenis nilai salah"),
            "{}",
            d.message.id
        );
    }

    #[test]
    fn repeated_key_points_at_its_second_line() {
        let d = parse("---\ntitle: a\ndate: 2022-08-15\ntitle : b\n---\n").unwrap_err();
        assert_eq!((d.line, d.column), (4, 1));
        assert_eq!(d.message.id, "kunci `title` ditulis dua kali");
    }
}
