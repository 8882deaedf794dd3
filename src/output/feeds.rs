//! Atom and JSON Feed 1.1 with RFC 3339 dates, for a regency or a whole province.

use std::borrow::Cow;

use serde_json::json;

use crate::province::Province;
use crate::site::{NewsPage, Site};
use crate::text::escape_html;

/// How many of the newest items a regency's feed carries.
pub const FEED_SIZE: usize = 20;
/// How many of each regency's newest items the province feed carries.
pub const PROVINCE_FEED_PER_REGENCY: usize = 10;

/// What a feed says about itself.
pub struct FeedMeta<'a> {
    /// The feed's title.
    pub title: &'a str,
    /// A sentence about it.
    pub description: &'a str,
    /// Language code.
    pub language: &'a str,
    /// The home page's absolute URL.
    pub home: String,
    /// The feed's own absolute URL (Atom or JSON, filled in by each writer).
    pub base: String,
}

/// One item of a feed.
pub struct FeedEntry<'a> {
    /// Headline.
    pub title: &'a str,
    /// Absolute URL, also the id.
    pub permalink: &'a str,
    /// RFC 3339 date.
    pub date: &'a str,
    /// Author.
    pub author: &'a str,
    /// Plain-text summary.
    pub summary: &'a str,
    /// The body as HTML, when the feed carries it.
    pub content_html: Option<Cow<'a, str>>,
    /// Categories as (term, label).
    pub categories: Vec<(&'a str, &'a str)>,
    /// An absolute image URL.
    pub image: Option<&'a str>,
}

/// The Atom feed.
pub fn atom(meta: &FeedMeta, entries: &[FeedEntry]) -> String {
    let updated = entries
        .first()
        .map_or("1970-01-01T00:00:00+00:00", |e| e.date);
    let mut out = String::with_capacity(4096 + entries.len() * 1024);
    out.push_str(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"",
    );
    out.push_str(&format!(" xml:lang=\"{}\">\n", meta.language));
    out.push_str(&format!("  <title>{}</title>\n", escape_html(meta.title)));
    if !meta.description.is_empty() {
        out.push_str(&format!(
            "  <subtitle>{}</subtitle>\n",
            escape_html(meta.description)
        ));
    }
    out.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}atom.xml\"/>\n",
        meta.base
    ));
    out.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        meta.home
    ));
    out.push_str(&format!(
        "  <id>{}</id>\n  <updated>{updated}</updated>\n  <generator>cerdas</generator>\n",
        meta.home
    ));
    for e in entries {
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <title>{}</title>\n", escape_html(e.title)));
        out.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            escape_html(e.permalink)
        ));
        out.push_str(&format!("    <id>{}</id>\n", escape_html(e.permalink)));
        out.push_str(&format!(
            "    <published>{0}</published>\n    <updated>{0}</updated>\n",
            e.date
        ));
        out.push_str(&format!(
            "    <author><name>{}</name></author>\n",
            escape_html(e.author)
        ));
        for (term, label) in &e.categories {
            out.push_str(&format!(
                "    <category term=\"{}\" label=\"{}\"/>\n",
                escape_html(term),
                escape_html(label)
            ));
        }
        out.push_str(&format!(
            "    <summary>{}</summary>\n",
            escape_html(e.summary)
        ));
        if let Some(html) = &e.content_html {
            out.push_str(&format!(
                "    <content type=\"html\">{}</content>\n",
                escape_html(html)
            ));
        }
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

/// The JSON Feed 1.1.
pub fn json_feed(meta: &FeedMeta, entries: &[FeedEntry]) -> String {
    let items: Vec<serde_json::Value> = entries
        .iter()
        .map(|e| {
            let mut item = json!({
                "id": e.permalink,
                "url": e.permalink,
                "title": e.title,
                "summary": e.summary,
                "date_published": e.date,
                "authors": [{ "name": e.author }],
                "tags": e.categories.iter().map(|(t, _)| *t).collect::<Vec<_>>(),
                "language": meta.language,
            });
            match &e.content_html {
                Some(html) => item["content_html"] = json!(html),
                None => item["content_text"] = json!(e.summary),
            }
            if let Some(image) = e.image {
                item["image"] = json!(image);
            }
            item
        })
        .collect();
    let mut feed = json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": meta.title,
        "home_page_url": meta.home,
        "feed_url": format!("{}feed.json", meta.base),
        "language": meta.language,
        "items": items,
    });
    if !meta.description.is_empty() {
        feed["description"] = json!(meta.description);
    }
    serde_json::to_string_pretty(&feed).unwrap_or_default()
}

fn site_meta(site: &Site) -> FeedMeta<'_> {
    FeedMeta {
        title: &site.config.name,
        description: &site.config.description,
        language: site.config.language.code(),
        home: site.urls.permalink(""),
        base: site.urls.permalink(""),
    }
}

fn news_entry(n: &NewsPage) -> FeedEntry<'_> {
    FeedEntry {
        title: &n.title,
        permalink: &n.permalink,
        date: &n.date.iso,
        author: &n.author,
        summary: &n.summary,
        content_html: Some(n.content.text()),
        categories: n
            .dimensions
            .iter()
            .map(|d| (d.slug, d.title))
            .chain(n.tags.iter().map(|t| (t.slug.as_str(), t.name.as_str())))
            .collect(),
        image: n.cover.as_ref().map(|c| c.permalink.as_str()),
    }
}

/// A regency's `atom.xml` and `feed.json`: its newest news with their full text.
pub fn site_feeds(site: &Site) -> (String, String) {
    let meta = site_meta(site);
    let entries: Vec<FeedEntry> = site.news.iter().take(FEED_SIZE).map(news_entry).collect();
    (atom(&meta, &entries), json_feed(&meta, &entries))
}

/// The province's `atom.xml` and `feed.json`: the newest items of every regency, so each one
/// is in the feed however rarely it publishes.
pub fn province_feeds(p: &Province) -> (String, String) {
    let meta = FeedMeta {
        title: &p.config.name,
        description: &p.config.description,
        language: p.config.language.code(),
        home: p.urls.permalink(""),
        base: p.urls.permalink(""),
    };
    // Each regency's newest items, back in the province's order (newest first).
    let mut shown: Vec<usize> = p
        .news_by_regency
        .iter()
        .flat_map(|items| items.iter().take(PROVINCE_FEED_PER_REGENCY).copied())
        .collect();
    shown.sort_unstable();
    let entries: Vec<FeedEntry> = shown
        .into_iter()
        .map(|i| &p.news[i])
        .map(|n| FeedEntry {
            title: &n.title,
            permalink: &n.permalink,
            date: &n.date.iso,
            author: &n.author,
            summary: &n.summary,
            content_html: None,
            categories: std::iter::once((n.regency.as_str(), n.regency_name.as_str()))
                .chain(n.dimensions.iter().map(|d| (d.slug, d.title)))
                .collect(),
            image: None,
        })
        .collect();
    (atom(&meta, &entries), json_feed(&meta, &entries))
}
