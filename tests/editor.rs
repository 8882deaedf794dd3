//! The editor under `/_cerdas/` of a real `cerdas serve`: a temp copy of the sample regency, a
//! port the system picks on 127.0.0.1, raw HTTP requests. Every wait is bounded in time.

mod common;

use common::{assert_ok, cerdas_in, copy_dir, snapshot};

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Editor {
    child: Child,
    /// `127.0.0.1:PORT`.
    addr: String,
    /// The token printed in the editor address.
    token: String,
    /// `name=value` of the token cookie, once logged in.
    cookie: String,
    dir: tempfile::TempDir,
    /// The folder served, in `dir`.
    folder: String,
}

impl Drop for Editor {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `cerdas serve` on a copy of content-sample/agam and logs in with the printed token.
fn start() -> Editor {
    let dir = tempfile::tempdir().unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("content-sample/agam");
    copy_dir(&source, &dir.path().join("agam"));
    serve(dir, "agam")
}

/// Starts `cerdas serve` on `folder` of `dir` and logs in with the printed token.
fn serve(dir: tempfile::TempDir, folder: &str) -> Editor {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cerdas"))
        .args(["serve", folder, "--port", "0"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let (mut first, mut second) = (String::new(), String::new());
    stdout.read_line(&mut first).unwrap();
    stdout.read_line(&mut second).unwrap();
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let start = first.find("http://").expect("the address is printed") + "http://".len();
    let addr = first[start..].split('/').next().unwrap().to_string();
    let at = second
        .find("/_cerdas/?token=")
        .expect("the editor address is printed");
    let token = second[at + "/_cerdas/?token=".len()..].trim().to_string();
    assert!(second.contains(&format!("http://{addr}/_cerdas/?token=")));
    let mut e = Editor {
        child,
        addr,
        token,
        cookie: String::new(),
        dir,
        folder: folder.to_string(),
    };
    let (status, head, _) = e.raw(&format!(
        "GET /_cerdas/?token={} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        e.token, e.addr
    ));
    assert_eq!(status, 303);
    let line = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .expect("a cookie is set");
    assert!(line.contains("HttpOnly") && line.contains("SameSite=Strict"));
    e.cookie = line["set-cookie:".len()..]
        .trim()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    e
}

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

/// A small real JPEG of `w` x `h` pixels.
fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x * 3) as u8, (y * 5) as u8, 90]));
    let mut out = Vec::new();
    img.write_to(
        &mut std::io::Cursor::new(&mut out),
        image::ImageFormat::Jpeg,
    )
    .unwrap();
    out
}

/// A form part: a text field, or a file with its name.
enum Part<'a> {
    Text(&'a str, &'a str),
    File(&'a str, &'a str, &'a [u8]),
}

fn multipart(parts: &[Part]) -> (String, Vec<u8>) {
    let boundary = "----cerdasUjiBatas7";
    let mut body = Vec::new();
    for p in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match p {
            Part::Text(name, value) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                );
                body.extend_from_slice(value.as_bytes());
            }
            Part::File(name, filename, data) => {
                body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: image/jpeg\r\n\r\n").as_bytes());
                body.extend_from_slice(data);
            }
        }
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn field(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("{name} in {html}"))
        + marker.len();
    html[at..].split('"').next().unwrap().to_string()
}

