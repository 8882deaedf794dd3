//! Reads a regency folder into typed documents. Takes files (and `error`, `text`); gives
//! [`Content`] and one [`Document`] at a time: walks the folders, splits front matter and
//! checks every value. Nothing here reads `site.yaml`, renders or resolves links.

pub mod data;
pub mod encoding;
pub mod frontmatter;
pub mod image_info;
pub mod kinds;
pub mod redirects;
pub mod types;
pub mod walk;
pub mod yaml_mistakes;

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{OnceLock, RwLock};
use std::time::{Duration, SystemTime};

use rayon::prelude::*;
use serde::de::DeserializeOwned;

use crate::error::{Diagnostic, Diagnostics, Text};
use encoding::read_text_file;
use frontmatter::{parse_yaml, split_front_matter};
use kinds::{BeritaMeta, HalamanMeta, MasterplanMeta, ProgramMeta};
use types::Slug;
use walk::{EntryKind, Inside};

/// One Markdown file, read and checked.
#[derive(Clone, Debug)]
pub struct Doc<M> {
    /// The file, relative to the site folder (`berita/bimtek.md`).
    pub path: PathBuf,
    /// The slug taken from the file or bundle folder name.
    pub slug: Slug,
    /// The whole text of the file, kept to point at lines in later errors.
    pub source: SourceText,
    /// The typed front matter.
    pub meta: M,
    /// Where the Markdown body starts in `source`.
    pub body_offset: usize,
    /// A hash of the Markdown body, which tells whether it changed without reading it.
    pub body_hash: u128,
    /// Files beside `index.md` in a bundle, relative to the bundle folder.
    pub assets: Vec<PathBuf>,
    /// The bundle folder (relative to the site folder), when this is `<slug>/index.md`.
    pub bundle_dir: Option<PathBuf>,
}

impl<M> Doc<M> {
    /// The Markdown after the front matter.
    pub fn body(&self) -> &str {
        self.source
            .as_str()
            .get(self.body_offset..)
            .unwrap_or_default()
    }

    /// The folder the file's relative links start from, relative to the site folder.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new(""))
    }

    /// A diagnostic at the place `key` / `value` is written in this file.
    pub fn error_at(&self, key: &str, value: &str, message: Text) -> Diagnostic {
        Diagnostic::at_key(&self.path, self.source.as_str(), key, value, message)
    }
}

/// The text of a document's file. A build reads every file; the preview leaves a file it
/// found unchanged since it last read it (same size and time) unread until something asks for
/// its text: an error to point at, or a body to render again because a page it links to
/// changed. A save then reads one file, not every file of the regency.
#[derive(Clone, Debug, Default)]
pub struct SourceText {
    /// The text, once read.
    text: OnceLock<String>,
    /// Where to read it from when asked, and the hash of the text it was parsed from. Should
    /// the file have changed since, it reads as empty: the watcher saw that change, and the
    /// rebuild for it follows.
    unread: Option<(PathBuf, u128)>,
}

impl SourceText {
    /// Text already read.
    pub fn read(text: String) -> SourceText {
        SourceText {
            text: OnceLock::from(text),
            unread: None,
        }
    }

    /// The text of the file at `full`, to be read when asked; `hash` is that of the text it
    /// had when parsed.
    fn unread(full: PathBuf, hash: u128) -> SourceText {
        SourceText {
            text: OnceLock::new(),
            unread: Some((full, hash)),
        }
    }

    /// The text, taken out (empty if it was not read).
    fn take(&mut self) -> String {
        self.text.take().unwrap_or_default()
    }

    /// The text, read now if it was not yet.
    pub fn as_str(&self) -> &str {
        self.text.get_or_init(|| {
            let Some((full, hash)) = &self.unread else {
                return String::new();
            };
            read_text_file(full, full)
                .ok()
                .filter(|text| text_hash(text) == *hash)
                .unwrap_or_default()
        })
    }
}

/// The hash documents' texts are compared by.
fn text_hash(text: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(text.as_bytes())
}

