//! Finding and loading a theme: the built-in default theme is compiled into the binary; a
//! theme folder named in `site.yaml` and the site's own `templates/` override it by name.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::content::encoding::read_text_file;
use crate::content::walk::{EntryKind, Inside};
use crate::error::{Diagnostic, Diagnostics, Lang, Text};

/// The default theme's files, compiled in so `cerdas` works from any folder.
const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../../themes/default/templates/base.html"),
    ),
    (
        "index.html",
        include_str!("../../themes/default/templates/index.html"),
    ),
    (
        "berita_list.html",
        include_str!("../../themes/default/templates/berita_list.html"),
    ),
    (
        "berita.html",
        include_str!("../../themes/default/templates/berita.html"),
    ),
    (
        "program_list.html",
        include_str!("../../themes/default/templates/program_list.html"),
    ),
    (
        "program.html",
        include_str!("../../themes/default/templates/program.html"),
    ),
    (
        "masterplan.html",
        include_str!("../../themes/default/templates/masterplan.html"),
    ),
    (
        "halaman.html",
        include_str!("../../themes/default/templates/halaman.html"),
    ),
    (
        "dimensi_list.html",
        include_str!("../../themes/default/templates/dimensi_list.html"),
    ),
    (
        "dimensi.html",
        include_str!("../../themes/default/templates/dimensi.html"),
    ),
    (
        "tag_list.html",
        include_str!("../../themes/default/templates/tag_list.html"),
    ),
    (
        "tag.html",
        include_str!("../../themes/default/templates/tag.html"),
    ),
    (
        "404.html",
        include_str!("../../themes/default/templates/404.html"),
    ),
    (
        "cari.html",
        include_str!("../../themes/default/templates/cari.html"),
    ),
    (
        "province/index.html",
        include_str!("../../themes/default/templates/province/index.html"),
    ),
    (
        "province/berita_list.html",
        include_str!("../../themes/default/templates/province/berita_list.html"),
    ),
    (
        "province/directory.html",
        include_str!("../../themes/default/templates/province/directory.html"),
    ),
    (
        "province/dimensi.html",
        include_str!("../../themes/default/templates/province/dimensi.html"),
    ),
    (
        "province/progres.html",
        include_str!("../../themes/default/templates/province/progres.html"),
    ),
    (
        "partials/dimension_tiles.html",
        include_str!("../../themes/default/templates/partials/dimension_tiles.html"),
    ),
    (
        "partials/term_news.html",
        include_str!("../../themes/default/templates/partials/term_news.html"),
    ),
    (
        "partials/news_card.html",
        include_str!("../../themes/default/templates/partials/news_card.html"),
    ),
    (
        "partials/picture.html",
        include_str!("../../themes/default/templates/partials/picture.html"),
    ),
    (
        "partials/pagination.html",
        include_str!("../../themes/default/templates/partials/pagination.html"),
    ),
    (
        "partials/program_row.html",
        include_str!("../../themes/default/templates/partials/program_row.html"),
    ),
    (
        "partials/search_data.html",
        include_str!("../../themes/default/templates/partials/search_data.html"),
    ),
    (
        "partials/share.html",
        include_str!("../../themes/default/templates/partials/share.html"),
    ),
];

/// The default stylesheet.
pub const DEFAULT_CSS: &str = include_str!("../../themes/default/static/cerdas.css");

const DEFAULT_STRINGS_ID: &str = include_str!("../../themes/default/i18n/id.yaml");
const DEFAULT_STRINGS_EN: &str = include_str!("../../themes/default/i18n/en.yaml");

/// A theme ready to render with: its templates by name, its strings and its static files.
#[derive(Debug, Default)]
pub struct Theme {
    /// Template sources by name, later layers overriding earlier ones.
    pub templates: BTreeMap<String, (PathBuf, String)>,
    /// The theme's user-facing strings in the site's language.
    pub strings: serde_json::Map<String, serde_json::Value>,
    /// Static files of a theme folder (absolute source, path in the output).
    pub static_files: Vec<(PathBuf, PathBuf)>,
}

/// Loads the default theme, then `theme` (a folder, if `site.yaml` names one), then the site's
/// own `templates/` folder.
pub fn load_theme(
    site_root: &Path,
    config_source: &str,
    theme: Option<&str>,
    overrides: Option<&Path>,
    lang: Lang,
) -> Result<Theme, Diagnostics> {
    let mut out = Theme::default();
    for (name, source) in DEFAULT_TEMPLATES {
        let path = PathBuf::from(format!("themes/default/templates/{name}"));
        out.templates
            .insert((*name).to_string(), (path, (*source).to_string()));
    }
    let strings_source = match lang {
        Lang::Id => DEFAULT_STRINGS_ID,
        Lang::En => DEFAULT_STRINGS_EN,
    };
    out.strings = serde_norway::from_str(strings_source).map_err(|e| {
        Diagnostic::file(
            "themes/default/i18n",
            Text::new(
                format!("berkas teks tema rusak: {e}"),
                format!("broken theme strings: {e}"),
            ),
        )
    })?;
    if let Some(name) = theme.filter(|t| *t != "default") {
        let dir = find_theme_dir(site_root, config_source, name)?;
        add_template_folder(&mut out, &dir.join("templates"))?;
        add_theme_strings(&mut out, &dir, lang)?;
        let static_dir = dir.join("static");
        for f in list_relative(&static_dir)? {
            out.static_files.push((static_dir.join(&f), f));
        }
    }
    if let Some(dir) = overrides {
        add_template_folder(&mut out, dir)?;
    }
    Ok(out)
}

