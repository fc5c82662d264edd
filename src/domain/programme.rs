//! The referential of a programme: domains, competences, training units and the rules
//! (eligibility regimes, admission routes, exemptions) written as data.
//!
//! Fields are public because a `Programme` only comes out of [`Programme::from_json`], which
//! checks every cross-reference; the engines can then look things up without re-validating.
//! Nested objects refuse unknown keys so that typos surface; the top level tolerates extra keys,
//! which referential files use for sources and notes (the DEIS file marks its inferences there).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::closed_enum::closed_enum;
use super::codes::{CompetenceCode, DomainCode, ProgrammeCode, QualificationCode, UnitCode};
use super::experience::{EvidenceKind, ExperienceKind};

pub use super::programme_validation::{ProgrammeError, ProgrammeProblem};

/// The DEIS referential (arrêté du 2 août 2006), embedded so the service needs no data files.
pub const DEIS_JSON: &str = include_str!("../../fixtures/programmes/deis.json");

/// The DEES referential of the 2018 reform (arrêté du 22 août 2018), the second programme.
pub const DEES_JSON: &str = include_str!("../../fixtures/programmes/dees-2018.json");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Programme {
    pub code: ProgrammeCode,
    /// Version of the referential, e.g. the date of the founding text.
    pub version: String,
    pub title: String,
    pub rncp_code: Option<String>,
    pub level: Option<u8>,
    pub theory_hours: u32,
    pub practical_hours: u32,
    pub functions: Vec<ProfessionalFunction>,
    pub domains: Vec<Domain>,
    pub blocs: Vec<Bloc>,
    pub eligibility_regimes: Vec<EligibilityRegime>,
    pub admission_routes: Vec<AdmissionRoute>,
    pub exemption_rules: Vec<ExemptionRule>,
    /// First day this version of the referential applies (its texts in force), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<NaiveDate>,
    /// Last day it applies to candidates, when a newer version replaces it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<NaiveDate>,
    /// How domains validated under earlier versions carry over to this one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transitions: Vec<VersionTransition>,
    /// Where an imported referential comes from (the RNCP export and its date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<ReferentialSource>,
    /// What France compétences says of the certification, for an imported one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rncp: Option<RncpDetails>,
}

/// The provenance of an imported referential; the RNCP's licence (Licence Ouverte 2.0) asks
/// reusers to name the source and the date of the data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReferentialSource {
    pub publisher: String,
    pub dataset: String,
    pub url: String,
    pub licence: String,
    pub export_date: NaiveDate,
    /// Digest of the fiche as read, to tell a changed fiche from an unchanged one.
    pub checksum: String,
}

/// The RNCP fiche's own facts about the certification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RncpDetails {
    /// `ETAT_FICHE`, e.g. "Publiée".
    pub state: String,
    pub active: bool,
    /// Whether the VAE route is open (`SI_JURY_VAE`); unknown when the fiche does not say.
    pub vae_open: Option<bool>,
    pub vae_jury: Option<String>,
    /// Fiches this one replaces, and those that replace it.
    pub predecessors: Vec<String>,
    pub successors: Vec<String>,
    pub certifiers: Vec<String>,
    pub url: Option<String>,
    /// How the competences were derived from the fiche's free text.
    pub competences_note: String,
}

/// The transition table from an earlier version: each domain (or bloc) validated under it
/// counts as these domains of this version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VersionTransition {
    pub from_version: String,
    pub legal_reference: String,
    pub domains: Vec<DomainTransition>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DomainTransition {
    /// The domain code in the earlier version.
    pub from: DomainCode,
    /// What it counts as here; empty when it carries nothing over.
    pub to: Vec<DomainCode>,
}

/// A function of the référentiel professionnel (DEIS annexe I has three).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProfessionalFunction {
    pub code: String,
    pub title: String,
}

/// A domain of competences with its matching domain of training.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Domain {
    pub code: DomainCode,
    pub title: String,
    /// Theory hours of the domain of training; a dispense removes all of them.
    pub training_hours: u32,
    pub practical_hours: u32,
    /// How the domain is certified (which exam).
    pub certification: String,
    pub units: Vec<TrainingUnit>,
    pub competences: Vec<Competence>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TrainingUnit {
    pub code: UnitCode,
    pub title: String,
    pub min_hours: u32,
    pub max_hours: u32,
    /// Practical training (the DEIS field study) rather than theory.
    pub practical: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Competence {
    pub code: CompetenceCode,
    pub title: String,
    pub indicators: Vec<String>,
    /// Codes of the professional functions this competence evidences; used by the regimes that
    /// require an activity in every function. For the DEIS this mapping is an inference.
    pub functions: Vec<String>,
}

/// An RNCP bloc de compétences and the domain it corresponds to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Bloc {
    pub code: String,
    pub title: String,
    pub domain_code: DomainCode,
    /// False while the bloc code or its mapping to the domain comes from inference.
    pub confirmed: bool,
    pub note: Option<String>,
    /// The bloc's list of competences as published, when the domain's competences were
    /// derived from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competences_text: Option<String>,
}

