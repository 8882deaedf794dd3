//! The `cerdas` command line: parses arguments, calls the library, prints, sets the exit code.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use cerdas::error::Lang;
use cerdas::{BuildOptions, build};

/// cerdas: pembuat situs statis untuk portal smart city kabupaten/kota dan provinsi.
/// (A static site generator for regency and province smart city portals.)
#[derive(Parser)]
#[command(name = "cerdas", version, about, long_about = None)]
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

#[derive(Subcommand)]
enum Command {
    /// Bangun situs dari folder konten (build the site from a content folder).
    Build {
        /// Folder situs yang berisi site.yaml (the site folder holding site.yaml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Folder keluaran (output folder).
        #[arg(short, long, default_value = "public")]
        output: PathBuf,
        /// Alamat situs untuk build ini, menggantikan base_url di site.yaml (publish address).
        #[arg(long)]
        base_url: Option<String>,
    },
    /// Periksa semua berkas tanpa menulis apa pun (check everything, write nothing).
    Check {
        /// Folder situs yang berisi site.yaml (the site folder holding site.yaml).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = match cli.lang {
        Some(LangArg::En) => Lang::En,
        _ => Lang::Id,
    };
    match cli.command {
        Command::Build {
            dir,
            output,
            base_url,
        } => {
            let opts = BuildOptions {
                input: dir,
                output: output.clone(),
                base_url,
            };
            match build(&opts) {
                Ok(report) => {
                    let lang = cli.lang.map_or(report.lang, |_| lang);
                    let ms = report.elapsed.as_millis();
                    match lang {
                        Lang::Id => println!(
                            "Selesai: {} berita, {} berkas dibuat, {} berkas disalin ke {} dalam {ms} ms.",
                            report.news,
                            report.rendered,
                            report.copied,
                            output.display()
                        ),
                        Lang::En => println!(
                            "Done: {} news items, {} files made, {} files copied to {} in {ms} ms.",
                            report.news,
                            report.rendered,
                            report.copied,
                            output.display()
                        ),
                    }
                    ExitCode::SUCCESS
                }
                Err(errors) => {
                    eprint!("{}", errors.render(lang));
                    ExitCode::FAILURE
                }
            }
        }
        Command::Check { dir } => match cerdas::build::build_in_memory(&dir, None) {
            Ok((site, files, _)) => {
                match lang {
                    Lang::Id => println!(
                        "Tidak ada masalah: {} berita, {} halaman diperiksa.",
                        site.news.len(),
                        files.len()
                    ),
                    Lang::En => println!(
                        "No problems: {} news items, {} pages checked.",
                        site.news.len(),
                        files.len()
                    ),
                }
                ExitCode::SUCCESS
            }
            Err(errors) => {
                eprint!("{}", errors.render(lang));
                ExitCode::FAILURE
            }
        },
    }
}
