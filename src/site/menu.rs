//! The main menu: the built-in sections, the pages that ask for a place, then `site.yaml`'s
//! own entries.

use crate::config::SiteConfig;

use super::model::{HalamanPage, MenuEntry, Urls};

pub(super) fn main_menu(
    config: &SiteConfig,
    pages: &[HalamanPage],
    urls: &Urls,
    has_masterplan: bool,
) -> Vec<MenuEntry> {
    let mut builtin = vec![("menu_home", ""), ("menu_news", "berita/")];
    if has_masterplan {
        builtin.push(("menu_masterplan", "masterplan/"));
    }
    builtin.push(("menu_programs", "program/"));
    let mut menu: Vec<MenuEntry> = builtin
        .iter()
        .map(|(key, path)| MenuEntry::builtin(key, urls.path(path)))
        .collect();
    let mut in_menu: Vec<&HalamanPage> = pages.iter().filter(|p| p.menu.is_some()).collect();
    in_menu.sort_by_key(|p| (p.menu, p.slug.clone()));
    menu.extend(in_menu.iter().map(|p| MenuEntry {
        title: p.title.clone(),
        url: p.url.clone(),
        key: None,
    }));
    menu.extend(config.menu.iter().map(|m| MenuEntry {
        title: m.title.clone(),
        url: if m.url.starts_with('/') {
            urls.path(m.url.trim_start_matches('/'))
        } else {
            m.url.clone()
        },
        key: None,
    }));
    menu
}
