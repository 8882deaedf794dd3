//! The editor's HTML: the list of documents, the news form, and the form for programs and
//! pages. Every field has a label; errors sit next to their field (`aria-describedby`).

use std::collections::HashMap;

use crate::content::types::Dimension;
use crate::error::Lang;
use crate::text::escape_html;

use super::news::{EVENT_KINDS, NewsValues};

/// `id` or `en` by language.
pub fn t(lang: Lang, id: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Id => id,
        Lang::En => en,
    }
}

/// Messages to show, by field name (`""` for the form as a whole).
pub type FieldErrors = HashMap<String, Vec<String>>;

/// Where the pages of one editor live: every link and form action of a regency's editor is
/// made from its `prefix`, so it stays in that regency.
#[derive(Clone, Copy, Debug)]
pub struct Nav<'a> {
    /// The editor's own address, ending in `/`: `/_cerdas/` for a regency served alone,
    /// `/_cerdas/<regency-slug>/` for a regency of a served province.
    pub prefix: &'a str,
    /// Where the regency's pages start in the preview (`""`, or `/<regency-slug>`).
    pub view: &'a str,
    /// Whether a chooser of regencies is above this editor (a province is served).
    pub chooser: bool,
}

impl Nav<'static> {
    /// The editor at `/_cerdas/` itself: a regency served alone, or a province's chooser.
    pub const TOP: Nav<'static> = Nav {
        prefix: super::PREFIX,
        view: "",
        chooser: false,
    };
}

impl Nav<'_> {
    /// The editor address of the document at `path`.
    pub fn edit_url(&self, path: &str) -> String {
        format!("{}sunting?path={}", self.prefix, query_escape(path))
    }
}

/// A whole editor page.
pub fn layout(lang: Lang, nav: Nav, title: &str, main: &str) -> String {
    let chooser = if nav.chooser {
        format!(
            " <a href=\"{}\">{}</a>",
            super::PREFIX,
            t(lang, "Pilih kabupaten/kota lain", "Choose another regency")
        )
    } else {
        String::new()
    };
    format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{} · cerdas</title><link rel=\"stylesheet\" href=\"/_cerdas/editor.css\">\
<script src=\"/_cerdas/editor.js\" defer></script></head><body>\
<header class=\"bar\"><a href=\"{}\">{}</a>{chooser} <a href=\"{}/\">{}</a></header>\
<main id=\"isi\">{main}</main></body></html>",
        match lang {
            Lang::Id => "id",
            Lang::En => "en",
        },
        escape_html(title),
        escape_html(nav.prefix),
        t(lang, "Penyunting cerdas", "cerdas editor"),
        escape_html(nav.view),
        t(lang, "Lihat situs", "View site"),
    )
}

/// A page with one message (refusals, conflicts).
pub fn message_page(lang: Lang, nav: Nav, title: &str, text: &str) -> String {
    layout(
        lang,
        nav,
        title,
        &format!(
            "<h1>{}</h1><p role=\"alert\">{}</p>",
            escape_html(title),
            escape_html(text)
        ),
    )
}

/// One row of the list page.
pub struct Row {
    /// The file, relative to the site folder.
    pub path: String,
    /// Its title (or file name when it does not load).
    pub title: String,
    /// A date to show, if any.
    pub date: String,
    /// Whether it is a draft.
    pub draft: bool,
    /// Whether it has errors now.
    pub broken: bool,
}

fn query_escape(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'/' => {
                (b as char).to_string()
            }
            b => format!("%{b:02X}"),
        })
        .collect()
}

/// The list page: news, programs, pages.
pub fn list_page(lang: Lang, nav: Nav, site: &str, sections: &[(&str, Vec<Row>)]) -> String {
    let mut main = format!(
        "<h1>{}</h1><p><a class=\"tombol\" href=\"{}berita/baru\">{}</a></p>",
        escape_html(site),
        escape_html(nav.prefix),
        t(lang, "Tulis berita baru", "Write a news item")
    );
    for (heading, rows) in sections {
        main.push_str(&format!("<h2>{}</h2>", escape_html(heading)));
        if rows.is_empty() {
            main.push_str(&format!("<p>{}</p>", t(lang, "Belum ada.", "None yet.")));
            continue;
        }
        main.push_str("<ul class=\"daftar\">");
        for r in rows {
            let mut marks = String::new();
            if r.draft {
                marks.push_str(&format!(
                    " <span class=\"tanda\">{}</span>",
                    t(lang, "draf", "draft")
                ));
            }
            if r.broken {
                marks.push_str(&format!(
                    " <span class=\"tanda galat\">{}</span>",
                    t(lang, "ada galat", "has errors")
                ));
            }
            main.push_str(&format!(
                "<li><span class=\"judul\">{}</span>{marks}<span class=\"tgl\">{}</span> \
<a href=\"{}\" aria-label=\"{} {}\">{}</a></li>",
                escape_html(&r.title),
                escape_html(&r.date),
                escape_html(&nav.edit_url(&r.path)),
                t(lang, "Sunting", "Edit"),
                escape_html(&r.title),
                t(lang, "Sunting", "Edit"),
            ));
        }
        main.push_str("</ul>");
    }
    layout(lang, nav, t(lang, "Daftar tulisan", "Content"), &main)
}

