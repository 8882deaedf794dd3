//! Reads a WordPress export (WXR 1.0 to 1.2, the RSS file Tools > Export writes) as a stream of
//! items: one `<item>` in memory at a time, whatever the size of the file. CDATA sections,
//! character references and the character set the file declares are handled by `quick-xml`;
//! elements are matched by the prefixes WordPress writes (`wp:`, `content:`, `excerpt:`,
//! `dc:`).

use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::error::{Diagnostic, Text};

/// A category or tag of an item.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ItemTerm {
    /// `category` or `post_tag` (other taxonomies are ignored).
    pub domain: String,
    /// The term's slug in WordPress.
    pub nicename: String,
    /// The term as people wrote it.
    pub name: String,
}

/// One `<item>` of the export: a post, page, attachment, menu item, ...
#[derive(Clone, Debug, Default)]
pub struct Item {
    /// `wp:post_id`.
    pub id: u64,
    /// `title`, as stored (may hold entities and tags).
    pub title: String,
    /// `link`: the item's permalink on the old site.
    pub link: String,
    /// `dc:creator`: the author's login.
    pub creator: String,
    /// `content:encoded`: the body as stored (HTML, maybe without `<p>`).
    pub content: String,
    /// `excerpt:encoded`.
    pub excerpt: String,
    /// `wp:post_date`: local time, `YYYY-MM-DD HH:MM:SS`.
    pub post_date: String,
    /// `wp:post_date_gmt`: the same in UTC (`0000-00-00 00:00:00` for many drafts).
    pub post_date_gmt: String,
    /// `wp:post_name`: the slug (empty for many drafts).
    pub post_name: String,
    /// `wp:status`: publish, draft, pending, future, private, inherit, trash.
    pub status: String,
    /// `wp:post_parent`.
    pub parent: u64,
    /// `wp:post_type`: post, page, attachment, nav_menu_item, revision, ...
    pub post_type: String,
    /// `wp:attachment_url`, for attachments.
    pub attachment_url: String,
    /// Categories and tags.
    pub terms: Vec<ItemTerm>,
    /// `wp:postmeta` pairs this importer uses (`_thumbnail_id`, `_wp_attachment_image_alt`).
    pub meta: Vec<(String, String)>,
    /// How many `wp:comment` the item holds (comments are not imported).
    pub comments: usize,
}

impl Item {
    /// The value of the post meta `key`, if set.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// What the export says about the old site, read before its items.
#[derive(Clone, Debug, Default)]
pub struct Channel {
    /// `wp:base_site_url`, else the channel's `link`.
    pub base_site_url: String,
    /// `wp:base_blog_url`: where the permalinks start (a sub-folder install).
    pub base_blog_url: String,
    /// The channel's `link`.
    pub link: String,
    /// The channel's `pubDate`: when the export was made.
    pub pub_date: String,
    /// Authors' display names by login.
    pub authors: HashMap<String, String>,
}

/// Post meta keys kept on items; others are dropped while reading.
const KEPT_META: [&str; 2] = ["_thumbnail_id", "_wp_attachment_image_alt"];

/// A streaming reader of one export file.
pub struct WxrReader {
    reader: Reader<BufReader<File>>,
    buf: Vec<u8>,
    /// The path of the file, for messages.
    file: PathBuf,
    /// Element names from the root down to the current one.
    stack: Vec<String>,
    /// Text of the current leaf element.
    text: String,
    /// Whether item bodies are kept (the first pass over the file needs none).
    bodies: bool,
    /// What was read of the channel so far.
    pub channel: Channel,
    /// The author being read (`wp:author`): login and display name.
    author: (String, String),
    /// The post meta being read: key and value.
    meta: (String, String),
    /// The attributes of the current `category` element.
    term: ItemTerm,
}

impl WxrReader {
    /// Opens `path`; `bodies: false` skips `content:encoded`.
    pub fn open(path: &Path, bodies: bool) -> Result<WxrReader, Diagnostic> {
        let reader = Reader::from_file(path).map_err(|e| xml_error(path, 0, &e.to_string()))?;
        Ok(WxrReader {
            reader,
            buf: Vec::with_capacity(64 * 1024),
            file: path.to_path_buf(),
            stack: Vec::with_capacity(8),
            text: String::new(),
            bodies,
            channel: Channel::default(),
            author: Default::default(),
            meta: Default::default(),
            term: ItemTerm::default(),
        })
    }

