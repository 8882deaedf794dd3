//! File bytes as the preview server keeps them: rendered pages deflated in memory (a page of
//! the 19 x 1000 province is about 13 KB, a fifth of that deflated against the ends of a page of
//! the same site) and inflated when one is served or indexed, other files kept plain at their
//! exact size.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::Arc;

use miniz_oxide::deflate::core::{
    CompressorOxide, TDEFLFlush, TDEFLStatus, compress_to_output, create_comp_flags_from_zip_params,
};
use miniz_oxide::inflate::core::{DecompressorOxide, decompress, inflate_flags};

/// miniz_oxide's fastest level: pages are packed as they are rendered, on the way to a reload.
const LEVEL: u8 = 1;

/// How hard deflating against a [`Dictionary`] works. miniz_oxide's fastest level finds few of
/// the long matches a dictionary offers (a page of the 19 x 1000 province: 4.2 KB at level 1
/// alone, 2.7 KB at level 1 against a news page, 1.9 KB at level 2), but level 2 takes about
/// twice as long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effort {
    /// Level 1: the pages a rebuild rendered again, deflated while the next save may come.
    Fast,
    /// Level 2: the pages of a first render, most of what the preview server keeps.
    Thorough,
}

impl Effort {
    fn level(self) -> i32 {
        match self {
            Effort::Fast => 1,
            Effort::Thorough => 2,
        }
    }
}

/// How much of each end of a sample page a [`Dictionary`] takes. The dictionary is deflated
/// again before each page, so its size is paid with every page: the two ends of a news page of
/// the 19 x 1000 province (4 KB each of its 13) give its regency's pages nearly what the
/// whole page gives (2 KB a page against 1.9 KB, from 4.2 KB at level 1 alone) in less time.
const DICTIONARY_END: usize = 4 * 1024;

/// Bytes that others are deflated against, as if each came right after them: the pages of one
/// site share their head, menus and footer, which are then not kept again in each.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dictionary(Arc<[u8]>);

impl Dictionary {
    /// A dictionary of the two ends of `sample` (a page: its head and menus, its footer).
    pub fn new(sample: &[u8]) -> Dictionary {
        if sample.len() <= 2 * DICTIONARY_END {
            return Dictionary(Arc::from(sample));
        }
        let (head, tail) = (
            &sample[..DICTIONARY_END],
            &sample[sample.len() - DICTIONARY_END..],
        );
        Dictionary(Arc::from([head, tail].concat()))
    }
}

/// Bytes kept deflated (raw DEFLATE), with their length and the dictionary they were deflated
/// against, if any.
#[derive(Debug, PartialEq, Eq)]
pub struct Packed {
    deflated: Box<[u8]>,
    len: usize,
    dictionary: Option<Dictionary>,
}

impl Packed {
    /// `bytes`, deflated.
    pub fn new(bytes: &[u8]) -> Packed {
        let deflated = miniz_oxide::deflate::compress_to_vec(bytes, LEVEL);
        Packed {
            // A copy at the exact size: shrinking in place may keep the larger block.
            deflated: Box::from(deflated.as_slice()),
            len: bytes.len(),
            dictionary: None,
        }
    }

    /// `bytes`, deflated against `dictionary`: the dictionary is deflated first up to a byte
    /// boundary (a sync flush) and what it gave dropped; the blocks of `bytes` that follow
    /// refer back into it, and inflate after it.
    pub fn against(bytes: &[u8], dictionary: &Dictionary, effort: Effort) -> Packed {
        thread_local! {
            /// This thread's compressor and its effort: made once (making one zeroes hundreds
            /// of kilobytes, about what deflating a page costs), reset for each page.
            static COMPRESSOR: RefCell<Option<(Effort, Box<CompressorOxide>)>> =
                const { RefCell::new(None) };
        }
        let mut deflated = Vec::with_capacity(bytes.len() / 4 + 64);
        let (primed, status) = COMPRESSOR.with(|kept| {
            let mut kept = kept.borrow_mut();
            let compressor = reused(
                &mut kept,
                effort,
                |c| c.reset(),
                || {
                    let flags = create_comp_flags_from_zip_params(effort.level(), -15, 0);
                    Box::new(CompressorOxide::new(flags))
                },
            );
            let (primed, _) =
                compress_to_output(compressor, &dictionary.0, TDEFLFlush::Sync, |_| true);
            let (status, _) = compress_to_output(compressor, bytes, TDEFLFlush::Finish, |out| {
                deflated.extend_from_slice(out);
                true
            });
            (primed, status)
        });
        if primed != TDEFLStatus::Okay || status != TDEFLStatus::Done {
            return Packed::new(bytes);
        }
        Packed {
            deflated: Box::from(deflated.as_slice()),
            len: bytes.len(),
            dictionary: Some(dictionary.clone()),
        }
    }

