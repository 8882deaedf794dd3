//! `cerdas new berita|program|halaman "Judul"`: one new file with every front-matter key,
//! the required ones filled and the optional ones as commented examples; a news item is a
//! bundle folder with its photos copied beside `index.md`.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::config::{SiteConfig, parse_site_config, read_site_source};
use crate::content::image_info::{ImageFormat, read_image_info};
use crate::content::types::{NewsDate, RESERVED_SLUGS, slugify};
use crate::error::{Diagnostic, Diagnostics, Text};

use super::text::{fill, one_line, title_slug, yaml_escape, yaml_quote};
use super::{create_new_dir, exists_error, write_new};

const BERITA: &str = include_str!("templates/new_berita.md");
const PROGRAM: &str = include_str!("templates/new_program.md");
const HALAMAN: &str = include_str!("templates/new_halaman.md");

/// The kind of file `cerdas new` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NewKind {
    /// A news item: `berita/<slug>/index.md` with its photos.
    Berita,
    /// A program: `program/<slug>.md`.
    Program,
    /// A plain page: `halaman/<slug>.md`.
    Halaman,
}

impl NewKind {
    /// The section folder the kind lives in.
    pub fn section(self) -> &'static str {
        match self {
            NewKind::Berita => "berita",
            NewKind::Program => "program",
            NewKind::Halaman => "halaman",
        }
    }
}

/// What `cerdas new` is asked to write.
#[derive(Clone, Debug)]
pub struct NewOptions {
    /// The site folder, holding `site.yaml`.
    pub dir: PathBuf,
    /// What to write.
    pub kind: NewKind,
    /// The title as the user typed it.
    pub title: String,
    /// Photos to copy into a news item's folder; the first becomes its cover.
    pub photos: Vec<PathBuf>,
    /// The publication date written on a news item (and the start year of a program).
    pub date: NewsDate,
}

/// What `cerdas new` wrote.
#[derive(Clone, Debug)]
pub struct NewReport {
    /// The Markdown file to open and edit (inside `options.dir`).
    pub file: PathBuf,
    /// The photos copied beside it, as they are now named.
    pub photos: Vec<PathBuf>,
    /// The slug, taken from the title.
    pub slug: String,
}

/// A photo to copy: where it is and the name it gets in the bundle.
struct PhotoCopy {
    /// The file the user named.
    from: PathBuf,
    /// Its new name beside `index.md`.
    name: String,
}

/// Writes a new file of `options.kind` into the site at `options.dir`; never overwrites.
pub fn new_file(options: &NewOptions) -> Result<NewReport, Diagnostics> {
    if options.kind != NewKind::Berita && !options.photos.is_empty() {
        return Err(photos_only_for_news().into());
    }
    // Photos first: a site folder written after `--foto` is taken for a photo, and the
    // error for it says where the folder goes.
    let photos = plan_photos(&options.photos)?;
    let config = read_site(&options.dir)?;
    let section = options.dir.join(options.kind.section());
    let title = one_line(&options.title);
    let slug = title_slug(&title).ok_or_else(|| title_unusable(&section, &options.title))?;
    check_slug(options.kind, &slug)?;
    for taken in [section.join(&slug), section.join(format!("{slug}.md"))] {
        if taken.exists() {
            return Err(exists_error(&taken).into());
        }
    }
    let vars = Vars {
        config: &config,
        title: &title,
        slug: &slug,
        date: &options.date,
        programs: program_slugs(&options.dir.join("program")),
    };
    match options.kind {
        NewKind::Berita => write_news(&section.join(&slug), &vars, &photos),
        NewKind::Program => write_page(&section, PROGRAM, &vars),
        NewKind::Halaman => write_page(&section, HALAMAN, &vars),
    }
    .map_err(Diagnostics::from)
}

/// What the templates are filled from.
struct Vars<'a> {
    /// The site's settings.
    config: &'a SiteConfig,
    /// The title on one line.
    title: &'a str,
    /// The slug made from it.
    slug: &'a str,
    /// Today, in WIB.
    date: &'a NewsDate,
    /// The slugs of the site's programs, for the news item's example `programs:` line.
    programs: Vec<String>,
}

