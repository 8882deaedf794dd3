//! Text helpers for writing new files: YAML quoting of whatever the user typed, slugs of
//! titles, and filling the `{{key}}` holes of the templates.

use crate::content::types::slugify;

/// The longest slug made from a title: long enough to read, short enough that the path of
/// a bundle's photo stays well under the 260 characters Windows allows by default.
pub const MAX_SLUG_LEN: usize = 60;

/// `text` as the inside of a YAML double-quoted string: quotes, backslashes, line breaks and
/// control characters escaped, everything else (colons, `#`, `'`, emoji) kept as it is.
pub fn yaml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{85}' => out.push_str("\\N"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if c.is_control() || c == '\u{feff}' => {
                out.push_str(&format!("\\u{:04X}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out
}

/// `text` as a YAML double-quoted string, quotes included: `Rapat: "II"` -> `"Rapat: \"II\""`.
pub fn yaml_quote(text: &str) -> String {
    format!("\"{}\"", yaml_escape(text))
}

/// What the user typed as one line: runs of white space (line breaks included) become one
/// space, and the ends are trimmed.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The slug of a title, folded to `a-z0-9-` by [`slugify`] and cut at a hyphen to at most
/// [`MAX_SLUG_LEN`] characters; `None` when nothing of the title is left (e.g. `"!!!"`).
pub fn title_slug(title: &str) -> Option<String> {
    let slug = slugify(title);
    if slug.is_empty() {
        return None;
    }
    if slug.len() <= MAX_SLUG_LEN {
        return Some(slug);
    }
    let cut = &slug[..MAX_SLUG_LEN];
    let cut = match cut.rfind('-') {
        Some(i) if i > 0 => &cut[..i],
        _ => cut,
    };
    Some(cut.trim_end_matches('-').to_string())
}

/// `text` with `&`, `<`, `>` and `"` escaped, for the inside of an XML (SVG) element or attribute.
pub fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Fills the `{{key}}` holes of `template` with their values, in one pass (a value holding
/// `{{...}}` is not filled again); a hole without a value is left as it is.
pub fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 256);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let key = &after[..end];
        match vars.iter().find(|(k, _)| *k == key) {
            Some((_, value)) => out.push_str(value),
            None => out.push_str(&rest[start..start + end + 4]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Titles a humas staffer could type that break naive YAML.
    const HOSTILE: [&str; 12] = [
        "Rapat Koordinasi OPD: Tahap II",
        "Bupati: \"Smart City untuk Semua\"",
        "Sosialisasi #SmartCity 2024",
        "'Kutip' tunggal dan \\ garis miring",
        "- bukan daftar",
        "{ bukan: peta }",
        "null",
        "~",
        "&jangkar *alias !tag | > % @ `",
        "Tab\tdan\nbaris baru",
        "Pemisah\u{2028}baris \u{85} dan \u{7} bel",
        "Emoji 🎉 dan aksara: Ñandú",
    ];

    #[test]
    fn hostile_titles_round_trip_through_yaml() {
        for title in HOSTILE {
            let yaml = format!("title: {}\n", yaml_quote(title));
            let back: std::collections::BTreeMap<String, String> =
                serde_norway::from_str(&yaml).unwrap_or_else(|e| panic!("{yaml}: {e}"));
            assert_eq!(back["title"], title, "{yaml}");
            assert_eq!(yaml.lines().count(), 1, "one line: {yaml}");
        }
    }

    #[test]
    fn titles_fold_to_slugs() {
        assert_eq!(
            title_slug("Rapat Koordinasi OPD: Tahap II").as_deref(),
            Some("rapat-koordinasi-opd-tahap-ii")
        );
        assert_eq!(
            title_slug("Bupati: \"Smart City\" — Tahap  II!").as_deref(),
            Some("bupati-smart-city-tahap-ii")
        );
        assert_eq!(
            title_slug("Peresmian Café Digital").as_deref(),
            Some("peresmian-cafe-digital")
        );
        assert_eq!(title_slug("!!! ???"), None);
    }

    #[test]
    fn long_titles_are_cut_at_a_hyphen() {
        let title = "Diskominfotik Sumbar Gelar Pembinaan dan Sosialisasi Smart City Tahap II di Kabupaten Agam";
        let slug = title_slug(title).unwrap();
        assert!(slug.len() <= MAX_SLUG_LEN, "{slug}");
        assert_eq!(
            slug,
            "diskominfotik-sumbar-gelar-pembinaan-dan-sosialisasi-smart"
        );
        let one_word = "a".repeat(80);
        assert_eq!(title_slug(&one_word).unwrap().len(), MAX_SLUG_LEN);
    }

    #[test]
    fn fill_replaces_holes_once() {
        let out = fill(
            "a {{x}} b {{y}} {{missing}} {{",
            &[("x", "{{y}}"), ("y", "2")],
        );
        assert_eq!(out, "a {{y}} b 2 {{missing}} {{");
    }

    #[test]
    fn one_line_collapses_breaks() {
        assert_eq!(one_line("  Rapat\n\tKoordinasi  "), "Rapat Koordinasi");
    }
}
