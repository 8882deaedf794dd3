//! The program form's own fields (dimension, OPD, status, quick win, years, budget and the
//! indicators), made from the typed front matter (`ProgramMeta`) or from what the browser sent,
//! checked, and turned back into the YAML lines of the keys that changed.

use crate::content::kinds::{ProgramMeta, ProgramStatus};
use crate::content::types::Dimension;
use crate::error::Lang;
use crate::scaffold::text::{one_line, yaml_quote};
use crate::text::escape_html;

use super::form::Form;
use super::pages::{FieldErrors, described, errors_for, t, text_input};

/// The status values, as written in front matter, with their labels.
const STATUSES: [(&str, &str, &str); 3] = [
    ("rencana", "Rencana", "Planned"),
    ("berjalan", "Berjalan", "Under way"),
    ("selesai", "Selesai", "Done"),
];

/// Empty indicator rows offered below the written ones, to add new ones.
const SPARE_ROWS: usize = 2;

/// The most indicator rows a form may send.
const MAX_ROWS: usize = 100;

/// One indicator as the form shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IndicatorRow {
    /// What is measured.
    pub name: String,
    /// The target, as written.
    pub target: String,
    /// What has been achieved ("" for nothing yet).
    pub achieved: String,
}

/// The program-only fields of the form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProgramFields {
    /// The dimension's slug.
    pub dimension: String,
    /// The agency running it.
    pub opd: String,
    /// `rencana`, `berjalan` or `selesai`.
    pub status: String,
    /// Whether it is a quick win.
    pub quick_win: bool,
    /// The first year, as typed.
    pub year_start: String,
    /// The last year, as typed ("" for open).
    pub year_end: String,
    /// The budget in rupiah, as typed ("" for none).
    pub budget: String,
    /// The indicators, in order.
    pub indicators: Vec<IndicatorRow>,
}

fn status_name(status: ProgramStatus) -> &'static str {
    match status {
        ProgramStatus::Rencana => "rencana",
        ProgramStatus::Berjalan => "berjalan",
        ProgramStatus::Selesai => "selesai",
    }
}

impl ProgramFields {
    /// The fields of an existing program.
    pub fn from_meta(meta: &ProgramMeta) -> ProgramFields {
        ProgramFields {
            dimension: meta.dimension.slug().to_string(),
            opd: meta.opd.clone(),
            status: status_name(meta.status).to_string(),
            quick_win: meta.quick_win,
            year_start: meta.years.start.to_string(),
            year_end: meta.years.end.map(|y| y.to_string()).unwrap_or_default(),
            budget: meta.budget.map(|b| b.to_string()).unwrap_or_default(),
            indicators: meta
                .indicators
                .iter()
                .map(|i| IndicatorRow {
                    name: i.name.clone(),
                    target: i.target.0.clone(),
                    achieved: i.achieved.as_ref().map(|a| a.0.clone()).unwrap_or_default(),
                })
                .collect(),
        }
    }

    /// The fields as the browser sent them; an indicator row without a name is left out (that
    /// is how a row is removed).
    pub fn from_form(form: &Form) -> ProgramFields {
        let indicators = (0..MAX_ROWS)
            .map(|i| IndicatorRow {
                name: one_line(form.get(&format!("indikator_nama_{i}"))),
                target: one_line(form.get(&format!("indikator_target_{i}"))),
                achieved: one_line(form.get(&format!("indikator_capaian_{i}"))),
            })
            .filter(|r| !r.name.is_empty())
            .collect();
        ProgramFields {
            dimension: one_line(form.get("dimension")),
            opd: one_line(form.get("opd")),
            status: one_line(form.get("status")),
            quick_win: form.get("quick_win") == "1",
            year_start: one_line(form.get("year_start")),
            year_end: one_line(form.get("year_end")),
            budget: one_line(form.get("budget")),
            indicators,
        }
    }

    /// Mistakes cerdas's own checks would report less plainly: years and budget that are not
    /// numbers, an indicator without a target.
    pub fn mistakes(&self, lang: Lang) -> FieldErrors {
        let mut errors = FieldErrors::new();
        let mut add = |field: &str, id: &'static str, en: &'static str| {
            errors
                .entry(field.to_string())
                .or_default()
                .push(t(lang, id, en).to_string());
        };
        if year(&self.year_start).is_none() {
            add(
                "year_start",
                "tulis tahun mulai dengan empat angka, misalnya 2024",
                "write the first year as four digits, e.g. 2024",
            );
        }
        if !self.year_end.is_empty() && year(&self.year_end).is_none() {
            add(
                "year_end",
                "tulis tahun selesai dengan empat angka, atau kosongkan bila belum tahu",
                "write the last year as four digits, or leave it empty when not known",
            );
        }
        if !self.budget.is_empty() && rupiah(&self.budget).is_none() {
            add(
                "budget",
                "tulis anggaran dalam rupiah dengan angka saja, misalnya 350000000 atau 350.000.000",
                "write the budget in rupiah with digits only, e.g. 350000000 or 350.000.000",
            );
        }
        if self.indicators.iter().any(|r| r.target.is_empty()) {
            add(
                "indikator",
                "setiap indikator yang bernama perlu target",
                "every named indicator needs a target",
            );
        }
        errors
    }

