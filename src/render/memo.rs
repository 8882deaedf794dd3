//! Pages kept from the previous render, so `serve` renders again only the pages whose inputs
//! changed. A page's inputs are the templates, the values every template sees and the page's
//! own context; together they hash to a fingerprint, and a page whose fingerprint matches the
//! kept one is the same page.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use rayon::prelude::*;

use serde::Serialize;
use tera::{Context, Tera};

pub(crate) use crate::fingerprint::{Fingerprint, fingerprint_of};
use crate::text::packed::{Body, Dictionary, Effort};

/// One value of a page context: it can be hashed and put into a Tera context.
trait ContextValue: Send + Sync {
    fn hash_into(&self, fingerprint: &mut Fingerprint);
    fn insert_into(&self, key: &'static str, context: &mut Context);
}

/// A value hashed as it is.
struct Plain<T>(T);

impl<T: Serialize + Send + Sync> ContextValue for Plain<T> {
    fn hash_into(&self, fingerprint: &mut Fingerprint) {
        fingerprint.add(&self.0);
    }

    fn insert_into(&self, key: &'static str, context: &mut Context) {
        context.insert(key, &self.0);
    }
}

/// A value whose fingerprint was made beforehand (parts many pages share, hashed once).
struct Prehashed<T>(T, u128);

impl<T: Serialize + Send + Sync> ContextValue for Prehashed<T> {
    fn hash_into(&self, fingerprint: &mut Fingerprint) {
        fingerprint.add_hash(self.1);
    }

    fn insert_into(&self, key: &'static str, context: &mut Context) {
        context.insert(key, &self.0);
    }
}

/// A value made only when the page is rendered, from inputs the page's fingerprint holds:
/// other values of the page and the globals, and whatever the optional hash stands for.
struct Derived<F>(F, Option<u128>);

impl<T: Serialize, F: Fn() -> T + Send + Sync> ContextValue for Derived<F> {
    fn hash_into(&self, fingerprint: &mut Fingerprint) {
        if let Some(hash) = self.1 {
            fingerprint.add_hash(hash);
        }
    }

    fn insert_into(&self, key: &'static str, context: &mut Context) {
        context.insert(key, &(self.0)());
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
        self.entries.push((key, Box::new(Plain(value))));
    }

    /// Adds `value` under `key`, `hash` standing for it in the fingerprint: it must change
    /// whenever the value's serialization does.
    pub(crate) fn insert_prehashed<T: Serialize + Send + Sync + 'a>(
        &mut self,
        key: &'static str,
        value: T,
        hash: u128,
    ) {
        self.entries.push((key, Box::new(Prehashed(value, hash))));
    }

