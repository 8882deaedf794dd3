//! The `build` and `check` commands as library calls (takes a folder, gives a written or
//! checked site, through every module before it): load, model, render, write. A folder
//! holding `province.yaml` builds the province portal with every regency under `/<slug>/`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::{BaseUrl, ProvinceConfig, RegencyEntry, parse_province_config, read_regency};
use crate::content::SourceMemo;
use crate::content::encoding::read_text_file;
use crate::content::walk::Inside;
use crate::error::{Diagnostic, Diagnostics, Lang, Text};
use crate::export::{Export, export_site};
use crate::output::hosting::nginx_conf;
use crate::output::images::{ImageCache, default_cache_dir, make_images};
use crate::output::province::province_files;
use crate::output::search::{
    BUNDLE_DIR, KeptParts, SearchIndex, SearchLabels, SearchRecord, SharedIndex,
};
use crate::output::write::{Staging, check_output_location};
use crate::output::{netlify_redirects_of, nginx_map, site_files};
use crate::progress::{ProgressSink, Work};
use crate::province::fetch::read_export;
use crate::province::{RegencyShare, RegencySource, build_province, regency_share};
use crate::render::memo::RenderMemo;
use crate::render::province::render_province;
use crate::render::theme::load_theme;
use crate::render::{OutputFile, render_site};
use crate::site::images::ImageJob;
use crate::site::{CopiedFile, ParentPortal, Site, SiteMemo, Urls, build_site_with};

/// What to build and where.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    /// The regency folder (holding `site.yaml`) or province folder (holding `province.yaml`).
    pub input: PathBuf,
    /// The output folder.
    pub output: PathBuf,
    /// Publish at this address instead of the configured `base_url`.
    pub base_url: Option<String>,
    /// In a province, build the regencies that load and list the others as unavailable.
    pub keep_going: bool,
    /// Where resized pictures are kept between builds (`<input>/.cerdas-cache` when `None`).
    pub cache_dir: Option<PathBuf>,
    /// Where long work (photos, a province's regencies) reports how far it got.
    pub progress: ProgressSink,
}

/// What a build did.
#[derive(Clone, Debug)]
pub struct BuildReport {
    /// HTML and other generated files written.
    pub rendered: usize,
    /// Files copied as they are.
    pub copied: usize,
    /// Of the written and copied files, those identical to the previous build's and kept.
    pub unchanged: usize,
    /// Published news items.
    pub news: usize,
    /// Regencies built (1 for a regency build).
    pub regencies: usize,
    /// Problems that did not stop the build (regencies skipped with `--keep-going`).
    pub warnings: Diagnostics,
    /// The language of the site, for messages.
    pub lang: Lang,
    /// Wall time of the whole build.
    pub elapsed: Duration,
    /// Photos decoded and resized by this build (the others came from the cache).
    pub photos: usize,
    /// The size of the output folder in bytes (0 for `check`).
    pub output_bytes: u64,
}

/// Which part of the site a batch of files belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Part {
    /// The whole site of a regency build, or a province's own pages.
    Main,
    /// The regency at this index of `province.yaml`'s list, under `/<slug>/`.
    Regency(usize),
}

/// Where finished files go: a new output folder, memory (`serve`), or nowhere (`check`).
pub trait Sink: Sync {
    /// Takes a batch of rendered files and files to copy of one part of the site; it owns
    /// them from here (the in-memory sink keeps the bytes without copying them).
    fn accept(
        &self,
        part: Part,
        files: Vec<OutputFile>,
        copies: Vec<CopiedFile>,
    ) -> Result<(), Diagnostics>;

    /// The copies that publish the resized pictures of `jobs` (`root` is the site folder, for
    /// messages). A published build makes every one first; the preview server answers at once
    /// and makes them in the background; `check` publishes none (it reads every picture's
    /// header but decodes none).
    fn pictures(&self, _jobs: &[ImageJob], _root: &Path) -> Result<Vec<CopiedFile>, Diagnostics> {
        Ok(Vec::new())
    }

    /// What `part` was last built from and to, when this sink keeps it between builds (the
    /// preview server): unchanged files, bodies and pages are taken from there instead of
    /// read or rendered again.
    fn memo(&self, _part: Part) -> Option<Arc<PartMemo>> {
        None
    }

