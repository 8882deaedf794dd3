//! A tiny real site in a temp folder, built by the real binary.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A site folder under construction, in its own temp dir (`<tmp>/site`, output `<tmp>/public`).
pub struct TestSite {
    pub dir: tempfile::TempDir,
}

pub const SITE_YAML: &str = "name: \"Kabupaten Uji\"\nkind: kabupaten\nslug: uji\nprovince: \"Sumatera Barat\"\nbase_url: \"https://uji.example.go.id\"\nlanguage: id\ndescription: \"Situs uji.\"\npaginate: 2\n";

pub const PROGRAM: &str = "---\ntitle: \"Satu Data Uji\"\ndimension: smart-governance\nopd: \"Diskominfo\"\nstatus: berjalan\nquick_win: true\nyears: { start: 2020 }\nsummary: \"Data terpadu.\"\n---\nIsi program.\n";

/// A valid news item dated `date` with `extra` lines added to its front matter.
pub fn news(title: &str, date: &str, extra: &str) -> String {
    format!(
        "---\ntitle: \"{title}\"\ndate: {date}\nauthor: \"Humas Uji\"\ndimensions: [smart-governance]\n{extra}---\nParagraf pertama {title}.\n\nParagraf kedua.\n"
    )
}

impl TestSite {
    /// A valid minimal site: site.yaml, one program, one news item, an about page.
    pub fn new() -> TestSite {
        let site = TestSite {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        site.file("site.yaml", SITE_YAML)
            .file("program/satu-data.md", PROGRAM)
            .file(
                "berita/pertama.md",
                &news("Berita Pertama", "2022-08-15", "programs: [satu-data]\n"),
            )
            .file(
                "halaman/tentang.md",
                "---\ntitle: Tentang\nmenu: 1\n---\nTentang situs uji.\n",
            )
    }

    /// Writes (or overwrites) a file of the site.
    pub fn file(self, rel: &str, text: &str) -> TestSite {
        self.bytes(rel, text.as_bytes())
    }

    /// Writes (or overwrites) a binary file of the site.
    pub fn bytes(self, rel: &str, bytes: &[u8]) -> TestSite {
        let path = self.root().join(rel);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, bytes).expect("write");
        self
    }

    /// The site folder.
    pub fn root(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    /// The default output folder.
    pub fn out(&self) -> PathBuf {
        self.dir.path().join("public")
    }

    /// Runs `cerdas build site -o public`.
    pub fn build(&self) -> Output {
        self.run(&[
            "build",
            &self.root().to_string_lossy(),
            "-o",
            &self.out().to_string_lossy(),
        ])
    }

    /// Runs `cerdas --lang en build site -o public`.
    pub fn build_en(&self) -> Output {
        self.run(&[
            "--lang",
            "en",
            "build",
            &self.root().to_string_lossy(),
            "-o",
            &self.out().to_string_lossy(),
        ])
    }

    /// Runs cerdas with `args` in the temp dir.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_cerdas"))
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .expect("run cerdas")
    }

    /// A file of the output, as text.
    pub fn read(&self, rel: &str) -> String {
        read(&self.out().join(rel))
    }
}

pub fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts the build failed, wrote nothing, and that stderr names `file:line`.
pub fn assert_fails_at(site: &TestSite, out: &Output, location: &str) -> String {
    let err = stderr(out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "expected exit 1, stderr:\n{err}"
    );
    assert!(
        err.contains(&format!("--> {location}")),
        "expected `{location}` in:\n{err}"
    );
    assert!(!site.out().exists(), "a failed build must write nothing");
    err
}

/// A real JPEG photo of `w` x `h` pixels: the left half red, the right half blue, with a
/// gradient so it compresses like a picture rather than a flat colour.
pub fn jpeg_photo(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let shade = (y * 60 / h.max(1)) as u8;
        if x < w / 2 {
            image::Rgb([220, 30 + shade, 30])
        } else {
            image::Rgb([30, 30 + shade, 220])
        }
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
        .expect("encode jpeg");
    out
}

