//! Text helpers every later module shares (it takes nothing from the others but `error`'s
//! [`Lang`](crate::error::Lang)): HTML escaping, dates and amounts written the Indonesian way, and
//! file bytes kept deflated.

pub mod dates;
pub mod packed;

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `text` percent-encoded for one part of a URL's query (`?text=...`): every byte but the
/// unreserved letters, digits and `-_.~` is written `%XX` from its UTF-8.
pub fn url_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3 / 2);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The schemes a link taken from content may use; anything else (`javascript:`, `data:`,
/// `vbscript:`, `file:`) is never emitted.
pub const SAFE_SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

/// The scheme of `url` as a browser reads it (lower case; tabs and line breaks inside and
/// spaces and control characters in front are ignored, as browsers do), or `None` for a
/// relative URL (`/berita/`, `foto.jpg`, `#isi`, `?q=1`, `//host/x`).
pub fn url_scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let end = cleaned.find([':', '/', '?', '#'])?;
    if !cleaned[end..].starts_with(':') {
        return None;
    }
    let scheme = &cleaned[..end];
    let valid = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| scheme.to_ascii_lowercase())
}

/// Whether `url` may be emitted as a link: relative, or `http`, `https`, `mailto`, `tel`.
pub fn is_safe_url(url: &str) -> bool {
    url_scheme(url).is_none_or(|s| SAFE_SCHEMES.contains(&s.as_str()))
}

/// Whether `url` is an absolute `http` or `https` address.
pub fn is_web_url(url: &str) -> bool {
    matches!(url_scheme(url).as_deref(), Some("http" | "https"))
        && !url.trim().contains(char::is_whitespace)
}

/// JSON text made safe inside an HTML `<script>` element: `<`, `>` and `&` written as
/// `\u003c`, `\u003e` and `\u0026` (they only occur inside JSON strings, where the escapes
/// mean the same characters), so no `</script>` or `<!--` can end or change the element.
pub fn json_for_script(json: &str) -> String {
    let bytes = json.as_bytes();
    let mut out = String::with_capacity(json.len() + 16);
    // Runs between escapes are copied whole: `data.json` of a province is megabytes long
    // and rebuilt on every save in the preview.
    let mut copied = 0;
    let mut at = 0;
    while at < bytes.len() {
        let (escape, len) = match bytes[at] {
            b'<' => ("\\u003c", 1),
            b'>' => ("\\u003e", 1),
            b'&' => ("\\u0026", 1),
            // Line and paragraph separators (U+2028, U+2029: E2 80 A8, E2 80 A9) end a line
            // in older script parsers.
            0xE2 if bytes.get(at + 1) == Some(&0x80) && bytes.get(at + 2) == Some(&0xA8) => {
                ("\\u2028", 3)
            }
            0xE2 if bytes.get(at + 1) == Some(&0x80) && bytes.get(at + 2) == Some(&0xA9) => {
                ("\\u2029", 3)
            }
            _ => {
                at += 1;
                continue;
            }
        };
        out.push_str(&json[copied..at]);
        out.push_str(escape);
        at += len;
        copied = at;
    }
    out.push_str(&json[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_component_encodes_all_but_unreserved_bytes() {
        assert_eq!(
            url_component("Bimtek Tahap II & Quick Win? https://x.id/a?b=c#d"),
            "Bimtek%20Tahap%20II%20%26%20Quick%20Win%3F%20https%3A%2F%2Fx.id%2Fa%3Fb%3Dc%23d"
        );
        assert_eq!(
            url_component("Sumbar–Nagari é"),
            "Sumbar%E2%80%93Nagari%20%C3%A9"
        );
        assert_eq!(url_component("a-b_c.d~e"), "a-b_c.d~e");
    }

    #[test]
    fn only_web_mail_phone_and_relative_urls_are_safe() {
        for safe in [
            "https://agamkab.go.id",
            "HTTP://x.id",
            "mailto:humas@agamkab.go.id",
            "tel:+62752",
            "/berita/",
            "foto.jpg",
            "#isi",
            "?q=1",
            "//cdn.example/x",
            "a/b:c",
        ] {
            assert!(is_safe_url(safe), "{safe}");
        }
        for unsafe_url in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " \u{1}javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox",
            "file:///etc/passwd",
        ] {
            assert!(!is_safe_url(unsafe_url), "{unsafe_url}");
        }
        assert!(is_web_url("https://x.id/a"));
        assert!(!is_web_url("/berita/"));
        assert!(!is_web_url("mailto:a@b"));
    }

    #[test]
    fn json_in_a_script_cannot_close_it() {
        let json = r#"{"headline":"</script><script>alert(1)</script> & <!--"}"#;
        let safe = json_for_script(json);
        assert!(!safe.contains('<') && !safe.contains('>') && !safe.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(
            back["headline"],
            "</script><script>alert(1)</script> & <!--"
        );
    }

    #[test]
    fn json_for_script_escapes_line_separators_and_keeps_other_letters() {
        let json = "{\"t\":\"Ā\u{2028}é\u{2029}–<\"}";
        let safe = json_for_script(json);
        assert_eq!(safe, "{\"t\":\"Ā\\u2028é\\u2029–\\u003c\"}");
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["t"], "Ā\u{2028}é\u{2029}–<");
    }
}
