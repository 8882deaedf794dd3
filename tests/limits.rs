//! Issue 15, item 4 ("never panics"): inputs at the edges of what a regency folder holds. A
//! very large news body, thousands of news in one folder, deep folders, names with spaces
//! and letters outside ASCII, and files cerdas may not read: each builds, or stops with an
//! error naming the file and writes nothing.

mod common;

use std::fs;
use std::path::Path;

use common::*;

/// A news body of about `bytes` bytes: paragraphs with emphasis, links and lists, a heading
/// every few paragraphs (many with the same text).
fn long_body(bytes: usize) -> String {
    let paragraph = "Kegiatan bimbingan teknis *Smart City* tahap II diikuti oleh perwakilan \
        seluruh OPD, camat dan wali nagari. Materi meliputi [Satu Data](../../program/satu-data.md), \
        tata kelola layanan publik digital dan keamanan informasi. Peserta menyusun **rencana aksi** \
        untuk tahun anggaran berikutnya.\n\n- butir pertama\n- butir kedua dengan `kode`\n\n";
    let mut body = String::with_capacity(bytes + 4096);
    let mut n = 0;
    while body.len() < bytes {
        if n % 8 == 0 {
            body.push_str("## Hasil Kegiatan\n\n");
        }
        body.push_str(paragraph);
        n += 1;
    }
    body
}

/// The minimal test site with `search: false`. The search index (pagefind) of thousands of
/// pages, or of one 50 MB page, takes minutes in a debug build and is not what these tests
/// are about: they hold the reading, rendering and writing of the pages.
fn without_search() -> TestSite {
    TestSite::new().file("site.yaml", &format!("{SITE_YAML}search: false\n"))
}

#[test]
fn issue_15_a_50_mb_news_body_builds() {
    let body = long_body(50 * 1024 * 1024);
    let text = format!(
        "---\ntitle: \"Laporan Panjang\"\ndate: 2022-08-16\nauthor: \"Humas Uji\"\n---\n{body}"
    );
    let site = without_search().file("berita/laporan-panjang/index.md", &text);
    let out = site.build();
    assert_ok(&out);
    let page = site.read("berita/laporan-panjang/index.html");
    assert!(
        page.len() > 50 * 1024 * 1024,
        "the whole body is on the page"
    );
    assert!(page.contains("<h2 id=\"hasil-kegiatan\">Hasil Kegiatan</h2>"));
    assert!(
        page.contains("id=\"hasil-kegiatan-1000\""),
        "every repeated heading has its own id"
    );
    assert!(page.contains("<a href=\"/program/satu-data/\">Satu Data</a>"));
}

#[test]
fn issue_15_ten_thousand_news_in_one_folder_build() {
    let site = without_search();
    let berita = site.root().join("berita");
    for i in 0..10_000 {
        let day = 1 + i % 28;
        let month = 1 + (i / 28) % 12;
        let text = format!(
            "---\ntitle: \"Berita {i}\"\ndate: 2022-{month:02}-{day:02}\nauthor: \"Humas\"\n---\nIsi berita {i}.\n"
        );
        fs::write(berita.join(format!("berita-{i}.md")), text).unwrap();
    }
    let out = site.build();
    assert_ok(&out);
    assert!(
        site.read("berita/berita-9999/index.html")
            .contains("Isi berita 9999.")
    );
    assert!(site.read("berita/berita-0/index.html").contains("Berita 0"));
    // 10,001 news two to a page.
    assert!(site.out().join("berita/page/5001/index.html").is_file());
    assert!(!site.out().join("berita/page/5002").exists());
    let data = site.read("data.json");
    assert_eq!(data.matches("\"slug\": \"berita-").count(), 10_000);
}

#[test]
fn issue_15_very_deep_folders_are_published_as_they_are() {
    let mut rel = String::from("static");
    for i in 0..100 {
        rel.push_str(&format!("/lapis-{i}"));
    }
    let deep_file = format!("{rel}/dalam.txt");
    let site = TestSite::new().file(&deep_file, "paling dalam");
    let out = site.build();
    assert_ok(&out);
    let published = deep_file.trim_start_matches("static/");
    assert_eq!(site.read(published), "paling dalam");

    // A bundle's attachments may nest deep too.
    let mut bundle = String::from("berita/arsip");
    for i in 0..60 {
        bundle.push_str(&format!("/sub-{i}"));
    }
    let site = site
        .file(
            "berita/arsip/index.md",
            &news("Arsip", "2022-08-17", "").replace(
                "Paragraf kedua.",
                &format!(
                    "[lampiran]({}/catatan.txt)",
                    bundle.trim_start_matches("berita/arsip/")
                ),
            ),
        )
        .file(&format!("{bundle}/catatan.txt"), "catatan");
    let out = site.build();
    assert_ok(&out);
    assert_eq!(site.read(&format!("{bundle}/catatan.txt")), "catatan");
}