    /// The bytes again.
    pub fn unpack(&self) -> Vec<u8> {
        // Only bytes deflated by `new` or `against` are ever here, so inflating them cannot
        // fail; were it to, what came out so far is given.
        let Some(dictionary) = &self.dictionary else {
            return miniz_oxide::inflate::decompress_to_vec_with_limit(&self.deflated, self.len)
                .unwrap_or_else(|e| e.output);
        };
        // The dictionary goes first in the output, where the bytes' back references find it.
        let at = dictionary.0.len();
        let mut out = vec![0; at + self.len];
        out[..at].copy_from_slice(&dictionary.0);
        let mut inflater = Box::<DecompressorOxide>::default();
        let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
        let (_, _, made) = decompress(&mut inflater, &self.deflated, &mut out, at, flags);
        out.truncate(at + made);
        out.drain(..at);
        out
    }

    /// How many bytes it holds deflated.
    pub fn deflated_len(&self) -> usize {
        self.deflated.len()
    }
}

/// The bytes of one file of the site: plain, or deflated (pages the preview server keeps).
/// Cloning shares them.
#[derive(Clone, Debug)]
pub enum Body {
    /// As they are.
    Plain(Arc<Vec<u8>>),
    /// Deflated.
    Packed(Arc<Packed>),
}

impl Body {
    /// The bytes, inflated when packed.
    pub fn plain(&self) -> Cow<'_, [u8]> {
        match self {
            Body::Plain(bytes) => Cow::Borrowed(bytes.as_slice()),
            Body::Packed(packed) => Cow::Owned(packed.unpack()),
        }
    }

    /// How many bytes they are (inflated).
    pub fn len(&self) -> usize {
        match self {
            Body::Plain(bytes) => bytes.len(),
            Body::Packed(packed) => packed.len,
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many bytes they take in memory.
    pub fn held_len(&self) -> usize {
        match self {
            Body::Plain(bytes) => bytes.capacity(),
            Body::Packed(packed) => packed.deflated.len(),
        }
    }

    /// Whether `other` is this very body (a clone of it, held in the same place), without
    /// reading either: bodies held elsewhere may still be equal.
    pub fn same(&self, other: &Body) -> bool {
        match (self, other) {
            (Body::Plain(a), Body::Plain(b)) => Arc::ptr_eq(a, b),
            (Body::Packed(a), Body::Packed(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }

    /// The same bytes, deflated (against `dictionary` when given, with `effort`).
    pub fn packed(&self, dictionary: Option<&Dictionary>, effort: Effort) -> Body {
        match (self, dictionary) {
            (Body::Plain(bytes), None) => Body::Packed(Arc::new(Packed::new(bytes))),
            (Body::Plain(bytes), Some(d)) => {
                Body::Packed(Arc::new(Packed::against(bytes, d, effort)))
            }
            (Body::Packed(_), _) => self.clone(),
        }
    }

    /// The same bytes in no more memory than they need: a plain buffer grown past its length
    /// (a rendered string doubles as it grows) is copied at its exact size.
    pub fn compact(self) -> Body {
        match &self {
            Body::Plain(bytes) if bytes.capacity() > bytes.len() + bytes.len() / 8 + 64 => {
                Body::Plain(Arc::new(bytes.as_slice().to_vec()))
            }
            _ => self,
        }
    }
}

impl From<Vec<u8>> for Body {
    fn from(bytes: Vec<u8>) -> Body {
        Body::Plain(Arc::new(bytes))
    }
}

impl PartialEq for Body {
    fn eq(&self, other: &Body) -> bool {
        self.plain() == other.plain()
    }
}

impl Eq for Body {}

/// A body's HTML as the site model holds it: plain when just rendered, or deflated as the
/// preview server's Markdown memo keeps it, inflated only when a page that shows it is
/// rendered. Serialized as its text, but as a hash of its text for a serializer that is not
/// human-readable (the fingerprints that decide whether a page must be rendered again), so an
/// unchanged body is never inflated.
#[derive(Clone, Debug)]
pub enum Html {
    /// As it is.
    Plain(String),
    /// Deflated, with the hash of its text.
    Packed(Arc<Packed>, u128),
}

impl Html {
    /// Deflates `text`, noting its hash.
    pub fn pack(text: &str) -> Html {
        Html::Packed(Arc::new(Packed::new(text.as_bytes())), hash_of(text))
    }

    /// The text, inflated when packed.
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Html::Plain(text) => Cow::Borrowed(text),
            Html::Packed(packed, _) => Cow::Owned(
                String::from_utf8(packed.unpack())
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
            ),
        }
    }

    /// The hash of the text.
    pub fn hash(&self) -> u128 {
        match self {
            Html::Plain(text) => hash_of(text),
            Html::Packed(_, hash) => *hash,
        }
    }
}

fn hash_of(text: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(text.as_bytes())
}

impl Default for Html {
    fn default() -> Html {
        Html::Plain(String::new())
    }
}

impl From<String> for Html {
    fn from(text: String) -> Html {
        Html::Plain(text)
    }
}

impl std::fmt::Display for Html {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text())
    }
}

