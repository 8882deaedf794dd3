//! Markdown to HTML (takes a body and `content`'s types, gives [`RenderedMarkdown`]): CommonMark with tables, footnotes, strikethrough and task lists; heading
//! ids; the summary; links to other `.md` files rewritten to their URLs; raw HTML sanitized.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::RwLock;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

use crate::content::types::slugify;
use crate::error::Text;
use crate::text::packed::Html;
use crate::text::{SAFE_SCHEMES, is_safe_url};

/// The marker that ends a hand-chosen summary.
pub const MORE_MARKER: &str = "<!-- more -->";

/// A Markdown document turned into HTML.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RenderedMarkdown {
    /// The whole body as HTML.
    pub html: Html,
    /// The summary as HTML: the text before `<!-- more -->`, or the first paragraph.
    pub summary_html: String,
    /// The summary as plain text, for meta descriptions and feeds.
    pub summary_text: String,
    /// Links and images whose target could not be found.
    pub broken: Vec<BrokenRef>,
}

/// A link or image in the body that points at nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokenRef {
    /// The target as written.
    pub target: String,
    /// Byte offset of the link in the body.
    pub offset: usize,
    /// Whether it is an image rather than a link.
    pub image: bool,
    /// What is wrong with an image that exists (not a picture, cut short, too large); `None`
    /// when the target is missing.
    pub problem: Option<(Text, Text)>,
}

/// What the renderer needs to know about the rest of the site to rewrite links.
pub trait LinkTargets {
    /// The URL of the content file at `path` (relative to the site folder), if there is one.
    fn url_of(&self, path: &Path) -> Option<String>;
    /// Whether a non-Markdown file exists at `path` (relative to the site folder).
    fn file_exists(&self, path: &Path) -> bool;
    /// The `<picture>` markup for the image at `path` (relative to the site folder) with text
    /// `alt`; `Ok(None)` (the default) leaves the image as written, an error says what is
    /// wrong with it.
    fn picture(&self, _path: &Path, _alt: &str) -> Result<Option<String>, (Text, Text)> {
        Ok(None)
    }
}

/// Bodies as last rendered, by file, with every question the renderer asked the rest of the
/// site and the answer it got: a body is rendered again only when its text changed or one of
/// those answers did (a linked page renamed, a photo replaced). The preview server keeps one
/// per regency.
#[derive(Default)]
pub struct MarkdownMemo(RwLock<HashMap<PathBuf, KeptBody>>);

/// One body as last rendered.
struct KeptBody {
    /// A hash of its text.
    text: u128,
    /// What rendering it asked, in order.
    asked: Vec<Asked>,
    /// What it gave, but its HTML.
    rendered: RenderedMarkdown,
    /// Its HTML, deflated (the preview server keeps every body of the site).
    html: Html,
}

/// A question a body's rendering asked its [`LinkTargets`], with the answer.
#[derive(Clone, Debug, PartialEq)]
enum Asked {
    UrlOf(PathBuf, Option<String>),
    FileExists(PathBuf, bool),
    Picture(PathBuf, String, Result<Option<String>, (Text, Text)>),
}

impl Asked {
    /// Whether `targets` still gives the same answer. The question is asked again, so that
    /// what asking does (planning a picture's resized files) happens as in a fresh render.
    fn still_holds(&self, targets: &dyn LinkTargets) -> bool {
        match self {
            Asked::UrlOf(path, answer) => targets.url_of(path) == *answer,
            Asked::FileExists(path, answer) => targets.file_exists(path) == *answer,
            Asked::Picture(path, alt, answer) => targets.picture(path, alt) == *answer,
        }
    }
}

/// Link targets that note every question and its answer.
struct Recording<'t> {
    targets: &'t dyn LinkTargets,
    asked: RefCell<Vec<Asked>>,
}

impl LinkTargets for Recording<'_> {
    fn url_of(&self, path: &Path) -> Option<String> {
        let answer = self.targets.url_of(path);
        let asked = Asked::UrlOf(path.to_path_buf(), answer.clone());
        self.asked.borrow_mut().push(asked);
        answer
    }
    fn file_exists(&self, path: &Path) -> bool {
        let answer = self.targets.file_exists(path);
        let asked = Asked::FileExists(path.to_path_buf(), answer);
        self.asked.borrow_mut().push(asked);
        answer
    }
    fn picture(&self, path: &Path, alt: &str) -> Result<Option<String>, (Text, Text)> {
        let answer = self.targets.picture(path, alt);
        let asked = Asked::Picture(path.to_path_buf(), alt.to_string(), answer.clone());
        self.asked.borrow_mut().push(asked);
        answer
    }
}

