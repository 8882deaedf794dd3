//! Pagefind 1.6's bundle, written by cerdas: the parts' indexes (`part`) are put together
//! into the word index (chunks of words in order, shard by shard in parallel), the fragments,
//! one file per filter and the meta file that ties them together, all CBOR, gzipped after
//! Pagefind's `pagefind_dcd` signature, named by a hash of their content;
//! `pagefind-entry.json` names the meta file. Pagefind's JS reads it as its own.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Arc;

use libdeflater::{CompressionLvl, Compressor};
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::cbor::{Cbor, copy_postings};
use super::pack::{SHARDS, Word};
use super::part::{PartIndex, Postings, WordEntry, WordMap, joined_fields};
use super::words::WORD_SYMBOLS;
use crate::text::packed::{Body, reused};

/// The version of Pagefind whose format this is (its JS checks the meta file's).
pub const PAGEFIND_VERSION: &str = "1.6.0";

/// What Pagefind puts before the data of every gzipped file (its JS checks it).
const SIGNATURE: &[u8] = b"pagefind_dcd";

/// About how many word positions one word index file holds.
const CHUNK_SIZE: usize = 20_000;

/// One file of the bundle: its path under the bundle's folder and its bytes.
pub type BundleFile = (String, Body);

/// A word of the whole index: its entry in each part that has it (part number, entry).
type Merged<'a> = (Word, Vec<(usize, &'a WordEntry)>);

/// How the parts' page and meta field numbers become the whole index's.
struct Renumbering {
    /// The number of each part's first page.
    offsets: Vec<u32>,
    /// For each part whose meta fields are not the whole index's, their numbers there.
    fields: Vec<Option<Vec<i32>>>,
    /// Every meta field's name, in order.
    names: Vec<String>,
}

impl Renumbering {
    fn of(parts: &[Arc<PartIndex>]) -> Renumbering {
        let lists: Vec<&[String]> = parts.iter().map(|p| p.fields.as_slice()).collect();
        let (names, fields) = joined_fields(&lists);
        let mut offsets = Vec::with_capacity(parts.len());
        let mut next = 0u32;
        for part in parts {
            offsets.push(next);
            next += part.pages.len() as u32;
        }
        Renumbering {
            offsets,
            fields,
            names,
        }
    }
}

/// Files of a bundle compressed already, by a hash of what they hold and how hard they were
/// compressed: what one bundle compressed, for the next to take instead of compressing the
/// same bytes again (a second build compresses none of the word index, a build after an edit
/// the chunks holding the words that changed).
#[derive(Clone, Debug, Default)]
pub struct Compressed(pub(super) FxHashMap<CompressedKey, Body>);

/// What a compressed file is known by: the [`hash_of`] the bytes it holds, and its level.
pub type CompressedKey = (u128, i32);

impl Compressed {
    /// `bytes` (whose [`hash_of`] is `hash`) gzipped at `level`, with the key they are known
    /// by: taken from here when they were compressed before, else compressed.
    fn gzip(&self, bytes: &[u8], hash: u128, level: i32) -> (CompressedKey, Body) {
        let key = (hash, level);
        match self.0.get(&key) {
            Some(body) => (key, body.clone()),
            None => (key, Body::from(gzip_at(bytes, level))),
        }
    }

    /// Records a file this bundle has (compressed or taken), and gives its bytes.
    fn keep(&mut self, (key, body): (CompressedKey, Body)) -> Body {
        self.0.insert(key, body.clone());
        body
    }

    /// Whether both hold the same files.
    pub fn same_files(&self, other: &Compressed) -> bool {
        self.0.len() == other.0.len() && self.0.keys().all(|k| other.0.contains_key(k))
    }
}