#[test]
fn issue_15_names_with_spaces_and_accents_are_published_at_their_address() {
    let site = TestSite::new()
        .file("static/berkas saya/Laporan Tahunan é.pdf", "%PDF laporan")
        .file("static/Dokumen Ñusantara/ringkasan 2022.txt", "ringkasan")
        .file(
            "berita/laporan-tahunan/index.md",
            &news("Laporan Tahunan", "2022-08-18", "").replace(
                "Paragraf kedua.",
                "Unduh [laporan](</berkas saya/Laporan Tahunan é.pdf>) dan \
                 [lampiran](<Lampiran Kegiatan ü.txt>).",
            ),
        )
        .file("berita/laporan-tahunan/Lampiran Kegiatan ü.txt", "lampiran");
    let out = site.build();
    assert_ok(&out);
    assert_eq!(
        site.read("berkas saya/Laporan Tahunan é.pdf"),
        "%PDF laporan"
    );
    assert_eq!(
        site.read("Dokumen Ñusantara/ringkasan 2022.txt"),
        "ringkasan"
    );
    assert_eq!(
        site.read("berita/laporan-tahunan/Lampiran Kegiatan ü.txt"),
        "lampiran"
    );
    let page = site.read("berita/laporan-tahunan/index.html");
    assert!(page.contains("Laporan%20Tahunan%20%C3%A9.pdf"), "{page}");

    // A news folder named with letters outside ASCII cannot be an address: the error names
    // the folder and suggests the slug to use.
    let site = site.file(
        "berita/Peluncuran Aplikasi é/index.md",
        &news("Peluncuran", "2022-08-19", ""),
    );
    let out = site.build();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("berita/Peluncuran Aplikasi é"), "{err}");
    assert!(err.contains("`peluncuran-aplikasi-e`"), "{err}");
    // The site built before stays as it was.
    assert_eq!(
        site.read("berkas saya/Laporan Tahunan é.pdf"),
        "%PDF laporan"
    );
}

#[cfg(unix)]
mod unreadable {
    use super::*;
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    use std::path::PathBuf;
    use std::process::{Command, Output};

    /// The user id the build runs as: this one, or `nobody` when the tests run as root (root
    /// reads a file whatever its mode says), with the temp folder opened to it.
    fn build_as_user(site: &TestSite) -> Output {
        let mut command = Command::new(runnable_by_all(site));
        command
            .args([
                "build",
                &site.root().to_string_lossy(),
                "-o",
                &site.out().to_string_lossy(),
            ])
            .current_dir(site.dir.path());
        if is_root() {
            command.uid(65534).gid(65534);
        }
        command.output().expect("run cerdas")
    }

    /// The cerdas binary where every user may run it: the build folder may sit in a folder
    /// only its owner can enter (a checkout in `mktemp -d`), so a link to it (or a copy) is
    /// put in the temp folder, which the tests open to all.
    fn runnable_by_all(site: &TestSite) -> PathBuf {
        let binary = Path::new(env!("CARGO_BIN_EXE_cerdas"));
        if !is_root() {
            return binary.to_path_buf();
        }
        let runnable = site.dir.path().join("cerdas-for-all");
        if !runnable.exists() && fs::hard_link(binary, &runnable).is_err() {
            fs::copy(binary, &runnable).expect("copy the cerdas binary");
        }
        fs::set_permissions(&runnable, fs::Permissions::from_mode(0o755)).unwrap();
        runnable
    }

    fn is_root() -> bool {
        // SAFETY: geteuid has no preconditions and cannot fail.
        unsafe { libc::geteuid() == 0 }
    }

    /// Opens every file and folder of the temp folder to every user, so `nobody` may build.
    fn open_to_all(dir: &Path) {
        let mode = if dir.is_dir() { 0o777 } else { 0o666 };
        fs::set_permissions(dir, fs::Permissions::from_mode(mode)).unwrap();
        if dir.is_dir() {
            for e in fs::read_dir(dir).unwrap().flatten() {
                open_to_all(&e.path());
            }
        }
    }

    /// Makes `rel` unreadable, and says whether the build's user then cannot read it (false
    /// where even `nobody` can, e.g. a file system that ignores modes).
    fn lock(site: &TestSite, rel: &str) -> bool {
        let path = site.root().join(rel);
        fs::set_permissions(&path, fs::Permissions::from_mode(0o000)).unwrap();
        if is_root() {
            let probe = Command::new("cat")
                .arg(&path)
                .uid(65534)
                .gid(65534)
                .output();
            probe.is_ok_and(|o| !o.status.success())
        } else {
            fs::read(&path).is_err()
        }
    }

    fn check_unreadable(rel: &str, site: TestSite) {
        open_to_all(site.dir.path());
        let out = build_as_user(&site);
        assert_ok(&out);
        let before = snapshot(&site.out());
        if !lock(&site, rel) {
            eprintln!(
                "skipped: {rel} stays readable to the build's user here (mode 000 is not \
                 enforced), so the unreadable-file error cannot be shown"
            );
            return;
        }
        let out = build_as_user(&site);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains(&format!("--> {rel}")), "{err}");
        assert!(err.contains("tidak dapat membaca"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(snapshot(&site.out()), before, "the old output stays");
    }

    #[test]
    fn issue_15_an_unreadable_news_file_is_an_error_naming_it() {
        let site = TestSite::new().file("berita/rahasia.md", &news("Rahasia", "2022-08-20", ""));
        check_unreadable("berita/rahasia.md", site);
    }

    #[test]
    fn issue_15_an_unreadable_static_file_is_an_error_naming_it() {
        let site = TestSite::new().file("static/berkas/laporan.pdf", "%PDF");
        check_unreadable("static/berkas/laporan.pdf", site);
    }
}
