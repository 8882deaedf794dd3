//! Mistakes people make when they type YAML by hand, found by reading its lines: Word's curly
//! quotes around a value, a tab in the indentation, a key indented where no key can be, a
//! colon inside an unquoted value, a list written as plain text. The YAML parser notices most
//! of them, but names the wrong line or says it in its own words; these say it plainly, at
//! the place to fix.

use crate::error::{Diagnostic, Text};

/// A mistake at a place of the YAML text.
#[derive(Debug)]
pub struct Mistake {
    /// 0-based line of the YAML text.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// How many characters to underline.
    pub width: usize,
    /// What is wrong.
    pub message: Text,
    /// How to fix it.
    pub hint: Text,
}

impl Mistake {
    /// The mistake as a diagnostic of `file`, whose YAML starts at line `yaml_line` of `source`.
    pub fn into_diagnostic(
        self,
        file: &std::path::Path,
        source: &str,
        yaml_line: usize,
    ) -> Diagnostic {
        Diagnostic::at(
            file,
            source,
            yaml_line + self.line,
            self.column,
            self.message,
        )
        .with_hint(self.hint)
        .with_caret_width(self.width)
    }
}

/// A `key: value` line (possibly a `- key: value` list item), cut into its parts.
struct KeyLine<'a> {
    /// Byte offset of the key in the line.
    at: usize,
    /// The key.
    key: &'a str,
    /// Byte offset of the colon after the key.
    colon: usize,
    /// What follows the colon, without leading spaces; may be empty.
    value: &'a str,
    /// Byte offset of the value.
    value_at: usize,
}

/// The 1-based character column of byte offset `at` of `line`.
fn column_of(line: &str, at: usize) -> usize {
    line[..at].chars().count() + 1
}

/// The number of spaces `line` starts with.
fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// `line` read as `key: value`, or `None` when it is something else (a list item without a
/// key, a comment, text that goes on from the line before, a flow or quoted key).
fn key_line(line: &str) -> Option<KeyLine<'_>> {
    let mut at = indent_of(line);
    while let Some(rest) = line[at..].strip_prefix("- ") {
        at = line.len() - rest.trim_start_matches(' ').len();
    }
    let rest = &line[at..];
    if rest.starts_with(|c: char| "\"'[{#|>&*!?-%@`\t".contains(c)) {
        return None;
    }
    let colon = rest
        .find(": ")
        .or_else(|| rest.strip_suffix(':').map(str::len))?;
    let after = &rest[colon + 1..];
    let value = after.trim_start_matches([' ', '\t']);
    Some(KeyLine {
        at,
        key: rest[..colon].trim_end(),
        colon: at + colon,
        value,
        value_at: line.len() - value.len(),
    })
}

/// The value of a `- value` list item line, with its byte offset.
fn list_item(line: &str) -> Option<(&str, usize)> {
    let at = indent_of(line);
    let rest = line[at..].strip_prefix('-')?;
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    let value = rest.trim_start_matches(' ');
    Some((value, line.len() - value.len()))
}

/// "no spaces before it" or "N spaces from the left edge", for hints about indentation.
fn spaces(n: usize) -> Text {
    match n {
        0 => Text::new("tanpa spasi di depannya", "no spaces before it"),
        n => Text::new(
            format!("{n} spasi dari tepi kiri"),
            format!("{n} spaces from the left edge"),
        ),
    }
}

/// Word's curly quotes, which YAML takes as ordinary letters.
const CURLY_OPEN: [char; 7] = ['“', '”', '„', '‘', '’', '‚', '«'];
const CURLY_CLOSE: [char; 5] = ['”', '“', '’', '‘', '»'];

