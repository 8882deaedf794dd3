//! One page packed for the index, on the thread that read it, with nothing shared: its words
//! with their positions and weights in Pagefind's packing, and its fragment (the JSON a result
//! shows, gzipped). Each thread keeps the words it has filed already (`Vocabulary`): a word is
//! split and stemmed once, not at every occurrence, and its key's text is shared by every page
//! the thread packs. A page's occurrences are gathered in one flat list and grouped by stem
//! in one pass, not filed word by word; each form's positions are encoded there, while they are
//! in cache, for the part's merge to copy.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::Arc;

use pagefind_stem::Stemmer;
use rustc_hash::{FxBuildHasher, FxHashMap};
use serde::Serialize;

use super::bundle::{gzip, hash};
use super::cbor::Cbor;
use super::page::{Anchor, Piece};
use super::words;

/// A word's weight in plain text (weights are 24 to the unit, as Pagefind stores them).
const PLAIN_WEIGHT: u8 = 24;

/// How many shards the words of the index are merged in (in parallel); a page's words are
/// kept in shard order.
pub const SHARDS: usize = 16;

/// The most written words a thread keeps the keys of (a part's vocabulary is far smaller).
const KNOWN_WORDS: usize = 200_000;

/// A heading of level `n` weighs 8 - n units.
fn heading_weight(level: u8) -> u8 {
    (8u8.saturating_sub(level)).min(10) * PLAIN_WEIGHT
}

/// A key the index files words under, with a hash of it made once (the same on every thread).
#[derive(Clone, Debug)]
pub struct Word {
    /// The key as the index writes it.
    pub text: Arc<str>,
    /// Its hash: which shard it is merged in, and its hash in the shard's map.
    pub hash: u64,
}

impl Word {
    pub(super) fn new(text: &str) -> Word {
        Word {
            text: Arc::from(text),
            hash: FxBuildHasher.hash_one(text),
        }
    }

    /// The shard this word is merged in.
    pub fn shard(&self) -> usize {
        (self.hash >> 32) as usize % SHARDS
    }
}

impl PartialEq for Word {
    fn eq(&self, other: &Word) -> bool {
        Arc::ptr_eq(&self.text, &other.text) || self.text == other.text
    }
}

impl Eq for Word {}

impl Hash for Word {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

/// Where one form of a word's positions are in [`Packed::postings`], already encoded: its
/// text positions' array, then its meta positions' array (meta field markers numbered as the
/// page's own fields).
#[derive(Clone, Copy, Debug, Default)]
pub struct Span {
    /// Where its bytes start, and how many.
    pub start: u32,
    pub len: u32,
    /// How many values it holds (what a chunk's size counts).
    pub values: u32,
    /// Whether it has meta positions (whose field numbers a part may renumber).
    pub has_meta: bool,
}

impl Span {
    /// Its bytes in `postings`.
    pub fn bytes<'p>(&self, postings: &'p [u8]) -> &'p [u8] {
        let start = self.start as usize;
        postings
            .get(start..start + self.len as usize)
            .unwrap_or_default()
    }
}

/// One word of a page: its plain form's positions and its accented forms'.
#[derive(Debug)]
pub struct PackedWord {
    pub word: Word,
    pub main: Option<Span>,
    pub variants: Vec<(Arc<str>, Span)>,
}

/// A page reduced to what the index needs.
pub struct Packed {
    /// Its fragment's JSON gzipped, and the hash that names it.
    pub fragment: Vec<u8>,
    pub fragment_hash: String,
    /// How many words its text has.
    pub word_count: u32,
    /// Its words, in shard order (meta positions use the numbers of `meta_fields`).
    pub words: Vec<PackedWord>,
    /// Where each shard's words start in `words` (and where the last ends).
    pub shard_starts: [u32; SHARDS + 1],
    /// Every word's positions, encoded, one after another (see [`Span`]).
    pub postings: Vec<u8>,
    pub filters: Vec<(String, String)>,
    pub sort: Vec<(String, String)>,
    /// The names of its meta fields, in order (the numbers in its words' meta positions).
    pub meta_fields: Vec<String>,
}

