//! Certifications of the RNCP (France compétences' répertoire) as programmes.
//!
//! A fiche of the daily open-data export becomes a programme: its blocs of competences are the
//! domains, each competence a line of the bloc's free-text list (split by a heuristic the data
//! says it is), its official bloc equivalences (`CORRESPONDANCES`) exemption rules, and the
//! general VAE conditions of the code du travail its eligibility. The export carries no
//! training hours, so imported programmes have none.

use chrono::NaiveDate;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::codes::{CompetenceCode, DomainCode, ProgrammeCode};
use super::experience::{EvidenceKind, ExperienceKind};
use super::programme::{
    Bloc, Competence, Domain, EligibilityRegime, EvidenceRequirement, ExemptionKind, ExemptionRule,
    Programme, ReferentialSource, RncpDetails, RuleCondition,
};
use super::wording::{self, quoted};

/// A fiche as read from the export: the fields Acquis uses, texts as published.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RncpFiche {
    pub number: String,
    pub title: String,
    /// `ETAT_FICHE`: "Publiée", "Dépubliée/Archivée", …
    pub state: String,
    /// `ACTIF`: "Oui".
    pub active: bool,
    /// `NOMENCLATURE_EUROPE/NIVEAU`: "NIV7".
    pub level: Option<String>,
    /// `DATE_FIN_ENREGISTREMENT`, "JJ/MM/AAAA".
    pub registration_ends: Option<String>,
    /// `SI_JURY_VAE/ACTIF`.
    pub vae_open: Option<bool>,
    pub vae_jury: Option<String>,
    pub predecessors: Vec<String>,
    pub successors: Vec<String>,
    pub certifiers: Vec<String>,
    pub url: Option<String>,
    pub blocs: Vec<RncpBloc>,
    pub correspondences: Vec<RncpCorrespondence>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RncpBloc {
    pub code: String,
    pub title: String,
    /// `LISTE_COMPETENCES`, free text.
    pub competences: String,
    /// `MODALITES_EVALUATION`, free text.
    pub assessment: String,
}

/// "Bloc `source_bloc` of this fiche is equivalent to bloc `bloc` of fiche `fiche`."
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RncpCorrespondence {
    pub source_bloc: String,
    pub fiche: String,
    pub bloc: String,
}

/// Why a fiche does not become a programme.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RncpRefusal {
    #[error("the fiche number {0:?} is not a valid programme code")]
    BadNumber(String),
    #[error("the fiche has no title")]
    NoTitle,
    #[error(
        "the fiche has no bloc de compétences (certifications of the répertoire spécifique have none)"
    )]
    NoBlocs,
    #[error("the programme made of the fiche is invalid: {0}")]
    Invalid(String),
}

pub const DATASET_URL: &str = "https://www.data.gouv.fr/datasets/5eebbc067a14b6fecc9c9976";
const SPLIT_NOTE: &str = "Les compétences de chaque bloc ont été découpées dans la liste en texte libre du bloc (LISTE_COMPETENCES) par une méthode heuristique (éléments numérotés ou à puces, longues suites d'espaces) ; vérifiez-les au regard de la liste telle que publiée, que chaque bloc conserve.";

/// A stable digest of what the fiche says, to tell an unchanged fiche from a changed one
/// between two daily exports.
pub fn fiche_checksum(fiche: &RncpFiche) -> String {
    let canonical = serde_json::to_vec(fiche).unwrap_or_default();
    hex::encode(Sha256::digest(canonical))
}

