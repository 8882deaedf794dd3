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

/// The tags of the site with their news, by slug. Tags that differ only in case or spacing
/// are one tag, shown everywhere (on the news too) in the form written most; a tie goes to
/// the form of the newest news item.
pub(super) fn tag_terms(news: &mut [NewsPage], urls: &Urls) -> Vec<Term> {
    // Per slug: the news filed under it, and each written form with its count.
    type Filed = (Vec<usize>, Vec<(String, usize)>);
    let mut by_tag: BTreeMap<String, Filed> = BTreeMap::new();
    for (i, n) in news.iter().enumerate() {
        for t in &n.tags {
            let (items, forms) = by_tag.entry(t.slug.to_string()).or_default();
            items.push(i);
            match forms.iter_mut().find(|(form, _)| *form == t.name) {
                Some((_, count)) => *count += 1,
                None => forms.push((t.name.clone(), 1)),
            }
        }
    }
    let mut terms = Vec::with_capacity(by_tag.len());
    for (slug, (items, forms)) in by_tag {
        let name = most_used(forms);
        for &i in &items {
            for t in news[i].tags.iter_mut().filter(|t| t.slug.as_str() == slug) {
                t.name.clone_from(&name);
            }
        }
        terms.push(Term {
            url: urls.path(&format!("tag/{slug}/")),
            slug,
            title: name,
            news: items,
        });
    }
    terms
}

/// The form counted most; ties go to the one seen first.
fn most_used(forms: Vec<(String, usize)>) -> String {
    let mut best: Option<(String, usize)> = None;
    for (form, count) in forms {
        if best.as_ref().is_none_or(|(_, c)| count > *c) {
            best = Some((form, count));
        }
    }
    best.map(|(form, _)| form).unwrap_or_default()
}