impl Packed {
    /// The words of shard `shard`.
    pub fn shard(&self, shard: usize) -> &[PackedWord] {
        let start = self.shard_starts[shard] as usize;
        let end = self.shard_starts[shard + 1] as usize;
        &self.words[start..end]
    }
}

/// The fragment: what a result shows of a page.
#[derive(Serialize)]
struct Fragment<'a> {
    url: &'a str,
    content: &'a str,
    word_count: usize,
    filters: &'a BTreeMap<String, Vec<String>>,
    meta: &'a BTreeMap<String, String>,
    anchors: Vec<FragmentAnchor<'a>>,
}

#[derive(Serialize)]
struct FragmentAnchor<'a> {
    element: &'a str,
    id: &'a str,
    text: &'a str,
    location: u32,
}

/// The text of a page or record to pack.
pub struct Source<'a> {
    pub url: &'a str,
    pub pieces: &'a [Piece],
    pub anchors: &'a [Anchor],
    /// Whether the text's character references are to be decoded (HTML, not records).
    pub html: bool,
    pub filters: &'a BTreeMap<String, Vec<String>>,
    pub meta: &'a BTreeMap<String, String>,
    pub sort: &'a BTreeMap<String, String>,
}

/// No accented form (the word's plain form).
const PLAIN: u32 = 0;

/// One key of a written word, by the numbers of its texts in the vocabulary.
#[derive(Clone, Copy)]
struct KeyRef {
    stem: u32,
    /// [`PLAIN`], or the number of its accented form plus one.
    variant: u32,
    part: bool,
}

/// The words one thread has filed, for one language.
#[derive(Default)]
struct Vocabulary {
    language: String,
    /// Written word to where its keys are in `keys`.
    written: FxHashMap<Box<str>, (u32, u32)>,
    keys: Vec<KeyRef>,
    stems: Vec<Word>,
    stem_numbers: FxHashMap<Arc<str>, u32>,
    variants: Vec<Arc<str>>,
    variant_numbers: FxHashMap<Arc<str>, u32>,
    /// For each stem (by number), the page it was last seen on (see `page`) and its number
    /// among that page's stems: a page's occurrences are grouped by stem without sorting them.
    seen: Vec<(u32, u32)>,
    /// The page being grouped, counted from 1.
    page: u32,
}

impl Vocabulary {
    /// Made ready for a page in `language` (emptied when it holds another language's words
    /// or has grown past its bound).
    fn ready_for(&mut self, language: &str) {
        if self.language != language || self.written.len() > KNOWN_WORDS {
            *self = Vocabulary {
                language: language.to_string(),
                ..Vocabulary::default()
            };
        }
    }

    /// Where the keys of a written word of a page's text are in `keys`.
    fn page_keys(&mut self, written: &str, stemmer: Option<&Stemmer>) -> (u32, u32) {
        if let Some(&range) = self.written.get(written) {
            return range;
        }
        let found = words::page_keys(written, stemmer);
        let range = self.file(found);
        self.written.insert(written.into(), range);
        range
    }

    /// Files `found` keys at the end of `keys`.
    fn file(&mut self, found: Vec<words::Key>) -> (u32, u32) {
        let start = self.keys.len() as u32;
        for key in found {
            let stem = self.stem_number(&key.stem);
            let variant = match key.variant {
                Some(v) => self.variant_number(&v) + 1,
                None => PLAIN,
            };
            self.keys.push(KeyRef {
                stem,
                variant,
                part: key.part,
            });
        }
        (start, self.keys.len() as u32 - start)
    }