    /// Whether the build makes the search index for this sink: a published build does;
    /// `check` has nothing to search, and the preview server indexes what it serves itself,
    /// in the background, so a save is not held up by the index.
    fn wants_search_index(&self) -> bool {
        false
    }
}

/// What one part of the site was last built from and to, kept by the preview server so that
/// a rebuild redoes only what a change touched.
#[derive(Default)]
pub struct PartMemo {
    /// Its Markdown files as last read and checked (a regency's).
    pub sources: SourceMemo,
    /// Its bodies and pictures as last rendered and read (a regency's).
    pub site: SiteMemo,
    /// Its pages as last rendered.
    pub pages: RenderMemo,
}

/// A new output folder and the picture cache that fills it.
struct Publish {
    staging: Staging,
    cache: ImageCache,
}

impl Sink for Publish {
    fn accept(
        &self,
        _: Part,
        files: Vec<OutputFile>,
        copies: Vec<CopiedFile>,
    ) -> Result<(), Diagnostics> {
        self.staging.write(&files, &copies)
    }

    fn pictures(&self, jobs: &[ImageJob], root: &Path) -> Result<Vec<CopiedFile>, Diagnostics> {
        make_images(jobs, &self.cache, root)
    }

    fn wants_search_index(&self) -> bool {
        true
    }
}

/// Opens the picture cache `opts` names.
pub fn open_image_cache(opts: &BuildOptions) -> Result<ImageCache, Diagnostics> {
    Ok(ImageCache::open(&cache_dir_of(opts))?.with_progress(opts.progress.clone()))
}

/// The cache folder `opts` names, or the site's own.
fn cache_dir_of(opts: &BuildOptions) -> PathBuf {
    opts.cache_dir
        .clone()
        .unwrap_or_else(|| default_cache_dir(&opts.input))
}

/// The copies that publish `site`'s resized pictures, as the sink makes them.
fn picture_copies(
    site: &Site,
    input: &Path,
    sink: &dyn Sink,
) -> Result<Vec<CopiedFile>, Diagnostics> {
    sink.pictures(&site.pictures.jobs(), input)
}

/// `errors` with every file inside `dir` named relative to it, as content errors are: a file
/// to copy that cannot be read is found only when the output is written, by its full path.
fn shown_in(dir: &Path, mut errors: Diagnostics) -> Diagnostics {
    for d in &mut errors.0 {
        if let Ok(rel) = d.file.strip_prefix(dir) {
            d.file = rel.to_path_buf();
        }
    }
    errors
}

/// Counts what would be written.
#[derive(Default)]
struct Discard(Mutex<(usize, usize)>);

impl Sink for Discard {
    fn accept(
        &self,
        _: Part,
        files: Vec<OutputFile>,
        copies: Vec<CopiedFile>,
    ) -> Result<(), Diagnostics> {
        if let Ok(mut n) = self.0.lock() {
            n.0 += files.len();
            n.1 += copies.len();
        }
        Ok(())
    }
}

/// What the in-memory part of a build found.
#[derive(Debug)]
pub struct Summary {
    /// Published news items.
    pub news: usize,
    /// Regencies built or aggregated.
    pub regencies: usize,
    /// The site's language.
    pub lang: Lang,
    /// Problems that did not stop the build.
    pub warnings: Diagnostics,
    /// The path prefix of every URL (a sub-path `base_url`), usually empty.
    pub base_path: String,
    /// The absolute address of the site's home, without a trailing slash.
    pub base_url: String,
    /// The language of the search index when the site has search.
    pub search: Option<&'static str>,
    /// The nginx `map` of the site's old addresses, when it has any (a regency build).
    pub nginx_map: Option<String>,
}

/// Builds `opts.input` into `opts.output`, or reports every problem found and writes nothing.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let started = Instant::now();
    check_output_location(&opts.input, &opts.output)?;
    let cache = open_image_cache(opts)?;
    let publish = Publish {
        staging: Staging::begin(&opts.output)?,
        cache,
    };
    let summary = build_to(opts, &publish)?;
    let report = publish.staging.commit()?;
    publish.cache.prune_unused();
    write_nginx_files(&opts.output, &summary)?;
    Ok(BuildReport {
        rendered: report.rendered,
        copied: report.copied,
        unchanged: report.unchanged,
        news: summary.news,
        regencies: summary.regencies,
        warnings: summary.warnings,
        lang: summary.lang,
        elapsed: started.elapsed(),
        photos: publish.cache.processed(),
        output_bytes: report.bytes,
    })
}

