//! Property tests of every parser of the core: on tens of thousands of generated inputs (valid
//! shapes, near misses and noise) none panics, whatever parses is canonical and parses again to
//! itself, and the invariants each type promises hold.

use chrono::{Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::codes::{CompetenceCode, DomainCode, ProgrammeCode, QualificationCode, UnitCode};
use super::evidence_file::{FileName, SNIFF_LEN, sniff};
use super::period::{Period, WorkingTime, fte_months, union_fte_months};
use super::search_terms::fts5_query;

const CASES: usize = 20_000;
const ALPHABET: &[char] = &[
    'D', 'C', 'U', 'F', 'd', 'c', '1', '2', '9', '0', '.', '-', '_', ' ', 'é', '\u{0}', '/', '\\',
    '"', '*', 'A', 'Z', 'x',
];

fn rng() -> StdRng {
    StdRng::seed_from_u64(0x5eed_acca)
}

fn noise(rng: &mut StdRng, max: usize) -> String {
    let len = rng.random_range(0..=max);
    (0..len)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())])
        .collect()
}

fn near_code(rng: &mut StdRng) -> String {
    let prefix = ["DC", "dc", "UF", " DC", "D", "DCX"][rng.random_range(0..6)];
    let mut s = format!("{prefix}{}", rng.random_range(0..120));
    if rng.random_bool(0.7) {
        s.push('.');
        s.push_str(&rng.random_range(0..40).to_string());
    }
    if rng.random_bool(0.1) {
        s.push_str(&noise(rng, 3));
    }
    s
}

macro_rules! check_code {
    ($ty:ty, $input:expr) => {{
        let input: &str = $input;
        if let Ok(code) = <$ty>::parse(input) {
            let text = code.as_str();
            assert_eq!(
                text,
                text.trim().to_uppercase(),
                "{input:?} is not canonical"
            );
            assert_eq!(
                <$ty>::parse(text).as_ref(),
                Ok(&code),
                "{input:?} does not round-trip"
            );
            assert!(!text.is_empty() && text.len() <= 64);
        }
    }};
}

#[test]
fn codes_parse_to_canonical_values_that_round_trip_and_never_panic() {
    let mut rng = rng();
    for _ in 0..CASES {
        let input = if rng.random_bool(0.5) {
            near_code(&mut rng)
        } else {
            noise(&mut rng, 40)
        };
        check_code!(ProgrammeCode, &input);
        check_code!(DomainCode, &input);
        check_code!(CompetenceCode, &input);
        check_code!(UnitCode, &input);
        check_code!(QualificationCode, &input);
        if let Ok(code) = CompetenceCode::parse(&input) {
            let domain = code.domain();
            assert!(
                code.as_str().starts_with(&format!("{}.", domain.as_str())),
                "{code} is not under {domain}"
            );
            assert!(
                DomainCode::parse(domain.as_str()).is_ok(),
                "{code} has an invalid domain {domain}"
            );
        }
    }
}

fn date(rng: &mut StdRng) -> NaiveDate {
    NaiveDate::from_ymd_opt(1990, 1, 1).unwrap() + Duration::days(rng.random_range(0..15_000))
}

#[test]
fn periods_and_fte_months_keep_their_invariants() {
    let mut rng = rng();
    let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let mut accepted = Vec::new();
    for _ in 0..CASES {
        let start = date(&mut rng);
        let end = rng.random_bool(0.8).then(|| date(&mut rng));
        let percent: i64 = rng.random_range(-50..=150);
        let period = Period::parse(start, end, today);
        let working_time = WorkingTime::parse(percent);
        assert_eq!(working_time.is_ok(), (1..=100).contains(&percent));
        match period {
            Ok(period) => {
                assert!(
                    period
                        .end()
                        .is_none_or(|e| e >= period.start() && e <= today)
                );
                assert!(period.start() <= today);
                if let Ok(wt) = working_time {
                    let months = fte_months(&period, wt, today);
                    let calendar_days =
                        (period.end().unwrap_or(today) - period.start()).num_days() as f64 + 1.0;
                    assert!(
                        months >= 0.0 && months <= calendar_days / 30.0,
                        "{months} months for {calendar_days} days"
                    );
                    accepted.push((period, wt));
                }
            }
            Err(_) => assert!(end.is_some_and(|e| e < start || e > today) || start > today),
        }
    }
    // Overlaps never count more than full time, and the union is never less than the largest part.
    for chunk in accepted.chunks(25) {
        let union = union_fte_months(chunk, today);
        let largest = chunk
            .iter()
            .map(|(p, wt)| fte_months(p, *wt, today))
            .fold(0.0, f64::max);
        let full_span = chunk
            .iter()
            .map(|(p, _)| fte_months(p, WorkingTime::parse(100).unwrap(), today))
            .sum::<f64>();
        assert!(
            union + 1e-9 >= largest,
            "union {union} < largest part {largest}"
        );
        assert!(
            union <= full_span + 1e-9,
            "union {union} > sum of full-time spans {full_span}"
        );
        let first = chunk[0].0.start();
        let days = (today - first).num_days() as f64 + 1.0;
        let earliest = chunk.iter().map(|(p, _)| p.start()).min().unwrap();
        let bound = ((today - earliest).num_days() as f64 + 1.0) * 12.0 / 365.25;
        assert!(
            union <= bound + 1e-6,
            "union {union} exceeds the calendar ({days} days)"
        );
    }
}

#[test]
fn file_names_are_single_safe_components_and_sniffing_never_panics() {
    let mut rng = rng();
    for _ in 0..CASES {
        let raw = noise(&mut rng, 300) + [".pdf", ".txt", "", ".PNG", "."][rng.random_range(0..5)];
        if let Ok(name) = FileName::parse(&raw) {
            let text = name.as_str();
            assert!(
                !text.contains('/') && !text.contains('\\') && !text.chars().any(char::is_control),
                "{text:?}"
            );
            assert!(!text.is_empty() && text.len() <= 255 && !text.starts_with('.'));
            assert_eq!(FileName::parse(text).as_ref(), Ok(&name));
            let len = rng.random_range(0..2048);
            let bytes: Vec<u8> = (0..len).map(|_| rng.random()).collect();
            let _ = sniff(&bytes[..bytes.len().min(SNIFF_LEN)], &name);
        }
    }
}

#[test]
fn search_text_always_becomes_a_safe_fts_expression() {
    let mut rng = rng();
    for _ in 0..CASES {
        let text = noise(&mut rng, 60);
        if let Some(query) = fts5_query(&text) {
            for term in query.split(" AND ") {
                let forms = term
                    .strip_prefix('(')
                    .and_then(|t| t.strip_suffix(')'))
                    .unwrap_or_else(|| panic!("{term:?} in {query:?}"));
                for form in forms.split(" OR ") {
                    let inner = form
                        .strip_prefix('"')
                        .and_then(|t| t.strip_suffix('"'))
                        .unwrap_or_else(|| panic!("{form:?} in {query:?}"));
                    assert!(
                        !inner.is_empty() && inner.chars().all(char::is_alphanumeric),
                        "{form:?}"
                    );
                }
            }
        }
    }
}
