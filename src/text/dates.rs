//! Dates and money as a reader in Indonesia expects them: "Senin, 15 Agustus 2022", "Rp350.000.000".

use jiff::civil::{DateTime, Weekday};

use crate::error::Lang;

/// Month names in Indonesian, January first.
pub const MONTHS_ID: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

/// Month names in English, January first.
pub const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn weekday_name(day: Weekday, lang: Lang) -> &'static str {
    let i = day.to_monday_zero_offset() as usize;
    match lang {
        Lang::Id => [
            "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu",
        ][i],
        Lang::En => [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ][i],
    }
}

fn month_name(month: i8, lang: Lang) -> &'static str {
    let i = (month.clamp(1, 12) - 1) as usize;
    match lang {
        Lang::Id => MONTHS_ID[i],
        Lang::En => MONTHS_EN[i],
    }
}

/// "Senin, 15 Agustus 2022" (or "Monday, 15 August 2022").
pub fn long_date(dt: DateTime, lang: Lang) -> String {
    format!(
        "{}, {}",
        weekday_name(dt.weekday(), lang),
        short_date(dt, lang)
    )
}

/// "15 Agustus 2022".
pub fn short_date(dt: DateTime, lang: Lang) -> String {
    format!(
        "{} {} {}",
        dt.day(),
        month_name(dt.month(), lang),
        dt.year()
    )
}

/// Rupiah with dots between thousands: "Rp350.000.000".
pub fn rupiah(amount: u64) -> String {
    let digits = amount.to_string();
    let mut out = String::from("Rp");
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indonesian_long_dates() {
        let d = jiff::civil::date(2022, 8, 15).at(9, 0, 0, 0);
        assert_eq!(long_date(d, Lang::Id), "Senin, 15 Agustus 2022");
        assert_eq!(long_date(d, Lang::En), "Monday, 15 August 2022");
        let d = jiff::civil::date(2018, 8, 8).at(0, 0, 0, 0);
        assert_eq!(long_date(d, Lang::Id), "Rabu, 8 Agustus 2018");
    }

    #[test]
    fn rupiah_uses_dots() {
        assert_eq!(rupiah(350_000_000), "Rp350.000.000");
        assert_eq!(rupiah(999), "Rp999");
        assert_eq!(rupiah(1000), "Rp1.000");
    }
}
