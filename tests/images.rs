//! The picture pipeline end to end: real photos in, resized files and markup out.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{
    TestSite, assert_fails_at, jpeg_photo, news, noisy_jpeg_photo, png_with_alpha, stderr,
    with_exif,
};

/// A news bundle `berita/foto/` whose cover is `cover` (written as `file`) with `extra`
/// front matter and `body`.
fn photo_site(file: &str, cover: &[u8], extra: &str, body: &str) -> TestSite {
    let front = format!("cover: {file}\ncover_alt: \"Peserta Bimtek di aula\"\n{extra}");
    let text = news("Bimtek Foto", "2024-03-05", &front).replace(
        "Paragraf pertama Bimtek Foto.",
        &format!("Paragraf pertama Bimtek Foto.\n\n{body}"),
    );
    TestSite::new()
        .file("berita/foto/index.md", &text)
        .bytes(&format!("berita/foto/{file}"), cover)
}

fn build_ok(site: &TestSite) {
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
}

/// The files of `dir`, sorted by name.
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

fn names(files: &[PathBuf]) -> Vec<String> {
    files
        .iter()
        .filter_map(|f| f.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn a_phone_photo_is_turned_upright_resized_and_stripped_of_its_location() {
    // Stored 2400 x 1600, to be shown turned a quarter clockwise (EXIF orientation 6):
    // 1600 x 2400 upright, the stored left half (red) on top.
    let photo = with_exif(&jpeg_photo(2400, 1600), 6);
    let site = photo_site("sampul.jpg", &photo, "", "");
    build_ok(&site);
    assert!(
        !site.out().join("berita/foto/sampul.jpg").exists(),
        "the original, with its location, is not published beside the page"
    );

    let written = files_in(&site.out().join("gambar"));
    let names = names(&written);
    for width in [480, 800, 1200] {
        for ext in ["webp", "jpg"] {
            assert!(
                names
                    .iter()
                    .any(|n| n.starts_with(&format!("sampul-{width}-")) && n.ends_with(ext)),
                "sampul at {width} px as {ext}: {names:?}"
            );
        }
    }
    assert!(
        names.iter().any(|n| n.starts_with("sampul-1200x630-")),
        "{names:?}"
    );
    assert!(
        !names
            .iter()
            .any(|n| n.contains("-1600-") || n.contains("-2400-")),
        "no size beyond 1200: {names:?}"
    );

    for file in &written {
        let bytes = fs::read(file).unwrap();
        let name = file.display();
        assert!(!contains(&bytes, b"Exif"), "{name} carries EXIF");
        assert!(
            !contains(&bytes, b"CerdasPhone"),
            "{name} carries the maker"
        );
        assert!(!contains(&bytes, b"II*\0"), "{name} carries a TIFF block");
        let is_webp = bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP";
        let is_jpeg = bytes.starts_with(&[0xFF, 0xD8, 0xFF]);
        assert!(
            if name.to_string().ends_with(".webp") {
                is_webp
            } else {
                is_jpeg
            },
            "{name} is what its name says"
        );
        let img = image::load_from_memory(&bytes).unwrap().to_rgb8();
        if name.to_string().contains("x630") {
            assert_eq!(img.dimensions(), (1200, 630), "{name}");
            continue;
        }
        let (w, h) = img.dimensions();
        assert!(h > w, "{name} is upright: {w} x {h}");
        assert_eq!(h, w * 3 / 2, "{name} keeps its proportions");
        let top = img.get_pixel(w / 2, 2);
        let bottom = img.get_pixel(w / 2, h - 3);
        assert!(
            top[0] > 150 && top[2] < 100,
            "{name}: red on top, got {top:?}"
        );
        assert!(
            bottom[2] > 150 && bottom[0] < 100,
            "{name}: blue below, got {bottom:?}"
        );
    }

    let page = site.read("berita/foto/index.html");
    assert!(
        page.contains(r#"<source type="image/webp" srcset="/gambar/sampul-480-"#),
        "{page}"
    );
    assert!(page.contains(r#" 480w, /gambar/sampul-800-"#), "{page}");
    assert!(page.contains(r#"width="1200" height="1800""#), "{page}");
    assert!(page.contains(r#"sizes="(min-width: 48rem) 48rem, 100vw""#));
    let list = site.read("berita/index.html");
    assert!(
        list.contains(r#"sizes="(min-width: 48rem) 23rem, 100vw""#)
            && list.contains("loading=\"lazy\""),
        "list cards use small lazy thumbnails"
    );
}

#[test]
fn a_turned_12_megapixel_photo_is_published_upright_at_every_size() {
    // A phone's 4000 x 3000 photo held upright (EXIF orientation 6): 3000 x 4000 as shown,
    // the stored left half (red) on top. It is decoded at half size (shrink on load), which
    // must still give every size upright, in proportion and the right way round.
    let photo = with_exif(&jpeg_photo(4000, 3000), 6);
    let site = photo_site("tegak.jpg", &photo, "", "");
    build_ok(&site);
    let written = files_in(&site.out().join("gambar"));
    let mut sizes: Vec<(String, (u32, u32))> = Vec::new();
    for file in &written {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let img = image::load_from_memory(&fs::read(file).unwrap())
            .unwrap()
            .to_rgb8();
        let (w, h) = img.dimensions();
        sizes.push((name.clone(), (w, h)));
        if name.contains("x630") {
            continue;
        }
        let top = img.get_pixel(w / 2, 3);
        let bottom = img.get_pixel(w / 2, h - 4);
        assert!(
            top[0] > 150 && top[2] < 100,
            "{name}: red on top, got {top:?}"
        );
        assert!(
            bottom[2] > 150 && bottom[0] < 100,
            "{name}: blue below, got {bottom:?}"
        );
    }
    let mut found: Vec<String> = sizes
        .iter()
        .map(|(name, (w, h))| {
            let label = name.split('-').nth(1).unwrap_or_default();
            format!("{label} {}: {w} x {h}", &name[name.len() - 4..])
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            "1200 .jpg: 1200 x 1600",
            "1200 webp: 1200 x 1600",
            "1200x630 .jpg: 1200 x 630",
            "480 .jpg: 480 x 640",
            "480 webp: 480 x 640",
            "800 .jpg: 800 x 1067",
            "800 webp: 800 x 1067",
        ]
    );
    let page = site.read("berita/foto/index.html");
    assert!(page.contains(r#"width="1200" height="1600""#), "{page}");
}

#[test]
fn a_transparent_png_stays_png_and_keeps_its_transparency() {
    let site = photo_site("logo-dinas.png", &png_with_alpha(900, 600), "", "");
    build_ok(&site);
    let names = names(&files_in(&site.out().join("gambar")));
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("logo-dinas-900-") && n.ends_with(".png")),
        "{names:?}"
    );
    assert_eq!(
        names.iter().filter(|n| n.ends_with(".jpg")).count(),
        1,
        "no JPEG but the OpenGraph image for a transparent picture: {names:?}"
    );
    let png = names
        .iter()
        .find(|n| n.starts_with("logo-dinas-480-") && n.ends_with(".png"))
        .unwrap();
    let img = image::open(site.out().join("gambar").join(png))
        .unwrap()
        .to_rgba8();
    assert_eq!(img.dimensions(), (480, 320));
    assert_eq!(img.get_pixel(10, 10)[3], 0, "the left stays transparent");
    assert_eq!(img.get_pixel(470, 10)[3], 255);
}

#[test]
fn inline_markdown_images_become_responsive_pictures() {
    let site = photo_site(
        "sampul.jpg",
        &jpeg_photo(1000, 750),
        "",
        "![Narasumber memaparkan materi](materi.jpg)",
    )
    .bytes("berita/foto/materi.jpg", &jpeg_photo(640, 480));
    build_ok(&site);
    let page = site.read("berita/foto/index.html");
    assert!(
        page.contains(r#"<picture><source type="image/webp" srcset="/gambar/materi-480-"#),
        "{page}"
    );
    assert!(page.contains(r#"alt="Narasumber memaparkan materi""#));
    assert!(page.contains(r#"width="640" height="480" loading="lazy""#));
    assert!(!page.contains(r#"src="materi.jpg""#));
}

#[test]
fn a_second_build_reuses_the_cache_and_stale_entries_are_pruned() {
    let site = photo_site("sampul.jpg", &jpeg_photo(1600, 1200), "", "");
    let cache = site.root().join(".cerdas-cache/gambar");
    build_ok(&site);
    let first: Vec<(PathBuf, std::time::SystemTime)> = files_in(&cache)
        .into_iter()
        .map(|f| {
            let t = fs::metadata(&f).unwrap().modified().unwrap();
            (f, t)
        })
        .collect();
    assert_eq!(first.len(), 7, "3 widths x 2 formats + OpenGraph");
    fs::write(cache.join("catatan-saya.txt"), "bukan milik cerdas").unwrap();

    std::thread::sleep(std::time::Duration::from_millis(20));
    build_ok(&site);
    for (file, time) in &first {
        assert_eq!(
            fs::metadata(file).unwrap().modified().unwrap(),
            *time,
            "{} was made again",
            file.display()
        );
    }

    // A new photo replaces the old one: the old files leave the cache, other files stay.
    fs::write(
        site.root().join("berita/foto/sampul.jpg"),
        jpeg_photo(1600, 1000),
    )
    .unwrap();
    build_ok(&site);
    let after = files_in(&cache);
    assert!(first.iter().all(|(f, _)| !after.contains(f)), "{after:?}");
    assert_eq!(
        after
            .iter()
            .filter(|f| f.extension().is_some_and(|e| e != "txt"))
            .count(),
        7
    );
    assert!(cache.join("catatan-saya.txt").is_file(), "not ours: kept");
    assert!(site.root().join(".cerdas-cache/CACHEDIR.TAG").is_file());
}

#[test]
fn the_cache_folder_can_be_chosen() {
    let site = photo_site("sampul.jpg", &jpeg_photo(800, 600), "", "");
    let cache = site.dir.path().join("cache-lain");
    let out = site.run(&[
        "build",
        &site.root().to_string_lossy(),
        "-o",
        &site.out().to_string_lossy(),
        "--cache-dir",
        &cache.to_string_lossy(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let made = names(&files_in(&cache.join("gambar")));
    assert_eq!(
        made.len(),
        5,
        "480 and 800 px as WebP and JPEG, and the share image: {made:?}"
    );
    assert!(!site.root().join(".cerdas-cache").exists());
}

#[test]
fn a_photo_cut_short_is_an_error_naming_it() {
    let whole = jpeg_photo(1600, 1200);
    let cut = &whole[..whole.len() * 6 / 10];
    let site = photo_site("sampul.jpg", cut, "", "");
    let err = assert_fails_at(&site, &site.build(), "berita/foto/index.md:6:8");
    assert!(err.contains("sampul.jpg: foto terpotong"), "{err}");
}

#[test]
fn a_decompression_bomb_is_refused_before_decoding() {
    // A PNG header declaring 30000 x 30000 pixels (3.6 GB once decoded) and nothing else.
    let mut bomb = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    bomb.extend(30000u32.to_be_bytes());
    bomb.extend(30000u32.to_be_bytes());
    bomb.extend([8, 2, 0, 0, 0, 0, 0, 0, 0]);
    let site = photo_site("bom.png", &bomb, "", "");
    let err = assert_fails_at(&site, &site.build(), "berita/foto/index.md:6:8");
    assert!(
        err.contains("bom.png: gambar terlalu besar: 30000 x 30000 piksel"),
        "{err}"
    );
}

#[test]
fn missing_pictures_are_errors_at_their_line() {
    let site = photo_site(
        "sampul.jpg",
        &jpeg_photo(800, 600),
        "",
        "![Foto rapat](rapat.jpg)",
    );
    let err = assert_fails_at(&site, &site.build(), "berita/foto/index.md:11:1");
    assert!(err.contains("gambar tidak ditemukan: `rapat.jpg`"), "{err}");

    let site = TestSite::new()
        .file(
            "berita/foto/index.md",
            &news(
                "Foto",
                "2024-03-05",
                "cover: hilang.jpg\ncover_alt: \"Aula\"\n",
            ),
        )
        .bytes("berita/foto/lain.jpg", &jpeg_photo(800, 600));
    let err = assert_fails_at(&site, &site.build(), "berita/foto/index.md:6:8");
    assert!(err.contains("hilang.jpg"), "{err}");
}

#[test]
fn templates_can_ask_for_any_size() {
    let template = "{% extends \"base.html\" %}{% block content %}{% set b = resize_image(path=\"static/spanduk.jpg\", width=600, height=200, op=\"fill\", format=\"webp\") %}<img class=\"spanduk\" src=\"{{ b.url }}\" width=\"{{ b.width }}\" height=\"{{ b.height }}\">{% endblock content %}";
    let site = TestSite::new()
        .file("templates/halaman.html", template)
        .bytes("static/spanduk.jpg", &jpeg_photo(1600, 1200));
    build_ok(&site);
    let page = site.read("tentang/index.html");
    let start = page.find(r#"<img class="spanduk" src="/gambar/spanduk-600x200-"#);
    assert!(start.is_some(), "{page}");
    assert!(page.contains(r#"width="600" height="200""#));
    let url = page[start.unwrap()..]
        .split('"')
        .nth(3)
        .unwrap()
        .to_string();
    let bytes = fs::read(site.out().join(url.trim_start_matches('/'))).unwrap();
    assert!(bytes.starts_with(b"RIFF"));
    let img = image::load_from_memory(&bytes).unwrap();
    assert_eq!((img.width(), img.height()), (600, 200));

    let broken = template.replace("static/spanduk.jpg", "static/tidak-ada.jpg");
    let site = TestSite::new().file("templates/halaman.html", &broken);
    let out = site.build();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("resize_image: static/tidak-ada.jpg"), "{err}");
    assert!(err.contains("halaman.html"), "{err}");
}

#[test]
fn a_gif_named_as_a_photo_is_refused_rather_than_published_broken() {
    // Photos (.jpg/.png/.webp) are never copied as they are; a GIF under such a name would be
    // linked as it is and missing from the site.
    let gif = b"GIF89a\x40\x01\xf0\x00\x80\x00\x00;".to_vec();
    let site = photo_site("sampul.jpg", &gif, "", "");
    let err = assert_fails_at(&site, &site.build(), "berita/foto/index.md:6:8");
    assert!(
        err.contains("sampul.jpg: isi berkas ini gambar GIF"),
        "{err}"
    );
    assert!(
        err.contains("ganti akhiran nama berkas menjadi .gif"),
        "{err}"
    );
}

#[test]
fn the_shared_picture_of_a_busy_photo_stays_under_whatsapps_300_kb() {
    let site = photo_site("ramai.jpg", &noisy_jpeg_photo(2400, 1600), "", "");
    build_ok(&site);
    let page = site.read("berita/foto/index.html");
    let og = page
        .split("<meta property=\"og:image\" content=\"https://uji.example.go.id/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no og:image in {page}"));
    let bytes = fs::read(site.out().join(og)).unwrap();
    assert!(bytes.len() < 300_000, "{og}: {} bytes", bytes.len());
    let picture = image::load_from_memory(&bytes).unwrap();
    assert_eq!((picture.width(), picture.height()), (1200, 630));
}
