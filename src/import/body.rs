//! A WordPress body to Markdown: block editor comments removed, text stored without `<p>`
//! made into paragraphs (what WordPress's `wpautop` does when it shows a classic post),
//! `[caption]` and `[gallery]` into pictures with captions, YouTube embeds into links, every
//! image and link address handed to the caller to rewrite (a photo copied into the bundle,
//! an old relative link made absolute), then `htmd` for the HTML to Markdown. What Markdown
//! cannot say stays as HTML, which the build sanitizes. Unknown shortcodes are left as text
//! and named.

use std::sync::OnceLock;

use htmd::element_handler::Handlers;
use htmd::{Element, HtmlToMarkdown};

use super::Attachment;

/// What kind of address the caller is asked to rewrite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UrlKind {
    /// The `src` of an image.
    Image,
    /// The `href` of a link.
    Link,
}

/// What the body needs to know besides its own text.
pub struct BodyContext<'a> {
    /// The post's WordPress ID (a `[gallery]` without `ids` shows its attached images).
    pub post_id: u64,
    /// Every attachment of the export, by ID.
    pub attachments: &'a std::collections::HashMap<u64, Attachment>,
}

/// A converted body.
#[derive(Debug, Default)]
pub struct Body {
    /// The Markdown.
    pub markdown: String,
    /// Shortcodes left as text because they mean nothing outside WordPress (name, once each).
    pub unknown_shortcodes: Vec<String>,
}

/// A paragraph marking WordPress's `<!--more-->`, turned into cerdas's `<!-- more -->`.
const MORE: &str = "CERDASMOREMARKER";

/// Converts a stored WordPress body; `resolve` gives the new address of every image and link.
pub fn convert_body(
    html: &str,
    ctx: &BodyContext,
    resolve: &mut dyn FnMut(&str, UrlKind) -> String,
) -> Body {
    let text = html.replace("\r\n", "\n");
    let block_editor = text.contains("<!-- wp:");
    let text = replace_more(&text);
    let text = remove_block_comments(&text);
    let mut unknown = Vec::new();
    let text = expand_shortcodes(&text, ctx, &mut unknown);
    let text = unwrap_image_links(&text);
    let text = embed_lines(&text);
    let text = if block_editor { text } else { autop(&text) };
    let text = rewrite_urls(&text, resolve);
    let markdown = converter()
        .convert(&text)
        .unwrap_or_default()
        .replace(MORE, "<!-- more -->");
    unknown.sort();
    unknown.dedup();
    Body {
        markdown: tidy(&markdown),
        unknown_shortcodes: unknown,
    }
}

/// The HTML to Markdown converter, made once.
fn converter() -> &'static HtmlToMarkdown {
    static CONVERTER: OnceLock<HtmlToMarkdown> = OnceLock::new();
    CONVERTER.get_or_init(|| {
        HtmlToMarkdown::builder()
            .skip_tags(vec!["script", "style", "noscript", "head"])
            .add_handler(vec!["figure"], |h: &dyn Handlers, e: Element| {
                let inner = h.walk_children(e.node).content;
                Some(format!("\n\n{}\n\n", inner.trim()).into())
            })
            .add_handler(vec!["figcaption"], |h: &dyn Handlers, e: Element| {
                let inner = h.walk_children(e.node).content;
                let line = one_line(&inner);
                Some(if line.is_empty() {
                    String::new().into()
                } else {
                    format!("\n\n*{line}*\n\n").into()
                })
            })
            .add_handler(
                vec!["iframe", "video", "audio", "embed", "object"],
                |_: &dyn Handlers, e: Element| {
                    let src = e
                        .attrs
                        .iter()
                        .find(|a| &*a.name.local == "src" || &*a.name.local == "data")
                        .map(|a| a.value.to_string())?;
                    Some(format!("\n\n{}\n\n", media_link(&src)?).into())
                },
            )
            .build()
    })
}

/// Runs of more than one blank line become one; the ends are trimmed; one final newline.
fn tidy(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len() + 1);
    let mut blank = 0;
    for line in markdown.trim().lines() {
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
            out.push('\n');
        } else {
            blank = 0;
            out.push_str(line.trim_end_matches(' ').trim_end_matches('\t'));
            if line.ends_with("  ") {
                // A Markdown line break (`<br>`), kept.
                out.push_str("  ");
            }
            out.push('\n');
        }
    }
    out
}

