//! The `cerdas` command line: parses arguments, calls the library, prints, sets the exit code.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use clap::{Parser, Subcommand, ValueEnum};

use cerdas::build::{BuildOptions, BuildReport, build, check};
use cerdas::config::RegencyKind;
use cerdas::error::{Diagnostics, Lang, Severity};
use cerdas::import::{ImportOptions, ImportReport, import_wordpress};
use cerdas::progress::{Progress, ProgressSink, Work};
use cerdas::scaffold::{
    InitOptions, InitReport, NewKind, NewOptions, NewReport, init_site, new_file, now_wib,
};
use cerdas::serve::{ServeEvent, ServeOptions};

/// mimalloc instead of the system allocator: building a site allocates and frees millions of
/// small strings across threads, where glibc's allocator spent about a sixth of a preview
/// rebuild (`perf`); `cerdas check` of the 19 x 1000 corpus went from 1.76 s to 1.55 s.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

unsafe extern "C" {
    /// mimalloc's own: frees what the calling thread's heap holds unused and gives it back.
    fn mi_collect(force: bool);
}

/// Gives the memory mimalloc holds free on this thread back to the system: `cerdas serve`
/// calls it after a rebuild and after the search index, which leave hundreds of MB free.
fn release_memory() {
    // SAFETY: mimalloc is linked (it is the global allocator) and mi_collect takes no pointers.
    unsafe { mi_collect(true) }
}

