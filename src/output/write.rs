//! Writing the finished site atomically: everything goes into a fresh folder beside the
//! target, which is swapped in at the end. A failed or interrupted build leaves the previous
//! output whole, and a folder cerdas did not write is never replaced.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::error::{Diagnostic, Diagnostics, Text};
use crate::output::strip::strip_metadata;
use crate::render::OutputFile;
use crate::site::CopiedFile;

/// The file that marks a folder as written by cerdas (so it may be replaced).
pub const MARKER: &str = ".cerdas";
const MARKER_TEXT: &str = "Folder ini dibuat oleh cerdas dan akan ditimpa pada build berikutnya.\nThis folder was made by cerdas and is replaced by the next build.\n";

/// What was written.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteReport {
    /// Rendered files written.
    pub rendered: usize,
    /// Files copied as they are.
    pub copied: usize,
    /// Of those, files identical to the previous build's, kept as they were.
    pub unchanged: usize,
    /// The size of the new output folder in bytes.
    pub bytes: u64,
}

/// Writes a file whole or not at all (a temporary file renamed into place): what a cache keeps
/// is never read half-written. The temporary name is unique per write: two bundles holding the
/// same photo (an imported WordPress site reuses photos across posts) make the same cache file
/// at once, on two threads, and one must not rename the other's temporary file away.
pub fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    static WRITES: AtomicU64 = AtomicU64::new(0);
    let n = WRITES.fetch_add(1, Ordering::Relaxed);
    let tmp = path.with_extension(format!("tmp-{}-{n}", std::process::id()));
    fs::write(&tmp, bytes)?;
    fs::rename(&tmp, path)
}

/// Refuses an output folder that is, contains or is inside the content folder.
pub fn check_output_location(content: &Path, out: &Path) -> Result<(), Diagnostics> {
    let content_abs = absolute(content);
    let out_abs = absolute(out);
    if out_abs == content_abs
        || out_abs.starts_with(&content_abs)
        || content_abs.starts_with(&out_abs)
    {
        return Err(Diagnostic::file(out, Text::new(
            format!("folder keluaran {} tidak boleh sama dengan, berada di dalam, atau memuat folder konten {}", out.display(), content.display()),
            format!("the output folder {} may not be, be inside, or contain the content folder {}", out.display(), content.display()),
        ))
        .with_hint(Text::new(
            "pilih folder lain dengan -o, misalnya `-o public` di samping folder konten",
            "choose another folder with -o, e.g. `-o public` beside the content folder",
        ))
        .into());
    }
    Ok(())
}

/// A path made absolute and canonical as far as it exists (the rest appended as written).
fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut existing = joined.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(canon) = existing.canonicalize() {
            return rest
                .iter()
                .rev()
                .fold(canon, |acc: PathBuf, part| acc.join(part));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return joined,
        }
    }
}

/// Refuses to replace a non-empty folder that cerdas did not write.
fn check_replaceable(out: &Path) -> Result<(), Diagnostics> {
    if !out.exists() {
        return Ok(());
    }
    if !out.is_dir() {
        return Err(Diagnostic::file(
            out,
            Text::new(
                "keluaran sudah ada dan bukan folder",
                "the output exists and is not a folder",
            ),
        )
        .with_hint(Text::new(
            "pilih nama lain dengan -o",
            "choose another name with -o",
        ))
        .into());
    }
    let empty = fs::read_dir(out)
        .map_err(|e| Diagnostic::io(out, &e))?
        .next()
        .is_none();
    if empty || out.join(MARKER).is_file() {
        return Ok(());
    }
    Err(Diagnostic::file(out, Text::new(
        format!("folder {} sudah berisi berkas yang tidak dibuat oleh cerdas; cerdas tidak akan menimpanya", out.display()),
        format!("the folder {} holds files cerdas did not write; cerdas will not replace it", out.display()),
    ))
    .with_hint(Text::new(
        "pilih folder keluaran lain dengan -o, atau kosongkan folder itu sendiri bila memang tidak dipakai",
        "choose another output folder with -o, or empty that folder yourself if it is not needed",
    ))
    .into())
}

/// A new output folder being filled beside the target. Dropping it without [`Staging::commit`]
/// deletes it, so a failed build leaves the previous output whole.
#[derive(Debug)]
pub struct Staging {
    /// The target folder.
    out: PathBuf,
    /// The folder being filled.
    dir: PathBuf,
    /// Rendered files written so far.
    rendered: AtomicUsize,
    /// Files copied so far.
    copied: AtomicUsize,
    /// Files whose bytes equal the previous output's, linked instead of written.
    unchanged: AtomicUsize,
    /// The bytes of the files placed so far (counted as they are placed: walking the folder
    /// at the end took 373 of 12,873 profile samples at 19 x 1000, on one core, after all else).
    bytes: AtomicU64,
    /// The previous output, when it is ours: unchanged files are hard-linked from it, so they
    /// keep their mtime (rsync and deploy tools skip them) and cost no writing.
    previous: Option<PathBuf>,
    /// The folders made in it so far (making a file's folder again costs two system calls,
    /// 189 of 5,097 profile samples of a 19 x 1000 province's second build).
    folders: Mutex<HashSet<PathBuf>>,
    /// Whether it has been swapped in.
    committed: bool,
}

