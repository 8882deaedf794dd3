//! One error type for everything a user can get wrong (the foundation: takes nothing from the
//! crate): a [`Diagnostic`] names the file, the line and column, says what is wrong and how to
//! fix it, in Indonesian and in English.

use std::fmt;
use std::path::{Path, PathBuf};

/// The language messages are printed in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    /// Bahasa Indonesia, the default.
    #[default]
    Id,
    /// English.
    En,
}

/// A piece of user-facing text in both languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    /// The Indonesian text.
    pub id: String,
    /// The English text.
    pub en: String,
}

impl Text {
    /// Text given in both languages.
    pub fn new(id: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            id: id.into(),
            en: en.into(),
        }
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Id => &self.id,
            Lang::En => &self.en,
        }
    }
}

/// One problem found in the user's files, printed like a compiler error. Boxed, so results
/// that carry one stay small.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic(Box<DiagnosticInfo>);

impl std::ops::Deref for Diagnostic {
    type Target = DiagnosticInfo;
    fn deref(&self) -> &DiagnosticInfo {
        &self.0
    }
}

impl std::ops::DerefMut for Diagnostic {
    fn deref_mut(&mut self) -> &mut DiagnosticInfo {
        &mut self.0
    }
}

/// What a [`Diagnostic`] says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiagnosticInfo {
    /// The file the problem is in, relative to the content folder where possible.
    pub file: PathBuf,
    /// 1-based line, or 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column, or 0 when unknown.
    pub column: usize,
    /// What is wrong.
    pub message: Text,
    /// How to fix it.
    pub hint: Option<Text>,
    /// The text of the offending line, shown under the location.
    pub source_line: Option<String>,
    /// How many characters the caret underlines; 0 to underline the token at the column.
    pub caret_width: usize,
    /// Which regency the file belongs to, when building a province.
    pub regency: Option<String>,
}

impl Diagnostic {
    /// A problem with a whole file (no line known).
    pub fn file(file: impl Into<PathBuf>, message: Text) -> Self {
        Diagnostic(Box::new(DiagnosticInfo {
            file: file.into(),
            line: 0,
            column: 0,
            message,
            hint: None,
            source_line: None,
            caret_width: 0,
            regency: None,
        }))
    }

    /// A problem at `line`:`column` of `file`, quoting that line of `source` (the whole file).
    pub fn at(
        file: impl Into<PathBuf>,
        source: &str,
        line: usize,
        column: usize,
        message: Text,
    ) -> Self {
        let source_line = line
            .checked_sub(1)
            .and_then(|i| source.lines().nth(i))
            .map(str::to_string);
        let mut d = Diagnostic::file(file, message);
        d.line = line;
        d.column = column;
        d.source_line = source_line;
        d
    }

    /// A problem with the `value` written after `key:` in the YAML `source` of `file`,
    /// pointing at it (see [`locate_in_source`]).
    pub fn at_key(
        file: impl Into<PathBuf>,
        source: &str,
        key: &str,
        value: &str,
        message: Text,
    ) -> Self {
        let (line, column) = locate_in_source(source, key, value);
        Diagnostic::at(file, source, line, column, message)
    }

    /// The same diagnostic with a hint on how to fix it.
    pub fn with_hint(mut self, hint: Text) -> Self {
        self.hint = Some(hint);
        self
    }

    /// The same diagnostic underlining exactly `width` characters from its column.
    pub fn with_caret_width(mut self, width: usize) -> Self {
        self.caret_width = width;
        self
    }

    /// A problem reading a file or folder from disk.
    pub fn io(path: &Path, err: &std::io::Error) -> Self {
        let reason = io_reason(err);
        Diagnostic::file(
            path,
            Text::new(
                format!("tidak dapat membaca atau menulis berkas: {}", reason.id),
                format!("cannot read or write this file: {}", reason.en),
            ),
        )
        .with_hint(Text::new(
            "periksa bahwa berkas itu ada dan Anda berhak membukanya",
            "check that the file exists and that you may open it",
        ))
    }

    /// Renders the diagnostic in `lang`, compiler style.
    pub fn render(&self, lang: Lang) -> String {
        self.render_as(lang, Severity::Error)
    }

    /// Renders the diagnostic in `lang` as a problem that did not stop the build.
    pub fn render_warning(&self, lang: Lang) -> String {
        self.render_as(lang, Severity::Warning)
    }