/// Everything in one regency folder, checked, before any rendering.
#[derive(Debug)]
pub struct Content {
    /// The regency folder.
    pub root: PathBuf,
    /// News items, drafts included.
    pub news: Vec<Doc<BeritaMeta>>,
    /// Programs and quick wins.
    pub programs: Vec<Doc<ProgramMeta>>,
    /// The masterplan summary, if written.
    pub masterplan: Option<Doc<MasterplanMeta>>,
    /// Plain pages.
    pub pages: Vec<Doc<HalamanMeta>>,
    /// Files under `static/`, relative to it.
    pub static_files: Vec<PathBuf>,
    /// The site's own template overrides, if the folder exists.
    pub templates_dir: Option<PathBuf>,
    /// Tables from `data/`, by file name without extension.
    pub data: serde_json::Map<String, serde_json::Value>,
    /// Old addresses and the pages they lead to, from `redirects.yaml`.
    pub redirects: redirects::Redirects,
}

/// The sections of a regency folder that hold Markdown.
const SECTIONS: [&str; 4] = ["berita", "program", "masterplan", "halaman"];

/// Markdown files of one regency as last checked, so that a rebuild reads again only the files
/// whose size or time changed since (or that changed within [`STAMP_GRAIN`] of being read), and
/// parses again only those whose text did: the preview server keeps one per regency. Their
/// text is not kept (it is most of what they weigh; 70 MB on a province of 19 x 1000 news
/// items): an unchanged file's is read when something asks for it ([`SourceText`]).
#[derive(Default)]
pub struct SourceMemo(RwLock<HashMap<PathBuf, Remembered>>);

/// One file as it was checked.
struct Remembered {
    /// A hash of its text.
    text: u128,
    /// Its size and time when it was read.
    stamp: Option<Stamped>,
    /// Its bundle folder and the files beside it then, which the document lists.
    bundle: Option<(PathBuf, Vec<PathBuf>)>,
    /// What it gave, its text left unread (read again from the file when asked).
    parsed: Document,
}

/// A file's size and modification time, and when they were taken: what tells, without reading
/// it again, that a file did not change since it was read.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamped {
    len: u64,
    modified: SystemTime,
    taken: SystemTime,
}

/// How long before a read a file must have last changed for its stamp to be trusted. File
/// systems keep modification times at a coarse grain (a few milliseconds on Linux, two
/// seconds on FAT), so a file saved again within that grain of the previous save may keep its
/// stamp; a file changed this recently is read again instead (git's "racily clean" rule).
const STAMP_GRAIN: Duration = Duration::from_secs(2);

impl Stamped {
    /// The stamp of the file at `path` now, taken before reading it; `None` when the file
    /// system does not say.
    pub(crate) fn take(path: &Path) -> Option<Stamped> {
        let taken = SystemTime::now();
        let meta = fs::metadata(path).ok()?;
        Some(Stamped {
            len: meta.len(),
            modified: meta.modified().ok()?,
            taken,
        })
    }

    /// Whether the file is as it was when `earlier` was taken and read: same size and time,
    /// and it had settled then (last changed more than [`STAMP_GRAIN`] before).
    pub(crate) fn unchanged_since(&self, earlier: &Stamped) -> bool {
        let settled = earlier
            .modified
            .checked_add(STAMP_GRAIN)
            .is_some_and(|t| t < earlier.taken);
        settled && (self.len, self.modified) == (earlier.len, earlier.modified)
    }
}

impl SourceMemo {
    /// What the file at `full` gave, unread, when its stamp `now` says it did not change since
    /// it was last read, and the files beside it in its bundle did not change either.
    fn unchanged(&self, full: &Path, found: &Found, now: &Stamped) -> Option<Document> {
        self.kept_if(full, found, |kept| {
            kept.stamp.is_some_and(|s| now.unchanged_since(&s))
        })
    }

    /// What the file at `full` gave when its text was last `text` (with that hash), if the
    /// files beside it in its bundle did not change since either.
    fn get(&self, full: &Path, found: &Found, text: u128) -> Option<Document> {
        self.kept_if(full, found, |kept| kept.text == text)
    }

