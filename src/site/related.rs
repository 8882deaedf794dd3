//! Related news: up to three other items per news item, by shared programs, tags and
//! dimensions.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::content::types::Dimension;

use super::model::{DimensionRef, NewsPage, NewsRef};
use super::pages::news_ref;

/// Up to three related items per news item: shared programs count most, then tags, then
/// dimensions; ties go to the newer item. Candidates come from an inverted index, so the
/// work grows with the overlap, not with the square of the news count.
pub(super) fn add_related_news(news: &mut [NewsPage]) {
    // Programs and tags as small numbers, then the news items filed under each.
    let mut ids: HashMap<(bool, &str), usize> = HashMap::new();
    let mut keys_of: Vec<Vec<(usize, u32)>> = Vec::with_capacity(news.len());
    for n in news.iter() {
        let programs = n.programs.iter().map(|p| ((true, p.slug.as_str()), 4));
        let tags = n.tags.iter().map(|t| ((false, t.slug.as_str()), 2));
        let keys = programs
            .chain(tags)
            .map(|(key, weight)| {
                let next = ids.len();
                (*ids.entry(key).or_insert(next), weight)
            })
            .collect();
        keys_of.push(keys);
    }
    let mut filed: Vec<Vec<usize>> = vec![Vec::new(); ids.len()];
    for (i, keys) in keys_of.iter().enumerate() {
        for &(key, _) in keys {
            filed[key].push(i);
        }
    }
    // Each item's dimensions as bits: one entry per dimension written, and the set of them.
    let dimension_bit = |d: &DimensionRef| Dimension::position_of(d.slug).map_or(0u8, |p| 1 << p);
    let dims_of: Vec<Vec<u8>> = news
        .iter()
        .map(|n| n.dimensions.iter().map(dimension_bit).collect())
        .collect();
    let dim_set: Vec<u8> = dims_of
        .iter()
        .map(|d| d.iter().fold(0, |a, b| a | b))
        .collect();
    let related: Vec<Vec<NewsRef>> = (0..news.len())
        .into_par_iter()
        .map_init(
            || vec![0u32; news.len()],
            |scores, i| {
                let mut touched = Vec::new();
                for &(key, weight) in &keys_of[i] {
                    for &j in filed[key].iter().take(200).filter(|&&j| j != i) {
                        if scores[j] == 0 {
                            touched.push(j);
                        }
                        scores[j] += weight;
                    }
                }
                // The best three by score, ties to the lower index (the newer item).
                let mut best: Vec<(u32, usize)> = Vec::with_capacity(4);
                for &j in &touched {
                    let shared_dims = dims_of[j].iter().filter(|&&b| b & dim_set[i] != 0).count();
                    let score = std::mem::take(&mut scores[j]) + shared_dims as u32;
                    let at = best.partition_point(|&(s, k)| s > score || (s == score && k < j));
                    if at < 3 {
                        best.insert(at, (score, j));
                        best.truncate(3);
                    }
                }
                best.iter().map(|&(_, j)| news_ref(&news[j])).collect()
            },
        )
        .collect();
    for (n, r) in news.iter_mut().zip(related) {
        n.related = r;
    }
}