    fn render_as(&self, lang: Lang, severity: Severity) -> String {
        let (label, hint_label) = match (lang, severity) {
            (Lang::Id, Severity::Error) => ("galat", "saran"),
            (Lang::Id, Severity::Warning) => ("peringatan", "saran"),
            (Lang::En, Severity::Error) => ("error", "help"),
            (Lang::En, Severity::Warning) => ("warning", "help"),
        };
        let mut out = format!("{label}: {}\n", self.message.get(lang));
        let file = self.file.display();
        let place = match (self.line, self.column) {
            (0, _) => format!("{file}"),
            (l, 0) => format!("{file}:{l}"),
            (l, c) => format!("{file}:{l}:{c}"),
        };
        match &self.regency {
            Some(r) => out.push_str(&format!("  --> [{r}] {place}\n")),
            None => out.push_str(&format!("  --> {place}\n")),
        }
        if let Some(text) = &self.source_line {
            let num = self.line.to_string();
            let pad = " ".repeat(num.len());
            out.push_str(&format!("{pad} |\n{num} | {text}\n"));
            if self.column > 0 {
                let caret_len = match self.caret_width {
                    0 => caret_width(text, self.column),
                    n => n,
                };
                out.push_str(&format!(
                    "{pad} | {}{}\n",
                    caret_indent(text, self.column),
                    "^".repeat(caret_len)
                ));
            }
        }
        if let Some(hint) = &self.hint {
            out.push_str(&format!("  = {hint_label}: {}\n", hint.get(lang)));
        }
        out
    }
}

/// How many carets to draw under the token starting at 1-based `column` of `line`.
fn caret_width(line: &str, column: usize) -> usize {
    let rest: String = line.chars().skip(column - 1).collect();
    let token = rest.trim_end();
    let len = token
        .chars()
        .take_while(|c| !matches!(c, ',' | ']' | '}' | '#'))
        .count();
    len.max(1)
}

/// The blank space before the caret under 1-based `column` of `line`: a space per character,
/// but a tab where the line has a tab, so the caret stays under its character.
fn caret_indent(line: &str, column: usize) -> String {
    line.chars()
        .chain(std::iter::repeat(' '))
        .take(column - 1)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect()
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::Id))
    }
}

/// How serious a diagnostic is, as machine-readable output says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// The build stopped and wrote nothing.
    Error,
    /// The build went on.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl Text {
    /// `{"id": ..., "en": ...}`.
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "id": self.id, "en": self.en })
    }
}

impl Diagnostic {
    /// The diagnostic as one JSON object, for editors and CI: file, line, column, severity,
    /// message and hint in both languages, the quoted line and the regency.
    pub fn to_json(&self, severity: Severity) -> serde_json::Value {
        serde_json::json!({
            "file": self.file.to_string_lossy(),
            "line": self.line,
            "column": self.column,
            "severity": severity.as_str(),
            "message": self.message.to_json(),
            "hint": self.hint.as_ref().map(Text::to_json),
            "source_line": self.source_line,
            "regency": self.regency,
        })
    }
}

/// Every diagnostic of one build, reported together.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Renders all diagnostics in `lang`, each followed by a blank line, then a count.
    pub fn render(&self, lang: Lang) -> String {
        let mut out: String = self.0.iter().map(|d| d.render(lang) + "\n").collect();
        out.push_str(&match lang {
            Lang::Id => format!(
                "{} galat ditemukan; tidak ada berkas yang ditulis.\n",
                self.0.len()
            ),
            Lang::En => format!("{} error(s) found; nothing was written.\n", self.0.len()),
        });
        out
    }
}

impl Diagnostics {
    /// All diagnostics as a pretty JSON array of [`Diagnostic::to_json`] objects.
    pub fn to_json(&self, severity: Severity) -> String {
        let all: Vec<serde_json::Value> = self.0.iter().map(|d| d.to_json(severity)).collect();
        serde_json::to_string_pretty(&all).unwrap_or_else(|_| "[]".to_string())
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(d: Vec<Diagnostic>) -> Self {
        Diagnostics(d)
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::Id))
    }
}

impl std::error::Error for Diagnostics {}

/// The result of a step that reports every problem it finds.
pub type Result<T> = std::result::Result<T, Diagnostics>;

