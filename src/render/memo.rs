//! Pages kept from the previous render, so `serve` renders again only the pages whose inputs
//! changed. A page's inputs are the templates, the values every template sees and the page's
//! own context; together they hash to a fingerprint, and a page whose fingerprint matches the
//! kept one is the same page.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use serde::Serialize;
use tera::Context;
use xxhash_rust::xxh3::Xxh3;

/// A running hash of serializable values (their JSON form), 128 bits wide so that two
/// different inputs giving one fingerprint is not a practical concern.
pub(crate) struct Fingerprint(Xxh3);

impl Fingerprint {
    /// An empty fingerprint.
    pub(crate) fn new() -> Fingerprint {
        Fingerprint(Xxh3::new())
    }

    /// Adds `value`, framed so that `("ab", "c")` and `("a", "bc")` differ.
    pub(crate) fn add<T: Serialize + ?Sized>(&mut self, value: &T) {
        // Writing into the hasher cannot fail; a value that cannot serialize would fail the
        // render too, so it is hashed as far as it went.
        let _ = serde_json::to_writer(&mut *self, value);
        self.0.update(&[0xff]);
    }

    /// Adds a fingerprint made elsewhere.
    pub(crate) fn add_hash(&mut self, hash: u128) {
        self.0.update(&hash.to_le_bytes());
    }

    /// The hash of everything added.
    pub(crate) fn finish(&self) -> u128 {
        self.0.digest128()
    }
}

impl std::io::Write for Fingerprint {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One value of a page context: it can be hashed and put into a Tera context.
trait ContextValue: Send + Sync {
    fn hash_into(&self, fingerprint: &mut Fingerprint);
    fn insert_into(&self, key: &'static str, context: &mut Context);
}

impl<T: Serialize + Send + Sync> ContextValue for T {
    fn hash_into(&self, fingerprint: &mut Fingerprint) {
        fingerprint.add(self);
    }

    fn insert_into(&self, key: &'static str, context: &mut Context) {
        context.insert(key, self);
    }
}

/// The values one page's template sees, kept as they are (mostly borrowed from the model)
/// until the page has to be rendered: hashing them is much cheaper than building a Tera
/// context, and an unchanged page never needs one.
#[derive(Default)]
pub(crate) struct PageContext<'a> {
    entries: Vec<(&'static str, Box<dyn ContextValue + 'a>)>,
}

impl<'a> PageContext<'a> {
    /// An empty context.
    pub(crate) fn new() -> PageContext<'a> {
        PageContext::default()
    }

    /// Adds `value` under `key` (a borrowed value is kept borrowed).
    pub(crate) fn insert<T: Serialize + Send + Sync + 'a>(&mut self, key: &'static str, value: T) {
        self.entries.push((key, Box::new(value)));
    }

    /// Adds every value to `fingerprint`, keys included.
    pub(crate) fn hash_into(&self, fingerprint: &mut Fingerprint) {
        for (key, value) in &self.entries {
            fingerprint.add(key);
            value.hash_into(fingerprint);
        }
    }

    /// The Tera context holding every value.
    pub(crate) fn to_context(&self) -> Context {
        let mut context = Context::new();
        for (key, value) in &self.entries {
            value.insert_into(key, &mut context);
        }
        context
    }
}

/// A page as last rendered: the fingerprint of its inputs and its bytes.
type KeptPage = (u128, Arc<Vec<u8>>);

/// The pages of one part of the site as last rendered, by output path.
#[derive(Debug, Default)]
pub struct RenderMemo {
    pages: RwLock<HashMap<PathBuf, KeptPage>>,
}

impl RenderMemo {
    /// The bytes rendered last time for `path` if they were made from `fingerprint`.
    pub(crate) fn get(&self, path: &Path, fingerprint: u128) -> Option<Arc<Vec<u8>>> {
        let pages = self.pages.read().ok()?;
        let (kept, bytes) = pages.get(path)?;
        (*kept == fingerprint).then(|| Arc::clone(bytes))
    }

    /// Replaces what is kept with this render's pages: `fresh` rendered now, every other
    /// page in `produced` unchanged, and pages no longer produced forgotten.
    pub(crate) fn update(
        &self,
        fresh: Vec<(PathBuf, u128, Arc<Vec<u8>>)>,
        produced: &std::collections::HashSet<&Path>,
    ) {
        if let Ok(mut pages) = self.pages.write() {
            pages.retain(|path, _| produced.contains(path.as_path()));
            for (path, fingerprint, bytes) in fresh {
                pages.insert(path, (fingerprint, bytes));
            }
        }
    }

    /// How many pages are kept.
    pub fn len(&self) -> usize {
        self.pages.read().map(|p| p.len()).unwrap_or(0)
    }

    /// Whether no page is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_frame_their_values() {
        let hash = |parts: &[&str]| {
            let mut f = Fingerprint::new();
            for p in parts {
                f.add(p);
            }
            f.finish()
        };
        assert_ne!(hash(&["ab", "c"]), hash(&["a", "bc"]));
        assert_eq!(hash(&["ab", "c"]), hash(&["ab", "c"]));
    }

    #[test]
    fn a_page_is_reused_only_with_its_fingerprint_and_forgotten_when_gone() {
        let memo = RenderMemo::default();
        let path = PathBuf::from("berita/a/index.html");
        let bytes = Arc::new(b"<p>a</p>".to_vec());
        memo.update(
            vec![(path.clone(), 7, Arc::clone(&bytes))],
            &[path.as_path()].into_iter().collect(),
        );
        assert_eq!(memo.get(&path, 7).as_deref(), Some(&*bytes));
        assert_eq!(memo.get(&path, 8), None);
        memo.update(Vec::new(), &std::collections::HashSet::new());
        assert_eq!(memo.get(&path, 7), None);
        assert!(memo.is_empty());
    }
}