/// A value wrapped whole in curly quotes (`title: “Rapat”`, typed in Word): YAML would keep the
/// quotes as part of the text, so it is a mistake to fix rather than a title to publish.
pub fn curly_quoted_value(yaml: &str) -> Option<Mistake> {
    yaml.lines().enumerate().find_map(|(i, line)| {
        let (key, value, at) = match key_line(line) {
            Some(k) => (Some(k.key), k.value, k.value_at),
            None => {
                let (value, at) = list_item(line)?;
                (None, value, at)
            }
        };
        let value = value.trim_end();
        let inner = value
            .strip_prefix(CURLY_OPEN)?
            .strip_suffix(CURLY_CLOSE)
            .filter(|_| value.chars().count() >= 2)?;
        let fixed = format!(
            "{}\"{}\"",
            &line[..at],
            inner.replace('\\', "\\\\").replace('"', "\\\"")
        );
        let kept = format!("{}'{}'", &line[..at], value.replace('\'', "''"));
        let field = key.map(|k| format!("{k}: ")).unwrap_or_default();
        Some(Mistake {
            line: i,
            column: column_of(line, at),
            width: 1,
            message: Text::new(
                format!("{field}nilai diapit tanda kutip melengkung “ ” (dari Word); YAML hanya mengenal tanda kutip lurus \""),
                format!("{field}the value is wrapped in curly quotes “ ” (from Word); YAML only knows straight quotes \""),
            ),
            hint: Text::new(
                format!("ganti dengan tanda kutip lurus: `{}`; bila tanda kutip itu memang bagian dari teks, tulis `{}`", fixed.trim_start(), kept.trim_start()),
                format!("use straight quotes: `{}`; if the quotes belong in the text, write `{}`", fixed.trim_start(), kept.trim_start()),
            ),
        })
    })
}

/// The mistake that best explains why the parser failed on `yaml` with `message` at
/// `location` (1-based line and column, as the parser gives them): the first of a tab in the
/// indentation (up to the failing line), a key indented where no key can be, or a colon in an
/// unquoted value.
pub fn explain_failure(
    yaml: &str,
    message: &str,
    location: Option<(usize, usize)>,
) -> Option<Mistake> {
    let failing_line = location.map_or(0, |(line, _)| line.saturating_sub(1));
    [
        tab_in_indentation(yaml, failing_line),
        misindented_key(yaml),
        location.and_then(|loc| colon_in_plain_value(yaml, message, loc)),
    ]
    .into_iter()
    .flatten()
    .min_by_key(|m| m.line)
}

/// The first tab in the indentation of a line, up to 0-based line `last`.
fn tab_in_indentation(yaml: &str, last: usize) -> Option<Mistake> {
    yaml.lines()
        .enumerate()
        .take(last + 1)
        .find_map(|(i, line)| {
            let content = line.trim_start_matches([' ', '\t']);
            let lead = &line[..line.len() - content.len()];
            let tab = lead.find('\t').filter(|_| !content.is_empty())?;
            Some(Mistake {
                line: i,
                column: tab + 1,
                width: 1,
                message: Text::new(
                    "tab tidak boleh dipakai untuk indentasi di YAML; pakai spasi",
                    "tabs are not allowed for indentation in YAML; use spaces",
                ),
                hint: Text::new(
                    "hapus tab di awal baris ini dan ketik spasi sebagai gantinya (biasanya 2 spasi per tingkat)",
                    "delete the tab at the start of this line and type spaces instead (usually 2 per level)",
                ),
            })
        })
}

/// A colon inside an unquoted value (`title: Rapat: Tahap II`), which the parser reports as
/// "mapping values are not allowed" at that colon.
fn colon_in_plain_value(
    yaml: &str,
    message: &str,
    (line, column): (usize, usize),
) -> Option<Mistake> {
    if !message.starts_with("mapping values are not allowed") {
        return None;
    }
    let index = line.checked_sub(1)?;
    let text = yaml.lines().nth(index)?;
    let kl = key_line(text)?;
    if column <= column_of(text, kl.colon) {
        return None;
    }
    let value = kl.value.trim_end();
    let fixed = format!(
        "{}: \"{}\"",
        kl.key,
        value.replace('\\', "\\\\").replace('"', "\\\"")
    );
    Some(Mistake {
        line: index,
        column,
        width: 1,
        message: Text::new(
            format!(
                "{}: teks yang memuat titik dua (`:`) harus diapit tanda kutip",
                kl.key
            ),
            format!(
                "{}: text that contains a colon (`:`) must be in quotes",
                kl.key
            ),
        ),
        hint: Text::new(
            format!("apit seluruh nilainya dengan tanda kutip ganda: `{fixed}`"),
            format!("put the whole value in double quotes: `{fixed}`"),
        ),
    })
}