/// Reads and checks `site.yaml` in `dir`.
fn read_site(dir: &Path) -> Result<SiteConfig, Diagnostic> {
    let source = read_site_source(
        dir,
        Text::new(
            "jalankan perintah ini di folder situs (yang berisi site.yaml), atau tulis foldernya: `cerdas new berita \"Judul\" folder-situs`; situs baru dibuat dengan `cerdas init`",
            "run this in the site folder (the one holding site.yaml), or name it: `cerdas new berita \"Title\" site-folder`; a new site is made with `cerdas init`",
        ),
    )?;
    parse_site_config(&dir.join("site.yaml"), &source)
}

fn title_unusable(section: &Path, title: &str) -> Diagnostic {
    Diagnostic::file(
        section,
        Text::new(
            format!("judul `{title}` tidak dapat dijadikan nama berkas"),
            format!("the title `{title}` cannot be made into a file name"),
        ),
    )
    .with_hint(Text::new(
        "tulis judul dengan huruf latin atau angka, misalnya \"Rapat Koordinasi OPD: Tahap II\"",
        "write the title with Latin letters or digits, e.g. \"Rapat Koordinasi OPD: Tahap II\"",
    ))
}

/// Refuses a slug the site itself uses for its own pages (`/berita/page/`, `/tag/`, ...).
pub fn check_slug(kind: NewKind, slug: &str) -> Result<(), Diagnostic> {
    let reserved = match kind {
        NewKind::Berita => slug == "page",
        NewKind::Program => false,
        NewKind::Halaman => RESERVED_SLUGS.contains(&slug),
    };
    if !reserved {
        return Ok(());
    }
    Err(Diagnostic::file(
        kind.section(),
        Text::new(
            format!("alamat `{slug}` sudah dipakai cerdas sendiri untuk halaman lain"),
            format!("the address `{slug}` is used by cerdas itself for other pages"),
        ),
    )
    .with_hint(Text::new(
        "tambahkan satu kata pada judulnya, misalnya \"Tentang Berita\"",
        "add a word to the title, e.g. \"Tentang Berita\"",
    )))
}

fn photos_only_for_news() -> Diagnostic {
    Diagnostic::file(
        "--foto",
        Text::new(
            "foto hanya dapat disertakan pada berita baru",
            "photos can only come with a new news item",
        ),
    )
    .with_hint(Text::new(
        "pakai `cerdas new berita \"Judul\" --foto foto.jpg`",
        "use `cerdas new berita \"Title\" --foto photo.jpg`",
    ))
}

/// Checks that every photo is a picture cerdas publishes and names its copy, from the
/// original name folded to a slug, with the extension its content says.
fn plan_photos(photos: &[PathBuf]) -> Result<Vec<PhotoCopy>, Diagnostics> {
    let mut errors = Vec::new();
    let mut planned = Vec::new();
    let mut used = HashSet::new();
    for from in photos {
        match photo_format(from) {
            Ok(format) => {
                let name = unique_name(from, extension(format), &mut used);
                planned.push(PhotoCopy {
                    from: from.clone(),
                    name,
                });
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(planned)
    } else {
        Err(Diagnostics(errors))
    }
}

/// The format of the photo at `path`, or why it cannot be used.
fn photo_format(path: &Path) -> Result<ImageFormat, Diagnostic> {
    if path.is_dir() {
        return Err(Diagnostic::file(
            path,
            Text::new(
                format!("{} adalah folder, bukan foto", path.display()),
                format!("{} is a folder, not a photo", path.display()),
            ),
        )
        .with_hint(Text::new(
            "folder situs ditulis sebelum --foto: `cerdas new berita \"Judul\" folder-situs --foto a.jpg b.jpg`",
            "the site folder goes before --foto: `cerdas new berita \"Title\" site-folder --foto a.jpg b.jpg`",
        )));
    }
    read_image_info(path)
        .map(|info| info.format)
        .map_err(|(message, hint)| Diagnostic::file(path, message).with_hint(hint))
}

/// The file extension cerdas expects for a format.
pub fn extension(format: ImageFormat) -> &'static str {
    match format {
        ImageFormat::Jpeg => "jpg",
        ImageFormat::Png => "png",
        ImageFormat::Gif => "gif",
        ImageFormat::Webp => "webp",
        ImageFormat::Svg => "svg",
    }
}

/// `IMG 2024 (1).JPG` -> `img-2024-1.jpg`, with `-2`, `-3`, ... when the name is taken.
pub fn unique_name(from: &Path, ext: &str, used: &mut HashSet<String>) -> String {
    let stem = from
        .file_stem()
        .map(|s| slugify(&s.to_string_lossy()))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "foto".to_string());
    let mut name = format!("{stem}.{ext}");
    let mut n = 2;
    while !used.insert(name.clone()) {
        name = format!("{stem}-{n}.{ext}");
        n += 1;
    }
    name
}

