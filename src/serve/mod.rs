//! `cerdas serve` (takes a folder, gives a preview server, through `build`): builds the site into memory, serves it on 127.0.0.1, watches the content
//! folder and rebuilds on every save, and tells open tabs to reload by Server-Sent Events.
//! While the content has errors every page shows them over the last good build.
//!
//! Nothing is written to disk: the output lives in memory and copied files are read from
//! their sources when asked for.

pub mod conn;
pub mod editor;
pub mod gate;
pub mod http;
pub mod photos;
pub mod reload;
pub mod watch;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use crate::build::{
    BuildOptions, Part, PartMemo, ProvinceBuild, Sink, Summary, build_to, open_image_cache,
};
use crate::error::{Diagnostic, Diagnostics, Lang, Text};
use crate::output::images::plan_images;
use crate::output::search::{IndexMemo, SearchRecord, index_files};
use crate::output::strip::strip_metadata;
use crate::render::OutputFile;
use crate::site::CopiedFile;
use crate::site::images::ImageJob;
use crate::text::escape_html;
use crate::text::packed::Body;
use conn::{Request, Response};
use gate::Gate;
use http::{Entry, Resolved, Served, content_type, etag, inject};
use photos::PhotoMaker;
use reload::Clients;

/// How `cerdas serve` was asked to run.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// The regency or province folder.
    pub input: PathBuf,
    /// The address to listen on (loopback unless asked otherwise).
    pub bind: IpAddr,
    /// The first port to try; 0 lets the system choose.
    pub port: u16,
    /// The language of messages.
    pub lang: Option<Lang>,
    /// Whether the editor is on although `bind` is not a loopback address (a colleague's
    /// browser on the office network); it still needs the printed token.
    pub edit: bool,
    /// Threads making new photos in the background (`None`: one fewer than the cores, at
    /// least one; `Some(0)`: a photo is made only when a page asks for it).
    pub photo_workers: Option<usize>,
    /// Gives the memory the allocator holds free back to the system, on the calling thread
    /// (the command line knows its allocator); called after each rebuild on every thread
    /// that built, and after each search index, whose work leaves hundreds of MB free.
    pub release_memory: Option<fn()>,
}

/// The files of one part of the site, by output path.
type Files = HashMap<String, Entry>;

/// The site being served and the problems of the latest build, if any.
#[derive(Debug, Default)]
struct State {
    /// The last good build of each part (a regency's portal, the province's own pages).
    parts: HashMap<Part, Files>,
    /// All parts together, as served.
    served: Served,
    /// The latest build's errors, shown over every page until fixed.
    errors: Option<Diagnostics>,
    /// What the search index is made from, after the last good build with search on.
    search_plan: Option<SearchPlan>,
    /// The search bundle made from an earlier build, served until the next one is ready.
    search: Files,
    /// The language of the last good build (its `site.yaml`), for the preview's own links.
    lang: Lang,
}

/// What the background indexer needs besides the served pages.
#[derive(Clone, Debug)]
struct SearchPlan {
    language: &'static str,
    base_path: String,
    records: Vec<SearchRecord>,
}

impl State {
    /// Serves `new_parts` in place of what those parts served (of every part when
    /// `replace_all`). Parts never share a path: regencies live under their own slug.
    fn take_parts(&mut self, new_parts: HashMap<Part, Files>, replace_all: bool) {
        if replace_all {
            self.parts.clear();
            self.served.files.clear();
        }
        for (part, files) in new_parts {
            if let Some(old) = self.parts.get(&part) {
                for key in old.keys().filter(|k| !files.contains_key(*k)) {
                    self.served.files.remove(key);
                }
            }
            for (key, entry) in &files {
                self.served.files.insert(key.clone(), entry.clone());
            }
            self.parts.insert(part, files);
        }
        // Until the index of this build is ready, the last one stays searchable. Replacing
        // some parts only removed none of its files (they are under `/pagefind/`, which no
        // part holds), so only replacing all of them puts them back.
        if replace_all {
            for (key, entry) in &self.search {
                self.served
                    .files
                    .entry(key.clone())
                    .or_insert_with(|| entry.clone());
            }
        }
    }