    /// What the file at `full` gave, if `same` holds of what was kept and its bundle's files are
    /// those of `found`.
    fn kept_if(
        &self,
        full: &Path,
        found: &Found,
        same: impl FnOnce(&Remembered) -> bool,
    ) -> Option<Document> {
        let files = self.0.read().ok()?;
        let kept = files.get(full)?;
        (kept.bundle == found.bundle && same(kept)).then(|| kept.parsed.clone())
    }

    /// Remembers what the file at `full` gave with the text of hash `text`, read when the file
    /// had `stamp`: `parsed`, its text left unread.
    fn keep(
        &self,
        full: &Path,
        found: &Found,
        text: u128,
        stamp: Option<Stamped>,
        parsed: Document,
    ) {
        if let Ok(mut files) = self.0.write() {
            let kept = Remembered {
                text,
                stamp,
                bundle: found.bundle.clone(),
                parsed,
            };
            files.insert(full.to_path_buf(), kept);
        }
    }

    /// Forgets files not among `present`, so deleted files do not stay in memory.
    fn retain(&self, present: &[Found], root: &Path) {
        let keep: std::collections::HashSet<PathBuf> =
            present.iter().map(|f| root.join(&f.path)).collect();
        if let Ok(mut files) = self.0.write() {
            files.retain(|path, _| keep.contains(path));
        }
    }
}

/// Reads and checks every content file of the regency in `root` (everything but `site.yaml`,
/// which `config` reads), reporting every problem found.
pub fn load_content(root: &Path) -> Result<Content, Diagnostics> {
    load_content_with(root, None)
}

