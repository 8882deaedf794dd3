//! `sitemap.xml` (sitemaps.org 0.9), sitemap indexes for a province, and `robots.txt`.

use crate::province::Province;
use crate::site::{Site, Urls};
use crate::text::escape_html;

/// A `<urlset>` of absolute URLs with optional `lastmod` dates.
pub fn urlset(entries: &[(String, Option<&str>)]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (loc, lastmod) in entries {
        out.push_str(&format!("  <url>\n    <loc>{}</loc>\n", escape_html(loc)));
        if let Some(l) = lastmod {
            out.push_str(&format!("    <lastmod>{l}</lastmod>\n"));
        }
        out.push_str("  </url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// A `<sitemapindex>` over other sitemaps.
pub fn sitemap_index(locs: &[String]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for loc in locs {
        out.push_str(&format!(
            "  <sitemap>\n    <loc>{}</loc>\n  </sitemap>\n",
            escape_html(loc)
        ));
    }
    out.push_str("</sitemapindex>\n");
    out
}

/// The first page and the `page/N/` pages of a list of `count` items at `base`.
fn list_pages<'a>(
    urls: &Urls,
    base: &str,
    count: usize,
    per_page: usize,
) -> Vec<(String, Option<&'a str>)> {
    let pages = count.div_ceil(per_page).max(1);
    let mut out = vec![(urls.permalink(base), None)];
    out.extend((2..=pages).map(|n| (urls.permalink(&format!("{base}page/{n}/")), None)));
    out
}

/// Every HTML page of a regency with its absolute URL, and `lastmod` where a date is known.
pub fn sitemap(site: &Site) -> String {
    let urls = &site.urls;
    let per_page = site.config.paginate.0;
    let newest = site.news.first().map(|n| n.date.iso.as_str());
    let mut entries: Vec<(String, Option<&str>)> = vec![(urls.permalink(""), newest)];
    entries.extend(list_pages(urls, "berita/", site.news.len(), per_page));
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
            entries.extend(list_pages(
                urls,
                &format!("{kind}/{}/", t.slug),
                t.news.len(),
                per_page,
            ));
        }
    }
    urlset(&entries)
}

/// The province's own pages (`sitemap-provinsi.xml`).
pub fn province_sitemap(p: &Province) -> String {
    let urls = &p.urls;
    let per_page = p.config.paginate.0;
    let mut entries: Vec<(String, Option<&str>)> = vec![(
        urls.permalink(""),
        p.news.first().map(|n| n.date.iso.as_str()),
    )];
    entries.extend(list_pages(urls, "berita/", p.news.len(), per_page));
    for (index, r) in p.regencies.iter().enumerate().filter(|(_, r)| r.available) {
        entries.extend(list_pages(
            urls,
            &format!("berita/{}/", r.slug),
            p.news_of_regency(index).len(),
            per_page,
        ));
    }
    entries.push((urls.permalink("kabupaten-kota/"), None));
    entries.push((urls.permalink("dimensi/"), None));
    for d in crate::content::types::Dimension::ALL {
        entries.extend(list_pages(
            urls,
            &format!("dimensi/{}/", d.slug()),
            p.news_in_dimension(d).len(),
            per_page,
        ));
    }
    entries.push((urls.permalink("progres/"), None));
    urlset(&entries)
}

/// `robots.txt` allowing everything and naming the sitemap at `sitemap_url`.
pub fn robots_txt(sitemap_url: &str) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n")
}