    /// Serves `bundle` as the search index in place of the previous one.
    fn take_search(&mut self, bundle: Vec<OutputFile>) {
        for key in self.search.keys() {
            self.served.files.remove(key);
        }
        self.search = bundle
            .into_iter()
            .map(|f| (key_of(&f.path), Entry::Bytes(f.bytes)))
            .collect();
        for (key, entry) in &self.search {
            self.served.files.insert(key.clone(), entry.clone());
        }
    }

    /// The pages served now, part by part in the order a build indexes them (the index
    /// sorts each part's pages by path), so the preview's bundle is the build's.
    fn html_pages(&self) -> Vec<Vec<OutputFile>> {
        let mut parts: Vec<(&Part, &Files)> = self.parts.iter().collect();
        parts.sort_by_key(|(part, _)| **part);
        parts
            .into_iter()
            .map(|(_, files)| {
                files
                    .iter()
                    .filter(|(key, _)| key.ends_with(".html"))
                    .filter_map(|(key, entry)| match entry {
                        Entry::Bytes(bytes) => Some(OutputFile {
                            path: PathBuf::from(key),
                            bytes: bytes.clone(),
                        }),
                        Entry::File(_) => None,
                    })
                    .collect()
            })
            .collect()
    }
}

/// The search index of the preview, made on a thread of its own after each rebuild so that
/// a save reloads the page without waiting for it; saves that come while it runs are
/// indexed together when it ends.
#[derive(Default)]
struct Indexer {
    running: AtomicBool,
    pending: AtomicBool,
    /// The parts of the last index: a part whose pages did not change is not read again.
    memo: Mutex<IndexMemo>,
}

impl Indexer {
    /// Indexes what `state` serves now, on a background thread (or after the running one).
    fn refresh(
        self: &Arc<Self>,
        state: &Arc<RwLock<State>>,
        clients: &Clients,
        release_memory: Option<fn()>,
    ) {
        self.pending.store(true, Ordering::SeqCst);
        if self.running.swap(true, Ordering::SeqCst) {
            return;
        }
        let (me, state, clients) = (Arc::clone(self), Arc::clone(state), clients.clone());
        std::thread::spawn(move || {
            let index_and_serve = || loop {
                me.pending.store(false, Ordering::SeqCst);
                if index_served(&state, &me.memo) {
                    clients.broadcast("search");
                }
                if let Some(release) = release_memory {
                    release();
                }
                me.running.store(false, Ordering::SeqCst);
                if !me.pending.load(Ordering::SeqCst) || me.running.swap(true, Ordering::SeqCst) {
                    break;
                }
            };
            // The index's parallel work runs on one thread of low priority rather than on the
            // pool rebuilds use: a save while a large site is being indexed is not queued
            // behind it, and the indexing leaves the laptop's other core to the editor.
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .thread_name(|_| "cerdas-search-index".to_string())
                .start_handler(|_| lower_this_threads_priority())
                .build();
            match pool {
                Ok(pool) => pool.install(index_and_serve),
                Err(_) => index_and_serve(),
            }
        });
    }
}

/// Makes the calling thread give way to every other thread of normal priority (`nice` 10),
/// where the system allows it (Linux); elsewhere it stays as it is.
fn lower_this_threads_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: `gettid` takes no argument and cannot fail; `setpriority` on our own thread
    // id only changes that thread's niceness and reports failure by its return value.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid);
        libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, 10);
    }
}

/// Makes the search index of the pages `state` serves and serves it; says whether it did.
fn index_served(state: &RwLock<State>, memo: &Mutex<IndexMemo>) -> bool {
    let Some((plan, pages)) = state
        .read()
        .ok()
        .and_then(|s| Some((s.search_plan.clone()?, s.html_pages())))
    else {
        return false;
    };
    let Ok(mut memo) = memo.lock() else {
        return false;
    };
    match index_files(
        plan.language,
        &plan.base_path,
        &pages,
        plan.records,
        &mut memo,
    ) {
        Ok(bundle) => {
            if let Ok(mut s) = state.write() {
                s.take_search(bundle);
            }
            true
        }
        Err(_) => false,
    }
}