impl MarkdownMemo {
    /// [`render_markdown`] of the body of `file` (relative to the site folder), whose text
    /// hashes to `text` and is asked of `body` only when it has to be rendered: taken from what
    /// was kept when neither the text nor any answer of `targets` changed.
    pub fn render<'b>(
        &self,
        file: &Path,
        text: u128,
        body: impl FnOnce() -> &'b str,
        targets: &dyn LinkTargets,
    ) -> RenderedMarkdown {
        let dir = file.parent().unwrap_or(Path::new(""));
        if let Some(rendered) = self.reuse(file, text, targets) {
            return rendered;
        }
        let recording = Recording {
            targets,
            asked: RefCell::new(Vec::new()),
        };
        let rendered = render_markdown(body(), dir, &recording);
        if let Ok(mut kept) = self.0.write() {
            let body = KeptBody {
                text,
                asked: recording.asked.into_inner(),
                rendered: RenderedMarkdown {
                    html: Html::default(),
                    summary_html: rendered.summary_html.clone(),
                    summary_text: rendered.summary_text.clone(),
                    broken: rendered.broken.clone(),
                },
                html: Html::pack(&rendered.html.text()),
            };
            kept.insert(file.to_path_buf(), body);
        }
        rendered
    }

    fn reuse(
        &self,
        file: &Path,
        text: u128,
        targets: &dyn LinkTargets,
    ) -> Option<RenderedMarkdown> {
        let kept = self.0.read().ok()?;
        let body = kept.get(file).filter(|b| b.text == text)?;
        body.asked
            .iter()
            .all(|a| a.still_holds(targets))
            .then(|| RenderedMarkdown {
                // Shared, still deflated: inflated only if a page showing it is rendered.
                html: body.html.clone(),
                summary_html: body.rendered.summary_html.clone(),
                summary_text: body.rendered.summary_text.clone(),
                broken: body.rendered.broken.clone(),
            })
    }

    /// Forgets every file but `files`, so deleted files do not stay in memory.
    pub fn retain(&self, files: &HashSet<&Path>) {
        if let Ok(mut kept) = self.0.write() {
            kept.retain(|path, _| files.contains(path.as_path()));
        }
    }
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
}

/// A local image being read, until its end tag says which markup it gets.
struct PendingPicture {
    /// Its file, relative to the site folder.
    path: PathBuf,
    /// Its alt text so far.
    alt: String,
    /// Byte offset of the image in the body, for errors.
    offset: usize,
    /// The target as written.
    target: String,
    /// Index of its start event in the event list.
    first_event: usize,
}