/// Reading state of [`misindented_key`]: the keys of the mappings open at this line.
#[derive(Default)]
struct Levels<'a> {
    /// Indentation of each open mapping and the last key read at it, outermost first.
    open: Vec<(usize, &'a str)>,
    /// Indentation of the line before when it was a key or `-` with nothing after it, which
    /// makes the next, deeper line its content.
    opens: Option<usize>,
    /// Indentation of the key of a `|` or `>` block of text being skipped.
    block_text: Option<usize>,
}

impl<'a> Levels<'a> {
    /// Closes the mappings indented deeper than `indent`; returns the last one closed.
    fn close_deeper_than(&mut self, indent: usize) -> Option<(usize, &'a str)> {
        let mut closed = None;
        while self.open.last().is_some_and(|&(i, _)| i > indent) {
            closed = self.open.pop();
        }
        closed
    }

    /// Notes what the value of a key or list item opens; `false` when the value goes on over
    /// lines this reading cannot follow (an unclosed quote, `[` or `{`).
    fn after_value(&mut self, indent: usize, value: &str) -> bool {
        let value = value.trim_end();
        let empty = value.is_empty() || value.starts_with('#');
        self.opens = (empty || value.starts_with(['&', '!'])).then_some(indent);
        if value.starts_with(['|', '>']) {
            self.block_text = Some(indent);
        }
        single_line_value(value)
    }
}

/// Whether `value` ends on its own line: a quote or bracket it opens is closed there.
fn single_line_value(value: &str) -> bool {
    let closed_by =
        |open: char, close: char| value.matches(open).count() <= value.matches(close).count();
    match value.chars().next() {
        Some('"') => value.len() > 1 && value.ends_with('"'),
        Some('\'') => value.len() > 1 && value.ends_with('\''),
        Some('[' | '{') => closed_by('[', ']') && closed_by('{', '}'),
        _ => true,
    }
}

/// The first key indented where no key can be: deeper than the key above when that key
/// already has a value (`title: x` then `  author: y`), or between the indentation of two
/// open levels. The parser reports these late, or as a strange value of the key above.
fn misindented_key(yaml: &str) -> Option<Mistake> {
    let mut levels = Levels::default();
    for (i, line) in yaml.lines().enumerate() {
        let indent = indent_of(line);
        let content = &line[indent..];
        if content.trim().is_empty() || content.starts_with('#') {
            continue;
        }
        if let Some(k) = levels.block_text {
            if indent > k {
                continue;
            }
            levels.block_text = None;
        }
        if content.starts_with('\t') {
            levels.opens = None;
            continue;
        }
        let single_line = if let Some((item, _)) = list_item(line) {
            levels.close_deeper_than(indent);
            match key_line(line) {
                Some(kl) => {
                    levels.open.push((kl.at, kl.key));
                    levels.after_value(kl.at, kl.value)
                }
                None => levels.after_value(indent, item),
            }
        } else if let Some(kl) = key_line(line) {
            if let Some(mistake) = place_key(&mut levels, i, line, &kl) {
                return Some(mistake);
            }
            levels.after_value(indent, kl.value)
        } else {
            levels.opens = None;
            true
        };
        if !single_line {
            return None;
        }
    }
    None
}