/// The slugs of the programs in `dir`, sorted; empty when there are none.
pub fn program_slugs(dir: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut slugs: Vec<String> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            match name.strip_suffix(".md") {
                Some(stem) => Some(stem.to_string()),
                None => e.path().join("index.md").is_file().then_some(name),
            }
        })
        .collect();
    slugs.sort();
    slugs
}

/// The template variables shared by every kind.
fn common_vars(vars: &Vars) -> Vec<(&'static str, String)> {
    let year = vars.date.local.year();
    vec![
        ("title_yaml", yaml_escape(vars.title)),
        ("slug", vars.slug.to_string()),
        ("date", vars.date.rfc3339()),
        ("year", year.to_string()),
        ("year_next", (year + 1).to_string()),
    ]
}

/// Writes `<section>/<slug>.md` from `template`.
fn write_page(section: &Path, template: &str, vars: &Vars) -> Result<NewReport, Diagnostic> {
    let file = section.join(format!("{}.md", vars.slug));
    write_new(&file, render(template, &common_vars(vars)).as_bytes())?;
    Ok(NewReport {
        file,
        photos: Vec::new(),
        slug: vars.slug.to_string(),
    })
}

/// Creates the news bundle `folder`, copies the photos in, then writes its `index.md`.
fn write_news(folder: &Path, vars: &Vars, photos: &[PhotoCopy]) -> Result<NewReport, Diagnostic> {
    create_new_dir(folder)?;
    let mut copied = Vec::with_capacity(photos.len());
    for photo in photos {
        let to = folder.join(&photo.name);
        fs::copy(&photo.from, &to).map_err(|e| Diagnostic::io(&photo.from, &e))?;
        copied.push(to);
    }
    let names: Vec<String> = photos.iter().map(|p| p.name.clone()).collect();
    let file = folder.join("index.md");
    write_new(&file, news_text(vars, &names).as_bytes())?;
    Ok(NewReport {
        file,
        photos: copied,
        slug: vars.slug.to_string(),
    })
}

/// The text of a new news item's `index.md`, with `photos` (names beside it; the first is
/// the cover) filled in.
fn news_text(vars: &Vars, photos: &[String]) -> String {
    let mut all = common_vars(vars);
    all.extend(news_vars(vars, photos));
    render(BERITA, &all)
}

/// The text `cerdas new berita` would write for a news item titled `title` (one line) with
/// slug `slug` in the site `config`, dated `date`, with the photos `photos` (names beside
/// `index.md`, the first the cover): what the editor starts a new item from before it fills
/// in the form's values. `programs` are the site's program slugs, for the example line.
pub fn new_news_text(
    config: &SiteConfig,
    title: &str,
    slug: &str,
    date: &NewsDate,
    programs: Vec<String>,
    photos: &[String],
) -> String {
    let vars = Vars {
        config,
        title,
        slug,
        date,
        programs,
    };
    news_text(&vars, photos)
}