/// Collects a build in memory, part by part; resized pictures are served from the cache once
/// the photo maker has made them, in the background.
struct MemorySink<'a> {
    parts: Mutex<HashMap<Part, Files>>,
    photos: &'a PhotoMaker,
    memos: &'a Mutex<HashMap<Part, Arc<PartMemo>>>,
    /// Once set, the next regency accepted goes to this at once instead of into `parts`: a
    /// save inside one regency of a province is served as soon as that regency's files are
    /// made, before what is left of its build (the province's share of it, dropping the old
    /// model) and before the province's own pages.
    serve_regency: Mutex<Option<&'a (dyn Fn(Part, Files) + Sync)>>,
}

impl Sink for MemorySink<'_> {
    fn pictures(&self, jobs: &[ImageJob], _root: &Path) -> Result<Vec<CopiedFile>, Diagnostics> {
        let (copies, pending) = plan_images(jobs, self.photos.cache());
        self.photos.enqueue(pending);
        Ok(copies)
    }

    fn memo(&self, part: Part) -> Option<Arc<PartMemo>> {
        let mut memos = self.memos.lock().ok()?;
        Some(Arc::clone(memos.entry(part).or_default()))
    }

    fn accept(
        &self,
        part: Part,
        files: Vec<OutputFile>,
        copies: Vec<CopiedFile>,
    ) -> Result<(), Diagnostics> {
        let mut map = Files::default();
        for f in files {
            map.insert(key_of(&f.path), Entry::Bytes(f.bytes.compact()));
        }
        for c in copies {
            map.insert(key_of(&c.to), Entry::File(c.from));
        }
        let serve_now = match part {
            Part::Regency(_) => self.serve_regency.lock().ok().and_then(|mut s| s.take()),
            Part::Main => None,
        };
        match serve_now {
            Some(serve) => serve(part, map),
            None => {
                if let Ok(mut parts) = self.parts.lock() {
                    parts.entry(part).or_default().extend(map);
                }
            }
        }
        Ok(())
    }
}

