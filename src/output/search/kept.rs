//! Parts' indexes kept between builds, in the cache folder (`<cache>/cari/`): a regency whose
//! pages are the very same bytes as at an earlier build (with the same cerdas program, the
//! same language and sub-path) takes its index from there instead of reading its pages again.
//! A humas team builds again after changing one news item; only that item's regency is read.
//!
//! A kept part is one file, named by a hash of everything its index is made from, and holds a
//! checksum of its content: a file that is damaged, cut short or written by another version
//! is not used (its part is indexed again and the file replaced), never an error. Files no
//! build used last time are removed.
//!
//! Beside the parts, one file keeps the last bundle's compressed files (the word index, the
//! filters and the meta file), by a hash of what each holds: a build whose word index holds
//! what it held last time does not compress it again.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use xxhash_rust::xxh3::{Xxh3, xxh3_64, xxh3_128};

use super::Packer;
use super::bundle::{Compressed, PAGEFIND_VERSION};
use super::cbor::Cbor;
use super::pack::{SHARDS, Word};
use super::part::{PageEntry, PartIndex, Postings, WordEntry};
use crate::output::write::write_whole;
use crate::render::OutputFile;
use crate::text::packed::Body;

/// The folder inside the cache folder.
pub const KEPT_DIR: &str = "cari";

/// What a kept part's file starts with (changed whenever what it holds changes).
const MAGIC: &[u8] = b"cerdas search part 1\n";

/// The ending of a kept part's file name.
const EXTENSION: &str = "part";

/// The file that keeps the last bundle's compressed files.
const COMPRESSED_FILE: &str = "bundle.kept";

/// What that file starts with.
const COMPRESSED_MAGIC: &[u8] = b"cerdas search bundle 1\n";

/// How old a file left half-written by a build that was stopped is when it is removed (a
/// younger one may be another build's, still being written).
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(3600);

/// Parts' indexes kept in a cache folder.
#[derive(Debug)]
pub struct KeptParts {
    /// `<cache dir>/cari`.
    dir: PathBuf,
    /// The names of the files this build used or wrote (the others are pruned).
    used: Mutex<HashSet<String>>,
}

impl KeptParts {
    /// Parts kept under `cache_dir` (the folder is made when a part is first written).
    pub fn in_cache(cache_dir: &Path) -> KeptParts {
        KeptParts {
            dir: cache_dir.join(KEPT_DIR),
            used: Mutex::default(),
        }
    }

    /// The index of the part made of `pages` (HTML files in order of path): the kept one
    /// when these very pages were indexed before, else made by `make` and kept for the next
    /// build.
    pub(super) fn part(
        &self,
        packer: &Packer,
        pages: &[&OutputFile],
        make: impl FnOnce() -> PartIndex,
    ) -> PartIndex {
        let Some(key) = part_key(packer, pages) else {
            return make();
        };
        let name = format!("{key:032x}.{EXTENSION}");
        if let Ok(mut used) = self.used.lock() {
            used.insert(name.clone());
        }
        let path = self.dir.join(&name);
        if let Some(part) = fs::read(&path).ok().and_then(|b| decode(&b, key)) {
            return part;
        }
        let part = make();
        // A part that cannot be kept is made again next time: nothing to tell the user.
        let _ =
            fs::create_dir_all(&self.dir).and_then(|()| write_whole(&path, &encode(&part, key)));
        part
    }