fn find_theme_dir(site_root: &Path, source: &str, name: &str) -> Result<PathBuf, Diagnostics> {
    let candidates = [
        site_root.join(name),
        site_root.join("themes").join(name),
        site_root.join("..").join("themes").join(name),
    ];
    candidates.iter().find(|p| p.join("templates").is_dir()).cloned().ok_or_else(|| {
        Diagnostic::at_key("site.yaml", source, "theme", name, Text::new(
            format!("tema `{name}` tidak ditemukan"),
            format!("theme `{name}` was not found"),
        ))
        .with_hint(Text::new(
            "tulis nama folder tema yang berisi folder templates/, di folder situs atau di themes/; atau hapus baris ini untuk memakai tema bawaan",
            "name a theme folder holding templates/, in the site folder or in themes/; or remove this line to use the default theme",
        ))
        .into()
    })
}

fn add_template_folder(theme: &mut Theme, dir: &Path) -> Result<(), Diagnostics> {
    for rel in list_relative(dir)? {
        let name = rel.to_string_lossy().replace('\\', "/");
        if !(name.ends_with(".html") || name.ends_with(".xml") || name.ends_with(".txt")) {
            continue;
        }
        let path = dir.join(&rel);
        let source = read_text_file(&path, &path)?;
        theme.templates.insert(name, (path, source));
    }
    Ok(())
}

fn add_theme_strings(theme: &mut Theme, dir: &Path, lang: Lang) -> Result<(), Diagnostics> {
    let file = dir.join("i18n").join(match lang {
        Lang::Id => "id.yaml",
        Lang::En => "en.yaml",
    });
    if !file.is_file() {
        return Ok(());
    }
    let source = read_text_file(&file, &file)?;
    let extra: serde_json::Map<String, serde_json::Value> =
        crate::content::frontmatter::parse_yaml(&file, &source, &source, 1)?;
    theme.strings.extend(extra);
    Ok(())
}

/// Every file under `dir` (relative to it), sorted; empty when the folder does not exist.
/// Symbolic links are followed only while they stay inside `dir`; one that leaves it or goes
/// round in a loop is an error.
fn list_relative(dir: &Path) -> Result<Vec<PathBuf>, Diagnostics> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    let inside = Inside::new(dir);
    list_into(&inside, dir, dir, &mut out)?;
    out.sort();
    Ok(out)
}

/// Adds the files under `d` (inside `dir`) to `out`, relative to `dir`.
fn list_into(
    inside: &Inside,
    dir: &Path,
    d: &Path,
    out: &mut Vec<PathBuf>,
) -> Result<(), Diagnostic> {
    inside.enter(d, || {
        let entries = fs::read_dir(d).map_err(|e| Diagnostic::io(d, &e))?;
        for e in entries.flatten() {
            let p = e.path();
            if crate::content::is_ignored(&p) {
                continue;
            }
            match inside.kind_of(&p)? {
                Some(EntryKind::Dir) => list_into(inside, dir, &p, out)?,
                Some(EntryKind::File) => {
                    if let Ok(rel) = p.strip_prefix(dir) {
                        out.push(rel.to_path_buf());
                    }
                }
                None => {}
            }
        }
        Ok(())
    })?
}

/// Turns a Tera error into a diagnostic pointing into the template.
pub fn template_error(
    err: &tera::Error,
    templates: &BTreeMap<String, (PathBuf, String)>,
) -> Diagnostic {
    let report = match err.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => Some(r),
        _ => None,
    };
    let Some(report) = report else {
        return Diagnostic::file(
            "templates",
            Text::new(
                format!("galat templat: {err}"),
                format!("template error: {err}"),
            ),
        );
    };
    let (path, source) = templates
        .get(report.filename())
        .map(|(p, s)| (p.clone(), s.as_str()))
        .unwrap_or_else(|| (PathBuf::from(report.filename()), ""));
    let span = report.span();
    Diagnostic::at(
        path,
        source,
        span.start_line,
        span.start_col + 1,
        Text::new(
            format!("galat templat: {}", report.message()),
            format!("template error: {}", report.message()),
        ),
    )
    .with_hint(Text::new(
        "periksa templat ini; templat bawaan ada di themes/default/templates/",
        "check this template; the default ones are in themes/default/templates/",
    ))
}