pub fn errors_for(errors: &FieldErrors, field: &str) -> String {
    match errors.get(field) {
        Some(list) if !list.is_empty() => format!(
            "<p class=\"galat\" id=\"galat-{field}\" role=\"alert\">{}</p>",
            list.iter()
                .map(|m| escape_html(m))
                .collect::<Vec<_>>()
                .join("<br>")
        ),
        _ => String::new(),
    }
}

pub fn described(errors: &FieldErrors, field: &str) -> String {
    if errors.get(field).is_some_and(|l| !l.is_empty()) {
        format!(" aria-describedby=\"galat-{field}\" aria-invalid=\"true\"")
    } else {
        String::new()
    }
}

pub fn text_input(
    errors: &FieldErrors,
    (name, label, value): (&str, &str, &str),
    extra: &str,
) -> String {
    format!(
        "<div class=\"isian\"><label for=\"{name}\">{}</label>\
<input id=\"{name}\" name=\"{name}\" value=\"{}\"{extra}{}>{}</div>",
        escape_html(label),
        escape_html(value),
        described(errors, name),
        errors_for(errors, name)
    )
}

/// What the news form needs besides the values.
pub struct NewsFormContext<'a> {
    /// The language of the interface.
    pub lang: Lang,
    /// Where this regency's editor lives.
    pub nav: Nav<'a>,
    /// The file being edited, or `None` for a new item.
    pub path: Option<&'a str>,
    /// The hash of the file as it was when the form was made.
    pub hash: &'a str,
    /// This form's CSRF value.
    pub csrf: &'a str,
    /// The site's programs: slug and title.
    pub programs: &'a [(String, String)],
    /// The site's tags, for suggestions.
    pub tags: &'a [String],
    /// A note above the form (saved, conflict).
    pub notice: Option<String>,
    /// Where the item is seen in the preview, once saved.
    pub view_url: Option<String>,
    /// Whether photos can be added (a bundle folder, or a new item).
    pub bundle: bool,
}

