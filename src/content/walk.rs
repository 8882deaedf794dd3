//! Listing folders of a site (or province) without ever leaving it: a symbolic link is
//! followed only when where it points stays inside the folder, a link that leaves it or goes
//! round in a loop is an error naming the link and its target, and only regular files and
//! folders are listed (never a device, a pipe or a socket).

use std::cell::RefCell;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Diagnostic, Text};

/// The folder a walk must stay inside.
#[derive(Debug)]
pub struct Inside {
    /// The folder as given (paths in messages are shown relative to it).
    root: PathBuf,
    /// The same folder, canonical (links resolved): what every target is held against.
    canonical: PathBuf,
    /// The canonical folders being listed, outermost first: a link back to one of them is a
    /// loop.
    open: RefCell<Vec<PathBuf>>,
}

/// What an entry of a folder is, links followed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file (or a link to one inside the folder).
    File,
    /// A folder (or a link to one inside the folder).
    Dir,
}

impl Inside {
    /// A walk that stays inside `root`.
    pub fn new(root: &Path) -> Inside {
        Inside {
            root: root.to_path_buf(),
            canonical: fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf()),
            open: RefCell::new(Vec::new()),
        }
    }

    /// `path` as shown in messages: relative to the folder when inside it.
    pub fn shown(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.root)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| path.to_path_buf())
    }

    /// What the entry at `path` is, following a symbolic link only when it stays inside the
    /// folder: `Ok(None)` when nothing is there, an error for a link that leaves the folder,
    /// goes round in a loop or points at nothing, and for anything but a file or a folder.
    pub fn kind_of(&self, path: &Path) -> Result<Option<EntryKind>, Diagnostic> {
        let meta = match fs::symlink_metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Diagnostic::io(&self.shown(path), &e)),
        };
        let meta = if meta.file_type().is_symlink() {
            let target = self.link_target(path)?;
            fs::metadata(&target).map_err(|e| Diagnostic::io(&self.shown(path), &e))?
        } else {
            meta
        };
        if meta.is_file() {
            Ok(Some(EntryKind::File))
        } else if meta.is_dir() {
            Ok(Some(EntryKind::Dir))
        } else {
            Err(not_regular(&self.shown(path)))
        }
    }

    /// Where the symbolic link at `path` points, resolved, when that is inside the folder.
    fn link_target(&self, path: &Path) -> Result<PathBuf, Diagnostic> {
        let shown = self.shown(path);
        let written = fs::read_link(path)
            .map(|t| t.display().to_string())
            .unwrap_or_default();
        let target = fs::canonicalize(path).map_err(|e| {
            if e.raw_os_error() == Some(libc::ELOOP) {
                link_loop(&shown, &written)
            } else {
                dangling(&shown, &written)
            }
        })?;
        if !target.starts_with(&self.canonical) {
            return Err(leaves_folder(&shown, &target));
        }
        Ok(target)
    }

    /// Checks that `path` (a file the site names, e.g. a logo or a table) resolves to
    /// something inside the folder, links followed.
    pub fn check_file(&self, path: &Path) -> Result<(), Diagnostic> {
        match fs::canonicalize(path) {
            Ok(target) if !target.starts_with(&self.canonical) => {
                Err(leaves_folder(&self.shown(path), &target))
            }
            Ok(_) => self.kind_of(path).map(|_| ()),
            Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
                Err(link_loop(&self.shown(path), ""))
            }
            // Missing: the caller says so in its own words.
            Err(_) => Ok(()),
        }
    }

    /// Lists `dir` (a folder inside the walk) with `list`, refusing to enter it again from
    /// inside itself: a link that leads back to a folder being listed is a loop.
    pub fn enter<T>(&self, dir: &Path, list: impl FnOnce() -> T) -> Result<T, Diagnostic> {
        let Ok(canonical) = fs::canonicalize(dir) else {
            // Missing: listing it finds nothing.
            return Ok(list());
        };
        if !canonical.starts_with(&self.canonical) {
            return Err(leaves_folder(&self.shown(dir), &canonical));
        }
        if self.open.borrow().contains(&canonical) {
            let target = canonical.display().to_string();
            return Err(link_loop(&self.shown(dir), &target));
        }
        self.open.borrow_mut().push(canonical);
        let listed = list();
        self.open.borrow_mut().pop();
        Ok(listed)
    }
}