impl Editor {
    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(&self.folder).join(rel)
    }

    fn raw_bytes(&self, head: &str, body: &[u8]) -> (u16, String, String) {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        s.write_all(head.as_bytes()).unwrap();
        let _ = s.write_all(body);
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        let split = out
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or(out.len());
        let head = String::from_utf8_lossy(&out[..split]).into_owned();
        let raw = out.get(split + 4..).unwrap_or_default();
        let body = if head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            dechunk(raw)
        } else {
            raw.to_vec()
        };
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        (status, head, String::from_utf8_lossy(&body).into_owned())
    }

    fn raw(&self, head: &str) -> (u16, String, String) {
        self.raw_bytes(head, b"")
    }

    /// GET with the cookie and the right Host.
    fn get(&self, path: &str) -> (u16, String) {
        let (status, _, body) = self.raw(&format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\nConnection: close\r\n\r\n",
            self.addr, self.cookie
        ));
        (status, body)
    }

    /// POST a form with the cookie, the right Host and `origin`.
    fn post_from(&self, path: &str, origin: Option<&str>, parts: &[Part]) -> (u16, String, String) {
        let (ctype, body) = multipart(parts);
        let origin = origin
            .map(|o| format!("Origin: {o}\r\n"))
            .unwrap_or_default();
        self.raw_bytes(
            &format!(
                "POST {path} HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\n{origin}Content-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                self.addr,
                self.cookie,
                body.len()
            ),
            &body,
        )
    }

    fn post(&self, path: &str, parts: &[Part]) -> (u16, String, String) {
        let origin = format!("http://{}", self.addr);
        self.post_from(path, Some(&origin), parts)
    }

    /// A CSRF value from a freshly opened form.
    fn csrf(&self) -> String {
        field(&self.get("/_cerdas/berita/baru").1, "csrf")
    }

    /// Polls `path` of the preview until `ok`, for at most 10 seconds.
    fn wait_for(&self, path: &str, ok: impl Fn(u16, &str) -> bool) -> (u16, String) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let (status, _, body) = self.raw(&format!(
                "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
                self.addr
            ));
            if ok(status, &body) || Instant::now() > deadline {
                return (status, body);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn berita_listing(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.path("berita"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

#[test]
fn requests_without_the_token_a_foreign_host_or_origin_or_csrf_are_refused() {
    let e = start();
    // No cookie, and a wrong token.
    let (status, _, _) = e.raw(&format!(
        "GET /_cerdas/ HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        e.addr
    ));
    assert_eq!(status, 403);
    let (status, _, _) = e.raw(&format!(
        "GET /_cerdas/?token=0000 HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        e.addr
    ));
    assert_eq!(status, 403);
    // With the cookie: the list. A foreign Host (DNS rebinding) is refused even with it.
    let (status, list) = e.get("/_cerdas/");
    assert_eq!(status, 200);
    assert!(list.contains("Tulis berita baru") && list.contains("Rapat Evaluasi"));
    let port = e.addr.rsplit(':').next().unwrap();
    let (status, _, _) = e.raw(&format!(
        "GET /_cerdas/ HTTP/1.1\r\nHost: evil.example:{port}\r\nCookie: {}\r\nConnection: close\r\n\r\n",
        e.cookie
    ));
    assert_eq!(status, 403);
    // localhost is this server too.
    let (status, _, _) = e.raw(&format!(
        "GET /_cerdas/ HTTP/1.1\r\nHost: localhost:{port}\r\nCookie: {}\r\nConnection: close\r\n\r\n",
        e.cookie
    ));
    assert_eq!(status, 200);
    let csrf = e.csrf();
    let parts = [
        Part::Text("csrf", &csrf),
        Part::Text("kind", "berita"),
        Part::Text("title", "Tanpa Izin"),
        Part::Text("date", "2024-08-15T09:00"),
        Part::Text("author", "Humas"),
    ];
    // A POST without a CSRF value, with a foreign Origin, and with no Origin.
    let (status, _, _) = e.post("/_cerdas/simpan", &parts[1..]);
    assert_eq!(status, 403);
    let (status, _, _) = e.post_from("/_cerdas/simpan", Some("http://evil.example"), &parts);
    assert_eq!(status, 403);
    let (status, _, _) = e.post_from("/_cerdas/simpan", None, &parts);
    assert_eq!(status, 403);
    assert!(!e.path("berita/tanpa-izin").exists());
    // The preview itself stays open; the editor's own files are served with the cookie.
    assert_eq!(e.get("/_cerdas/editor.css").0, 200);
}

#[test]
fn paths_leaving_the_site_bad_uploads_and_oversized_ones_write_nothing() {
    let e = start();
    let before = e.berita_listing();
    let site_yaml = std::fs::read(e.path("site.yaml")).unwrap();
    let csrf = e.csrf();
    for bad in [
        "../site.yaml",
        "/etc/passwd",
        "berita/../site.yaml",
        "static/logo.svg",
    ] {
        let (status, _, _) = e.post(
            "/_cerdas/simpan",
            &[
                Part::Text("csrf", &csrf),
                Part::Text("kind", "berita"),
                Part::Text("path", bad),
                Part::Text("title", "X"),
            ],
        );
        assert_eq!(status, 400, "{bad}");
        let (status, _) = e.get(&format!("/_cerdas/sunting?path={bad}"));
        assert_eq!(status, 400, "{bad}");
    }
    let photo = jpeg(64, 48);
    let news = |file_part: Part<'_>| {
        e.post(
            "/_cerdas/simpan",
            &[
                Part::Text("csrf", &csrf),
                Part::Text("kind", "berita"),
                Part::Text("title", "Unggahan Ditolak"),
                Part::Text("date", "2024-08-15T09:00"),
                Part::Text("author", "Humas"),
                Part::Text("cover_alt", "Foto"),
                Part::Text("body", "Isi."),
                file_part,
            ],
        )
    };
    // A folder in the file name.
    let (status, _, body) = news(Part::File("sampul", "../../rahasia.jpg", &photo));
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("galat-sampul"));
    let (status, _, _) = news(Part::File("sampul", "/etc/foto.jpg", &photo));
    assert_eq!(status, 422);
    // A text file named .jpg.
    let (status, _, body) = news(Part::File(
        "sampul",
        "foto.jpg",
        b"ini hanya teks, bukan foto\n",
    ));
    assert_eq!(status, 422);
    assert!(body.contains("bukan foto JPEG, PNG atau WebP"), "{body}");
    // A 30 MB upload.
    let mut big = jpeg(16, 16);
    big.resize(30 * 1024 * 1024, 0);
    let (status, _, _) = news(Part::File("sampul", "besar.jpg", &big));
    assert_eq!(status, 413);
    assert_eq!(e.berita_listing(), before, "nothing was written");
    assert_eq!(std::fs::read(e.path("site.yaml")).unwrap(), site_yaml);
    assert!(!e.dir.path().join("rahasia.jpg").exists());
}

#[test]
fn a_news_item_is_created_edited_line_wise_and_saved_unchanged_byte_for_byte() {
    let e = start();
    let new_form = e.get("/_cerdas/berita/baru").1;
    let csrf = field(&new_form, "csrf");
    assert!(
        new_form.contains("value=\"Humas Kabupaten Agam\""),
        "author default"
    );
    assert!(new_form.contains("<datalist id=\"label-situs\">"));
    let (cover, second) = (jpeg(640, 480), jpeg(480, 640));
    // A cover without alt text: the message at the field, nothing written.
    let base = |alt: &'static str| {
        vec![
            Part::Text("csrf", &csrf),
            Part::Text("kind", "berita"),
            Part::Text("title", "Bimtek Satu Data: Tahap III"),
            Part::Text("date", "2024-08-15T09:30"),
            Part::Text("location", "Aula Kantor Bupati Agam"),
            Part::Text("event_kind", "bimtek"),
            Part::Text("event_stage", "Tahap III"),
            Part::Text("dimensions", "smart-governance"),
            Part::Text("dimensions", "smart-society"),
            Part::Text("programs", "satu-data-agam"),
            Part::Text("tags", "Smart City, Bimtek"),
            Part::Text("author", "Humas Kabupaten Agam"),
            Part::Text("editor", "Redaksi"),
            Part::Text("cover_alt", alt),
            Part::Text("keterangan_baru_1", "Peserta praktik mengisi data"),
            Part::Text("body", "Paragraf pembuka.\r\n\r\nParagraf kedua.\r\n"),
        ]
    };
    let mut parts = base("");
    parts.push(Part::File("sampul", "IMG 0001.JPG", &cover));
    parts.push(Part::File("foto_baru_1", "IMG_0002.jpeg", &second));
    let (status, _, body) = e.post("/_cerdas/simpan", &parts);
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("id=\"galat-cover_alt\""), "{body}");
    assert!(body.contains("cover_alt"));
    let slug = "bimtek-satu-data-tahap-iii";
    assert!(
        !e.path(&format!("berita/{slug}")).exists(),
        "nothing written"
    );
    // With alt text: saved.
    let mut parts = base("Peserta bimtek duduk di aula");
    parts.push(Part::File("sampul", "IMG 0001.JPG", &cover));
    parts.push(Part::File("foto_baru_1", "IMG_0002.jpeg", &second));
    let (status, head, body) = e.post("/_cerdas/simpan", &parts);
    assert_eq!(status, 303, "{body}");
    assert!(head.contains(&format!("berita/{slug}/index.md")));
    let file = e.path(&format!("berita/{slug}/index.md"));
    let text = std::fs::read_to_string(&file).unwrap();
    for line in [
        "title: \"Bimtek Satu Data: Tahap III\"\n",
        "date: 2024-08-15T09:30:00+07:00\n",
        "author: \"Humas Kabupaten Agam\"\n",
        "editor: \"Redaksi\"\n",
        "location: \"Aula Kantor Bupati Agam\"\n",
        "event: { kind: bimtek, stage: \"Tahap III\" }\n",
        "dimensions: [smart-governance, smart-society]\n",
        "programs: [\"satu-data-agam\"]\n",
        "tags: [\"Smart City\", \"Bimtek\"]\n",
        "cover: \"img-0001.jpg\"\n",
        "cover_alt: \"Peserta bimtek duduk di aula\"\n",
        "photos:\n  - src: \"img-0002.jpg\"\n    caption: \"Peserta praktik mengisi data\"\n",
    ] {
        assert!(text.contains(line), "{line} in\n{text}");
    }
    assert!(
        text.ends_with("---\nParagraf pembuka.\n\nParagraf kedua.\n"),
        "{text}"
    );
    assert_eq!(
        std::fs::read(e.path(&format!("berita/{slug}/img-0001.jpg"))).unwrap(),
        cover
    );
    assert_eq!(
        std::fs::read(e.path(&format!("berita/{slug}/img-0002.jpg"))).unwrap(),
        second
    );
    // The preview serves the new page with its photos.
    let (status, page) = e.wait_for(&format!("/berita/{slug}/"), |s, b| {
        s == 200 && b.contains("Bimtek Satu Data: Tahap III")
    });
    assert_eq!(status, 200);
    assert!(page.contains("Peserta bimtek duduk di aula"));
    assert!(page.contains("Peserta praktik mengisi data"));
    // Edit the title: only that line changes.
    let rel = format!("berita/{slug}/index.md");
    let form = e.get(&format!("/_cerdas/sunting?path={rel}")).1;
    let (csrf, hash) = (field(&form, "csrf"), field(&form, "hash"));
    let unchanged_parts = |title: &'static str, csrf: &str, hash: &str| -> Vec<(String, String)> {
        vec![
            ("csrf".into(), csrf.into()),
            ("kind".into(), "berita".into()),
            ("path".into(), rel.clone()),
            ("hash".into(), hash.into()),
            ("title".into(), title.into()),
            ("date".into(), "2024-08-15T09:30".into()),
            ("location".into(), "Aula Kantor Bupati Agam".into()),
            ("event_kind".into(), "bimtek".into()),
            ("event_stage".into(), "Tahap III".into()),
            ("dimensions".into(), "smart-governance".into()),
            ("dimensions".into(), "smart-society".into()),
            ("programs".into(), "satu-data-agam".into()),
            ("tags".into(), "Smart City, Bimtek".into()),
            ("author".into(), "Humas Kabupaten Agam".into()),
            ("editor".into(), "Redaksi".into()),
            ("cover_alt".into(), "Peserta bimtek duduk di aula".into()),
            (
                "foto_lama_keterangan_0".into(),
                "Peserta praktik mengisi data".into(),
            ),
            (
                "body".into(),
                "Paragraf pembuka.\r\n\r\nParagraf kedua.\r\n".into(),
            ),
        ]
    };
    let owned = unchanged_parts("Judul Baru Bimtek", &csrf, &hash);
    let parts: Vec<Part> = owned.iter().map(|(k, v)| Part::Text(k, v)).collect();
    let (status, _, body) = e.post("/_cerdas/simpan", &parts);
    assert_eq!(status, 303, "{body}");
    let edited = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        edited,
        text.replace(
            "title: \"Bimtek Satu Data: Tahap III\"",
            "title: \"Judul Baru Bimtek\""
        )
    );
    e.wait_for(&format!("/berita/{slug}/"), |_, b| {
        b.contains("Judul Baru Bimtek")
    });
    // Saving with the old hash now says the file changed, and writes nothing.
    let stale = unchanged_parts("Judul Ketiga", &csrf, &hash);
    let parts: Vec<Part> = stale.iter().map(|(k, v)| Part::Text(k, v)).collect();
    let (status, _, body) = e.post("/_cerdas/simpan", &parts);
    assert_eq!(status, 422);
    assert!(body.contains("berubah di disk"), "{body}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), edited);
}