    /// The keys whose value differs from `current`, each with its new YAML (or `None` to
    /// remove the key). Only call after [`ProgramFields::mistakes`] found none.
    pub fn changed_keys(&self, current: &ProgramFields) -> Vec<(&'static str, Option<String>)> {
        let mut keys = Vec::new();
        if self.dimension != current.dimension {
            keys.push(("dimension", Some(format!("dimension: {}", self.dimension))));
        }
        if self.opd != current.opd {
            keys.push(("opd", Some(format!("opd: {}", yaml_quote(&self.opd)))));
        }
        if self.status != current.status {
            keys.push(("status", Some(format!("status: {}", self.status))));
        }
        if self.quick_win != current.quick_win {
            keys.push((
                "quick_win",
                self.quick_win.then(|| "quick_win: true".into()),
            ));
        }
        if (&self.year_start, &self.year_end) != (&current.year_start, &current.year_end) {
            let start = year(&self.year_start).unwrap_or_default();
            let years = match year(&self.year_end) {
                Some(end) => format!("years: {{ start: {start}, end: {end} }}"),
                None => format!("years: {{ start: {start} }}"),
            };
            keys.push(("years", Some(years)));
        }
        if rupiah(&self.budget) != rupiah(&current.budget) {
            keys.push((
                "budget",
                rupiah(&self.budget).map(|b| format!("budget: {b}")),
            ));
        }
        if self.indicators != current.indicators {
            let block = (!self.indicators.is_empty()).then(|| {
                let mut yaml = String::from("indicators:");
                for r in &self.indicators {
                    yaml.push_str(&format!(
                        "\n  - {{ name: {}, target: {}",
                        yaml_quote(&r.name),
                        number_or_text(&r.target)
                    ));
                    if !r.achieved.is_empty() {
                        yaml.push_str(&format!(", achieved: {}", number_or_text(&r.achieved)));
                    }
                    yaml.push_str(" }");
                }
                yaml
            });
            keys.push(("indicators", block));
        }
        keys
    }

    /// The fields' HTML, with `errors` at their fields.
    pub fn fields_html(&self, lang: Lang, errors: &FieldErrors) -> String {
        let mut f = String::new();
        let mut options = String::new();
        for d in Dimension::ALL {
            let selected = if d.slug() == self.dimension {
                " selected"
            } else {
                ""
            };
            options.push_str(&format!(
                "<option value=\"{}\"{selected}>{}</option>",
                d.slug(),
                escape_html(d.title())
            ));
        }
        f.push_str(&select(
            "dimension",
            t(lang, "Dimensi", "Dimension"),
            &options,
            errors,
        ));
        f.push_str(&text_input(
            errors,
            (
                "opd",
                t(
                    lang,
                    "Perangkat daerah (OPD) pelaksana",
                    "Agency (OPD) running it",
                ),
                &self.opd,
            ),
            " required",
        ));
        let mut options = String::new();
        for (value, id, en) in STATUSES {
            let selected = if value == self.status {
                " selected"
            } else {
                ""
            };
            options.push_str(&format!(
                "<option value=\"{value}\"{selected}>{}</option>",
                t(lang, id, en)
            ));
        }
        f.push_str(&select(
            "status",
            t(lang, "Status", "Status"),
            &options,
            errors,
        ));
        f.push_str(&format!(
            "<div class=\"isian\"><label class=\"pilih\"><input type=\"checkbox\" name=\"quick_win\" value=\"1\"{}> {}</label></div>",
            if self.quick_win { " checked" } else { "" },
            t(lang, "Quick win masterplan", "A quick win of the masterplan")
        ));
        f.push_str(&text_input(
            errors,
            (
                "year_start",
                t(lang, "Tahun mulai", "First year"),
                &self.year_start,
            ),
            " inputmode=\"numeric\" required",
        ));
        f.push_str(&text_input(
            errors,
            (
                "year_end",
                t(
                    lang,
                    "Tahun selesai (kosongkan bila belum tahu)",
                    "Last year (empty when not known)",
                ),
                &self.year_end,
            ),
            " inputmode=\"numeric\"",
        ));
        f.push_str(&text_input(
            errors,
            (
                "budget",
                t(
                    lang,
                    "Anggaran (rupiah, angka saja)",
                    "Budget (rupiah, digits only)",
                ),
                &self.budget,
            ),
            " inputmode=\"numeric\"",
        ));
        f.push_str(&self.indicators_html(lang, errors));
        f
    }