/// The VAE admissibility rules in force for applications made between two dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EligibilityRegime {
    pub id: String,
    /// First day of application covered; `None` for "since the beginning".
    pub from: Option<NaiveDate>,
    /// Last day of application covered; `None` for "still in force".
    pub until: Option<NaiveDate>,
    pub required_fte_months: f64,
    pub counted_kinds: Vec<ExperienceKind>,
    /// At least one activity in each professional function of the programme.
    pub require_all_functions: bool,
    /// Only experiences claiming a competence of the programme are "related to the diploma".
    pub require_claim: bool,
    pub legal_reference: String,
    pub summary: String,
    /// What a person should confirm about how this regime is read (a source not fully read,
    /// an inference); its verdicts then need review. Shown apart from the reasons, in words a
    /// candidate understands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_note: Option<String>,
}

impl EligibilityRegime {
    /// True when an application made on `date` falls under this regime.
    pub fn applies_on(&self, date: NaiveDate) -> bool {
        self.from.is_none_or(|from| from <= date) && self.until.is_none_or(|until| date <= until)
    }
}

/// A way into the training course (DEIS art. 2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AdmissionRoute {
    pub id: String,
    pub description: String,
    pub legal_reference: String,
    pub condition: AdmissionCondition,
}

/// Met by a qualification listed by code, or of at least `min_level` when set, together with
/// enough FTE months of experience (internships excluded), after that qualification if required.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AdmissionCondition {
    #[serde(default)]
    pub qualification_codes: Vec<QualificationCode>,
    pub min_level: Option<u8>,
    pub min_experience_months: f64,
    pub experience_after_qualification: bool,
}

closed_enum! {
    /// A dispense removes a whole domain of training (and validates it); an allègement reduces
    /// some of its hours.
    ExemptionKind ("exemption kind") {
        Dispense => "DISPENSE",
        Allegement => "ALLEGEMENT",
    }
}

/// One line of an exemption table: a condition on the profile and its effect on training hours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExemptionRule {
    /// Stable identifier, lower-case, e.g. `deis.caferuis.uf1-1`.
    pub id: String,
    pub kind: ExemptionKind,
    pub domain_code: DomainCode,
    /// Units reduced by an allègement; empty for a dispense or a domain-wide allègement.
    pub unit_codes: Vec<UnitCode>,
    pub min_hours_reduced: u32,
    pub max_hours_reduced: u32,
    pub condition: RuleCondition,
    /// The condition in words, for people.
    pub condition_text: String,
    pub legal_reference: String,
    /// Granted at the training establishment's discretion rather than by right.
    pub discretionary: bool,
    /// Why a person must look at a flag from this rule even when it is proven.
    pub review_reason: Option<String>,
    pub evidence: EvidenceRequirement,
}

/// What the profile must contain for a rule to apply; data, so no code is written per rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    deny_unknown_fields
)]
pub enum RuleCondition {
    /// A qualification listed in `codes`, or of at least `min_level` unless listed in
    /// `except_codes` (those have rules of their own); when `versions` is not empty, only in
    /// one of those versions of its referential.
    Qualification {
        #[serde(default)]
        codes: Vec<QualificationCode>,
        #[serde(default)]
        min_level: Option<u8>,
        #[serde(default)]
        except_codes: Vec<QualificationCode>,
        #[serde(default)]
        versions: Vec<QualificationVersion>,
    },
    /// Such a qualification together with experience related to this programme (experiences
    /// of `experience_kinds` claiming one of its competences): at least `min_fte_months`, after
    /// the qualification was obtained when `after_qualification`, and one of them still ongoing
    /// at the application date when `currently_employed`.
    QualificationAndExperience {
        #[serde(default)]
        codes: Vec<QualificationCode>,
        #[serde(default)]
        min_level: Option<u8>,
        #[serde(default)]
        except_codes: Vec<QualificationCode>,
        #[serde(default)]
        versions: Vec<QualificationVersion>,
        min_fte_months: f64,
        experience_kinds: Vec<ExperienceKind>,
        #[serde(default)]
        after_qualification: bool,
        #[serde(default)]
        currently_employed: bool,
    },
    /// A domain (or bloc) already validated by a jury: of this programme, or of
    /// `programme_code` (a domain common to several diplomas, an official bloc equivalence).
    PriorValidation {
        domain_code: DomainCode,
        #[serde(default)]
        programme_code: Option<ProgrammeCode>,
    },
}