#[test]
fn opening_and_saving_a_file_unchanged_keeps_it_byte_identical() {
    let e = start();
    let rel = "berita/sosialisasi-smart-city-tahap-ii/index.md";
    let before = std::fs::read(e.path(rel)).unwrap();
    let form = e.get(&format!("/_cerdas/sunting?path={rel}")).1;
    // Send back exactly what the form holds, as a browser would.
    let owned = form_values(&form);
    let parts: Vec<Part> = owned.iter().map(|(k, v)| Part::Text(k, v)).collect();
    let (status, _, page) = e.post("/_cerdas/simpan", &parts);
    assert_eq!(status, 303, "{page}");
    assert_eq!(std::fs::read(e.path(rel)).unwrap(), before);
}

fn html_unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[test]
fn the_build_refuses_static_files_under_the_editor_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("content-sample/agam");
    copy_dir(&source, &dir.path().join("agam"));
    std::fs::create_dir_all(dir.path().join("agam/static/_cerdas")).unwrap();
    std::fs::write(dir.path().join("agam/static/_cerdas/index.html"), "x").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cerdas"))
        .args(["check", "agam"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stderr.contains("/_cerdas/") || stdout.contains("/_cerdas/"),
        "{stderr}{stdout}"
    );
}

#[test]
fn preview_pages_link_to_the_editor_for_their_own_file() {
    let e = start();
    // A news bundle, a plain news file and a plain page each link to their own source.
    for (page, source) in [
        (
            "/berita/sosialisasi-smart-city-tahap-ii/",
            "berita%2Fsosialisasi-smart-city-tahap-ii%2Findex.md",
        ),
        (
            "/berita/rapat-evaluasi-quick-win/",
            "berita%2Frapat-evaluasi-quick-win.md",
        ),
        ("/tentang/", "halaman%2Ftentang.md"),
    ] {
        let (status, html) = e.get(page);
        assert_eq!(status, 200, "{page}");
        let link = format!("href=\"/_cerdas/sunting?path={source}\"");
        assert!(html.contains(&link), "{page} has no link {link}");
        assert!(html.contains(">Sunting</a>"), "{page}");
        // The link opens that file's form.
        let (status, form) = e.get(&format!("/_cerdas/sunting?path={source}"));
        assert_eq!(status, 200, "{source}");
        assert!(form.contains("name=\"csrf\""), "{source}: {form}");
    }
    // Lists are not documents: no link.
    let (_, list) = e.get("/berita/");
    assert!(
        !list.contains("/_cerdas/sunting"),
        "the news list links nowhere"
    );
}

