//! `sitemap.xml` (sitemaps.org 0.9) and `robots.txt`.

use crate::render::escape_html;
use crate::site::Site;

/// Every HTML page of the site with its absolute URL, and `lastmod` where a date is known.
pub fn sitemap(site: &Site) -> String {
    let urls = &site.urls;
    let mut entries: Vec<(String, Option<&str>)> = vec![(
        urls.permalink(""),
        site.news.first().map(|n| n.date.iso.as_str()),
    )];
    entries.push((
        urls.permalink("berita/"),
        site.news.first().map(|n| n.date.iso.as_str()),
    ));
    let pages = site.news.len().div_ceil(site.config.paginate.0);
    entries.extend((2..=pages).map(|n| (urls.permalink(&format!("berita/page/{n}/")), None)));
    entries.extend(
        site.news
            .iter()
            .map(|n| (n.permalink.clone(), Some(n.date.iso.as_str()))),
    );
    entries.push((urls.permalink("program/"), None));
    entries.extend(site.programs.iter().map(|p| (p.permalink.clone(), None)));
    if let Some(m) = &site.masterplan {
        entries.push((m.permalink.clone(), None));
    }
    entries.extend(site.pages.iter().map(|p| (p.permalink.clone(), None)));
    for (kind, terms) in [("dimensi", &site.dimensions), ("tag", &site.tags)] {
        entries.push((urls.permalink(&format!("{kind}/")), None));
        for t in terms.iter() {
            entries.push((urls.permalink(&format!("{kind}/{}/", t.slug)), None));
            let pages = t.news.len().div_ceil(site.config.paginate.0);
            entries.extend((2..=pages).map(|n| {
                (
                    urls.permalink(&format!("{kind}/{}/page/{n}/", t.slug)),
                    None,
                )
            }));
        }
    }
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (loc, lastmod) in entries {
        out.push_str(&format!("  <url>\n    <loc>{}</loc>\n", escape_html(&loc)));
        if let Some(l) = lastmod {
            out.push_str(&format!("    <lastmod>{l}</lastmod>\n"));
        }
        out.push_str("  </url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// `robots.txt` allowing everything and naming the sitemap.
pub fn robots_txt(site: &Site) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        site.urls.permalink("sitemap.xml")
    )
}