/// The programme a fiche describes, as version `version` of its code, read from the export of
/// `export_date`.
pub fn programme_of(
    fiche: &RncpFiche,
    export_date: NaiveDate,
    version: &str,
) -> Result<Programme, RncpRefusal> {
    let code = ProgrammeCode::parse(&fiche.number)
        .map_err(|_| RncpRefusal::BadNumber(fiche.number.clone()))?;
    let title = fiche.title.trim();
    if title.is_empty() {
        return Err(RncpRefusal::NoTitle);
    }
    if fiche.blocs.is_empty() {
        return Err(RncpRefusal::NoBlocs);
    }
    let mut domains: Vec<Domain> = Vec::new();
    let mut blocs: Vec<Bloc> = Vec::new();
    for (index, bloc) in fiche.blocs.iter().enumerate() {
        let domain_code = domain_code_of(code.as_str(), &bloc.code, index, &domains);
        let mut competences: Vec<Competence> = split_competences(&bloc.competences)
            .into_iter()
            .enumerate()
            .filter_map(|(k, text)| {
                Some(Competence {
                    code: CompetenceCode::parse(&format!("{domain_code}.{}", k + 1)).ok()?,
                    title: text,
                    indicators: Vec::new(),
                    functions: Vec::new(),
                })
            })
            .collect();
        if competences.is_empty() {
            // A bloc whose list is empty or one sentence is one competence: the bloc itself.
            competences.push(Competence {
                code: CompetenceCode::parse(&format!("{domain_code}.1"))
                    .map_err(|e| RncpRefusal::Invalid(e.to_string()))?,
                title: non_empty(&bloc.title, &bloc.competences),
                indicators: Vec::new(),
                functions: Vec::new(),
            });
        }
        domains.push(Domain {
            code: domain_code.clone(),
            title: non_empty(&bloc.title, &bloc.code),
            training_hours: 0,
            practical_hours: 0,
            certification: non_empty(
                &bloc.assessment,
                "La fiche ne décrit pas les modalités d'évaluation de ce bloc.",
            ),
            units: Vec::new(),
            competences,
        });
        blocs.push(Bloc {
            code: non_empty(&bloc.code, domain_code.as_str()),
            title: non_empty(&bloc.title, &bloc.code),
            domain_code,
            confirmed: true,
            note: None,
            competences_text: Some(bloc.competences.trim().to_owned()).filter(|t| !t.is_empty()),
        });
    }
    let exemption_rules = equivalence_rules(fiche, &code, &blocs, export_date);
    let programme = Programme {
        code,
        version: version.to_owned(),
        title: title.to_owned(),
        rncp_code: Some(fiche.number.clone()),
        level: fiche
            .level
            .as_deref()
            .and_then(|l| l.strip_prefix("NIV"))
            .and_then(|n| n.parse().ok())
            .filter(|n| (1..=8).contains(n)),
        theory_hours: 0,
        practical_hours: 0,
        functions: Vec::new(),
        domains,
        blocs,
        eligibility_regimes: vae_regimes(),
        admission_routes: Vec::new(),
        exemption_rules,
        valid_from: None,
        valid_until: french_date(fiche.registration_ends.as_deref()),
        transitions: Vec::new(),
        source: Some(ReferentialSource {
            publisher: "France compétences".to_owned(),
            dataset:
                "Répertoire national des certifications professionnelles (RNCP), export XML V4.1"
                    .to_owned(),
            url: DATASET_URL.to_owned(),
            licence: "Licence Ouverte / Open Licence 2.0 (Etalab)".to_owned(),
            export_date,
            checksum: fiche_checksum(fiche),
        }),
        rncp: Some(RncpDetails {
            state: fiche.state.clone(),
            active: fiche.active,
            vae_open: fiche.vae_open,
            vae_jury: fiche.vae_jury.clone().filter(|j| !j.trim().is_empty()),
            predecessors: fiche.predecessors.clone(),
            successors: fiche.successors.clone(),
            certifiers: fiche.certifiers.clone(),
            url: fiche.url.clone(),
            competences_note: SPLIT_NOTE.to_owned(),
        }),
    };
    let problems = super::programme_validation::problems(&programme);
    if problems.is_empty() {
        Ok(programme)
    } else {
        Err(RncpRefusal::Invalid(
            problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        ))
    }
}

fn non_empty(text: &str, fallback: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        fallback.trim().to_owned()
    } else {
        text.to_owned()
    }
}

/// `RNCP34762BC01` → `BC01`; any other shape, or a code already used, gets `BC<n>` by position.
fn domain_code_of(fiche: &str, bloc: &str, index: usize, taken: &[Domain]) -> DomainCode {
    let free = |code: &DomainCode| !taken.iter().any(|d| &d.code == code);
    bloc.trim()
        .strip_prefix(fiche)
        .and_then(|rest| DomainCode::parse(rest).ok())
        .filter(free)
        .unwrap_or_else(|| {
            (index + 1..)
                .filter_map(|n| DomainCode::parse(&format!("BC{n:02}")).ok())
                .find(free)
                .expect("some BC number is free")
        })
}

/// The domain code a bloc of another fiche would have there: `RNCP37507BC04` → `BC04`.
fn foreign_domain_code(fiche: &str, bloc: &str) -> Option<DomainCode> {
    DomainCode::parse(bloc.trim().strip_prefix(fiche.trim())?).ok()
}

