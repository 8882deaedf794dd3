//! How far long work has got (a foundation: takes only `error`'s [`Text`]). The library counts
//! steps through a [`Progress`]; `main` draws a bar on a terminal, or plain lines in a log.

use std::sync::Arc;

use crate::error::Text;

/// A kind of long work a build does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Work {
    /// Photos decoded and resized (those not in the cache already).
    Photos,
    /// Regencies of a province built or fetched.
    Regencies,
}

impl Work {
    /// What the work is called, in both languages.
    pub fn label(self) -> Text {
        match self {
            Work::Photos => Text::new("Memproses foto", "Processing photos"),
            Work::Regencies => Text::new("Membangun kabupaten/kota", "Building regencies"),
        }
    }
}

/// Receives the counts of long work; called from many threads at once.
pub trait Progress: Send + Sync {
    /// `steps` more steps of `work` are to be done.
    fn expect(&self, work: Work, steps: usize);
    /// `steps` steps of `work` are done.
    fn advance(&self, work: Work, steps: usize);
}

/// A [`Progress`] that shows nothing: tests, `check`, the preview server.
pub struct Silent;

impl Progress for Silent {
    fn expect(&self, _: Work, _: usize) {}
    fn advance(&self, _: Work, _: usize) {}
}

/// Where a build reports its progress; shows nothing unless one is given.
#[derive(Clone)]
pub struct ProgressSink(pub Arc<dyn Progress>);

impl Default for ProgressSink {
    fn default() -> Self {
        ProgressSink(Arc::new(Silent))
    }
}

impl std::fmt::Debug for ProgressSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgressSink")
    }
}

impl std::ops::Deref for ProgressSink {
    type Target = dyn Progress;
    fn deref(&self) -> &Self::Target {
        &*self.0
    }
}