/// What a browser sends for `form` as it is shown: every text input, the checked boxes, the
/// selected option of each list, and the body with the line ends a browser sends.
fn form_values(form: &str) -> Vec<(String, String)> {
    let attr = |tag: &str, name: &str| -> Option<String> {
        let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(html_unescape(tag[at..].split('"').next()?))
    };
    let mut values = Vec::new();
    for tag in form
        .split("<input")
        .skip(1)
        .map(|t| t.split('>').next().unwrap_or(""))
    {
        let (Some(name), kind) = (attr(tag, "name"), attr(tag, "type")) else {
            continue;
        };
        match kind.as_deref() {
            Some("file") => {}
            Some("checkbox") if !tag.contains(" checked") => {}
            _ => values.push((name, attr(tag, "value").unwrap_or_default())),
        }
    }
    for select in form.split("<select").skip(1) {
        let name = attr(select.split('>').next().unwrap_or(""), "name").unwrap();
        let chosen = select
            .split("</select>")
            .next()
            .unwrap_or("")
            .split("<option")
            .find(|o| o.split('>').next().unwrap_or("").contains(" selected"))
            .and_then(|o| attr(o, "value"))
            .unwrap_or_default();
        values.push((name, chosen));
    }
    let body_start = form.find("name=\"body\"").unwrap();
    let after = &form[body_start..];
    let open = after.find(">\n").unwrap() + 2;
    let close = after.find("</textarea>").unwrap();
    values.push((
        "body".into(),
        html_unescape(&after[open..close]).replace('\n', "\r\n"),
    ));
    values
}