/// Renders `body` of the file in folder `dir` (relative to the site folder).
pub fn render_markdown(body: &str, dir: &Path, targets: &dyn LinkTargets) -> RenderedMarkdown {
    let mut broken = Vec::new();
    let mut has_raw_html = false;
    let mut events: Vec<Event> = Vec::new();
    let mut picture: Option<PendingPicture> = None;
    let mut html_block: Option<RawHtml> = None;
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        let event = match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) if !is_safe_url(&dest_url) => {
                broken.push(unsafe_link(&dest_url, range.start, false));
                Event::Start(Tag::Link {
                    link_type,
                    dest_url: CowStr::Borrowed(""),
                    title,
                    id,
                })
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url =
                    rewrite_target(&dest_url, dir, targets, false).unwrap_or_else(|| {
                        broken.push(BrokenRef {
                            target: dest_url.to_string(),
                            offset: range.start,
                            image: false,
                            problem: None,
                        });
                        dest_url
                    });
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) if !is_safe_url(&dest_url) => {
                broken.push(unsafe_link(&dest_url, range.start, true));
                Event::Start(Tag::Image {
                    link_type,
                    dest_url: CowStr::Borrowed(""),
                    title,
                    id,
                })
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let rewritten = rewrite_target(&dest_url, dir, targets, true);
                match &rewritten {
                    None => broken.push(BrokenRef {
                        target: dest_url.to_string(),
                        offset: range.start,
                        image: true,
                        problem: None,
                    }),
                    Some(dest) => {
                        picture = local_path(dest, dir).map(|path| PendingPicture {
                            path,
                            alt: String::new(),
                            offset: range.start,
                            target: dest.to_string(),
                            first_event: events.len(),
                        });
                    }
                }
                Event::Start(Tag::Image {
                    link_type,
                    dest_url: rewritten.unwrap_or(dest_url),
                    title,
                    id,
                })
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                if let Some(p) = picture.as_mut() {
                    p.alt.push_str(t);
                }
                event
            }
            Event::End(TagEnd::Image) => match picture.take() {
                None => event,
                Some(p) => match targets.picture(&p.path, &p.alt) {
                    Ok(Some(markup)) => {
                        // The markup replaces the plain `<img>` events of this image.
                        events.truncate(p.first_event);
                        Event::InlineHtml(markup.into())
                    }
                    Ok(None) => event,
                    Err(problem) => {
                        broken.push(BrokenRef {
                            target: p.target,
                            offset: p.offset,
                            image: true,
                            problem: Some(problem),
                        });
                        event
                    }
                },
            },
            Event::Start(Tag::HtmlBlock) => {
                html_block = Some(RawHtml::default());
                event
            }
            Event::Html(ref h) if html_block.is_some() => {
                if h.trim() != MORE_MARKER {
                    has_raw_html = true;
                }
                if let Some(block) = html_block.as_mut() {
                    block.push(h, source_offset(body, &range, h), events.len());
                }
                event
            }
            Event::End(TagEnd::HtmlBlock) => {
                if let Some(block) = html_block.take() {
                    let checked = block.check(dir, targets, &mut broken);
                    if let Some((html, first)) = checked {
                        // A link rewritten inside: the block's lines become one piece.
                        events.truncate(first);
                        events.push(Event::Html(html.into()));
                    }
                }
                event
            }
            Event::Html(ref h) | Event::InlineHtml(ref h) => {
                if h.trim() != MORE_MARKER {
                    has_raw_html = true;
                }
                let mut tag = RawHtml::default();
                tag.push(h, source_offset(body, &range, h), events.len());
                match tag.check(dir, targets, &mut broken) {
                    Some((html, _)) => Event::InlineHtml(html.into()),
                    None => event,
                }
            }
            other => other,
        };
        events.push(event);
    }
    add_heading_ids(&mut events);
    let summary_events = summary_events(&events);
    let mut summary_html = String::new();
    html::push_html(&mut summary_html, summary_events.iter().cloned());
    let summary_text = plain_text(summary_events);
    let mut out = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    let mut out = header_cells_apart(alignment_classes(out));
    let mut summary_text = summary_text;
    if has_raw_html {
        out = sanitize(&out);
        summary_html = sanitize(&summary_html);
        summary_text = text_of_html(&summary_html);
    }
    RenderedMarkdown {
        html: Html::Plain(out),
        summary_html,
        summary_text,
        broken,
    }
}

/// The new target of a link or image, or `None` when it points at a missing file.
fn rewrite_target<'a>(
    dest: &CowStr<'a>,
    dir: &Path,
    targets: &dyn LinkTargets,
    image: bool,
) -> Option<CowStr<'a>> {
    if dest.is_empty() || dest.starts_with('#') || has_scheme(dest) || dest.starts_with("//") {
        return Some(dest.clone());
    }
    let (path_part, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (dest.as_ref(), None),
    };
    let path_part = path_part.split('?').next().unwrap_or_default();
    let resolved = if let Some(abs) = path_part.strip_prefix('/') {
        normalize(Path::new(abs))
    } else {
        normalize(&dir.join(path_part))
    };
    if !image && path_part.ends_with(".md") {
        let url = targets.url_of(&resolved?)?;
        return Some(match fragment {
            Some(f) => format!("{url}#{f}").into(),
            None => url.into(),
        });
    }
    if path_part.starts_with('/') || path_part.ends_with('/') {
        // A site path such as `/program/`: left as written.
        return Some(dest.clone());
    }
    match resolved {
        Some(p) if targets.file_exists(&p) => Some(dest.clone()),
        _ => None,
    }
}