    /// The next item of the file, or `None` at its end.
    pub fn next_item(&mut self) -> Result<Option<Item>, Diagnostic> {
        let mut item: Option<Item> = None;
        loop {
            self.buf.clear();
            // Text belongs to the element open before the event is read.
            let keep = self.keeps_text();
            let event = self.reader.read_event_into(&mut self.buf);
            let event = match event {
                Ok(e) => e,
                Err(e) => {
                    let at = self.reader.error_position();
                    return Err(xml_error(&self.file, at, &e.to_string()));
                }
            };
            match event {
                Event::Start(e) => {
                    let name = e.name().as_ref().to_string();
                    self.text.clear();
                    if name == "item" && self.stack.len() == 2 {
                        item = Some(Item::default());
                    }
                    if name == "category" {
                        self.term = term_of(&e);
                    }
                    self.stack.push(name);
                }
                // `<wp:post_parent/>` and the like: an empty value.
                Event::Empty(e) if e.name().as_ref() == "category" => self.term = term_of(&e),
                Event::Text(t) if keep => self.text.push_str(&t.xml10_content()),
                Event::CData(t) if keep => self.text.push_str(&t.xml10_content()),
                Event::GeneralRef(r) if keep => match r.resolve_char_ref() {
                    Ok(Some(c)) => self.text.push(c),
                    _ => match predefined_entity(&r) {
                        Some(c) => self.text.push(c),
                        // An HTML entity in an XML text (`&nbsp;`): kept for the HTML reading
                        // of the body to decode.
                        None => {
                            self.text.push('&');
                            self.text.push_str(&r);
                            self.text.push(';');
                        }
                    },
                },
                Event::End(_) => {
                    let Some(name) = self.stack.pop() else {
                        continue;
                    };
                    let text = std::mem::take(&mut self.text);
                    if let Some(it) = item.as_mut() {
                        if self.stack.len() == 2 && name == "item" {
                            return Ok(item);
                        }
                        self.item_field(it, &name, text);
                    } else {
                        self.channel_field(&name, text);
                    }
                }
                Event::Eof => return Ok(None),
                _ => {}
            }
        }
    }

    /// Whether the text of the current element is kept.
    fn keeps_text(&self) -> bool {
        match self.stack.last().map(String::as_str) {
            Some("content:encoded") => self.bodies,
            // Comments are counted, never read.
            _ => !self.stack.iter().any(|n| n == "wp:comment"),
        }
    }

    /// Stores the text of the element `name` that just ended inside an item.
    fn item_field(&mut self, it: &mut Item, name: &str, text: String) {
        let depth = self.stack.len();
        if depth == 3 {
            match name {
                "title" => it.title = text,
                "link" => it.link = text.trim().to_string(),
                "dc:creator" => it.creator = text.trim().to_string(),
                "content:encoded" => it.content = text,
                "excerpt:encoded" => it.excerpt = text,
                "wp:post_id" => it.id = text.trim().parse().unwrap_or(0),
                "wp:post_date" => it.post_date = text.trim().to_string(),
                "wp:post_date_gmt" => it.post_date_gmt = text.trim().to_string(),
                "wp:post_name" => it.post_name = text.trim().to_string(),
                "wp:status" => it.status = text.trim().to_string(),
                "wp:post_parent" => it.parent = text.trim().parse().unwrap_or(0),
                "wp:post_type" => it.post_type = text.trim().to_string(),
                "wp:attachment_url" => it.attachment_url = text.trim().to_string(),
                "wp:comment" => it.comments += 1,
                "wp:postmeta" => {
                    let (key, value) = std::mem::take(&mut self.meta);
                    if KEPT_META.contains(&key.as_str()) {
                        it.meta.push((key, value));
                    }
                }
                "category" => {
                    let mut term = std::mem::take(&mut self.term);
                    term.name = text.trim().to_string();
                    if term.domain == "category" || term.domain == "post_tag" {
                        it.terms.push(term);
                    }
                }
                _ => {}
            }
        } else if depth == 4 && self.stack[3] == "wp:postmeta" {
            match name {
                "wp:meta_key" => self.meta.0 = text.trim().to_string(),
                "wp:meta_value" => self.meta.1 = text,
                _ => {}
            }
        }
    }

    /// Stores the text of the channel element `name` that just ended.
    fn channel_field(&mut self, name: &str, text: String) {
        let depth = self.stack.len();
        if depth == 2 {
            match name {
                "link" => self.channel.link = text.trim().to_string(),
                "pubDate" => self.channel.pub_date = text.trim().to_string(),
                "wp:base_site_url" => self.channel.base_site_url = text.trim().to_string(),
                "wp:base_blog_url" => self.channel.base_blog_url = text.trim().to_string(),
                "wp:author" => {
                    let (login, display) = std::mem::take(&mut self.author);
                    if !login.is_empty() {
                        self.channel.authors.insert(login, display);
                    }
                }
                _ => {}
            }
        } else if depth == 3 && self.stack[2] == "wp:author" {
            match name {
                "wp:author_login" => self.author.0 = text.trim().to_string(),
                "wp:author_display_name" => self.author.1 = text.trim().to_string(),
                _ => {}
            }
        }
    }
}

/// The `domain` and `nicename` of a `category` element.
fn term_of(e: &BytesStart) -> ItemTerm {
    let attr = |name: &str| {
        e.try_get_attribute(name)
            .ok()
            .flatten()
            .and_then(|a| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .ok()
                    .map(|v| v.into_owned())
            })
            .unwrap_or_default()
    };
    ItemTerm {
        domain: attr("domain"),
        nicename: attr("nicename"),
        name: String::new(),
    }
}

