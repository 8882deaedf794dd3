//! Pagefind 1.6's bundle, written by cerdas: each page is packed on its own (its words with
//! their positions and weights, its fragment: the JSON the result shows, gzipped), then the
//! packed pages are merged into the word index (chunks of words in order), one file per
//! filter and the meta file that ties them together, all CBOR, gzipped after Pagefind's
//! `pagefind_dcd` signature, named by a hash of their content; `pagefind-entry.json` names
//! the meta file. Pagefind's JS reads it as its own.

use std::collections::BTreeMap;
use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use minicbor::Encoder;
use pagefind_stem::Stemmer;
use rayon::prelude::*;
use serde::Serialize;

use super::page::Piece;
use super::words::{self, WORD_SYMBOLS};

/// Maps keyed by words (hashed with xxh3: a page's words and the whole index's are many).
type HashMap<K, V> = std::collections::HashMap<K, V, xxhash_rust::xxh3::Xxh3DefaultBuilder>;

/// The version of Pagefind whose format this is (its JS checks the meta file's).
pub const PAGEFIND_VERSION: &str = "1.6.0";

/// What Pagefind puts before the data of every gzipped file (its JS checks it).
const SIGNATURE: &[u8] = b"pagefind_dcd";

/// About how many word positions one word index file holds.
const CHUNK_SIZE: usize = 20_000;

/// A word's weight in plain text (weights are 24 to the unit, as Pagefind stores them).
const PLAIN_WEIGHT: u8 = 24;

/// A heading of level `n` weighs 8 - n units.
fn heading_weight(level: u8) -> u8 {
    (8u8.saturating_sub(level)).min(10) * PLAIN_WEIGHT
}

/// A page reduced to what the index needs.
pub struct Packed {
    /// Its fragment's JSON gzipped, and the hash that names it.
    fragment: Vec<u8>,
    fragment_hash: String,
    /// How many words its text has.
    word_count: u32,
    /// Its words (positions with meta fields numbered by `meta_fields`).
    words: Vec<(String, Postings)>,
    filters: Vec<(String, String)>,
    sort: Vec<(String, String)>,
    /// The names of its meta fields, in order (the numbers in its words' meta positions).
    meta_fields: Vec<String>,
}

/// Where one word is on one page: its plain form, and its accented forms.
#[derive(Default)]
struct Postings {
    main: Option<Locations>,
    variants: Vec<(String, Locations)>,
}

/// A word's positions on a page, in Pagefind's packing: in the text (weights and position
/// deltas) and in meta fields (field numbers and position deltas).
#[derive(Default, Clone)]
struct Locations {
    text: Vec<i32>,
    meta: Vec<i32>,
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
    pub anchors: &'a [super::page::Anchor],
    /// Whether the text's character references are to be decoded (HTML, not records).
    pub html: bool,
    pub filters: &'a BTreeMap<String, Vec<String>>,
    pub meta: &'a BTreeMap<String, String>,
    pub sort: &'a BTreeMap<String, String>,
}