    /// Adds the value `make` gives under `key`, made only if the page is rendered. `make`
    /// may only read what the fingerprint already holds (other values of this page and the
    /// globals), since it adds nothing to it.
    pub(crate) fn insert_derived<T, F>(&mut self, key: &'static str, make: F)
    where
        T: Serialize,
        F: Fn() -> T + Send + Sync + 'a,
    {
        self.entries.push((key, Box::new(Derived(make, None))));
    }

    /// Adds the value `make` gives under `key`, made only if the page is rendered; `inputs`
    /// stands for it in the fingerprint and must change whenever what `make` reads does.
    pub(crate) fn insert_lazy<T, F>(&mut self, key: &'static str, inputs: u128, make: F)
    where
        T: Serialize,
        F: Fn() -> T + Send + Sync + 'a,
    {
        self.entries
            .push((key, Box::new(Derived(make, Some(inputs)))));
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
type KeptPage = (u128, Body);

/// The pages of one part of the site as last rendered, by output path, and the templates they
/// were rendered with.
#[derive(Default)]
pub struct RenderMemo {
    pages: RwLock<HashMap<PathBuf, KeptPage>>,
    /// What the pages are deflated against: a page of the first render, of its most used
    /// template (a news item's, in a regency).
    dictionary: RwLock<Option<Dictionary>>,
    /// The theme's templates as last compiled, with the fingerprint of their names and
    /// sources.
    templates: Mutex<Option<(u128, Tera)>>,
}

impl RenderMemo {
    /// A copy of the templates kept compiled from sources with fingerprint `sources`.
    pub(crate) fn compiled_templates(&self, sources: u128) -> Option<Tera> {
        let kept = self.templates.lock().ok()?;
        let (fingerprint, tera) = kept.as_ref()?;
        (*fingerprint == sources).then(|| tera.clone())
    }

    /// Keeps `tera`, compiled from sources with fingerprint `sources`.
    pub(crate) fn keep_templates(&self, sources: u128, tera: &Tera) {
        if let Ok(mut kept) = self.templates.lock() {
            *kept = Some((sources, tera.clone()));
        }
    }

    /// The bytes rendered last time for `path` if they were made from `fingerprint`.
    pub(crate) fn get(&self, path: &Path, fingerprint: u128) -> Option<Body> {
        let pages = self.pages.read().ok()?;
        let (kept, bytes) = pages.get(path)?;
        (*kept == fingerprint).then(|| bytes.clone())
    }

    /// The dictionary pages are deflated against, once a first render chose it.
    pub(crate) fn dictionary(&self) -> Option<Dictionary> {
        self.dictionary.read().ok()?.clone()
    }

    /// Deflates pages against `dictionary` from now on (the pages kept stay as they are).
    pub(crate) fn set_dictionary(&self, dictionary: Dictionary) {
        if let Ok(mut kept) = self.dictionary.write() {
            *kept = Some(dictionary);
        }
    }

    /// Whether no page is kept (a first render).
    pub(crate) fn is_empty(&self) -> bool {
        self.pages.read().map(|p| p.is_empty()).unwrap_or(true)
    }

    /// Deflates the pages kept plain (rendered since the last call, after a first render),
    /// giving each one's plain bytes with its deflated ones, so that whoever shares them can
    /// swap too. Run after a rebuild has been shown: deflating is kept off the way to the
    /// reload, and at the fast level, since the next save may come meanwhile.
    pub fn pack(&self) -> Vec<(Arc<Vec<u8>>, Body)> {
        let plain: Vec<(PathBuf, Arc<Vec<u8>>)> = match self.pages.read() {
            Ok(pages) => pages
                .iter()
                .filter_map(|(path, (_, body))| match body {
                    Body::Plain(bytes) => Some((path.clone(), Arc::clone(bytes))),
                    Body::Packed(_) => None,
                })
                .collect(),
            Err(_) => return Vec::new(),
        };
        let dictionary = self.dictionary();
        let packed: Vec<(PathBuf, Arc<Vec<u8>>, Body)> = plain
            .into_par_iter()
            .map(|(path, bytes)| {
                let body =
                    Body::Plain(Arc::clone(&bytes)).packed(dictionary.as_ref(), Effort::Fast);
                (path, bytes, body)
            })
            .collect();
        let mut swaps = Vec::with_capacity(packed.len());
        if let Ok(mut pages) = self.pages.write() {
            for (path, bytes, body) in packed {
                if let Some((_, kept)) = pages.get_mut(&path)
                    && matches!(kept, Body::Plain(b) if Arc::ptr_eq(b, &bytes))
                {
                    *kept = body.clone();
                    swaps.push((bytes, body));
                }
            }
        }
        swaps
    }

    /// Replaces what is kept with this render's pages: `fresh` rendered now, every other
    /// page in `produced` unchanged, and pages no longer produced forgotten.
    pub(crate) fn update(
        &self,
        fresh: Vec<(PathBuf, u128, Body)>,
        produced: &std::collections::HashSet<&Path>,
    ) {
        if let Ok(mut pages) = self.pages.write() {
            pages.retain(|path, _| produced.contains(path.as_path()));
            for (path, fingerprint, bytes) in fresh {
                pages.insert(path, (fingerprint, bytes));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_reused_only_with_its_fingerprint_and_forgotten_when_gone() {
        let memo = RenderMemo::default();
        let path = PathBuf::from("berita/a/index.html");
        let bytes = Body::from(b"<p>a</p>".to_vec());
        memo.update(
            vec![(path.clone(), 7, bytes.clone())],
            &[path.as_path()].into_iter().collect(),
        );
        assert_eq!(memo.get(&path, 7), Some(bytes));
        assert_eq!(memo.get(&path, 8), None);
        memo.update(Vec::new(), &std::collections::HashSet::new());
        assert_eq!(memo.get(&path, 7), None);
    }
}