/// The site-folder path of a local image target (`foto.jpg` in `berita/a/` ->
/// `berita/a/foto.jpg`); `None` for URLs and site paths.
fn local_path(dest: &str, dir: &Path) -> Option<PathBuf> {
    if dest.is_empty() || dest.starts_with('/') || dest.starts_with('#') || has_scheme(dest) {
        return None;
    }
    let path = dest.split(['#', '?']).next().unwrap_or_default();
    normalize(&dir.join(path))
}

/// A link or image whose address could run code (`javascript:`, `data:`), refused.
fn unsafe_link(dest: &str, offset: usize, image: bool) -> BrokenRef {
    BrokenRef {
        target: dest.to_string(),
        offset,
        image,
        problem: Some((
            Text::new(
                "alamat ini tidak diizinkan: hanya http://, https://, mailto:, tel: atau berkas di dalam situs",
                "this address is not allowed: only http://, https://, mailto:, tel: or a file inside the site",
            ),
            Text::new(
                "tulis alamat lengkap yang diawali https://, atau nama berkas di folder tulisan",
                "write a full address starting with https://, or the name of a file in the page's folder",
            ),
        )),
    }
}

/// Where the text `h` of an event spanning `range` starts in `body`: the event's own place
/// when its text is written there as it is (a line of an HTML block inside a quote is not).
fn source_offset(body: &str, range: &std::ops::Range<usize>, h: &str) -> usize {
    match body.get(range.clone()) {
        Some(raw) if raw == h => range.start,
        Some(raw) => raw.find(h).map_or(range.start, |i| range.start + i),
        None => range.start,
    }
}

/// Raw HTML written in Markdown (an HTML block's lines together, or one inline tag), whose
/// images and links are checked like Markdown ones.
#[derive(Default)]
struct RawHtml {
    /// The text.
    text: String,
    /// Where each piece of `text` starts in it and in the body.
    pieces: Vec<(usize, usize)>,
    /// The index of the first event it came from.
    first_event: usize,
}

impl RawHtml {
    fn push(&mut self, text: &str, body_offset: usize, event: usize) {
        if self.pieces.is_empty() {
            self.first_event = event;
        }
        self.pieces.push((self.text.len(), body_offset));
        self.text.push_str(text);
    }

    /// The body offset of byte `at` of the text.
    fn offset_of(&self, at: usize) -> usize {
        self.pieces
            .iter()
            .rev()
            .find(|(start, _)| *start <= at)
            .map_or(0, |(start, body)| body + (at - start))
    }

    /// Checks every `<img src>` and `<a href>`: a missing file or an address that could run
    /// code goes to `broken`. Returns the text with links to `.md` files rewritten to their
    /// URLs, and the first event it replaces, when any was.
    fn check(
        &self,
        dir: &Path,
        targets: &dyn LinkTargets,
        broken: &mut Vec<BrokenRef>,
    ) -> Option<(String, usize)> {
        let mut replaced = Vec::new();
        for (tag, value, at) in html_urls(&self.text) {
            let image = tag == "img";
            let offset = self.offset_of(at);
            let dest = decode_entities(value);
            if !is_safe_url(&dest) {
                broken.push(unsafe_link(&dest, offset, image));
                continue;
            }
            match rewrite_target(&CowStr::Borrowed(&dest), dir, targets, image) {
                None => broken.push(BrokenRef {
                    target: dest.clone(),
                    offset,
                    image,
                    problem: None,
                }),
                Some(new) if *new != *dest => {
                    replaced.push((at, value.len(), crate::text::escape_html(&new)));
                }
                Some(_) => {}
            }
        }
        if replaced.is_empty() {
            return None;
        }
        let mut html = self.text.clone();
        for (at, len, new) in replaced.into_iter().rev() {
            html.replace_range(at..at + len, &new);
        }
        Some((html, self.first_event))
    }
}

