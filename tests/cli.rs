//! The command line as a humas staffer meets it: version, help with examples, the summary.

mod common;

use std::process::Command;

use common::*;

fn cerdas(args: &[&str]) -> (String, String, bool) {
    let out = Command::new(env!("CARGO_BIN_EXE_cerdas"))
        .args(args)
        .output()
        .expect("run cerdas");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.success(),
    )
}

#[test]
fn version_names_the_release() {
    let (stdout, _, ok) = cerdas(&["--version"]);
    assert!(ok);
    assert_eq!(
        stdout.trim(),
        format!("cerdas {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn every_command_has_an_indonesian_example() {
    let (top, _, ok) = cerdas(&["--help"]);
    assert!(ok);
    assert!(top.contains("Mulai (getting started):"), "{top}");
    assert!(top.contains("cerdas init situs-tanah-datar"), "{top}");
    for command in ["build", "serve", "check", "init", "new"] {
        let (help, _, ok) = cerdas(&[command, "--help"]);
        assert!(ok, "{command} --help failed");
        assert!(
            help.contains("Contoh"),
            "no example in `{command} --help`:\n{help}"
        );
        assert!(
            help.contains(&format!("cerdas {command} ")),
            "the example of `{command}` does not run `cerdas {command}`:\n{help}"
        );
    }
}

#[test]
fn the_summary_names_photos_processed_and_the_output_size() {
    let site = TestSite::new()
        .file(
            "berita/foto/index.md",
            &news(
                "Foto",
                "2022-01-01",
                "cover: a.jpg\ncover_alt: \"Peserta rapat\"\n",
            ),
        )
        .bytes("berita/foto/a.jpg", &jpeg_photo(900, 600));
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(", 1 foto diproses,"), "{stdout}");
    assert!(
        stdout.contains(" KB)") || stdout.contains(" MB)"),
        "{stdout}"
    );
    // A second build finds the photo in the cache.
    let again = site.build();
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(stdout.contains(", 0 foto diproses,"), "{stdout}");
}

#[test]
fn the_editor_on_every_network_address_is_refused_before_anything_listens() {
    let site = TestSite::new();
    let root = site.root();
    let (_, err, ok) = cerdas(&[
        "serve",
        root.to_str().unwrap(),
        "--bind",
        "0.0.0.0",
        "--port",
        "0",
        "--edit",
    ]);
    assert!(!ok);
    assert!(
        err.contains("--edit memerlukan alamat komputer ini di jaringan, bukan 0.0.0.0"),
        "{err}"
    );
    assert!(err.contains("--bind 192.168.1.20 --edit"), "{err}");
}
