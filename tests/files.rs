//! Issue 15, item 1: nothing outside the site folder reaches the output, and photos in
//! `static/` are published without their EXIF, XMP or GPS data.

mod common;

use std::fs;

use common::*;

/// A JPEG with an EXIF segment (holding a fake GPS tag) and an XMP segment after SOI.
fn photo_with_gps() -> Vec<u8> {
    let plain = jpeg_photo(64, 48);
    let exif =
        b"Exif\0\0II\x2A\0\x08\0\0\0\x01\0\x25\x88\x04\0\x01\0\0\0\0\0\0\0\0\0\0\0GPS-LINTANG-0.33"
            .to_vec();
    let xmp = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>Kamera Humas</x:xmpmeta>".to_vec();
    let mut out = plain[..2].to_vec();
    for payload in [exif, xmp] {
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(&payload);
    }
    out.extend_from_slice(&plain[2..]);
    out
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn issue_15_a_photo_in_static_is_published_without_gps_or_xmp() {
    let site = TestSite::new()
        .bytes("static/foto.jpg", &photo_with_gps())
        .bytes("static/dokumen.pdf", b"%PDF-1.7 GPS-LINTANG tetap");
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let published = fs::read(site.out().join("foto.jpg")).unwrap();
    assert!(!contains(&published, b"GPS-LINTANG"));
    assert!(!contains(&published, b"xmpmeta"));
    assert_eq!(
        published,
        jpeg_photo(64, 48),
        "the pixels are the same bytes"
    );
    let pdf = fs::read(site.out().join("dokumen.pdf")).unwrap();
    assert_eq!(
        pdf, b"%PDF-1.7 GPS-LINTANG tetap",
        "other files are copied as they are"
    );
}

#[test]
fn issue_15_check_warns_about_a_large_photo_in_static() {
    let mut big = jpeg_photo(16, 16);
    // A comment segment makes it larger than 1 MB without changing the picture.
    let comment = vec![b'x'; 60_000];
    let mut padded = big[..2].to_vec();
    for _ in 0..20 {
        padded.extend_from_slice(&[0xFF, 0xFE]);
        padded.extend_from_slice(&((comment.len() + 2) as u16).to_be_bytes());
        padded.extend_from_slice(&comment);
    }
    padded.extend_from_slice(&big[2..]);
    big = padded;
    let site = TestSite::new().bytes("static/spanduk.jpg", &big);
    let out = site.run(&["check", &site.root().to_string_lossy()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("peringatan: foto static/spanduk.jpg berukuran 1.1 MB"),
        "{err}"
    );
    assert!(err.contains("folder berita"), "{err}");
}

#[cfg(unix)]
mod links {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn issue_15_a_link_leaving_the_site_folder_is_an_error_naming_it() {
        let site = TestSite::new();
        let secret = site.dir.path().join("rahasia.txt");
        fs::write(&secret, "kata sandi").unwrap();
        fs::create_dir_all(site.root().join("static")).unwrap();
        symlink(&secret, site.root().join("static/passwd")).unwrap();
        let out = site.build();
        let err = assert_fails_at(&site, &out, "static/passwd");
        assert!(err.contains("menunjuk ke luar folder situs"), "{err}");
        assert!(err.contains("rahasia.txt"), "{err}");
    }

    #[test]
    fn issue_15_a_linked_folder_leaving_the_site_or_a_bundle_photo_is_an_error() {
        let site = TestSite::new();
        let outside = site.dir.path().join("luar");
        fs::create_dir_all(&outside).unwrap();
        fs::write(outside.join("a.txt"), "x").unwrap();
        fs::create_dir_all(site.root().join("berita/bimtek")).unwrap();
        fs::write(
            site.root().join("berita/bimtek/index.md"),
            news("Bimtek", "2022-08-15", ""),
        )
        .unwrap();
        symlink(&outside, site.root().join("berita/bimtek/lampiran")).unwrap();
        let out = site.build();
        let err = assert_fails_at(&site, &out, "berita/bimtek/lampiran");
        assert!(err.contains("luar"), "{err}");
    }

    #[test]
    fn issue_15_links_inside_the_folder_are_followed_and_loops_are_errors() {
        let site = TestSite::new()
            .file("static/asli.txt", "isi")
            .file("static/folder/b.txt", "b");
        symlink("asli.txt", site.root().join("static/salinan.txt")).unwrap();
        let out = site.build();
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(site.read("salinan.txt"), "isi");

        symlink("..", site.root().join("static/folder/atas")).unwrap();
        let out = site.build();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains("static/folder/atas"), "{err}");
        assert!(err.contains("berputar"), "{err}");
    }
}