/// cerdas: pembuat situs statis untuk portal smart city kabupaten/kota dan provinsi.
/// (A static site generator for regency and province smart city portals.)
#[derive(Parser)]
#[command(
    name = "cerdas",
    version,
    about,
    long_about = None,
    after_help = "Mulai (getting started):\n  \
        cerdas init situs-tanah-datar --name \"Kabupaten Tanah Datar\"\n  \
        cd situs-tanah-datar\n  \
        cerdas new berita \"Bimtek Smart City Tahap I\" --foto bimtek.jpg\n  \
        cerdas serve\n  \
        cerdas build -o public\n\n\
        Bantuan setiap perintah (help of a command): cerdas <perintah> --help"
)]
struct Cli {
    /// Bahasa pesan: id atau en (message language).
    #[arg(long, global = true, value_enum)]
    lang: Option<LangArg>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum LangArg {
    Id,
    En,
}

#[derive(Clone, Copy, ValueEnum)]
enum KindArg {
    Kabupaten,
    Kota,
}

#[derive(Subcommand)]
enum Command {
    /// Bangun situs dari folder konten (build the site from a content folder).
    #[command(after_help = "Contoh (example):\n  \
        cerdas build situs-agam -o public\n  \
        cerdas build situs-agam -o pratinjau --base-url https://humas.github.io/agam/\n  \
        cerdas build provinsi-sumbar -o public --keep-going\n\n\
        Folder public/ yang lama baru diganti setelah semuanya berhasil dibangun.\n\
        (The old public/ folder is replaced only once everything has built.)")]
    Build {
        /// Folder situs (berisi site.yaml) atau provinsi (berisi province.yaml)
        /// (the site folder holding site.yaml, or province folder holding province.yaml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Folder keluaran (output folder).
        #[arg(short, long, default_value = "public")]
        output: PathBuf,
        /// Alamat situs untuk build ini, menggantikan base_url (publish address for this build).
        #[arg(long)]
        base_url: Option<String>,
        /// Provinsi: tetap bangun kabupaten/kota yang berhasil dimuat
        /// (province: build the regencies that load, list the others as unavailable).
        #[arg(long)]
        keep_going: bool,
        /// Folder cache gambar dan indeks pencarian; bawaan: .cerdas-cache di dalam folder situs
        /// (picture and search index cache folder; default: .cerdas-cache inside the site folder).
        #[arg(long)]
        cache_dir: Option<PathBuf>,
    },
    /// Pratinjau di peramban, dibangun ulang setiap kali berkas disimpan
    /// (preview in the browser, rebuilt on every save).
    #[command(after_help = "Contoh (example):\n  \
        cerdas serve situs-agam\n  \
        cerdas serve situs-agam --port 8080\n\n\
        Buka alamat yang dicetak di peramban; simpan berkas dan halaman termuat ulang sendiri.\n\
        (Open the printed address; save a file and the page reloads by itself.)")]
    Serve {
        /// Folder situs atau provinsi (the site or province folder).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Port pertama yang dicoba (first port to try).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Alamat yang didengar; selain 127.0.0.1 terlihat dari komputer lain
        /// (address to listen on; anything but loopback is visible to other machines).
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Aktifkan penyunting walau --bind bukan 127.0.0.1; tetap perlu token yang dicetak
        /// (turn the editor on for a non-loopback --bind too; the printed token is still needed).
        #[arg(long)]
        edit: bool,
        /// Thread pembuat foto di latar belakang; 0: foto dibuat saat diminta halaman
        /// (background photo threads; 0: a photo is made when a page asks for it).
        #[arg(long, hide = true)]
        photo_workers: Option<usize>,
    },
    /// Periksa semua berkas tanpa menulis apa pun (check everything, write nothing).
    #[command(after_help = "Contoh (example):\n  \
        cerdas check situs-agam\n  \
        cerdas check situs-agam --format json\n  \
        cerdas --lang en check situs-agam")]
    Check {
        /// Folder situs atau provinsi (the site or province folder).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Bentuk laporan: text, atau json untuk editor dan CI
        /// (report format: text, or json for editors and CI).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Buat situs kabupaten/kota baru yang langsung dapat dibangun
    /// (create a new regency site that builds at once).
    #[command(after_help = "Contoh (example):\n  \
        cerdas init situs-tanah-datar --name \"Kabupaten Tanah Datar\"\n  \
        cerdas init situs-solok --name \"Solok\" --kind kota --province \"Sumatera Barat\"\n\n\
        Folder yang sudah berisi berkas ditolak; cerdas tidak menimpa atau menghapus apa pun.\n\
        (A folder that holds files is refused; cerdas never overwrites or deletes anything.)")]
    Init {
        /// Folder situs baru, belum ada atau kosong (the new site folder: missing or empty).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Nama daerah, misalnya "Kabupaten Tanah Datar" (the regency's name).
        #[arg(long)]
        name: String,
        /// kabupaten atau kota; bawaan: dari kata pertama nama
        /// (kabupaten or kota; default: the name's first word).
        #[arg(long, value_enum)]
        kind: Option<KindArg>,
        /// Provinsi; bawaan "Sumatera Barat" (the province).
        #[arg(long)]
        province: Option<String>,
    },
    /// Buat berita, program atau halaman baru dengan front matter yang lengkap
    /// (create a new news item, program or page with complete front matter).
    #[command(after_help = "Contoh (example):\n  \
        cerdas new berita \"Rapat Koordinasi OPD: Tahap II\" --foto rapat1.jpg rapat2.jpg\n  \
        cerdas new program \"Satu Data Tanah Datar\"\n  \
        cerdas new halaman \"Kontak\"")]
    New {
        #[command(subcommand)]
        what: NewCommand,
    },
    /// Impor isi situs lama ke situs ini (import an old site's content into this site).
    Import {
        #[command(subcommand)]
        from: ImportCommand,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Impor berkas ekspor WordPress (Alat > Ekspor): pos menjadi berita, laman menjadi
    /// halaman, foto disalin, alamat lama dialihkan ke alamat baru
    /// (import a WordPress export: posts become news, pages become pages, photos are copied,
    /// old addresses redirect to the new ones).
    #[command(after_help = "Contoh (example):\n  \
        cerdas import wordpress portal-lama.xml situs-agam --uploads salinan/wp-content/uploads\n  \
        cerdas import wordpress portal-lama.xml situs-agam --uploads uploads --map kategori.yaml\n\n\
        Berkas yang sudah ada tidak ditimpa kecuali dengan --replace; impor ulang yang sama tidak\n\
        mengubah apa pun. Alamat lama ditulis di redirects.yaml; `cerdas build` membuat _redirects,\n\
        .htaccess dan halaman pengalih darinya.\n\
        (Existing files are not overwritten unless --replace; importing the same export again\n\
        changes nothing. Old addresses go to redirects.yaml, from which `cerdas build` writes\n\
        _redirects, .htaccess rules and redirect pages.)")]
    Wordpress {
        /// Berkas ekspor WordPress (.xml) (the WordPress export file).
        export: PathBuf,
        /// Folder situs yang berisi site.yaml (the site folder holding site.yaml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Salinan folder wp-content/uploads situs lama (a copy of the old wp-content/uploads).
        #[arg(long, value_name = "FOLDER")]
        uploads: Option<PathBuf>,
        /// Peta kategori ke dimensi dan program (categories to dimensions and programs).
        #[arg(long, value_name = "MAP.yaml")]
        map: Option<PathBuf>,
        /// Timpa berkas yang sudah ada dengan isi lain (overwrite files that differ).
        #[arg(long)]
        replace: bool,
    },
}