/// An attribute value as a browser reads it: character references (`&#x09;`, `&#58;`,
/// `&colon;`, `&amp;` ...) decoded, so `jav&#x09;ascript:` is seen for what it is.
fn decode_entities(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map_or(rest.len(), |p| p + 1);
        let name = &rest[1..end];
        let decoded = match name.strip_prefix('#') {
            Some(num) => match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => num.parse().ok(),
            }
            .and_then(char::from_u32),
            None => match name {
                "amp" => Some('&'),
                "colon" => Some(':'),
                "Tab" => Some('\t'),
                "NewLine" => Some('\n'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "sol" => Some('/'),
                _ => None,
            },
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = rest[end..].strip_prefix(';').unwrap_or(&rest[end..]);
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `src` of every `<img>` and the `href` of every `<a>` in `html`: (tag, value as
/// written, byte offset of the value).
fn html_urls(html: &str) -> Vec<(String, &str, usize)> {
    let bytes = html.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(lt) = html[i..].find('<').map(|p| p + i) {
        let name_end = html[lt + 1..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .map_or(html.len(), |p| p + lt + 1);
        let tag = html[lt + 1..name_end].to_ascii_lowercase();
        i = name_end.max(lt + 1);
        if tag.is_empty() {
            continue;
        }
        // Attributes, up to the end of the tag.
        loop {
            while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] == b'>' {
                break;
            }
            let name_start = i;
            while i < bytes.len()
                && !matches!(bytes[i], b'=' | b'>' | b'/')
                && !bytes[i].is_ascii_whitespace()
            {
                i += 1;
            }
            let attr = html[name_start..i].to_ascii_lowercase();
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] != b'=' {
                continue;
            }
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let (start, end, next) = match bytes.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let end = html[i + 1..]
                        .find(q as char)
                        .map_or(html.len(), |p| p + i + 1);
                    (i + 1, end, (end + 1).min(html.len()))
                }
                _ => {
                    let end = html[i..]
                        .find(|c: char| c.is_ascii_whitespace() || c == '>')
                        .map_or(html.len(), |p| p + i);
                    (i, end, end)
                }
            };
            i = next;
            let wanted = matches!(
                (tag.as_str(), attr.as_str()),
                ("img", "src") | ("a", "href")
            );
            if wanted {
                found.push((tag.clone(), &html[start..end], start));
            }
        }
    }
    found
}

fn has_scheme(dest: &str) -> bool {
    dest.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.')
    })
}

/// Resolves `.` and `..`; `None` when the path climbs out of the site folder.
pub fn normalize(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::Normal(p) => out.push(p),
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

/// Gives every heading a unique id made from its text (`## Hasil Bimtek` -> `hasil-bimtek`).
fn add_heading_ids(events: &mut [Event]) {
    let mut used = HashSet::new();
    // The next number to try after each base: a page of many headings with the same text
    // takes each its id at once, instead of counting again from 1 (quadratic on long bodies).
    let mut next: HashMap<String, usize> = HashMap::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { id: None, .. }) = &events[i] {
            let text = plain_text(
                events[i + 1..]
                    .iter()
                    .take_while(|e| !matches!(e, Event::End(TagEnd::Heading(_)))),
            );
            let base = match slugify(&text) {
                s if s.is_empty() => "bagian".to_string(),
                s => s,
            };
            let mut id = base.clone();
            let n = next.entry(base.clone()).or_insert(1);
            while !used.insert(id.clone()) {
                id = format!("{base}-{n}");
                *n += 1;
            }
            if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i] {
                *slot = Some(id.into());
            }
        }
        i += 1;
    }
}

/// The events before `<!-- more -->`, or those of the first paragraph.
fn summary_events<'a, 'b>(events: &'b [Event<'a>]) -> &'b [Event<'a>] {
    if let Some(i) = events
        .iter()
        .position(|e| matches!(e, Event::Html(h) | Event::InlineHtml(h) if h.trim() == MORE_MARKER))
    {
        return &events[..i];
    }
    let Some(start) = events
        .iter()
        .position(|e| matches!(e, Event::Start(Tag::Paragraph)))
    else {
        return &[];
    };
    let end = events[start..]
        .iter()
        .position(|e| matches!(e, Event::End(TagEnd::Paragraph)))
        .map_or(events.len(), |i| start + i + 1);
    &events[start..end]
}

