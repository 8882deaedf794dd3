//! Words as the index files them: what a written word (`Pembangunan,`, `Tahap-II`, `Café`)
//! is looked up as. A word is lower-cased and kept to its letters and digits, its accents are
//! taken off (the accented form is kept beside it as a variant), and it is stemmed with the
//! stemmer Pagefind's WebAssembly applies to queries, so `bangun` finds `pembangunan`. A
//! word joined from parts (`Tahap-II`, `SmartCity`) is filed under its parts too.

use std::borrow::Cow;

use pagefind_stem::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Characters that count as letters of a word besides letters and digits (the underscore and
/// its look-alikes), as Pagefind's query side keeps them too.
pub const WORD_SYMBOLS: [char; 10] = ['_', '‿', '⁀', '⁔', '︳', '︴', '﹍', '﹎', '﹏', '＿'];

/// The longest tail after a dot that is filed as a word of its own.
const MAX_TAIL_CHARS: usize = 64;

/// One key a written word is filed under.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// The stemmed, accent-free form the index is keyed by.
    pub stem: String,
    /// The form as written (lower-cased) when it had accents: a variant of `stem`.
    pub variant: Option<String>,
    /// A part of a joined word (it weighs less than the whole word).
    pub part: bool,
}

/// The stemmer for a language code (`id`, `en`, `id-ID`); none for languages without one,
/// whose words are filed unstemmed (as Pagefind does).
pub fn stemmer(language: &str) -> Option<Stemmer> {
    match language.split('-').next().unwrap_or_default() {
        "id" => Some(Stemmer::create(Algorithm::Indonesian)),
        "en" => Some(Stemmer::create(Algorithm::English)),
        _ => None,
    }
}

/// The keys of one word of a page's text (`written` holds no white space): the word itself
/// and, for joined words, its parts and the tails after its dots.
pub fn page_keys(written: &str, stemmer: Option<&Stemmer>) -> Vec<Key> {
    let mut keys = keys(written, stemmer);
    if written.contains('.') {
        let mut tails: Vec<Key> = Vec::new();
        for (at, _) in written.match_indices('.') {
            let rest = &written[at + 1..];
            let tail = match rest.char_indices().nth(MAX_TAIL_CHARS) {
                Some((end, _)) => &rest[..end],
                None => rest,
            };
            if !joined(tail) {
                continue;
            }
            let plain = plain(tail);
            if plain.chars().count() < 2 {
                continue;
            }
            let key = stemmed(&plain, stemmer, true);
            if !keys.iter().any(|k| k.stem == key.stem) && !tails.iter().any(|k| k.stem == key.stem)
            {
                tails.push(key);
            }
        }
        keys.extend(tails);
    }
    keys
}

/// The keys of one word of a meta value (shown with a result, searched too): the word and its
/// parts.
pub fn keys(written: &str, stemmer: Option<&Stemmer>) -> Vec<Key> {
    let mut keys = Vec::new();
    let whole = plain(written);
    if !whole.is_empty() {
        keys.push(stemmed(&whole, stemmer, false));
    }
    if !joined(written) || whole.is_empty() {
        return keys;
    }
    let parts = parts(written);
    if parts.contains(' ') || !whole.starts_with(&parts) {
        for part in parts.split(' ').filter(|p| p.len() > 1) {
            let accentless = without_accents(part);
            let base = accentless.as_deref().unwrap_or(part);
            keys.push(Key {
                stem: stem(base, stemmer).into_owned(),
                variant: accentless.as_ref().map(|_| part.to_string()),
                part: true,
            });
        }
    }
    keys
}

/// Whether a word may be joined from parts: it holds something besides letters and digits,
/// or a capital after its first letter.
fn joined(word: &str) -> bool {
    word.chars().any(|c| !c.is_alphanumeric()) || word.chars().skip(1).any(char::is_uppercase)
}

/// The word lower-cased, with only its letters, digits and word symbols.
fn plain(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        if c.is_alphanumeric() || WORD_SYMBOLS.contains(&c) {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// The key of a plain word: accents off, stemmed.
fn stemmed(plain: &str, stemmer: Option<&Stemmer>, part: bool) -> Key {
    let accentless = without_accents(plain);
    let base = accentless.as_deref().unwrap_or(plain);
    Key {
        stem: stem(base, stemmer).into_owned(),
        variant: accentless.as_ref().map(|_| plain.to_string()),
        part,
    }
}

fn stem<'a>(word: &'a str, stemmer: Option<&Stemmer>) -> Cow<'a, str> {
    match stemmer {
        Some(stemmer) => stemmer.stem(word),
        None => Cow::Borrowed(word),
    }
}

/// The word without its accents (`café` -> `cafe`), when it had any.
fn without_accents(word: &str) -> Option<String> {
    if word.is_ascii() {
        return None;
    }
    let bare: String = word.nfd().filter(|c| !is_combining_mark(*c)).collect();
    (bare != word).then_some(bare)
}

/// The parts of a joined word, lower-cased and separated by single spaces: punctuation
/// separates, and so do changes from small letters to capitals or digits and back
/// (`SmartCity2025` -> `smart city 2025`, `HTMLPage` -> `html page`).
fn parts(word: &str) -> String {
    let spaced: String = word
        .chars()
        .map(|c| if c.is_ascii_punctuation() { ' ' } else { c })
        .collect();
    let mut out = String::with_capacity(spaced.len() + 8);
    for chunk in spaced.split_whitespace() {
        let chars: Vec<char> = chunk.chars().collect();
        if !out.is_empty() {
            out.push(' ');
        }
        for (i, &c) in chars.iter().enumerate() {
            if i > 0 && boundary(chars[i - 1], c, chars.get(i + 1).copied()) {
                out.push(' ');
            }
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Whether a new part starts at `c`, after `before` and before `after`.
fn boundary(before: char, c: char, after: Option<char>) -> bool {
    let digit = |c: char| c.is_ascii_digit();
    (before.is_lowercase() && (c.is_uppercase() || digit(c)))
        || (before.is_uppercase() && digit(c))
        || (digit(before) && (c.is_lowercase() || c.is_uppercase()))
        || (before.is_uppercase() && c.is_uppercase() && after.is_some_and(char::is_lowercase))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(word: &str) -> Vec<(String, bool)> {
        let stemmer = stemmer("id");
        page_keys(word, stemmer.as_ref())
            .into_iter()
            .map(|k| (k.stem, k.part))
            .collect()
    }

    #[test]
    fn indonesian_words_are_stemmed_like_queries() {
        assert_eq!(stems("Pembangunan,"), vec![("bangun".to_string(), false)]);
        assert_eq!(stems("jalan."), vec![("jalan".to_string(), false)]);
    }

    #[test]
    fn joined_words_are_filed_under_their_parts() {
        assert_eq!(
            stems("Tahap-II"),
            vec![
                ("tahapi".to_string(), false),
                ("tahap".to_string(), true),
                ("ii".to_string(), true)
            ]
        );
        assert_eq!(parts("SmartCity2025"), "smart city 2025");
        assert_eq!(parts("HTMLPage"), "html page");
        assert_eq!(
            stems("agamkab.go.id"),
            vec![
                ("agamkabgoid".to_string(), false),
                ("agamkab".to_string(), true),
                ("go".to_string(), true),
                ("id".to_string(), true),
                ("goid".to_string(), true)
            ]
        );
    }

    #[test]
    fn accents_are_taken_off_and_kept_as_a_variant() {
        let keys = keys("Café", None);
        assert_eq!(keys[0].stem, "cafe");
        assert_eq!(keys[0].variant.as_deref(), Some("café"));
    }
}