    /// `occurrences` grouped by stem, each stem's in key order ([`Occurrence::key`]): they
    /// come in order of position already (text, then meta by field), so a stem's are sorted
    /// only when its weights or forms differ, and the page's are never sorted as a whole.
    fn grouped_by_stem(&mut self, occurrences: &[Occurrence]) -> Vec<Occurrence> {
        self.page = self.page.wrapping_add(1);
        if self.page == 0 {
            self.seen.clear();
            self.page = 1;
        }
        self.seen.resize(self.stems.len(), (0, 0));
        let mut starts: Vec<u32> = Vec::new();
        for o in occurrences {
            let Some(slot) = self.seen.get_mut(o.stem as usize) else {
                continue;
            };
            if slot.0 != self.page {
                *slot = (self.page, starts.len() as u32);
                starts.push(0);
            }
            starts[slot.1 as usize] += 1;
        }
        let mut next = 0;
        for start in &mut starts {
            let count = *start;
            *start = next;
            next += count;
        }
        let mut grouped = vec![Occurrence::default(); next as usize];
        for o in occurrences {
            if let Some(&(_, local)) = self.seen.get(o.stem as usize) {
                let at = &mut starts[local as usize];
                grouped[*at as usize] = *o;
                *at += 1;
            }
        }
        // `starts` now holds where each stem's occurrences end.
        let mut from = 0;
        for &end in &starts {
            let group = &mut grouped[from..end as usize];
            if !group.is_sorted_by_key(Occurrence::key) {
                group.sort_unstable_by_key(Occurrence::key);
            }
            from = end as usize;
        }
        grouped
    }

    fn stem_number(&mut self, stem: &str) -> u32 {
        if let Some(&n) = self.stem_numbers.get(stem) {
            return n;
        }
        let word = Word::new(stem);
        let n = self.stems.len() as u32;
        self.stem_numbers.insert(word.text.clone(), n);
        self.stems.push(word);
        n
    }

    fn variant_number(&mut self, variant: &str) -> u32 {
        if let Some(&n) = self.variant_numbers.get(variant) {
            return n;
        }
        let text: Arc<str> = Arc::from(variant);
        let n = self.variants.len() as u32;
        self.variant_numbers.insert(text.clone(), n);
        self.variants.push(text);
        n
    }
}

thread_local! {
    static VOCABULARY: RefCell<Vocabulary> = RefCell::new(Vocabulary::default());
}

/// Where a word is on a page: in the text (`field` is [`TEXT`], `rank` its weight) or in a
/// meta field (`rank` the field's number).
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
struct Occurrence {
    stem: u32,
    variant: u32,
    field: u8,
    rank: u16,
    position: u32,
}

impl Occurrence {
    /// A number that orders occurrences as their fields do, in order.
    fn key(&self) -> u128 {
        (u128::from(self.stem) << 96)
            | (u128::from(self.variant) << 64)
            | (u128::from(self.field) << 48)
            | (u128::from(self.rank) << 32)
            | u128::from(self.position)
    }
}

/// An occurrence in the text, not in a meta field.
const TEXT: u8 = 0;
const META: u8 = 1;

/// Packs one page (any thread; nothing shared).
pub fn pack(source: &Source, language: &str, stemmer: Option<&Stemmer>) -> Packed {
    VOCABULARY.with(|vocabulary| {
        let mut vocabulary = vocabulary.borrow_mut();
        vocabulary.ready_for(language);
        pack_with(&mut vocabulary, source, language, stemmer)
    })
}