#[derive(Subcommand)]
enum NewCommand {
    /// Berita baru: folder berita/<slug>/ berisi index.md dan fotonya
    /// (a news item: a folder berita/<slug>/ holding index.md and its photos).
    #[command(after_help = "Contoh (example):\n  \
        cerdas new berita \"Rapat Koordinasi OPD: Tahap II\" --foto rapat1.jpg rapat2.jpg\n  \
        cerdas new berita \"Bimtek Smart City\" situs-tanah-datar --foto C:\\Foto\\bimtek.jpg\n\n\
        Foto pertama menjadi foto sampul. Folder situs ditulis sebelum --foto.\n\
        (The first photo becomes the cover. The site folder goes before --foto.)")]
    Berita {
        /// Judul berita, di antara tanda kutip (the headline, in quotes).
        title: String,
        /// Folder situs yang berisi site.yaml (the site folder holding site.yaml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Foto yang disalin ke folder berita; yang pertama menjadi sampul
        /// (photos to copy in; the first is the cover).
        #[arg(long = "foto", value_name = "FOTO", num_args = 1..)]
        photos: Vec<PathBuf>,
    },
    /// Program baru: program/<slug>.md (a new program).
    #[command(after_help = "Contoh (example):\n  cerdas new program \"Satu Data Tanah Datar\"")]
    Program {
        /// Nama program, di antara tanda kutip (the program's name, in quotes).
        title: String,
        /// Folder situs yang berisi site.yaml (the site folder holding site.yaml).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Halaman baru: halaman/<slug>.md, tampil di /<slug>/ (a new plain page).
    #[command(after_help = "Contoh (example):\n  cerdas new halaman \"Kontak\"")]
    Halaman {
        /// Judul halaman, di antara tanda kutip (the page's title, in quotes).
        title: String,
        /// Folder situs yang berisi site.yaml (the site folder holding site.yaml).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
}

/// How `check` reports what it found.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Compiler-style text on stderr.
    Text,
    /// A JSON array of diagnostics on stdout.
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let forced = cli.lang.map(|l| match l {
        LangArg::Id => Lang::Id,
        LangArg::En => Lang::En,
    });
    let format = match cli.command {
        Command::Check { format, .. } => format,
        _ => Format::Text,
    };
    let (result, output) = match cli.command {
        Command::Build {
            dir,
            output,
            base_url,
            keep_going,
            cache_dir,
        } => {
            let opts = BuildOptions {
                input: dir,
                output: output.clone(),
                base_url,
                keep_going,
                cache_dir,
                progress: ProgressSink(Arc::new(Bars::new(forced.unwrap_or_default()))),
            };
            (build(&opts), Some(output))
        }
        Command::Check { dir, .. } => {
            let opts = BuildOptions {
                input: dir,
                ..BuildOptions::default()
            };
            (check(&opts), None)
        }
        Command::Serve {
            dir,
            port,
            bind,
            edit,
            photo_workers,
        } => return serve(dir, (port, bind, edit), photo_workers, forced),
        Command::Init {
            dir,
            name,
            kind,
            province,
        } => return init(dir, name, kind, province, forced.unwrap_or_default()),
        Command::New { what } => return new(what, forced.unwrap_or_default()),
        Command::Import { from } => return import(from, forced.unwrap_or_default()),
    };
    if format == Format::Json {
        return print_json(&result, forced);
    }
    match result {
        Ok(report) => {
            let lang = forced.unwrap_or(report.lang);
            if !report.warnings.0.is_empty() {
                for w in &report.warnings.0 {
                    eprint!("{}", w.render_warning(lang));
                }
                eprintln!();
            }
            println!("{}", summary_line(&report, output.as_ref(), lang));
            ExitCode::SUCCESS
        }
        Err(errors) => {
            eprint!("{}", errors.render(forced.unwrap_or_default()));
            ExitCode::FAILURE
        }
    }
}

