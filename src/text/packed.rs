//! File bytes as the preview server keeps them: rendered pages deflated in memory (a page of
//! the 19 x 1000 province is about 13 KB, a quarter of that deflated) and inflated when one is
//! served or indexed, other files kept plain at their exact size.

use std::borrow::Cow;
use std::sync::Arc;

/// miniz_oxide's fastest level: pages are packed as they are rendered, on the way to a reload.
const LEVEL: u8 = 1;

/// Bytes kept deflated (raw DEFLATE), with their length.
#[derive(Debug, PartialEq, Eq)]
pub struct Packed {
    deflated: Box<[u8]>,
    len: usize,
}

impl Packed {
    /// `bytes`, deflated.
    pub fn new(bytes: &[u8]) -> Packed {
        let deflated = miniz_oxide::deflate::compress_to_vec(bytes, LEVEL);
        Packed {
            // A copy at the exact size: shrinking in place may keep the larger block.
            deflated: Box::from(deflated.as_slice()),
            len: bytes.len(),
        }
    }

    /// The bytes again.
    pub fn unpack(&self) -> Vec<u8> {
        // Only bytes deflated by `new` are ever here, so inflating them cannot fail; were it
        // to, what came out so far is given.
        miniz_oxide::inflate::decompress_to_vec_with_limit(&self.deflated, self.len)
            .unwrap_or_else(|e| e.output)
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

    /// The same bytes, deflated.
    pub fn packed(&self) -> Body {
        match self {
            Body::Plain(bytes) => Body::Packed(Arc::new(Packed::new(bytes))),
            Body::Packed(_) => self.clone(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_bytes_come_back_the_same() {
        let page = "<p>Berita Kabupaten Agam</p>\n".repeat(500).into_bytes();
        let body = Body::from(page.clone()).packed();
        assert!(matches!(body, Body::Packed(_)));
        assert_eq!(body.plain().as_ref(), page.as_slice());
        assert_eq!(body.len(), page.len());
        assert!(body.held_len() < page.len() / 4);
        assert_eq!(body, Body::from(page));
        let empty = Body::from(Vec::new()).packed();
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
    fn compact_copies_an_overgrown_buffer_at_its_size() {
        let mut bytes = Vec::with_capacity(4096);
        bytes.extend_from_slice(b"data.json");
        let body = Body::from(bytes).compact();
        assert!(body.held_len() < 64);
        assert_eq!(body.plain().as_ref(), b"data.json");
    }
}
