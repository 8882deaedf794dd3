//! Reads the text files users write (Markdown, `site.yaml`, `province.yaml`, data tables,
//! templates) into Rust strings: UTF-8 with or without a byte order mark, and UTF-16 with one
//! (what Notepad calls "Unicode"). Any other bytes are a [`Diagnostic`] naming the line and
//! column of the first bad byte, and the character it probably is when the file looks like
//! Windows-1252 ("ANSI" in Notepad).

use std::path::Path;

use crate::error::{Diagnostic, Text};

/// The byte order mark of UTF-8.
const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];
/// The byte order mark of UTF-16, little-endian (Notepad's "Unicode").
const UTF16_LE_BOM: &[u8] = &[0xFF, 0xFE];
/// The byte order mark of UTF-16, big-endian (Notepad's "Unicode big endian").
const UTF16_BE_BOM: &[u8] = &[0xFE, 0xFF];

/// Reads the file at `full` as text; `shown` names it in messages (relative to the site).
pub fn read_text_file(full: &Path, shown: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(full).map_err(|e| Diagnostic::io(shown, &e))?;
    decode_text(shown, bytes)
}

/// `bytes` as text: UTF-8 (a byte order mark is dropped) or UTF-16 with a byte order mark.
pub fn decode_text(file: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    if let Some(rest) = bytes.strip_prefix(UTF16_LE_BOM) {
        return decode_utf16(file, rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(UTF16_BE_BOM) {
        return decode_utf16(file, rest, u16::from_be_bytes);
    }
    let mut bytes = bytes;
    if bytes.starts_with(UTF8_BOM) {
        bytes.drain(..UTF8_BOM.len());
    }
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        return Err(nul_byte(file, &bytes, at));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        not_utf8(file, e.as_bytes(), at)
    })
}

/// UTF-16 code units (after the byte order mark) as text.
fn decode_utf16(file: &Path, bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String, Diagnostic> {
    let units = bytes.chunks_exact(2).map(|p| unit([p[0], p[1]]));
    let mut text = String::with_capacity(bytes.len() / 2);
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => text.push(c),
            Err(_) => return Err(broken_utf16(file, &text)),
        }
    }
    if bytes.len() % 2 == 1 {
        return Err(broken_utf16(file, &text));
    }
    Ok(text)
}