/// The index files of the `parts` (their pages numbered in order) and the entry file,
/// compressed or taken from `last` when they hold what they held there; and what this bundle
/// compressed, for the next.
pub fn write(
    parts: &[Arc<PartIndex>],
    language: &str,
    wasm: bool,
    last: &Compressed,
) -> (Vec<BundleFile>, Compressed) {
    let mut files: Vec<BundleFile> = Vec::new();
    let mut made = Compressed::default();
    let renumbering = Renumbering::of(parts);

    let mut filters: BTreeMap<String, BTreeMap<String, Vec<usize>>> = BTreeMap::new();
    let mut sorts: BTreeMap<String, Vec<(String, usize)>> = BTreeMap::new();
    let mut fragment_names: FxHashMap<String, String> = FxHashMap::default();
    let mut page_list: Vec<(String, u32)> = Vec::new();

    for (number, page) in parts.iter().flat_map(|p| &p.pages).enumerate() {
        for (filter, value) in &page.filters {
            filters
                .entry(filter.clone())
                .or_default()
                .entry(value.clone())
                .or_default()
                .push(number);
        }
        for (key, value) in &page.sort {
            sorts
                .entry(key.clone())
                .or_default()
                .push((value.clone(), number));
        }
        let name = unique_name(&page.fragment_hash, language, |n| {
            fragment_names
                .get(n)
                .is_some_and(|h| *h != page.fragment_hash)
        });
        if !fragment_names.contains_key(&name) {
            fragment_names.insert(name.clone(), page.fragment_hash.clone());
            files.push((
                format!("fragment/{name}.pf_fragment"),
                page.fragment.clone(),
            ));
        }
        page_list.push((name, page.word_count));
    }
    let page_count = page_list.len();

    // The word index, in chunks of words in order.
    let chunks = chunk(merge(parts));
    let ranges = chunk_ranges(&chunks);
    let encoded: Vec<(CompressedKey, Body)> = chunks
        .into_par_iter()
        .map(|chunk| {
            let cbor = encode_words(&chunk, &renumbering);
            last.gzip(&cbor, hash_of(&cbor), LEVEL)
        })
        .collect();
    let mut chunk_meta = Vec::new();
    let mut taken: FxHashMap<String, String> = FxHashMap::default();
    for (compressed, (from, to)) in encoded.into_iter().zip(ranges) {
        let hash = hex(compressed.0.0);
        let name = unique_name(&hash, language, |n| taken.contains_key(n));
        taken.insert(name.clone(), hash);
        files.push((format!("index/{name}.pf_index"), made.keep(compressed)));
        chunk_meta.push((from, to, name));
    }

    // One file per filter.
    let mut filter_meta = Vec::new();
    for (filter, values) in &filters {
        let cbor = encode_filter(filter, values);
        let hash = hash_of(&cbor);
        let name = unique_name(&hex(hash), language, |n| taken.contains_key(n));
        taken.insert(name.clone(), String::new());
        let gz = made.keep(last.gzip(&cbor, hash, LEVEL));
        files.push((format!("filter/{name}.pf_filter"), gz));
        filter_meta.push((filter.clone(), name));
    }

    let sort_meta = sort_orders(sorts);

    let cbor = encode_meta(
        &page_list,
        &chunk_meta,
        &filter_meta,
        &sort_meta,
        &renumbering.names,
    );
    let hash = hash_of(&cbor);
    let meta_name = format!("{language}_{}", &hex(hash)[..10]);
    let gz = made.keep(last.gzip(&cbor, hash, META_LEVEL));
    files.push((format!("pagefind.{meta_name}.pf_meta"), gz));

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
        Body::from(entry.to_string().into_bytes()),
    ));
    (files, made)
}

