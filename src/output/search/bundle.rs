//! Pagefind 1.6's bundle, written by cerdas: the pages packed on their own (`pack`) are
//! merged into the word index (chunks of words in order, merged shard by shard in parallel),
//! one file per filter and the meta file that ties them together, all CBOR, gzipped after
//! Pagefind's `pagefind_dcd` signature, named by a hash of their content;
//! `pagefind-entry.json` names the meta file. Pagefind's JS reads it as its own.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use flate2::{Compress, Compression, FlushCompress, Status};
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::pack::{Packed, SHARDS, Span, Word};
use super::words::WORD_SYMBOLS;

/// The version of Pagefind whose format this is (its JS checks the meta file's).
pub const PAGEFIND_VERSION: &str = "1.6.0";

/// What Pagefind puts before the data of every gzipped file (its JS checks it).
const SIGNATURE: &[u8] = b"pagefind_dcd";

/// About how many word positions one word index file holds.
const CHUNK_SIZE: usize = 20_000;

/// One file of the bundle: its path under the bundle's folder and its bytes.
pub type BundleFile = (String, Vec<u8>);

/// A word's (or one of its forms') pages, encoded as they are merged: how many, the last
/// page's number (the next is written as a delta from it) and their CBOR, in page order.
#[derive(Default)]
struct Postings {
    count: usize,
    /// How many values its pages hold, one more each (what a chunk's size counts).
    size: usize,
    last_page: u32,
    cbor: Cbor,
}

impl Postings {
    /// Adds page `page`'s `values` (text positions, then meta positions with the page's own
    /// field numbers, which `fields` turns into the index's).
    fn add(&mut self, page: u32, span: Span, positions: &[i32], fields: &[i32]) {
        let e = &mut self.cbor;
        e.array(3);
        e.unsigned(u64::from(page - self.last_page));
        self.last_page = page;
        self.count += 1;
        self.size += span.len() + 1;
        let values = positions
            .get(span.start as usize..span.start as usize + span.len())
            .unwrap_or_default();
        let (text, meta) = values.split_at((span.text_len as usize).min(values.len()));
        e.array(text.len());
        for &v in text {
            e.signed(v);
        }
        e.array(meta.len());
        for &v in meta {
            // A field's marker, `-(field + 1)`, renumbered.
            let v = if v < 0 {
                -fields.get((-v - 1) as usize).copied().unwrap_or_default() - 1
            } else {
                v
            };
            e.signed(v);
        }
    }
}

/// A word's postings on every page: its plain form's and its accented forms'.
#[derive(Default)]
struct WordEntry {
    pages: Postings,
    variants: Vec<(Arc<str>, Postings)>,
}

/// A hasher for keys that carry their hash ([`Word`]).
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, hash: u64) {
        self.0 = hash;
    }
}

/// The pages' meta field numbers, as numbers of the whole index's fields.
struct Fields {
    /// Every field's name, in order.
    names: Vec<String>,
    /// For each page, its field numbers' numbers in `names`.
    of_page: Vec<Vec<i32>>,
}

impl Fields {
    fn of(pages: &[Packed]) -> Fields {
        let mut names: Vec<String> = pages.iter().flat_map(|p| p.meta_fields.clone()).collect();
        names.sort();
        names.dedup();
        let of_page = pages
            .iter()
            .map(|p| {
                p.meta_fields
                    .iter()
                    .map(|f| names.binary_search(f).unwrap_or_default() as i32)
                    .collect()
            })
            .collect();
        Fields { names, of_page }
    }
}

/// The index files of packed `pages` (numbered in their order), and the entry file.
pub fn write(pages: Vec<Packed>, language: &str, wasm: bool) -> Vec<BundleFile> {
    let mut files: Vec<BundleFile> = Vec::new();
    let fields = Fields::of(&pages);

    let mut filters: BTreeMap<String, BTreeMap<String, Vec<usize>>> = BTreeMap::new();
    let mut sorts: BTreeMap<String, Vec<(String, usize)>> = BTreeMap::new();
    let mut fragment_names: FxHashMap<String, String> = FxHashMap::default();
    let mut page_list: Vec<(String, u32)> = Vec::with_capacity(pages.len());
    let page_count = pages.len();

    let mut pages = pages;
    for (number, page) in pages.iter_mut().enumerate() {
        for (filter, value) in std::mem::take(&mut page.filters) {
            filters
                .entry(filter)
                .or_default()
                .entry(value)
                .or_default()
                .push(number);
        }
        for (key, value) in std::mem::take(&mut page.sort) {
            sorts.entry(key).or_default().push((value, number));
        }
        let name = unique_name(&page.fragment_hash, language, |n| {
            fragment_names
                .get(n)
                .is_some_and(|h| *h != page.fragment_hash)
        });
        if !fragment_names.contains_key(&name) {
            fragment_names.insert(name.clone(), page.fragment_hash.clone());
            let fragment = std::mem::take(&mut page.fragment);
            files.push((format!("fragment/{name}.pf_fragment"), fragment));
        }
        page_list.push((name, page.word_count));
    }

    // The word index, in chunks of words in order.
    let chunks = chunk(merge(&pages, &fields));
    drop(pages);
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
    let mut taken: FxHashMap<String, String> = FxHashMap::default();
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
        &fields.names,
    );
    let meta_name = format!("{language}_{}", &hash(&cbor)[..10]);
    files.push((
        format!("pagefind.{meta_name}.pf_meta"),
        gzip_at(&cbor, META_LEVEL),
    ));

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