/// Where the nginx map of the old addresses goes: beside the output folder, never in it
/// (`public` -> `public.nginx-redirects.conf`), since it belongs in the server's configuration.
pub fn nginx_map_path(output: &Path) -> PathBuf {
    beside_output(output, "nginx-redirects.conf")
}

/// Where the nginx configuration of the site goes, beside the output folder like the map
/// (`public` -> `public.nginx.conf.example`).
pub fn nginx_conf_path(output: &Path) -> PathBuf {
    beside_output(output, "nginx.conf.example")
}

fn beside_output(output: &Path, suffix: &str) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".to_string());
    output.with_file_name(format!("{name}.{suffix}"))
}

/// Writes the nginx files beside the output folder: the configuration, naming the folder and
/// the map by their absolute paths, and the map of the old addresses when there are any.
fn write_nginx_files(output: &Path, summary: &Summary) -> Result<(), Diagnostics> {
    let absolute = |p: PathBuf| std::path::absolute(&p).unwrap_or(p);
    let map = match &summary.nginx_map {
        Some(text) => {
            let path = nginx_map_path(output);
            std::fs::write(&path, text).map_err(|e| Diagnostic::io(&path, &e))?;
            Some(absolute(path))
        }
        None => None,
    };
    let urls = Urls {
        base_path: summary.base_path.clone(),
        base_url: summary.base_url.clone(),
    };
    let conf = nginx_conf(
        &urls,
        summary.search.is_some(),
        &absolute(output.to_path_buf()),
        map.as_deref(),
    );
    let path = nginx_conf_path(output);
    std::fs::write(&path, conf).map_err(|e| Diagnostic::io(&path, &e))?;
    Ok(())
}

/// Loads, models and renders everything without writing: what `cerdas check` runs.
pub fn check(opts: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let started = Instant::now();
    let sink = Discard::default();
    let summary = build_to(opts, &sink)?;
    let (rendered, copied) = sink.0.lock().map(|n| *n).unwrap_or_default();
    Ok(BuildReport {
        rendered,
        copied,
        unchanged: 0,
        news: summary.news,
        regencies: summary.regencies,
        warnings: summary.warnings,
        lang: summary.lang,
        elapsed: started.elapsed(),
        photos: 0,
        output_bytes: 0,
    })
}

/// Loads, models and renders `opts.input`, handing every finished file to `sink`.
pub fn build_to(opts: &BuildOptions, sink: &dyn Sink) -> Result<Summary, Diagnostics> {
    if opts.input.join("province.yaml").is_file() {
        return build_province_into(opts, sink);
    }
    let base = opts
        .base_url
        .as_deref()
        .map(parse_base_url_flag)
        .transpose()?;
    let memo = sink.memo(Part::Main);
    let BuiltRegency {
        site,
        mut files,
        mut copies,
        ..
    } = build_regency(&opts.input, base.as_ref(), None, memo.as_deref())?;
    let search = (site.config.search && sink.wants_search_index())
        .then(|| SearchIndex::new(site.config.language.code(), &site.urls.base_path))
        .map(|index| SharedIndex::start(index, KeptParts::in_cache(&cache_dir_of(opts))));
    // The index is made while the photos are.
    let ((), pictures) = rayon::join(
        || add_search_part(search.as_ref(), 0, &files),
        || picture_copies(&site, &opts.input, sink),
    );
    if let Some(index) = search.map(|s| s.finish()).transpose()?.flatten() {
        files.extend(index.finish()?);
    }
    copies.extend(pictures?);
    sink.accept(Part::Main, files, copies)
        .map_err(|e| shown_in(&opts.input, e))?;
    Ok(Summary {
        news: site.news.len(),
        regencies: 1,
        lang: site.lang,
        warnings: Diagnostics(site.warnings.clone()),
        base_path: site.urls.base_path.clone(),
        base_url: site.urls.base_url.clone(),
        search: site.config.search.then(|| site.config.language.code()),
        nginx_map: nginx_map(&site),
    })
}

fn parse_base_url_flag(text: &str) -> Result<BaseUrl, Diagnostics> {
    BaseUrl::parse(text).map_err(|(m, h)| Diagnostic::file("--base-url", m).with_hint(h).into())
}

