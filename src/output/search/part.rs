//! The index of one part of a portal (a regency's pages, the province's own, the records of
//! regencies hosted elsewhere): its pages packed (`pack`, which encodes each page's positions)
//! and merged, word by word, into postings. The whole index puts the parts together (`bundle`) without
//! reading a page again, so a part is merged on the thread that built it, while other parts
//! are still being built, and the preview keeps each part's index until that part changes.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use rayon::prelude::*;

use super::cbor::{Cbor, copy_postings};
use super::pack::{Packed, SHARDS, Span, Word};
use crate::text::packed::Body;

/// A word's (or one of its forms') pages in a part, encoded as they are merged: each page's
/// entry is `[page delta, [text positions], [meta positions]]`, the first delta from 0.
#[derive(Default, Debug)]
pub struct Postings {
    /// How many pages.
    pub count: usize,
    /// How many values its pages hold, one more each (what a chunk's size counts).
    pub size: usize,
    /// The first and last page's numbers in the part.
    pub first_page: u32,
    pub last_page: u32,
    /// How many bytes the first entry's head (array, page delta) takes: the whole index
    /// writes its own head there.
    pub first_head: usize,
    /// Whether any page has meta positions (whose field numbers are the part's).
    pub has_meta: bool,
    pub cbor: Cbor,
}

impl Postings {
    /// Adds page `page`'s positions of one form, encoded in `postings` where `span` says
    /// (their meta field markers numbered as the page's own fields, which `fields` turns into
    /// the part's when they differ).
    fn add(&mut self, page: u32, span: Span, postings: &[u8], fields: Option<&[i32]>) {
        let e = &mut self.cbor;
        e.array(3);
        e.unsigned(u64::from(page - self.last_page));
        if self.count == 0 {
            self.first_page = page;
            self.first_head = e.0.len();
        }
        self.last_page = page;
        self.count += 1;
        self.size += span.values as usize + 1;
        self.has_meta |= span.has_meta;
        copy_postings(
            span.bytes(postings),
            fields.filter(|_| span.has_meta),
            &mut self.cbor,
        );
    }
}

/// A word's postings in a part: its plain form's and its accented forms'.
#[derive(Default, Debug)]
pub struct WordEntry {
    pub pages: Postings,
    pub variants: Vec<(Arc<str>, Postings)>,
}

/// A hasher for keys that carry their hash ([`Word`]).
#[derive(Default)]
pub struct Prehashed(u64);

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

/// A map keyed by [`Word`]s.
pub type WordMap<V> = HashMap<Word, V, BuildHasherDefault<Prehashed>>;

/// What the index shows of one page, and what it is filtered and sorted by.
#[derive(Debug)]
pub struct PageEntry {
    /// Its fragment's JSON gzipped, and the hash that names it.
    pub fragment: Body,
    pub fragment_hash: String,
    pub word_count: u32,
    pub filters: Vec<(String, String)>,
    pub sort: Vec<(String, String)>,
}

/// One part's pages merged (the preview keeps it while the part does not change, and serves
/// its fragments from it).
#[derive(Debug, Default)]
pub struct PartIndex {
    /// Its pages, in order (their numbers in the postings).
    pub pages: Vec<PageEntry>,
    /// Its meta fields' names, in order (the numbers in the postings' meta positions).
    pub fields: Vec<String>,
    /// Its words with their postings, by shard (see [`Word::shard`]), in no order.
    pub shards: Vec<Vec<(Word, WordEntry)>>,
}

/// Merges packed `pages` (numbered in their order) into a part's index: shard by shard, in
/// parallel, each shard reading only its own words of each page.
pub fn merge_part(pages: Vec<Packed>) -> PartIndex {
    let lists: Vec<&[String]> = pages.iter().map(|p| p.meta_fields.as_slice()).collect();
    let (fields, of_page) = joined_fields(&lists);
    let shards = (0..SHARDS)
        .into_par_iter()
        .map(|shard| merge_shard(&pages, &of_page, shard))
        .collect();
    let pages = pages
        .into_iter()
        .map(|p| PageEntry {
            fragment: Body::from(p.fragment),
            fragment_hash: p.fragment_hash,
            word_count: p.word_count,
            filters: p.filters,
            sort: p.sort,
        })
        .collect();
    PartIndex {
        pages,
        fields,
        shards,
    }
}

/// The meta field names of `lists` together (sorted, each once), and each list's numbers
/// among them, where they differ from its own (`None` for a list that is all of them, in
/// order): pages' fields joined into a part's, and parts' into the whole index's.
pub fn joined_fields(lists: &[&[String]]) -> (Vec<String>, Vec<Option<Vec<i32>>>) {
    let mut names: Vec<String> = lists.iter().flat_map(|l| l.iter().cloned()).collect();
    names.sort();
    names.dedup();
    let numbers = lists
        .iter()
        .map(|list| {
            (*list != names.as_slice()).then(|| {
                list.iter()
                    .map(|f| names.binary_search(f).unwrap_or_default() as i32)
                    .collect()
            })
        })
        .collect();
    (names, numbers)
}

/// The words of shard `shard` of `pages`, with their postings.
fn merge_shard(
    pages: &[Packed],
    of_page: &[Option<Vec<i32>>],
    shard: usize,
) -> Vec<(Word, WordEntry)> {
    let mut words: WordMap<WordEntry> = WordMap::default();
    for (number, page) in pages.iter().enumerate() {
        let page_fields = of_page[number].as_deref();
        let number = number as u32;
        for packed in page.shard(shard) {
            let entry = match words.get_mut(&packed.word) {
                Some(entry) => entry,
                None => words.entry(packed.word.clone()).or_default(),
            };
            if let Some(main) = packed.main {
                entry.pages.add(number, main, &page.postings, page_fields);
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
                    .add(number, *span, &page.postings, page_fields);
            }
        }
    }
    // Kept as long as the part does not change (in the preview): without the room that
    // growing left.
    words
        .into_iter()
        .map(|(word, mut entry)| {
            entry.pages.cbor.0.shrink_to_fit();
            for (_, postings) in &mut entry.variants {
                postings.cbor.0.shrink_to_fit();
            }
            entry.variants.shrink_to_fit();
            (word, entry)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_joined_and_renumbered_only_where_they_differ() {
        let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<String>>();
        let (title_date, title, image) = (
            words(&["tanggal", "title"]),
            words(&["title"]),
            words(&["image", "title"]),
        );
        let (names, numbers) = joined_fields(&[&title_date, &title, &image]);
        assert_eq!(names, words(&["image", "tanggal", "title"]));
        assert_eq!(
            numbers,
            vec![Some(vec![1, 2]), Some(vec![2]), Some(vec![0, 2])]
        );
        let (_, same) = joined_fields(&[&title_date, &title_date]);
        assert_eq!(same, vec![None, None]);
    }
}
