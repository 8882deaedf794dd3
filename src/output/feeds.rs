//! Atom and JSON Feed 1.1 of the latest news, with RFC 3339 dates.

use serde_json::json;

use crate::render::escape_html;
use crate::site::{NewsPage, Site};

/// How many of the newest items a feed carries.
pub const FEED_SIZE: usize = 20;

/// The Atom feed (`atom.xml`).
pub fn atom_feed(site: &Site) -> String {
    let urls = &site.urls;
    let updated = site.news.first().map_or_else(
        || "1970-01-01T00:00:00+00:00".to_string(),
        |n| n.date.iso.clone(),
    );
    let mut out = String::with_capacity(4096);
    out.push_str(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"",
    );
    out.push_str(&format!(" xml:lang=\"{}\">\n", site.config.language.code()));
    out.push_str(&format!(
        "  <title>{}</title>\n",
        escape_html(&site.config.name)
    ));
    if !site.config.description.is_empty() {
        out.push_str(&format!(
            "  <subtitle>{}</subtitle>\n",
            escape_html(&site.config.description)
        ));
    }
    out.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        urls.permalink("atom.xml")
    ));
    out.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        urls.permalink("")
    ));
    out.push_str(&format!(
        "  <id>{}</id>\n  <updated>{updated}</updated>\n",
        urls.permalink("")
    ));
    out.push_str("  <generator>cerdas</generator>\n");
    for n in site.news.iter().take(FEED_SIZE) {
        push_atom_entry(&mut out, n);
    }
    out.push_str("</feed>\n");
    out
}

fn push_atom_entry(out: &mut String, n: &NewsPage) {
    out.push_str("  <entry>\n");
    out.push_str(&format!("    <title>{}</title>\n", escape_html(&n.title)));
    out.push_str(&format!(
        "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        n.permalink
    ));
    out.push_str(&format!("    <id>{}</id>\n", n.permalink));
    out.push_str(&format!(
        "    <published>{0}</published>\n    <updated>{0}</updated>\n",
        n.date.iso
    ));
    out.push_str(&format!(
        "    <author><name>{}</name></author>\n",
        escape_html(&n.author)
    ));
    for d in &n.dimensions {
        out.push_str(&format!(
            "    <category term=\"{}\" label=\"{}\"/>\n",
            d.slug, d.title
        ));
    }
    out.push_str(&format!(
        "    <summary>{}</summary>\n",
        escape_html(&n.summary)
    ));
    out.push_str(&format!(
        "    <content type=\"html\">{}</content>\n",
        escape_html(&n.content)
    ));
    out.push_str("  </entry>\n");
}

/// The JSON Feed 1.1 (`feed.json`).
pub fn json_feed(site: &Site) -> String {
    let urls = &site.urls;
    let items: Vec<serde_json::Value> = site
        .news
        .iter()
        .take(FEED_SIZE)
        .map(|n| {
            let mut item = json!({
                "id": n.permalink,
                "url": n.permalink,
                "title": n.title,
                "summary": n.summary,
                "content_html": n.content,
                "date_published": n.date.iso,
                "authors": [{ "name": n.author }],
                "tags": n.tags.iter().map(|t| t.slug.as_str()).chain(n.dimensions.iter().map(|d| d.slug)).collect::<Vec<_>>(),
                "language": site.config.language.code(),
            });
            if let Some(c) = &n.cover {
                item["image"] = json!(c.permalink);
            }
            item
        })
        .collect();
    let mut feed = json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": site.config.name,
        "home_page_url": urls.permalink(""),
        "feed_url": urls.permalink("feed.json"),
        "language": site.config.language.code(),
        "items": items,
    });
    if !site.config.description.is_empty() {
        feed["description"] = json!(site.config.description);
    }
    serde_json::to_string_pretty(&feed).unwrap_or_default()
}