fn key_of(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// A running dev server.
pub struct Server {
    /// The address it answers on.
    pub addr: SocketAddr,
    state: Arc<RwLock<State>>,
    clients: Clients,
    options: ServeOptions,
    base_url: String,
    /// A province build kept between saves, so one regency's change rebuilds only it.
    province: Mutex<Option<ProvinceBuild>>,
    /// Makes resized pictures in the site's `.cerdas-cache`, in the background; they are
    /// served from there.
    photos: Arc<PhotoMaker>,
    /// What each part was last built from and to, so a rebuild rereads only changed files and
    /// renders only bodies and pages whose inputs changed.
    memos: Mutex<HashMap<Part, Arc<PartMemo>>>,
    /// The editor under `/_cerdas/`, only on a loopback address.
    editor: Option<editor::Editor>,
    /// Makes the search index in the background.
    indexer: Arc<Indexer>,
    /// Closed while a province's own pages are made again after one regency's change was
    /// served: requests for them wait.
    province_pages: Gate,
}

impl Server {
    /// Binds the port (trying the next ones when taken) and builds the site once.
    pub fn start(
        options: ServeOptions,
        on_port_taken: impl Fn(u16),
    ) -> Result<(Server, TcpListener), Diagnostics> {
        let listener = bind(options.bind, options.port, on_port_taken)?;
        let addr = listener
            .local_addr()
            .map_err(|e| Diagnostic::io(Path::new("127.0.0.1"), &e))?;
        let host = match addr.ip() {
            IpAddr::V6(ip) => format!("[{ip}]"),
            IpAddr::V4(ip) => ip.to_string(),
        };
        let images = open_image_cache(&BuildOptions {
            input: options.input.clone(),
            ..BuildOptions::default()
        })?;
        let state: Arc<RwLock<State>> = Arc::default();
        let clients = Clients::default();
        let photos = PhotoMaker::start(
            Arc::new(images),
            options.input.clone(),
            options.photo_workers.unwrap_or_else(default_photo_workers),
            show_photo_error(Arc::clone(&state), clients.clone()),
        );
        let editor = if addr.ip().is_loopback() || options.edit {
            Some(editor::Editor::new(options.input.clone(), addr)?)
        } else {
            None
        };
        let server = Server {
            editor,
            addr,
            state,
            clients,
            base_url: format!("http://{host}:{}", addr.port()),
            options,
            province: Mutex::new(None),
            photos,
            memos: Mutex::default(),
            indexer: Arc::default(),
            province_pages: Gate::default(),
        };
        server.rebuild(&[], false);
        server.release_memory();
        Ok((server, listener))
    }

    /// The address to open in a browser.
    pub fn url(&self) -> String {
        let base_path = self
            .state
            .read()
            .map(|s| s.served.base_path.clone())
            .unwrap_or_default();
        format!("{}{base_path}/", self.base_url)
    }

    /// The editor's address with this run's token, when the editor is on.
    pub fn editor_url(&self) -> Option<String> {
        self.editor.as_ref().map(|e| e.address(&self.base_url))
    }

    /// The current errors, rendered for the terminal.
    pub fn errors_text(&self, lang: Lang) -> Option<String> {
        self.state
            .read()
            .ok()?
            .errors
            .as_ref()
            .map(|d| d.render(lang))
    }

    /// Builds the site into memory after a change to `changed` (all of it when empty or when
    /// the change is not inside one regency of a province) and tells open tabs to reload (only
    /// their stylesheets when `css_only`). On success the new files replace what is served; on
    /// failure the last good build stays and the errors are shown over it. Returns the time
    /// from the change to the reload event.
    ///
    /// A change inside one regency of a province is served, and the tabs told, as soon as that
    /// regency is built: the province's own pages (lists, feeds, `data.json` of every news
    /// item) are made after, and a request for one of them waits until they are.
    pub fn rebuild(&self, changed: &[PathBuf], css_only: bool) -> Duration {
        let started = Instant::now();
        let opts = BuildOptions {
            input: self.options.input.clone(),
            base_url: Some(self.base_url.clone()),
            ..BuildOptions::default()
        };
        let told = Mutex::new(None);
        let serve_regency = |part: Part, files: Files| {
            self.serve_regency_first(part, files);
            self.notify(css_only);
            if let Ok(mut told) = told.lock() {
                *told = Some(started.elapsed());
            }
        };
        let province = opts.input.join("province.yaml").is_file();
        let sink = MemorySink {
            parts: Mutex::default(),
            photos: &self.photos,
            memos: &self.memos,
            serve_regency: Mutex::new(None),
        };
        let (result, replace_all) = if province {
            self.rebuild_province(&opts, changed, &sink, &serve_regency)
        } else {
            (build_to(&opts, &sink), true)
        };
        let new_parts = sink.parts.into_inner().unwrap_or_default();
        let failed = result.is_err();
        self.take_build(result, new_parts, replace_all);
        self.province_pages.open();
        let told = told.into_inner().ok().flatten();
        if told.is_none() || failed {
            self.notify(css_only);
        }
        told.unwrap_or_else(|| started.elapsed())
    }

    /// Serves `files`, one regency of a province built again, and holds requests for the
    /// province's own pages until the rest of the build is served.
    fn serve_regency_first(&self, part: Part, files: Files) {
        self.province_pages.close();
        if let Ok(mut state) = self.state.write() {
            state.take_parts(HashMap::from([(part, files)]), false);
            state.errors = None;
        }
    }

    /// Serves a finished build's `new_parts`, or its errors over the last good build, and
    /// starts the search index of it.
    fn take_build(
        &self,
        result: Result<Summary, Diagnostics>,
        new_parts: HashMap<Part, Files>,
        replace_all: bool,
    ) {
        let mut index = false;
        if let Ok(mut state) = self.state.write() {
            match result {
                Ok(summary) => {
                    state.take_parts(new_parts, replace_all);
                    state.search_plan = summary.search.map(|language| SearchPlan {
                        language,
                        base_path: summary.base_path.clone(),
                        records: self.search_records(),
                    });
                    if state.search_plan.is_none() {
                        state.take_search(Vec::new());
                    }
                    index = state.search_plan.is_some();
                    state.served.base_path = summary.base_path;
                    state.lang = summary.lang;
                    state.errors = None;
                }
                Err(errors) => state.errors = Some(errors),
            }
        }
        if index {
            self.indexer
                .refresh(&self.state, &self.clients, self.options.release_memory);
        }
    }

    /// A province: only the changed regency and the aggregate pages when the change is inside
    /// one regency's folder and a build is kept (handing that regency's files to
    /// `serve_regency` as soon as they are made, when it builds without errors); everything
    /// otherwise. Says whether the result replaces every part.
    fn rebuild_province<'a>(
        &self,
        opts: &BuildOptions,
        changed: &[PathBuf],
        sink: &MemorySink<'a>,
        serve_regency: &'a (dyn Fn(Part, Files) + Sync),
    ) -> (Result<Summary, Diagnostics>, bool) {
        let Ok(mut kept) = self.province.lock() else {
            return (build_to(opts, sink), true);
        };
        let root = std::fs::canonicalize(&opts.input).unwrap_or_else(|_| opts.input.clone());
        let regency = kept.as_ref().and_then(|pb| {
            let mut indexes = changed.iter().map(|p| {
                let rel = p.strip_prefix(&root).unwrap_or(p);
                pb.regency_of(&opts.input.join(rel))
            });
            let first = indexes.next()??;
            indexes.all(|i| i == Some(first)).then_some(first)
        });
        if let (Some(index), Some(pb)) = (regency, kept.as_mut()) {
            if let Ok(mut first) = sink.serve_regency.lock() {
                *first = Some(serve_regency);
            }
            pb.reload(index, sink);
            if let Ok(mut first) = sink.serve_regency.lock() {
                *first = None;
            }
            return (pb.aggregate(sink), false);
        }
        match ProvinceBuild::load(opts, sink) {
            Ok(pb) => {
                let result = pb.aggregate(sink);
                *kept = Some(pb);
                (result, true)
            }
            Err(e) => {
                *kept = None;
                (Err(e), true)
            }
        }
    }

    /// The search records of a province's regencies hosted elsewhere.
    fn search_records(&self) -> Vec<SearchRecord> {
        self.province
            .lock()
            .ok()
            .and_then(|p| p.as_ref().map(|pb| pb.search_records()))
            .unwrap_or_default()
    }

    /// Deflates the pages the last rebuild rendered, in the memos and as served (they share
    /// the bytes): called once the reload is sent, so deflating does not delay it.
    pub fn pack_pages(&self) {
        let memos: Vec<Arc<PartMemo>> = match self.memos.lock() {
            Ok(memos) => memos.values().cloned().collect(),
            Err(_) => return,
        };
        let swaps: Vec<(Arc<Vec<u8>>, Body)> = memos.iter().flat_map(|m| m.pages.pack()).collect();
        if swaps.is_empty() {
            return;
        }
        let by_bytes: HashMap<*const Vec<u8>, &Body> = swaps
            .iter()
            .map(|(plain, packed)| (Arc::as_ptr(plain), packed))
            .collect();
        let Ok(mut state) = self.state.write() else {
            return;
        };
        let State { parts, served, .. } = &mut *state;
        for files in parts.values_mut().chain(std::iter::once(&mut served.files)) {
            for entry in files.values_mut() {
                if let Entry::Bytes(Body::Plain(plain)) = entry
                    && let Some(packed) = by_bytes.get(&Arc::as_ptr(plain))
                {
                    *entry = Entry::Bytes((*packed).clone());
                }
            }
        }
    }

    /// Gives back to the system what the last rebuild left free, on every thread that built.
    pub fn release_memory(&self) {
        if let Some(release) = self.options.release_memory {
            rayon::broadcast(|_| release());
            release();
        }
    }

    /// Tells every open tab what changed: only stylesheets, or everything.
    fn notify(&self, css_only: bool) {
        let has_errors = self
            .state
            .read()
            .map(|s| s.errors.is_some())
            .unwrap_or(false);
        self.clients.broadcast(if css_only && !has_errors {
            "css"
        } else {
            "reload"
        });
    }

    /// Answers requests on `listener` until the process ends, each connection on its own
    /// thread with the bounds of [`conn`].
    pub fn serve(self: &Arc<Self>, listener: TcpListener) {
        let me = Arc::clone(self);
        conn::serve(listener, Arc::new(move |request| me.answer(request)));
        let me = Arc::clone(self);
        std::thread::spawn(move || me.clients.heartbeat_forever(Duration::from_secs(10)));
    }

    fn answer(&self, request: Request<'_>) {
        if editor::is_editor_url(request.url()) {
            let base_path = self
                .state
                .read()
                .map(|s| s.served.base_path.clone())
                .unwrap_or_default();
            match &self.editor {
                Some(editor) => editor.answer(request, &base_path),
                None => request.respond(Response::empty(404)),
            }
            return;
        }
        if request.url().split('?').next() == Some(http::RELOAD_PATH) {
            self.clients.subscribe(request);
            return;
        }
        if !matches!(request.method(), "GET" | "HEAD") {
            request.respond(Response::empty(405));
            return;
        }
        if let Some(photo) = self.photo_to_make(request.url()) {
            self.photos.ensure(&photo);
        }
        self.wait_for_province_pages(request.url());
        let Ok(state) = self.state.read() else {
            request.respond(Response::empty(500));
            return;
        };
        let overlay = state
            .errors
            .as_ref()
            .map(|d| error_overlay(d, self.options.lang.unwrap_or_default()));
        let (status, key) = match state.served.resolve(request.url()) {
            Resolved::File(key) => (200, Some(key)),
            Resolved::Redirect(to) => {
                drop(state);
                request.respond(Response::empty(301).with_header("Location", &to));
                return;
            }
            Resolved::NotFound => (
                404,
                Some("404.html".to_string()).filter(|k| state.served.files.contains_key(k)),
            ),
            Resolved::Bad => (400, None),
        };
        let body = key.as_ref().and_then(|k| {
            let bytes = match state.served.files.get(k)? {
                Entry::Bytes(b) => b.plain().into_owned(),
                Entry::File(path) => {
                    let read = std::fs::read(path).ok()?;
                    strip_metadata(&read).ok()?.into_owned()
                }
            };
            Some(if k.ends_with(".html") {
                let edit = self
                    .editor
                    .as_ref()
                    .and_then(|e| e.edit_link(k, &state.served.base_path, state.lang));
                let extra = format!(
                    "{}{}",
                    overlay.as_deref().unwrap_or(""),
                    edit.as_deref().unwrap_or("")
                );
                inject(&bytes, Some(&extra))
            } else {
                bytes
            })
        });
        // A file that cannot be read (a photo that could not be made) is not found.
        let status = if body.is_none() && status == 200 {
            404
        } else {
            status
        };
        let body = match (body, overlay) {
            (Some(b), _) => b,
            (None, Some(o)) if status == 404 => {
                inject(b"<!doctype html><html><body></body></html>", Some(&o))
            }
            (None, _) => Vec::new(),
        };
        drop(state);
        respond(request, status, key.as_deref().unwrap_or("x.html"), body);
    }
}