/// Long work shown while it runs: a bar per kind of work on a terminal, a plain line at each
/// quarter in a log (CI, a file). Work of fewer than [`Bars::SHOWN_FROM`] steps is not shown.
struct Bars {
    lang: Lang,
    terminal: bool,
    multi: indicatif::MultiProgress,
    /// Per kind of work: its bar (on a terminal), steps expected and steps done.
    state: Mutex<HashMap<Work, WorkState>>,
}

/// A kind of work's bar (on a terminal), steps expected and steps done.
type WorkState = (Option<indicatif::ProgressBar>, usize, usize);

impl Bars {
    const SHOWN_FROM: usize = 8;

    fn new(lang: Lang) -> Bars {
        Bars {
            lang,
            terminal: std::io::stderr().is_terminal(),
            multi: indicatif::MultiProgress::new(),
            state: Mutex::new(HashMap::new()),
        }
    }

    fn bar(&self, work: Work, total: usize) -> indicatif::ProgressBar {
        let bar = self.multi.add(indicatif::ProgressBar::new(total as u64));
        let style = indicatif::ProgressStyle::with_template("{msg:28} [{bar:30}] {pos}/{len}")
            .map(|s| s.progress_chars("=> "));
        if let Ok(style) = style {
            bar.set_style(style);
        }
        bar.set_message(work.label().get(self.lang).to_string());
        bar
    }
}

impl Progress for Bars {
    fn expect(&self, work: Work, steps: usize) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        let entry = state.entry(work).or_insert((None, 0, 0));
        entry.1 += steps;
        if self.terminal && entry.1 >= Self::SHOWN_FROM {
            match &entry.0 {
                Some(bar) => bar.set_length(entry.1 as u64),
                None => entry.0 = Some(self.bar(work, entry.1)),
            }
        }
    }

    fn advance(&self, work: Work, steps: usize) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        let Some((bar, total, done)) = state.get_mut(&work) else {
            return;
        };
        let before = *done;
        *done += steps;
        if let Some(bar) = bar {
            bar.inc(steps as u64);
            if *done >= *total {
                bar.finish();
            }
        } else if !self.terminal && *total >= Self::SHOWN_FROM {
            let quarter = |n: usize| n * 4 / *total;
            if quarter(*done) > quarter(before) {
                say_err(format!("{}: {done}/{total}", work.label().get(self.lang)));
            }
        }
    }
}

/// Prints `check`'s findings as a JSON array on stdout (warnings when it passed, errors when
/// it did not) and the summary on stderr; the exit code is the same as for text.
fn print_json(result: &Result<BuildReport, Diagnostics>, lang: Option<Lang>) -> ExitCode {
    match result {
        Ok(report) => {
            say(report.warnings.to_json(Severity::Warning));
            say_err(summary_line(report, None, lang.unwrap_or(report.lang)));
            ExitCode::SUCCESS
        }
        Err(errors) => {
            say(errors.to_json(Severity::Error));
            ExitCode::FAILURE
        }
    }
}

