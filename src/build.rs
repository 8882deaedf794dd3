//! The `build` command as a library call: load, model, render, write.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::BaseUrl;
use crate::content::load_content;
use crate::error::{Diagnostic, Diagnostics, Lang, Text};
use crate::output::{site_files, write};
use crate::render::theme::load_theme;
use crate::render::{OutputFile, render_site};
use crate::site::{CopiedFile, Site, build_site};

/// What to build and where.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// The regency folder (holding `site.yaml`).
    pub input: PathBuf,
    /// The output folder.
    pub output: PathBuf,
    /// Publish at this address instead of `site.yaml`'s `base_url`.
    pub base_url: Option<String>,
}

/// What a build did.
#[derive(Clone, Debug)]
pub struct BuildReport {
    /// HTML and other generated files written.
    pub rendered: usize,
    /// Files copied as they are.
    pub copied: usize,
    /// Published news items.
    pub news: usize,
    /// The language of the site, for messages.
    pub lang: Lang,
    /// Wall time of the whole build.
    pub elapsed: Duration,
}

/// Builds the regency in `opts.input` into `opts.output`, or reports every problem found.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let started = Instant::now();
    write::check_output_location(&opts.input, &opts.output)?;
    let (site, files, copies) = build_in_memory(&opts.input, opts.base_url.as_deref())?;
    let report = write::write_site(&opts.output, &files, &copies)?;
    Ok(BuildReport {
        rendered: report.rendered,
        copied: report.copied,
        news: site.news.len(),
        lang: site.lang,
        elapsed: started.elapsed(),
    })
}

/// Loads, models and renders the regency in `input` without writing anything.
pub fn build_in_memory(
    input: &Path,
    base_url: Option<&str>,
) -> Result<(Site, Vec<OutputFile>, Vec<CopiedFile>), Diagnostics> {
    let content = load_content(input)?;
    let base = match base_url {
        Some(text) => {
            BaseUrl::parse(text).map_err(|(m, h)| Diagnostic::file("--base-url", m).with_hint(h))?
        }
        None => content.config.base_url.clone(),
    };
    let theme = load_theme(
        input,
        &content.config_source,
        content.config.theme.as_deref(),
        content.templates_dir.as_deref(),
        content.config.language.lang(),
    )?;
    let site = build_site(content, &base, "")?;
    let mut files = render_site(&site, &theme)?;
    files.extend(site_files(&site));
    let mut copies = site.copies.clone();
    copies.extend(theme.static_files.iter().map(|(from, to)| CopiedFile {
        from: from.clone(),
        to: to.clone(),
    }));
    if files.is_empty() {
        return Err(Diagnostic::file(
            input,
            Text::new("tidak ada halaman yang dibuat", "no pages were made"),
        )
        .into());
    }
    Ok((site, files, copies))
}