impl Server {
    /// Waits (at most 10 s) while the province's own pages are being made again, unless `url`
    /// is a file of a regency, served already.
    fn wait_for_province_pages(&self, url: &str) {
        if !self.province_pages.is_closed() {
            return;
        }
        let of_a_regency = self.state.read().is_ok_and(|state| {
            let Resolved::File(key) = state.served.resolve(url) else {
                return false;
            };
            state
                .parts
                .iter()
                .any(|(part, files)| *part != Part::Main && files.contains_key(&key))
        });
        if !of_a_regency {
            self.province_pages.wait(Duration::from_secs(10));
        }
    }

    /// The cache file `url` is served from when it is a resized picture not made yet.
    fn photo_to_make(&self, url: &str) -> Option<PathBuf> {
        let state = self.state.read().ok()?;
        let Resolved::File(key) = state.served.resolve(url) else {
            return None;
        };
        match state.served.files.get(&key)? {
            Entry::File(path) if !path.is_file() && self.photos.is_pending(path) => {
                Some(path.clone())
            }
            _ => None,
        }
    }
}

/// `--edit` with `--bind 0.0.0.0`: the editor answers only requests that name the address it
/// listens on (no DNS rebinding), so it needs the one colleagues type.
fn edit_needs_an_address(bind: IpAddr) -> Diagnostics {
    Diagnostic::file(
        "--bind",
        Text::new(
            format!("--edit memerlukan alamat komputer ini di jaringan, bukan {bind}"),
            format!("--edit needs this computer's address on the network, not {bind}"),
        ),
    )
    .with_hint(Text::new(
        "tulis alamat yang diketik rekan Anda, misalnya --bind 192.168.1.20 --edit (lihat alamatnya dengan ipconfig atau ip addr)",
        "give the address your colleagues type, e.g. --bind 192.168.1.20 --edit (see it with ipconfig or ip addr)",
    ))
    .into()
}