/// One regency, built in memory.
pub struct BuiltRegency {
    /// Its model.
    pub site: Site,
    /// Its rendered pages and other generated files.
    pub files: Vec<OutputFile>,
    /// The files it publishes as they are.
    pub copies: Vec<CopiedFile>,
    /// Its `data.json` content, which a province also aggregates.
    pub export: Export,
}

/// Loads, models and renders one regency; with a `parent` portal it is nested under
/// `/<slug>/` of that portal's address. Files, bodies and pages unchanged since `memo`'s build
/// are taken from it.
pub fn build_regency(
    input: &Path,
    base_url: Option<&BaseUrl>,
    parent: Option<ParentPortal>,
    memo: Option<&PartMemo>,
) -> Result<BuiltRegency, Diagnostics> {
    let regency = read_regency(input, memo.map(|m| &m.sources))?;
    let base = base_url
        .cloned()
        .unwrap_or_else(|| regency.config.base_url.clone());
    let prefix = match parent {
        Some(_) => format!("/{}", regency.config.slug),
        None => String::new(),
    };
    let theme = load_theme(
        input,
        &regency.config_source,
        regency.config.theme.as_deref(),
        regency.content.templates_dir.as_deref(),
        regency.config.language.lang(),
    )?;
    let mut site = build_site_with(regency, &base, &prefix, memo.map(|m| &m.site))?;
    site.parent = parent;
    // The feeds, sitemap and `data.json` are made while the pages render.
    let (pages, (export, others)) = rayon::join(
        || render_site(&site, &theme, memo.map(|m| &m.pages)),
        || {
            let export = export_site(&site);
            let files = site_files(&site, &export);
            (export, files)
        },
    );
    let mut files = pages?;
    files.extend(others);
    let mut copies = site.copies.clone();
    copies.extend(theme.static_files.iter().map(|(from, to)| CopiedFile {
        from: from.clone(),
        to: to.clone(),
    }));
    Ok(BuiltRegency {
        site,
        files,
        copies,
        export,
    })
}

/// Builds the regency in `input` in memory, without writing: for tests and tools.
pub fn build_in_memory(
    input: &Path,
    base_url: Option<&str>,
) -> Result<(Site, Vec<OutputFile>, Vec<CopiedFile>), Diagnostics> {
    let base = base_url.map(parse_base_url_flag).transpose()?;
    let built = build_regency(input, base.as_ref(), None, None)?;
    Ok((built.site, built.files, built.copies))
}

/// Files beside a document that are not in its folder yet: a bundle being saved by the editor
/// whose new photos wait in another folder.
#[derive(Clone, Debug)]
pub struct StagedBundle {
    /// The folder holding every file the document will have beside it (an absolute path).
    pub dir: PathBuf,
    /// Those files, relative to `dir`.
    pub files: Vec<PathBuf>,
}

/// Checks the document at `path` (relative to the regency folder `root`, e.g.
/// `berita/rapat/index.md`) as if its text were `source`, with the same diagnostics as
/// `cerdas check`: its own front matter, then the whole-site checks (programs it names exist,
/// a cover has its alt text, its photos exist and are pictures, its links resolve) on the
/// regency with this document in place of (or beside) what is on disk. With `staged`, the files
/// beside the document are those of `staged`. Only problems of this document are returned;
/// when the rest of the site does not load, only the document's own front matter is checked.
pub fn check_document(
    root: &Path,
    path: &Path,
    source: String,
    staged: Option<&StagedBundle>,
) -> Result<(), Diagnostics> {
    let document = crate::content::parse_document(path, source).map_err(Diagnostics::from)?;
    let Ok(mut regency) = read_regency(root, None) else {
        return Ok(());
    };
    let content = &mut regency.content;
    content.news.retain(|d| d.path != path);
    content.programs.retain(|d| d.path != path);
    content.pages.retain(|d| d.path != path);
    match document {
        crate::content::Document::Berita(mut doc) => {
            if let Some(bundle) = &doc.bundle_dir {
                match staged {
                    Some(s) => {
                        doc.bundle_dir = Some(s.dir.clone());
                        doc.assets = s.files.clone();
                    }
                    None => doc.assets = files_in(&root.join(bundle)),
                }
            }
            content.news.push(*doc);
        }
        crate::content::Document::Program(doc) => content.programs.push(*doc),
        crate::content::Document::Halaman(doc) => content.pages.push(*doc),
        crate::content::Document::Masterplan(doc) => content.masterplan = Some(*doc),
    }
    let base = regency.config.base_url.clone();
    match crate::site::build_site(regency, &base, "") {
        Ok(_) => Ok(()),
        Err(Diagnostics(errors)) => {
            let own: Vec<Diagnostic> = errors.into_iter().filter(|d| d.file == path).collect();
            if own.is_empty() {
                Ok(())
            } else {
                Err(Diagnostics(own))
            }
        }
    }
}