fn pack_with(
    vocabulary: &mut Vocabulary,
    source: &Source,
    language: &str,
    stemmer: Option<&Stemmer>,
) -> Packed {
    let mut occurrences: Vec<Occurrence> = Vec::with_capacity(1024);
    let mut content = String::new();
    let mut anchors = Vec::new();
    let mut weights: Vec<u8> = vec![PLAIN_WEIGHT];
    let mut position: u32 = 0;
    let mut last_position: u32 = 0;
    for piece in source.pieces {
        match piece {
            Piece::Heading(level) => {
                // A heading inside a heading weighs as the outer one.
                let weight = if weights.len() == 1 {
                    heading_weight(*level)
                } else {
                    weights.last().copied().unwrap_or(PLAIN_WEIGHT)
                };
                weights.push(weight);
            }
            Piece::EndHeading => {
                weights.pop();
            }
            Piece::Anchor(n) => {
                if let Some(a) = source.anchors.get(*n) {
                    anchors.push(FragmentAnchor {
                        element: &a.element,
                        id: &a.id,
                        text: &a.text,
                        location: position,
                    });
                }
            }
            Piece::Text(raw) => {
                let text = if source.html {
                    html_escape::decode_html_entities(raw)
                } else {
                    std::borrow::Cow::Borrowed(raw.as_str())
                };
                // Zero-width spaces join, they do not split.
                let joiners = text.contains('\u{200B}');
                let weight = weights.last().copied().unwrap_or(PLAIN_WEIGHT);
                for written in text.split_whitespace() {
                    let written = if joiners {
                        std::borrow::Cow::Owned(written.replace('\u{200B}', ""))
                    } else {
                        std::borrow::Cow::Borrowed(written)
                    };
                    if written.is_empty() {
                        continue;
                    }
                    content.push_str(&written);
                    content.push(' ');
                    let (start, count) = vocabulary.page_keys(&written, stemmer);
                    let keys = &vocabulary.keys[start as usize..(start + count) as usize];
                    let parts = keys.iter().filter(|k| k.part).count();
                    let part_weight = match u8::try_from(parts) {
                        Ok(0) => 0,
                        _ if weight == 0 => 0,
                        Ok(n) => (weight / n).max(1),
                        Err(_) => 1,
                    };
                    for key in keys {
                        let w = if key.part { part_weight } else { weight };
                        occurrences.push(Occurrence {
                            stem: key.stem,
                            variant: key.variant,
                            field: TEXT,
                            rank: u16::from(w),
                            position,
                        });
                    }
                    last_position = position;
                    position += 1;
                }
            }
        }
    }
    if content.ends_with(' ') {
        content.pop();
    }
    let word_count = last_position + 1;

    let meta_fields: Vec<String> = source.meta.keys().cloned().collect();
    for (field, value) in source.meta.values().enumerate() {
        let field = u16::try_from(field).unwrap_or(u16::MAX);
        for (at, written) in value.split_whitespace().enumerate() {
            let at = u32::try_from(at).unwrap_or(u32::MAX);
            let (start, count) = vocabulary.file(words::keys(written, stemmer));
            for key in &vocabulary.keys[start as usize..(start + count) as usize] {
                occurrences.push(Occurrence {
                    stem: key.stem,
                    variant: key.variant,
                    field: META,
                    rank: field,
                    position: at,
                });
            }
            // Meta words are not kept: a record's title is seldom seen twice.
            vocabulary.keys.truncate(start as usize);
        }
    }

    let fragment = Fragment {
        url: source.url,
        content: &content,
        word_count: word_count as usize,
        filters: source.filters,
        meta: source.meta,
        anchors,
    };
    let json = serde_json::to_vec(&fragment).unwrap_or_default();
    let fragment_hash = format!("{language}_{}", hash(&json));

    let (words, shard_starts, postings) = file_words(vocabulary, &occurrences);
    Packed {
        fragment: gzip(&json),
        fragment_hash,
        word_count,
        words,
        shard_starts,
        postings,
        filters: source
            .filters
            .iter()
            .flat_map(|(f, values)| values.iter().map(move |v| (f.clone(), v.clone())))
            .collect(),
        sort: source
            .sort
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        meta_fields,
    }
}