/// Every word of the parts with its entry in each part that has it, in no order: shard by
/// shard, in parallel.
fn merge(parts: &[Arc<PartIndex>]) -> Vec<Merged<'_>> {
    (0..SHARDS)
        .into_par_iter()
        .flat_map_iter(|shard| {
            let mut words: WordMap<Vec<(usize, &WordEntry)>> = WordMap::default();
            for (number, part) in parts.iter().enumerate() {
                for (word, entry) in part.shards.get(shard).into_iter().flatten() {
                    match words.get_mut(word) {
                        Some(list) => list.push((number, entry)),
                        None => {
                            words.insert(word.clone(), vec![(number, entry)]);
                        }
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
        e.numbers(pages);
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
        e.numbers(pages);
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
fn chunk(mut words: Vec<Merged<'_>>) -> Vec<Vec<Merged<'_>>> {
    words.par_sort_unstable_by(|a, b| a.0.text.cmp(&b.0.text));
    let mut chunks = Vec::new();
    let mut current = Vec::new();
    let mut size = 0;
    for (word, entries) in words {
        size += entries
            .iter()
            .map(|(_, e)| e.pages.size + e.variants.iter().map(|(_, p)| p.size).sum::<usize>())
            .sum::<usize>()
            + forms(&entries).len();
        current.push((word, entries));
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

/// A word's accented forms, in order, each with its postings in each part that has it.
fn forms<'a>(entries: &[(usize, &'a WordEntry)]) -> BTreeMap<&'a str, Vec<(usize, &'a Postings)>> {
    let mut forms: BTreeMap<&str, Vec<(usize, &Postings)>> = BTreeMap::new();
    for (part, entry) in entries {
        for (form, postings) in &entry.variants {
            forms.entry(form).or_default().push((*part, postings));
        }
    }
    forms
}

/// The first and last word of each chunk, shortened to the shortest prefixes that still tell
/// neighbouring chunks apart (Pagefind's JS picks the chunk of a query by them).
fn chunk_ranges(chunks: &[Vec<Merged<'_>>]) -> Vec<(String, String)> {
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

/// A chunk of the word index as CBOR: each word's postings in each part, one after
/// another, renumbered.
fn encode_words(chunk: &[Merged<'_>], renumbering: &Renumbering) -> Vec<u8> {
    let mut e = Cbor::default();
    e.array(1);
    e.array(chunk.len());
    for (word, entries) in chunk {
        e.array(3);
        e.str(&word.text);
        let main: Vec<(usize, &Postings)> = entries.iter().map(|(p, e)| (*p, &e.pages)).collect();
        encode_postings(&mut e, &main, renumbering);
        let forms = forms(entries);
        e.array(forms.len());
        for (form, postings) in forms {
            e.array(2);
            e.str(form);
            encode_postings(&mut e, &postings, renumbering);
        }
    }
    e.0
}

/// The pages of a word (or of one of its forms) in every part: the first page of each part
/// gets a head of its own (its delta from the last page before it), the rest is copied, its
/// meta field numbers renumbered when the part's are not the whole index's.
fn encode_postings(e: &mut Cbor, list: &[(usize, &Postings)], renumbering: &Renumbering) {
    e.array(list.iter().map(|(_, p)| p.count).sum());
    let mut last = 0u32;
    for &(part, postings) in list {
        if postings.count == 0 {
            continue;
        }
        let offset = renumbering.offsets.get(part).copied().unwrap_or_default();
        let first = offset + postings.first_page;
        e.array(3);
        e.unsigned(u64::from(first - last));
        last = offset + postings.last_page;
        let rest = postings
            .cbor
            .0
            .get(postings.first_head..)
            .unwrap_or_default();
        let fields = renumbering.fields.get(part).and_then(Option::as_deref);
        copy_postings(rest, fields.filter(|_| postings.has_meta), e);
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
    hex(hash_of(bytes))
}

/// The hash of `bytes` that names the files of the bundle.
fn hash_of(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// `hash` in 32 hex digits.
fn hex(hash: u128) -> String {
    format!("{hash:032x}")
}

/// How hard the many files of the index are compressed: libdeflate's fastest level
/// compresses them in half the time zlib-rs's level 2 took, and a little smaller (measured on
/// the 19 x 1000 benchmark's 19,405 files: 0.80 s against 1.55 s, 44.3 MB against 44.6 MB).
const LEVEL: i32 = 1;

/// How hard the meta file is compressed: the one file every query fetches first.
const META_LEVEL: i32 = 12;

/// `bytes` gzipped after Pagefind's signature (see [`LEVEL`]).
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    gzip_at(bytes, LEVEL)
}

/// A thread's gzip: its compressor and the level it was made for (made once: its tables cost
/// more to make than a small file costs to compress), the signed input and the room it writes
/// into.
#[derive(Default)]
struct ThreadGzip {
    compressor: Option<(i32, Compressor)>,
    input: Vec<u8>,
    room: Vec<u8>,
}

fn gzip_at(bytes: &[u8], level: i32) -> Vec<u8> {
    thread_local! {
        static GZIP: RefCell<ThreadGzip> = RefCell::default();
    }
    GZIP.with(|kept| {
        let ThreadGzip {
            compressor,
            input,
            room,
        } = &mut *kept.borrow_mut();
        let compressor = reused(
            compressor,
            level,
            |_| {},
            || Compressor::new(CompressionLvl::new(level).unwrap_or_default()),
        );
        // libdeflate compresses one whole buffer: the signature goes in front of the bytes.
        input.clear();
        input.extend_from_slice(SIGNATURE);
        input.extend_from_slice(bytes);
        room.resize(compressor.gzip_compress_bound(input.len()), 0);
        match compressor.gzip_compress(input, room) {
            Ok(written) => room[..written].to_vec(),
            // The room is the bound libdeflate gives: it cannot run out.
            Err(_) => Vec::new(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_ranges_are_the_shortest_telling_prefixes() {
        let entry = |w: &str| (Word::new(w), Vec::new());
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
}
