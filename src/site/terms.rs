//! The taxonomies of a regency: the six dimensions and the tags, each with its news.

use std::collections::BTreeMap;

use crate::content::types::Dimension;

use super::model::{NewsPage, Term, Urls};

pub(super) fn dimension_terms(news: &[NewsPage], urls: &Urls) -> Vec<Term> {
    Dimension::ALL
        .iter()
        .map(|d| Term {
            slug: d.slug().to_string(),
            title: d.title().to_string(),
            url: urls.path(&format!("dimensi/{}/", d.slug())),
            news: news
                .iter()
                .enumerate()
                .filter(|(_, n)| n.dimensions.iter().any(|x| x.slug == d.slug()))
                .map(|(i, _)| i)
                .collect(),
        })
        .collect()
}

pub(super) fn tag_terms(news: &[NewsPage], urls: &Urls) -> Vec<Term> {
    let mut by_tag: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, n) in news.iter().enumerate() {
        for t in &n.tags {
            by_tag.entry(t.slug.as_str()).or_default().push(i);
        }
    }
    by_tag
        .into_iter()
        .map(|(slug, items)| Term {
            slug: slug.to_string(),
            title: slug.replace('-', " "),
            url: urls.path(&format!("tag/{slug}/")),
            news: items,
        })
        .collect()
}