/// A page's words from its occurrences: grouped by word and form, each form's positions
/// packed; the words in shard order.
fn file_words(
    vocabulary: &mut Vocabulary,
    occurrences: &[Occurrence],
) -> (Vec<PackedWord>, [u32; SHARDS + 1], Vec<u8>) {
    let occurrences = vocabulary.grouped_by_stem(occurrences);
    let mut words: Vec<PackedWord> = Vec::new();
    let mut postings = Cbor(Vec::with_capacity(occurrences.len() * 2));
    let mut values: Vec<i32> = Vec::new();
    let mut rest = occurrences.as_slice();
    while let Some(first) = rest.first() {
        let same_form = rest
            .iter()
            .position(|o| o.stem != first.stem || o.variant != first.variant)
            .unwrap_or(rest.len());
        let (form, after) = rest.split_at(same_form);
        rest = after;
        let span = pack_form(form, &mut values, &mut postings);
        let new_word = words.last().is_none_or(|w: &PackedWord| {
            !Arc::ptr_eq(&w.word.text, &vocabulary.stems[first.stem as usize].text)
        });
        if new_word {
            words.push(PackedWord {
                word: vocabulary.stems[first.stem as usize].clone(),
                main: None,
                variants: Vec::new(),
            });
        }
        let Some(word) = words.last_mut() else {
            continue;
        };
        match first.variant {
            PLAIN => word.main = Some(span),
            n => word
                .variants
                .push((vocabulary.variants[n as usize - 1].clone(), span)),
        }
    }
    for word in &mut words {
        word.variants.sort_by(|a, b| a.0.cmp(&b.0));
    }
    words.sort_unstable_by_key(|w| w.word.shard());
    let mut shard_starts = [0u32; SHARDS + 1];
    for word in &words {
        shard_starts[word.word.shard() + 1] += 1;
    }
    for shard in 1..=SHARDS {
        shard_starts[shard] += shard_starts[shard - 1];
    }
    (words, shard_starts, postings.0)
}

