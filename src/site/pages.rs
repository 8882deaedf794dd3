//! What each kind of document becomes: a news, program, masterplan or plain page of the model,
//! and the files copied beside them.

use std::collections::HashMap;
use std::path::Path;

use crate::content::kinds::{BeritaMeta, HalamanMeta, MasterplanMeta, ProgramMeta};
use crate::content::types::{Dimension, Label, Slug};
use crate::content::{Content, Doc};
use crate::error::Lang;
use crate::markdown::RenderedMarkdown;
use crate::text::dates::rupiah;
use crate::text::packed::Html;

use super::checks::NewsPictures;
use super::images::is_processed_picture;
use super::index::published_documents;
use super::model::{
    CopiedFile, DateView, DimensionPlanView, DimensionRef, DocumentView, EventView, HalamanPage,
    MasterplanPage, NewsPage, NewsRef, ProgramPage, ProgramRef, TagRef, Urls,
};

pub(super) fn dimension_ref(d: Dimension, urls: &Urls) -> DimensionRef {
    DimensionRef {
        slug: d.slug(),
        title: d.title(),
        url: urls.path(&format!("dimensi/{}/", d.slug())),
    }
}

pub(super) fn program_ref(doc: &Doc<ProgramMeta>, urls: &Urls) -> ProgramRef {
    ProgramRef {
        slug: doc.slug.clone(),
        title: doc.meta.title.clone(),
        url: urls.path(&format!("program/{}/", doc.slug)),
        status: doc.meta.status,
        quick_win: doc.meta.quick_win,
    }
}

pub(super) fn news_page(
    doc: &Doc<BeritaMeta>,
    md: RenderedMarkdown,
    urls: &Urls,
    lang: Lang,
    programs: &HashMap<&Slug, ProgramRef>,
    images: NewsPictures,
) -> NewsPage {
    let m = &doc.meta;
    let page_path = format!("berita/{}/", doc.slug);
    let (summary, summary_html) = match &m.summary {
        Some(s) => (s.clone(), format!("<p>{}</p>", crate::text::escape_html(s))),
        None => (md.summary_text, md.summary_html),
    };
    NewsPage {
        slug: doc.slug.clone(),
        url: urls.path(&page_path),
        permalink: urls.permalink(&page_path),
        title: m.title.clone(),
        date: DateView::new(&m.date, lang),
        summary,
        summary_html,
        content: md.html,
        author: m.author.clone(),
        editor: m.editor.clone(),
        source: m.source.clone(),
        location: m.location.clone(),
        event: m.event.as_ref().map(|e| EventView {
            kind: e.kind,
            stage: e.stage.clone(),
        }),
        dimensions: m
            .dimensions
            .iter()
            .map(|d| dimension_ref(*d, urls))
            .collect(),
        programs: m
            .programs
            .iter()
            .filter_map(|s| programs.get(s).cloned())
            .collect(),
        tags: tag_refs(&m.tags, urls),
        cover: m.cover.as_ref().and_then(|c| images.views.get(c).cloned()),
        og_image: images.og_image,
        photos: m
            .photos
            .iter()
            .filter_map(|p| images.views.get(&p.src).cloned())
            .collect(),
        related: Vec::new(),
        extra: m.extra.clone(),
    }
}

/// A news item's tags, each slug once (the first form written), linked to their pages.
fn tag_refs(tags: &[Label], urls: &Urls) -> Vec<TagRef> {
    let mut refs: Vec<TagRef> = Vec::with_capacity(tags.len());
    for t in tags {
        if refs.iter().all(|r| r.slug != t.slug) {
            refs.push(TagRef {
                slug: t.slug.clone(),
                name: t.name.clone(),
                url: urls.path(&format!("tag/{}/", t.slug)),
            });
        }
    }
    refs
}

pub(super) fn news_ref(n: &NewsPage) -> NewsRef {
    NewsRef {
        title: n.title.clone(),
        url: n.url.clone(),
        date: n.date.clone(),
    }
}