/// The news form.
pub fn news_form(ctx: &NewsFormContext, v: &NewsValues, errors: &FieldErrors) -> String {
    let lang = ctx.lang;
    let heading = match ctx.path {
        Some(_) => t(lang, "Sunting berita", "Edit news item"),
        None => t(lang, "Tulis berita baru", "Write a news item"),
    };
    let mut f = format!("<h1>{heading}</h1>");
    if let Some(note) = &ctx.notice {
        f.push_str(&format!(
            "<p class=\"catatan\" role=\"status\">{}</p>",
            escape_html(note)
        ));
    }
    if let Some(url) = &ctx.view_url {
        f.push_str(&format!(
            "<p><a href=\"{}\">{}</a></p>",
            escape_html(url),
            t(lang, "Lihat di pratinjau", "See it in the preview")
        ));
    }
    f.push_str(&errors_for(errors, ""));
    f.push_str(&format!(
        "<form method=\"post\" action=\"{}simpan\" enctype=\"multipart/form-data\" class=\"formulir\">",
        escape_html(ctx.nav.prefix)
    ));
    f.push_str(&format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\"><input type=\"hidden\" name=\"kind\" value=\"berita\">\
<input type=\"hidden\" name=\"path\" value=\"{}\"><input type=\"hidden\" name=\"hash\" value=\"{}\">",
        escape_html(ctx.csrf),
        escape_html(ctx.path.unwrap_or("")),
        escape_html(ctx.hash)
    ));
    f.push_str(&text_input(
        errors,
        ("title", t(lang, "Judul", "Title"), &v.title),
        " required",
    ));
    f.push_str(&text_input(
        errors,
        (
            "date",
            t(lang, "Tanggal dan jam (WIB)", "Date and time (WIB)"),
            &v.date,
        ),
        " type=\"datetime-local\" step=\"60\" required",
    ));
    f.push_str(&text_input(
        errors,
        ("location", t(lang, "Tempat", "Location"), &v.location),
        "",
    ));
    // Event: kind and stage.
    let mut options = format!(
        "<option value=\"\">{}</option>",
        t(lang, "(tidak ada)", "(none)")
    );
    for k in EVENT_KINDS {
        let sel = if v.event_kind == k { " selected" } else { "" };
        options.push_str(&format!("<option value=\"{k}\"{sel}>{k}</option>"));
    }
    f.push_str(&format!(
        "<fieldset><legend>{}</legend><div class=\"isian\"><label for=\"event_kind\">{}</label>\
<select id=\"event_kind\" name=\"event_kind\"{}>{options}</select>{}</div>{}</fieldset>",
        t(lang, "Kegiatan", "Event"),
        t(lang, "Jenis kegiatan", "Kind of event"),
        described(errors, "event"),
        errors_for(errors, "event"),
        text_input(
            errors,
            (
                "event_stage",
                t(lang, "Tahap (misalnya Tahap II)", "Stage (e.g. Tahap II)"),
                &v.event_stage
            ),
            ""
        )
    ));
    // Dimensions.
    f.push_str(&format!(
        "<fieldset{}><legend>{}</legend>",
        described(errors, "dimensions"),
        t(lang, "Dimensi smart city", "Smart city dimensions")
    ));
    for d in Dimension::ALL {
        let slug = d.slug();
        let checked = if v.dimensions.iter().any(|x| x == slug) {
            " checked"
        } else {
            ""
        };
        f.push_str(&format!(
            "<label class=\"pilih\"><input type=\"checkbox\" name=\"dimensions\" value=\"{slug}\"{checked}> {}</label>",
            escape_html(d.title())
        ));
    }
    f.push_str(&errors_for(errors, "dimensions"));
    f.push_str("</fieldset>");
    // Programs.
    f.push_str(&format!(
        "<fieldset{}><legend>{}</legend>",
        described(errors, "programs"),
        t(lang, "Program", "Programs")
    ));
    if ctx.programs.is_empty() {
        f.push_str(&format!(
            "<p>{}</p>",
            t(
                lang,
                "Situs ini belum punya program.",
                "This site has no programs yet."
            )
        ));
    }
    for (slug, title) in ctx.programs {
        let checked = if v.programs.contains(slug) {
            " checked"
        } else {
            ""
        };
        f.push_str(&format!(
            "<label class=\"pilih\"><input type=\"checkbox\" name=\"programs\" value=\"{}\"{checked}> {}</label>",
            escape_html(slug),
            escape_html(title)
        ));
    }
    f.push_str(&errors_for(errors, "programs"));
    f.push_str("</fieldset>");
    // Tags with suggestions.
    f.push_str(&text_input(
        errors,
        (
            "tags",
            t(
                lang,
                "Label, dipisah koma (misalnya Smart City, UMKM)",
                "Tags, separated by commas (e.g. Smart City, UMKM)",
            ),
            &v.tags.join(", "),
        ),
        " list=\"label-situs\" autocomplete=\"off\"",
    ));
    f.push_str("<datalist id=\"label-situs\">");
    for tag in ctx.tags {
        f.push_str(&format!("<option value=\"{}\">", escape_html(tag)));
    }
    f.push_str("</datalist>");
    f.push_str(&text_input(
        errors,
        ("author", t(lang, "Penulis", "Author"), &v.author),
        " required",
    ));
    f.push_str(&text_input(
        errors,
        ("editor", t(lang, "Penyunting", "Editor"), &v.editor),
        "",
    ));
    f.push_str(&photo_fields(ctx, v, errors));
    f.push_str(&format!(
        "<div class=\"isian\"><label class=\"pilih\"><input type=\"checkbox\" name=\"draft\" value=\"1\"{}> {}</label></div>",
        if v.draft { " checked" } else { "" },
        t(lang, "Draf (tidak diterbitkan)", "Draft (not published)")
    ));
    f.push_str(&format!(
        "<div class=\"isian\"><label for=\"body\">{}</label>\
<textarea id=\"body\" name=\"body\" rows=\"18\"{}>\n{}</textarea>{}</div>",
        t(lang, "Isi berita (Markdown)", "Body (Markdown)"),
        described(errors, "body"),
        escape_html(&v.body),
        errors_for(errors, "body")
    ));
    f.push_str(&format!(
        "<div class=\"tombol-baris\"><button type=\"submit\">{}</button> \
<button type=\"button\" id=\"pratinjau-tombol\" data-csrf=\"{}\" data-url=\"{}pratinjau\">{}</button></div>\
<section id=\"pratinjau\" aria-live=\"polite\" aria-label=\"{}\"></section></form>",
        t(lang, "Simpan", "Save"),
        escape_html(ctx.csrf),
        escape_html(ctx.nav.prefix),
        t(lang, "Pratinjau isi", "Preview body"),
        t(lang, "Pratinjau isi", "Body preview"),
    ));
    layout(lang, ctx.nav, heading, &f)
}

