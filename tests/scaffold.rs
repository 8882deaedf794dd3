//! What a humas staffer sees with `cerdas init` and `cerdas new`: a new site that builds at
//! once, new files that build at once, and nothing ever overwritten.

mod common;

use std::fs;

use common::{assert_ok, cerdas_in, jpeg_photo, read, snapshot, stderr};

#[test]
fn init_then_new_files_build_at_once() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path();
    let init = cerdas_in(
        root,
        &[
            "init",
            "situs",
            "--name",
            "Kabupaten Tanah Datar",
            "--kind",
            "kabupaten",
        ],
    );
    assert!(assert_ok(&init).contains("situs/site.yaml"));
    let site_yaml = read(&root.join("situs/site.yaml"));
    assert!(site_yaml.contains("slug: tanah-datar"), "{site_yaml}");
    assert!(site_yaml.contains("province: \"Sumatera Barat\""));
    assert_ok(&cerdas_in(root, &["check", "situs"]));

    fs::write(root.join("IMG 0001.JPG"), jpeg_photo(1200, 800)).expect("photo");
    fs::write(root.join("peserta.jpeg"), jpeg_photo(900, 600)).expect("photo");
    let title = "Rapat Koordinasi OPD: \"Tahap II\" #Smart";
    let news = cerdas_in(
        root,
        &[
            "new",
            "berita",
            title,
            "situs",
            "--foto",
            "IMG 0001.JPG",
            "peserta.jpeg",
        ],
    );
    let said = assert_ok(&news);
    let bundle = root.join("situs/berita/rapat-koordinasi-opd-tahap-ii-smart");
    assert!(said.contains("index.md"), "prints the file to open: {said}");
    assert!(bundle.join("img-0001.jpg").is_file());
    assert!(bundle.join("peserta.jpg").is_file());
    assert_ok(&cerdas_in(
        root,
        &["new", "program", "Satu Data: Nagari", "situs"],
    ));
    assert_ok(&cerdas_in(
        root,
        &["new", "halaman", "Kontak & Pengaduan", "situs"],
    ));

    assert_ok(&cerdas_in(root, &["build", "situs", "-o", "public"]));
    let page = read(&root.join("public/berita/rapat-koordinasi-opd-tahap-ii-smart/index.html"));
    assert!(
        page.contains("Rapat Koordinasi OPD: &quot;Tahap II&quot; #Smart"),
        "title on the page"
    );
    assert!(
        page.contains("/gambar/img-0001-"),
        "the cover picture is on the page"
    );
    assert!(
        page.contains("peserta-"),
        "the second photo is in the gallery"
    );
    assert!(page.contains("Humas Kabupaten Tanah Datar"), "the author");
    assert!(
        read(&root.join("public/program/satu-data-nagari/index.html"))
            .contains("Satu Data: Nagari")
    );
    assert!(
        read(&root.join("public/kontak-pengaduan/index.html")).contains("Kontak &amp; Pengaduan")
    );
    let example = read(&root.join("public/berita/index.html"));
    assert!(example.contains("Portal Smart City Kabupaten Tanah Datar Diluncurkan"));
    assert!(root.join("public/masterplan/index.html").is_file());
    assert!(root.join("public/tentang/index.html").is_file());
}

#[test]
fn new_never_overwrites() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path();
    assert_ok(&cerdas_in(root, &["init", "situs", "--name", "Kota Solok"]));
    assert_ok(&cerdas_in(
        root,
        &["new", "berita", "Bimtek Tahap I", "situs"],
    ));
    let file = root.join("situs/berita/bimtek-tahap-i/index.md");
    fs::write(&file, "tulisan yang sudah disunting").expect("edit");
    let before = snapshot(&root.join("situs"));
    let again = cerdas_in(root, &["new", "berita", "Bimtek: Tahap I!", "situs"]);
    assert_eq!(again.status.code(), Some(1));
    let err = stderr(&again);
    assert!(
        err.contains("sudah ada") && err.contains("bimtek-tahap-i"),
        "{err}"
    );
    assert_eq!(snapshot(&root.join("situs")), before);

    let outside = cerdas_in(root, &["new", "program", "Program Lepas"]);
    assert_eq!(outside.status.code(), Some(1), "no site.yaml here");
    assert!(stderr(&outside).contains("site.yaml"));
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path();
    fs::create_dir(root.join("dokumen")).expect("mkdir");
    fs::write(root.join("dokumen/laporan.docx"), "penting").expect("write");
    let before = snapshot(root);
    let out = cerdas_in(root, &["init", "dokumen", "--name", "Kabupaten Agam"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("tidak kosong"), "{}", stderr(&out));
    let en = cerdas_in(
        root,
        &[
            "--lang",
            "en",
            "init",
            "dokumen",
            "--name",
            "Kabupaten Agam",
        ],
    );
    assert!(stderr(&en).contains("not empty"), "{}", stderr(&en));
    assert_eq!(snapshot(root), before);
    // An empty folder that already exists is fine.
    fs::create_dir(root.join("kosong")).expect("mkdir");
    assert_ok(&cerdas_in(
        root,
        &["init", "kosong", "--name", "Kabupaten Agam"],
    ));
    assert!(root.join("kosong/site.yaml").is_file());
}

#[test]
fn new_reads_a_site_yaml_that_notepad_saved_as_unicode() {
    let tmp = tempfile::tempdir().unwrap();
    assert_ok(&cerdas_in(
        tmp.path(),
        &["init", "situs", "--name", "Kabupaten Tanah Datar"],
    ));
    // Notepad's "Unicode": UTF-16 LE with a byte order mark, CRLF line ends.
    let yaml = tmp.path().join("situs/site.yaml");
    let text = std::fs::read_to_string(&yaml)
        .unwrap()
        .replace('\n', "\r\n");
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(&yaml, bytes).unwrap();
    assert_ok(&cerdas_in(
        tmp.path(),
        &["new", "program", "Data Terpadu", "situs"],
    ));
    assert!(tmp.path().join("situs/program/data-terpadu.md").is_file());
}
