//! Reading one rendered page for the index: the text of the element the theme marked with
//! `data-pagefind-body` (with its headings, which weigh more, and the ids inside it that a
//! result can link to), the filters, meta and sort keys its `data-pagefind-filter`,
//! `-meta` and `-sort` attributes carry, its title (its first `<h1>`, else `<title>`) and its
//! first picture after the title. An element marked `data-pagefind-ignore` gives no text (the
//! filters, meta and sort keys in it still count); marked `data-pagefind-ignore="all"`,
//! nothing. Unlike Pagefind, which sets apart only the text of blocks (`p`, `li`, `td`,
//! headings...) and line breaks, every element that is not inline starts a new word: header
//! cells, definition lists and captions in pasted or imported HTML are not run together.
//!
//! The reader knows the HTML cerdas renders: well-formed elements, attributes in quotes; it
//! does not build a document tree. Tag names and attribute
//! values are borrowed from the page while it is read (copied only when a name has capitals
//! or a value character references).

use std::borrow::Cow;
use std::collections::BTreeMap;

/// A piece of a page's searchable text, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    /// Text as written in the page (character references not yet decoded).
    Text(String),
    /// A heading of this level (1 to 6) starts: its words weigh more.
    Heading(u8),
    /// The heading ends.
    EndHeading,
    /// An element with an id: number of its entry in [`PageText::anchors`].
    Anchor(usize),
}

/// An element with an id inside the searchable text (a result can point into the page).
#[derive(Debug, Clone, PartialEq)]
pub struct Anchor {
    /// Its tag name (`h2`).
    pub element: String,
    /// Its id.
    pub id: String,
    /// Its own text (and that of inline elements inside it).
    pub text: String,
}

/// What the index takes from one page.
#[derive(Debug, Default)]
pub struct PageText {
    /// The searchable text.
    pub pieces: Vec<Piece>,
    /// Elements with ids, by number (only those whose [`Piece::Anchor`] is in `pieces` count).
    pub anchors: Vec<Anchor>,
    /// Filter name to values, in the page's order.
    pub filters: BTreeMap<String, Vec<String>>,
    /// Shown with the result (`title`, `image`, `image_alt`, the theme's own keys).
    pub meta: BTreeMap<String, String>,
    /// Sort key to value.
    pub sort: BTreeMap<String, String>,
}

/// Elements whose end closes a sentence: their text is set apart, with a full stop when it
/// ends in a word.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "h1" | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "p"
            | "td"
            | "div"
            | "ul"
            | "li"
            | "article"
            | "section"
    )
}

/// Elements whose text belongs to the id of the element around them.
fn is_inline(name: &str) -> bool {
    matches!(
        name,
        "a" | "abbr"
            | "acronym"
            | "b"
            | "bdo"
            | "big"
            | "br"
            | "button"
            | "cite"
            | "code"
            | "dfn"
            | "em"
            | "i"
            | "img"
            | "input"
            | "kbd"
            | "label"
            | "map"
            | "object"
            | "output"
            | "q"
            | "samp"
            | "script"
            | "select"
            | "small"
            | "span"
            | "strong"
            | "sub"
            | "sup"
            | "textarea"
            | "time"
            | "tt"
            | "var"
    )
}

/// Elements whose text is not searched (forms, menus, scripts...).
fn is_unsearched(name: &str) -> bool {
    matches!(
        name,
        "head"
            | "style"
            | "script"
            | "noscript"
            | "label"
            | "form"
            | "svg"
            | "footer"
            | "nav"
            | "iframe"
            | "template"
    )
}

/// Elements without an end tag.
fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
    )
}

/// Elements that set their text apart from the text before them with a space, without ending
/// a sentence (a block around them still ends one after their last word): a line break (as
/// Pagefind reads it), and every element that is neither a block nor inline (`dt`, `dd`, `th`,
/// `figcaption`, `blockquote`...), whose text Pagefind would run into its neighbours'
/// (`<dt>Tempat</dt><dd>Aula</dd>`, common in pasted or imported HTML, would be found only as
/// `tempataula`). A `wbr` joins.
fn sets_apart(name: &str, inline: bool, block: bool) -> bool {
    name == "br" || (!inline && !block && name != "wbr")
}

