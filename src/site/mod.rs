//! The loaded model of one regency: every page with its URL and rendered Markdown, links
//! between news, programs and the masterplan resolved, taxonomies and related news computed.
//! Takes `config`'s [`Regency`] (and `markdown` to render bodies); gives [`Site`], everything
//! a theme shows, ready to serialize: rendering never reads files again.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::{BaseUrl, Regency, SiteConfig};
use crate::content::kinds::BeritaMeta;
use crate::content::redirects::Redirect;
use crate::content::types::{Dimension, Slug};
use crate::content::{Content, Doc};
use crate::error::{Diagnostic, Diagnostics, Lang};
use crate::markdown::{MarkdownMemo, RenderedMarkdown, render_markdown};
use serde::Serialize;

mod checks;
pub mod images;
mod index;
mod menu;
pub mod model;
mod pages;
mod related;
mod terms;

pub use images::{ImageView, PictureMemo, Pictures, ResizedImage, is_processed_picture};
pub use model::*;

use checks::{
    SitePaths, broken_ref_errors, check_masterplan_refs, check_news_refs, check_redirects,
    check_site_files, check_url_collisions, large_static_photos,
};
use index::{ContentIndex, published_documents};
use menu::main_menu;
use pages::{
    attach_news_to_programs, copied_files, halaman_page, masterplan_page, news_page, program_page,
    program_ref,
};
use related::add_related_news;
use terms::{dimension_terms, tag_terms};

/// The whole regency, ready to render.
#[derive(Clone, Debug)]
pub struct Site {
    /// `site.yaml`.
    pub config: SiteConfig,
    /// Where pages are published.
    pub urls: Urls,
    /// Language of dates and theme text.
    pub lang: Lang,
    /// Published news, newest first.
    pub news: Vec<NewsPage>,
    /// Programs, by dimension then title.
    pub programs: Vec<ProgramPage>,
    /// The masterplan summary.
    pub masterplan: Option<MasterplanPage>,
    /// Plain pages, by slug.
    pub pages: Vec<HalamanPage>,
    /// The six dimensions with their news.
    pub dimensions: Vec<Term>,
    /// Tags with their news, by slug.
    pub tags: Vec<Term>,
    /// The main menu.
    pub menu: Vec<MenuEntry>,
    /// Files copied as they are: `static/`, bundle photos, masterplan documents.
    pub copies: Vec<CopiedFile>,
    /// The logo's root-relative URL (the file as it is in `static/`).
    pub logo_url: Option<String>,
    /// The logo, resized.
    pub logo: Option<ImageView>,
    /// The pictures pages show and the resized files they become (templates may ask for
    /// more while rendering, through `resize_image`); `output::images` makes them.
    pub pictures: std::sync::Arc<Pictures>,
    /// Tables from `data/`.
    pub data: serde_json::Map<String, serde_json::Value>,
    /// The province portal this site is part of, when built inside one.
    pub parent: Option<ParentPortal>,
    /// Problems that do not stop the build (a large photo in `static/`).
    pub warnings: Vec<Diagnostic>,
    /// Old addresses (`redirects.yaml`) and the pages they lead to, each checked to lead to a
    /// page of this site and not to stand where one of its pages is.
    pub redirects: Vec<Redirect>,
}

impl Site {
    /// Whether its pages have search: its own `search:` setting, or inside a province the
    /// province's (whose one index its pages go into).
    pub fn has_search(&self) -> bool {
        match &self.parent {
            Some(parent) => parent.search_bundle.is_some(),
            None => self.config.search,
        }
    }
}

/// A link from a regency's pages up to the province portal that holds them.
#[derive(Clone, Debug, Serialize)]
pub struct ParentPortal {
    /// The province portal's name.
    pub name: String,
    /// The root-relative URL of its home page.
    pub url: String,
    /// The root-relative URL of its search bundle (`/pagefind/`), when it has search.
    pub search_bundle: Option<String>,
}

/// Builds the model from a checked regency. `prefix` nests every URL (`/agam` in a province).
pub fn build_site(regency: Regency, base_url: &BaseUrl, prefix: &str) -> Result<Site, Diagnostics> {
    build_site_with(regency, base_url, prefix, None)
}

/// [`build_site`], taking bodies whose text and links did not change from `memo` (and keeping
/// the others there).
pub fn build_site_with(
    regency: Regency,
    base_url: &BaseUrl,
    prefix: &str,
    memo: Option<&SiteMemo>,
) -> Result<Site, Diagnostics> {
    let Regency {
        config,
        config_source,
        content,
    } = regency;
    let urls = Urls::new(base_url, prefix);
    let lang = config.language.lang();
    let mut errors = Vec::new();
    let kept_pictures = memo.map(|m| Arc::clone(&m.pictures));
    let index = ContentIndex::new(&content, &urls, kept_pictures);
    if let Some(memo) = memo {
        memo.markdown.retain(&markdown_files(&content));
    }
    let model = Modeller {
        content: &content,
        index: &index,
        urls: &urls,
        lang,
        memo,
        programs: content
            .programs
            .iter()
            .map(|p| (&p.slug, program_ref(p, &urls)))
            .collect(),
    };
    check_url_collisions(&content, &mut errors);
    let logo = check_site_files(&config, &config_source, &content, &index, &mut errors);
    let mut news = model.news(&mut errors);
    let programs = model.programs(&news, &mut errors);
    let masterplan = model.masterplan(&programs, &mut errors);
    let pages = model.pages(&mut errors);
    let dimensions = dimension_terms(&news, &urls);
    let tags = tag_terms(&mut news, &urls);
    let known = SitePaths {
        urls: &urls,
        news: &news,
        programs: &programs,
        masterplan: masterplan.as_ref(),
        pages: &pages,
        terms: [&dimensions, &tags],
    };
    let redirects = check_redirects(&content.redirects, &known, &mut errors);
    if !errors.is_empty() {
        errors.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        return Err(Diagnostics(errors));
    }
    let logo_url = config
        .logo
        .as_ref()
        .map(|l| urls.path(l.trim_start_matches('/')));
    let warnings = large_static_photos(&content);
    Ok(Site {
        warnings,
        dimensions,
        tags,
        menu: main_menu(&config, &pages, &urls, masterplan.is_some()),
        copies: copied_files(&content),
        urls,
        lang,
        news,
        programs,
        masterplan,
        pages,
        logo_url,
        logo,
        pictures: Arc::new(index.pictures),
        data: content.data,
        config,
        parent: None,
        redirects,
    })
}