/// [`load_content`], taking unchanged files from `memo` (and remembering the others there).
pub fn load_content_with(root: &Path, memo: Option<&SourceMemo>) -> Result<Content, Diagnostics> {
    let mut errors = Vec::new();
    let mut files = Vec::new();
    let inside = Inside::new(root);
    for section in SECTIONS {
        collect_markdown(&inside, root, Path::new(section), &mut files, &mut errors);
    }
    let parsed: Vec<Result<Document, Diagnostic>> = files
        .par_iter()
        .map(|f| read_markdown_with(root, f, memo))
        .collect();
    if let Some(memo) = memo {
        memo.retain(&files, root);
    }
    let static_files = list_files(&inside, &root.join("static"), &mut errors);
    let data = data::load_data(&inside, &root.join("data"), &mut errors);
    let templates_dir = match inside.kind_of(&root.join("templates")) {
        Ok(Some(EntryKind::Dir)) => Some(root.join("templates")),
        Ok(_) => None,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let redirects = redirects::load_redirects(root, &mut errors);
    let mut content = Content {
        root: root.to_path_buf(),
        news: Vec::new(),
        programs: Vec::new(),
        masterplan: None,
        pages: Vec::new(),
        static_files,
        templates_dir,
        data,
        redirects,
    };
    for item in parsed {
        match item {
            Ok(Document::Berita(d)) => content.news.push(*d),
            Ok(Document::Program(d)) => content.programs.push(*d),
            Ok(Document::Masterplan(d)) => content.masterplan = Some(*d),
            Ok(Document::Halaman(d)) => content.pages.push(*d),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(content)
    } else {
        Err(Diagnostics(errors))
    }
}

/// A Markdown file found on disk, before reading.
struct Found {
    /// Relative to the site folder.
    path: PathBuf,
    /// The section it is in.
    section: &'static str,
    /// The slug from its name.
    slug: Slug,
    /// Bundle folder and its other files, for `<slug>/index.md`.
    bundle: Option<(PathBuf, Vec<PathBuf>)>,
}

/// One read document of any kind, as its section makes it.
#[derive(Clone, Debug)]
pub enum Document {
    /// A news item (`berita/`).
    Berita(Box<Doc<BeritaMeta>>),
    /// A program (`program/`).
    Program(Box<Doc<ProgramMeta>>),
    /// The masterplan summary (`masterplan/index.md`).
    Masterplan(Box<Doc<MasterplanMeta>>),
    /// A plain page (`halaman/`).
    Halaman(Box<Doc<HalamanMeta>>),
}

impl Document {
    /// The whole text of the file.
    fn source_mut(&mut self) -> &mut SourceText {
        match self {
            Document::Berita(d) => &mut d.source,
            Document::Program(d) => &mut d.source,
            Document::Masterplan(d) => &mut d.source,
            Document::Halaman(d) => &mut d.source,
        }
    }
}

/// Checks the text `source` of the document at `path` (relative to the site folder, e.g.
/// `berita/bimtek/index.md`) as a build would, without reading anything from disk: what an
/// editor calls before it saves. The references to other documents and files are checked by
/// the site model, not here.
pub fn parse_document(path: &Path, source: String) -> Result<Document, Diagnostic> {
    let mut errors = Vec::new();
    let found = found_at(path, &mut errors);
    match (found, errors.pop()) {
        (_, Some(error)) => Err(error),
        (Some(found), None) => document_from(&found, source),
        (None, None) => Err(Diagnostic::file(
            path,
            Text::new(
                "berkas ini tidak berada di folder tulisan (berita/, program/, masterplan/, halaman/)",
                "this file is not in a content folder (berita/, program/, masterplan/, halaman/)",
            ),
        )),
    }
}

/// Where a Markdown file at `path` belongs: its section and slug (no bundle files listed).
fn found_at(path: &Path, errors: &mut Vec<Diagnostic>) -> Option<Found> {
    let mut parts = path.iter().map(|p| p.to_string_lossy());
    let first = parts.next()?;
    let section = SECTIONS.into_iter().find(|s| first == *s)?;
    let rest: Vec<String> = parts.map(|p| p.into_owned()).collect();
    let (name, bundle) = match rest.as_slice() {
        [file] => (file.strip_suffix(".md")?.to_string(), None),
        [dir, index] if index == "index.md" => (
            dir.clone(),
            Some((Path::new(section).join(dir), Vec::new())),
        ),
        _ => return None,
    };
    let (slug, bundle) = match section {
        "masterplan" => (
            Slug::parse("masterplan").ok()?,
            Some((PathBuf::from(section), Vec::new())),
        ),
        _ => (slug_of(path, &name, errors)?, bundle),
    };
    Some(Found {
        path: path.to_path_buf(),
        section,
        slug,
        bundle,
    })
}

fn collect_markdown(
    inside: &Inside,
    root: &Path,
    section: &'static Path,
    out: &mut Vec<Found>,
    errors: &mut Vec<Diagnostic>,
) {
    let section_name: &'static str = SECTIONS
        .into_iter()
        .find(|s| Path::new(s) == section)
        .unwrap_or("berita");
    let dir = root.join(section);
    let Some(entries) = read_dir_sorted(inside, &dir, errors) else {
        return;
    };
    if section_name == "masterplan" {
        let index = dir.join("index.md");
        if index.is_file() {
            let assets = entries
                .iter()
                .filter(|e| e.path.file_name().is_some_and(|n| n != "index.md"))
                .flat_map(|e| relative_files(inside, &dir, e, errors))
                .collect();
            out.push(Found {
                path: section.join("index.md"),
                section: section_name,
                slug: Slug::parse("masterplan").unwrap_or_else(|_| unreachable!()),
                bundle: Some((section.to_path_buf(), assets)),
            });
        } else if !entries.is_empty() {
            errors.push(Diagnostic::file(
                section,
                Text::new(
                    "folder masterplan/ tidak berisi index.md",
                    "the masterplan/ folder has no index.md",
                ),
            ));
        }
        return;
    }
    for Listed {
        path: entry,
        is_dir,
    } in entries
    {
        let name = entry
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let rel = section.join(&name);
        if is_dir {
            let index = entry.join("index.md");
            if !index.is_file() {
                errors.push(
                    Diagnostic::file(
                        &rel,
                        Text::new(
                            format!("folder {} tidak berisi index.md", rel.display()),
                            format!("the folder {} has no index.md", rel.display()),
                        ),
                    )
                    .with_hint(Text::new(
                        "tulisan dalam folder (beserta fotonya) disimpan sebagai <slug>/index.md",
                        "a page with its photos lives in <slug>/index.md",
                    )),
                );
                continue;
            }
            let Some(slug) = slug_of(&rel, &name, errors) else {
                continue;
            };
            let assets = read_dir_sorted(inside, &entry, errors)
                .unwrap_or_default()
                .iter()
                .filter(|e| e.path.file_name().is_some_and(|n| n != "index.md"))
                .flat_map(|e| relative_files(inside, &entry, e, errors))
                .collect();
            out.push(Found {
                path: rel.join("index.md"),
                section: section_name,
                slug,
                bundle: Some((rel, assets)),
            });
        } else if let Some(stem) = name.strip_suffix(".md") {
            let Some(slug) = slug_of(&rel, stem, errors) else {
                continue;
            };
            out.push(Found {
                path: rel,
                section: section_name,
                slug,
                bundle: None,
            });
        } else {
            errors.push(
                Diagnostic::file(&rel, Text::new(
                    "berkas ini bukan tulisan Markdown (.md) dan tidak berada di dalam folder tulisan",
                    "this file is not Markdown (.md) and is not inside a page folder",
                ))
                .with_hint(Text::new(
                    "pindahkan foto ke folder tulisannya: berita/<slug>/index.md dengan foto di sebelahnya",
                    "move photos into their page's folder: berita/<slug>/index.md with the photo beside it",
                )),
            );
        }
    }
}

fn slug_of(rel: &Path, name: &str, errors: &mut Vec<Diagnostic>) -> Option<Slug> {
    match Slug::parse(name) {
        Ok(s) => Some(s),
        Err((message, hint)) => {
            errors.push(
                Diagnostic::file(
                    rel,
                    Text::new(
                        format!("nama berkas menjadi alamat halaman: {}", message.id),
                        format!("the file name becomes the page address: {}", message.en),
                    ),
                )
                .with_hint(Text::new(
                    format!("ganti nama berkas; {}", hint.id),
                    format!("rename the file; {}", hint.en),
                )),
            );
            None
        }
    }
}

/// One entry of a folder.
struct Listed {
    path: PathBuf,
    /// Whether it is a folder (or a link to one inside the site folder).
    is_dir: bool,
}

/// Entries of `dir` sorted by name, hidden files and editor leftovers skipped; `None` when
/// the folder does not exist. A symbolic link is followed only when it stays inside the site
/// folder; one that leaves it, goes round in a loop or points at nothing is an error, as is
/// anything that is neither a regular file nor a folder.
fn read_dir_sorted(
    inside: &Inside,
    dir: &Path,
    errors: &mut Vec<Diagnostic>,
) -> Option<Vec<Listed>> {
    match inside.kind_of(dir) {
        Ok(Some(EntryKind::Dir)) => {}
        Ok(_) => return None,
        Err(e) => {
            errors.push(e);
            return None;
        }
    }
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => {
            errors.push(Diagnostic::io(dir, &e));
            return None;
        }
    };
    let mut paths: Vec<(PathBuf, Option<fs::FileType>)> = entries
        .filter_map(Result::ok)
        .map(|e| (e.path(), e.file_type().ok()))
        .filter(|(path, _)| !is_ignored(path))
        .collect();
    paths.sort_by(|a, b| a.0.cmp(&b.0));
    let mut listed = Vec::with_capacity(paths.len());
    for (path, file_type) in paths {
        // Whether an entry is a plain file or folder comes with the listing, without asking
        // the file system about each entry; only links and odd entries are looked at.
        let is_dir = match file_type {
            Some(t) if t.is_file() => false,
            Some(t) if t.is_dir() => true,
            _ => match inside.kind_of(&path) {
                Ok(Some(kind)) => kind == EntryKind::Dir,
                Ok(None) => continue,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            },
        };
        listed.push(Listed { path, is_dir });
    }
    Some(listed)
}

/// Hidden files (`.#a.md`, `.a.md.swp`, `.goutputstream-…`) and editor leftovers (`a.md~`,
/// `a.md.swp`, vim's `4913` probe, `*.tmp`) are never content, and changes to them are not
/// worth a rebuild.
pub fn is_ignored(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
}

/// `entry` (a file or folder under `base`) as files relative to `base`.
fn relative_files(
    inside: &Inside,
    base: &Path,
    entry: &Listed,
    errors: &mut Vec<Diagnostic>,
) -> Vec<PathBuf> {
    if entry.is_dir {
        return files_under(inside, base, &entry.path, errors);
    }
    entry
        .path
        .strip_prefix(base)
        .map(Path::to_path_buf)
        .into_iter()
        .collect()
}

/// Every file under `dir` (itself under `base`), relative to `base`.
fn files_under(
    inside: &Inside,
    base: &Path,
    dir: &Path,
    errors: &mut Vec<Diagnostic>,
) -> Vec<PathBuf> {
    let listed = inside.enter(dir, || {
        let mut found = Vec::new();
        let mut inner = Vec::new();
        for e in read_dir_sorted(inside, dir, &mut inner).unwrap_or_default() {
            found.extend(relative_files(inside, base, &e, &mut inner));
        }
        (found, inner)
    });
    match listed {
        Ok((found, inner)) => {
            errors.extend(inner);
            found
        }
        Err(e) => {
            errors.push(e);
            Vec::new()
        }
    }
}

/// Every file under `dir`, relative to it.
fn list_files(inside: &Inside, dir: &Path, errors: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    files_under(inside, dir, dir, errors)
}

/// Reads `found`, or takes it from `memo` when it has not changed since it was read there:
/// unread when its size and time say so, parsed again only when its text changed.
fn read_markdown_with(
    root: &Path,
    found: &Found,
    memo: Option<&SourceMemo>,
) -> Result<Document, Diagnostic> {
    let full = root.join(&found.path);
    let Some(memo) = memo else {
        return document_from(found, read_text_file(&full, &found.path)?);
    };
    let stamp = Stamped::take(&full);
    if let Some(kept) = stamp.and_then(|now| memo.unchanged(&full, found, &now)) {
        return Ok(kept);
    }
    let source = read_text_file(&full, &found.path)?;
    let text = text_hash(&source);
    let (mut parsed, source) = match memo.get(&full, found, text) {
        Some(kept) => (kept, source),
        None => {
            let mut parsed = document_from(found, source)?;
            let source = parsed.source_mut().take();
            (parsed, source)
        }
    };
    *parsed.source_mut() = SourceText::unread(full.clone(), text);
    memo.keep(&full, found, text, stamp, parsed.clone());
    *parsed.source_mut() = SourceText::read(source);
    Ok(parsed)
}

/// The document `found` holds, from its text.
fn document_from(found: &Found, source: String) -> Result<Document, Diagnostic> {
    Ok(match found.section {
        "berita" => Document::Berita(Box::new(make_doc(found, source)?)),
        "program" => Document::Program(Box::new(make_doc(found, source)?)),
        "masterplan" => Document::Masterplan(Box::new(make_doc(found, source)?)),
        _ => Document::Halaman(Box::new(make_doc(found, source)?)),
    })
}

fn make_doc<M: DeserializeOwned>(found: &Found, source: String) -> Result<Doc<M>, Diagnostic> {
    let split = split_front_matter(&found.path, &source)?;
    let meta = parse_yaml(&found.path, &source, split.yaml, split.yaml_line)?;
    let body_offset = source.len() - split.body.len();
    let body_hash = text_hash(split.body);
    let (bundle_dir, assets) = match &found.bundle {
        Some((dir, assets)) => (Some(dir.clone()), assets.clone()),
        None => (None, Vec::new()),
    };
    Ok(Doc {
        path: found.path.clone(),
        slug: found.slug.clone(),
        source: SourceText::read(source),
        meta,
        body_offset,
        body_hash,
        assets,
        bundle_dir,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_document_is_checked_from_its_text_alone() {
        let text = "---\ntitle: \"Bimtek\"\ndate: 2022-08-15\nauthor: \"Humas\"\n---\nIsi.\n";
        let doc = parse_document(Path::new("berita/bimtek-tahap-i/index.md"), text.into());
        match doc {
            Ok(Document::Berita(d)) => {
                assert_eq!(d.slug.as_str(), "bimtek-tahap-i");
                assert_eq!(d.bundle_dir, Some(PathBuf::from("berita/bimtek-tahap-i")));
                assert_eq!(d.meta.title, "Bimtek");
            }
            other => panic!("expected a news item, got {other:?}"),
        }
        let bad = text.replace("2022-08-15", "2022-02-30");
        let err = parse_document(Path::new("berita/bimtek.md"), bad).unwrap_err();
        assert_eq!((err.line, err.column), (3, 7));
        assert!(parse_document(Path::new("static/x.md"), text.into()).is_err());
    }

    #[test]
    fn documents_of_every_section_are_checked_from_their_text() {
        let page = "---\ntitle: \"Tentang\"\n---\nIsi.\n";
        assert!(matches!(
            parse_document(Path::new("halaman/tentang.md"), page.into()),
            Ok(Document::Halaman(_))
        ));
        let program = "---\ntitle: \"Satu Data\"\ndimension: smart-governance\nopd: \"Diskominfo\"\nstatus: berjalan\nyears: { start: 2020 }\nsummary: \"Data.\"\n---\n";
        assert!(matches!(
            parse_document(Path::new("program/satu-data.md"), program.into()),
            Ok(Document::Program(_))
        ));
    }

    #[test]
    fn hidden_files_and_editor_leftovers_are_not_content() {
        for name in [
            "berita/a.md.swp",
            "berita/a.md~",
            "berita/.#a.md",
            "berita/4913",
            "x.tmp",
            ".DS_Store",
        ] {
            assert!(is_ignored(Path::new(name)), "{name}");
        }
        assert!(!is_ignored(Path::new("berita/a.md")));
    }

    #[test]
    fn locate_finds_the_value_after_its_key() {
        let src = "---\ntitle: smart\nprograms:\n  - satu-data\n  - smart-x\n---\n";
        assert_eq!(
            crate::error::locate_in_source(src, "programs", "smart-x"),
            (5, 5)
        );
        assert_eq!(crate::error::locate_in_source(src, "title", ""), (2, 1));
    }

    #[test]
    fn the_memo_leaves_a_settled_unchanged_file_unread_and_reads_any_other() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir(root.join("berita")).unwrap();
        let file = root.join("berita/a.md");
        let found = Found {
            path: PathBuf::from("berita/a.md"),
            section: "berita",
            slug: Slug::parse("a").unwrap(),
            bundle: None,
        };
        let news = |title: &str| {
            format!("---\ntitle: \"{title}\"\ndate: 2026-11-20\nauthor: Humas\n---\nIsi.\n")
        };
        let memo = SourceMemo::default();
        let read = || match read_markdown_with(root, &found, Some(&memo)) {
            Ok(Document::Berita(doc)) => doc,
            _ => panic!("not read as news"),
        };
        let hour_ago = SystemTime::now() - Duration::from_secs(3600);
        let backdate = || {
            let f = fs::File::options().write(true).open(&file).unwrap();
            f.set_modified(hour_ago).unwrap();
        };
        fs::write(&file, news("Satu")).unwrap();
        // Just saved: read, and read again while its time may not tell a new save yet.
        for _ in 0..2 {
            let doc = read();
            assert!(doc.source.text.get().is_some(), "read from disk");
            assert_eq!((doc.meta.title.as_str(), doc.body()), ("Satu", "Isi.\n"));
        }
        let kept = memo.0.read().unwrap();
        assert!(
            matches!(&kept[&file].parsed, Document::Berita(d) if d.source.text.get().is_none()),
            "the memo does not keep the text"
        );
        drop(kept);
        // Settled (changed an hour before it was read), then unchanged: taken unread, its text
        // read when asked.
        backdate();
        assert!(read().source.text.get().is_some(), "its time changed");
        let doc = read();
        assert!(doc.source.text.get().is_none(), "unchanged, so not read");
        assert_eq!((doc.meta.title.as_str(), doc.body()), ("Satu", "Isi.\n"));
        // Saved again, the same size: its time tells.
        fs::write(&file, news("Dua!")).unwrap();
        assert_eq!(read().meta.title, "Dua!");
        fs::write(&file, news("Tiga")).unwrap();
        assert_eq!(read().meta.title, "Tiga");
        // Taken unread, then changed before its text was asked: empty rather than another
        // file's text, until the rebuild for that change.
        backdate();
        read();
        let unread = read();
        assert!(unread.source.text.get().is_none());
        fs::write(&file, news("Empat")).unwrap();
        assert_eq!(unread.body(), "");
        assert_eq!(read().meta.title, "Empat");
    }
}
