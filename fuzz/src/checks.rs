//! What each fuzz target feeds cerdas and checks of the answer, one function per target. The
//! fuzz targets (`fuzz/fuzz_targets/`) call these with libFuzzer's inputs; the integration
//! test `tests/fuzz_corpus.rs` includes this file and replays every committed corpus file
//! through the same functions under a plain `cargo test`. A panic anywhere is a bug: every
//! input must end in a value or a diagnostic that renders.

use std::path::Path;

use cerdas::content::encoding::decode_text;
use cerdas::content::frontmatter::{parse_yaml, split_front_matter};
use cerdas::content::types::{Label, Slug, slugify};
use cerdas::content::{Document, parse_document};
use cerdas::error::{Diagnostic, Lang, Text};
use cerdas::markdown::{LinkTargets, render_markdown};
use cerdas::province::fetch::parse_export_bytes;

/// Renders a diagnostic every way a user may see it (both languages, as an error and as a
/// warning, as JSON), so that a place or caret computed from odd text cannot panic there.
fn show(d: &Diagnostic) {
    for lang in [Lang::Id, Lang::En] {
        let text = d.render(lang);
        assert!(!text.is_empty());
        let _ = d.render_warning(lang);
    }
    let _ = d.to_json(cerdas::error::Severity::Error);
}

/// File bytes as a Markdown file is read: decoded (UTF-8, UTF-16), split at its `---`
/// lines, the YAML read as free data.
pub fn front_matter(data: &[u8]) {
    let file = Path::new("berita/uji.md");
    let source = match decode_text(file, data.to_vec()) {
        Ok(s) => s,
        Err(d) => return show(&d),
    };
    match split_front_matter(file, &source) {
        Ok(split) => {
            assert!(
                source.ends_with(split.body),
                "the body is the end of the file"
            );
            assert!(split.yaml.len() + split.body.len() <= source.len());
            assert!(source.contains(split.yaml));
            match parse_yaml::<serde_json::Value>(file, &source, split.yaml, split.yaml_line) {
                Ok(_) => {}
                Err(d) => show(&d),
            }
        }
        Err(d) => show(&d),
    }
}

/// The folders a document may be in, picked by the first input byte.
const PATHS: [&str; 6] = [
    "berita/uji.md",
    "berita/uji/index.md",
    "program/satu-data.md",
    "masterplan/index.md",
    "halaman/tentang.md",
    "halaman/profil/index.md",
];

/// A whole document read into its typed kind, as a build or the editor does: the first byte
/// picks the section, the rest is the file.
pub fn kinds(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let path = Path::new(PATHS[usize::from(pick) % PATHS.len()]);
    let source = match decode_text(path, rest.to_vec()) {
        Ok(s) => s,
        Err(d) => return show(&d),
    };
    match parse_document(path, source) {
        Ok(Document::Berita(d)) => {
            let _ = (d.body(), d.meta.date.rfc3339(), d.meta.date.ymd());
            let _ = d.meta.date.timestamp();
            for tag in &d.meta.tags {
                assert!(Slug::parse(tag.slug.as_str()).is_ok());
            }
        }
        Ok(Document::Program(d)) => {
            let _ = d.body();
        }
        Ok(Document::Masterplan(d)) => {
            let _ = d.body();
        }
        Ok(Document::Halaman(d)) => {
            let _ = d.body();
        }
        Err(d) => show(&d),
    }
}

/// The rest of a made-up site, as the renderer asks about it: two pages, two photos (one
/// damaged) and one plain file.
struct Site;

impl LinkTargets for Site {
    fn url_of(&self, path: &Path) -> Option<String> {
        match path.to_str()? {
            "berita/lain.md" => Some("/berita/lain/".into()),
            "program/satu-data.md" => Some("/program/satu-data/".into()),
            _ => None,
        }
    }
    fn file_exists(&self, path: &Path) -> bool {
        [
            "berita/uji/foto.jpg",
            "berita/uji/rusak.jpg",
            "static/a.pdf",
        ]
        .iter()
        .any(|f| path == Path::new(f))
    }
    fn picture(&self, path: &Path, alt: &str) -> Result<Option<String>, (Text, Text)> {
        match path.to_str() {
            Some("berita/uji/foto.jpg") => Ok(Some(format!(
                "<picture><img src=\"foto.jpg\" alt=\"{}\"></picture>",
                cerdas::text::escape_html(alt)
            ))),
            Some("berita/uji/rusak.jpg") => Err((Text::new("rusak", "damaged"), Text::new("", ""))),
            _ => Ok(None),
        }
    }
}

/// A Markdown body rendered with its links and images rewritten. No script may come out of
/// it and every broken reference points inside the body.
pub fn markdown(data: &[u8]) {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let out = render_markdown(body, Path::new("berita/uji"), &Site);
    for broken in &out.broken {
        assert!(broken.offset <= body.len(), "offset out of the body");
    }
    let body_html = out.html.to_string();
    for html in [&body_html, &out.summary_html] {
        // Text never holds a bare `<` (it is written `&lt;`), so every `<...>` is a tag: no
        // tag may be a script or take its address from `javascript:`. The word in text
        // (`[a](x](javascript:...)` is no link) is harmless.
        for tag in html.split('<').skip(1) {
            let tag = tag
                .split('>')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            assert!(!tag.starts_with("script"), "a script came through: {html}");
            for attr in ["href=\"javascript:", "src=\"javascript:"] {
                assert!(
                    !tag.contains(attr),
                    "a javascript: link came through: {html}"
                );
            }
        }
    }
}

/// Slug folding: any text folds to a valid slug (or nothing), and folding again changes
/// nothing; labels and slugs are checked without panicking.
pub fn slug(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let folded = slugify(&text);
    if !folded.is_empty() {
        assert!(Slug::parse(&folded).is_ok(), "slugify gave `{folded}`");
    }
    assert_eq!(slugify(&folded), folded, "folding twice changes the slug");
    match Slug::parse(&text) {
        Ok(s) => assert_eq!(s.as_str(), text),
        Err((m, h)) => assert!(!m.id.is_empty() && !h.en.is_empty()),
    }
    if let Ok(label) = Label::parse(&text) {
        assert!(Slug::parse(label.slug.as_str()).is_ok());
        assert_eq!(label.slug.as_str(), slugify(&label.name));
    }
}

/// A regency's `data.json` as the province reads it. What it accepts is written out again
/// by the regency's own exporter and read back the same.
pub fn data_json(data: &[u8]) {
    let file = Path::new("province.yaml");
    let source = "name: Sumatera Barat\nregencies:\n  - export: data/uji.json\n";
    match parse_export_bytes("data/uji.json", file, source, data) {
        Ok(fetched) => {
            for w in &fetched.warnings {
                show(w);
            }
            let again = cerdas::export::data_json(&fetched.export);
            let reread = parse_export_bytes("data/uji.json", file, source, again.as_bytes());
            match reread {
                Ok(f) => assert!(f.warnings.is_empty(), "a cleaned export warns again"),
                Err(d) => panic!("a cleaned export is refused: {}", d.render(Lang::En)),
            }
        }
        Err(d) => show(&d),
    }
}