/// Background photo threads: one fewer than the cores (the other answers and rebuilds), at
/// least one.
fn default_photo_workers() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get().saturating_sub(1))
        .unwrap_or(1)
        .max(1)
}

/// Shows a photo the background could not make over the preview, as a build error would be,
/// and reloads the open tabs.
fn show_photo_error(state: Arc<RwLock<State>>, clients: Clients) -> photos::OnFailure {
    Arc::new(move |error: Diagnostic| {
        if let Ok(mut state) = state.write() {
            match &mut state.errors {
                Some(errors) => errors.0.push(error),
                None => state.errors = Some(Diagnostics(vec![error])),
            }
        }
        clients.broadcast("reload");
    })
}

fn respond(request: Request<'_>, status: u16, key: &str, body: Vec<u8>) {
    let tag = etag(&body);
    let not_modified = status == 200 && request.headers("If-None-Match").any(|v| v == tag);
    let headers = [
        ("Content-Type", content_type(key)),
        ("ETag", tag.as_str()),
        ("Cache-Control", "no-cache"),
    ];
    let mut response = if not_modified {
        Response::empty(304)
    } else {
        Response::new(status, body)
    };
    for (name, value) in headers {
        response.add_header(name, value);
    }
    request.respond(response);
}

/// The errors as a readable panel over the page: file, line, column, what and how to fix.
pub fn error_overlay(errors: &Diagnostics, lang: Lang) -> String {
    let title = match lang {
        Lang::Id => format!(
            "{} galat di konten; halaman di bawah ini adalah versi terakhir yang berhasil dibuat",
            errors.0.len()
        ),
        Lang::En => format!(
            "{} error(s) in the content; the page below is the last good build",
            errors.0.len()
        ),
    };
    let items: String = errors
        .0
        .iter()
        .map(|d| format!("<pre>{}</pre>", escape_html(&d.render(lang))))
        .collect();
    format!(
        "<div id=\"cerdas-galat\" role=\"alert\" style=\"position:fixed;inset:0;z-index:99999;overflow:auto;background:rgba(20,24,28,.94);color:#fff;padding:1.5rem;font:15px/1.5 system-ui,sans-serif\">\
<h2 style=\"margin:0 0 1rem;color:#ffd24d\">{}</h2>{items}</div>\
<style>#cerdas-galat pre{{white-space:pre-wrap;background:#000;color:#f6f6f6;padding:1rem;border-left:4px solid #e5484d;border-radius:6px;font:14px/1.45 ui-monospace,monospace}}</style>",
        escape_html(&title)
    )
}