/// Fits the key of `kl` (line `i`) into the open `levels`, or says why it does not fit.
fn place_key<'a>(
    levels: &mut Levels<'a>,
    i: usize,
    line: &str,
    kl: &KeyLine<'a>,
) -> Option<Mistake> {
    let indent = kl.at;
    let deeper_than_opener = levels.opens.is_some_and(|k| indent > k);
    match levels.open.last_mut() {
        None => levels.open.push((indent, kl.key)),
        Some(_) if deeper_than_opener => levels.open.push((indent, kl.key)),
        Some(top) if top.0 == indent => top.1 = kl.key,
        Some(&mut (above, above_key)) if indent > above => {
            return Some(indented_under_a_value(i, line, kl, (above, above_key)));
        }
        Some(_) => {
            let inner = levels.close_deeper_than(indent);
            match levels.open.last_mut() {
                Some(top) if top.0 == indent => top.1 = kl.key,
                outer => {
                    let outer = outer.map(|o| *o);
                    return Some(between_levels(i, line, kl, inner, outer));
                }
            }
        }
    }
    None
}

/// `kl` is indented under the key `above`, which already has a value.
fn indented_under_a_value(
    i: usize,
    line: &str,
    kl: &KeyLine,
    (above, above_key): (usize, &str),
) -> Mistake {
    let (key, where_) = (kl.key, spaces(above));
    Mistake {
        line: i,
        column: column_of(line, kl.at),
        width: key.chars().count(),
        message: Text::new(
            format!(
                "kunci `{key}` menjorok ke dalam di bawah `{above_key}`, padahal `{above_key}` sudah berisi nilai"
            ),
            format!(
                "the key `{key}` is indented under `{above_key}`, but `{above_key}` already has a value"
            ),
        ),
        hint: Text::new(
            format!(
                "hapus spasi di awal baris ini agar `{key}` sejajar dengan `{above_key}` ({}); hanya kunci yang kosong setelah titik duanya (seperti `event:`) yang boleh diikuti kunci menjorok",
                where_.id
            ),
            format!(
                "remove the spaces at the start of this line so `{key}` lines up with `{above_key}` ({}); only a key with nothing after its colon (like `event:`) can have indented keys under it",
                where_.en
            ),
        ),
    }
}

/// `kl` is indented less than the keys above it (`inner`) but more than the level outside
/// them (`outer`, if any), so it belongs to neither.
fn between_levels(
    i: usize,
    line: &str,
    kl: &KeyLine,
    inner: Option<(usize, &str)>,
    outer: Option<(usize, &str)>,
) -> Mistake {
    let key = kl.key;
    let choice = |(indent, name): (usize, &str)| {
        let s = spaces(indent);
        Text::new(
            format!("`{name}` ({})", s.id),
            format!("`{name}` ({})", s.en),
        )
    };
    let choices: Vec<Text> = [inner, outer].into_iter().flatten().map(choice).collect();
    let join =
        |lang: fn(&Text) -> &str, or: &str| choices.iter().map(lang).collect::<Vec<_>>().join(or);
    Mistake {
        line: i,
        column: column_of(line, kl.at),
        width: key.chars().count(),
        message: Text::new(
            format!(
                "kunci `{key}` tidak sejajar dengan kunci mana pun di atasnya (menjorok {} spasi)",
                kl.at
            ),
            format!(
                "the key `{key}` does not line up with any key above it (indented {} spaces)",
                kl.at
            ),
        ),
        hint: Text::new(
            format!(
                "sejajarkan `{key}` dengan {}",
                join(|t| &t.id, " atau dengan ")
            ),
            format!("line `{key}` up with {}", join(|t| &t.en, " or with ")),
        ),
    }
}