/// `values` with `changes` applied (a name set to a new value).
fn with(mut values: Vec<(String, String)>, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    for (name, value) in changes {
        match values.iter_mut().find(|(n, _)| n == name) {
            Some(v) => v.1 = value.to_string(),
            None => values.push((name.to_string(), value.to_string())),
        }
    }
    values
}

#[test]
fn a_program_form_edits_status_budget_and_indicators_and_refuses_a_budget_in_words() {
    let e = start();
    let rel = "program/satu-data-agam.md";
    let before = std::fs::read_to_string(e.path(rel)).unwrap();
    let form = e.get(&format!("/_cerdas/sunting?path={rel}")).1;
    for (name, value) in [
        ("opd", "Dinas Komunikasi, Informatika dan Statistik"),
        ("year_start", "2022"),
        ("year_end", "2024"),
        ("budget", "350000000"),
        ("indikator_nama_0", "OPD yang menyetor data sektoral"),
        ("indikator_target_0", "40 OPD"),
        ("indikator_capaian_1", "145"),
        ("indikator_nama_2", ""),
    ] {
        assert_eq!(html_unescape(&field(&form, name)), value, "{name}");
    }
    let shown = form_values(&form);
    assert!(shown.contains(&("status".into(), "berjalan".into())));
    assert!(shown.contains(&("dimension".into(), "smart-governance".into())));
    assert!(shown.contains(&("quick_win".into(), "1".into())));

    // Sent back as shown: the file stays byte for byte.
    let parts: Vec<Part> = shown.iter().map(|(k, v)| Part::Text(k, v)).collect();
    assert_eq!(e.post("/_cerdas/simpan", &parts).0, 303);
    assert_eq!(std::fs::read_to_string(e.path(rel)).unwrap(), before);

    // A budget in words: shown at its field, nothing written.
    let sent = with(shown.clone(), &[("budget", "350 juta")]);
    let parts: Vec<Part> = sent.iter().map(|(k, v)| Part::Text(k, v)).collect();
    let (status, _, page) = e.post("/_cerdas/simpan", &parts);
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("id=\"budget\" name=\"budget\" value=\"350 juta\" inputmode=\"numeric\" aria-describedby=\"galat-budget\" aria-invalid=\"true\""), "{page}");
    assert_eq!(std::fs::read_to_string(e.path(rel)).unwrap(), before);

    // Done, a new budget, the first indicator removed, one achieved, a new one added.
    let sent = with(
        shown,
        &[
            ("status", "selesai"),
            ("budget", "Rp 400.000.000"),
            ("indikator_nama_0", ""),
            ("indikator_capaian_1", "300"),
            ("indikator_nama_2", "Layanan \"terhubung\""),
            ("indikator_target_2", "12 layanan"),
        ],
    );
    let parts: Vec<Part> = sent.iter().map(|(k, v)| Part::Text(k, v)).collect();
    let (status, _, page) = e.post("/_cerdas/simpan", &parts);
    assert_eq!(status, 303, "{page}");
    let after = std::fs::read_to_string(e.path(rel)).unwrap();
    let expected = before
        .replace("status: berjalan", "status: selesai")
        .replace("budget: 350000000", "budget: 400000000")
        .replace(
            "  - { name: \"OPD yang menyetor data sektoral\", target: \"40 OPD\", achieved: \"26 OPD\" }\n  - { name: \"Set data terbuka di portal data\", target: 300, achieved: 145 }\n",
            "  - { name: \"Set data terbuka di portal data\", target: 300, achieved: 300 }\n  - { name: \"Layanan \\\"terhubung\\\"\", target: \"12 layanan\" }\n",
        );
    assert_eq!(after, expected);
    // The preview shows it.
    let (_, page) = e.wait_for("/program/satu-data-agam/", |s, b| {
        s == 200 && b.contains("status-selesai") && b.contains("Layanan &quot;terhubung&quot;")
    });
    assert!(page.contains("Rp400.000.000"), "{page}");
}