fn bind(ip: IpAddr, port: u16, on_port_taken: impl Fn(u16)) -> Result<TcpListener, Diagnostics> {
    let tries = if port == 0 { 1 } else { 20 };
    let mut last_err = None;
    for p in (0..tries).map(|i| port.saturating_add(i)) {
        match TcpListener::bind((ip, p)) {
            Ok(l) => return Ok(l),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
                on_port_taken(p);
                last_err = Some(e);
            }
            Err(e) => {
                last_err = Some(e);
                break;
            }
        }
    }
    let err = last_err.map(|e| e.to_string()).unwrap_or_default();
    Err(Diagnostic::file(
        "serve",
        Text::new(
            format!("tidak dapat membuka port {port} di {ip}: {err}"),
            format!("cannot open port {port} on {ip}: {err}"),
        ),
    )
    .with_hint(Text::new(
        "pilih port lain dengan --port",
        "choose another port with --port",
    ))
    .into())
}

/// What `run` reports as it goes, for the command line to print.
#[derive(Debug)]
pub enum ServeEvent {
    /// A port was taken; the next one is tried.
    PortTaken(u16),
    /// Serving on a non-loopback address: other machines can see the preview.
    NotLoopback(IpAddr),
    /// The first build is done and the server answers at `url`.
    Listening {
        /// The address to open.
        url: String,
        /// The editor's address with this run's token (loopback only).
        editor: Option<String>,
        /// How long the first build took.
        elapsed: Duration,
        /// The build's errors, rendered, if it had any.
        errors: Option<String>,
    },
    /// A change was rebuilt.
    Rebuilt {
        /// The changed files.
        paths: Vec<PathBuf>,
        /// How long the rebuild took.
        elapsed: Duration,
        /// The build's errors, rendered, if it had any.
        errors: Option<String>,
    },
}