impl Staging {
    /// Starts a new output for `out`, refusing a folder cerdas did not write.
    pub fn begin(out: &Path) -> Result<Staging, Diagnostics> {
        check_replaceable(out)?;
        let parent = parent_of(out);
        fs::create_dir_all(parent).map_err(|e| Diagnostic::io(parent, &e))?;
        let name = folder_name(out);
        remove_stale_siblings(parent, &name);
        let dir = parent.join(format!(".{name}.cerdas-new-{}", std::process::id()));
        fs::create_dir_all(&dir).map_err(|e| Diagnostic::io(&dir, &e))?;
        fs::write(dir.join(MARKER), MARKER_TEXT)
            .map_err(|e| Diagnostic::io(&dir.join(MARKER), &e))?;
        let previous = Some(out.to_path_buf()).filter(|o| o.join(MARKER).is_file());
        Ok(Staging {
            out: out.to_path_buf(),
            dir,
            rendered: AtomicUsize::new(0),
            copied: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            bytes: AtomicU64::new(MARKER_TEXT.len() as u64),
            previous,
            folders: Mutex::default(),
            committed: false,
        })
    }

    /// Writes `files` and copies `copies` into the new output; safe to call from many threads.
    pub fn write(&self, files: &[OutputFile], copies: &[CopiedFile]) -> Result<(), Diagnostics> {
        let written: Vec<Result<(), Diagnostic>> = files
            .par_iter()
            .map(|f| self.place_file(&f.path, &f.bytes.plain()))
            .chain(copies.par_iter().map(|c| self.place_copy(c)))
            .collect();
        let errors: Vec<Diagnostic> = written.into_iter().filter_map(Result::err).collect();
        if !errors.is_empty() {
            return Err(Diagnostics(errors));
        }
        self.rendered.fetch_add(files.len(), Ordering::Relaxed);
        self.copied.fetch_add(copies.len(), Ordering::Relaxed);
        Ok(())
    }

    /// The previous output's file at `rel`, if its bytes are `bytes`.
    fn unchanged_previous(&self, rel: &Path, bytes: &[u8]) -> Option<PathBuf> {
        let old = self.previous.as_ref()?.join(rel);
        let same = fs::metadata(&old).is_ok_and(|m| m.len() == bytes.len() as u64)
            && fs::read(&old).is_ok_and(|b| b == bytes);
        same.then_some(old)
    }

    /// Links `old` into the new output at `dest`; false when the file system refuses.
    fn link_unchanged(&self, old: &Path, dest: &Path) -> bool {
        let linked = fs::hard_link(old, dest).is_ok();
        if linked {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
        }
        linked
    }

    fn place_file(&self, rel: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
        let dest = self.dir.join(rel);
        self.make_parent(&dest)?;
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        match self.unchanged_previous(rel, bytes) {
            Some(old) if self.link_unchanged(&old, &dest) => Ok(()),
            _ => fs::write(&dest, bytes).map_err(|e| Diagnostic::io(&dest, &e)),
        }
    }

    fn place_copy(&self, copy: &CopiedFile) -> Result<(), Diagnostic> {
        let dest = self.dir.join(&copy.to);
        self.make_parent(&dest)?;
        let read = fs::read(&copy.from).map_err(|e| Diagnostic::io(&copy.from, &e))?;
        let source = strip_metadata(&read)
            .map_err(|(message, hint)| Diagnostic::file(&copy.from, message).with_hint(hint))?;
        self.bytes.fetch_add(source.len() as u64, Ordering::Relaxed);
        match self.unchanged_previous(&copy.to, &source) {
            Some(old) if self.link_unchanged(&old, &dest) => Ok(()),
            _ => fs::write(&dest, &source).map_err(|e| Diagnostic::io(&dest, &e)),
        }
    }

    /// Makes the folder `path` goes in, unless this output made it already.
    fn make_parent(&self, path: &Path) -> Result<(), Diagnostic> {
        let Some(parent) = path.parent() else {
            return Ok(());
        };
        if self.folders.lock().is_ok_and(|made| made.contains(parent)) {
            return Ok(());
        }
        fs::create_dir_all(parent).map_err(|e| Diagnostic::io(parent, &e))?;
        if let Ok(mut folders) = self.folders.lock() {
            folders.insert(parent.to_path_buf());
        }
        Ok(())
    }