/// Starts `cerdas serve` on a copy of the sample province (issue 17) in which Kota Solok is
/// hosted elsewhere: its folder stays beside the others but `province.yaml` lists its build's
/// `data.json` (`export:`), so it is not edited here.
fn start_province() -> Editor {
    let dir = tempfile::tempdir().unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("content-sample");
    let prov = dir.path().join("sumbar");
    copy_dir(&source, &prov);
    assert_ok(&cerdas_in(
        &prov,
        &["build", "kota-solok", "-o", "solok-luar"],
    ));
    let yaml = std::fs::read_to_string(prov.join("province.yaml")).unwrap();
    assert!(yaml.contains("  - kota-solok\n"));
    let yaml = yaml.replace("  - kota-solok\n", "  - export: solok-luar/data.json\n");
    std::fs::write(prov.join("province.yaml"), yaml).unwrap();
    serve(dir, "sumbar")
}

/// Every file of the served folder but the picture cache the preview fills as it goes.
fn sources(e: &Editor) -> Vec<(PathBuf, Vec<u8>)> {
    snapshot(&e.path(""))
        .into_iter()
        .filter(|(p, _)| !p.components().any(|c| c.as_os_str() == ".cerdas-cache"))
        .collect()
}

/// The `href` of the editor's "Sunting" link on a preview page, if any.
fn sunting_link(page: &str) -> Option<String> {
    let end = page.find(">Sunting</a>")?;
    let start = page[..end].rfind("href=\"")? + "href=\"".len();
    Some(page[start..].split('"').next()?.to_string())
}