fn leaves_folder(link: &Path, target: &Path) -> Diagnostic {
    Diagnostic::file(
        link,
        Text::new(
            format!(
                "{} menunjuk ke luar folder situs: {}; berkas di luar folder situs tidak pernah diterbitkan",
                link.display(),
                target.display()
            ),
            format!(
                "{} points outside the site folder: {}; files outside the site folder are never published",
                link.display(),
                target.display()
            ),
        ),
    )
    .with_hint(Text::new(
        "salin berkas yang memang ingin diterbitkan ke dalam folder situs, lalu hapus tautan simbolik ini",
        "copy the file you mean to publish into the site folder, then remove this symbolic link",
    ))
}

fn link_loop(link: &Path, target: &str) -> Diagnostic {
    Diagnostic::file(
        link,
        Text::new(
            format!(
                "tautan simbolik {} berputar (menunjuk kembali ke dirinya atau ke folder di atasnya): {target}",
                link.display()
            ),
            format!(
                "the symbolic link {} goes round in a loop (it leads back to itself or to a folder above it): {target}",
                link.display()
            ),
        ),
    )
    .with_hint(Text::new(
        "hapus tautan itu atau arahkan ke folder lain",
        "remove the link or point it at another folder",
    ))
}

fn dangling(link: &Path, target: &str) -> Diagnostic {
    Diagnostic::file(
        link,
        Text::new(
            format!(
                "tautan simbolik {} menunjuk ke berkas yang tidak ada: {target}",
                link.display()
            ),
            format!(
                "the symbolic link {} points at nothing: {target}",
                link.display()
            ),
        ),
    )
    .with_hint(Text::new(
        "hapus tautan itu, atau salin berkasnya ke tempat itu",
        "remove the link, or put the file where it points",
    ))
}

fn not_regular(path: &Path) -> Diagnostic {
    Diagnostic::file(
        path,
        Text::new(
            format!(
                "{} bukan berkas biasa ataupun folder (perangkat, pipa atau soket); hanya berkas biasa yang diterbitkan",
                path.display()
            ),
            format!(
                "{} is neither a regular file nor a folder (a device, pipe or socket); only regular files are published",
                path.display()
            ),
        ),
    )
    .with_hint(Text::new(
        "pindahkan benda ini keluar dari folder situs",
        "move it out of the site folder",
    ))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn links_are_followed_only_inside_the_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        fs::create_dir_all(site.join("static")).unwrap();
        fs::write(tmp.path().join("rahasia.txt"), "x").unwrap();
        fs::write(site.join("static/a.txt"), "a").unwrap();
        symlink(
            tmp.path().join("rahasia.txt"),
            site.join("static/bocor.txt"),
        )
        .unwrap();
        symlink("a.txt", site.join("static/b.txt")).unwrap();
        symlink("tidak-ada.txt", site.join("static/kosong.txt")).unwrap();
        symlink("putar", site.join("static/putar")).unwrap();
        let inside = Inside::new(&site);
        let kind = |p: &str| inside.kind_of(&site.join(p));
        assert_eq!(kind("static/a.txt"), Ok(Some(EntryKind::File)));
        assert_eq!(kind("static/b.txt"), Ok(Some(EntryKind::File)));
        assert_eq!(kind("static"), Ok(Some(EntryKind::Dir)));
        assert_eq!(kind("static/none"), Ok(None));
        let leak = kind("static/bocor.txt").unwrap_err();
        assert_eq!(leak.file, Path::new("static/bocor.txt"));
        assert!(leak.message.en.contains("rahasia.txt"), "{leak}");
        assert!(leak.message.en.contains("outside"), "{leak}");
        assert!(
            kind("static/kosong.txt")
                .unwrap_err()
                .message
                .en
                .contains("nothing")
        );
        assert!(
            kind("static/putar")
                .unwrap_err()
                .message
                .en
                .contains("loop")
        );
        assert!(inside.check_file(&site.join("static/bocor.txt")).is_err());
        assert!(inside.check_file(&site.join("../rahasia.txt")).is_err());
        assert!(inside.check_file(&site.join("static/b.txt")).is_ok());
    }

    #[test]
    fn entering_a_folder_being_listed_is_a_loop() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("static");
        fs::create_dir_all(&dir).unwrap();
        let inside = Inside::new(tmp.path());
        let again = inside.enter(&dir, || inside.enter(&dir, || ()).is_err());
        assert_eq!(again, Ok(true));
        assert_eq!(inside.enter(&dir, || 1), Ok(1));
    }

    #[test]
    fn a_pipe_is_not_published() {
        let tmp = tempfile::tempdir().unwrap();
        let pipe = tmp.path().join("pipa");
        let c = std::ffi::CString::new(pipe.to_string_lossy().as_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let inside = Inside::new(tmp.path());
        let err = inside.kind_of(&pipe).unwrap_err();
        assert!(err.message.en.contains("regular"), "{err}");
    }
}
