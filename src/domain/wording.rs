//! How the sentences shown to candidates write numbers, dates and lists: in French, as the
//! web application and the PDF summary write them (decimal comma, day/month/year, « »).

use chrono::NaiveDate;

/// A month count with one decimal and a decimal comma: `5.94` → "5,9".
pub(crate) fn months(m: f64) -> String {
    format!("{m:.1}").replace('.', ",")
}

/// A day as people read it in France: 2025-03-01 → "01/03/2025".
pub(crate) fn date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// A title in French quotation marks: « Évaluation ».
pub(crate) fn quoted(text: &str) -> String {
    format!("« {text} »")
}

/// "a, b et c", for lists read by people.
pub(crate) fn join_with_et(items: &[&str]) -> String {
    join_with(items, "et")
}

/// "a, b ou c".
pub(crate) fn join_with_ou(items: &[&str]) -> String {
    join_with(items, "ou")
}

fn join_with(items: &[&str], word: &str) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} {word} {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_dates_and_lists_are_written_the_french_way() {
        assert_eq!(months(5.94), "5,9");
        assert_eq!(months(36.0), "36,0");
        assert_eq!(
            date(NaiveDate::from_ymd_opt(2025, 3, 1).unwrap()),
            "01/03/2025"
        );
        assert_eq!(quoted("Évaluation"), "« Évaluation »");
        assert_eq!(join_with_et(&[]), "");
        assert_eq!(join_with_et(&["a"]), "a");
        assert_eq!(join_with_et(&["a", "b", "c"]), "a, b et c");
        assert_eq!(join_with_ou(&["2004", "2022"]), "2004 ou 2022");
    }
}