#[test]
fn issue_17_in_a_province_the_editor_first_asks_which_regency() {
    let e = start_province();
    // Without the cookie nothing, not even the chooser or a regency's editor.
    for path in ["/_cerdas/", "/_cerdas/agam/"] {
        let (status, _, _) = e.raw(&format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            e.addr
        ));
        assert_eq!(status, 403, "{path}");
    }
    let (status, chooser) = e.get("/_cerdas/");
    assert_eq!(status, 200, "{chooser}");
    assert!(chooser.contains("Pilih kabupaten/kota"), "{chooser}");
    for (slug, name) in [
        ("agam", "Kabupaten Agam"),
        ("padang-pariaman", "Kabupaten Padang Pariaman"),
        ("kota-padang", "Kota Padang"),
        ("solok-selatan", "Kabupaten Solok Selatan"),
    ] {
        let link = format!("<a href=\"/_cerdas/{slug}/\">{name}</a>");
        assert!(chooser.contains(&link), "{link} in {chooser}");
    }
    // Kota Solok is hosted elsewhere (export:): not offered, and its folder is not edited.
    assert!(!chooser.contains("Kota Solok"), "{chooser}");
    assert_eq!(e.get("/_cerdas/kota-solok/").0, 404);
    assert_eq!(e.get("/_cerdas/tidak-ada/").0, 404);
    // Without its slash a regency's editor is its address with one.
    let (status, head, _) = e.raw(&format!(
        "GET /_cerdas/agam HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\nConnection: close\r\n\r\n",
        e.addr, e.cookie
    ));
    assert_eq!(status, 303);
    assert!(head.contains("Location: /_cerdas/agam/"), "{head}");
    // A regency's list: its own content, links that stay in it, and the way back.
    let (status, list) = e.get("/_cerdas/agam/");
    assert_eq!(status, 200, "{list}");
    assert!(list.contains("<h1>Kabupaten Agam</h1>"), "{list}");
    assert!(list.contains("Rapat Evaluasi"), "{list}");
    assert!(
        list.contains("href=\"/_cerdas/agam/berita/baru\""),
        "{list}"
    );
    assert!(
        list.contains("href=\"/_cerdas/agam/sunting?path=halaman/tentang.md\""),
        "{list}"
    );
    assert!(list.contains("<a href=\"/_cerdas/\">Pilih kabupaten/kota lain</a>"));
    assert!(
        list.contains("<a href=\"/agam/\">Lihat situs</a>"),
        "{list}"
    );
    assert!(!list.contains("\"/_cerdas/berita/baru\""));
    assert!(!list.contains("\"/_cerdas/sunting"));
    // Its forms post to it; the body preview too.
    let (_, form) = e.get("/_cerdas/agam/berita/baru");
    assert!(form.contains("action=\"/_cerdas/agam/simpan\""), "{form}");
    assert!(
        form.contains("data-url=\"/_cerdas/agam/pratinjau\""),
        "{form}"
    );
    let (_, pratinjau, html) = e.post(
        "/_cerdas/agam/pratinjau",
        &[
            Part::Text("csrf", &field(&form, "csrf")),
            Part::Text("body", "Teks **tebal**."),
        ],
    );
    assert!(pratinjau.starts_with("HTTP/1.1 200"), "{pratinjau}");
    assert!(html.contains("<strong>tebal</strong>"), "{html}");
    // The preview's "Sunting" on a regency's page opens that regency's form.
    let (status, page) = e.get("/agam/berita/sosialisasi-smart-city-tahap-ii/");
    assert_eq!(status, 200);
    let link = sunting_link(&page).expect("a Sunting link");
    assert_eq!(
        link,
        "/_cerdas/agam/sunting?path=berita%2Fsosialisasi-smart-city-tahap-ii%2Findex.md"
    );
    let (status, form) = e.get(&link);
    assert_eq!(status, 200, "{form}");
    assert!(form.contains("action=\"/_cerdas/agam/simpan\""), "{form}");
    assert!(form.contains("Sosialisasi"), "{form}");
    let (_, page) = e.get("/kota-padang/tentang/");
    assert_eq!(
        sunting_link(&page).as_deref(),
        Some("/_cerdas/kota-padang/sunting?path=halaman%2Ftentang.md")
    );
    // The province's own pages and the regency hosted elsewhere have no source here.
    let (_, news) = e.get("/berita/");
    assert!(sunting_link(&news).is_none());
    let (_, home) = e.get("/");
    assert!(sunting_link(&home).is_none());
}

#[test]
fn issue_17_a_province_in_english_asks_in_english_and_each_regency_keeps_its_language() {
    let dir = tempfile::tempdir().unwrap();
    let prov = dir.path().join("sumbar");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("content-sample"),
        &prov,
    );
    let yaml = std::fs::read_to_string(prov.join("province.yaml")).unwrap();
    assert!(yaml.contains("language: id\n"));
    std::fs::write(
        prov.join("province.yaml"),
        yaml.replace("language: id\n", "language: en\n"),
    )
    .unwrap();
    let e = serve(dir, "sumbar");
    let (status, chooser) = e.get("/_cerdas/");
    assert_eq!(status, 200, "{chooser}");
    assert!(chooser.contains("<html lang=\"en\">"), "{chooser}");
    assert!(chooser.contains("Choose a regency"), "{chooser}");
    assert!(!chooser.contains("Pilih kabupaten/kota"), "{chooser}");
    assert!(
        chooser.contains("<a href=\"/_cerdas/kota-solok/\">Kota Solok</a>"),
        "{chooser}"
    );
    // A place that is not a regency answers in the province's language too.
    let (status, missing) = e.get("/_cerdas/tidak-ada/");
    assert_eq!(status, 404);
    assert!(missing.contains("<html lang=\"en\">"), "{missing}");
    // Agam's own site is in Indonesian: its editor stays so.
    let (status, list) = e.get("/_cerdas/agam/");
    assert_eq!(status, 200, "{list}");
    assert!(list.contains("<html lang=\"id\">"), "{list}");
    assert!(list.contains("Tulis berita baru"), "{list}");
    assert!(list.contains("<a href=\"/_cerdas/\">Pilih kabupaten/kota lain</a>"));
}