fn photo_fields(ctx: &NewsFormContext, v: &NewsValues, errors: &FieldErrors) -> String {
    let lang = ctx.lang;
    let mut f = format!("<fieldset><legend>{}</legend>", t(lang, "Foto", "Photos"));
    if !ctx.bundle {
        f.push_str(&format!(
            "<p>{}</p>",
            t(
                lang,
                "Berita ini satu berkas .md; foto hanya dapat ditambahkan pada berita berbentuk folder (berita/<slug>/index.md).",
                "This news item is a single .md file; photos can only be added to a news item kept as a folder (berita/<slug>/index.md)."
            )
        ));
    }
    if !v.cover.is_empty() {
        f.push_str(&format!(
            "<p>{} <code>{}</code> <label class=\"pilih\"><input type=\"checkbox\" name=\"sampul_hapus\" value=\"1\"> {}</label></p>",
            t(lang, "Foto sampul sekarang:", "Current cover photo:"),
            escape_html(&v.cover),
            t(lang, "hapus dari berita", "remove from the item")
        ));
    }
    if ctx.bundle {
        f.push_str(&format!(
            "<div class=\"isian\"><label for=\"sampul\">{}</label>\
<input type=\"file\" id=\"sampul\" name=\"sampul\" accept=\"image/jpeg,image/png,image/webp\"{}>{}</div>",
            t(lang, "Foto sampul baru (JPEG, PNG atau WebP, paling besar 25 MB)", "New cover photo (JPEG, PNG or WebP, at most 25 MB)"),
            described(errors, "sampul"),
            errors_for(errors, "sampul")
        ));
    }
    f.push_str(&text_input(
        errors,
        (
            "cover_alt",
            t(
                lang,
                "Teks alternatif foto sampul: apa yang terlihat di foto (wajib bila ada sampul)",
                "Cover alt text: what the photo shows (required with a cover)",
            ),
            &v.cover_alt,
        ),
        "",
    ));
    for (i, (src, caption)) in v.photos.iter().enumerate() {
        f.push_str(&format!(
            "<div class=\"isian foto-lama\"><label for=\"foto_lama_keterangan_{i}\">{} <code>{}</code></label>\
<input id=\"foto_lama_keterangan_{i}\" name=\"foto_lama_keterangan_{i}\" value=\"{}\">\
<label class=\"pilih\"><input type=\"checkbox\" name=\"foto_lama_hapus_{i}\" value=\"1\"> {}</label></div>",
            t(lang, "Keterangan foto", "Caption of photo"),
            escape_html(src),
            escape_html(caption),
            t(lang, "hapus dari berita", "remove from the item")
        ));
    }
    f.push_str(&errors_for(errors, "photos"));
    if ctx.bundle {
        for i in 1..=4 {
            f.push_str(&format!(
                "<div class=\"isian foto-baru\"><label for=\"foto_baru_{i}\">{} {i}</label>\
<input type=\"file\" id=\"foto_baru_{i}\" name=\"foto_baru_{i}\" accept=\"image/jpeg,image/png,image/webp\"{}>{}\
<label for=\"keterangan_baru_{i}\">{} {i}</label><input id=\"keterangan_baru_{i}\" name=\"keterangan_baru_{i}\"></div>",
                t(lang, "Foto tambahan", "More photo"),
                described(errors, &format!("foto_baru_{i}")),
                errors_for(errors, &format!("foto_baru_{i}")),
                t(lang, "Keterangan foto tambahan", "Caption of more photo"),
            ));
        }
    }
    f.push_str("</fieldset>");
    f
}

/// The values of the program and page form: title, summary, body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SimpleValues {
    /// The title.
    pub title: String,
    /// The one-sentence summary.
    pub summary: String,
    /// The Markdown body.
    pub body: String,
    /// A program's own fields (`None` for a page).
    pub program: Option<super::program::ProgramFields>,
}