/// A JPEG as hard to compress as a crowded phone photo: every pixel a different, noisy colour
/// (a fixed pseudo-random sequence, so every run makes the same file).
pub fn noisy_jpeg_photo(w: u32, h: u32) -> Vec<u8> {
    let mut state: u32 = 0x9E37_79B9;
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let [a, b, c, _] = state.to_le_bytes();
        let shade = ((x + y) % 256) as u8;
        image::Rgb([a / 2 + shade / 2, b / 2 + 40, c / 2 + (255 - shade) / 2])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 92)
        .encode(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
        .expect("encode jpeg");
    out
}

/// A real PNG of `w` x `h` pixels whose left half is transparent.
pub fn png_with_alpha(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_fn(w, h, |x, _| {
        if x < w / 2 {
            image::Rgba([0, 0, 0, 0])
        } else {
            image::Rgba([20, 140, 60, 255])
        }
    });
    let mut out = Vec::new();
    image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut out),
        img.as_raw(),
        w,
        h,
        image::ExtendedColorType::Rgba8,
    )
    .expect("encode png");
    out
}

/// `jpeg` with an EXIF block as a phone writes it: an orientation tag and a GPS position
/// (latitude reference `S`, 0° 55' 12" — Padang — and the maker's name `CerdasPhone`).
pub fn with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut tiff: Vec<u8> = b"II*\0".to_vec();
    tiff.extend(8u32.to_le_bytes()); // IFD0 at offset 8
    let entry = |tag: u16, kind: u16, count: u32, value: [u8; 4]| {
        let mut e = tag.to_le_bytes().to_vec();
        e.extend(kind.to_le_bytes());
        e.extend(count.to_le_bytes());
        e.extend(value);
        e
    };
    // IFD0: 3 entries (2 + 36 + 4 = 42 bytes), then the maker text, then the GPS IFD.
    let make_at = 8 + 42u32;
    let gps_at = make_at + 12;
    tiff.extend(3u16.to_le_bytes());
    tiff.extend(entry(0x010F, 2, 12, make_at.to_le_bytes()));
    let [o0, o1] = orientation.to_le_bytes();
    tiff.extend(entry(0x0112, 3, 1, [o0, o1, 0, 0]));
    tiff.extend(entry(0x8825, 4, 1, gps_at.to_le_bytes()));
    tiff.extend(0u32.to_le_bytes());
    tiff.extend(b"CerdasPhone\0");
    // GPS IFD: latitude reference and latitude (three rationals after the directory).
    let lat_at = gps_at + 2 + 24 + 4;
    tiff.extend(2u16.to_le_bytes());
    tiff.extend(entry(0x0001, 2, 2, *b"S\0\0\0"));
    tiff.extend(entry(0x0002, 5, 3, lat_at.to_le_bytes()));
    tiff.extend(0u32.to_le_bytes());
    for (num, den) in [(0u32, 1u32), (55, 1), (12, 1)] {
        tiff.extend(num.to_le_bytes());
        tiff.extend(den.to_le_bytes());
    }
    let mut segment = b"Exif\0\0".to_vec();
    segment.extend(tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(((segment.len() + 2) as u16).to_be_bytes());
    out.extend(segment);
    out.extend(&jpeg[2..]);
    out
}

/// Runs the cerdas binary with `args` in the folder `cwd`.
pub fn cerdas_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cerdas"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run cerdas")
}

/// What a command printed on stdout.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Asserts the command succeeded (showing both outputs when not) and returns its stdout.
pub fn assert_ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        stdout(out),
        stderr(out)
    );
    stdout(out)
}

/// Every file under `dir` with its bytes, sorted: to prove a command changed nothing.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push((path.clone(), fs::read(&path).expect("read")));
            }
        }
    }
    files.sort();
    files
}

/// Copies a folder; the copies are dated an hour back, like files that sat on a disk before the
/// server started (the server trusts an unchanged size and date only of files that settled).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
            let file = std::fs::File::options().write(true).open(&target).unwrap();
            file.set_modified(hour_ago).unwrap();
        }
    }
}