    /// Swaps the new output in place of the old one.
    pub fn commit(mut self) -> Result<WriteReport, Diagnostics> {
        let bytes = self.bytes.load(Ordering::Relaxed);
        swap_in(&self.dir, &self.out)?;
        self.committed = true;
        Ok(WriteReport {
            rendered: self.rendered.load(Ordering::Relaxed),
            copied: self.copied.load(Ordering::Relaxed),
            unchanged: self.unchanged.load(Ordering::Relaxed),
            bytes,
        })
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            remove_ours(&self.dir);
        }
    }
}

fn parent_of(out: &Path) -> &Path {
    out.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

fn folder_name(out: &Path) -> String {
    out.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into())
}

/// Writes `files` and `copies` into a new folder and swaps it in place of `out`.
pub fn write_site(
    out: &Path,
    files: &[OutputFile],
    copies: &[CopiedFile],
) -> Result<WriteReport, Diagnostics> {
    let staging = Staging::begin(out)?;
    staging.write(files, copies)?;
    staging.commit()
}

/// Moves the old output aside, the new one in, then deletes the old one.
fn swap_in(staging: &Path, out: &Path) -> Result<(), Diagnostics> {
    if !out.exists() {
        return fs::rename(staging, out).map_err(|e| Diagnostic::io(out, &e).into());
    }
    let old = parent_of(out).join(format!(
        ".{}.cerdas-old-{}",
        folder_name(out),
        std::process::id()
    ));
    fs::rename(out, &old).map_err(|e| Diagnostic::io(out, &e))?;
    if let Err(e) = fs::rename(staging, out) {
        let _ = fs::rename(&old, out);
        return Err(Diagnostic::io(out, &e).into());
    }
    remove_ours(&old);
    Ok(())
}

/// Leftovers of interrupted builds (`.public.cerdas-new-123`), ours by their marker.
fn remove_stale_siblings(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let prefixes = [
        format!(".{name}.cerdas-new-"),
        format!(".{name}.cerdas-old-"),
    ];
    for e in entries.flatten() {
        let file_name = e.file_name().to_string_lossy().into_owned();
        if prefixes.iter().any(|p| file_name.starts_with(p.as_str())) {
            remove_ours(&e.path());
        }
    }
}

/// Deletes a folder only if it carries our marker.
fn remove_ours(dir: &Path) {
    if dir.join(MARKER).is_file() {
        remove_tree(dir);
        // Whatever the parallel pass could not delete (a file system's own rules).
        let _ = fs::remove_dir_all(dir);
    }
}

/// Deletes `dir` and everything in it, its entries in parallel: the previous output of a
/// 19 x 1000 province is 85,000 files, whose deletion took 1.2 s on one core at the end of
/// every build after the first. A link is deleted, never followed.
fn remove_tree(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let entries: Vec<fs::DirEntry> = entries.flatten().collect();
    entries.par_iter().for_each(|entry| {
        let path = entry.path();
        match entry.file_type() {
            Ok(kind) if kind.is_dir() => remove_tree(&path),
            _ => {
                let _ = fs::remove_file(&path);
            }
        }
    });
    let _ = fs::remove_dir(dir);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_old_output_is_deleted_whole_and_a_link_in_it_is_not_followed() {
        let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let outside = root.path().join("foto-asli");
        fs::create_dir_all(&outside).unwrap_or_else(|e| panic!("{e}"));
        fs::write(outside.join("a.jpg"), "x").unwrap_or_else(|e| panic!("{e}"));
        let old = root.path().join(".public.cerdas-old-1");
        for dir in ["agam/berita/a", "agam/berita/b", "pagefind/fragment"] {
            fs::create_dir_all(old.join(dir)).unwrap_or_else(|e| panic!("{e}"));
            for n in 0..20 {
                fs::write(old.join(dir).join(format!("{n}.html")), "x")
                    .unwrap_or_else(|e| panic!("{e}"));
            }
        }
        fs::write(old.join(MARKER), MARKER_TEXT).unwrap_or_else(|e| panic!("{e}"));
        #[cfg(unix)]
        std::os::unix::fs::symlink(&outside, old.join("agam/foto"))
            .unwrap_or_else(|e| panic!("{e}"));

        remove_ours(&old);
        assert!(!old.exists());
        assert!(
            outside.join("a.jpg").is_file(),
            "a linked folder was emptied"
        );
    }

    #[test]
    fn a_folder_without_the_marker_is_left_alone() {
        let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let theirs = root.path().join("public");
        fs::create_dir_all(theirs.join("a")).unwrap_or_else(|e| panic!("{e}"));
        fs::write(theirs.join("a/index.html"), "x").unwrap_or_else(|e| panic!("{e}"));
        remove_ours(&theirs);
        assert!(theirs.join("a/index.html").is_file());
    }
}