/// Every word of `pages` with its postings, in no order: merged shard by shard, in parallel
/// (each shard reads only its own words of each page, pages in order).
fn merge(pages: &[Packed], fields: &Fields) -> Vec<(Word, WordEntry)> {
    (0..SHARDS)
        .into_par_iter()
        .flat_map_iter(|shard| {
            let mut words: std::collections::HashMap<
                Word,
                WordEntry,
                BuildHasherDefault<Prehashed>,
            > = Default::default();
            for (number, page) in pages.iter().enumerate() {
                let page_fields = &fields.of_page[number];
                let number = number as u32;
                for packed in page.shard(shard) {
                    let entry = match words.get_mut(&packed.word) {
                        Some(entry) => entry,
                        None => words.entry(packed.word.clone()).or_default(),
                    };
                    if let Some(main) = packed.main {
                        entry.pages.add(number, main, &page.positions, page_fields);
                    }
                    for (form, span) in &packed.variants {
                        let at = match entry.variants.iter().position(|(f, _)| f == form) {
                            Some(at) => at,
                            None => {
                                entry.variants.push((form.clone(), Postings::default()));
                                entry.variants.len() - 1
                            }
                        };
                        entry.variants[at]
                            .1
                            .add(number, *span, &page.positions, page_fields);
                    }
                }
            }
            words.into_iter()
        })
        .collect()
}

