//! The floor of a build: for every Markdown file of a corpus, read it, split the front
//! matter, render the body with pulldown-cmark and write the HTML; in parallel, nothing more.
//! The benchmark harness (`tools/bench.py`) compares cerdas with this to see how close to the
//! limit it is.
//!
//!     cargo run --release --example floor -- CORPUS_DIR OUT_DIR

use std::fs;
use std::path::{Path, PathBuf};

use pulldown_cmark::{Options, Parser, html};
use rayon::prelude::*;

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            markdown_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "md") {
            out.push(p);
        }
    }
}

fn body_of(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("---\n") else {
        return text;
    };
    match rest.find("\n---\n") {
        Some(i) => &rest[i + 5..],
        None => rest,
    }
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(input), Some(output)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: floor CORPUS_DIR OUT_DIR");
        std::process::exit(2);
    };
    let input = Path::new(input);
    let mut files = Vec::new();
    markdown_files(input, &mut files);
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    files.par_iter().try_for_each(|file| {
        let text = fs::read_to_string(file)?;
        let mut out = String::with_capacity(text.len() * 2);
        html::push_html(&mut out, Parser::new_ext(body_of(&text), options));
        let rel = file.strip_prefix(input).unwrap_or(file).with_extension("");
        let dest = Path::new(output).join(rel).join("index.html");
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(dest, out)
    })?;
    println!("floor: {} files", files.len());
    Ok(())
}