/// What every page kind is made with: the content, where its files go, the programs by slug.
struct Modeller<'a> {
    content: &'a Content,
    index: &'a ContentIndex,
    urls: &'a Urls,
    lang: Lang,
    memo: Option<&'a SiteMemo>,
    programs: HashMap<&'a Slug, ProgramRef>,
}

impl Modeller<'_> {
    /// The body of a document as HTML, from the memo when its text and links did not change.
    fn markdown<M>(&self, doc: &Doc<M>) -> RenderedMarkdown {
        match self.memo {
            Some(memo) => memo
                .markdown
                .render(&doc.path, doc.body_hash, || doc.body(), self.index),
            None => render_markdown(doc.body(), doc.dir(), self.index),
        }
    }

    /// Published news, newest first, with their related news.
    fn news(&self, errors: &mut Vec<Diagnostic>) -> Vec<NewsPage> {
        let published: Vec<&Doc<BeritaMeta>> =
            self.content.news.iter().filter(|n| !n.meta.draft).collect();
        let rendered: Vec<(NewsPage, Vec<Diagnostic>)> = published
            .par_iter()
            .map(|doc| {
                let md = self.markdown(doc);
                let mut errs = broken_ref_errors(doc, &md, self.index);
                let (ref_errors, images) = check_news_refs(doc, &self.programs, self.index);
                errs.extend(ref_errors);
                let page = news_page(doc, md, self.urls, self.lang, &self.programs, images);
                (page, errs)
            })
            .collect();
        let mut news = keep_errors(rendered, errors);
        news.sort_by(|a, b| {
            b.date
                .timestamp
                .cmp(&a.date.timestamp)
                .then_with(|| a.slug.cmp(&b.slug))
        });
        add_related_news(&mut news);
        news
    }

    /// Programs by dimension then title, each with the news that mention it.
    fn programs(&self, news: &[NewsPage], errors: &mut Vec<Diagnostic>) -> Vec<ProgramPage> {
        let rendered: Vec<(ProgramPage, Vec<Diagnostic>)> = self
            .content
            .programs
            .par_iter()
            .map(|doc| {
                let md = self.markdown(doc);
                let errs = broken_ref_errors(doc, &md, self.index);
                (program_page(doc, md.html, self.urls), errs)
            })
            .collect();
        let mut programs = keep_errors(rendered, errors);
        programs.sort_by(|a, b| {
            dim_order(a.dimension.slug)
                .cmp(&dim_order(b.dimension.slug))
                .then_with(|| a.title.cmp(&b.title))
        });
        attach_news_to_programs(&mut programs, news);
        programs
    }

    /// The masterplan summary, if written.
    fn masterplan(
        &self,
        programs: &[ProgramPage],
        errors: &mut Vec<Diagnostic>,
    ) -> Option<MasterplanPage> {
        let doc = self.content.masterplan.as_ref()?;
        let md = self.markdown(doc);
        errors.extend(broken_ref_errors(doc, &md, self.index));
        errors.extend(check_masterplan_refs(doc, &self.programs));
        Some(masterplan_page(
            doc,
            md.html,
            self.urls,
            programs,
            &self.programs,
        ))
    }

    /// Plain pages, by slug.
    fn pages(&self, errors: &mut Vec<Diagnostic>) -> Vec<HalamanPage> {
        let mut pages: Vec<HalamanPage> = self
            .content
            .pages
            .iter()
            .map(|doc| {
                let md = self.markdown(doc);
                errors.extend(broken_ref_errors(doc, &md, self.index));
                halaman_page(doc, md, self.urls)
            })
            .collect();
        pages.sort_by(|a, b| a.slug.cmp(&b.slug));
        pages
    }
}

/// What a regency's model was last made from, kept by the preview server between builds.
#[derive(Default)]
pub struct SiteMemo {
    /// Bodies as last rendered, with the links they were rendered against.
    pub markdown: MarkdownMemo,
    /// Pictures' header facts as last read.
    pub pictures: Arc<PictureMemo>,
}

/// Every Markdown file of `content` whose body is rendered.
fn markdown_files(content: &Content) -> HashSet<&Path> {
    published_documents(content)
        .into_iter()
        .map(|d| d.path)
        .collect()
}

/// The pages of `rendered`, their errors moved to `errors`.
fn keep_errors<T>(rendered: Vec<(T, Vec<Diagnostic>)>, errors: &mut Vec<Diagnostic>) -> Vec<T> {
    let mut pages = Vec::with_capacity(rendered.len());
    for (page, errs) in rendered {
        errors.extend(errs);
        pages.push(page);
    }
    pages
}

fn dim_order(slug: &str) -> usize {
    Dimension::position_of(slug).unwrap_or(usize::MAX)
}