    fn indicators_html(&self, lang: Lang, errors: &FieldErrors) -> String {
        let mut f = format!(
            "<fieldset id=\"indikator\"><legend>{}</legend><p>{}</p>",
            t(lang, "Indikator", "Indicators"),
            t(
                lang,
                "Kosongkan nama untuk menghapus indikator; isi baris kosong untuk menambah.",
                "Empty a name to remove an indicator; fill an empty row to add one."
            )
        );
        f.push_str(&errors_for(errors, "indikator"));
        let spare = std::iter::repeat_n(IndicatorRow::default(), SPARE_ROWS);
        for (i, row) in self.indicators.iter().cloned().chain(spare).enumerate() {
            let n = i + 1;
            f.push_str(&format!(
                "<div class=\"indikator-baris\">\
<div class=\"isian\"><label for=\"indikator_nama_{i}\">{} {n}</label><input id=\"indikator_nama_{i}\" name=\"indikator_nama_{i}\" value=\"{}\"></div>\
<div class=\"isian\"><label for=\"indikator_target_{i}\">{} {n}</label><input id=\"indikator_target_{i}\" name=\"indikator_target_{i}\" value=\"{}\"></div>\
<div class=\"isian\"><label for=\"indikator_capaian_{i}\">{} {n}</label><input id=\"indikator_capaian_{i}\" name=\"indikator_capaian_{i}\" value=\"{}\"></div></div>",
                t(lang, "Indikator", "Indicator"),
                escape_html(&row.name),
                t(lang, "Target", "Target"),
                escape_html(&row.target),
                t(lang, "Capaian", "Achieved"),
                escape_html(&row.achieved),
            ));
        }
        f.push_str("</fieldset>");
        f
    }
}

/// A four-digit year.
fn year(text: &str) -> Option<u16> {
    (text.len() == 4)
        .then(|| text.parse::<u16>().ok())
        .flatten()
        .filter(|y| *y >= 1900)
}

/// Rupiah written with digits, dots, commas or spaces as separators (`350.000.000`), with or
/// without `Rp`.
fn rupiah(text: &str) -> Option<u64> {
    let trimmed = text.trim();
    let trimmed = trimmed
        .strip_prefix("Rp")
        .or_else(|| trimmed.strip_prefix("rp"))
        .unwrap_or(trimmed);
    let digits: String = trimmed
        .chars()
        .filter(|c| !matches!(c, '.' | ',' | ' '))
        .collect();
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

/// A target or achievement: a plain number stays a number, anything else is quoted text.
fn number_or_text(text: &str) -> String {
    if !text.is_empty() && text.len() < 16 && text.bytes().all(|b| b.is_ascii_digit()) {
        text.to_string()
    } else {
        yaml_quote(text)
    }
}

fn select(name: &str, label: &str, options: &str, errors: &FieldErrors) -> String {
    format!(
        "<div class=\"isian\"><label for=\"{name}\">{}</label><select id=\"{name}\" name=\"{name}\"{}>{options}</select>{}</div>",
        escape_html(label),
        described(errors, name),
        errors_for(errors, name)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> ProgramFields {
        ProgramFields {
            dimension: "smart-governance".into(),
            opd: "Diskominfo".into(),
            status: "berjalan".into(),
            quick_win: true,
            year_start: "2022".into(),
            year_end: "2024".into(),
            budget: "350000000".into(),
            indicators: vec![IndicatorRow {
                name: "Set data terbuka".into(),
                target: "300".into(),
                achieved: "145".into(),
            }],
        }
    }

    #[test]
    fn only_changed_keys_are_written() {
        let current = fields();
        assert!(current.changed_keys(&current).is_empty());
        let mut sent = fields();
        sent.budget = "Rp 400.000.000".into();
        sent.year_end = String::new();
        sent.quick_win = false;
        sent.indicators.push(IndicatorRow {
            name: "OPD \"terhubung\"".into(),
            target: "40 OPD".into(),
            achieved: String::new(),
        });
        assert_eq!(
            sent.changed_keys(&current),
            vec![
                ("quick_win", None),
                ("years", Some("years: { start: 2022 }".into())),
                ("budget", Some("budget: 400000000".into())),
                (
                    "indicators",
                    Some(
                        "indicators:\n  - { name: \"Set data terbuka\", target: 300, achieved: 145 }\n  - { name: \"OPD \\\"terhubung\\\"\", target: \"40 OPD\" }"
                            .into()
                    )
                ),
            ]
        );
    }

    #[test]
    fn years_and_budget_must_be_numbers() {
        let mut sent = fields();
        sent.year_start = "dua ribu".into();
        sent.year_end = "24".into();
        sent.budget = "350 juta".into();
        sent.indicators[0].target = String::new();
        let errors = sent.mistakes(Lang::Id);
        for field in ["year_start", "year_end", "budget", "indikator"] {
            assert!(errors.contains_key(field), "{field}: {errors:?}");
        }
        assert!(fields().mistakes(Lang::Id).is_empty());
    }
}