/// One version of a qualification's referential (the CAFERUIS of 2004 or of 2022): a
/// qualification declared with this version, or obtained between these dates, is in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QualificationVersion {
    pub version: String,
    #[serde(default)]
    pub obtained_from: Option<NaiveDate>,
    #[serde(default)]
    pub obtained_until: Option<NaiveDate>,
}

impl QualificationVersion {
    /// True when a qualification obtained on `day` falls in this version's dates; a version
    /// without dates cannot be told from a date.
    pub fn covers(&self, day: NaiveDate) -> bool {
        (self.obtained_from.is_some() || self.obtained_until.is_some())
            && self.obtained_from.is_none_or(|from| from <= day)
            && self.obtained_until.is_none_or(|until| day <= until)
    }
}

/// The proof that turns a flag into a justified exemption.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EvidenceRequirement {
    /// Documents linked to the qualification or prior validation the condition names.
    pub kinds: Vec<EvidenceKind>,
    /// Documents linked to one of the experiences counted, when the condition asks for
    /// experience (an employer's certificate); empty when the experience needs no proof.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub experience_kinds: Vec<EvidenceKind>,
    /// Names the document, in French, e.g. "copie du diplôme CAFERUIS, déposée comme preuve de
    /// ce diplôme".
    pub description: String,
}

impl Programme {
    /// Reads a referential and checks it; every problem found is reported with its path.
    pub fn from_json(json: &str) -> Result<Self, ProgrammeError> {
        let programme: Self = serde_json::from_str(json).map_err(ProgrammeError::Malformed)?;
        let problems = super::programme_validation::problems(&programme);
        if problems.is_empty() {
            Ok(programme)
        } else {
            Err(ProgrammeError::Invalid { problems })
        }
    }

    pub fn domain(&self, code: &DomainCode) -> Option<&Domain> {
        self.domains.iter().find(|domain| &domain.code == code)
    }

    pub fn competence(&self, code: &CompetenceCode) -> Option<&Competence> {
        self.competences()
            .find(|competence| &competence.code == code)
    }

    pub fn rule(&self, id: &str) -> Option<&ExemptionRule> {
        self.exemption_rules.iter().find(|rule| rule.id == id)
    }

    pub fn function(&self, code: &str) -> Option<&ProfessionalFunction> {
        self.functions.iter().find(|function| function.code == code)
    }

    /// Every competence, domain by domain, in referential order.
    pub fn competences(&self) -> impl Iterator<Item = &Competence> {
        self.domains
            .iter()
            .flat_map(|domain| domain.competences.iter())
    }

    /// The domains of this version a domain validated under `version` counts as: itself under
    /// this version (or an unknown one: records from before versions were kept), its rows of
    /// the transition table from that version, and nothing when no table covers it.
    pub fn carried_over(&self, version: Option<&str>, domain: &DomainCode) -> Vec<DomainCode> {
        match version {
            None => vec![domain.clone()],
            Some(version) if version == self.version => vec![domain.clone()],
            Some(version) => self
                .transitions
                .iter()
                .filter(|t| t.from_version == version)
                .flat_map(|t| t.domains.iter())
                .filter(|d| &d.from == domain)
                .flat_map(|d| d.to.iter().cloned())
                .collect(),
        }
    }

    /// The regime for an application made on `date`; validation guarantees there is one.
    pub fn regime_on(&self, date: NaiveDate) -> Option<&EligibilityRegime> {
        self.eligibility_regimes
            .iter()
            .find(|regime| regime.applies_on(date))
    }
}

impl Domain {
    pub fn unit(&self, code: &UnitCode) -> Option<&TrainingUnit> {
        self.units.iter().find(|unit| &unit.code == code)
    }

    pub fn has_competence(&self, code: &CompetenceCode) -> bool {
        self.competences
            .iter()
            .any(|competence| &competence.code == code)
    }
}
