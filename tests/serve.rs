//! `cerdas serve` for real: a temp copy of a sample site, a free port on 127.0.0.1, edits on
//! disk, and what the server answers. Every wait is bounded in time.

mod common;

use common::{copy_dir, noisy_jpeg_photo};

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Serving {
    child: Child,
    addr: String,
    /// The editor's address line `cerdas serve` printed (with this run's token).
    editor_line: String,
    dir: tempfile::TempDir,
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `cerdas serve` on a copy of content-sample/agam, on a port the system picks.
fn serve_agam() -> Serving {
    serve_agam_with(|_| {})
}

/// Like [`serve_agam`], with `setup` run on the temp folder before the server starts.
fn serve_agam_with(setup: impl FnOnce(&Path)) -> Serving {
    serve_copy("agam", setup)
}

/// Starts `cerdas serve` on a copy of the whole sample province (in a folder named `agam`,
/// so [`Serving::path`] works the same).
fn serve_province() -> Serving {
    serve_copy("", |_| {})
}

/// Copies `content-sample/<sample>` to `<tmp>/agam`, runs `setup` on `<tmp>`, then starts
/// `cerdas serve agam` on a port the system picks.
fn serve_copy(sample: &str, setup: impl FnOnce(&Path)) -> Serving {
    serve_copy_with(sample, setup, &[])
}

/// Like [`serve_copy`], with more arguments for `cerdas serve`.
fn serve_copy_with(sample: &str, setup: impl FnOnce(&Path), args: &[&str]) -> Serving {
    let dir = tempfile::tempdir().unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("content-sample")
        .join(sample);
    copy_dir(&source, &dir.path().join("agam"));
    setup(dir.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_cerdas"))
        .args(["serve", "agam", "--port", "0"])
        .args(args)
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let (mut line, mut editor_line) = (String::new(), String::new());
    stdout.read_line(&mut line).unwrap();
    // On 127.0.0.1 the editor's address follows at once.
    stdout.read_line(&mut editor_line).unwrap();
    // Keep reading what the server prints, as a terminal would.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let start = line.find("http://").expect("the address is printed") + "http://".len();
    let addr = line[start..].split('/').next().unwrap().to_string();
    Serving {
        child,
        addr,
        editor_line,
        dir,
    }
}

impl Serving {
    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join("agam").join(rel)
    }

    /// Saves `rel` with `from` replaced by `to`, as an editor would; returns the old text.
    fn edit(&self, rel: &str, from: &str, to: &str) -> String {
        let text = std::fs::read_to_string(self.path(rel)).unwrap();
        assert!(text.contains(from), "{rel} holds `{from}`");
        std::fs::write(self.path(rel), text.replace(from, to)).unwrap();
        text
    }

    /// Sends a raw request and returns (status, headers, body).
    fn request(&self, raw: &str) -> (u16, String, String) {
        let (status, head, body) = self.request_bytes(raw);
        (status, head, String::from_utf8_lossy(&body).into_owned())
    }

    /// A full `cerdas build` of the served folder into `<tmp>/full`, at the address the server
    /// uses, with `args` added; returns the output folder.
    fn full_build(&self, args: &[&str]) -> PathBuf {
        let address = format!("http://{}", self.addr);
        let built = Command::new(env!("CARGO_BIN_EXE_cerdas"))
            .args(["build", "agam", "-o", "full", "--base-url", &address])
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap();
        assert!(
            built.status.success(),
            "{}",
            String::from_utf8_lossy(&built.stderr)
        );
        self.dir.path().join("full")
    }

    /// Every file of the build in `out` fetched from the server, without what the preview adds
    /// to pages (the reload script, the editor's link): how many files, and those that differ.
    /// Waits for the search index of the last rebuild, then asserts every file of a full
    /// build of the same folder is served as built; gives how many files were compared.
    fn assert_serves_a_full_build(&self) -> usize {
        std::thread::sleep(Duration::from_millis(300));
        let out = self.full_build(&[]);
        // The search index is made in the background after the last rebuild (issue 16).
        let entry = String::from_utf8_lossy(
            &std::fs::read(out.join("pagefind/pagefind-entry.json")).unwrap(),
        )
        .into_owned();
        self.wait_for("/pagefind/pagefind-entry.json", |b| b == entry);
        let (files, differ) = self.differences_from(&out);
        assert!(
            differ.is_empty(),
            "served files differ from a full build: {differ:?}"
        );
        files
    }

    fn differences_from(&self, out: &Path) -> (usize, Vec<String>) {
        let mut files = Vec::new();
        files_under(out, out, &mut files);
        let mut differ = Vec::new();
        for rel in files.iter().filter(|f| !f.ends_with(".cerdas")) {
            let (status, mut served) = self.get(&format!("/{rel}"));
            for (start, end) in [
                ("<script>(function(){var s=new EventSource(", "</script>"),
                // The "Sunting" link: `/_cerdas/sunting?...` of a regency served alone,
                // `/_cerdas/<regency>/sunting?...` in a province.
                ("<a href=\"/_cerdas/", "</a>"),
            ] {
                if let Some(i) = served.find(start) {
                    let j = i + served[i..].find(end).unwrap() + end.len();
                    served.replace_range(i..j, "");
                }
            }
            let expected =
                String::from_utf8_lossy(&std::fs::read(out.join(rel)).unwrap()).into_owned();
            if status != 200 || served != expected {
                differ.push(rel.clone());
            }
        }
        (files.len(), differ)
    }

    /// GET `path`: its status and the body's bytes.
    fn get_bytes(&self, path: &str) -> (u16, Vec<u8>) {
        let (status, _, body) = self.request_bytes(&format!(
            "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        ));
        (status, body)
    }

    /// GET a resized picture the server may still be making: a photo in a debug build on a
    /// loaded two-core machine can take longer than one request's timeout, so ask again, for
    /// a minute at most.
    fn get_photo(&self, path: &str) -> (u16, Vec<u8>) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let (status, body) = self.get_bytes(path);
            if status == 200 || Instant::now() > deadline {
                return (status, body);
            }
        }
    }

    /// Sends a raw request and returns (status, headers, body bytes).
    fn request_bytes(&self, raw: &str) -> (u16, String, Vec<u8>) {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s.write_all(raw.as_bytes()).unwrap();
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        let split = out
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or(out.len());
        let head = String::from_utf8_lossy(&out[..split]).into_owned();
        let raw_body = out.get(split + 4..).unwrap_or_default();
        let body = if head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            dechunk(raw_body)
        } else {
            raw_body.to_vec()
        };
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        (status, head, body)
    }

    /// GET `path`: its status and body.
    fn get(&self, path: &str) -> (u16, String) {
        let (status, _, body) = self.request(&format!(
            "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        ));
        (status, body)
    }

    /// Polls `path` until its body satisfies `ok`, for at most 30 seconds (a rebuild that
    /// decodes photos in a debug build on a loaded two-core machine has taken over 10).
    fn wait_for(&self, path: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let (_, body) = self.get(path);
            if ok(&body) || Instant::now() > deadline {
                return body;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

const RAPAT: &str = "berita/rapat-evaluasi-quick-win.md";

/// Opens the live reload stream of `s`, read once its greeting arrived.
fn reload_events(s: &Serving) -> BufReader<TcpStream> {
    let mut events = TcpStream::connect(&s.addr).unwrap();
    events
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    events
        .write_all(b"GET /__cerdas/reload HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut reader = BufReader::new(events);
    let mut seen = String::new();
    while !seen.contains("terhubung") {
        assert!(
            reader.read_line(&mut seen).unwrap() > 0,
            "stream closed: {seen}"
        );
    }
    assert!(seen.contains("text/event-stream"));
    reader
}

/// Reads `events` until a reload event, for at most 30 seconds.
fn wait_for_reload(events: &mut BufReader<TcpStream>) {
    let mut event = String::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !event.contains("event: reload") && Instant::now() < deadline {
        let _ = events.read_line(&mut event);
    }
    assert!(event.contains("event: reload"), "{event}");
}

#[test]
fn an_edit_changes_the_page_and_sends_a_reload_event() {
    let s = serve_agam();
    let mut events = reload_events(&s);
    let page = s.get("/berita/rapat-evaluasi-quick-win/").1;
    assert!(
        page.contains("/__cerdas/reload"),
        "serve injects the reload script"
    );
    s.edit(
        RAPAT,
        "Rapat Evaluasi Quick Win Smart City Agam",
        "Judul Baru Rapat Evaluasi",
    );
    wait_for_reload(&mut events);
    assert!(
        s.get("/berita/rapat-evaluasi-quick-win/")
            .1
            .contains("Judul Baru Rapat Evaluasi")
    );
    assert!(
        s.get("/berita/").1.contains("Judul Baru Rapat Evaluasi"),
        "the list shows the new title"
    );
}

#[test]
fn in_a_province_the_reload_comes_with_the_regency_and_province_pages_wait_for_theirs() {
    // The "agam" folder here holds the whole province (see serve_province).
    let s = serve_province();
    let mut events = reload_events(&s);
    s.edit(
        "agam/berita/rapat-evaluasi-quick-win.md",
        "Rapat Evaluasi Quick Win Smart City Agam Bahas Data Terpadu",
        "Rapat Quick Win Diubah",
    );
    wait_for_reload(&mut events);
    // Asked at once: the regency's page is served, the province's list waits for its own
    // rebuild rather than showing the old title.
    assert!(
        s.get("/agam/berita/rapat-evaluasi-quick-win/")
            .1
            .contains("Rapat Quick Win Diubah")
    );
    let (status, list) = s.get("/berita/");
    assert_eq!(status, 200);
    assert!(
        list.contains("Rapat Quick Win Diubah"),
        "the province's news list shows the new title"
    );
    assert!(
        s.get("/data.json").1.contains("Rapat Quick Win Diubah"),
        "and so does the province's data.json"
    );
}

#[test]
fn a_broken_front_matter_shows_its_error_and_fixing_it_recovers() {
    let s = serve_agam();
    let good = s.edit(RAPAT, "date: 2022-11-21T13:30:00+07:00", "date: 2022-02-30");
    let page = s.wait_for("/", |b| b.contains("cerdas-galat"));
    assert!(
        page.contains("berita/rapat-evaluasi-quick-win.md:3:7"),
        "the error names file, line and column"
    );
    assert!(page.contains("Februari 2022 hanya 28 hari"));
    assert!(
        page.contains("Kabupaten Agam"),
        "the last good page stays underneath"
    );
    std::fs::write(s.path(RAPAT), &good).unwrap();
    let page = s.wait_for("/", |b| !b.contains("cerdas-galat"));
    assert!(
        !page.contains("cerdas-galat"),
        "fixing the file removes the error"
    );
}

#[test]
fn a_deleted_news_item_leaves_its_list_page() {
    let s = serve_agam();
    assert!(s.get("/berita/").1.contains("Rapat Evaluasi Quick Win"));
    std::fs::remove_file(s.path(RAPAT)).unwrap();
    let list = s.wait_for("/berita/", |b| !b.contains("Rapat Evaluasi Quick Win"));
    assert!(!list.contains("Rapat Evaluasi Quick Win"));
    assert_eq!(s.get("/berita/rapat-evaluasi-quick-win/").0, 404);
}

#[test]
fn no_request_path_leaves_the_site() {
    let s = serve_agam();
    for path in [
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/..%5c..%5cetc%5cpasswd",
        "/berita/..\\..\\site.yaml",
        "/%00",
        "/%zz",
        "//etc/passwd",
        "/site.yaml",
        "/berita/rapat-evaluasi-quick-win.md",
    ] {
        let (status, body) = s.get(path);
        assert!(status == 400 || status == 404, "{path} answered {status}");
        assert!(
            !body.contains("root:") && !body.contains("base_url"),
            "{path} leaked a file"
        );
    }
}

#[test]
fn types_not_found_head_and_etags() {
    let s = serve_agam();
    let (status, head, _) =
        s.request("GET /cerdas.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_eq!(status, 200);
    assert!(head.contains("text/css"));
    // The open data: CSV said to be UTF-8, JSON as JSON.
    let (status, head, body) =
        s.request("GET /program.csv HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_eq!(status, 200);
    assert!(
        head.to_lowercase()
            .contains("content-type: text/csv; charset=utf-8"),
        "{head}"
    );
    assert!(body.contains("program,slug,alamat"));
    let (status, head, _) =
        s.request("GET /program.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_eq!(status, 200);
    assert!(
        head.to_lowercase()
            .contains("content-type: application/json")
    );
    let (status, _, body) =
        s.request("GET /tidak-ada/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_eq!(status, 404);
    assert!(
        body.contains("Halaman tidak ditemukan"),
        "the site's own 404 page"
    );
    let (status, head, body) = s.request("HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_eq!(status, 200);
    assert!(body.is_empty());
    let etag = head
        .lines()
        .find(|l| l.to_lowercase().starts_with("etag:"))
        .unwrap()
        .split_once(':')
        .unwrap()
        .1
        .trim()
        .to_string();
    let (status, _, _) = s.request(&format!(
        "GET / HTTP/1.1\r\nHost: x\r\nIf-None-Match: {etag}\r\nConnection: close\r\n\r\n"
    ));
    assert_eq!(status, 304);
    let (status, head, _) =
        s.request("GET /berita/foo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_eq!(status, 404, "{head}");
    let (status, head, _) =
        s.request("GET /berita HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_eq!(status, 301);
    assert!(head.contains("Location: /berita/"));
}

fn files_under(dir: &Path, base: &Path, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().is_dir() {
            files_under(&e.path(), base, out);
        } else {
            out.push(
                e.path()
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
}

#[test]
fn a_sequence_of_edits_served_equals_a_full_build() {
    // The "agam" folder here holds the whole province (see serve_province).
    let s = serve_province();
    s.edit(
        "agam/berita/rapat-evaluasi-quick-win.md",
        "Rapat Evaluasi Quick Win Smart City Agam Bahas Data Terpadu",
        "Rapat Quick Win Diubah",
    );
    s.wait_for("/berita/", |b| b.contains("Rapat Quick Win Diubah"));
    std::fs::write(s.path("kota-solok/berita/berita-baru.md"), "---\ntitle: \"Berita Baru Kota Solok\"\ndate: 2024-01-15\nauthor: \"Humas Kota Solok\"\ndimensions: [smart-economy]\ntags: [umkm]\n---\nIsi berita baru.\n").unwrap();
    s.wait_for("/kota-solok/berita/", |b| {
        b.contains("Berita Baru Kota Solok")
    });
    std::fs::remove_file(s.path("kota-padang/berita/rapat-koordinasi-command-center.md")).unwrap();
    s.wait_for("/berita/kota-padang/", |b| {
        !b.contains("Pusat Kendali Kota</a>") && !b.contains("Rapat Koordinasi Pemanfaatan")
    });
    s.edit(
        "padang-pariaman/program/puskesmas-antrean-daring.md",
        "status: rencana",
        "status: berjalan",
    );
    s.wait_for("/padang-pariaman/program/puskesmas-antrean-daring/", |b| {
        b.contains("status-berjalan")
    });
    // A change every page of a regency shows (its name, in the header of each page).
    s.edit(
        "padang-pariaman/site.yaml",
        "Kabupaten Padang Pariaman",
        "Kabupaten Padang Pariaman Diubah",
    );
    s.wait_for("/padang-pariaman/program/puskesmas-antrean-daring/", |b| {
        b.contains("Kabupaten Padang Pariaman Diubah")
    });
    // A full build of the same folder, at the address the server uses.
    let files = s.assert_serves_a_full_build();
    assert!(
        files > 200,
        "the whole province was compared ({files} files)"
    );
}

#[test]
fn a_replaced_photo_in_a_body_changes_its_page() {
    let bundle = "agam/berita/sosialisasi-smart-city-tahap-ii";
    let s = serve_agam_with(|dir| {
        let bundle = dir.join(bundle);
        std::fs::copy(
            bundle.join("foto-peserta.jpg"),
            bundle.join("foto-dalam.jpg"),
        )
        .unwrap();
        let index = bundle.join("index.md");
        let text = std::fs::read_to_string(&index).unwrap();
        std::fs::write(&index, format!("{text}\n![Suasana aula](foto-dalam.jpg)\n")).unwrap();
    });
    let page = "/berita/sosialisasi-smart-city-tahap-ii/";
    // The resized files of the photo in the body, named after its content.
    let names = |body: &str| -> Vec<String> {
        body.match_indices("foto-dalam-")
            .map(|(i, _)| body[i..].split(['"', ' ', ',']).next().unwrap().to_string())
            .collect()
    };
    let before = names(&s.get(page).1);
    assert!(
        !before.is_empty(),
        "the body shows the photo's resized files"
    );
    // The Markdown file is not touched: only the photo beside it changes.
    let dir = s.dir.path().join(bundle);
    std::fs::copy(dir.join("foto-utama.jpg"), dir.join("foto-dalam.jpg")).unwrap();
    let after = s.wait_for(page, |b| {
        let now = names(b);
        !now.is_empty() && now.iter().all(|n| !before.contains(n))
    });
    let now = names(&after);
    assert!(
        !now.is_empty() && now.iter().all(|n| !before.contains(n)),
        "the page names the new photo's files: {before:?} -> {now:?}"
    );
    // Planned again, so they are made and served.
    let (status, _) = s.get_photo(&format!("/gambar/{}", now[0]));
    assert_eq!(status, 200, "/gambar/{}", now[0]);
}

#[test]
fn a_theme_folder_beside_the_site_is_watched_too() {
    let template = |word: &str| {
        format!(
            "{{% extends \"base.html\" %}}{{% block content %}}<p>Tema {word}</p>{{% endblock content %}}"
        )
    };
    let s = serve_agam_with(|dir| {
        std::fs::create_dir_all(dir.join("themes/balai/templates")).unwrap();
        std::fs::write(
            dir.join("themes/balai/templates/404.html"),
            template("pertama"),
        )
        .unwrap();
        let yaml = std::fs::read_to_string(dir.join("agam/site.yaml")).unwrap();
        std::fs::write(dir.join("agam/site.yaml"), format!("{yaml}theme: balai\n")).unwrap();
    });
    assert!(s.get("/tidak-ada/").1.contains("Tema pertama"));
    let theme = s.dir.path().join("themes/balai/templates");
    std::fs::write(theme.join("404.html"), template("kedua")).unwrap();
    let page = s.wait_for("/tidak-ada/", |b| b.contains("Tema kedua"));
    assert!(
        page.contains("Tema kedua"),
        "editing the theme template rebuilds"
    );
}

/// The body of a chunked HTTP response (large files are sent in chunks).
fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    while let Some(line_end) = raw.windows(2).position(|w| w == b"\r\n") {
        let size_text = String::from_utf8_lossy(&raw[..line_end]).into_owned();
        let size = usize::from_str_radix(size_text.trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = line_end + 2;
        body.extend_from_slice(&raw[start..(start + size).min(raw.len())]);
        raw = raw.get(start + size + 2..).unwrap_or_default();
    }
    body
}

/// The `/gambar/...` addresses a page shows (in `src` and `srcset`), each once.
fn picture_urls(page: &str) -> Vec<String> {
    let mut urls: Vec<String> = page
        .split(['"', ' ', ','])
        .filter(|w| w.starts_with("/gambar/"))
        .map(str::to_string)
        .collect();
    urls.sort();
    urls.dedup();
    urls
}

#[test]
fn the_preview_answers_before_its_photos_are_made_and_then_serves_the_builds_photos() {
    const PHOTOS: usize = 4;
    let s = serve_copy_with(
        "agam",
        |dir| {
            let bundle = dir.join("agam/berita/galeri-besar");
            std::fs::create_dir_all(&bundle).unwrap();
            let mut front = String::from(
                "---\ntitle: \"Galeri Besar Bimtek\"\ndate: 2024-02-01\nauthor: \"Humas Kabupaten Agam\"\ncover: besar-0.jpg\ncover_alt: \"Peserta Bimtek\"\nphotos:\n",
            );
            for n in 0..PHOTOS {
                std::fs::write(
                    bundle.join(format!("besar-{n}.jpg")),
                    noisy_jpeg_photo(1600 + n as u32, 1200),
                )
                .unwrap();
                if n > 0 {
                    front.push_str(&format!(
                        "  - src: besar-{n}.jpg\n    caption: \"Foto {n}\"\n"
                    ));
                }
            }
            std::fs::write(bundle.join("index.md"), format!("{front}---\nIsi.\n")).unwrap();
        },
        // No background threads: a photo is made only when a page asks for it, so what the
        // server made before the first page is plain to see.
        &["--photo-workers", "0"],
    );
    let made = || -> Vec<String> {
        let names: Vec<String> = match std::fs::read_dir(s.path(".cerdas-cache/gambar")) {
            Ok(dir) => dir
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect(),
            Err(_) => Vec::new(),
        };
        names
            .into_iter()
            .filter(|n| n.starts_with("besar-"))
            .collect()
    };
    let (status, home) = s.get("/");
    assert_eq!(status, 200);
    assert!(
        home.contains("Galeri Besar Bimtek"),
        "the new news item is on the home page"
    );
    assert_eq!(
        made(),
        Vec::<String>::new(),
        "the first page came before any photo was made"
    );

    let (status, page) = s.get("/berita/galeri-besar/");
    assert_eq!(status, 200);
    let urls: Vec<String> = picture_urls(&page)
        .into_iter()
        .filter(|u| u.contains("/besar-"))
        .collect();
    // Every photo in three widths, WebP and JPEG (the cover's too).
    assert!(urls.len() >= PHOTOS * 6, "{urls:?}");

    // Its own picture cache: every photo made again, by the build.
    let out = s.full_build(&["--cache-dir", "build-cache"]);
    for url in &urls {
        let (status, served) = s.get_photo(url);
        assert_eq!(status, 200, "{url}");
        let expected = std::fs::read(out.join(url.trim_start_matches('/'))).unwrap();
        assert!(served == expected, "{url} served differs from the build's");
    }
}

// Under load and abuse (issue 15): every client here talks to 127.0.0.1 only, every loop is
// bounded in count and time, and the few-second bounds are failure deadlines, not timings.

/// One GET on a fresh connection, read within `timeout`: the status and body, or what went
/// wrong (no connection, a 5xx, a body shorter than its Content-Length, no answer in time).
fn fetch(addr: &str, path: &str, timeout: Duration) -> Result<(u16, Vec<u8>), String> {
    let mut s = TcpStream::connect(addr).map_err(|e| format!("{path}: connect: {e}"))?;
    s.set_read_timeout(Some(timeout)).unwrap();
    s.set_write_timeout(Some(timeout)).unwrap();
    s.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .map_err(|e| format!("{path}: send: {e}"))?;
    let mut out = Vec::new();
    s.read_to_end(&mut out)
        .map_err(|e| format!("{path}: read after {} bytes: {e}", out.len()))?;
    let split = out
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| format!("{path}: no response head in {} bytes", out.len()))?;
    let head = String::from_utf8_lossy(&out[..split]).to_ascii_lowercase();
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = out[split + 4..].to_vec();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    if length.is_some_and(|len| len != body.len()) {
        return Err(format!(
            "{path}: body of {} bytes, said {length:?}",
            body.len()
        ));
    }
    if !(200..500).contains(&status) {
        return Err(format!("{path}: status {status}"));
    }
    Ok((status, body))
}

/// A normal visitor while the abuse runs: the home page, whole, within 5 seconds.
fn home_page_answers(addr: &str) {
    let (status, body) = fetch(addr, "/", Duration::from_secs(5)).unwrap();
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("</html>"));
}

/// Whether the server closes `stream` within `within` (reading and dropping any answer
/// it sends first, such as a 408): the answer read, or `None` when still open.
fn closed_within(stream: &mut TcpStream, within: Duration) -> Option<String> {
    let deadline = Instant::now() + within;
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return None;
        }
        stream.set_read_timeout(Some(left)).unwrap();
        match stream.read(&mut buf) {
            Ok(0) => return Some(String::from_utf8_lossy(&answer).into_owned()),
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return Some(String::from_utf8_lossy(&answer).into_owned()),
        }
    }
}

const NEWS: [&str; 4] = [
    "berita/rapat-evaluasi-quick-win.md",
    "berita/peluncuran-nagari-digital.md",
    "berita/pembinaan-smart-city-tahap-i.md",
    "berita/sosialisasi-smart-city-tahap-ii/index.md",
];

/// The page of news file `rel`.
fn news_page(rel: &str) -> String {
    let slug = rel
        .trim_start_matches("berita/")
        .trim_end_matches("/index.md")
        .trim_end_matches(".md");
    format!("/berita/{slug}/")
}

/// `text` with its title line replaced by `title`.
fn retitled(text: &str, title: &str) -> String {
    text.lines()
        .map(|l| {
            if l.starts_with("title:") {
                format!("title: \"{title}\"")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[test]
fn a_burst_of_edits_under_concurrent_readers_fails_no_request_and_ends_as_a_full_build() {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    let s = serve_agam();
    let (status, page) = s.get(&news_page(NEWS[3]));
    assert_eq!(status, 200);
    let photo = picture_urls(&page)
        .into_iter()
        .find(|u| u.ends_with(".webp"))
        .expect("the news item shows a photo");
    // Made once before the burst, so the readers never wait for it.
    assert_eq!(s.get_photo(&photo).0, 200);
    let mut urls: Vec<String> = ["/", "/berita/", "/atom.xml", "/cerdas.css"]
        .iter()
        .map(|u| u.to_string())
        .collect();
    urls.push(photo);
    urls.extend(NEWS.iter().map(|n| news_page(n)));
    let originals: Vec<String> = NEWS
        .iter()
        .map(|n| std::fs::read_to_string(s.path(n)).unwrap())
        .collect();

    let stop = AtomicBool::new(false);
    let answered = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::<String>::new());
    let mut last_title = vec![String::new(); NEWS.len()];
    std::thread::scope(|scope| {
        for reader in 0..4 {
            let (urls, stop, answered, failures, addr) =
                (&urls, &stop, &answered, &failures, &s.addr);
            scope.spawn(move || {
                let deadline = Instant::now() + Duration::from_secs(120);
                for i in 0..400 {
                    if stop.load(Ordering::SeqCst) || Instant::now() > deadline {
                        break;
                    }
                    let url = &urls[(reader + i) % urls.len()];
                    match fetch(addr, url, Duration::from_secs(30)) {
                        Ok((200, _)) => {
                            answered.fetch_add(1, Ordering::SeqCst);
                        }
                        Ok((status, _)) => {
                            failures.lock().unwrap().push(format!("{url}: {status}"))
                        }
                        Err(e) => failures.lock().unwrap().push(e),
                    }
                }
            });
        }
        // Fifty saves in a burst: even ones as an editor saves (a hidden temp file renamed
        // over), odd ones written in place.
        for i in 0..50 {
            let n = i % NEWS.len();
            let title = format!("Suntingan {i} Berita Agam");
            let text = retitled(&originals[n], &title);
            let path = s.path(NEWS[n]);
            if i % 2 == 0 {
                let temp = path.with_file_name(format!(".simpan-{i}.tmp"));
                std::fs::write(&temp, &text).unwrap();
                std::fs::rename(&temp, &path).unwrap();
            } else {
                std::fs::write(&path, &text).unwrap();
            }
            last_title[n] = title;
            std::thread::sleep(Duration::from_millis(5));
        }
        for (n, title) in last_title.iter().enumerate() {
            let page = s.wait_for(&news_page(NEWS[n]), |b| b.contains(title.as_str()));
            assert!(page.contains(title.as_str()), "{} shows {title}", NEWS[n]);
        }
        stop.store(true, Ordering::SeqCst);
    });
    let failures = failures.into_inner().unwrap();
    assert!(failures.is_empty(), "failed requests: {failures:?}");
    assert!(
        answered.load(Ordering::SeqCst) >= 4,
        "the readers were answered"
    );

    let files = s.assert_serves_a_full_build();
    assert!(files > 50, "the whole site was compared ({files} files)");
}

#[test]
fn clients_sending_headers_a_byte_a_second_are_closed_and_hold_nothing() {
    let s = serve_agam();
    let request =
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: sangat-lambat\r\nAccept: */*\r\n\r\n";
    let mut slow: Vec<Option<TcpStream>> = (0..20)
        .map(|_| Some(TcpStream::connect(&s.addr).unwrap()))
        .collect();
    let mut answers = Vec::new();
    // One byte a second on each, for at most 30 seconds (the head alone would take 80).
    for byte in request.iter().take(30) {
        let tick = Instant::now();
        for conn in slow.iter_mut() {
            if let Some(stream) = conn
                && stream.write_all(&[*byte]).is_err()
            {
                *conn = None;
            }
        }
        home_page_answers(&s.addr);
        for conn in slow.iter_mut() {
            if let Some(stream) = conn
                && let Some(answer) = closed_within(stream, Duration::from_millis(20))
            {
                answers.push(answer);
                *conn = None;
            }
        }
        if slow.iter().all(Option::is_none) {
            break;
        }
        std::thread::sleep(Duration::from_secs(1).saturating_sub(tick.elapsed()));
    }
    assert!(
        slow.iter().all(Option::is_none),
        "every slow client was closed"
    );
    assert!(
        answers.iter().any(|a| a.starts_with("HTTP/1.1 408")),
        "told why: {answers:?}"
    );
}

#[test]
fn hundreds_of_idle_connections_keep_no_visitor_out_and_are_closed() {
    let s = serve_agam();
    let mut idle: Vec<TcpStream> = (0..300)
        .map(|_| TcpStream::connect(&s.addr).unwrap())
        .collect();
    for _ in 0..3 {
        home_page_answers(&s.addr);
    }
    let deadline = Instant::now() + Duration::from_secs(40);
    for (i, stream) in idle.iter_mut().enumerate() {
        let left = deadline
            .saturating_duration_since(Instant::now())
            .max(Duration::from_millis(10));
        assert!(
            closed_within(stream, left).is_some(),
            "idle connection {i} was closed"
        );
    }
    home_page_answers(&s.addr);
}

#[test]
fn a_header_past_the_cap_is_refused() {
    let s = serve_agam();
    let (status, _, _) = s.request(&format!(
        "GET / HTTP/1.1\r\nHost: x\r\nX-Besar: {}\r\nConnection: close\r\n\r\n",
        "a".repeat(64 * 1024)
    ));
    assert_eq!(status, 431);
    let many: String = (0..200).map(|i| format!("X-{i}: a\r\n")).collect();
    let (status, _, _) = s.request(&format!(
        "GET / HTTP/1.1\r\nHost: x\r\n{many}Connection: close\r\n\r\n"
    ));
    assert_eq!(status, 431);
    home_page_answers(&s.addr);
}

#[test]
fn a_body_that_never_ends_is_cut_off_and_holds_nothing() {
    let s = serve_agam();
    let ten_mb = 10 * 1024 * 1024;
    let post = |path: &str, extra: &str| {
        let mut c = TcpStream::connect(&s.addr).unwrap();
        c.write_all(format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\n{extra}Content-Type: multipart/form-data; boundary=batas\r\nContent-Length: {ten_mb}\r\n\r\n--batas\r\n",
            s.addr
        ).as_bytes())
        .unwrap();
        c
    };
    // Outside the editor, or without its token: answered at once, the body never read.
    for (path, status) in [("/", "405"), ("/_cerdas/simpan", "403")] {
        let mut c = post(path, "");
        let answer = closed_within(&mut c, Duration::from_secs(10)).expect("closed");
        assert!(
            answer.starts_with(&format!("HTTP/1.1 {status}")),
            "{path}: {answer}"
        );
    }
    // With the token the editor reads the body, which must keep up a minimum pace.
    let token_at = s.editor_line.find("?token=").expect("the editor address") + "?token=".len();
    let token = s.editor_line[token_at..].trim();
    let (status, head, _) = s.request(&format!(
        "GET /_cerdas/?token={token} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        s.addr
    ));
    assert_eq!(status, 303);
    let cookie = head
        .lines()
        .find_map(|l| l.strip_prefix("Set-Cookie: "))
        .and_then(|c| c.split(';').next())
        .expect("a cookie")
        .to_string();
    let mut slow = post(
        "/_cerdas/simpan",
        &format!("Cookie: {cookie}\r\nOrigin: http://{}\r\n", s.addr),
    );
    let mut answer = None;
    for _ in 0..40 {
        let tick = Instant::now();
        if slow.write_all(b"x").is_err() {
            answer = Some(String::new());
            break;
        }
        home_page_answers(&s.addr);
        answer = closed_within(&mut slow, Duration::from_millis(20));
        if answer.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_secs(1).saturating_sub(tick.elapsed()));
    }
    assert!(answer.is_some(), "the slow upload was cut off");
}

#[test]
fn live_reload_streams_are_capped_and_the_open_ones_still_get_events() {
    let s = serve_agam();
    let open = |addr: &str| -> (BufReader<TcpStream>, String) {
        let mut c = TcpStream::connect(addr).unwrap();
        c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        c.write_all(b"GET /__cerdas/reload HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        let mut reader = BufReader::new(c);
        let mut seen = String::new();
        for _ in 0..20 {
            if reader.read_line(&mut seen).unwrap_or(0) == 0
                || seen.contains("terhubung")
                || seen.contains("503")
            {
                break;
            }
        }
        (reader, seen)
    };
    let mut streams = Vec::new();
    let mut refused = 0;
    for _ in 0..40 {
        let (reader, seen) = open(&s.addr);
        if seen.contains("terhubung") {
            streams.push(reader);
        } else {
            assert!(seen.starts_with("HTTP/1.1 503"), "{seen}");
            refused += 1;
        }
    }
    assert_eq!((streams.len(), refused), (32, 8));
    home_page_answers(&s.addr);
    s.edit(
        RAPAT,
        "Rapat Evaluasi Quick Win Smart City Agam",
        "Judul Baru Rapat Evaluasi",
    );
    let first = &mut streams[0];
    let mut event = String::new();
    for _ in 0..20 {
        if first.read_line(&mut event).unwrap_or(0) == 0 || event.contains("event: reload") {
            break;
        }
    }
    assert!(event.contains("event: reload"), "{event}");
}