/// Elements whose content is text up to their end tag, never tags.
fn is_raw(name: &str) -> bool {
    matches!(name, "script" | "style" | "textarea" | "title" | "xmp")
}

/// What the reader does with an element, found once from its name when it starts (the names
/// are matched, not searched in lists: a page has many tags).
#[derive(Clone, Copy, Default)]
struct Kind {
    /// See [`is_block`].
    block: bool,
    /// See [`is_inline`].
    inline: bool,
    /// See [`is_unsearched`].
    unsearched: bool,
    /// See [`is_void`].
    void: bool,
    /// See [`is_raw`].
    raw: bool,
    /// See [`sets_apart`].
    apart: bool,
    /// The level of a heading (`h2` -> 2).
    heading: Option<u8>,
}

impl Kind {
    /// The kind of the element named `name` (lower case).
    fn of(name: &str) -> Kind {
        let (block, inline) = (is_block(name), is_inline(name));
        Kind {
            block,
            inline,
            apart: sets_apart(name, inline, block),
            unsearched: is_unsearched(name),
            void: is_void(name),
            raw: is_raw(name),
            heading: heading_level(name),
        }
    }
}

/// An element being read (`'a`: the page).
#[derive(Default)]
struct Open<'a> {
    /// Its tag name, lower case.
    name: Cow<'a, str>,
    kind: Kind,
    /// Where its text starts in the reader's pieces (its text is what follows).
    start: Mark,
    /// Its `data-pagefind-filter`, `-meta` and `-sort` attributes, decoded (see
    /// [`attribute_list`]).
    filter: Option<Cow<'a, str>>,
    meta: Option<Cow<'a, str>>,
    sort: Option<Cow<'a, str>>,
    /// The marked element.
    body: bool,
    /// Marked `data-pagefind-ignore`: its text is not searched.
    ignored: bool,
    /// Marked `data-pagefind-ignore="all"`, or inside such an element: its filters, meta
    /// and sort keys do not count either.
    excluded: bool,
    /// The number of its own anchor (it has an id). Its text also belongs to the anchors of
    /// the element around it when it is inline (see [`Reader::text`]).
    anchor: Option<usize>,
}

/// Where an element's text starts in the pieces read so far: at a piece, or inside the text
/// it continues (text is joined across element boundaries as it is read).
#[derive(Clone, Copy, Default)]
struct Mark {
    piece: usize,
    /// The length the text piece had when the element started; 0 when the element starts a
    /// piece of its own (text pieces are never empty).
    byte: usize,
}

/// What has been read so far.
#[derive(Default)]
struct Reader<'a> {
    stack: Vec<Open<'a>>,
    /// The text of the page so far, in document order: each element's text is written once,
    /// where it is read; an element whose text is not searched gives its own back when it
    /// ends, the marked element moves its own to the page.
    pieces: Vec<Piece>,
    page: PageText,
    auto_title: Option<String>,
    page_title: Option<String>,
    auto_image: Option<(String, Option<String>)>,
}

/// Reads `html` (a whole page, or the marked element alone with the page's `<title>` given as
/// `title`).
pub fn read(html: &str, title: Option<&str>) -> PageText {
    let mut reader = Reader {
        page_title: title.map(normalize),
        ..Reader::default()
    };
    reader.stack.push(Open::default());
    let bytes = html.as_bytes();
    // Where the first `>` at or after `from` ends (the end of `html` if none).
    let past_gt =
        |from: usize| memchr::memchr(b'>', &bytes[from..]).map_or(html.len(), |e| from + e + 1);
    let mut at = 0;
    while at < html.len() {
        let Some(lt) = memchr::memchr(b'<', &bytes[at..]).map(|i| at + i) else {
            reader.text(&html[at..]);
            break;
        };
        if lt > at {
            reader.text(&html[at..lt]);
        }
        let rest = &bytes[lt..];
        if rest.starts_with(b"<!--") {
            at = memchr::memmem::find(rest, b"-->").map_or(html.len(), |e| lt + e + 3);
        } else if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
            at = past_gt(lt);
        } else if rest.starts_with(b"</") {
            let end = past_gt(lt);
            reader.close(&tag_name(&html[lt + 2..end]));
            at = end;
        } else if rest.get(1).is_some_and(u8::is_ascii_alphabetic) {
            let (tag, end) = start_tag(html, lt);
            at = end;
            let kind = Kind::of(&tag.name);
            let self_closing = tag.self_closing;
            reader.open(tag, kind);
            if kind.void || self_closing {
                reader.close_last();
            } else if kind.raw {
                let close = reader
                    .stack
                    .last()
                    .map_or(html.len(), |open| find_end_tag(html, at, &open.name));
                reader.text(&html[at..close]);
                reader.close_last();
                at = past_gt(close);
            }
        } else {
            reader.text("<");
            at = lt + 1;
        }
    }
    while reader.stack.len() > 1 {
        reader.close_last();
    }
    reader.finish()
}