/// The variables only a news item has: author, programs, photos (by their names beside
/// `index.md`).
fn news_vars(vars: &Vars, photos: &[String]) -> Vec<(&'static str, String)> {
    let author = format!("Humas {}", vars.config.name);
    let province = vars.config.province.as_deref().unwrap_or("...");
    let (note, example) = match vars.programs.as_slice() {
        [] => (String::new(), "nama-program".to_string()),
        list => (
            format!("\n# Program di situs ini: {}.", list.join(", ")),
            list[0].clone(),
        ),
    };
    let hint = match photos.first() {
        Some(p) => format!(
            "\n\n<!-- Foto di folder ini dapat dipasang di tengah isi berita dengan baris seperti:\n![Keterangan foto]({}) -->",
            p
        ),
        None => String::new(),
    };
    vec![
        ("author_yaml", yaml_escape(&author)),
        ("province_yaml", yaml_escape(province)),
        ("programs_note", note),
        ("program_example", example),
        ("pictures", pictures_block(vars.title, photos)),
        ("body_photo_hint", hint),
    ]
}

/// The `cover:`/`cover_alt:`/`photos:` lines: filled from the photos given, or commented
/// examples when there are none. The alt text and captions start as a sentence made from
/// the title, which builds, with a comment asking the writer to describe the photo instead.
fn pictures_block(title: &str, photos: &[String]) -> String {
    let Some((cover, rest)) = photos.split_first() else {
        return [
            "# Foto sampul: nama berkas foto di folder ini (JPEG, PNG atau WebP). Bila ada cover,",
            "# cover_alt WAJIB: jelaskan isi foto bagi pembaca tunanetra. Foto dapat disertakan",
            "# sejak awal dengan: cerdas new berita \"Judul\" --foto foto-1.jpg foto-2.jpg",
            "# cover: foto-utama.jpg",
            "# cover_alt: \"Peserta rapat duduk menghadap layar di aula kantor bupati\"",
            "# Foto lain, ditampilkan di bawah berita; caption adalah keterangan fotonya.",
            "# photos:",
            "#   - src: foto-2.jpg",
            "#     caption: \"Kepala dinas membuka kegiatan\"",
        ]
        .join("\n");
    };
    let mut lines = vec![
        "# Foto sampul, di folder yang sama dengan berkas ini.".to_string(),
        format!("cover: {}", yaml_quote(cover)),
        "# GANTI teks di bawah dengan apa yang terlihat di foto sampul, untuk pembaca tunanetra,"
            .to_string(),
        "# misalnya \"Peserta rapat duduk menghadap layar di aula kantor bupati\". (wajib)"
            .to_string(),
        format!(
            "cover_alt: {}",
            yaml_quote(&format!("Foto kegiatan {title}"))
        ),
    ];
    if rest.is_empty() {
        lines.extend([
            "# Foto lain, ditampilkan di bawah berita; caption adalah keterangan fotonya."
                .to_string(),
            "# photos:".to_string(),
            "#   - src: foto-2.jpg".to_string(),
            "#     caption: \"Kepala dinas membuka kegiatan\"".to_string(),
        ]);
        return lines.join("\n");
    }
    lines.push(
        "# Foto lain, ditampilkan di bawah berita. GANTI setiap caption dengan keterangan fotonya;"
            .to_string(),
    );
    lines.push("# caption juga dibacakan bagi pembaca tunanetra.".to_string());
    lines.push("photos:".to_string());
    for (i, photo) in rest.iter().enumerate() {
        lines.push(format!("  - src: {}", yaml_quote(photo)));
        let caption = format!("Foto kegiatan {title} ({})", i + 2);
        lines.push(format!("    caption: {}", yaml_quote(&caption)));
    }
    lines.join("\n")
}