/// One dispense per official equivalence: the other fiche's bloc, validated by a jury,
/// validates the equivalent bloc of this one.
fn equivalence_rules(
    fiche: &RncpFiche,
    code: &ProgrammeCode,
    blocs: &[Bloc],
    export_date: NaiveDate,
) -> Vec<ExemptionRule> {
    let mut rules: Vec<ExemptionRule> = Vec::new();
    for c in &fiche.correspondences {
        let Some(bloc) = blocs.iter().find(|b| b.code == c.source_bloc.trim()) else {
            continue;
        };
        let (Ok(other), Some(other_domain)) = (
            ProgrammeCode::parse(&c.fiche),
            foreign_domain_code(&c.fiche, &c.bloc),
        ) else {
            continue;
        };
        if &other == code {
            continue;
        }
        let id = format!("rncp.{}.{}", bloc.code, c.bloc.trim()).to_lowercase();
        if rules.iter().any(|r| r.id == id) {
            continue;
        }
        rules.push(ExemptionRule {
            id,
            kind: ExemptionKind::Dispense,
            domain_code: bloc.domain_code.clone(),
            unit_codes: Vec::new(),
            min_hours_reduced: 0,
            max_hours_reduced: 0,
            condition: RuleCondition::PriorValidation {
                domain_code: other_domain,
                programme_code: Some(other.clone()),
            },
            condition_text: format!(
                "Bloc {} de {} validé : France compétences le déclare équivalent au bloc {} {}.",
                c.bloc.trim(),
                other,
                bloc.code,
                quoted(&bloc.title)
            ),
            legal_reference: format!(
                "France compétences, fiche {code}, correspondances (export RNCP du {})",
                wording::date(export_date)
            ),
            discretionary: false,
            review_reason: None,
            evidence: EvidenceRequirement {
                kinds: vec![EvidenceKind::JuryDecision],
                experience_kinds: Vec::new(),
                description: format!(
                    "relevé de décisions du jury validant le bloc {} de {other}, déposé comme preuve de ce bloc déjà validé",
                    c.bloc.trim()
                ),
            },
        });
    }
    rules
}

/// The general conditions of VAE of the code du travail, which every RNCP certification
/// open to VAE follows unless its own texts add to them.
fn vae_regimes() -> Vec<EligibilityRegime> {
    let before = vec![
        ExperienceKind::Salaried,
        ExperienceKind::SelfEmployed,
        ExperienceKind::Volunteer,
        ExperienceKind::Internship,
        ExperienceKind::ElectedOffice,
    ];
    let mut since = before.clone();
    since.push(ExperienceKind::Other);
    let note = "Ce sont les conditions générales de la VAE, communes à toutes les certifications ; les règles propres au certificateur n'ont pas été lues, et votre conseiller doit confirmer qu'elles n'y ajoutent rien.".to_owned();
    vec![
        EligibilityRegime {
            id: "2017".to_owned(),
            from: None,
            until: NaiveDate::from_ymd_opt(2023, 12, 31),
            required_fte_months: 12.0,
            counted_kinds: before,
            require_all_functions: false,
            require_claim: true,
            legal_reference: "Code de l'éducation, art. L. 335-5 et R. 335-6 ; décret n° 2017-1135 du 4 juillet 2017".to_owned(),
            summary: "une année d'expérience en équivalent temps plein, continue ou non, en rapport direct avec la certification.".to_owned(),
            review_note: Some(note.clone()),
        },
        EligibilityRegime {
            id: "2024".to_owned(),
            from: NaiveDate::from_ymd_opt(2024, 1, 1),
            until: None,
            required_fte_months: 0.0,
            counted_kinds: since,
            require_all_functions: false,
            require_claim: true,
            legal_reference: "Code du travail, art. L. 6411-1 et R. 6412-1 à R. 6412-7 ; loi n° 2022-1598 du 21 décembre 2022".to_owned(),
            summary: "une expérience en rapport direct avec la certification, sans durée minimale ; au moins une expérience doit démontrer une compétence du référentiel.".to_owned(),
            review_note: Some(note),
        },
    ]
}

/// "31/12/2026" → 2026-12-31.
pub fn french_date(text: Option<&str>) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text?.trim(), "%d/%m/%Y").ok()
}