/// Serves `options.input` until the process is stopped, reporting through `report`.
pub fn run(options: ServeOptions, mut report: impl FnMut(ServeEvent)) -> Result<(), Diagnostics> {
    let lang = options.lang.unwrap_or_default();
    if options.edit && options.bind.is_unspecified() {
        return Err(edit_needs_an_address(options.bind));
    }
    if !options.bind.is_loopback() {
        report(ServeEvent::NotLoopback(options.bind));
    }
    let started = Instant::now();
    let ports_taken = Mutex::new(Vec::new());
    let (server, listener) = Server::start(options.clone(), |p| {
        if let Ok(mut v) = ports_taken.lock() {
            v.push(p);
        }
    })?;
    for p in ports_taken.into_inner().unwrap_or_default() {
        report(ServeEvent::PortTaken(p));
    }
    let server = Arc::new(server);
    // Theme folders beside the content folder (`theme: x` found in `../themes/x`) are
    // watched too, so editing a template reloads the page.
    let mut dirs = vec![options.input.clone()];
    let themes = options.input.join("..").join("themes");
    if themes.is_dir() {
        dirs.push(themes);
    }
    let (_watcher, changes) = watch::watch(&dirs)?;
    server.serve(listener);
    report(ServeEvent::Listening {
        url: server.url(),
        editor: server.editor_url(),
        elapsed: started.elapsed(),
        errors: server.errors_text(lang),
    });
    for mut change in changes {
        change.paths.sort();
        change.paths.dedup();
        let elapsed = server.rebuild(&change.paths, change.css_only);
        server.pack_pages();
        server.release_memory();
        report(ServeEvent::Rebuilt {
            paths: change.paths,
            elapsed,
            errors: server.errors_text(lang),
        });
    }
    Ok(())
}