    /// The folder the parts are kept in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Removes the kept parts this build did not use (a regency changed or left the
    /// province), and files an earlier build was stopped while writing. Only files named as
    /// kept parts (or as their half-written files) are touched.
    pub fn prune(&self) {
        let Ok(used) = self.used.lock() else {
            return;
        };
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let unused = is_kept_name(&name) && !used.contains(&name);
            if unused || (is_half_written(&name) && is_stale(&entry)) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

/// Whether `name` is what [`write_whole`] names a kept file while writing it
/// (`<name without its ending>.tmp-<process>-<number>`).
fn is_half_written(name: &str) -> bool {
    name.split_once(".tmp-").is_some_and(|(stem, rest)| {
        let numbers = rest
            .split('-')
            .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        let compressed = Path::new(COMPRESSED_FILE).file_stem();
        (is_key(stem) || compressed == Some(stem.as_ref())) && numbers
    })
}

/// Whether `text` is a kept part's key as its file name writes it: 32 hex digits.
fn is_key(text: &str) -> bool {
    text.len() == 32 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whether `entry` was last written longer ago than [`STALE_AFTER`].
fn is_stale(entry: &fs::DirEntry) -> bool {
    entry
        .metadata()
        .and_then(|m| m.modified())
        .ok()
        .and_then(|written| written.elapsed().ok())
        .is_some_and(|age| age > STALE_AFTER)
}

/// The compressed files of the last bundle kept in `dir` (none when there are none, or their
/// file is damaged or was written by another cerdas program).
pub fn read_compressed(dir: &Path) -> Compressed {
    let Some(stamp) = program_stamp() else {
        return Compressed::default();
    };
    fs::read(dir.join(COMPRESSED_FILE))
        .ok()
        .and_then(|file| decode_compressed(&file, xxh3_128(stamp)))
        .unwrap_or_default()
}

/// Keeps `compressed` in `dir` for the next build (not kept when it cannot be written: the
/// next build compresses again).
pub fn keep_compressed(dir: &Path, compressed: &Compressed) {
    let Some(stamp) = program_stamp() else {
        return;
    };
    let file = encode_compressed(compressed, xxh3_128(stamp));
    let _ = fs::create_dir_all(dir).and_then(|()| write_whole(&dir.join(COMPRESSED_FILE), &file));
}

/// The compressed files' file: [`COMPRESSED_MAGIC`], the program's key, a checksum of the
/// rest, then each file's hash, level and bytes.
fn encode_compressed(compressed: &Compressed, key: u128) -> Vec<u8> {
    let size: usize = compressed.0.values().map(|b| b.len() + 32).sum();
    let mut file = Writer::headed(COMPRESSED_MAGIC, key, COMPRESSED_MAGIC.len() + 32 + size);
    file.count(compressed.0.len());
    for (&(hash, level), body) in &compressed.0 {
        file.u128(hash);
        file.u64(level as u64);
        file.bytes(&body.plain());
    }
    file.sealed(COMPRESSED_MAGIC)
}

/// The compressed files a file holds, when it is whole and written for `key`.
fn decode_compressed(file: &[u8], key: u128) -> Option<Compressed> {
    let body = checked_body(file.strip_prefix(COMPRESSED_MAGIC)?, key)?;
    let mut r = Reader(body);
    let mut compressed = Compressed::default();
    for _ in 0..r.count()? {
        let hash = r.u128()?;
        let level = i32::try_from(r.u64()?).ok()?;
        let bytes = r.bytes()?.to_vec();
        compressed.0.insert((hash, level), Body::from(bytes));
    }
    r.0.is_empty().then_some(compressed)
}

/// What follows a kept file's key and checksum (after its magic), when the key is `key` and
/// the checksum is right: what [`Writer::sealed`] wrote.
fn checked_body(rest: &[u8], key: u128) -> Option<&[u8]> {
    let mut r = Reader(rest);
    (r.u128()? == key && r.u64()? == xxh3_64(r.0)).then_some(r.0)
}

/// Whether `name` is a kept part's file name: its key in 32 hex digits and [`EXTENSION`].
fn is_kept_name(name: &str) -> bool {
    name.strip_suffix(EXTENSION)
        .and_then(|stem| stem.strip_suffix('.'))
        .is_some_and(is_key)
}

/// What a part's index is made from, hashed: this cerdas program, the language and sub-path,
/// and every HTML page of the part (path and bytes, in order of path). `None` for a part
/// without pages, or when the program's own file cannot be read (nothing is kept then).
fn part_key(packer: &Packer, pages: &[&OutputFile]) -> Option<u128> {
    if pages.is_empty() {
        return None;
    }
    let mut hasher = Xxh3::new();
    hasher.update(program_stamp()?);
    for text in [packer.language.as_str(), packer.base_path.as_str()] {
        hasher.update(&(text.len() as u64).to_le_bytes());
        hasher.update(text.as_bytes());
    }
    for page in pages {
        let path = page.path.to_string_lossy();
        let bytes = page.bytes.plain();
        hasher.update(&(path.len() as u64).to_le_bytes());
        hasher.update(path.as_bytes());
        hasher.update(&(bytes.len() as u64).to_le_bytes());
        hasher.update(&bytes);
    }
    Some(hasher.digest128())
}

/// What tells this cerdas program from any other: its version, Pagefind's format version, and
/// the size and time of its own file (a program built again indexes differently, perhaps,
/// under the same version number).
fn program_stamp() -> Option<&'static [u8]> {
    static STAMP: OnceLock<Option<Vec<u8>>> = OnceLock::new();
    STAMP
        .get_or_init(|| {
            let meta = fs::metadata(std::env::current_exe().ok()?).ok()?;
            let modified = meta
                .modified()
                .ok()?
                .duration_since(std::time::UNIX_EPOCH)
                .ok()?;
            let mut stamp = Vec::from(MAGIC);
            stamp.extend_from_slice(env!("CARGO_PKG_VERSION").as_bytes());
            stamp.push(b' ');
            stamp.extend_from_slice(PAGEFIND_VERSION.as_bytes());
            stamp.extend_from_slice(&meta.len().to_le_bytes());
            stamp.extend_from_slice(&modified.as_nanos().to_le_bytes());
            Some(stamp)
        })
        .as_deref()
}

/// A part's file: [`MAGIC`], its key, a checksum of the rest, then the rest.
fn encode(part: &PartIndex, key: u128) -> Vec<u8> {
    let mut file = Writer::headed(MAGIC, key, encoded_size(part));
    file.count(part.fields.len());
    for field in &part.fields {
        file.str(field);
    }
    file.count(part.pages.len());
    for page in &part.pages {
        file.bytes(&page.fragment.plain());
        file.str(&page.fragment_hash);
        file.u64(u64::from(page.word_count));
        for pairs in [&page.filters, &page.sort] {
            file.count(pairs.len());
            for (name, value) in pairs {
                file.str(name);
                file.str(value);
            }
        }
    }
    file.count(part.shards.len());
    for shard in &part.shards {
        file.count(shard.len());
        for (word, entry) in shard {
            file.str(&word.text);
            file.postings(&entry.pages);
            file.count(entry.variants.len());
            for (form, postings) in &entry.variants {
                file.str(form);
                file.postings(postings);
            }
        }
    }
    file.sealed(MAGIC)
}

/// About how many bytes [`encode`] writes for `part`, a little more rather than less (its
/// buffer is made once, not grown and copied: a part of 1,000 news items is about 3 MB).
fn encoded_size(part: &PartIndex) -> usize {
    // Lengths and numbers take 8 bytes each.
    let text = |t: &str| t.len() + 8;
    let pairs =
        |p: &[(String, String)]| 8 + p.iter().map(|(a, b)| text(a) + text(b)).sum::<usize>();
    let postings = |p: &Postings| 56 + p.cbor.0.len();
    let pages: usize = part
        .pages
        .iter()
        .map(|p| {
            text(&p.fragment_hash) + 8 + p.fragment.len() + 8 + pairs(&p.filters) + pairs(&p.sort)
        })
        .sum();
    let words: usize = part
        .shards
        .iter()
        .flatten()
        .map(|(word, entry)| {
            let variants: usize = entry
                .variants
                .iter()
                .map(|(form, p)| text(form) + postings(p))
                .sum();
            text(&word.text) + postings(&entry.pages) + 8 + variants
        })
        .sum();
    let fields: usize = part.fields.iter().map(|f| text(f)).sum();
    MAGIC.len() + 24 + 8 + fields + 8 + pages + 8 + 8 * part.shards.len() + words
}

/// The part a file holds, when it is whole and kept for `key`.
fn decode(file: &[u8], key: u128) -> Option<PartIndex> {
    let body = checked_body(file.strip_prefix(MAGIC)?, key)?;
    let mut r = Reader(body);
    let fields = (0..r.count()?)
        .map(|_| r.str().map(str::to_string))
        .collect::<Option<Vec<String>>>()?;
    let page_count = r.count()?;
    let mut pages = Vec::with_capacity(page_count);
    for _ in 0..page_count {
        pages.push(PageEntry {
            fragment: Body::from(r.bytes()?.to_vec()),
            fragment_hash: r.str()?.to_string(),
            word_count: u32::try_from(r.u64()?).ok()?,
            filters: r.pairs()?,
            sort: r.pairs()?,
        });
    }
    let shard_count = r.count()?;
    if shard_count != SHARDS {
        return None;
    }
    let mut shards = Vec::with_capacity(SHARDS);
    for _ in 0..shard_count {
        let word_count = r.count()?;
        let mut words = Vec::with_capacity(word_count);
        for _ in 0..word_count {
            let word = Word::new(r.str()?);
            let pages = r.postings()?;
            let variants = (0..r.count()?)
                .map(|_| Some((Arc::from(r.str()?), r.postings()?)))
                .collect::<Option<Vec<_>>>()?;
            words.push((word, WordEntry { pages, variants }));
        }
        shards.push(words);
    }
    r.0.is_empty().then_some(PartIndex {
        pages,
        fields,
        shards,
    })
}

/// Writes numbers (little-endian) and byte strings (their length first).
struct Writer(Vec<u8>);

impl Writer {
    /// A kept file begun: `magic`, `key`, and the place of the checksum [`Writer::sealed`]
    /// fills in (the file is written once, not copied after its header), with room for
    /// `size` bytes in all.
    fn headed(magic: &[u8], key: u128, size: usize) -> Writer {
        let mut file = Writer(Vec::with_capacity(size));
        file.0.extend_from_slice(magic);
        file.u128(key);
        file.u64(0);
        file
    }

    /// The file [`Writer::headed`] with `magic` began, its checksum of what follows it filled
    /// in: what [`checked_body`] reads.
    fn sealed(mut self, magic: &[u8]) -> Vec<u8> {
        let at = magic.len() + 16;
        let checksum = xxh3_64(self.0.get(at + 8..).unwrap_or_default());
        if let Some(place) = self.0.get_mut(at..at + 8) {
            place.copy_from_slice(&checksum.to_le_bytes());
        }
        self.0
    }

    fn u64(&mut self, value: u64) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }

    fn u128(&mut self, value: u128) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }

    fn count(&mut self, n: usize) {
        self.u64(n as u64);
    }

    fn bytes(&mut self, bytes: &[u8]) {
        self.count(bytes.len());
        self.0.extend_from_slice(bytes);
    }

    fn str(&mut self, text: &str) {
        self.bytes(text.as_bytes());
    }

    fn postings(&mut self, p: &Postings) {
        for n in [p.count, p.size, p.first_head] {
            self.count(n);
        }
        self.u64(u64::from(p.first_page));
        self.u64(u64::from(p.last_page));
        self.u64(u64::from(p.has_meta));
        self.bytes(&p.cbor.0);
    }
}

/// Reads what [`Writer`] wrote; `None` at anything it did not write.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn u64(&mut self) -> Option<u64> {
        let (head, rest) = self.0.split_first_chunk::<8>()?;
        self.0 = rest;
        Some(u64::from_le_bytes(*head))
    }

    fn u128(&mut self) -> Option<u128> {
        let (head, rest) = self.0.split_first_chunk::<16>()?;
        self.0 = rest;
        Some(u128::from_le_bytes(*head))
    }

    /// A count of items still to read: each takes a byte at least, so a damaged count
    /// cannot make a reader reserve more than the file holds.
    fn count(&mut self) -> Option<usize> {
        usize::try_from(self.u64()?)
            .ok()
            .filter(|&n| n <= self.0.len())
    }

    fn bytes(&mut self) -> Option<&'a [u8]> {
        let len = self.count()?;
        let (bytes, rest) = self.0.split_at_checked(len)?;
        self.0 = rest;
        Some(bytes)
    }

    fn str(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.bytes()?).ok()
    }

    fn pairs(&mut self) -> Option<Vec<(String, String)>> {
        (0..self.count()?)
            .map(|_| Some((self.str()?.to_string(), self.str()?.to_string())))
            .collect()
    }

    fn postings(&mut self) -> Option<Postings> {
        let count = usize::try_from(self.u64()?).ok()?;
        let size = usize::try_from(self.u64()?).ok()?;
        let first_head = usize::try_from(self.u64()?).ok()?;
        Some(Postings {
            count,
            size,
            first_head,
            first_page: u32::try_from(self.u64()?).ok()?,
            last_page: u32::try_from(self.u64()?).ok()?,
            has_meta: self.u64()? != 0,
            cbor: Cbor(self.bytes()?.to_vec()),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::super::bundle;
    use super::super::html_in_order;
    use super::super::tests::news_page;
    use super::*;

    fn packer() -> Packer {
        Packer {
            language: "id".to_string(),
            base_path: String::new(),
        }
    }

    fn agam() -> Vec<OutputFile> {
        vec![
            news_page("agam/berita/a/index.html", "Bimtek Tahap I", "Agam"),
            news_page("agam/berita/b/index.html", "Peluncuran Aplikasi", "Agam"),
        ]
    }

    /// The bundle a part gives on its own.
    fn bundle_of(part: PartIndex) -> Vec<(String, Vec<u8>)> {
        bundle::write(&[Arc::new(part)], "id", true, &Compressed::default())
            .0
            .into_iter()
            .map(|(path, body)| (path, body.plain().into_owned()))
            .collect()
    }

    #[test]
    fn a_kept_part_gives_the_bundle_its_pages_give() {
        let made = packer().part(&html_in_order(&agam()));
        let file = encode(&made, 7);
        let size = encoded_size(&made);
        assert!(
            (file.len()..=file.len() + file.len() / 8).contains(&size),
            "{size} bytes made room for, {} written",
            file.len()
        );
        let kept = decode(&file, 7).unwrap_or_else(|| panic!("the kept part was not read"));
        assert_eq!(bundle_of(kept), bundle_of(made));
    }

    #[test]
    fn a_damaged_or_foreign_file_is_not_used() {
        let file = encode(&packer().part(&html_in_order(&agam())), 7);
        assert!(decode(&file, 8).is_none(), "kept for other pages");
        assert!(decode(&file[..file.len() - 1], 7).is_none(), "cut short");
        let mut flipped = file.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert!(decode(&flipped, 7).is_none(), "a byte changed");
        assert!(decode(b"cerdas search part 0\n", 7).is_none());
    }

    #[test]
    fn the_same_pages_are_read_once_and_a_changed_page_again() {
        let cache = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let made = Cell::new(0);
        let index = |files: &[OutputFile]| {
            let kept = KeptParts::in_cache(cache.path());
            let pages = html_in_order(files);
            let part = kept.part(&packer(), &pages, || {
                made.set(made.get() + 1);
                packer().part(&pages)
            });
            kept.prune();
            bundle_of(part)
        };
        let first = index(&agam());
        let second = index(&agam());
        assert_eq!(made.get(), 1, "the unchanged pages were read again");
        assert_eq!(first, second);

        let mut edited = agam();
        edited[1] = news_page("agam/berita/b/index.html", "Sosialisasi Satu Data", "Agam");
        let third = index(&edited);
        assert_eq!(made.get(), 2, "the changed page was not read");
        assert_ne!(third, first);
        let fresh = bundle_of(packer().part(&html_in_order(&edited)));
        assert_eq!(third, fresh);
        let kept: Vec<_> = fs::read_dir(cache.path().join(KEPT_DIR))
            .unwrap_or_else(|e| panic!("{e}"))
            .flatten()
            .collect();
        assert_eq!(kept.len(), 1, "the part kept for the old pages is removed");
    }

    #[test]
    fn the_last_bundles_compressed_files_are_read_back_unless_damaged() {
        let cache = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let dir = cache.path().join(KEPT_DIR);
        assert!(read_compressed(&dir).0.is_empty(), "nothing kept yet");
        let parts = [Arc::new(packer().part(&html_in_order(&agam())))];
        let (_, made) = bundle::write(&parts, "id", true, &Compressed::default());
        assert!(
            made.0.len() >= 3,
            "the word index, a filter and the meta file"
        );
        keep_compressed(&dir, &made);
        let read = read_compressed(&dir);
        assert!(read.same_files(&made));
        for (key, body) in &made.0 {
            assert_eq!(read.0[key].plain(), body.plain());
        }

        let path = dir.join(COMPRESSED_FILE);
        let mut file = fs::read(&path).unwrap_or_else(|e| panic!("{e}"));
        let last = file.len() - 1;
        file[last] ^= 1;
        fs::write(&path, &file).unwrap_or_else(|e| panic!("{e}"));
        assert!(read_compressed(&dir).0.is_empty(), "a byte changed");
        fs::write(&path, &file[..last]).unwrap_or_else(|e| panic!("{e}"));
        assert!(read_compressed(&dir).0.is_empty(), "cut short");
    }

    /// A cache folder with its kept parts' folder made.
    fn kept_folder() -> (tempfile::TempDir, PathBuf) {
        let cache = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let dir = cache.path().join(KEPT_DIR);
        fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        (cache, dir)
    }

    #[test]
    fn files_a_stopped_build_left_half_written_are_removed_when_old() {
        let (cache, dir) = kept_folder();
        let old_part = format!("{:032x}.tmp-4242-7", 42u128);
        let young_part = format!("{:032x}.tmp-4242-8", 43u128);
        let names = [
            old_part.as_str(),
            young_part.as_str(),
            "bundle.tmp-4242-9",
            "catatan.tmp-4242-1",
        ];
        let two_hours_ago = std::time::SystemTime::now() - 2 * STALE_AFTER;
        for name in names {
            let file = fs::File::create(dir.join(name)).unwrap_or_else(|e| panic!("{e}"));
            if name != young_part {
                file.set_modified(two_hours_ago)
                    .unwrap_or_else(|e| panic!("{e}"));
            }
        }
        KeptParts::in_cache(cache.path()).prune();
        assert!(!dir.join(&old_part).exists());
        assert!(!dir.join("bundle.tmp-4242-9").exists());
        assert!(dir.join(&young_part).exists(), "perhaps another build's");
        assert!(dir.join("catatan.tmp-4242-1").exists(), "not ours");
    }

    #[test]
    fn pruning_leaves_what_is_not_a_kept_part() {
        let (cache, dir) = kept_folder();
        let old = format!("{:032x}.part", 42u128);
        for name in [old.as_str(), "catatan.txt", "catatan.part"] {
            fs::write(dir.join(name), "x").unwrap_or_else(|e| panic!("{e}"));
        }
        KeptParts::in_cache(cache.path()).prune();
        assert!(!dir.join(&old).exists());
        assert!(dir.join("catatan.txt").exists());
        assert!(dir.join("catatan.part").exists());
    }
}