pub(super) fn program_page(doc: &Doc<ProgramMeta>, content: Html, urls: &Urls) -> ProgramPage {
    let m = &doc.meta;
    let page_path = format!("program/{}/", doc.slug);
    ProgramPage {
        slug: doc.slug.clone(),
        url: urls.path(&page_path),
        permalink: urls.permalink(&page_path),
        title: m.title.clone(),
        dimension: dimension_ref(m.dimension, urls),
        opd: m.opd.clone(),
        status: m.status,
        quick_win: m.quick_win,
        years: m.years.clone(),
        budget: m.budget,
        budget_display: m.budget.map(rupiah),
        indicators: m.indicators.clone(),
        summary: m.summary.clone(),
        content,
        news: Vec::new(),
        extra: m.extra.clone(),
    }
}

pub(super) fn attach_news_to_programs(programs: &mut [ProgramPage], news: &[NewsPage]) {
    let mut by_slug: HashMap<&str, Vec<NewsRef>> = HashMap::new();
    for n in news {
        for p in &n.programs {
            by_slug
                .entry(p.slug.as_str())
                .or_default()
                .push(news_ref(n));
        }
    }
    for p in programs {
        p.news = by_slug.remove(p.slug.as_str()).unwrap_or_default();
    }
}

pub(super) fn masterplan_page(
    doc: &Doc<MasterplanMeta>,
    content: Html,
    urls: &Urls,
    programs: &[ProgramPage],
    refs: &HashMap<&Slug, ProgramRef>,
) -> MasterplanPage {
    let m = &doc.meta;
    let dimensions = Dimension::ALL
        .iter()
        .filter_map(|d| {
            let plan = m.dimensions.get(d)?;
            Some(DimensionPlanView {
                dimension: dimension_ref(*d, urls),
                summary: plan.summary.clone(),
                goals: plan.goals.clone(),
                programs: programs
                    .iter()
                    .filter(|p| p.dimension.slug == d.slug())
                    .filter_map(|p| refs.get(&p.slug).cloned())
                    .collect(),
            })
        })
        .collect();
    MasterplanPage {
        url: urls.path("masterplan/"),
        permalink: urls.permalink("masterplan/"),
        title: m.title.clone(),
        period_start: m.period.start,
        period_end: m.period.end,
        regulation: m.regulation.clone(),
        vision: m.vision.clone(),
        missions: m.missions.clone(),
        dimensions,
        quick_wins: m
            .quick_wins
            .iter()
            .filter_map(|s| refs.get(s).cloned())
            .collect(),
        documents: m
            .documents
            .iter()
            .map(|d| DocumentView {
                title: d.title.clone(),
                url: urls.path(&format!("masterplan/{}", d.file)),
            })
            .collect(),
        status: m.status,
        content,
        extra: m.extra.clone(),
    }
}

pub(super) fn halaman_page(
    doc: &Doc<HalamanMeta>,
    md: RenderedMarkdown,
    urls: &Urls,
) -> HalamanPage {
    let page_path = format!("{}/", doc.slug);
    HalamanPage {
        slug: doc.slug.clone(),
        url: urls.path(&page_path),
        permalink: urls.permalink(&page_path),
        title: doc.meta.title.clone(),
        summary: doc.meta.summary.clone().unwrap_or(md.summary_text),
        content: md.html,
        menu: doc.meta.menu,
        extra: doc.meta.extra.clone(),
    }
}

pub(super) fn copied_files(content: &Content) -> Vec<CopiedFile> {
    let mut copies: Vec<CopiedFile> = content
        .static_files
        .iter()
        .map(|f| CopiedFile {
            from: content.root.join("static").join(f),
            to: f.clone(),
        })
        .collect();
    for doc in published_documents(content) {
        let Some(dir) = doc.bundle else { continue };
        let out_dir = Path::new(doc.page.trim_end_matches('/'));
        copies.extend(
            doc.assets
                .iter()
                .filter(|a| !is_processed_picture(a))
                .map(|a| CopiedFile {
                    from: content.root.join(dir).join(a),
                    to: out_dir.join(a),
                }),
        );
    }
    copies
}