/// Fills `template` with `vars`.
fn render(template: &str, vars: &[(&'static str, String)]) -> String {
    let pairs: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    fill(template, &pairs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::load_content;

    fn site() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        let yaml = "name: \"Kabupaten Uji\"\nkind: kabupaten\nslug: uji\nbase_url: \"https://uji.example.go.id\"\n";
        fs::write(tmp.path().join("site.yaml"), yaml).unwrap();
        tmp
    }

    fn options(dir: &Path, kind: NewKind, title: &str) -> NewOptions {
        NewOptions {
            dir: dir.to_path_buf(),
            kind,
            title: title.to_string(),
            photos: Vec::new(),
            date: NewsDate::parse("2024-08-15T09:30:00+07:00").unwrap(),
        }
    }

    #[test]
    fn news_front_matter_holds_a_hostile_title() {
        let tmp = site();
        let title = "Bupati: \"Smart City\" #1 \\ 'Tahap II'";
        let report = new_file(&options(tmp.path(), NewKind::Berita, title)).unwrap();
        assert_eq!(report.slug, "bupati-smart-city-1-tahap-ii");
        assert!(
            report
                .file
                .ends_with("berita/bupati-smart-city-1-tahap-ii/index.md")
        );
        new_file(&options(tmp.path(), NewKind::Program, title)).unwrap();
        new_file(&options(tmp.path(), NewKind::Halaman, title)).unwrap();
        let content = load_content(tmp.path()).unwrap_or_else(|e| panic!("{e}"));
        let meta = &content.news[0].meta;
        assert_eq!(meta.title, title);
        assert_eq!(content.programs[0].meta.title, title);
        assert_eq!(content.pages[0].meta.title, title);
        assert_eq!(meta.author, "Humas Kabupaten Uji");
        assert_eq!(meta.date.rfc3339(), "2024-08-15T09:30:00+07:00");
    }

    #[test]
    fn refuses_to_overwrite_and_leaves_the_file_alone() {
        let tmp = site();
        let first = new_file(&options(tmp.path(), NewKind::Program, "Satu Data")).unwrap();
        fs::write(&first.file, "disunting").unwrap();
        let err = new_file(&options(tmp.path(), NewKind::Program, "Satu  Data!")).unwrap_err();
        assert!(err.0[0].message.id.contains("sudah ada"), "{err}");
        assert!(err.0[0].file.ends_with("program/satu-data.md"));
        assert_eq!(fs::read_to_string(&first.file).unwrap(), "disunting");
        // A news bundle and a single-file news item with the same slug would collide too.
        fs::create_dir_all(tmp.path().join("berita")).unwrap();
        fs::write(tmp.path().join("berita/rapat.md"), "x").unwrap();
        assert!(new_file(&options(tmp.path(), NewKind::Berita, "Rapat")).is_err());
        assert!(!tmp.path().join("berita/rapat").exists());
    }

    #[test]
    fn needs_a_site_folder_and_a_usable_title() {
        let tmp = tempfile::tempdir().unwrap();
        let err = new_file(&options(tmp.path(), NewKind::Halaman, "Kontak")).unwrap_err();
        assert!(err.0[0].hint.as_ref().unwrap().id.contains("cerdas init"));
        let tmp = site();
        assert!(new_file(&options(tmp.path(), NewKind::Halaman, "???")).is_err());
        assert!(new_file(&options(tmp.path(), NewKind::Halaman, "Berita")).is_err());
    }

    #[test]
    fn photos_are_checked_before_anything_is_written() {
        let tmp = site();
        let fake = tmp.path().join("bukan-foto.jpg");
        fs::write(&fake, "teks biasa").unwrap();
        let mut o = options(tmp.path(), NewKind::Berita, "Rapat");
        o.photos = vec![fake];
        assert!(new_file(&o).is_err());
        assert!(!tmp.path().join("berita").exists());
        // The site folder typed after `--foto` is taken for a photo: say where it goes.
        o.photos = vec![tmp.path().to_path_buf()];
        let err = new_file(&o).unwrap_err();
        assert!(
            err.0[0]
                .hint
                .as_ref()
                .unwrap()
                .id
                .contains("sebelum --foto")
        );
    }

    #[test]
    fn photo_names_are_folded_and_unique() {
        let mut used = HashSet::new();
        let a = unique_name(Path::new("/x/IMG 2024 (1).JPG"), "jpg", &mut used);
        let b = unique_name(Path::new("/y/img_2024_1.jpeg"), "jpg", &mut used);
        let c = unique_name(Path::new("/y/!!!.png"), "png", &mut used);
        assert_eq!(
            (a.as_str(), b.as_str(), c.as_str()),
            ("img-2024-1.jpg", "img-2024-1-2.jpg", "foto.png")
        );
    }
}
