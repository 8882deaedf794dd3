//! Photos made in the background of the preview: a page is served as soon as its HTML is ready,
//! and the resized files of new photos are made afterwards, one source photo at a time. A
//! request for a file not made yet makes its photo at once (ahead of the queue) or waits for
//! the worker already making it, so the open page's photos come first.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::error::Diagnostic;
use crate::output::images::{ImageCache, PendingPhoto, make_photo};

/// How long a request waits for a photo another thread is making.
const WAIT_FOR_PHOTO: Duration = Duration::from_secs(60);

/// What a failed photo does: the server shows the error over the preview.
pub type OnFailure = Arc<dyn Fn(Diagnostic) + Send + Sync>;

/// The photos waiting to be made and the ones being made.
#[derive(Default)]
struct Queue {
    /// Waiting, oldest first.
    waiting: VecDeque<PendingPhoto>,
    /// Being made now.
    making: Vec<PendingPhoto>,
}

/// The background maker of the preview's photos.
pub struct PhotoMaker {
    cache: Arc<ImageCache>,
    /// The site folder, to name a photo in an error.
    root: PathBuf,
    queue: Mutex<Queue>,
    /// Signalled when a photo is queued or finished.
    changed: Condvar,
    on_failure: OnFailure,
}

impl PhotoMaker {
    /// A maker writing into `cache`, with `workers` background threads (none: photos are made
    /// only when a request asks for one).
    pub fn start(
        cache: Arc<ImageCache>,
        root: PathBuf,
        workers: usize,
        on_failure: OnFailure,
    ) -> Arc<PhotoMaker> {
        let maker = Arc::new(PhotoMaker {
            cache,
            root,
            queue: Mutex::default(),
            changed: Condvar::new(),
            on_failure,
        });
        for _ in 0..workers {
            let me = Arc::clone(&maker);
            std::thread::spawn(move || me.work_forever());
        }
        maker
    }

    /// The cache it writes into.
    pub fn cache(&self) -> &ImageCache {
        &self.cache
    }

    /// Queues photos still to make; the same files already waiting or being made are not
    /// queued twice (a photo replaced on disk since has new file names, and is queued).
    pub fn enqueue(&self, photos: Vec<PendingPhoto>) {
        if photos.is_empty() {
            return;
        }
        let mut queue = self.lock();
        for photo in photos {
            let same = |p: &PendingPhoto| p.source == photo.source && p.jobs == photo.jobs;
            let known = queue.making.iter().any(same) || queue.waiting.iter().any(same);
            if !known {
                queue.waiting.push_back(photo);
            }
        }
        drop(queue);
        self.changed.notify_all();
    }

    /// Whether `cached` (a file inside the cache) is still to be made.
    pub fn is_pending(&self, cached: &Path) -> bool {
        let queue = self.lock();
        queue.waiting.iter().any(|p| p.makes(cached, &self.cache))
            || queue.making.iter().any(|p| p.makes(cached, &self.cache))
    }