/// The files directly in `dir` other than `index.md`, by name.
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.path().is_file() && e.file_name() != "index.md")
        .map(|e| PathBuf::from(e.file_name()))
        .collect();
    files.sort();
    files
}

/// Province paths the portal writes itself; a regency slug may not take them.
const PROVINCE_RESERVED: [&str; 10] = [
    "berita",
    "dimensi",
    "kabupaten-kota",
    "progres",
    "tag",
    "program",
    "masterplan",
    "page",
    "cari",
    "pagefind",
];

fn build_province_into(opts: &BuildOptions, sink: &dyn Sink) -> Result<Summary, Diagnostics> {
    ProvinceBuild::load(opts, sink)?.aggregate(sink)
}

/// A province build that can be redone in parts: `serve` keeps it, and a change inside one
/// regency's folder rebuilds that regency and the aggregate pages only.
pub struct ProvinceBuild {
    root: PathBuf,
    file: PathBuf,
    source: String,
    /// `province.yaml`, its `base_url` replaced by `--base-url` when given.
    config: ProvinceConfig,
    portal: ParentPortal,
    keep_going: bool,
    /// The cache folder, where the last good copy of each remote export is kept.
    cache_dir: PathBuf,
    /// What each regency of `province.yaml` gave, in its order.
    loaded: Vec<Loaded>,
    /// The one search index over every regency, filled as each is built (a published build
    /// with search on); taken by `aggregate`.
    search: Option<SharedIndex>,
    /// The search records of the regencies hosted elsewhere, as the last `aggregate` made
    /// them (for the preview server, which indexes in the background).
    records: Mutex<Vec<SearchRecord>>,
}

impl ProvinceBuild {
    /// Reads `province.yaml` and builds (or fetches) every regency, handing their files to
    /// `sink`. Regencies are built in parallel a few at a time (as many as there are
    /// threads), each one also parallel inside: both cores stay busy while memory stays that
    /// of a few regencies, not of all of them at once. Exports are fetched all at once.
    pub fn load(opts: &BuildOptions, sink: &dyn Sink) -> Result<ProvinceBuild, Diagnostics> {
        let root = opts.input.clone();
        let file = PathBuf::from("province.yaml");
        let source = read_text_file(&root.join(&file), &root.join(&file))?;
        let mut config = parse_province_config(&file, &source)?;
        if let Some(text) = opts.base_url.as_deref() {
            config.base_url = parse_base_url_flag(text)?;
        }
        let portal = ParentPortal {
            name: config.name.clone(),
            url: format!("{}/", config.base_url.path()),
            search_bundle: config
                .search
                .then(|| format!("{}/{BUNDLE_DIR}/", config.base_url.path())),
        };
        let cache_dir = cache_dir_of(opts);
        let search = if config.search && sink.wants_search_index() {
            let index = SearchIndex::new(config.language.code(), config.base_url.path());
            Some(SharedIndex::start(index, KeptParts::in_cache(&cache_dir)))
        } else {
            None
        };
        let mut build = ProvinceBuild {
            root,
            file,
            source,
            config,
            portal,
            keep_going: opts.keep_going,
            cache_dir,
            loaded: Vec::new(),
            search,
            records: Mutex::default(),
        };
        let (exports, folders): (Vec<usize>, Vec<usize>) = (0..build.config.regencies.len())
            .partition(|&i| matches!(build.config.regencies[i], RegencyEntry::Export(_)));
        let progress = &opts.progress;
        progress.expect(Work::Regencies, build.config.regencies.len());
        let load = |i: usize| {
            let loaded = build.load_one(i, sink);
            progress.advance(Work::Regencies, 1);
            (i, loaded)
        };
        let mut results: Vec<(usize, Loaded)> = exports.par_iter().map(|&i| load(i)).collect();
        for batch in folders.chunks(rayon::current_num_threads().max(1)) {
            results.extend(batch.par_iter().map(|&i| load(i)).collect::<Vec<_>>());
        }
        results.sort_by_key(|(i, _)| *i);
        build.loaded = results.into_iter().map(|(_, r)| r).collect();
        Ok(build)
    }

