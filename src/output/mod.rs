//! Takes rendered pages and the model; gives everything written besides the HTML pages (feeds, sitemap, robots.txt, data.json, the
//! programs as open data, the stylesheet), and the atomic writing of the whole site.

pub mod feeds;
pub mod hosting;
pub mod images;
pub mod opendata;
pub mod province;
pub mod search;
pub mod sitemap;
pub mod strip;
pub mod write;

use crate::export::Export;
use crate::render::OutputFile;
use crate::render::theme::DEFAULT_CSS;
use crate::site::Site;
use crate::text::json_for_script;

/// The non-HTML files of a site.
pub fn site_files(site: &Site, export: &Export) -> Vec<OutputFile> {
    let file = OutputFile::text;
    let (atom, json) = feeds::site_feeds(site);
    let mut files = vec![
        file("atom.xml", atom),
        file("feed.json", json),
        file("sitemap.xml", sitemap::sitemap(site)),
        file(
            "robots.txt",
            sitemap::robots_txt(&site.urls.permalink("sitemap.xml")),
        ),
        file(
            "data.json",
            json_for_script(&crate::export::data_json(export)),
        ),
        file("cerdas.css", DEFAULT_CSS.to_string()),
        file(
            "_headers",
            hosting::netlify_headers(&site.urls, site.has_search()),
        ),
        file(
            ".htaccess",
            hosting::htaccess(&site.urls, site.has_search())
                + &hosting::htaccess_redirects(&site.urls, &site.redirects),
        ),
    ];
    files.extend(opendata::regency_files(export));
    if let Some(redirects) = netlify_redirects_of(site) {
        files.push(file("_redirects", redirects));
        files.extend(hosting::redirect_pages(
            &site.urls,
            &site.redirects,
            site.lang,
        ));
    }
    files
}

/// The site's `_redirects` (Netlify, Cloudflare Pages); `None` when it has no old addresses.
pub fn netlify_redirects_of(site: &Site) -> Option<String> {
    (!site.redirects.is_empty()).then(|| hosting::netlify_redirects(&site.urls, &site.redirects))
}

/// The nginx `map` of the site's old addresses, to write beside the output (not published);
/// `None` when the site has no redirects.
pub fn nginx_map(site: &Site) -> Option<String> {
    (!site.redirects.is_empty()).then(|| hosting::nginx_redirects(&site.urls, &site.redirects))
}