/// For a list written as plain text on `line` (`tags: Bimtek, UMKM`): its key, the value's
/// byte offset and length in characters, and the line written as a list
/// (`tags: [Bimtek, UMKM]`).
pub fn list_written_as_text(line: &str) -> Option<(String, usize, usize, String)> {
    let kl = key_line(line)?;
    let value = kl.value.trim_end();
    let unquoted = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value);
    let items: Vec<&str> = unquoted
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let fixed = format!("{}{}: [{}]", &line[..kl.at], kl.key, items.join(", "));
    Some((
        kl.key.to_string(),
        column_of(line, kl.value_at),
        value.chars().count(),
        fixed.trim_start().to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn explain(yaml: &str, message: &str, location: (usize, usize)) -> Mistake {
        explain_failure(yaml, message, Some(location)).expect("a mistake")
    }

    #[test]
    fn a_colon_in_a_title_points_at_that_colon() {
        let m = explain(
            "title: Rapat: Tahap II\ndate: 2022-08-15\n",
            "mapping values are not allowed in this context",
            (1, 13),
        );
        assert_eq!((m.line, m.column), (0, 13));
        assert!(
            m.hint.id.contains("`title: \"Rapat: Tahap II\"`"),
            "{}",
            m.hint.id
        );
    }

    #[test]
    fn a_key_indented_under_a_value_is_found_on_its_own_line() {
        let m = explain(
            "title: x\n  author: y\n",
            "mapping values are not allowed",
            (2, 9),
        );
        assert_eq!((m.line, m.column), (1, 3));
        assert!(
            m.message
                .id
                .contains("`author` menjorok ke dalam di bawah `title`")
        );
        // The parser reads this one as a strange date and reports line 1.
        let m = explain(
            "title: x\ndate: 2022-08-15\n author: y\n",
            "tanggal",
            (1, 1),
        );
        assert_eq!((m.line, m.column), (2, 2));
    }

    #[test]
    fn a_key_between_two_levels_names_both() {
        let yaml = "title: x\nevent:\n  kind: rapat\n stage: II\n";
        let m = explain(yaml, "did not find expected key", (4, 2));
        assert_eq!((m.line, m.column), (3, 2));
        assert!(
            m.hint.en.contains(
                "`kind` (2 spaces from the left edge) or with `event` (no spaces before it)"
            ),
            "{}",
            m.hint.en
        );
    }

    #[test]
    fn well_indented_yaml_has_no_indentation_mistake() {
        let yaml = "title: x\nevent:\n  kind: rapat\nphotos:\n  - src: a.jpg\n    caption: b\n  -\n    src: c.jpg\nsummary: |\n  text: with colon\n    deeper\ndimensions:\n  smart-living:\n    goals:\n      - a\n  smart-economy:\n    summary: x\nyears: { start: 2020 }\nlist:\n- a\n- b\nlast: y\n";
        assert!(misindented_key(yaml).is_none());
    }

    #[test]
    fn a_tab_in_the_indentation_is_pointed_at() {
        let m = explain(
            "title: x\nevent:\n\tkind: rapat\n",
            "found character that cannot start any token",
            (3, 1),
        );
        assert_eq!((m.line, m.column), (2, 1));
        assert!(m.message.en.contains("tabs are not allowed"));
    }

    #[test]
    fn curly_quotes_around_a_value_are_a_mistake_inside_text_they_are_not() {
        let m = curly_quoted_value("date: 2022-08-15\ntitle: “Rapat”\n").expect("found");
        assert_eq!((m.line, m.column), (1, 8));
        assert!(m.hint.id.contains("`title: \"Rapat\"`"), "{}", m.hint.id);
        assert!(curly_quoted_value("title: Peluncuran “Satu Data” Agam\n").is_none());
        assert!(curly_quoted_value("tags:\n  - ‘Bimtek’\n").is_some());
    }

    #[test]
    fn a_list_written_as_text_is_rewritten_as_a_list() {
        let (key, column, width, fixed) =
            list_written_as_text("dimensions: smart-governance, smart-society").unwrap();
        assert_eq!((key.as_str(), column, width), ("dimensions", 13, 31));
        assert_eq!(fixed, "dimensions: [smart-governance, smart-society]");
    }
}