/// `<!--more-->` (with or without its own link text) as a marker paragraph;
/// `<!--nextpage-->` removed.
fn replace_more(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("<!--") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 4..];
        let Some(end) = after.find("-->") else {
            out.push_str(&rest[i..]);
            return out;
        };
        let inner = after[..end].trim();
        if inner.starts_with("more") {
            out.push_str(&format!("\n\n<p>{MORE}</p>\n\n"));
        } else if inner != "nextpage" {
            out.push_str(&rest[i..i + 4 + end + 3]);
        }
        rest = &after[end + 3..];
    }
    out.push_str(rest);
    out
}

/// Removes the block editor's `<!-- wp:... -->` and `<!-- /wp:... -->` comments.
fn remove_block_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let next = [rest.find("<!-- wp:"), rest.find("<!-- /wp:")]
            .into_iter()
            .flatten()
            .min();
        let Some(i) = next else { break };
        out.push_str(&rest[..i]);
        match rest[i..].find("-->") {
            Some(end) => rest = &rest[i + end + 3..],
            None => {
                rest = "";
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Attributes of a shortcode: `key="value"`, `key='value'`, `key=value`, and positional
/// values under their index (`"0"`, `"1"`, ...).
fn shortcode_attrs(text: &str) -> Vec<(String, String)> {
    let mut attrs = Vec::new();
    let mut rest = text.trim().trim_end_matches('/').trim();
    let mut position = 0;
    while !rest.is_empty() {
        let key_end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        let (key, after) = rest.split_at(key_end);
        if let Some(value_text) = after.strip_prefix('=') {
            let (value, left) = quoted_or_bare(value_text);
            attrs.push((key.to_ascii_lowercase(), value));
            rest = left.trim_start();
        } else {
            let (value, left) = quoted_or_bare(rest);
            attrs.push((position.to_string(), value));
            position += 1;
            rest = left.trim_start();
        }
    }
    attrs
}

/// A value in `"..."`, `'...'`, or up to the next white space; and what follows it.
fn quoted_or_bare(text: &str) -> (String, &str) {
    for quote in ['"', '\'', '\u{201d}', '\u{2033}'] {
        if let Some(inner) = text.strip_prefix(quote) {
            let end = inner
                .find([quote, '\u{201d}', '\u{2033}'])
                .unwrap_or(inner.len());
            let close = inner[end..].chars().next().map_or(0, char::len_utf8);
            return (inner[..end].to_string(), &inner[end + close..]);
        }
    }
    let end = text.find(char::is_whitespace).unwrap_or(text.len());
    (text[..end].to_string(), &text[end..])
}

fn attr<'a>(attrs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// Expands the shortcodes cerdas understands; others stay as text and are named in `unknown`.
fn expand_shortcodes(text: &str, ctx: &BodyContext, unknown: &mut Vec<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('[') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        // `[[gallery]]` is WordPress's way to write a shortcode as text.
        if let Some(escaped) = after.strip_prefix('[')
            && let Some(end) = escaped.find("]]")
        {
            out.push('[');
            out.push_str(&escaped[..end]);
            out.push(']');
            rest = &escaped[end + 2..];
            continue;
        }
        let name: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        let follows = after[name.len()..].chars().next();
        let Some(close) = after.find(']') else {
            out.push('[');
            rest = after;
            continue;
        };
        if name.is_empty() || !matches!(follows, Some(' ' | ']' | '/')) {
            out.push('[');
            rest = after;
            continue;
        }
        let attrs = shortcode_attrs(&after[name.len()..close]);
        let tail = &after[close + 1..];
        let closing = format!("[/{name}]");
        let enclosed = tail
            .find(&closing)
            .map(|j| (&tail[..j], &tail[j + closing.len()..]));
        match name.as_str() {
            "caption" | "wp_caption" => {
                let (inner, left) = enclosed.unwrap_or(("", tail));
                out.push_str(&caption_html(&attrs, inner));
                rest = left;
            }
            "gallery" => {
                out.push_str(&gallery_html(&attrs, ctx));
                rest = tail;
            }
            "embed" | "youtube" | "video" | "audio" => {
                let (inner, left) = enclosed.unwrap_or(("", tail));
                let url = ["0", "src", "url", "mp4", "m4v", "webm", "mp3", "ogg", "wav"]
                    .iter()
                    .find_map(|k| attr(&attrs, k))
                    .filter(|u| u.starts_with("http"))
                    .map(str::to_string)
                    .unwrap_or_else(|| inner.trim().to_string());
                if let Some(link) = media_link(&url) {
                    out.push_str(&format!("\n\n<p>{}</p>\n\n", markdown_link_html(&link)));
                }
                rest = left;
            }
            _ => {
                if !unknown.contains(&name) {
                    unknown.push(name.clone());
                }
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A Markdown link `[text](url)` made by [`media_link`], back as an HTML anchor for the HTML
/// stage (htmd turns it into the same Markdown link).
fn markdown_link_html(link: &str) -> String {
    let (text, url) = link
        .strip_prefix('[')
        .and_then(|l| l.split_once("]("))
        .map(|(t, u)| (t, u.trim_end_matches(')')))
        .unwrap_or((link, link));
    format!("<a href=\"{}\">{}</a>", escape_attr(url), escape_text(text))
}

/// The picture and caption of a `[caption]` shortcode as a `<figure>`; the image link around
/// the picture is dropped, the caption becomes the alt text when the picture has none.
fn caption_html(attrs: &[(String, String)], inner: &str) -> String {
    let Some(img) = first_tag(inner, "img") else {
        return inner.to_string();
    };
    let caption = match attr(attrs, "caption") {
        Some(c) => c.to_string(),
        None => {
            let without_img = inner.replacen(img, "", 1);
            plain_text(&without_img)
        }
    };
    let img = with_alt(img, &caption);
    format!(
        "\n\n<figure>{img}<figcaption>{}</figcaption></figure>\n\n",
        escape_text(&caption)
    )
}

/// The pictures of a `[gallery]`: those named in `ids` (or `include`), else every image
/// attached to the post, each with its caption.
fn gallery_html(attrs: &[(String, String)], ctx: &BodyContext) -> String {
    let ids: Vec<u64> = match attr(attrs, "ids").or_else(|| attr(attrs, "include")) {
        Some(list) => list
            .split(',')
            .filter_map(|s| s.trim().parse().ok())
            .collect(),
        None => {
            let mut ids: Vec<u64> = ctx
                .attachments
                .iter()
                .filter(|(_, a)| a.parent == ctx.post_id)
                .map(|(id, _)| *id)
                .collect();
            ids.sort_unstable();
            ids
        }
    };
    let mut out = String::from("\n\n");
    for id in ids {
        let Some(a) = ctx.attachments.get(&id) else {
            continue;
        };
        let alt = [&a.alt, &a.caption, &a.title]
            .into_iter()
            .find(|t| !t.trim().is_empty())
            .cloned()
            .unwrap_or_default();
        out.push_str(&format!(
            "<figure><img src=\"{}\" alt=\"{}\">",
            escape_attr(&a.url),
            escape_attr(&alt)
        ));
        if !a.caption.trim().is_empty() {
            out.push_str(&format!(
                "<figcaption>{}</figcaption>",
                escape_text(&plain_text(&a.caption))
            ));
        }
        out.push_str("</figure>\n\n");
    }
    out
}

/// The first `<name ...>` tag of `html`, as written.
fn first_tag<'a>(html: &'a str, name: &str) -> Option<&'a str> {
    let lower = html.to_ascii_lowercase();
    let open = format!("<{name}");
    let mut from = 0;
    while let Some(i) = lower[from..].find(&open) {
        let start = from + i;
        let next = lower[start + open.len()..].chars().next();
        if matches!(next, Some(c) if c.is_whitespace() || c == '>' || c == '/') {
            let end = html[start..].find('>')?;
            return Some(&html[start..start + end + 1]);
        }
        from = start + open.len();
    }
    None
}

/// The value of attribute `name` in the tag `tag` (entities decoded), if written.
pub fn tag_attr(tag: &str, name: &str) -> Option<String> {
    attr_span(tag, name).map(|(s, e)| decode_entities(&tag[s..e]))
}

/// The byte range of the value of attribute `name` in `tag`, quotes excluded.
fn attr_span(tag: &str, name: &str) -> Option<(usize, usize)> {
    let lower = tag.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut from = 0;
    while let Some(i) = lower[from..].find(name) {
        let at = from + i;
        from = at + name.len();
        let before_ok = at > 0 && bytes[at - 1].is_ascii_whitespace();
        let mut j = at + name.len();
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        if !before_ok || bytes.get(j) != Some(&b'=') {
            continue;
        }
        j += 1;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        return match bytes.get(j) {
            Some(&q @ (b'"' | b'\'')) => {
                let end = lower[j + 1..].find(q as char)? + j + 1;
                Some((j + 1, end))
            }
            Some(_) => {
                let end = lower[j..]
                    .find(|c: char| c.is_whitespace() || c == '>')
                    .map_or(lower.len(), |e| e + j);
                let end = if lower[..end].ends_with('/') && end == lower.len() - 1 {
                    end - 1
                } else {
                    end
                };
                Some((j, end))
            }
            None => None,
        };
    }
    None
}

/// `img` with `alt="text"` when it has no alt text of its own.
fn with_alt(img: &str, text: &str) -> String {
    match tag_attr(img, "alt") {
        Some(a) if !a.trim().is_empty() => img.to_string(),
        _ => {
            let img = match attr_span(img, "alt") {
                Some((s, e)) => format!("{}{}", &img[..s], &img[e..]),
                None => img.to_string(),
            };
            let body = img.trim_start_matches("<img").trim_start_matches("<IMG");
            format!("<img alt=\"{}\"{body}", escape_attr(text))
        }
    }
}

/// `<a href="photo.jpg"><img ...></a>` (the link WordPress puts around a picture to its
/// full size) becomes the picture alone.
fn unwrap_image_links(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = find_ci(rest, "<a ") {
        out.push_str(&rest[..i]);
        let from_a = &rest[i..];
        let Some(open_end) = from_a.find('>') else {
            out.push_str(from_a);
            return out;
        };
        let open = &from_a[..=open_end];
        let inside = &from_a[open_end + 1..];
        let close = find_ci(inside, "</a>");
        let is_picture_link = tag_attr(open, "href").is_some_and(|h| is_image_url(&h));
        match close {
            Some(c) if is_picture_link => {
                let content = inside[..c].trim();
                if let Some(img) = first_tag(content, "img")
                    && content.len() == img.len()
                {
                    out.push_str(img);
                    rest = &inside[c + 4..];
                    continue;
                }
                out.push_str(open);
                rest = inside;
            }
            _ => {
                out.push_str(open);
                rest = inside;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Where `needle` (ASCII) first occurs in `text`, ignoring ASCII case.
fn find_ci(text: &str, needle: &str) -> Option<usize> {
    text.as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Whether `url` names a picture file.
pub fn is_image_url(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let lower = path.to_ascii_lowercase();
    [".jpg", ".jpeg", ".png", ".gif", ".webp"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// A line holding nothing but an address (how WordPress embeds a video: the address on its
/// own line, or inside the block editor's embed wrapper) becomes a link.
fn embed_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        let bare = (trimmed.starts_with("https://") || trimmed.starts_with("http://"))
            && !trimmed.contains(char::is_whitespace)
            && !trimmed.contains(['<', '>', '"']);
        match bare.then(|| media_link(trimmed)).flatten() {
            Some(link) => {
                out.push_str(&format!("<p>{}</p>\n", markdown_link_html(&link)));
            }
            None => out.push_str(line),
        }
    }
    out
}

/// A media address as a Markdown link: YouTube as its watch page, others as themselves.
fn media_link(url: &str) -> Option<String> {
    let url = decode_entities(url.trim());
    if !(url.starts_with("https://") || url.starts_with("http://") || url.starts_with("//")) {
        return None;
    }
    let url = if url.starts_with("//") {
        format!("https:{url}")
    } else {
        url
    };
    Some(match youtube_id(&url) {
        Some(id) => format!("[Tonton video di YouTube](https://www.youtube.com/watch?v={id})"),
        None => format!("[{url}]({url})"),
    })
}

/// The video ID of a YouTube address (watch, youtu.be, embed, shorts).
fn youtube_id(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.strip_prefix("www.").unwrap_or(rest);
    let rest = rest.strip_prefix("m.").unwrap_or(rest);
    let id = if let Some(r) = rest.strip_prefix("youtu.be/") {
        r
    } else if let Some(r) = rest.strip_prefix("youtube.com/") {
        if let Some(r) = r
            .strip_prefix("embed/")
            .or_else(|| r.strip_prefix("shorts/"))
        {
            r
        } else {
            let query = r.split_once('?')?.1;
            query.split('&').find_map(|kv| kv.strip_prefix("v="))?
        }
    } else {
        rest.strip_prefix("youtube-nocookie.com/embed/")?
    };
    let id: String = id
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    (!id.is_empty()).then_some(id)
}

/// Tags that start a block: text beginning with one is not wrapped in `<p>`.
const BLOCK_TAGS: [&str; 24] = [
    "p",
    "div",
    "ul",
    "ol",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "blockquote",
    "figure",
    "pre",
    "hr",
    "dl",
    "form",
    "section",
    "address",
    "iframe",
    "script",
    "style",
    "center",
];

/// WordPress's `wpautop`, in short: blank lines separate paragraphs, a single line break
/// inside one is a `<br>`; text that starts with a block tag is left as it is.
fn autop(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    for chunk in split_paragraphs(text) {
        let chunk = chunk.trim();
        if chunk.is_empty() {
            continue;
        }
        if starts_with_block(chunk) {
            out.push_str(chunk);
        } else {
            out.push_str("<p>");
            out.push_str(&chunk.replace('\n', "<br>"));
            out.push_str("</p>");
        }
        out.push_str("\n\n");
    }
    out
}

/// `text` cut at blank lines.
fn split_paragraphs(text: &str) -> Vec<&str> {
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut line_start = 0;
    let mut blank_run = false;
    for (i, c) in text.char_indices() {
        if c == '\n' {
            let line = &text[line_start..i];
            if line.trim().is_empty() && !blank_run && line_start > start {
                chunks.push(&text[start..line_start]);
                blank_run = true;
            }
            if !line.trim().is_empty() {
                if blank_run {
                    start = line_start;
                }
                blank_run = false;
            }
            line_start = i + 1;
        }
    }
    if blank_run {
        start = line_start.max(start);
    }
    chunks.push(&text[start.min(text.len())..]);
    chunks
}

fn starts_with_block(chunk: &str) -> bool {
    let Some(rest) = chunk.strip_prefix('<') else {
        return false;
    };
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    BLOCK_TAGS.contains(&name.as_str())
}

/// Hands every image `src` and link `href` to `resolve` and writes its answer back.
fn rewrite_urls(html: &str, resolve: &mut dyn FnMut(&str, UrlKind) -> String) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let from = &rest[i..];
        let Some(end) = from.find('>') else {
            out.push_str(from);
            return out;
        };
        let tag = &from[..=end];
        let name: String = tag[1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let which = match name.as_str() {
            "img" => Some(("src", UrlKind::Image)),
            "a" => Some(("href", UrlKind::Link)),
            _ => None,
        };
        match which.and_then(|(attr, kind)| attr_span(tag, attr).map(|span| (span, kind))) {
            Some(((s, e), kind)) => {
                let old = decode_entities(&tag[s..e]);
                let new = resolve(&old, kind);
                let quoted = !matches!(tag.as_bytes().get(s.wrapping_sub(1)), Some(b'"' | b'\''));
                out.push_str(&tag[..s]);
                if quoted {
                    out.push('"');
                }
                out.push_str(&escape_attr(&new));
                if quoted {
                    out.push('"');
                }
                out.push_str(&tag[e..]);
            }
            None => out.push_str(tag),
        }
        rest = &from[end + 1..];
    }
    out.push_str(rest);
    out
}

/// `text` with `&`, `<`, `>` and `"` escaped for an HTML attribute.
fn escape_attr(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `text` with `&`, `<` and `>` escaped for HTML text.
fn escape_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Collapses white space to single spaces and trims.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of a bit of HTML on one line: scripts and styles dropped with their content,
/// other tags removed, entities decoded (for titles, excerpts and captions).
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let from = &rest[i..];
        let lower: String = from
            .chars()
            .take(8)
            .collect::<String>()
            .to_ascii_lowercase();
        let skip_to = ["script", "style"]
            .into_iter()
            .find(|t| lower.starts_with(&format!("<{t}")))
            .map(|t| format!("</{t}"));
        match skip_to {
            Some(close) => match find_ci(from, &close) {
                Some(c) => {
                    rest = from[c..].find('>').map_or("", |e| &from[c + e + 1..]);
                }
                None => rest = "",
            },
            None => match from.find('>') {
                Some(e) => {
                    out.push(' ');
                    rest = &from[e + 1..];
                }
                None => {
                    out.push_str(from);
                    rest = "";
                }
            },
        }
    }
    out.push_str(rest);
    one_line(&decode_entities(&out))
}

/// Decodes HTML character references: numeric ones and the named ones WordPress writes.
pub fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let end = after
            .char_indices()
            .take(12)
            .find(|(_, c)| *c == ';')
            .map(|(j, _)| j);
        let decoded = end.and_then(|e| entity(&after[..e]).map(|c| (c, e)));
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).filter(|c| *c != '\0');
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "copy" => '©',
        "reg" => '®',
        "deg" => '°',
        "times" => '×',
        "bull" => '•',
        "middot" => '·',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn convert(html: &str, attachments: &HashMap<u64, Attachment>) -> Body {
        let ctx = BodyContext {
            post_id: 5,
            attachments,
        };
        convert_body(html, &ctx, &mut |url, _| url.to_string())
    }

    #[test]
    fn text_without_p_becomes_paragraphs() {
        let b = convert("Baris satu\nbaris dua\n\nParagraf dua", &HashMap::new());
        assert_eq!(b.markdown, "Baris satu  \nbaris dua\n\nParagraf dua\n");
    }

    #[test]
    fn block_comments_go_and_more_stays() {
        let b = convert(
            "<!-- wp:paragraph -->\n<p>Satu</p>\n<!-- /wp:paragraph -->\n\n<!--more-->\n\n<!-- wp:paragraph -->\n<p>Dua</p>\n<!-- /wp:paragraph -->",
            &HashMap::new(),
        );
        assert_eq!(b.markdown, "Satu\n\n<!-- more -->\n\nDua\n");
    }

    #[test]
    fn caption_and_gallery_become_pictures_with_captions() {
        let mut att = HashMap::new();
        att.insert(
            7,
            Attachment {
                url: "https://old/wp-content/uploads/2022/08/a.jpg".into(),
                alt: String::new(),
                title: "a".into(),
                caption: "Peserta rapat".into(),
                parent: 5,
            },
        );
        let b = convert(
            "[caption id=\"x\" width=\"300\"]<a href=\"https://old/b.jpg\"><img src=\"https://old/b-300x200.jpg\" /></a> Bupati membuka acara[/caption]\n\n[gallery ids=\"7,99\"]\n\n[contact-form-7 id=\"1\"]",
            &att,
        );
        assert!(
            b.markdown.contains(
                "![Bupati membuka acara](https://old/b-300x200.jpg)\n\n*Bupati membuka acara*"
            ),
            "{}",
            b.markdown
        );
        assert!(
            b.markdown.contains(
                "![Peserta rapat](https://old/wp-content/uploads/2022/08/a.jpg)\n\n*Peserta rapat*"
            ),
            "{}",
            b.markdown
        );
        assert_eq!(b.unknown_shortcodes, vec!["contact-form-7"]);
        assert!(b.markdown.contains("contact-form-7"));
    }

    #[test]
    fn youtube_embeds_become_links() {
        let b = convert(
            "Lihat:\n\nhttps://www.youtube.com/watch?v=abc_123\n\n<iframe src=\"https://www.youtube.com/embed/xyz?rel=0\"></iframe>\n\n[embed]https://youtu.be/qqq[/embed]",
            &HashMap::new(),
        );
        for id in ["abc_123", "xyz", "qqq"] {
            assert!(
                b.markdown.contains(&format!(
                    "[Tonton video di YouTube](https://www.youtube.com/watch?v={id})"
                )),
                "{id}: {}",
                b.markdown
            );
        }
    }

    #[test]
    fn titles_lose_tags_and_scripts() {
        assert_eq!(
            plain_text("<script>alert(1)</script>Rapat &#8211; <b>Tahap</b>&nbsp;II &amp; III"),
            "Rapat – Tahap II & III"
        );
    }

    #[test]
    fn addresses_are_rewritten() {
        let ctx = BodyContext {
            post_id: 1,
            attachments: &HashMap::new(),
        };
        let b = convert_body(
            "<p><img src='/x.jpg?a=1&amp;b=2'> <a href=\"doc.pdf\">Dokumen</a></p>",
            &ctx,
            &mut |url, kind| format!("{kind:?}:{url}"),
        );
        assert_eq!(
            b.markdown,
            "![](Image:/x.jpg?a=1&b=2) [Dokumen](Link:doc.pdf)\n"
        );
    }
}