/// One filter's CBOR: its name, then each value with its pages.
fn encode_filter(filter: &str, values: &BTreeMap<String, Vec<usize>>) -> Vec<u8> {
    let mut e = Cbor::default();
    e.array(2);
    e.str(filter);
    e.array(values.len());
    for (value, pages) in values {
        e.array(2);
        e.str(value);
        e.array(pages.len());
        for page in pages {
            e.unsigned(*page as u64);
        }
    }
    e.0
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
    let mut e = Cbor::default();
    e.array(6);
    e.str(PAGEFIND_VERSION);
    e.array(page_list.len());
    for (name, word_count) in page_list {
        e.array(3);
        e.str(name);
        e.unsigned(u64::from(*word_count));
        e.str("");
    }
    e.array(chunk_meta.len());
    for (from, to, name) in chunk_meta {
        e.array(3);
        e.str(from);
        e.str(to);
        e.str(name);
    }
    e.array(filter_meta.len());
    for (filter, name) in filter_meta {
        e.array(2);
        e.str(filter);
        e.str(name);
    }
    e.array(sort_meta.len());
    for (key, pages) in sort_meta {
        e.array(2);
        e.str(key);
        e.array(pages.len());
        for page in pages {
            e.unsigned(*page as u64);
        }
    }
    e.array(meta_fields.len());
    for field in meta_fields {
        e.str(field);
    }
    e.0
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

/// The words sorted and cut into chunks of about [`CHUNK_SIZE`] positions.
fn chunk(mut words: Vec<(Word, WordEntry)>) -> Vec<Vec<(Word, WordEntry)>> {
    words.par_sort_unstable_by(|a, b| a.0.text.cmp(&b.0.text));
    let mut chunks = Vec::new();
    let mut current = Vec::new();
    let mut size = 0;
    for (word, entry) in words {
        size += entry.pages.size
            + entry
                .variants
                .iter()
                .map(|(_, p)| p.size + 1)
                .sum::<usize>();
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
fn chunk_ranges(chunks: &[Vec<(Word, WordEntry)>]) -> Vec<(String, String)> {
    let mut ranges: Vec<(String, String)> = chunks
        .iter()
        .map(|c| {
            let first = c.first().map(|w| w.0.text.to_string()).unwrap_or_default();
            let last = c.last().map(|w| w.0.text.to_string()).unwrap_or_default();
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

/// A chunk of the word index as CBOR (each word's postings are encoded already).
fn encode_words(chunk: &[(Word, WordEntry)]) -> Vec<u8> {
    let postings = |e: &mut Cbor, postings: &Postings| {
        e.array(postings.count);
        e.0.extend_from_slice(&postings.cbor.0);
    };
    let mut e = Cbor::default();
    e.array(1);
    e.array(chunk.len());
    for (word, entry) in chunk {
        e.array(3);
        e.str(&word.text);
        postings(&mut e, &entry.pages);
        let mut variants: Vec<&(Arc<str>, Postings)> = entry.variants.iter().collect();
        variants.sort_by(|a, b| a.0.cmp(&b.0));
        e.array(variants.len());
        for (form, variant_pages) in variants {
            e.array(2);
            e.str(form);
            postings(&mut e, variant_pages);
        }
    }
    e.0
}

/// A CBOR writer for what the index holds (arrays, text, integers; shortest forms).
#[derive(Default)]
struct Cbor(Vec<u8>);

impl Cbor {
    /// An item's head: its major type and its argument, in the fewest bytes.
    fn head(&mut self, major: u8, value: u64) {
        let major = major << 5;
        if value < 24 {
            self.0.push(major | value as u8);
        } else if value <= u64::from(u8::MAX) {
            self.0.extend_from_slice(&[major | 24, value as u8]);
        } else if value <= u64::from(u16::MAX) {
            self.0.push(major | 25);
            self.0.extend_from_slice(&(value as u16).to_be_bytes());
        } else if value <= u64::from(u32::MAX) {
            self.0.push(major | 26);
            self.0.extend_from_slice(&(value as u32).to_be_bytes());
        } else {
            self.0.push(major | 27);
            self.0.extend_from_slice(&value.to_be_bytes());
        }
    }

    fn unsigned(&mut self, value: u64) {
        self.head(0, value);
    }

    fn signed(&mut self, value: i32) {
        match u64::try_from(value) {
            Ok(v) => self.head(0, v),
            Err(_) => self.head(1, (-1 - i64::from(value)) as u64),
        }
    }

    fn array(&mut self, len: usize) {
        self.head(4, len as u64);
    }

    fn str(&mut self, text: &str) {
        self.head(3, text.len() as u64);
        self.0.extend_from_slice(text.as_bytes());
    }
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
pub fn hash(bytes: &[u8]) -> String {
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(bytes))
}

/// How hard the many files of the index are compressed: zlib-rs's level 2 costs what
/// miniz_oxide's fastest level did and gives 15% less (within 2% of the best level).
const LEVEL: u32 = 2;

/// How hard the meta file is compressed: the one file every query fetches first.
const META_LEVEL: u32 = 9;

/// `bytes` gzipped after Pagefind's signature (see [`LEVEL`]).
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    gzip_at(bytes, LEVEL)
}

fn gzip_at(bytes: &[u8], level: u32) -> Vec<u8> {
    thread_local! {
        /// This thread's compressor and its level: made once, reset for each file (making
        /// one zeroes a third of a megabyte, more than a small file costs to compress).
        static COMPRESSOR: RefCell<Option<(u32, Compress)>> = const { RefCell::new(None) };
    }
    COMPRESSOR.with(|compressor| {
        let mut compressor = compressor.borrow_mut();
        let compress = match &mut *compressor {
            Some((made_at, compress)) if *made_at == level => {
                compress.reset();
                compress
            }
            slot => {
                &mut slot
                    .insert((level, Compress::new_gzip(Compression::new(level), 15)))
                    .1
            }
        };
        let mut out = Vec::with_capacity(bytes.len() / 2 + 64);
        let fed = deflate_into(compress, SIGNATURE, FlushCompress::None, &mut out)
            && deflate_into(compress, bytes, FlushCompress::Finish, &mut out);
        if fed { out } else { Vec::new() }
    })
}

/// Compresses all of `input` into `out`, growing it as needed; false when the compressor
/// fails (never for data in memory).
fn deflate_into(
    compress: &mut Compress,
    input: &[u8],
    flush: FlushCompress,
    out: &mut Vec<u8>,
) -> bool {
    let start = compress.total_in();
    // Each round doubles the room left: a few rounds take any file in memory.
    for _ in 0..48 {
        if out.capacity() - out.len() < 64 {
            out.reserve(out.capacity().max(256));
        }
        let done = (compress.total_in() - start) as usize;
        match compress.compress_vec(&input[done.min(input.len())..], out, flush) {
            Ok(Status::StreamEnd) => return true,
            Ok(_) => {
                let all_in = (compress.total_in() - start) as usize >= input.len();
                if all_in && flush == FlushCompress::None {
                    return true;
                }
            }
            Err(_) => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(word: &str) -> (Word, WordEntry) {
        (Word::new(word), WordEntry::default())
    }

    #[test]
    fn chunk_ranges_are_the_shortest_telling_prefixes() {
        let chunks = vec![
            vec![entry("abad"), entry("bangun")],
            vec![entry("banjir"), entry("zona")],
        ];
        assert_eq!(
            chunk_ranges(&chunks),
            vec![
                ("abad".into(), "bang".into()),
                ("banj".into(), "zona".into())
            ]
        );
    }

    #[test]
    fn cbor_items_take_their_shortest_form() {
        let mut e = Cbor::default();
        e.signed(10);
        e.signed(-25);
        e.unsigned(500);
        e.signed(-169);
        e.array(2);
        e.str("ab");
        assert_eq!(
            e.0,
            vec![
                0x0a, 0x38, 24, 0x19, 0x01, 0xf4, 0x38, 168, 0x82, 0x62, b'a', b'b'
            ]
        );
    }
}