fn serve(
    dir: PathBuf,
    (port, bind, edit): (u16, std::net::IpAddr, bool),
    photo_workers: Option<usize>,
    lang: Option<Lang>,
) -> ExitCode {
    let shown = lang.unwrap_or_default();
    let options = ServeOptions {
        input: dir,
        bind,
        port,
        lang,
        edit,
        photo_workers,
        release_memory: Some(release_memory),
    };
    let text = |id: String, en: String| if shown == Lang::En { en } else { id };
    let result = cerdas::serve::run(options, |event| match event {
        ServeEvent::PortTaken(p) => say_err(text(
            format!("port {p} sudah dipakai, mencoba port berikutnya"),
            format!("port {p} is taken, trying the next one"),
        )),
        ServeEvent::NotLoopback(ip) => say_err(text(
            format!(
                "peringatan: {ip} bukan 127.0.0.1; pratinjau ini bisa dibuka dari komputer lain"
            ),
            format!("warning: {ip} is not loopback; other machines can open this preview"),
        )),
        ServeEvent::Listening {
            url,
            editor,
            elapsed,
            errors,
        } => {
            if let Some(e) = errors {
                say_err(e);
            }
            let ms = elapsed.as_millis();
            say(text(
                format!("Pratinjau siap di {url} ({ms} ms). Tekan Ctrl-C untuk berhenti."),
                format!("Preview ready at {url} ({ms} ms). Press Ctrl-C to stop."),
            ));
            if let Some(editor) = editor {
                say(text(
                    format!("Penyunting (jangan bagikan alamat ini): {editor}"),
                    format!("Editor (do not share this address): {editor}"),
                ));
            }
        }
        ServeEvent::Rebuilt {
            paths,
            elapsed,
            errors,
        } => {
            let names: Vec<String> = paths
                .iter()
                .filter_map(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .collect();
            let (ms, names) = (elapsed.as_millis(), names.join(", "));
            match errors {
                Some(e) => say_err(e),
                None => say(text(
                    format!("Dibangun ulang dalam {ms} ms: {names}"),
                    format!("Rebuilt in {ms} ms: {names}"),
                )),
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(errors) => {
            say_err(errors.render(shown));
            ExitCode::FAILURE
        }
    }
}

fn init(
    dir: PathBuf,
    name: String,
    kind: Option<KindArg>,
    province: Option<String>,
    lang: Lang,
) -> ExitCode {
    let options = InitOptions {
        dir,
        name,
        kind: kind.map(|k| match k {
            KindArg::Kabupaten => RegencyKind::Kabupaten,
            KindArg::Kota => RegencyKind::Kota,
        }),
        province,
        date: now_wib(),
    };
    finish(init_site(&options).map(|r| init_summary(&r, lang)), lang)
}

fn new(what: NewCommand, lang: Lang) -> ExitCode {
    let (kind, title, dir, photos) = match what {
        NewCommand::Berita { title, dir, photos } => (NewKind::Berita, title, dir, photos),
        NewCommand::Program { title, dir } => (NewKind::Program, title, dir, Vec::new()),
        NewCommand::Halaman { title, dir } => (NewKind::Halaman, title, dir, Vec::new()),
    };
    let options = NewOptions {
        dir,
        kind,
        title,
        photos,
        date: now_wib(),
    };
    let summary = new_file(&options).map(|r| new_summary(&r, &options.dir, lang));
    finish(summary, lang)
}

fn import(from: ImportCommand, lang: Lang) -> ExitCode {
    let ImportCommand::Wordpress {
        export,
        dir,
        uploads,
        map,
        replace,
    } = from;
    let options = ImportOptions {
        export,
        dir,
        uploads,
        map,
        replace,
    };
    match import_wordpress(&options) {
        Ok(report) => {
            if !report.attention.is_empty() || !report.unknown_shortcodes.is_empty() {
                say_err(import_attention(&report, lang));
            }
            say(import_summary(&report, &options.dir, lang));
            ExitCode::SUCCESS
        }
        Err(errors) => {
            say_err(errors.render(lang));
            ExitCode::FAILURE
        }
    }
}

/// The items that need a person, one per line with their WordPress ID and title.
fn import_attention(r: &ImportReport, lang: Lang) -> String {
    let mut out = match lang {
        Lang::Id => format!("Perlu diperiksa ({}):\n", r.attention.len()),
        Lang::En => format!("Needs a person ({}):\n", r.attention.len()),
    };
    for a in &r.attention {
        out.push_str(&format!("  #{} {}: {}\n", a.id, a.title, a.why.get(lang)));
    }
    if !r.unknown_shortcodes.is_empty() {
        let list: Vec<String> = r
            .unknown_shortcodes
            .iter()
            .map(|(name, n)| format!("[{name}] x{n}"))
            .collect();
        out.push_str(&match lang {
            Lang::Id => format!("Kode pendek yang tidak dikenal: {}\n", list.join(", ")),
            Lang::En => format!("Unknown shortcodes: {}\n", list.join(", ")),
        });
    }
    out
}

fn import_summary(r: &ImportReport, dir: &std::path::Path, lang: Lang) -> String {
    let skipped: Vec<String> = r
        .skipped
        .iter()
        .map(|(kind, n)| format!("{kind} {n}"))
        .collect();
    let skipped = if skipped.is_empty() {
        "-".to_string()
    } else {
        skipped.join(", ")
    };
    let ms = r.elapsed.as_millis();
    let dir = dir_arg(dir);
    match lang {
        Lang::Id => format!(
            "Impor selesai dalam {ms} ms: {} berita, {} draft, {} halaman; {} foto/dokumen disalin, {} foto tidak ditemukan; {} alamat lama dialihkan.\n\
             Berkas: {} dibuat, {} tidak berubah, {} dibiarkan (sudah ada dengan isi lain), {} ditimpa.\n\
             Dilewati: {skipped}.\n\
             Langkah berikutnya: `cerdas check{dir}`, lalu `cerdas serve{dir}`.",
            r.news,
            r.drafts,
            r.pages,
            r.photos_copied,
            r.photos_missing,
            r.redirects_added,
            r.written,
            r.unchanged,
            r.kept,
            r.replaced
        ),
        Lang::En => format!(
            "Import done in {ms} ms: {} news, {} drafts, {} pages; {} photos/documents copied, {} photos not found; {} old addresses redirected.\n\
             Files: {} created, {} unchanged, {} kept (exist with other content), {} replaced.\n\
             Skipped: {skipped}.\n\
             Next: `cerdas check{dir}`, then `cerdas serve{dir}`.",
            r.news,
            r.drafts,
            r.pages,
            r.photos_copied,
            r.photos_missing,
            r.redirects_added,
            r.written,
            r.unchanged,
            r.kept,
            r.replaced
        ),
    }
}

/// Prints what `init` or `new` did, or its errors, and gives the exit code.
fn finish(result: Result<String, Diagnostics>, lang: Lang) -> ExitCode {
    match result {
        Ok(text) => {
            say(text);
            ExitCode::SUCCESS
        }
        Err(errors) => {
            say_err(errors.render(lang));
            ExitCode::FAILURE
        }
    }
}

/// `dir` as the user would type it after a command: nothing for `.`, quoted with spaces.
fn dir_arg(dir: &std::path::Path) -> String {
    let shown = dir.display().to_string();
    if shown == "." {
        String::new()
    } else if shown.contains(' ') {
        format!(" \"{shown}\"")
    } else {
        format!(" {shown}")
    }
}

fn init_summary(r: &InitReport, lang: Lang) -> String {
    let files: String = r
        .files
        .iter()
        .map(|f| format!("  {}\n", r.dir.join(f).display()))
        .collect();
    let dir = dir_arg(&r.dir);
    match lang {
        Lang::Id => format!(
            "Situs {} dibuat ({} berkas):\n{files}\nLangkah berikutnya: buka site.yaml dan ganti baris yang ditandai GANTI, lalu lihat\npratinjaunya dengan `cerdas serve{dir}`. Berita baru: `cerdas new berita \"Judul\"{dir}`.",
            r.name,
            r.files.len()
        ),
        Lang::En => format!(
            "Site {} created ({} files):\n{files}\nNext: open site.yaml and replace the lines marked GANTI, then preview with\n`cerdas serve{dir}`. A news item: `cerdas new berita \"Title\"{dir}`.",
            r.name,
            r.files.len()
        ),
    }
}

fn new_summary(r: &NewReport, dir: &std::path::Path, lang: Lang) -> String {
    let photos: Vec<String> = r
        .photos
        .iter()
        .filter_map(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .collect();
    let dir = dir_arg(dir);
    let (made, copied, next) = match lang {
        Lang::Id => (
            "Berkas dibuat, buka untuk diisi",
            "Foto disalin",
            format!(
                "Ganti teks contoh dan baris yang ditandai GANTI, lalu lihat pratinjaunya dengan `cerdas serve{dir}`."
            ),
        ),
        Lang::En => (
            "File created, open it to write",
            "Photos copied",
            format!(
                "Replace the example text and the lines marked GANTI, then preview with `cerdas serve{dir}`."
            ),
        ),
    };
    let mut out = format!("{made}: {}\n", r.file.display());
    if !photos.is_empty() {
        out.push_str(&format!("{copied}: {}\n", photos.join(", ")));
    }
    out.push_str(&next);
    out
}

/// Prints a line to stdout; a closed stdout (the preview piped into `head`) must not stop the
/// server, so write errors are ignored.
fn say(line: String) {
    let _ = writeln!(std::io::stdout(), "{}", line.trim_end());
}

/// Prints to stderr, ignoring write errors like [`say`].
fn say_err(text: String) {
    let _ = writeln!(std::io::stderr(), "{}", text.trim_end());
}

/// A size as people read it: "12,3 MB" (Indonesian decimal comma) or "12.3 MB".
fn size_text(bytes: u64, lang: Lang) -> String {
    let (value, unit) = match bytes {
        b if b >= 1 << 30 => (b as f64 / f64::from(1u32 << 30), "GB"),
        b if b >= 1 << 20 => (b as f64 / f64::from(1u32 << 20), "MB"),
        b if b >= 1 << 10 => (b as f64 / 1024.0, "KB"),
        b => return format!("{b} B"),
    };
    let text = format!("{value:.1} {unit}");
    match lang {
        Lang::Id => text.replace('.', ","),
        Lang::En => text,
    }
}

fn summary_line(r: &BuildReport, output: Option<&PathBuf>, lang: Lang) -> String {
    let ms = r.elapsed.as_millis();
    match (output, lang) {
        (Some(out), Lang::Id) => format!(
            "Selesai: {} kabupaten/kota, {} berita, {} foto diproses, {} berkas dibuat, {} berkas disalin ({} tidak berubah) ke {} ({}) dalam {ms} ms.",
            r.regencies,
            r.news,
            r.photos,
            r.rendered,
            r.copied,
            r.unchanged,
            out.display(),
            size_text(r.output_bytes, lang),
        ),
        (Some(out), Lang::En) => format!(
            "Done: {} regencies, {} news items, {} photos processed, {} files made, {} files copied ({} unchanged) to {} ({}) in {ms} ms.",
            r.regencies,
            r.news,
            r.photos,
            r.rendered,
            r.copied,
            r.unchanged,
            out.display(),
            size_text(r.output_bytes, lang),
        ),
        (None, Lang::Id) => format!(
            "Tidak ada masalah: {} kabupaten/kota, {} berita, {} berkas diperiksa dalam {ms} ms.",
            r.regencies, r.news, r.rendered
        ),
        (None, Lang::En) => format!(
            "No problems: {} regencies, {} news items, {} files checked in {ms} ms.",
            r.regencies, r.news, r.rendered
        ),
    }
}