/// The five entities XML predefines.
fn predefined_entity(name: &str) -> Option<char> {
    Some(match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "apos" => '\'',
        "quot" => '"',
        _ => return None,
    })
}

/// The error for an export that is not readable XML, at the line of `offset` when known.
fn xml_error(file: &Path, offset: u64, why: &str) -> Diagnostic {
    let mut d = Diagnostic::file(
        file,
        Text::new(
            format!("berkas ekspor WordPress tidak dapat dibaca: {why}"),
            format!("the WordPress export cannot be read: {why}"),
        ),
    )
    .with_hint(Text::new(
        "ekspor ulang dari WordPress (Alat > Ekspor > Semua konten) dan pakai berkas .xml itu apa adanya, tanpa disunting",
        "export again from WordPress (Tools > Export > All content) and use that .xml file as it is, unedited",
    ));
    if offset > 0
        && let Some((line, column)) = line_of_offset(file, offset)
    {
        d.line = line;
        d.column = column;
    }
    d
}

/// The line and column of byte `offset` of the file, read again in pieces.
fn line_of_offset(file: &Path, offset: u64) -> Option<(usize, usize)> {
    use std::io::Read;
    let mut f = BufReader::new(File::open(file).ok()?);
    let mut line = 1;
    let mut column = 1;
    let mut left = offset;
    let mut chunk = [0u8; 64 * 1024];
    while left > 0 {
        let want = chunk
            .len()
            .min(usize::try_from(left).unwrap_or(chunk.len()));
        let n = f.read(&mut chunk[..want]).ok()?;
        if n == 0 {
            break;
        }
        for &b in &chunk[..n] {
            if b == b'\n' {
                line += 1;
                column = 1;
            } else if b & 0xC0 != 0x80 {
                column += 1;
            }
        }
        left -= n as u64;
    }
    Some((line, column))
}

#[cfg(test)]
mod tests {
    use super::*;

    const WXR: &str = r#"<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Portal</title>
  <link>https://old.example.go.id</link>
  <wp:base_site_url>https://old.example.go.id</wp:base_site_url>
  <wp:author><wp:author_login><![CDATA[admin]]></wp:author_login><wp:author_display_name><![CDATA[Humas &amp; Protokol]]></wp:author_display_name></wp:author>
  <item>
    <title>Rapat &amp; <![CDATA[Koordinasi &amp;]]> &#8211; Tahap II</title>
    <dc:creator><![CDATA[admin]]></dc:creator>
    <content:encoded><![CDATA[<p>Isi &nbsp; berita</p>]]></content:encoded>
    <wp:post_id>12</wp:post_id>
    <wp:post_type><![CDATA[post]]></wp:post_type>
    <wp:post_parent/>
    <category domain="post_tag" nicename="smart-city"><![CDATA[Smart City]]></category>
    <wp:postmeta><wp:meta_key><![CDATA[_thumbnail_id]]></wp:meta_key><wp:meta_value><![CDATA[40]]></wp:meta_value></wp:postmeta>
    <wp:postmeta><wp:meta_key><![CDATA[_edit_lock]]></wp:meta_key><wp:meta_value><![CDATA[1]]></wp:meta_value></wp:postmeta>
    <wp:comment><wp:comment_content><![CDATA[komentar]]></wp:comment_content></wp:comment>
  </item>
</channel>
</rss>"#;

    #[test]
    fn reads_items_with_cdata_entities_and_meta() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.xml");
        std::fs::write(&path, WXR).unwrap();
        let mut r = WxrReader::open(&path, true).unwrap();
        let it = r.next_item().unwrap().unwrap();
        assert_eq!(it.title, "Rapat & Koordinasi &amp; – Tahap II");
        assert_eq!(it.content, "<p>Isi &nbsp; berita</p>");
        assert_eq!((it.id, it.parent, it.comments), (12, 0, 1));
        assert_eq!(it.meta("_thumbnail_id"), Some("40"));
        assert_eq!(it.meta("_edit_lock"), None);
        assert_eq!(it.terms[0].nicename, "smart-city");
        assert_eq!(it.terms[0].name, "Smart City");
        assert_eq!(r.channel.authors["admin"], "Humas &amp; Protokol");
        assert!(r.next_item().unwrap().is_none());
    }

    #[test]
    fn a_broken_file_names_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.xml");
        std::fs::write(&path, "<rss>\n<channel>\n<item><title>a</wrong></item>").unwrap();
        let err = WxrReader::open(&path, true)
            .unwrap()
            .next_item()
            .unwrap_err();
        assert_eq!(err.line, 3, "{err:?}");
    }
}