    /// Makes sure `cached` exists if it is one of the photos to make: makes its photo now
    /// when it is waiting, or waits (a minute at most) for the thread making it.
    pub fn ensure(&self, cached: &Path) {
        let deadline = Instant::now() + WAIT_FOR_PHOTO;
        let mut queue = self.lock();
        loop {
            if let Some(at) = queue
                .waiting
                .iter()
                .position(|p| p.makes(cached, &self.cache))
            {
                if let Some(photo) = queue.waiting.remove(at) {
                    queue.making.push(photo.clone());
                    drop(queue);
                    self.make(&photo);
                }
                return;
            }
            let being_made = queue.making.iter().any(|p| p.makes(cached, &self.cache));
            let left = deadline.saturating_duration_since(Instant::now());
            if !being_made || left.is_zero() {
                return;
            }
            queue = match self.changed.wait_timeout(queue, left) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }

    /// Takes the oldest waiting photo and makes it, forever.
    fn work_forever(&self) {
        loop {
            let mut queue = self.lock();
            let photo = loop {
                if let Some(photo) = queue.waiting.pop_front() {
                    break photo;
                }
                queue = match self.changed.wait(queue) {
                    Ok(guard) => guard,
                    Err(poisoned) => poisoned.into_inner(),
                };
            };
            queue.making.push(photo.clone());
            drop(queue);
            self.make(&photo);
        }
    }

    /// Makes one photo (already marked as being made), reports a failure, then marks it
    /// done: whoever waits for it sees the file or the error.
    fn make(&self, photo: &PendingPhoto) {
        if let Err(error) = make_photo(photo, &self.cache, &self.root) {
            (self.on_failure)(error);
        }
        let mut queue = self.lock();
        if let Some(at) = queue.making.iter().position(|p| p.jobs == photo.jobs) {
            queue.making.swap_remove(at);
        }
        drop(queue);
        self.changed.notify_all();
    }

    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::images::{Fit, ImageJob, VariantFormat};

    fn photo(dir: &Path, name: &str) -> PendingPhoto {
        let img =
            image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 3, y as u8 * 5, 90]));
        let source = dir.join(format!("{name}.png"));
        img.save(&source).unwrap();
        PendingPhoto {
            source,
            jobs: vec![ImageJob {
                source: dir.join(format!("{name}.png")),
                width: 32,
                height: 24,
                format: VariantFormat::Jpeg,
                fit: Fit::Scale,
                to: format!("gambar/{name}-32-0123456789.jpg"),
            }],
        }
    }

    /// A maker with `workers` threads writing into a cache under `dir`, and the failures it
    /// reports.
    fn maker(
        dir: &Path,
        workers: usize,
    ) -> (
        Arc<PhotoMaker>,
        Arc<ImageCache>,
        Arc<Mutex<Vec<Diagnostic>>>,
    ) {
        let cache = Arc::new(ImageCache::open(&dir.join("cache")).unwrap());
        let failures = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&failures);
        let maker = PhotoMaker::start(
            Arc::clone(&cache),
            dir.to_path_buf(),
            workers,
            Arc::new(move |d| seen.lock().unwrap().push(d)),
        );
        (maker, cache, failures)
    }

    #[test]
    fn without_workers_a_photo_is_made_only_when_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        let (maker, cache, failures) = maker(dir.path(), 0);
        let (a, b) = (photo(dir.path(), "a"), photo(dir.path(), "b"));
        let (file_a, file_b) = (cache.path_of(&a.jobs[0]), cache.path_of(&b.jobs[0]));
        maker.enqueue(vec![a.clone(), b]);
        maker.enqueue(vec![a]);
        assert!(maker.is_pending(&file_a) && !file_a.exists());
        maker.ensure(&file_a);
        assert!(file_a.is_file(), "asked for: made");
        assert!(
            !file_b.exists() && maker.is_pending(&file_b),
            "not asked for: waiting"
        );
        assert!(!maker.is_pending(&file_a));
        assert!(failures.lock().unwrap().is_empty());
    }

    #[test]
    fn a_worker_makes_every_queued_photo_and_a_broken_one_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let (maker, cache, failures) = maker(dir.path(), 1);
        let good = photo(dir.path(), "baik");
        let broken = photo(dir.path(), "rusak");
        std::fs::write(&broken.source, b"\x89PNG\r\n\x1a\n bukan gambar").unwrap();
        let (file_good, file_broken) =
            (cache.path_of(&good.jobs[0]), cache.path_of(&broken.jobs[0]));
        maker.enqueue(vec![good, broken]);
        // Waits for the worker (bounded by WAIT_FOR_PHOTO) rather than sleeping.
        maker.ensure(&file_good);
        maker.ensure(&file_broken);
        assert!(file_good.is_file());
        assert!(!file_broken.exists());
        let failures = failures.lock().unwrap();
        assert_eq!(failures.len(), 1, "{failures:?}");
        assert!(
            format!("{:?}", failures[0]).contains("rusak.png"),
            "{failures:?}"
        );
    }
}