/// The attributes the index reads (others are skipped, not decoded), by their place in a
/// [`Tag`]'s values.
#[derive(Clone, Copy)]
enum Attribute {
    Id,
    Src,
    Alt,
    Body,
    Filter,
    Meta,
    Sort,
    Ignore,
}

impl Attribute {
    const ALL: [Attribute; 8] = [
        Attribute::Id,
        Attribute::Src,
        Attribute::Alt,
        Attribute::Body,
        Attribute::Filter,
        Attribute::Meta,
        Attribute::Sort,
        Attribute::Ignore,
    ];

    /// Its name as written in a tag (lower case).
    fn name(self) -> &'static str {
        match self {
            Attribute::Id => "id",
            Attribute::Src => "src",
            Attribute::Alt => "alt",
            Attribute::Body => "data-pagefind-body",
            Attribute::Filter => "data-pagefind-filter",
            Attribute::Meta => "data-pagefind-meta",
            Attribute::Sort => "data-pagefind-sort",
            Attribute::Ignore => "data-pagefind-ignore",
        }
    }

    /// The attribute named `name` (any letter case), if the index reads it.
    fn named(name: &str) -> Option<Attribute> {
        Attribute::ALL
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(name))
    }
}

/// A start tag: its name (lower case), the attributes the index reads (values decoded, by
/// [`Attribute`]; the first of a name counts) and whether it ends in `/>`.
struct Tag<'a> {
    name: Cow<'a, str>,
    values: [Option<Cow<'a, str>>; Attribute::ALL.len()],
    self_closing: bool,
}

impl<'a> Tag<'a> {
    fn get(&self, attribute: Attribute) -> Option<&str> {
        self.values[attribute as usize].as_deref()
    }

    fn take(&mut self, attribute: Attribute) -> Option<Cow<'a, str>> {
        self.values[attribute as usize].take()
    }
}

/// The start tag at `lt`, and where it ends.
fn start_tag(html: &str, lt: usize) -> (Tag<'_>, usize) {
    let bytes = html.as_bytes();
    let mut at = lt + 1;
    let name_end = bytes[at..]
        .iter()
        .position(|&c| c.is_ascii_whitespace() || c == b'>' || c == b'/')
        .map_or(html.len(), |i| at + i);
    let mut tag = Tag {
        name: lower_case(&html[at..name_end]),
        values: Default::default(),
        self_closing: false,
    };
    at = name_end;
    loop {
        while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        match bytes.get(at) {
            None => return (tag, html.len()),
            Some(b'>') => return (tag, at + 1),
            Some(b'/') => {
                if bytes.get(at + 1) == Some(&b'>') {
                    tag.self_closing = true;
                    return (tag, at + 2);
                }
                at += 1;
                continue;
            }
            Some(_) => {}
        }
        let name_end = bytes[at..]
            .iter()
            .position(|&c| c.is_ascii_whitespace() || c == b'>' || c == b'=' || c == b'/')
            .map_or(html.len(), |i| at + i);
        let read = Attribute::named(&html[at..name_end]);
        at = name_end;
        while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        let mut raw = "";
        if bytes.get(at) == Some(&b'=') {
            at += 1;
            while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
                at += 1;
            }
            let next;
            (raw, next) = match bytes.get(at) {
                Some(&q) if q == b'"' || q == b'\'' => {
                    let end =
                        memchr::memchr(q, &bytes[at + 1..]).map_or(html.len(), |i| at + 1 + i);
                    (&html[at + 1..end], (end + 1).min(html.len()))
                }
                _ => {
                    let end = bytes[at..]
                        .iter()
                        .position(|&c| c.is_ascii_whitespace() || c == b'>')
                        .map_or(html.len(), |i| at + i);
                    (&html[at..end], end)
                }
            };
            at = next;
        }
        if let Some(slot) = read.map(|a| &mut tag.values[a as usize])
            && slot.is_none()
        {
            *slot = Some(html_escape::decode_html_entities(raw));
        }
    }
}