/// The competences of a bloc's free-text list, one per item.
///
/// The export strips line breaks, leaving long runs of spaces where the list had them, and
/// items are numbered in many ways ("A1C1.", "C1 :", "1.", "- ", "•"). Items are split on
/// those runs and on bullet and numbering marks at an item's start; the marks are removed, an
/// introduction ending with a colon is dropped, and so is what is too short to be a
/// competence. A list that is one block of text with semicolons is split on them.
pub fn split_competences(text: &str) -> Vec<String> {
    let normalised = text
        .replace("<br>", "\n")
        .replace("<br/>", "\n")
        .replace("<br />", "\n")
        // \u{f0b7}: the Symbol-font bullet that word processors leave in pasted lists.
        .replace(['•', '●', '▪', '\u{f0b7}', '·'], "\n");
    let mut pieces: Vec<String> = Vec::new();
    for line in normalised.split('\n') {
        let mut current = String::new();
        let mut spaces = 0;
        for c in line.chars() {
            if c.is_whitespace() {
                spaces += 1;
                continue;
            }
            if spaces >= 3 && !current.is_empty() {
                pieces.push(std::mem::take(&mut current));
            } else if spaces > 0 && !current.is_empty() {
                current.push(' ');
            }
            spaces = 0;
            current.push(c);
        }
        if !current.is_empty() {
            pieces.push(current);
        }
    }
    let mut items: Vec<String> = pieces
        .into_iter()
        .flat_map(|piece| split_on_numbering(&piece))
        .map(|item| strip_marker(&item))
        .filter(|item| !item.ends_with(':') && item.chars().count() >= 12)
        .collect();
    if items.len() == 1 && items[0].matches(';').count() >= 2 {
        items = items[0]
            .split(';')
            .map(|s| strip_marker(s.trim()))
            .filter(|s| s.chars().count() >= 12)
            .collect();
    }
    items.truncate(60);
    items
}

/// Splits "A1C1. Evaluer … A1C2.Apprécier …" before each item code that follows a sentence.
fn split_on_numbering(piece: &str) -> Vec<String> {
    let chars: Vec<char> = piece.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 1;
    while i < chars.len() {
        if chars[i - 1] == ' ' && item_code_len(&chars[i..]).is_some() && i > start + 12 {
            out.push(chars[start..i].iter().collect::<String>().trim().to_owned());
            start = i;
        }
        i += 1;
    }
    out.push(chars[start..].iter().collect::<String>().trim().to_owned());
    out
}

/// The length of an item code at the start of `chars` ("A1C1.", "A5.C1.", "C12 :", "C3-"),
/// which must be followed by a separator.
fn item_code_len(chars: &[char]) -> Option<usize> {
    let mut i = 0;
    let mut letters = 0;
    let mut digits = 0;
    while i < chars.len() && i < 10 {
        let c = chars[i];
        if c.is_ascii_uppercase() {
            letters += 1;
        } else if c.is_ascii_digit() {
            digits += 1;
        } else if c == '.'
            && chars.get(i + 1).is_some_and(char::is_ascii_uppercase)
            && chars.get(i + 2).is_some_and(char::is_ascii_digit)
        {
            // "A5.C1": a dot inside the code.
        } else {
            break;
        }
        i += 1;
    }
    let separator = chars
        .get(i)
        .is_some_and(|c| matches!(c, '.' | ':' | ')' | '-' | '–'))
        || (chars.get(i) == Some(&' ') && chars.get(i + 1).is_some_and(|c| *c == ':' || *c == '-'));
    ((1..=3).contains(&letters) && digits >= 1 && separator).then_some(i)
}