    /// Builds or fetches the regency at `index`.
    fn load_one(&self, index: usize, sink: &dyn Sink) -> Loaded {
        let entry = &self.config.regencies[index];
        let label = match entry {
            RegencyEntry::Folder(f) | RegencyEntry::Export(f) => f.clone(),
        };
        let loaded = load_regency(
            &self.root,
            entry,
            index,
            &self.config.base_url,
            &self.portal,
            &self.file,
            &self.source,
            &self.cache_dir,
            sink,
            self.search.as_ref(),
        )
        .map_err(|d| label_errors(d, &label));
        let urls = Urls::new(&self.config.base_url, "");
        let lang = self.config.language.lang();
        match loaded {
            Ok(loaded) => Loaded {
                share: regency_share(loaded.source, &urls, lang),
                errors: None,
                warnings: label_errors(Diagnostics(loaded.warnings), &label),
                redirects: loaded.redirects,
            },
            Err(errors) => Loaded {
                share: regency_share(RegencySource::Failed { label }, &urls, lang),
                errors: Some(errors),
                warnings: Diagnostics::default(),
                redirects: None,
            },
        }
    }

    /// The index of the regency whose folder holds `path`, if any.
    pub fn regency_of(&self, path: &Path) -> Option<usize> {
        self.config.regencies.iter().position(|entry| match entry {
            RegencyEntry::Folder(f) => path.starts_with(self.root.join(f)),
            RegencyEntry::Export(_) => false,
        })
    }

    /// Builds the regency at `index` again, handing its files to `sink`.
    pub fn reload(&mut self, index: usize, sink: &dyn Sink) {
        if index < self.loaded.len() {
            self.loaded[index] = self.load_one(index, sink);
        }
    }

    /// Checks the regencies together and writes the province's own pages to `sink`.
    pub fn aggregate(&self, sink: &dyn Sink) -> Result<Summary, Diagnostics> {
        let mut errors = Vec::new();
        let mut built = Vec::new();
        let mut warnings = Vec::new();
        for loaded in &self.loaded {
            if let Some(d) = &loaded.errors {
                errors.extend(d.0.iter().cloned());
            }
            warnings.extend(loaded.warnings.0.iter().cloned());
            if let RegencySource::Built(e) = &loaded.share.source {
                built.push(e.site.slug.clone());
            }
        }
        let shares: Vec<&RegencyShare> = self.loaded.iter().map(|l| &l.share).collect();
        errors.extend(check_regency_slugs(&shares, &self.file, &self.source));
        if !errors.is_empty() {
            let some_loaded = shares
                .iter()
                .any(|s| !matches!(s.source, RegencySource::Failed { .. }));
            if !(self.keep_going && some_loaded) {
                return Err(Diagnostics(errors));
            }
            warnings.extend(errors);
        }
        let warnings = Diagnostics(warnings);
        let lang = self.config.language.lang();
        let (logo_url, logo_copy) =
            province_logo(&self.root, &self.config, &self.file, &self.source)?;
        let province = build_province(self.config.clone(), &shares, logo_url);
        let theme = load_theme(&self.root, &self.source, None, None, lang)?;
        let memo = sink.memo(Part::Main);
        let exports: Vec<&Export> = shares
            .iter()
            .filter_map(|s| match &s.source {
                RegencySource::Built(e) | RegencySource::External(e) => Some(e),
                RegencySource::Failed { .. } => None,
            })
            .collect();
        // The feeds, data.json and the open data are written while the pages render: job
        // building is sequential and leaves a core free.
        // The search index's last parts and its bundle are made meanwhile too.
        let ((pages, other), bundle) = rayon::join(
            || {
                rayon::join(
                    || render_province(&province, &theme, memo.as_ref().map(|m| &m.pages)),
                    || province_files(&province, &built, &exports),
                )
            },
            || self.finish_search(&province, &theme),
        );
        let mut files = pages?;
        files.extend(other);
        files.extend(bundle?);
        // Netlify and Cloudflare Pages read `_redirects` at the root only: the regencies' old
        // addresses are gathered there (Apache reads each regency's own `.htaccess`).
        let redirects: String = self
            .loaded
            .iter()
            .filter_map(|l| l.redirects.as_deref())
            .collect();
        if !redirects.is_empty() {
            files.push(OutputFile::text("_redirects", redirects));
        }
        sink.accept(Part::Main, files, logo_copy)?;
        let external = shares
            .iter()
            .filter(|s| matches!(s.source, RegencySource::External(_)))
            .count();
        Ok(Summary {
            news: province.news.len(),
            regencies: built.len() + external,
            lang,
            warnings,
            base_path: self.config.base_url.path().to_string(),
            base_url: self.config.base_url.as_str().to_string(),
            search: self.config.search.then(|| self.config.language.code()),
            nginx_map: None,
        })
    }
}

