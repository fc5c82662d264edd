//! French sentences drawn from the vocabulary: organisation names, experience descriptions
//! and claim justifications, templates filled with their own draws. Apart because both the
//! dossier (`generate`) and its files (`files`) write them, and neither should depend on the
//! other for it.

use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use super::random::pick;
use super::vocabulary::{
    ASSOCIATIONS, DESCRIPTION_SENTENCES, GENERIC_JUSTIFICATIONS, JUSTIFICATIONS, PARTNERS, PUBLICS,
    THEMES, TOWNS,
};
use crate::db::records::ExperienceRecord;

pub(super) fn organisation(rng: &mut StdRng) -> String {
    let town = pick(rng, TOWNS);
    match rng.random_range(0..10) {
        0 => format!("CCAS de {town}"),
        1 => format!("Conseil départemental ({town})"),
        2 => format!("Caisse d'allocations familiales de {town}"),
        3 => format!("Ville de {town}"),
        4 => format!("Mission locale de {town}"),
        5 => format!("Communauté d'agglomération de {town}"),
        _ => format!("{} ({town})", pick(rng, ASSOCIATIONS)),
    }
}

/// Replaces each `{public}`, `{town}`, `{partner}`, `{theme}` and `{n}` with its own draw.
fn fill(rng: &mut StdRng, template: &str) -> String {
    let mut out = String::with_capacity(template.len() + 40);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(len) = rest[open..].find('}') else {
            break;
        };
        out.push_str(&rest[..open]);
        match &rest[open + 1..open + len] {
            "public" => out.push_str(pick(rng, PUBLICS)),
            "town" => out.push_str(pick(rng, TOWNS)),
            "partner" => out.push_str(pick(rng, PARTNERS)),
            "theme" => out.push_str(pick(rng, THEMES)),
            "n" => out.push_str(&rng.random_range(4..=25).to_string()),
            other => {
                out.push('{');
                out.push_str(other);
                out.push('}');
            }
        }
        rest = &rest[open + len + 1..];
    }
    out.push_str(rest);
    out
}

pub(super) fn description(rng: &mut StdRng, sentences: usize) -> String {
    let mut chosen: Vec<&str> = DESCRIPTION_SENTENCES.to_vec();
    chosen.shuffle(rng);
    chosen
        .into_iter()
        .take(sentences)
        .map(|t| fill(rng, t))
        .collect::<Vec<_>>()
        .join(" ")
}

pub(super) fn justification(rng: &mut StdRng, code: &str, experience: &ExperienceRecord) -> String {
    let templates = JUSTIFICATIONS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, t)| *t)
        .unwrap_or(GENERIC_JUSTIFICATIONS);
    let template = pick(rng, templates);
    let body = fill(rng, template);
    format!(
        "En tant que {} ({}), {}",
        experience.title.to_lowercase(),
        experience.organisation,
        body
    )
}