/// The name of an end tag from what follows `</`, lower case.
fn tag_name(text: &str) -> Cow<'_, str> {
    let end = text
        .bytes()
        .position(|c| c.is_ascii_whitespace() || c == b'>' || c == b'/')
        .unwrap_or(text.len());
    lower_case(&text[..end])
}

/// `name` in lower case (ASCII letters only), copied only if it has capitals.
fn lower_case(name: &str) -> Cow<'_, str> {
    if name.bytes().any(|c| c.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

/// Where `</name` starts at or after `from` (any letter case); the end of `html` if nowhere.
fn find_end_tag(html: &str, from: usize, name: &str) -> usize {
    let bytes = html.as_bytes();
    let mut at = from;
    while let Some(i) = memchr::memmem::find(&bytes[at..], b"</") {
        let start = at + i;
        let candidate = &bytes[start + 2..];
        if candidate.len() >= name.len()
            && candidate[..name.len()].eq_ignore_ascii_case(name.as_bytes())
        {
            return start;
        }
        at = start + 2;
    }
    html.len()
}

/// The `a, b:literal` list of a `data-pagefind-filter`, `-meta` or `-sort` attribute: names
/// (white space around them dropped), the last of which may carry a value after `:` (the
/// value may hold commas and colons).
fn attribute_list(value: &str) -> impl Iterator<Item = (&str, Option<&str>)> {
    let (names, literal) = match value.split_once(':') {
        Some((names, literal)) => (names, Some(literal)),
        None => (value, None),
    };
    let last = names.split(',').count() - 1;
    names
        .split(',')
        .map(str::trim)
        .enumerate()
        .map(move |(n, name)| (name, if n == last { literal } else { None }))
}

impl<'a> Reader<'a> {
    /// Adds text read in the innermost open element (and to the anchors it belongs to).
    fn text(&mut self, text: &str) {
        let Some(node) = self.stack.last() else {
            return;
        };
        push_text(&mut self.pieces, text);
        if node.kind.unsearched {
            return;
        }
        // The element's own anchor, then, while elements are inline, those around it.
        for node in self.stack.iter().rev() {
            if let Some(a) = node.anchor.and_then(|a| self.page.anchors.get_mut(a)) {
                a.text.push_str(text);
            }
            if !node.kind.inline {
                break;
            }
        }
    }

    /// Where text read next starts.
    fn mark(&self) -> Mark {
        match self.pieces.last() {
            Some(Piece::Text(t)) => Mark {
                piece: self.pieces.len() - 1,
                byte: t.len(),
            },
            _ => Mark {
                piece: self.pieces.len(),
                byte: 0,
            },
        }
    }

    fn open(&mut self, mut tag: Tag<'a>, kind: Kind) {
        let ignore = tag.get(Attribute::Ignore);
        // Pagefind reads any value but these as "all".
        let all = ignore.is_some_and(|v| {
            !["", "index", "true"]
                .iter()
                .any(|n| v.trim().eq_ignore_ascii_case(n))
        });
        let excluded = all || self.stack.last().is_some_and(|parent| parent.excluded);
        let mut node = Open {
            kind,
            body: tag.get(Attribute::Body).is_some(),
            ignored: ignore.is_some(),
            excluded,
            ..Open::default()
        };
        if !excluded {
            node.filter = tag.take(Attribute::Filter);
            node.meta = tag.take(Attribute::Meta);
            node.sort = tag.take(Attribute::Sort);
        }
        if let Some(id) = tag.get(Attribute::Id).filter(|_| !node.ignored) {
            let id: String = id.chars().filter(|c| !c.is_whitespace()).collect();
            let number = self.page.anchors.len();
            self.page.anchors.push(Anchor {
                element: tag.name.to_string(),
                id,
                text: String::new(),
            });
            // The anchor is the parent's: it comes before this element's text.
            self.pieces.push(Piece::Anchor(number));
            node.anchor = Some(number);
        }
        if tag.name == "img" {
            let titled = self.auto_title.is_some() || self.page.meta.contains_key("title");
            if self.auto_image.is_none()
                && titled
                && let Some(src) = tag.get(Attribute::Src)
            {
                self.auto_image = Some((normalize(src), tag.get(Attribute::Alt).map(normalize)));
            }
        }
        node.start = self.mark();
        if let Some(level) = kind.heading {
            self.pieces.push(Piece::Heading(level));
        }
        if kind.block || kind.apart {
            // A block's text, or a line break's, is set apart from the text before it.
            push_text(&mut self.pieces, " ");
        }
        node.name = tag.name;
        self.stack.push(node);
    }

    /// Ends the open `name` element (and any left open inside it); an end tag of nothing open
    /// is ignored.
    fn close(&mut self, name: &str) {
        let Some(depth) = self.stack.iter().rposition(|o| o.name == name) else {
            return;
        };
        if depth == 0 {
            return;
        }
        while self.stack.len() > depth {
            self.close_last();
        }
    }

    /// Ends the innermost open element.
    fn close_last(&mut self) {
        if let Some(node) = self.stack.pop() {
            self.end(node);
        }
    }

    /// The text of the element that started at `start`, headings and anchors as spaces.
    fn plain_text(&self, start: Mark) -> String {
        let own = self.pieces.get(start.piece..).unwrap_or_default();
        plain_text(own, start.byte)
    }

    /// Drops the text read since `start`.
    fn truncate(&mut self, start: Mark) {
        if start.byte > 0 {
            self.pieces.truncate(start.piece + 1);
            if let Some(Piece::Text(t)) = self.pieces.last_mut() {
                t.truncate(start.byte);
            }
        } else {
            self.pieces.truncate(start.piece);
        }
    }

    /// Takes the text read since `start` out.
    fn take(&mut self, start: Mark) -> Vec<Piece> {
        let mut own = self.pieces.split_off(start.piece.min(self.pieces.len()));
        if start.byte > 0
            && let Some(Piece::Text(t)) = own.first_mut()
        {
            let rest = t.split_off(start.byte);
            let before = std::mem::replace(t, rest);
            self.pieces.push(Piece::Text(before));
            if matches!(own.first(), Some(Piece::Text(t)) if t.is_empty()) {
                own.remove(0);
            }
        }
        own
    }

    fn end(&mut self, node: Open<'a>) {
        let mut text: Option<String> = None;
        let items = [
            (&node.filter, Field::Filter),
            (&node.sort, Field::Sort),
            (&node.meta, Field::Meta),
        ];
        for (list, field) in items {
            let Some(list) = list else { continue };
            for (name, literal) in attribute_list(list) {
                let value = match literal {
                    Some(value) => normalize(value),
                    None => {
                        let text = text.get_or_insert_with(|| self.plain_text(node.start));
                        if text.is_empty() {
                            continue;
                        }
                        normalize(text)
                    }
                };
                match field {
                    Field::Filter => match self.page.filters.get_mut(name) {
                        Some(values) => values.push(value),
                        None => {
                            self.page.filters.insert(name.to_string(), vec![value]);
                        }
                    },
                    Field::Sort => {
                        self.page.sort.insert(name.to_string(), value);
                    }
                    Field::Meta => {
                        self.page.meta.insert(name.to_string(), value);
                    }
                }
            }
        }
        if node.name == "h1" && self.auto_title.is_none() {
            let text = normalize(text.get_or_insert_with(|| self.plain_text(node.start)));
            if !text.is_empty() {
                self.auto_title = Some(text);
            }
        }
        if node.name == "title" && self.page_title.is_none() {
            let text = text.get_or_insert_with(|| self.plain_text(node.start));
            self.page_title = Some(normalize(text));
        }
        if node.kind.unsearched || node.ignored {
            self.truncate(node.start);
            return;
        }
        if node.kind.block {
            // Its text was set apart before by the space it started with (see `open`), so the
            // last piece is its own.
            let ends_in_word = matches!(self.pieces.last(), Some(Piece::Text(t))
                if t.chars().last().is_some_and(|c| c.is_alphanumeric() || "_'\")$*".contains(c)));
            push_text(&mut self.pieces, if ends_in_word { ". " } else { " " });
        }
        if node.kind.heading.is_some() {
            self.pieces.push(Piece::EndHeading);
        }
        if node.body {
            // Only the marked element's text is searched (one or more marked elements).
            let mut own = self.take(node.start);
            self.page.pieces.append(&mut own);
        }
    }

    fn finish(mut self) -> PageText {
        if let Some((src, alt)) = self.auto_image
            && !self.page.meta.contains_key("image")
        {
            self.page.meta.insert("image".into(), src);
            self.page
                .meta
                .insert("image_alt".into(), alt.unwrap_or_default());
        }
        if let Some(title) = self.auto_title.or(self.page_title)
            && !self.page.meta.contains_key("title")
        {
            self.page.meta.insert("title".into(), title);
        }
        for anchor in &mut self.page.anchors {
            anchor.text = normalize(&anchor.text);
        }
        self.page
    }
}

/// Which of a page's lists an item of a `data-pagefind-*` attribute goes to.
#[derive(Clone, Copy)]
enum Field {
    Filter,
    Sort,
    Meta,
}

/// The level of a heading element (`h2` -> 2).
fn heading_level(name: &str) -> Option<u8> {
    name.strip_prefix('h')
        .and_then(|l| l.parse::<u8>().ok())
        .filter(|l| (1..=6).contains(l))
}

/// The text of `pieces` from byte `skip` of the first on, headings and anchors as spaces.
fn plain_text(pieces: &[Piece], skip: usize) -> String {
    let mut out = String::new();
    for (n, piece) in pieces.iter().enumerate() {
        match piece {
            Piece::Text(t) if n == 0 => out.push_str(t.get(skip..).unwrap_or_default()),
            Piece::Text(t) => out.push_str(t),
            _ => out.push(' '),
        }
    }
    out
}

/// The room a text piece starts with: most of the text a marked element gives between two
/// headings.
const PIECE_ROOM: usize = 4096;

/// Adds text to pieces, joined to the text before it.
fn push_text(pieces: &mut Vec<Piece>, text: &str) {
    if text.is_empty() {
        return;
    }
    match pieces.last_mut() {
        Some(Piece::Text(t)) => t.push_str(text),
        _ => {
            // Room for the text to come (grown a few bytes at a time otherwise).
            let mut piece = String::with_capacity(text.len().max(PIECE_ROOM));
            piece.push_str(text);
            pieces.push(Piece::Text(piece));
        }
    }
}

/// Text as shown: character references decoded, white space at the ends dropped, line breaks
/// and runs of white space made one space.
pub fn normalize(text: &str) -> String {
    let decoded = html_escape::decode_html_entities(text);
    let mut rest = decoded.trim();
    let mut out = String::with_capacity(rest.len());
    while let Some(start) = rest.find(char::is_whitespace) {
        out.push_str(&rest[..start]);
        let run = &rest[start..];
        // The text was trimmed: a run of white space ends before its end.
        let run = &run[..run.find(|c: char| !c.is_whitespace()).unwrap_or(run.len())];
        let one = run.chars().nth(1).is_none() && run != "\n" && run != "\r";
        out.push_str(if one { run } else { " " });
        rest = &rest[start + run.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(page: &PageText) -> String {
        plain_text(&page.pieces, 0)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn the_marked_element_gives_text_filters_meta_and_sort() {
        let page = read(
            r#"<html><head><title>Judul | Agam</title></head><body><nav>Menu</nav>
<article data-pagefind-body><h1>Bimtek &amp; jalan</h1><p><time data-pagefind-meta="tanggal" data-pagefind-sort="date:2025-03-01">1 Maret
 2025</time></p><img src="/a.jpg" alt="Foto"><form>Cari</form><h2 id="hasil">Hasil</h2><p>Irigasi nagari</p>
<div hidden><span data-pagefind-filter="Jenis:Berita"></span><span data-pagefind-filter="Tahun:2025"></span></div></article>
<footer>Kaki</footer></body></html>"#,
            None,
        );
        assert_eq!(
            text(&page),
            "Bimtek &amp; jalan. 1 Maret 2025. Hasil. Irigasi nagari."
        );
        assert_eq!(page.meta["title"], "Bimtek & jalan");
        assert_eq!(page.meta["tanggal"], "1 Maret 2025");
        assert_eq!(page.meta["image"], "/a.jpg");
        assert_eq!(page.meta["image_alt"], "Foto");
        assert_eq!(page.sort["date"], "2025-03-01");
        assert_eq!(page.filters["Jenis"], vec!["Berita"]);
        assert_eq!(page.anchors[0].id, "hasil");
        assert_eq!(page.anchors[0].text, "Hasil");
        assert!(page.pieces.contains(&Piece::Heading(2)));
    }

    #[test]
    fn ignored_elements_give_no_text_but_their_meta_and_all_gives_nothing() {
        let page = read(
            r#"<article data-pagefind-body><p class="eyebrow" data-pagefind-ignore>Bimtek · Tahap II</p>
<h1>Rapat tim</h1><p class="meta" data-pagefind-ignore="index" id="info"><time data-pagefind-meta="tanggal">1 Maret 2025</time> · <span data-pagefind-meta="tempat">Aula Bappeda</span></p>
<p>Isi berita.</p><div data-pagefind-ignore="all"><span data-pagefind-filter="Jenis">Rahasia</span> Catatan</div></article>"#,
            None,
        );
        assert_eq!(text(&page), "Rapat tim. Isi berita.");
        assert_eq!(page.meta["tanggal"], "1 Maret 2025");
        assert_eq!(page.meta["tempat"], "Aula Bappeda");
        assert!(page.filters.is_empty(), "{:?}", page.filters);
        assert!(
            page.anchors.is_empty(),
            "an ignored element is no result's anchor"
        );
    }

    #[test]
    fn line_breaks_and_elements_that_are_not_inline_keep_words_apart() {
        let page = read(
            "<main data-pagefind-body><p>baris satu<br>baris dua</p><dl><dt>Tempat</dt><dd>Aula</dd></dl>\
             <table><tr><th>Bahan</th><th>Jumlah</th></tr></table><figure><img src=a.jpg alt=x><figcaption>Peserta</figcaption></figure>\
             <p>super<wbr>kalifragilistik <b>te</b>bal</p></main>",
            None,
        );
        assert_eq!(
            text(&page),
            "baris satu baris dua. Tempat Aula Bahan Jumlah Peserta superkalifragilistik tebal."
        );
    }

    #[test]
    fn a_page_without_a_heading_is_titled_by_its_title() {
        let page = read(
            "<main data-pagefind-body><p>Isi</p></main>",
            Some(" Tentang  Agam "),
        );
        assert_eq!(page.meta["title"], "Tentang Agam");
    }

    #[test]
    fn normalized_text_keeps_a_lone_space_and_makes_runs_and_line_breaks_one() {
        assert_eq!(
            normalize(" a\u{a0}b\tc  d\ne \r\n f&nbsp; "),
            "a\u{a0}b\tc d e f"
        );
        assert_eq!(normalize("&amp;\u{2003}\u{2003}x"), "& x");
        assert_eq!(normalize("  "), "");
    }

    #[test]
    fn attribute_lists_keep_colons_and_commas_of_the_value() {
        let list = |value| attribute_list(value).collect::<Vec<_>>();
        assert_eq!(
            list("Dimensi:Ekonomi, Sosial"),
            vec![("Dimensi", Some("Ekonomi, Sosial"))]
        );
        assert_eq!(list("a, b"), vec![("a", None), ("b", None)]);
        assert_eq!(list(" a , b:x:y"), vec![("a", None), ("b", Some("x:y"))]);
    }
}