/// The form for a program or a page: title, summary and body, and a program's own fields;
/// other keys stay as written.
pub fn simple_form(
    ctx: &NewsFormContext,
    kind: &str,
    v: &SimpleValues,
    errors: &FieldErrors,
) -> String {
    let lang = ctx.lang;
    let heading = match kind {
        "program" => t(lang, "Sunting program", "Edit program"),
        _ => t(lang, "Sunting halaman", "Edit page"),
    };
    let mut f = format!("<h1>{heading}</h1>");
    if let Some(note) = &ctx.notice {
        f.push_str(&format!(
            "<p class=\"catatan\" role=\"status\">{}</p>",
            escape_html(note)
        ));
    }
    f.push_str(&errors_for(errors, ""));
    f.push_str(&format!(
        "<form method=\"post\" action=\"{}simpan\" enctype=\"multipart/form-data\" class=\"formulir\">\
<input type=\"hidden\" name=\"csrf\" value=\"{}\"><input type=\"hidden\" name=\"kind\" value=\"{}\">\
<input type=\"hidden\" name=\"path\" value=\"{}\"><input type=\"hidden\" name=\"hash\" value=\"{}\">",
        escape_html(ctx.nav.prefix),
        escape_html(ctx.csrf),
        escape_html(kind),
        escape_html(ctx.path.unwrap_or("")),
        escape_html(ctx.hash)
    ));
    f.push_str(&text_input(
        errors,
        ("title", t(lang, "Judul", "Title"), &v.title),
        " required",
    ));
    f.push_str(&text_input(
        errors,
        (
            "summary",
            t(lang, "Ringkasan satu kalimat", "One-sentence summary"),
            &v.summary,
        ),
        "",
    ));
    if let Some(program) = &v.program {
        f.push_str(&program.fields_html(lang, errors));
    }
    f.push_str(&format!(
        "<div class=\"isian\"><label for=\"body\">{}</label>\
<textarea id=\"body\" name=\"body\" rows=\"18\"{}>\n{}</textarea>{}</div>",
        t(lang, "Isi (Markdown)", "Body (Markdown)"),
        described(errors, "body"),
        escape_html(&v.body),
        errors_for(errors, "body")
    ));
    f.push_str(&format!(
        "<p>{}</p><div class=\"tombol-baris\"><button type=\"submit\">{}</button> \
<button type=\"button\" id=\"pratinjau-tombol\" data-csrf=\"{}\" data-url=\"{}pratinjau\">{}</button></div>\
<section id=\"pratinjau\" aria-live=\"polite\" aria-label=\"{}\"></section></form>",
        t(
            lang,
            "Data lain di berkas ini tetap seperti tertulis.",
            "Other data in this file stays as written."
        ),
        t(lang, "Simpan", "Save"),
        escape_html(ctx.csrf),
        escape_html(ctx.nav.prefix),
        t(lang, "Pratinjau isi", "Preview body"),
        t(lang, "Pratinjau isi", "Body preview"),
    ));
    layout(lang, ctx.nav, heading, &f)
}

/// One regency of the chooser: its name and its editor's address, or `None` when its
/// `site.yaml` cannot be read (shown, not linked).
pub struct Choice {
    /// The regency's name (or its folder when `site.yaml` cannot be read).
    pub name: String,
    /// Its editor's address.
    pub url: Option<String>,
}

/// The chooser of a province: which regency to edit.
pub fn chooser_page(lang: Lang, province: &str, choices: &[Choice]) -> String {
    let title = t(lang, "Pilih kabupaten/kota", "Choose a regency");
    let mut main = format!(
        "<h1>{}</h1><p>{}</p>",
        escape_html(title),
        escape_html(&format!(
            "{} {province}.",
            t(
                lang,
                "Penyunting bekerja pada satu kabupaten/kota dari",
                "The editor works on one regency of"
            )
        ))
    );
    if choices.is_empty() {
        main.push_str(&format!(
            "<p>{}</p>",
            t(
                lang,
                "Tidak ada folder kabupaten/kota di province.yaml; kabupaten/kota yang dibangun di tempat lain (export:) disunting di tempatnya.",
                "No regency folder in province.yaml; regencies built elsewhere (export:) are edited where they are built."
            )
        ));
    }
    main.push_str("<ul class=\"daftar\">");
    for c in choices {
        match &c.url {
            Some(url) => main.push_str(&format!(
                "<li><a href=\"{}\">{}</a></li>",
                escape_html(url),
                escape_html(&c.name)
            )),
            None => main.push_str(&format!(
                "<li><span class=\"judul\">{}</span> <span class=\"tanda galat\">{}</span></li>",
                escape_html(&c.name),
                t(lang, "site.yaml ada galat", "site.yaml has errors")
            )),
        }
    }
    main.push_str("</ul>");
    layout(lang, Nav::TOP, title, &main)
}