impl ProvinceBuild {
    /// The search bundle, when this build fills an index: the regencies' pages are in it
    /// already; the news of regencies hosted elsewhere go in as records from their
    /// `data.json`.
    fn finish_search(
        &self,
        province: &crate::province::Province,
        theme: &crate::render::theme::Theme,
    ) -> Result<Vec<OutputFile>, Diagnostics> {
        if !self.config.search {
            return Ok(Vec::new());
        }
        let external: std::collections::HashSet<&str> = province
            .regencies
            .iter()
            .filter(|r| r.external)
            .map(|r| r.slug.as_str())
            .collect();
        let labels = SearchLabels::of(theme);
        let records: Vec<SearchRecord> = province
            .news
            .iter()
            .filter(|n| external.contains(n.regency.as_str()))
            .map(|n| labels.news_record(n))
            .collect();
        let index = match &self.search {
            Some(search) => search.finish()?,
            None => None,
        };
        let Some(mut index) = index else {
            if let Ok(mut kept) = self.records.lock() {
                *kept = records;
            }
            return Ok(Vec::new());
        };
        for record in records {
            index.add_record(record);
        }
        index.finish()
    }

    /// The search records of the regencies hosted elsewhere as the last `aggregate` made
    /// them: the preview server indexes the pages it serves and adds these.
    pub fn search_records(&self) -> Vec<SearchRecord> {
        self.records.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

/// What loading one regency of `province.yaml` gave: its share of the province (shown as
/// unavailable when it failed) and its errors.
struct Loaded {
    share: RegencyShare,
    errors: Option<Diagnostics>,
    /// Problems that did not stop it (a kept copy used, links dropped, large photos).
    warnings: Diagnostics,
    /// Its old addresses as `_redirects` lines (under its folder), when it has any.
    redirects: Option<String>,
}

/// What building or fetching one regency of a province gave.
struct LoadedRegency {
    source: RegencySource,
    /// Problems that did not stop it.
    warnings: Vec<Diagnostic>,
    /// Its old addresses as `_redirects` lines, when it has any.
    redirects: Option<String>,
}

/// Builds (and hands to `sink`) or fetches one regency of the province.
#[allow(clippy::too_many_arguments)]
fn load_regency(
    root: &Path,
    entry: &RegencyEntry,
    index: usize,
    base: &BaseUrl,
    portal: &ParentPortal,
    file: &Path,
    source: &str,
    cache_dir: &Path,
    sink: &dyn Sink,
    search: Option<&SharedIndex>,
) -> Result<LoadedRegency, Diagnostics> {
    match entry {
        RegencyEntry::Export(location) => {
            // Its news go into the search index as records, with the province's pages.
            add_search_part(search, index, &[]);
            let fetched = read_export(root, location, file, source, Some(cache_dir))?;
            Ok(LoadedRegency {
                source: RegencySource::External(fetched.export),
                warnings: fetched.warnings,
                redirects: None,
            })
        }
        RegencyEntry::Folder(folder) => {
            let dir = root.join(folder);
            if !dir.join("site.yaml").is_file() {
                add_search_part(search, index, &[]);
                return Err(Diagnostic::at_key(file, source, "regencies", folder, Text::new(
                    format!("folder kabupaten/kota `{folder}` tidak ada atau tidak berisi site.yaml"),
                    format!("the regency folder `{folder}` does not exist or holds no site.yaml"),
                ))
                .with_hint(Text::new(
                    "tulis nama folder di samping province.yaml, atau `{ export: <alamat data.json> }`",
                    "name a folder beside province.yaml, or `{ export: <address of data.json> }`",
                ))
                .into());
            }
            let memo = sink.memo(Part::Regency(index));
            let BuiltRegency {
                site,
                files,
                mut copies,
                export,
            } = build_regency(&dir, Some(base), Some(portal.clone()), memo.as_deref())
                .inspect_err(|_| {
                    add_search_part(search, index, &[]);
                })?;
            copies.extend(picture_copies(&site, &dir, sink)?);
            let prefix = Path::new(site.config.slug.as_str());
            let files: Vec<OutputFile> = files
                .into_iter()
                .map(|f| OutputFile {
                    path: prefix.join(f.path),
                    bytes: f.bytes,
                })
                .collect();
            let copies: Vec<CopiedFile> = copies
                .into_iter()
                .map(|c| CopiedFile {
                    from: c.from,
                    to: prefix.join(c.to),
                })
                .collect();
            let warnings = site.warnings.clone();
            add_search_part(search, index, &files);
            sink.accept(Part::Regency(index), files, copies)
                .map_err(|e| shown_in(&dir, e))?;
            Ok(LoadedRegency {
                source: RegencySource::Built(export),
                warnings,
                redirects: netlify_redirects_of(&site),
            })
        }
    }
}

/// Part `index` of the province's search index is done with `files`.
fn add_search_part(search: Option<&SharedIndex>, index: usize, files: &[OutputFile]) {
    if let Some(search) = search {
        search.add_part(index, files);
    }
}

fn label_errors(mut d: Diagnostics, label: &str) -> Diagnostics {
    for diag in &mut d.0 {
        if diag.regency.is_none() && diag.file != Path::new("province.yaml") {
            diag.regency = Some(label.to_string());
        }
    }
    d
}

/// Two regencies with one slug, or a slug the portal uses itself.
fn check_regency_slugs(sources: &[&RegencyShare], file: &Path, source: &str) -> Vec<Diagnostic> {
    let mut seen = std::collections::HashSet::new();
    let mut errors = Vec::new();
    for s in sources {
        let (RegencySource::Built(e) | RegencySource::External(e)) = &s.source else {
            continue;
        };
        let slug = e.site.slug.as_str();
        if !seen.insert(slug) {
            errors.push(
                Diagnostic::at_key(
                    file,
                    source,
                    "regencies",
                    slug,
                    Text::new(
                        format!("dua kabupaten/kota memakai slug yang sama: `{slug}`"),
                        format!("two regencies use the same slug: `{slug}`"),
                    ),
                )
                .with_hint(Text::new(
                    "setiap kabupaten/kota perlu slug berbeda di site.yaml-nya",
                    "each regency needs its own slug in its site.yaml",
                )),
            );
        } else if PROVINCE_RESERVED.contains(&slug) {
            errors.push(
                Diagnostic::at_key(
                    file,
                    source,
                    "regencies",
                    slug,
                    Text::new(
                        format!("slug `{slug}` dipakai oleh halaman portal provinsi"),
                        format!("the slug `{slug}` is used by a page of the province portal"),
                    ),
                )
                .with_hint(Text::new(
                    format!(
                        "ganti slug kabupaten/kota ini; yang dipakai portal: {}",
                        PROVINCE_RESERVED.join(", ")
                    ),
                    format!(
                        "change this regency's slug; the portal uses: {}",
                        PROVINCE_RESERVED.join(", ")
                    ),
                )),
            );
        }
    }
    errors
}

/// The province logo's URL and the copy that publishes it.
fn province_logo(
    root: &Path,
    config: &ProvinceConfig,
    file: &Path,
    source: &str,
) -> Result<(Option<String>, Vec<CopiedFile>), Diagnostics> {
    let Some(logo) = &config.logo else {
        return Ok((None, Vec::new()));
    };
    let from = root.join(logo);
    Inside::new(root).check_file(&from)?;
    let name = Path::new(logo)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !from.is_file() || name.is_empty() {
        return Err(Diagnostic::at_key(
            file,
            source,
            "logo",
            logo,
            Text::new(
                format!("logo `{logo}` tidak ditemukan"),
                format!("logo `{logo}` was not found"),
            ),
        )
        .with_hint(Text::new(
            "tulis jalur logo relatif terhadap province.yaml",
            "give the logo's path relative to province.yaml",
        ))
        .into());
    }
    Ok((
        Some(format!("{}/{name}", config.base_url.path())),
        vec![CopiedFile {
            from,
            to: PathBuf::from(name),
        }],
    ))
}