/// Packs one page (any thread; nothing shared).
pub fn pack(source: &Source, language: &str, stemmer: Option<&Stemmer>) -> Packed {
    // word -> (positions with weights, by accented form)
    let mut found: HashMap<String, WordPositions> = HashMap::default();
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
                let weight = weights.last().copied().unwrap_or(PLAIN_WEIGHT);
                for written in text.split_whitespace() {
                    // Zero-width spaces join, they do not split.
                    let written = if written.contains('\u{200B}') {
                        std::borrow::Cow::Owned(written.replace('\u{200B}', ""))
                    } else {
                        std::borrow::Cow::Borrowed(written)
                    };
                    if written.is_empty() {
                        continue;
                    }
                    content.push_str(&written);
                    content.push(' ');
                    let keys = known_keys(&written, language, stemmer);
                    let parts = keys.iter().filter(|k| k.part).count();
                    let part_weight = match u8::try_from(parts) {
                        Ok(0) => 0,
                        _ if weight == 0 => 0,
                        Ok(n) => (weight / n).max(1),
                        Err(_) => 1,
                    };
                    for key in keys.iter() {
                        let w = if key.part { part_weight } else { weight };
                        let at = (key.variant.clone(), position, w);
                        match found.get_mut(&key.stem) {
                            Some(positions) => positions.text.push(at),
                            None => found.entry(key.stem.clone()).or_default().text.push(at),
                        }
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
            for key in words::keys(written, stemmer) {
                found
                    .entry(key.stem)
                    .or_default()
                    .meta
                    .push((key.variant, field, at));
            }
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

    let words = found
        .into_iter()
        .map(|(word, positions)| (word, positions.postings()))
        .collect();
    Packed {
        fragment: gzip(&json),
        fragment_hash,
        word_count,
        words,
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

/// Written words filed already, with their keys, for one language.
#[derive(Default)]
struct Known {
    language: String,
    words: HashMap<String, std::rc::Rc<[words::Key]>>,
}

/// The most words a thread keeps the keys of (a part's vocabulary is far smaller).
const KNOWN_WORDS: usize = 200_000;

thread_local! {
    /// Written words this thread has filed already, with their keys, for one language: a
    /// word is split and stemmed once, not at every occurrence.
    static KNOWN: std::cell::RefCell<Known> = std::cell::RefCell::new(Known::default());
}

/// The keys of a written word of a page's text, from this thread's known words.
fn known_keys(
    written: &str,
    language: &str,
    stemmer: Option<&Stemmer>,
) -> std::rc::Rc<[words::Key]> {
    KNOWN.with(|known| {
        let mut known = known.borrow_mut();
        let Known {
            language: known_language,
            words: map,
        } = &mut *known;
        if known_language != language || map.len() > KNOWN_WORDS {
            *known_language = language.to_string();
            map.clear();
        }
        if let Some(keys) = map.get(written) {
            return keys.clone();
        }
        let keys: std::rc::Rc<[words::Key]> = words::page_keys(written, stemmer).into();
        map.insert(written.to_string(), keys.clone());
        keys
    })
}

/// A word's positions on one page as found: (accented form, position, weight) in the text,
/// (accented form, field, position) in meta.
#[derive(Default)]
struct WordPositions {
    text: Vec<(Option<String>, u32, u8)>,
    meta: Vec<(Option<String>, u16, u32)>,
}

/// One form's positions on a page: (position, weight) in the text, (field, position) in meta.
type FormPositions = (Vec<(u32, u8)>, Vec<(u16, u32)>);

impl WordPositions {
    fn postings(self) -> Postings {
        let mut forms: BTreeMap<Option<String>, FormPositions> = BTreeMap::new();
        for (form, at, weight) in self.text {
            forms.entry(form).or_default().0.push((at, weight));
        }
        for (form, field, at) in self.meta {
            forms.entry(form).or_default().1.push((field, at));
        }
        let mut postings = Postings::default();
        for (form, (text, meta)) in forms {
            let locations = Locations {
                text: pack_text(text),
                meta: pack_meta(meta),
            };
            match form {
                None => postings.main = Some(locations),
                Some(form) => postings.variants.push((form, locations)),
            }
        }
        postings
    }
}

/// Text positions packed: sorted by weight then position; a change of weight is written as
/// `-(weight + 1)` followed by the absolute position, else positions are deltas.
fn pack_text(mut positions: Vec<(u32, u8)>) -> Vec<i32> {
    positions.sort_by_key(|&(at, weight)| (weight, at));
    let mut out = Vec::with_capacity(positions.len() + 2);
    let mut current: Option<u8> = None;
    let mut last = 0u32;
    for (at, weight) in positions {
        if current != Some(weight) {
            out.push(-i32::from(weight) - 1);
            out.push(at as i32);
            current = Some(weight);
        } else {
            out.push((at - last) as i32);
        }
        last = at;
    }
    out
}

/// Meta positions packed: by field then position; each field starts with `-(field + 1)`,
/// positions within it are deltas from 0.
fn pack_meta(mut positions: Vec<(u16, u32)>) -> Vec<i32> {
    positions.sort_unstable();
    let mut out = Vec::with_capacity(positions.len() + 2);
    let mut current: Option<u16> = None;
    let mut last = 0u32;
    for (field, at) in positions {
        if current != Some(field) {
            out.push(-i32::from(field) - 1);
            current = Some(field);
            last = 0;
        }
        out.push((at - last) as i32);
        last = at;
    }
    out
}

/// One file of the bundle: its path under the bundle's folder and its bytes.
pub type BundleFile = (String, Vec<u8>);

/// A word's postings on every page, in page order.
#[derive(Default)]
struct WordEntry {
    pages: Vec<(usize, Locations)>,
    variants: Vec<(String, Vec<(usize, Locations)>)>,
}

/// The index files of packed `pages` (numbered in their order), and the entry file.
pub fn write(pages: Vec<Packed>, language: &str, wasm: bool) -> Vec<BundleFile> {
    let mut files: Vec<BundleFile> = Vec::new();

    let mut meta_fields: Vec<String> = pages.iter().flat_map(|p| p.meta_fields.clone()).collect();
    meta_fields.sort();
    meta_fields.dedup();

    let mut words: HashMap<String, WordEntry> = HashMap::default();
    let mut filters: BTreeMap<String, BTreeMap<String, Vec<usize>>> = BTreeMap::new();
    let mut sorts: BTreeMap<String, Vec<(String, usize)>> = BTreeMap::new();
    let mut fragment_names: HashMap<String, String> = HashMap::default();
    let mut page_list: Vec<(String, u32)> = Vec::with_capacity(pages.len());
    let page_count = pages.len();

    for (number, page) in pages.into_iter().enumerate() {
        // The page's meta field numbers, as numbers of the whole index's fields.
        let global: Vec<i32> = page
            .meta_fields
            .iter()
            .map(|f| meta_fields.binary_search(f).unwrap_or_default() as i32)
            .collect();
        let renumber = |mut l: Locations| {
            for v in l.meta.iter_mut().filter(|v| **v < 0) {
                let local = (-*v - 1) as usize;
                *v = -global.get(local).copied().unwrap_or_default() - 1;
            }
            l
        };
        for (word, postings) in page.words {
            let entry = words.entry(word).or_default();
            if let Some(main) = postings.main {
                entry.pages.push((number, renumber(main)));
            }
            for (form, locations) in postings.variants {
                let at = match entry.variants.iter().position(|(f, _)| *f == form) {
                    Some(at) => at,
                    None => {
                        entry.variants.push((form, Vec::new()));
                        entry.variants.len() - 1
                    }
                };
                entry.variants[at].1.push((number, renumber(locations)));
            }
        }
        for (filter, value) in page.filters {
            filters
                .entry(filter)
                .or_default()
                .entry(value)
                .or_default()
                .push(number);
        }
        for (key, value) in page.sort {
            sorts.entry(key).or_default().push((value, number));
        }
        let name = unique_name(&page.fragment_hash, language, |n| {
            fragment_names
                .get(n)
                .is_some_and(|h| *h != page.fragment_hash)
        });
        if !fragment_names.contains_key(&name) {
            fragment_names.insert(name.clone(), page.fragment_hash.clone());
            files.push((format!("fragment/{name}.pf_fragment"), page.fragment));
        }
        page_list.push((name, page.word_count));
    }

    // The word index, in chunks of words in order.
    let chunks = chunk(words);
    let ranges = chunk_ranges(&chunks);
    let encoded: Vec<(Vec<u8>, String)> = chunks
        .into_par_iter()
        .map(|chunk| {
            let cbor = encode_words(&chunk);
            let hash = hash(&cbor);
            (gzip(&cbor), hash)
        })
        .collect();
    let mut chunk_meta = Vec::new();
    let mut taken: HashMap<String, String> = HashMap::default();
    for ((gz, hash), (from, to)) in encoded.into_iter().zip(ranges) {
        let name = unique_name(&hash, language, |n| taken.contains_key(n));
        taken.insert(name.clone(), hash);
        files.push((format!("index/{name}.pf_index"), gz));
        chunk_meta.push((from, to, name));
    }

    // One file per filter.
    let mut filter_meta = Vec::new();
    for (filter, values) in &filters {
        let cbor = encode_filter(filter, values);
        let name = unique_name(&hash(&cbor), language, |n| taken.contains_key(n));
        taken.insert(name.clone(), String::new());
        files.push((format!("filter/{name}.pf_filter"), gzip(&cbor)));
        filter_meta.push((filter.clone(), name));
    }

    let sort_meta = sort_orders(sorts);

    let cbor = encode_meta(
        &page_list,
        &chunk_meta,
        &filter_meta,
        &sort_meta,
        &meta_fields,
    );
    let meta_name = format!("{language}_{}", &hash(&cbor)[..10]);
    files.push((format!("pagefind.{meta_name}.pf_meta"), gzip(&cbor)));

    let entry = serde_json::json!({
        "version": PAGEFIND_VERSION,
        "languages": {
            language: {
                "hash": meta_name,
                "wasm": wasm.then_some(language),
                "page_count": page_count,
            }
        },
        "include_characters": WORD_SYMBOLS,
    });
    files.push((
        "pagefind-entry.json".to_string(),
        entry.to_string().into_bytes(),
    ));
    files
}

/// One filter's CBOR: its name, then each value with its pages.
fn encode_filter(filter: &str, values: &BTreeMap<String, Vec<usize>>) -> Vec<u8> {
    let mut e = Encoder::new(Vec::new());
    let _ = e
        .array(2)
        .and_then(|e| e.str(filter))
        .and_then(|e| e.array(values.len() as u64));
    for (value, pages) in values {
        let _ = e
            .array(2)
            .and_then(|e| e.str(value))
            .and_then(|e| e.array(pages.len() as u64));
        for page in pages {
            let _ = e.u64(*page as u64);
        }
    }
    e.into_writer()
}

/// Each sort key's pages in order: by number when every value is one, else by text; ties
/// in page order.
fn sort_orders(sorts: BTreeMap<String, Vec<(String, usize)>>) -> Vec<(String, Vec<usize>)> {
    sorts
        .into_iter()
        .map(|(key, mut values)| {
            if values.iter().all(|(v, _)| number(v).is_some()) {
                values.sort_by(|a, b| {
                    let (a, b) = (number(&a.0).unwrap_or(0.0), number(&b.0).unwrap_or(0.0));
                    a.total_cmp(&b)
                });
            } else {
                values.sort_by(|a, b| a.0.cmp(&b.0));
            }
            (key, values.into_iter().map(|(_, p)| p).collect())
        })
        .collect()
}

/// The meta file's CBOR: the version, the pages (fragment name, word count), the word
/// chunks (first and last word, name), the filters, the sort orders and the meta fields.
fn encode_meta(
    page_list: &[(String, u32)],
    chunk_meta: &[(String, String, String)],
    filter_meta: &[(String, String)],
    sort_meta: &[(String, Vec<usize>)],
    meta_fields: &[String],
) -> Vec<u8> {
    let mut e = Encoder::new(Vec::new());
    let _ = e.array(6).and_then(|e| e.str(PAGEFIND_VERSION));
    let _ = e.array(page_list.len() as u64);
    for (name, word_count) in page_list {
        let _ = e
            .array(3)
            .and_then(|e| e.str(name))
            .and_then(|e| e.u32(*word_count))
            .and_then(|e| e.str(""));
    }
    let _ = e.array(chunk_meta.len() as u64);
    for (from, to, name) in chunk_meta {
        let _ = e
            .array(3)
            .and_then(|e| e.str(from))
            .and_then(|e| e.str(to))
            .and_then(|e| e.str(name));
    }
    let _ = e.array(filter_meta.len() as u64);
    for (filter, name) in filter_meta {
        let _ = e
            .array(2)
            .and_then(|e| e.str(filter))
            .and_then(|e| e.str(name));
    }
    let _ = e.array(sort_meta.len() as u64);
    for (key, pages) in sort_meta {
        let _ = e
            .array(2)
            .and_then(|e| e.str(key))
            .and_then(|e| e.array(pages.len() as u64));
        for page in pages {
            let _ = e.u64(*page as u64);
        }
    }
    let _ = e.array(meta_fields.len() as u64);
    for field in meta_fields {
        let _ = e.str(field);
    }
    e.into_writer()
}

/// A value as a sort number (`12`, `-3`, `2.5`).
fn number(value: &str) -> Option<f64> {
    let ok = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_digit() || "+-.eE".contains(c))
        && value.chars().any(|c| c.is_ascii_digit());
    ok.then(|| value.parse::<f64>().ok()).flatten()
}

/// The words cut into chunks of about [`CHUNK_SIZE`] positions, in order.
fn chunk(words: HashMap<String, WordEntry>) -> Vec<Vec<(String, WordEntry)>> {
    let mut words: Vec<(String, WordEntry)> = words.into_iter().collect();
    words.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut chunks = Vec::new();
    let mut current = Vec::new();
    let mut size = 0;
    for (word, entry) in words {
        size += entry
            .pages
            .iter()
            .chain(entry.variants.iter().flat_map(|(_, p)| p))
            .map(|(_, l)| l.text.len() + l.meta.len() + 1)
            .sum::<usize>()
            + entry.variants.len();
        current.push((word, entry));
        if size >= CHUNK_SIZE {
            chunks.push(std::mem::take(&mut current));
            size = 0;
        }
    }
    if !current.is_empty() {
        chunks.push(current);
    }
    chunks
}

/// The first and last word of each chunk, shortened to the shortest prefixes that still tell
/// neighbouring chunks apart (Pagefind's JS picks the chunk of a query by them).
fn chunk_ranges(chunks: &[Vec<(String, WordEntry)>]) -> Vec<(String, String)> {
    let mut ranges: Vec<(String, String)> = chunks
        .iter()
        .map(|c| {
            let first = c.first().map(|w| w.0.clone()).unwrap_or_default();
            let last = c.last().map(|w| w.0.clone()).unwrap_or_default();
            (first, last)
        })
        .collect();
    for i in 1..ranges.len() {
        let (to, from) = (ranges[i - 1].1.clone(), ranges[i].0.clone());
        let common = from
            .chars()
            .zip(to.chars())
            .take_while(|(a, b)| a == b)
            .count();
        let to_prefix: String = to.chars().take(common + 1).collect();
        let from_prefix: String = from.chars().take(common + 1).collect();
        if to_prefix >= ranges[i - 1].0 {
            ranges[i - 1].1 = to_prefix;
        }
        ranges[i].0 = from_prefix;
    }
    ranges
}

/// A chunk of the word index as CBOR; page numbers are deltas from the page before.
fn encode_words(chunk: &[(String, WordEntry)]) -> Vec<u8> {
    fn pages(e: &mut Encoder<Vec<u8>>, pages: &[(usize, Locations)]) {
        let _ = e.array(pages.len() as u64);
        let mut last = 0;
        for (page, l) in pages {
            let _ = e.array(3).and_then(|e| e.u64((page - last) as u64));
            last = *page;
            let _ = e.array(l.text.len() as u64);
            for v in &l.text {
                let _ = e.i32(*v);
            }
            let _ = e.array(l.meta.len() as u64);
            for v in &l.meta {
                let _ = e.i32(*v);
            }
        }
    }
    let mut e = Encoder::new(Vec::new());
    let _ = e.array(1).and_then(|e| e.array(chunk.len() as u64));
    for (word, entry) in chunk {
        let _ = e.array(3).and_then(|e| e.str(word));
        pages(&mut e, &entry.pages);
        let _ = e.array(entry.variants.len() as u64);
        for (form, variant_pages) in &entry.variants {
            let _ = e.array(2).and_then(|e| e.str(form));
            pages(&mut e, variant_pages);
        }
    }
    e.into_writer()
}

/// `{language}_{hash}`, with as few of the hash's characters (7 at least) as keep it apart
/// from the names `taken` says are used by something else.
fn unique_name(hash: &str, language: &str, taken: impl Fn(&str) -> bool) -> String {
    let hash = hash.strip_prefix(&format!("{language}_")).unwrap_or(hash);
    let mut length = 7;
    loop {
        let name = format!("{language}_{}", &hash[..length.min(hash.len())]);
        if !taken(&name) || length >= hash.len() {
            return name;
        }
        length += 1;
    }
}

/// A hex hash of `bytes`.
fn hash(bytes: &[u8]) -> String {
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(bytes))
}

/// `bytes` gzipped after Pagefind's signature, at a fast level (the files are small and
/// many; the best level cost a sixth of a whole build).
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = GzEncoder::new(
        Vec::with_capacity(bytes.len() / 2 + 64),
        Compression::fast(),
    );
    let _ = gz.write_all(SIGNATURE).and_then(|_| gz.write_all(bytes));
    gz.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_packed_by_weight_then_delta() {
        assert_eq!(
            pack_text(vec![(5, 24), (1, 168), (2, 24)]),
            vec![-25, 2, 3, -169, 1]
        );
        assert_eq!(
            pack_meta(vec![(1, 4), (0, 2), (1, 1)]),
            vec![-1, 2, -2, 1, 3]
        );
    }

    #[test]
    fn chunk_ranges_are_the_shortest_telling_prefixes() {
        let chunks = vec![
            vec![
                ("abad".to_string(), WordEntry::default()),
                ("bangun".to_string(), WordEntry::default()),
            ],
            vec![
                ("banjir".to_string(), WordEntry::default()),
                ("zona".to_string(), WordEntry::default()),
            ],
        ];
        assert_eq!(
            chunk_ranges(&chunks),
            vec![
                ("abad".into(), "bang".into()),
                ("banj".into(), "zona".into())
            ]
        );
    }
}