#[test]
fn issue_17_a_news_item_saved_in_one_regency_of_a_province_stays_in_its_folder() {
    let e = start_province();
    let before = sources(&e);
    let form = e.get("/_cerdas/padang-pariaman/berita/baru").1;
    assert!(
        form.contains("value=\"Humas Kabupaten Padang Pariaman\""),
        "the author is this regency's: {form}"
    );
    let csrf = field(&form, "csrf");
    let photo = jpeg(320, 240);
    let (status, head, body) = e.post(
        "/_cerdas/padang-pariaman/simpan",
        &[
            Part::Text("csrf", &csrf),
            Part::Text("kind", "berita"),
            Part::Text("path", ""),
            Part::Text("title", "Rapat Koordinasi Satu Data Pariaman"),
            Part::Text("date", "2024-08-15T09:30"),
            Part::Text("author", "Humas Kabupaten Padang Pariaman"),
            Part::Text("cover_alt", "Peserta rapat di ruang pertemuan"),
            Part::Text("body", "Rapat membahas satu data.\r\n"),
            Part::File("sampul", "rapat.jpg", &photo),
        ],
    );
    assert_eq!(status, 303, "{body}");
    let slug = "rapat-koordinasi-satu-data-pariaman";
    assert!(
        head.contains(&format!(
            "Location: /_cerdas/padang-pariaman/sunting?path=berita/{slug}/index.md&tersimpan=1"
        )),
        "{head}"
    );
    // Written in that regency's folder only: its index.md and its cover, nothing else.
    let file = e.path(&format!("padang-pariaman/berita/{slug}/index.md"));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("title: \"Rapat Koordinasi Satu Data Pariaman\""));
    let after = sources(&e);
    let added: Vec<_> = after
        .iter()
        .filter(|f| !before.contains(f))
        .map(|(p, _)| p.strip_prefix(e.path("")).unwrap().to_path_buf())
        .collect();
    assert_eq!(
        added,
        vec![
            PathBuf::from(format!("padang-pariaman/berita/{slug}/index.md")),
            PathBuf::from(format!("padang-pariaman/berita/{slug}/rapat.jpg")),
        ]
    );
    assert_eq!(after.len(), before.len() + 2, "nothing changed or removed");
    // The form it leads to is that regency's, and the preview serves the item under it.
    let (status, edit) = e.get(&format!(
        "/_cerdas/padang-pariaman/sunting?path=berita/{slug}/index.md&tersimpan=1"
    ));
    assert_eq!(status, 200);
    assert!(edit.contains("Tersimpan."));
    assert!(
        edit.contains(&format!("href=\"/padang-pariaman/berita/{slug}/\"")),
        "{edit}"
    );
    let (status, page) = e.wait_for(&format!("/padang-pariaman/berita/{slug}/"), |s, b| {
        s == 200 && b.contains("Rapat Koordinasi Satu Data Pariaman")
    });
    assert_eq!(status, 200, "{page}");
    let (_, page) = e.get(&format!("/padang-pariaman/berita/{slug}/"));
    assert_eq!(
        sunting_link(&page),
        Some(format!(
            "/_cerdas/padang-pariaman/sunting?path=berita%2F{slug}%2Findex.md"
        ))
    );
}

#[test]
fn issue_17_paths_leaving_a_regency_of_a_province_are_refused_and_write_nothing() {
    let e = start_province();
    let before = sources(&e);
    let other = "agam/berita/sosialisasi-smart-city-tahap-ii/index.md";
    let absolute = e.path(other).to_string_lossy().into_owned();
    let csrf = field(&e.get("/_cerdas/padang-pariaman/berita/baru").1, "csrf");
    for bad in [
        format!("../{other}"),
        "../agam/berita/x/index.md".to_string(),
        absolute,
        "../province.yaml".to_string(),
        "berita/../../agam/halaman/tentang.md".to_string(),
    ] {
        let (status, _, _) = e.post(
            "/_cerdas/padang-pariaman/simpan",
            &[
                Part::Text("csrf", &csrf),
                Part::Text("kind", "berita"),
                Part::Text("path", &bad),
                Part::Text("title", "Ditimpa"),
                Part::Text("date", "2024-08-15T09:30"),
                Part::Text("author", "Humas"),
                Part::Text("body", "Ditimpa."),
            ],
        );
        assert_eq!(status, 400, "{bad}");
        let (status, _) = e.get(&format!("/_cerdas/padang-pariaman/sunting?path={bad}"));
        assert_eq!(status, 400, "{bad}");
    }
    // The province folder itself has no editor of its own documents.
    let (status, _, _) = e.post(
        "/_cerdas/simpan",
        &[
            Part::Text("csrf", &csrf),
            Part::Text("kind", "berita"),
            Part::Text("title", "Di Provinsi"),
            Part::Text("date", "2024-08-15T09:30"),
            Part::Text("author", "Humas"),
        ],
    );
    assert_eq!(status, 404);
    assert_eq!(sources(&e), before, "nothing was written");
}
