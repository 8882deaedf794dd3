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

/// The first bytes of a JPEG of `w` x `h` pixels: enough for cerdas to read its size.
pub fn tiny_jpeg(w: u16, h: u16) -> Vec<u8> {
    let mut b = vec![
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0xFF, 0xC0, 0x00, 0x11, 0x08,
    ];
    b.extend(h.to_be_bytes());
    b.extend(w.to_be_bytes());
    b.extend([0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xFF, 0xD9]);
    b
}
