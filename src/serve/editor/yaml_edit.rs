//! Line-wise edits of a document's front matter: one top-level key's lines replaced, added or
//! removed, and the body replaced, leaving every other byte of the file as it was (other keys,
//! comments, key order, quoting, line endings). The editor never re-serializes a mapping.

/// A document's lines, with where its front matter starts and ends.
struct Lines<'a> {
    /// A byte order mark at the start, kept.
    bom: &'a str,
    /// Every line with its line ending.
    lines: Vec<&'a str>,
    /// The index of the closing `---` line.
    close: usize,
    /// The line ending the file uses.
    eol: &'static str,
}

impl<'a> Lines<'a> {
    fn read(text: &'a str) -> Option<Lines<'a>> {
        let (bom, rest) = match text.strip_prefix('\u{feff}') {
            Some(r) => ("\u{feff}", r),
            None => ("", text),
        };
        let lines: Vec<&str> = rest.split_inclusive('\n').collect();
        if lines.first().map(|l| l.trim_end()) != Some("---") {
            return None;
        }
        let close = lines
            .iter()
            .enumerate()
            .skip(1)
            .find(|(_, l)| l.trim_end() == "---")
            .map(|(i, _)| i)?;
        let eol = if lines[0].ends_with("\r\n") {
            "\r\n"
        } else {
            "\n"
        };
        Some(Lines {
            bom,
            lines,
            close,
            eol,
        })
    }

    /// The line index where top-level `key` starts, if it is written.
    fn key_line(&self, key: &str) -> Option<usize> {
        (1..self.close).find(|&i| starts_key(self.lines[i], key))
    }

    /// The line index of a commented example of `key` (`# key: ...`), if there is one.
    fn example_line(&self, key: &str) -> Option<usize> {
        (1..self.close).find(|&i| {
            self.lines[i]
                .strip_prefix("# ")
                .is_some_and(|rest| starts_key(rest, key))
        })
    }

    /// The end (exclusive) of the block of the key at `start`: its indented or `- ` lines, and
    /// blank lines between them.
    fn block_end(&self, start: usize) -> usize {
        let mut end = start + 1;
        let mut i = start + 1;
        while i < self.close {
            let line = self.lines[i];
            if line.trim().is_empty() {
                i += 1;
                continue;
            }
            if line.starts_with(' ') || line.starts_with('\t') || line.starts_with('-') {
                i += 1;
                end = i;
            } else {
                break;
            }
        }
        end
    }

    /// The end (exclusive) of a commented example at `start`: `#   ...` and `# - ...` lines.
    fn example_end(&self, start: usize) -> usize {
        let mut i = start + 1;
        while i < self.close
            && (self.lines[i].starts_with("#  ") || self.lines[i].starts_with("# -"))
        {
            i += 1;
        }
        i
    }

    fn join(&self, replaced: (usize, usize), new_lines: &[String]) -> String {
        let mut out = String::from(self.bom);
        for line in &self.lines[..replaced.0] {
            out.push_str(line);
        }
        for line in new_lines {
            out.push_str(line);
            out.push_str(self.eol);
        }
        for line in &self.lines[replaced.1..] {
            out.push_str(line);
        }
        out
    }
}

/// Whether `line` writes the top-level key `key` (`key:` at its very start).
fn starts_key(line: &str, key: &str) -> bool {
    line.strip_prefix(key)
        .is_some_and(|rest| rest.starts_with(':'))
}

/// `text` with the top-level `key` written as `block` (its whole lines, first one starting
/// with `key:`), or removed when `block` is `None`. A key not yet written replaces its
/// commented example (`# key: ...`) when the file has one, else goes last in the front matter.
/// `None` when `text` has no front matter.
pub fn set_key(text: &str, key: &str, block: Option<&str>) -> Option<String> {
    let doc = Lines::read(text)?;
    let new_lines: Vec<String> = block
        .map(|b| b.lines().map(str::to_string).collect())
        .unwrap_or_default();
    if let Some(start) = doc.key_line(key) {
        return Some(doc.join((start, doc.block_end(start)), &new_lines));
    }
    if new_lines.is_empty() {
        return Some(text.to_string());
    }
    if let Some(start) = doc.example_line(key) {
        return Some(doc.join((start, doc.example_end(start)), &new_lines));
    }
    Some(doc.join((doc.close, doc.close), &new_lines))
}

/// `text` with everything after the closing `---` line replaced by `body`, written with the
/// file's line ending. `None` when `text` has no front matter.
pub fn set_body(text: &str, body: &str) -> Option<String> {
    let doc = Lines::read(text)?;
    let mut out = String::from(doc.bom);
    for line in &doc.lines[..=doc.close] {
        out.push_str(line);
    }
    if !doc.lines[doc.close].ends_with('\n') {
        out.push_str(doc.eol);
    }
    let normalized = body.replace("\r\n", "\n");
    if doc.eol == "\r\n" {
        out.push_str(&normalized.replace('\n', "\r\n"));
    } else {
        out.push_str(&normalized);
    }
    Some(out)
}

/// The body of `text` (after the closing `---` line), with `\n` line endings.
pub fn body_of(text: &str) -> Option<String> {
    let doc = Lines::read(text)?;
    Some(doc.lines[doc.close + 1..].concat().replace("\r\n", "\n"))
}

/// The top-level key whose lines hold the 1-based `line` of `text`; `Some("")` for a line of
/// the body, `None` for anything else.
pub fn key_at_line(text: &str, line: usize) -> Option<String> {
    let doc = Lines::read(text)?;
    let index = line.checked_sub(1)?;
    if index > doc.close {
        return Some(String::new());
    }
    let mut current = None;
    for (i, l) in doc.lines.iter().enumerate().take(doc.close).skip(1) {
        let first = l.chars().next().unwrap_or(' ');
        if !matches!(first, ' ' | '\t' | '-' | '#' | '\r' | '\n')
            && let Some(colon) = l.find(':')
        {
            current = Some(l[..colon].trim().to_string());
        }
        if i == index {
            return current;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "---\n# a comment kept\ntitle: \"Lama\"  # trailing comment\ndate: 2022-08-15\ntags: [a, b]\nphotos:\n  - src: a.jpg\n    caption: \"A\"\n\n  - src: b.jpg\n    caption: \"B\"\n# editor: \"Nama Penyunting\"\n# event:\n#   kind: rapat\n#   stage: \"I\"\nextra: { x: 1 }\n---\nIsi.\n";

    #[test]
    fn replacing_one_key_changes_only_its_line() {
        let out = set_key(DOC, "title", Some("title: \"Baru\"")).unwrap();
        assert_eq!(
            out,
            DOC.replace("title: \"Lama\"  # trailing comment", "title: \"Baru\"")
        );
    }

    #[test]
    fn a_block_key_is_replaced_whole_with_blank_lines_inside() {
        let out = set_key(
            DOC,
            "photos",
            Some("photos:\n  - src: c.jpg\n    caption: \"C\""),
        )
        .unwrap();
        assert!(out.contains("photos:\n  - src: c.jpg\n    caption: \"C\"\n# editor:"));
        assert!(!out.contains("b.jpg"));
        let removed = set_key(DOC, "photos", None).unwrap();
        assert!(removed.contains("tags: [a, b]\n# editor:"));
    }

    #[test]
    fn a_missing_key_takes_the_place_of_its_commented_example_or_goes_last() {
        let out = set_key(DOC, "event", Some("event: { kind: bimtek }")).unwrap();
        assert!(out.contains("# editor: \"Nama Penyunting\"\nevent: { kind: bimtek }\nextra:"));
        let out = set_key(DOC, "location", Some("location: \"Aula\"")).unwrap();
        assert!(out.ends_with("extra: { x: 1 }\nlocation: \"Aula\"\n---\nIsi.\n"));
        assert_eq!(set_key(DOC, "summary", None).unwrap(), DOC);
    }

    #[test]
    fn keys_are_matched_whole_and_only_at_the_top_level() {
        let doc = "---\ntitle: a\ntitle_extra: b\nextra:\n  title: c\n---\n";
        let out = set_key(doc, "title", Some("title: z")).unwrap();
        assert_eq!(
            out,
            "---\ntitle: z\ntitle_extra: b\nextra:\n  title: c\n---\n"
        );
    }

    #[test]
    fn crlf_files_and_a_bom_stay_as_they_are() {
        let doc = "\u{feff}---\r\ntitle: a\r\ndate: 2022-01-01\r\n---\r\nSatu\r\nDua\r\n";
        let out = set_key(doc, "title", Some("title: b")).unwrap();
        assert_eq!(out, doc.replace("title: a", "title: b"));
        assert_eq!(body_of(doc).unwrap(), "Satu\nDua\n");
        assert_eq!(set_body(doc, "Satu\r\nDua\r\n").unwrap(), doc);
        assert_eq!(set_body(doc, "Satu\nDua\n").unwrap(), doc);
    }

    #[test]
    fn body_is_replaced_after_the_closing_line() {
        let out = set_body(DOC, "Baru.\n").unwrap();
        assert!(out.ends_with("extra: { x: 1 }\n---\nBaru.\n"));
        assert_eq!(body_of(DOC).unwrap(), "Isi.\n");
        assert!(set_key("no front matter", "title", Some("title: a")).is_none());
    }

    #[test]
    fn lines_map_to_their_keys() {
        assert_eq!(key_at_line(DOC, 3).as_deref(), Some("title"));
        assert_eq!(key_at_line(DOC, 8).as_deref(), Some("photos"));
        assert_eq!(key_at_line(DOC, 10).as_deref(), Some("photos"));
        assert_eq!(key_at_line(DOC, 19).as_deref(), Some(""));
    }
}