/// The 1-based line and column of the character that starts at byte `at` of `bytes`, and the
/// text of that line (bad bytes shown as `�`).
fn place_of(bytes: &[u8], at: usize) -> (usize, usize, String) {
    let line_start = bytes[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line_end = bytes[at..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| at + i);
    let line = 1 + bytes[..line_start].iter().filter(|&&b| b == b'\n').count();
    let column = 1 + String::from_utf8_lossy(&bytes[line_start..at])
        .chars()
        .count();
    let text = String::from_utf8_lossy(&bytes[line_start..line_end])
        .trim_end_matches('\r')
        .to_string();
    (line, column, text)
}

/// A diagnostic at byte `at` of `bytes`, quoting its line.
fn at_byte(file: &Path, bytes: &[u8], at: usize, message: Text) -> Diagnostic {
    let (line, column, text) = place_of(bytes, at);
    let mut d = Diagnostic::file(file, message).with_caret_width(1);
    (d.line, d.column, d.source_line) = (line, column, Some(text));
    d
}

/// How to save a file as UTF-8 in Notepad, the editor humas staff have.
fn save_as_utf8_hint() -> Text {
    Text::new(
        "buka berkas ini di Notepad, pilih Berkas > Simpan Sebagai > Pengodean: UTF-8, lalu simpan",
        "open the file in Notepad, choose File > Save As > Encoding: UTF-8, then save",
    )
}

/// The first byte at `at` is not UTF-8: says which, and what it probably is.
fn not_utf8(file: &Path, bytes: &[u8], at: usize) -> Diagnostic {
    let byte = bytes[at];
    let (line, column, _) = place_of(bytes, at);
    let mut message = Text::new(
        format!(
            "berkas ini tidak disimpan sebagai UTF-8: byte 0x{byte:02X} di baris {line} kolom {column} bukan UTF-8"
        ),
        format!(
            "this file is not saved as UTF-8: byte 0x{byte:02X} at line {line} column {column} is not UTF-8"
        ),
    );
    if let Some((c, (id, en))) = windows_1252_char(byte).filter(|_| looks_like_windows_1252(bytes))
    {
        message.id.push_str(&format!(
            ". Sepertinya berkas disimpan sebagai Windows-1252 (ANSI); byte itu kemungkinan {id} {c}"
        ));
        message.en.push_str(&format!(
            ". The file looks saved as Windows-1252 (ANSI); that byte is probably {en} {c}"
        ));
    }
    at_byte(file, bytes, at, message).with_hint(save_as_utf8_hint())
}

/// A NUL byte: never text, most often UTF-16 saved without its byte order mark.
fn nul_byte(file: &Path, bytes: &[u8], at: usize) -> Diagnostic {
    let (line, column, _) = place_of(bytes, at);
    let message = Text::new(
        format!(
            "berkas ini memuat byte 0x00 di baris {line} kolom {column}: sepertinya disimpan sebagai UTF-16 tanpa penanda (BOM), bukan UTF-8"
        ),
        format!(
            "this file holds a 0x00 byte at line {line} column {column}: it looks saved as UTF-16 without a byte order mark, not UTF-8"
        ),
    );
    at_byte(file, bytes, at, message).with_hint(save_as_utf8_hint())
}

/// UTF-16 that breaks off: an odd number of bytes or half a surrogate pair after `text`.
fn broken_utf16(file: &Path, text: &str) -> Diagnostic {
    let line = text.lines().count().max(1);
    let last = text.lines().last().unwrap_or_default();
    let message = Text::new(
        format!(
            "berkas UTF-16 ini rusak setelah baris {line} kolom {}",
            last.chars().count()
        ),
        format!(
            "this UTF-16 file is broken after line {line} column {}",
            last.chars().count()
        ),
    );
    Diagnostic::at(file, text, line, 0, message).with_hint(save_as_utf8_hint())
}

/// Whether all of `bytes` reads as Windows-1252 text: no byte that code page leaves undefined.
fn looks_like_windows_1252(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .all(|&b| b < 0x80 || windows_1252_char(b).is_some())
}

/// What Windows-1252 puts at bytes 0x80 to 0x9F (`\0` where it defines nothing); from 0xA0
/// on it is Latin-1, the byte's own code point.
const WINDOWS_1252_HIGH: [char; 32] = [
    '€', '\0', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\0', 'Ž', '\0', '\0', '‘',
    '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\0', 'ž', 'Ÿ',
];

/// The character Windows-1252 gives byte `b` (0x80 and up) with its name in Indonesian and
/// English; `None` for ASCII and the bytes that code page leaves undefined.
fn windows_1252_char(b: u8) -> Option<(char, (&'static str, &'static str))> {
    let c = match b {
        0x80..=0x9F => WINDOWS_1252_HIGH[usize::from(b - 0x80)],
        0xA0..=0xFF => char::from(b),
        _ => return None,
    };
    let name = match c {
        '\0' => return None,
        '“' => ("tanda kutip pembuka", "the opening quote"),
        '”' => ("tanda kutip penutup", "the closing quote"),
        '’' => ("tanda kutip atau apostrof", "the quote or apostrophe"),
        '‘' | '‚' | '„' => ("tanda kutip", "the quote"),
        '–' => ("tanda pisah pendek", "the en dash"),
        '—' => ("tanda pisah panjang", "the em dash"),
        '…' => ("tanda elipsis", "the ellipsis"),
        '\u{a0}' => ("spasi tak terputus", "the no-break space"),
        c if c.is_alphabetic() => ("huruf", "the letter"),
        _ => ("tanda", "the sign"),
    };
    Some((c, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> Result<String, Diagnostic> {
        decode_text(Path::new("berita/a.md"), bytes.to_vec())
    }

    fn utf16(text: &str, bom: [u8; 2], unit: fn(u16) -> [u8; 2]) -> Vec<u8> {
        let mut out = bom.to_vec();
        out.extend(text.encode_utf16().flat_map(unit));
        out
    }

    #[test]
    fn utf8_with_and_without_bom_reads_the_same() {
        assert_eq!(decode("é\n".as_bytes()).unwrap(), "é\n");
        assert_eq!(decode(b"\xEF\xBB\xBF---\n").unwrap(), "---\n");
    }

    #[test]
    fn utf16_with_bom_reads_in_both_byte_orders() {
        let text = "---\r\ntitle: “Rapat” é\r\n";
        assert_eq!(
            decode(&utf16(text, [0xFF, 0xFE], u16::to_le_bytes)).unwrap(),
            text
        );
        assert_eq!(
            decode(&utf16(text, [0xFE, 0xFF], u16::to_be_bytes)).unwrap(),
            text
        );
    }

    #[test]
    fn windows_1252_smart_quote_is_named_at_its_line_and_column() {
        let d = decode(b"---\ntitle: \x93Rapat\x94\n---\n").unwrap_err();
        assert_eq!((d.line, d.column), (2, 8));
        assert!(
            d.message.id.contains("byte 0x93 di baris 2 kolom 8"),
            "{}",
            d.message.id
        );
        assert!(d.message.id.contains("Windows-1252"), "{}", d.message.id);
        assert!(
            d.message.en.contains("probably the opening quote “"),
            "{}",
            d.message.en
        );
        assert!(d.hint.as_ref().unwrap().id.contains("Pengodean: UTF-8"));
        assert_eq!(d.source_line.as_deref(), Some("title: �Rapat�"));
    }

    #[test]
    fn latin_letters_and_dashes_are_named() {
        let d = decode(b"Caf\xE9 \x96 x\n").unwrap_err();
        assert_eq!((d.line, d.column), (1, 4));
        assert!(d.message.en.contains("the letter é"), "{}", d.message.en);
        let d = decode(b"a \x96 b\n").unwrap_err();
        assert!(
            d.message.id.contains("tanda pisah pendek –"),
            "{}",
            d.message.id
        );
    }

    #[test]
    fn bytes_no_code_page_explains_are_reported_without_a_guess() {
        let d = decode(b"ok\nx\x81y\n").unwrap_err();
        assert_eq!((d.line, d.column), (2, 2));
        assert!(!d.message.id.contains("Windows-1252"), "{}", d.message.id);
    }

    #[test]
    fn utf16_without_bom_is_recognised_by_its_nul_bytes() {
        let d = decode(b"-\0-\0-\0").unwrap_err();
        assert!(d.message.en.contains("UTF-16"), "{}", d.message.en);
    }

    #[test]
    fn a_cut_utf16_file_is_an_error_not_a_panic() {
        let d = decode(&[0xFF, 0xFE, b'a', 0, b'b']).unwrap_err();
        assert!(d.message.en.contains("broken"), "{}", d.message.en);
    }
}