/// One form's occurrences (sorted: text by weight then position, then meta by field then
/// position) encoded at the end of `out`: an array of its text positions, where a change of
/// weight is written as `-(weight + 1)` followed by the absolute position, else positions are
/// deltas; then an array of its meta positions, where each field starts with `-(field + 1)`
/// and positions within it are deltas from 0. `values` is room to gather them in.
fn pack_form(form: &[Occurrence], values: &mut Vec<i32>, out: &mut Cbor) -> Span {
    let start = out.0.len();
    let text_count = form.iter().take_while(|o| o.field == TEXT).count();
    let (text, meta) = form.split_at(text_count);
    values.clear();
    let mut current: Option<u16> = None;
    let mut last = 0u32;
    for o in text {
        if current != Some(o.rank) {
            values.push(-i32::from(o.rank) - 1);
            values.push(o.position as i32);
            current = Some(o.rank);
        } else {
            values.push((o.position - last) as i32);
        }
        last = o.position;
    }
    let text_len = values.len();
    let mut current: Option<u16> = None;
    for o in meta {
        if current != Some(o.rank) {
            values.push(-i32::from(o.rank) - 1);
            current = Some(o.rank);
            last = 0;
        }
        values.push((o.position - last) as i32);
        last = o.position;
    }
    let (text_values, meta_values) = values.split_at(text_len);
    for list in [text_values, meta_values] {
        out.array(list.len());
        for &v in list {
            out.signed(i64::from(v));
        }
    }
    Span {
        start: start as u32,
        len: (out.0.len() - start) as u32,
        values: values.len() as u32,
        has_meta: !meta_values.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The arrays of integers `bytes` holds one after another.
    fn integer_arrays(bytes: &[u8]) -> Option<Vec<Vec<i64>>> {
        let mut decoder = minicbor::Decoder::new(bytes);
        let mut arrays = Vec::new();
        while decoder.position() < bytes.len() {
            arrays.push(decoder.decode::<Vec<i64>>().ok()?);
        }
        Some(arrays)
    }

    /// The text and meta positions a form's occurrences are encoded as.
    fn packed(occurrences: &[(u8, u16, u32)]) -> Vec<Vec<i64>> {
        let mut form: Vec<Occurrence> = occurrences
            .iter()
            .map(|&(field, rank, position)| Occurrence {
                stem: 0,
                variant: PLAIN,
                field,
                rank,
                position,
            })
            .collect();
        form.sort_unstable();
        let mut out = Cbor(vec![0xff]);
        let span = pack_form(&form, &mut Vec::new(), &mut out);
        assert_eq!((span.start, span.len as usize), (1, out.0.len() - 1));
        let arrays = integer_arrays(span.bytes(&out.0)).unwrap_or_default();
        assert_eq!(
            span.values as usize,
            arrays.iter().map(Vec::len).sum::<usize>()
        );
        assert_eq!(span.has_meta, !arrays[1].is_empty());
        arrays
    }

    #[test]
    fn positions_are_packed_by_weight_then_delta() {
        assert_eq!(
            packed(&[(TEXT, 24, 5), (TEXT, 168, 1), (TEXT, 24, 2)]),
            vec![vec![-25, 2, 3, -169, 1], vec![]]
        );
        assert_eq!(
            packed(&[(META, 1, 4), (META, 0, 2), (META, 1, 1)]),
            vec![vec![], vec![-1, 2, -2, 1, 3]]
        );
    }

    #[test]
    fn occurrences_are_grouped_by_stem_in_key_order() {
        let mut vocabulary = Vocabulary::default();
        for stem in ["a", "b", "c"] {
            vocabulary.stem_number(stem);
        }
        let o = |stem, variant, field, rank, position| Occurrence {
            stem,
            variant,
            field,
            rank,
            position,
        };
        // In page order: a heading word (weight 168) later seen in the text, a stem in two
        // forms, a meta word.
        let page = [
            o(1, PLAIN, TEXT, 168, 0),
            o(0, PLAIN, TEXT, 24, 1),
            o(2, 3, TEXT, 24, 2),
            o(1, PLAIN, TEXT, 24, 3),
            o(2, PLAIN, TEXT, 24, 4),
            o(0, PLAIN, TEXT, 24, 5),
            o(0, PLAIN, META, 0, 0),
        ];
        for _ in 0..2 {
            let grouped = vocabulary.grouped_by_stem(&page);
            let stems: Vec<u32> = grouped.iter().map(|o| o.stem).collect();
            assert_eq!(stems, [1, 1, 0, 0, 0, 2, 2], "in order of first sight");
            for stem in 0..3 {
                let own: Vec<Occurrence> =
                    grouped.iter().filter(|o| o.stem == stem).copied().collect();
                assert!(own.is_sorted_by_key(Occurrence::key), "stem {stem}");
            }
        }
    }

    fn source<'a>(pieces: &'a [Piece], empty: &'a BTreeMap<String, String>) -> Source<'a> {
        static NO_FILTERS: BTreeMap<String, Vec<String>> = BTreeMap::new();
        Source {
            url: "/a/",
            pieces,
            anchors: &[],
            html: true,
            filters: &NO_FILTERS,
            meta: empty,
            sort: empty,
        }
    }

    #[test]
    fn a_word_is_filed_once_with_its_forms_and_positions() {
        let meta = BTreeMap::from([("title".to_string(), "Café Bimtek".to_string())]);
        let pieces = [Piece::Text("Bimtek café bimtek Café".into())];
        let page = pack(&source(&pieces, &meta), "id", None);
        let find = |w: &str| {
            page.words
                .iter()
                .find(|p| &*p.word.text == w)
                .unwrap_or_else(|| panic!("{w} not filed"))
        };
        let bimtek = find("bimtek");
        let main = bimtek.main.unwrap_or_default();
        let values = integer_arrays(main.bytes(&page.postings));
        // Text at 0 and 2 (weight 24), meta field 0 at position 1.
        assert_eq!(values, Some(vec![vec![-25, 0, 2], vec![-1, 1]]));
        let cafe = find("cafe");
        assert!(cafe.main.is_none());
        assert_eq!(cafe.variants.len(), 1);
        assert_eq!(&*cafe.variants[0].0, "café");
        assert_eq!(page.word_count, 4);
        // Words are in shard order.
        let shards: Vec<usize> = page.words.iter().map(|w| w.word.shard()).collect();
        assert!(shards.windows(2).all(|p| p[0] <= p[1]));
        for shard in 0..SHARDS {
            assert!(page.shard(shard).iter().all(|w| w.word.shard() == shard));
        }
    }
}