/// The 1-based line and column of the first `value` written after `key:` in YAML `source`
/// (a `- key:` list item counts), or of the key itself, or line 2 when neither is found.
pub fn locate_in_source(source: &str, key: &str, value: &str) -> (usize, usize) {
    let prefix = format!("{key}:");
    let lines: Vec<&str> = source.lines().collect();
    let key_of = |l: &str| l.trim_start().trim_start_matches("- ").starts_with(&prefix);
    let Some(key_index) = lines.iter().position(|l| key_of(l)) else {
        return (2, 1);
    };
    let line = lines[key_index];
    let key_col = line.len() - line.trim_start().trim_start_matches("- ").len() + 1;
    if value.is_empty() {
        return (key_index + 1, key_col);
    }
    for (i, line) in lines.iter().enumerate().skip(key_index) {
        if i > key_index && line.trim_end() == "---" {
            break;
        }
        let search_from = if i == key_index {
            key_col - 1 + prefix.len()
        } else {
            0
        };
        if let Some(pos) = line[search_from..].find(value) {
            return (i + 1, search_from + pos + 1);
        }
    }
    (key_index + 1, key_col)
}

/// The Levenshtein edit distance between two short strings.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The candidate nearest to `word`, if it is close enough to be a likely typo.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= (c.len() / 2).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Why a file could not be read or written, in plain words: the system's own text is English
/// and technical ("No such file or directory (os error 2)").
pub fn io_reason(err: &std::io::Error) -> Text {
    use std::io::ErrorKind as K;
    match err.kind() {
        K::NotFound => Text::new("berkas atau folder itu tidak ada", "no such file or folder"),
        K::PermissionDenied => Text::new(
            "Anda tidak punya izin membukanya",
            "you do not have permission to open it",
        ),
        K::NotADirectory => Text::new(
            "salah satu bagian alamatnya adalah berkas, bukan folder",
            "a part of its path is a file, not a folder",
        ),
        K::IsADirectory => Text::new(
            "itu sebuah folder, bukan berkas",
            "it is a folder, not a file",
        ),
        K::AlreadyExists => Text::new("berkas itu sudah ada", "the file already exists"),
        K::StorageFull => Text::new("disk penuh", "the disk is full"),
        K::ReadOnlyFilesystem => Text::new("disk itu hanya bisa dibaca", "the disk is read-only"),
        K::InvalidData => Text::new(
            "isinya tidak dapat dibaca sebagai teks",
            "its contents cannot be read as text",
        ),
        _ => Text::new(
            format!("kesalahan sistem ({err})"),
            format!("system error ({err})"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_a_compiler_with_caret_under_the_value() {
        let src = "---\ntitle: x\ndate: 2022-02-30\n---\n";
        let d = Diagnostic::at(
            "berita/a.md",
            src,
            3,
            7,
            Text::new("tanggal tidak valid", "invalid date"),
        )
        .with_hint(Text::new("tulis YYYY-MM-DD", "write YYYY-MM-DD"));
        let text = d.render(Lang::Id);
        assert!(text.starts_with("galat: tanggal tidak valid\n  --> berita/a.md:3:7\n"));
        assert!(text.contains("3 | date: 2022-02-30\n  |       ^^^^^^^^^^\n"));
        assert!(text.contains("= saran: tulis YYYY-MM-DD"));
        assert!(d.render(Lang::En).starts_with("error: invalid date"));
    }

    #[test]
    fn diagnostics_as_json_carry_place_severity_and_both_languages() {
        let d = Diagnostic::at(
            "berita/a.md",
            "a\nb: c\n",
            2,
            4,
            Text::new("salah", "wrong"),
        )
        .with_hint(Text::new("perbaiki", "fix it"));
        let json: serde_json::Value =
            serde_json::from_str(&Diagnostics(vec![d]).to_json(Severity::Error)).unwrap();
        assert_eq!(json[0]["file"], "berita/a.md");
        assert_eq!(
            (json[0]["line"].as_u64(), json[0]["column"].as_u64()),
            (Some(2), Some(4))
        );
        assert_eq!(json[0]["severity"], "error");
        assert_eq!(json[0]["message"]["en"], "wrong");
        assert_eq!(json[0]["hint"]["id"], "perbaiki");
        assert_eq!(json[0]["source_line"], "b: c");
        assert!(json[0]["regency"].is_null());
    }

    #[test]
    fn nearest_suggests_close_words_only() {
        let dims = ["smart-governance", "smart-living"];
        assert_eq!(nearest("smart-govermance", dims), Some("smart-governance"));
        assert_eq!(nearest("kesehatan", dims), None);
    }
}