/// Removes a leading bullet or item code and the separator after it.
fn strip_marker(item: &str) -> String {
    let trimmed = item
        .trim()
        .trim_start_matches(['-', '–', '—', '*', '+', '>'])
        .trim();
    let chars: Vec<char> = trimmed.chars().collect();
    let code = item_code_len(&chars).or_else(|| {
        // "1." or "12)" numbering.
        let digits = chars.iter().take_while(|c| c.is_ascii_digit()).count();
        (digits > 0 && chars.get(digits).is_some_and(|c| matches!(c, '.' | ')'))).then_some(digits)
    });
    match code {
        Some(len) => chars[len..]
            .iter()
            .collect::<String>()
            .trim_start_matches(['.', ':', ')', '-', '–', ' '])
            .trim()
            .to_owned(),
        None => trimmed.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_items_run_together_become_one_competence_each() {
        let text = "A1C1. Evaluer les contextes économiques et géopolitiques        A1C2.Apprécier les incidences des choix stratégiques    A1C3.Anticiper les enjeux de la vision marché";
        assert_eq!(
            split_competences(text),
            [
                "Evaluer les contextes économiques et géopolitiques",
                "Apprécier les incidences des choix stratégiques",
                "Anticiper les enjeux de la vision marché",
            ]
        );
    }

    #[test]
    fn an_introduction_ending_with_a_colon_is_dropped_and_dotted_codes_are_stripped() {
        let text = "En mobilisant une analyse du contexte :    A5.C1. Réaliser un diagnostic d’une situation       A5.C2. Valider les modalités d’encadrement du métier";
        assert_eq!(
            split_competences(text),
            [
                "Réaliser un diagnostic d’une situation",
                "Valider les modalités d’encadrement du métier",
            ]
        );
    }

    #[test]
    fn bullets_and_semicolons_split_lists_without_codes() {
        assert_eq!(
            split_competences("• Accueillir le public • Orienter les personnes vers les services"),
            [
                "Accueillir le public",
                "Orienter les personnes vers les services"
            ]
        );
        assert_eq!(
            split_competences(
                "Analyser une situation sociale ; concevoir un projet d'intervention ; évaluer les actions menées"
            ),
            [
                "Analyser une situation sociale",
                "concevoir un projet d'intervention",
                "évaluer les actions menées",
            ]
        );
    }

    #[test]
    fn a_fiche_becomes_a_programme_with_its_blocs_equivalences_and_source() {
        let fiche = RncpFiche {
            number: "RNCP40344".into(),
            title: "Manager de projets".into(),
            state: "Publiée".into(),
            active: true,
            level: Some("NIV7".into()),
            registration_ends: Some("31/12/2028".into()),
            vae_open: Some(true),
            blocs: vec![
                RncpBloc {
                    code: "RNCP40344BC01".into(),
                    title: "Piloter un projet".into(),
                    competences: "C1. Définir le périmètre du projet   C2. Planifier les ressources du projet".into(),
                    assessment: "Étude de cas".into(),
                },
                RncpBloc {
                    code: "RNCP40344BC04".into(),
                    title: "Manager une équipe".into(),
                    competences: String::new(),
                    assessment: String::new(),
                },
            ],
            correspondences: vec![RncpCorrespondence {
                source_bloc: "RNCP40344BC04".into(),
                fiche: "RNCP37507".into(),
                bloc: "RNCP37507BC04".into(),
            }],
            ..RncpFiche::default()
        };
        let date = NaiveDate::from_ymd_opt(2026, 8, 16).unwrap();
        let programme = programme_of(&fiche, date, "2026-08-16").expect("a valid programme");
        assert_eq!(programme.code.as_str(), "RNCP40344");
        assert_eq!(programme.level, Some(7));
        assert_eq!(programme.valid_until, NaiveDate::from_ymd_opt(2028, 12, 31));
        let codes: Vec<&str> = programme.domains.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["BC01", "BC04"]);
        assert_eq!(programme.domains[0].competences.len(), 2);
        assert_eq!(
            programme.domains[1].competences[0].title,
            "Manager une équipe"
        );
        let rule = &programme.exemption_rules[0];
        assert_eq!(rule.id, "rncp.rncp40344bc04.rncp37507bc04");
        assert_eq!(rule.domain_code.as_str(), "BC04");
        assert!(matches!(
            &rule.condition,
            RuleCondition::PriorValidation { domain_code, programme_code: Some(p) }
                if domain_code.as_str() == "BC04" && p.as_str() == "RNCP37507"
        ));
        let source = programme.source.as_ref().unwrap();
        assert_eq!(source.export_date, date);
        assert_eq!(source.checksum, fiche_checksum(&fiche));
    }

    #[test]
    fn a_fiche_without_blocs_is_refused_with_the_reason() {
        let fiche = RncpFiche {
            number: "RNCP1".into(),
            title: "Sans blocs".into(),
            ..RncpFiche::default()
        };
        let date = NaiveDate::from_ymd_opt(2026, 8, 16).unwrap();
        assert_eq!(programme_of(&fiche, date, "x"), Err(RncpRefusal::NoBlocs));
    }
}