impl PartialEq for Html {
    fn eq(&self, other: &Html) -> bool {
        self.hash() == other.hash() && self.text() == other.text()
    }
}

impl serde::Serialize for Html {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            serializer.serialize_str(&self.text())
        } else {
            serializer.serialize_u128(self.hash())
        }
    }
}

/// The value `slot` keeps when it was made for `key`, made ready again by `reset`, or else a
/// new one from `make`, kept for next time: for a thread's compressor, which costs more to make
/// than a small input costs to compress.
pub(crate) fn reused<K: PartialEq, V>(
    slot: &mut Option<(K, V)>,
    key: K,
    reset: impl FnOnce(&mut V),
    make: impl FnOnce() -> V,
) -> &mut V {
    if !matches!(slot, Some((made_for, _)) if *made_for == key) {
        *slot = None;
    }
    let mut made = false;
    let (_, value) = slot.get_or_insert_with(|| {
        made = true;
        (key, make())
    });
    if !made {
        reset(value);
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_value_is_reset_for_its_key_and_made_again_for_another() {
        let mut slot = None;
        let made = |n: u32| move || vec![n];
        assert_eq!(*reused(&mut slot, 1, |v| v.push(0), made(7)), vec![7]);
        assert_eq!(*reused(&mut slot, 1, |v| v.push(0), made(8)), vec![7, 0]);
        assert_eq!(*reused(&mut slot, 2, |v| v.push(0), made(9)), vec![9]);
    }

    #[test]
    fn packed_bytes_come_back_the_same() {
        let page = "<p>Berita Kabupaten Agam</p>\n".repeat(500).into_bytes();
        let body = Body::from(page.clone()).packed(None, Effort::Fast);
        assert!(matches!(body, Body::Packed(_)));
        assert_eq!(body.plain().as_ref(), page.as_slice());
        assert_eq!(body.len(), page.len());
        assert!(body.held_len() < page.len() / 4);
        assert_eq!(body, Body::from(page));
        let empty = Body::from(Vec::new()).packed(None, Effort::Fast);
        assert!(empty.is_empty() && empty.plain().is_empty());
    }

    #[test]
    fn packed_html_shows_its_text_and_hashes_as_the_plain_text_does() {
        let text = "<p>Bimtek Tahap II di Lubuk Basung</p>".repeat(40);
        let plain = Html::from(text.clone());
        let packed = Html::pack(&text);
        assert_eq!(packed.text(), text);
        assert_eq!(
            serde_json::to_string(&packed).unwrap(),
            serde_json::to_string(&text).unwrap()
        );
        assert_eq!(packed.hash(), plain.hash());
        assert_eq!(packed, plain);
        assert_ne!(Html::pack("<p>lain</p>").hash(), plain.hash());
    }

    #[test]
    fn bytes_packed_against_a_dictionary_come_back_the_same_and_smaller() {
        let page = |title: &str| {
            format!(
                "<html><head><title>{title}</title></head><body><nav>{}</nav><main><p>{title}</p></main></body></html>",
                "<a href=\"/berita/\">Berita</a><a href=\"/program/\">Program</a>".repeat(60)
            )
            .into_bytes()
        };
        let dictionary = Dictionary::new(&page("Rapat koordinasi"));
        let other = page("Bimtek Tahap II di Lubuk Basung");
        let alone = Body::from(other.clone()).packed(None, Effort::Fast);
        for effort in [Effort::Fast, Effort::Thorough] {
            let against = Body::from(other.clone()).packed(Some(&dictionary), effort);
            assert_eq!(against.plain().as_ref(), other.as_slice());
            assert_eq!(against.len(), other.len());
            assert!(against.held_len() < alone.held_len());
            for bytes in [Vec::new(), b"x".to_vec(), vec![7; 100_000]] {
                let packed = Body::from(bytes.clone()).packed(Some(&dictionary), effort);
                assert_eq!(packed.plain().as_ref(), bytes.as_slice());
            }
            let big = Dictionary::new(&[vec![b'a'; 50_000], vec![b'b'; 50_000]].concat());
            let packed = Body::from(other.clone()).packed(Some(&big), effort);
            assert_eq!(packed.plain().as_ref(), other.as_slice());
        }
    }

    #[test]
    fn compact_copies_an_overgrown_buffer_at_its_size() {
        let mut bytes = Vec::with_capacity(4096);
        bytes.extend_from_slice(b"data.json");
        let body = Body::from(bytes).compact();
        assert!(body.held_len() < 64);
        assert_eq!(body.plain().as_ref(), b"data.json");
    }
}