/// The text of some events, without markup, with breaks as spaces.
fn plain_text<'a, 'b>(events: impl IntoIterator<Item = &'b Event<'a>>) -> String
where
    'a: 'b,
{
    let mut out = String::new();
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) => out.push_str(t),
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of (sanitized) HTML: tags dropped, the common entities decoded, spaces folded.
fn text_of_html(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let decoded = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Turns the `style="text-align: ..."` that tables with aligned columns get into classes
/// (`align-left`, `align-center`, `align-right`): the published content security policy
/// allows no inline style, so a browser would drop the attribute and report a violation.
fn alignment_classes(html: String) -> String {
    if !html.contains(" style=\"text-align: ") {
        return html;
    }
    ["left", "center", "right"].iter().fold(html, |html, side| {
        html.replace(
            &format!(" style=\"text-align: {side}\""),
            &format!(" class=\"align-{side}\""),
        )
    })
}

/// Puts a line break between a table's header cells, which Markdown writes end to end:
/// anything that reads the page as Pagefind does (which sets apart data cells but not header
/// cells) would take `Bahan yang disiapkan | Penanggung jawab` as `disiapkanPenanggung`.
/// cerdas's own index ends a word at any element that is not inline and needs no help; with
/// the break, both read the same (`tests/search_format.rs` holds them side by side).
fn header_cells_apart(html: String) -> String {
    if !html.contains("</th><th") {
        return html;
    }
    html.replace("</th><th", "</th>\n<th")
}

/// Removes scripts, event handlers and anything unsafe from HTML, keeping what Markdown makes.
fn sanitize(html: &str) -> String {
    let mut builder = ammonia::Builder::default();
    builder
        .add_generic_attributes(["id", "class"])
        .add_tags(["input", "figure", "figcaption", "picture", "source"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("source", ["type", "srcset", "sizes"])
        .add_tag_attributes("img", ["srcset", "sizes", "loading", "decoding"])
        .url_schemes(SAFE_SCHEMES.into_iter().collect())
        .link_rel(Some("noopener"));
    builder.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Targets;
    impl LinkTargets for Targets {
        fn url_of(&self, path: &Path) -> Option<String> {
            match path.to_str()? {
                "berita/lain.md" => Some("/berita/lain/".into()),
                "program/satu-data.md" => Some("/program/satu-data/".into()),
                _ => None,
            }
        }
        fn file_exists(&self, path: &Path) -> bool {
            path == Path::new("berita/bimtek/foto.jpg")
                || path == Path::new("berita/bimtek/rusak.jpg")
        }
        fn picture(&self, path: &Path, alt: &str) -> Result<Option<String>, (Text, Text)> {
            match path.to_str() {
                Some("berita/bimtek/foto.jpg") => Ok(Some(format!("<picture>{alt}</picture>"))),
                Some("berita/bimtek/rusak.jpg") => {
                    Err((Text::new("rusak", "damaged"), Text::new("", "")))
                }
                _ => Ok(None),
            }
        }
    }

    fn md(body: &str) -> RenderedMarkdown {
        render_markdown(body, Path::new("berita"), &Targets)
    }

    #[test]
    fn aligned_table_columns_get_classes_not_inline_style() {
        let table = "| Indikator | Target |\n|:---|---:|\n| Desa | 82 |\n";
        for body in [table.to_string(), format!("{table}\n<b>tebal</b>\n")] {
            let r = md(&body);
            assert!(!r.html.text().contains("style="), "{}", r.html);
            assert!(
                r.html
                    .text()
                    .contains(r#"<th class="align-left">Indikator</th>"#),
                "{}",
                r.html
            );
            assert!(
                r.html.text().contains(r#"<td class="align-right">82</td>"#),
                "{}",
                r.html
            );
        }
    }

    #[test]
    fn table_header_cells_are_apart() {
        let r = md("| Bahan yang disiapkan | Penanggung jawab |\n|---|:---|\n| Data | OPD |\n");
        assert!(
            r.html.text().contains(
                "<th>Bahan yang disiapkan</th>\n<th class=\"align-left\">Penanggung jawab</th>"
            ),
            "{}",
            r.html
        );
    }

    #[test]
    fn inline_style_in_raw_html_is_removed() {
        let r = md(
            "<p style=\"color: red\">Merah</p>\n\n<table><tr><td style=\"width: 9em\">x</td></tr></table>\n",
        );
        assert!(!r.html.text().contains("style="), "{}", r.html);
        assert!(r.html.text().contains("Merah"), "{}", r.html);
    }

    #[test]
    fn rewrites_md_links_to_urls() {
        let r = md("Baca [ini](lain.md#hasil) dan [program](../program/satu-data.md).\n");
        assert!(
            r.html.text().contains(r#"href="/berita/lain/#hasil""#),
            "{}",
            r.html
        );
        assert!(r.html.text().contains(r#"href="/program/satu-data/""#));
        assert!(r.broken.is_empty());
    }

    #[test]
    fn broken_md_link_is_reported_with_offset() {
        let r = md("Satu.\n\nLihat [x](hilang.md).\n");
        assert_eq!(
            r.broken,
            vec![BrokenRef {
                target: "hilang.md".into(),
                offset: 13,
                image: false,
                problem: None,
            }]
        );
    }

    #[test]
    fn images_in_bundles_must_exist() {
        let r = render_markdown(
            "![a](foto.jpg) ![b](tidak-ada.jpg)",
            Path::new("berita/bimtek"),
            &Targets,
        );
        assert_eq!(r.broken.len(), 1);
        assert_eq!(r.broken[0].target, "tidak-ada.jpg");
    }

    #[test]
    fn inline_pictures_become_responsive_markup() {
        let r = render_markdown(
            "Foto: ![Peserta *Bimtek*](foto.jpg) dan ![x](rusak.jpg)",
            Path::new("berita/bimtek"),
            &Targets,
        );
        assert!(
            r.html.text().contains("<picture>Peserta Bimtek</picture>"),
            "{}",
            r.html
        );
        assert!(!r.html.text().contains(r#"src="foto.jpg""#), "{}", r.html);
        assert_eq!(r.broken.len(), 1);
        assert_eq!(r.broken[0].target, "rusak.jpg");
        assert!(r.broken[0].problem.is_some());
    }

    #[test]
    fn headings_get_unique_ids() {
        let r = md("## Hasil Bimtek\n\n## Hasil Bimtek\n");
        assert!(r.html.text().contains(r#"<h2 id="hasil-bimtek">"#));
        assert!(r.html.text().contains(r#"<h2 id="hasil-bimtek-1">"#));
    }

    #[test]
    fn many_headings_with_one_text_each_get_the_next_number() {
        // A literal `Hasil 1` takes `hasil-1` first; the repeated `Hasil` skips it.
        let r = md("## Hasil 1

## Hasil

## Hasil

## Hasil
");
        for id in ["hasil-1", "hasil", "hasil-2", "hasil-3"] {
            assert_eq!(
                r.html.text().matches(&format!("id=\"{id}\"")).count(),
                1,
                "{}",
                r.html
            );
        }
        // Twenty thousand of them (a 50 MB report) number straight through, without counting
        // from 1 for each.
        let body = "## Hasil\n\nIsi.\n\n".repeat(20_000);
        let r = md(&body);
        assert!(r.html.text().contains("<h2 id=\"hasil-19999\">"));
    }

    #[test]
    fn summary_is_first_paragraph_or_text_before_more() {
        let r = md("Paragraf *pertama*.\n\nKedua.\n");
        assert_eq!(r.summary_html, "<p>Paragraf <em>pertama</em>.</p>\n");
        assert_eq!(r.summary_text, "Paragraf pertama.");
        let r = md("Satu.\n\nDua.\n\n<!-- more -->\n\nTiga.\n");
        assert_eq!(r.summary_text, "Satu. Dua.");
    }

    #[test]
    fn extensions_render() {
        let r = md(
            "| a | b |\n|---|--:|\n| 1 | 2 |\n\n~~lama~~ dan catatan[^1]\n\n- [x] selesai\n\n[^1]: Sumber.\n",
        );
        assert!(r.html.text().contains("<table>"));
        assert!(r.html.text().contains("<del>lama</del>"));
        assert!(r.html.text().contains("footnote"));
        assert!(r.html.text().contains(r#"type="checkbox""#));
    }

    #[test]
    fn raw_html_is_sanitized() {
        let r = md("Halo <script>alert(1)</script><b onclick=\"x()\">tebal</b>\n\n## Judul\n");
        assert!(!r.html.text().contains("script"));
        assert!(!r.html.text().contains("onclick"));
        assert!(r.html.text().contains("<b>tebal</b>"));
        assert!(r.html.text().contains(r#"id="judul""#));
    }

    #[test]
    fn raw_html_images_and_links_are_checked_like_markdown_ones() {
        let body = "Satu.\n\nFoto <img src=\"hilang.png\" alt=\"x\"> dan <a href='lain.md'>ini</a>.\n\n<div>\n<img\n  src=\"foto.jpg\">\n<a href=\"tidak-ada.md\">x</a>\n</div>\n";
        let r = render_markdown(body, Path::new("berita/bimtek"), &Targets);
        let targets: Vec<(&str, usize)> = r
            .broken
            .iter()
            .map(|b| (b.target.as_str(), b.offset))
            .collect();
        assert_eq!(
            targets,
            vec![
                ("hilang.png", body.find("hilang.png").unwrap()),
                ("lain.md", body.find("lain.md").unwrap()),
                ("tidak-ada.md", body.find("tidak-ada.md").unwrap()),
            ],
            "{:?}",
            r.broken
        );
        let r = md("Lihat <a href=\"lain.md#hasil\">ini</a>.\n");
        assert!(r.broken.is_empty(), "{:?}", r.broken);
        assert!(
            r.html.text().contains(r#"href="/berita/lain/#hasil""#),
            "{}",
            r.html
        );
    }

    #[test]
    fn links_that_could_run_code_are_refused_and_never_written() {
        let r = md(
            "[a](javascript:alert(1)) ![b](data:text/html,x) <JavaScript:alert(2)> <a href=\"jav&#x09;ascript:alert(3)\">c</a> <a href=\" javascript:alert(4)\">d</a>\n",
        );
        assert_eq!(r.broken.len(), 5, "{:?}", r.broken);
        assert!(r.broken.iter().all(|b| b.problem.is_some()));
        let lower = r.html.text().to_ascii_lowercase();
        // The autolink's text stays as text; no attribute holds such an address.
        assert!(!lower.contains("=\"javascript"), "{}", r.html);
        assert!(!lower.contains("=\" javascript"), "{}", r.html);
        assert!(!lower.contains("=\"data:"), "{}", r.html);
    }

    /// Answers like `Targets`, but the linked page lives at `url` and the photo is drawn as
    /// `picture`; counts the pictures asked for.
    struct Moved {
        url: &'static str,
        picture: &'static str,
        pictures_asked: std::cell::Cell<usize>,
    }
    impl LinkTargets for Moved {
        fn url_of(&self, path: &Path) -> Option<String> {
            (path == Path::new("berita/lain.md")).then(|| self.url.to_string())
        }
        fn file_exists(&self, path: &Path) -> bool {
            path == Path::new("berita/foto.jpg")
        }
        fn picture(&self, _: &Path, _: &str) -> Result<Option<String>, (Text, Text)> {
            self.pictures_asked.set(self.pictures_asked.get() + 1);
            Ok(Some(self.picture.to_string()))
        }
    }

    fn moved(url: &'static str, picture: &'static str) -> Moved {
        Moved {
            url,
            picture,
            pictures_asked: std::cell::Cell::new(0),
        }
    }

    #[test]
    fn a_kept_body_is_rendered_again_when_its_text_or_an_answer_changes() {
        let memo = MarkdownMemo::default();
        let file = Path::new("berita/a.md");
        let body = "Lihat [berita lain](lain.md).\n\n![Foto](foto.jpg)\n";
        let hash = |text: &str| xxhash_rust::xxh3::xxh3_128(text.as_bytes());
        let render = |text: &'static str, targets: &dyn LinkTargets| {
            memo.render(file, hash(text), || text, targets)
        };
        let first = moved("/berita/lain/", "<picture>1</picture>");
        let html = render(body, &first).html.to_string();
        assert!(html.contains("href=\"/berita/lain/\""), "{html}");
        assert!(html.contains("<picture>1</picture>"), "{html}");

        let same = moved("/berita/lain/", "<picture>1</picture>");
        let unread = memo.render(file, hash(body), || panic!("the text was read"), &same);
        assert_eq!(unread.html.to_string(), html);
        assert_eq!(same.pictures_asked.get(), 1, "the picture is planned again");

        let renamed = render(body, &moved("/berita/baru/", "<picture>1</picture>"));
        assert!(
            renamed.html.text().contains("href=\"/berita/baru/\""),
            "{}",
            renamed.html
        );
        let redrawn = render(body, &moved("/berita/baru/", "<picture>2</picture>"));
        assert!(
            redrawn.html.text().contains("<picture>2</picture>"),
            "{}",
            redrawn.html
        );
        let edited = render("Teks baru.\n", &same);
        assert_eq!(edited.html.to_string(), "<p>Teks baru.</p>\n");
    }
}
