//! The referential as GraphQL: programmes, domains, units, competences and exemption rules.

use crate::error::AppError;
use crate::graphql::errors::GqlResult;
use std::sync::Arc;

use async_graphql::{Context, Object, SimpleObject};

use super::context::state;
use super::enums::ExemptionKind;
use crate::domain::programme::{self, Programme};

/// A diploma organised in domains (or blocs) of competences, at one version of its referential.
pub struct ProgrammeNode(pub Arc<Programme>);

#[Object(name = "Programme")]
impl ProgrammeNode {
    /// Short code, e.g. "DEIS".
    async fn code(&self) -> &str {
        self.0.code.as_str()
    }
    /// Version of the referential, e.g. "2006-08-02".
    async fn version(&self) -> &str {
        &self.0.version
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// First day this version applies (its texts in force), when known.
    async fn valid_from(&self) -> Option<super::scalars::Date> {
        self.0.valid_from.map(super::scalars::Date)
    }
    /// Last day it applies to candidates, when a newer version replaces it.
    async fn valid_until(&self) -> Option<super::scalars::Date> {
        self.0.valid_until.map(super::scalars::Date)
    }
    /// Every stored version of this programme, oldest first. A dossier stays on the version
    /// it was created under; new dossiers take the current one.
    async fn versions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ProgrammeVersion>> {
        let state = state(ctx);
        let stored = crate::app::programmes::versions(state, self.0.code.as_str())
            .await
            .gql()?;
        Ok(stored
            .into_iter()
            .map(|v| ProgrammeVersion {
                version: v.version,
                current: v.current,
                valid_from: v.valid_from.map(super::scalars::Date),
                valid_until: v.valid_until.map(super::scalars::Date),
            })
            .collect())
    }
    /// How domains validated under earlier versions count in this one.
    async fn transitions(&self) -> Vec<VersionTransition> {
        self.0
            .transitions
            .iter()
            .map(|t| VersionTransition {
                from_version: t.from_version.clone(),
                legal_reference: t.legal_reference.clone(),
                domains: t
                    .domains
                    .iter()
                    .map(|d| DomainTransition {
                        from: d.from.to_string(),
                        to: d.to.iter().map(ToString::to_string).collect(),
                    })
                    .collect(),
            })
            .collect()
    }
    /// RNCP registration, e.g. "RNCP39644".
    async fn rncp_code(&self) -> Option<&str> {
        self.0.rncp_code.as_deref()
    }
    /// National framework level (7 for the DEIS).
    async fn level(&self) -> Option<i32> {
        self.0.level.map(i32::from)
    }
    async fn theory_hours(&self) -> i32 {
        self.0.theory_hours as i32
    }
    async fn practical_hours(&self) -> i32 {
        self.0.practical_hours as i32
    }
    async fn domains(&self) -> Vec<DomainNode> {
        (0..self.0.domains.len())
            .map(|index| DomainNode {
                programme: self.0.clone(),
                index,
            })
            .collect()
    }
    async fn exemption_rules(&self) -> Vec<ExemptionRuleNode> {
        (0..self.0.exemption_rules.len())
            .map(|index| ExemptionRuleNode {
                programme: self.0.clone(),
                index,
            })
            .collect()
    }
    /// RNCP blocs of competences and the domain each matches; `confirmed` is false where the
    /// mapping is inferred rather than read in a text.
    async fn blocs(&self) -> Vec<Bloc> {
        self.0
            .blocs
            .iter()
            .map(|b| Bloc {
                code: b.code.clone(),
                title: b.title.clone(),
                domain_code: b.domain_code.as_str().to_owned(),
                confirmed: b.confirmed,
                note: b.note.clone(),
                competences_text: b.competences_text.clone(),
            })
            .collect()
    }
    /// Provenance of an imported referential; null for one written by hand.
    async fn source(&self) -> Option<ReferentialSource> {
        self.0.source.as_ref().map(|s| ReferentialSource {
            publisher: s.publisher.clone(),
            dataset: s.dataset.clone(),
            url: s.url.clone(),
            licence: s.licence.clone(),
            export_date: super::scalars::Date(s.export_date),
        })
    }
    /// The RNCP fiche's facts, for an imported certification.
    async fn rncp(&self) -> Option<RncpDetails> {
        self.0.rncp.as_ref().map(|r| RncpDetails {
            state: r.state.clone(),
            active: r.active,
            vae_open: r.vae_open,
            vae_jury: r.vae_jury.clone(),
            predecessors: r.predecessors.clone(),
            successors: r.successors.clone(),
            certifiers: r.certifiers.clone(),
            url: r.url.clone(),
            competences_note: r.competences_note.clone(),
        })
    }
    /// The professional functions of the référentiel (used by the pre-2024 eligibility test).
    async fn functions(&self) -> Vec<ProfessionalFunction> {
        self.0
            .functions
            .iter()
            .map(|f| ProfessionalFunction {
                code: f.code.clone(),
                title: f.title.clone(),
            })
            .collect()
    }
    /// VAE eligibility regimes by date of application.
    async fn eligibility_regimes(&self) -> Vec<EligibilityRegime> {
        self.0
            .eligibility_regimes
            .iter()
            .map(|r| EligibilityRegime {
                id: r.id.clone(),
                from: r.from.map(super::scalars::Date),
                until: r.until.map(super::scalars::Date),
                required_fte_months: r.required_fte_months,
                summary: r.summary.clone(),
                review_note: r.review_note.clone(),
                legal_reference: r.legal_reference.clone(),
            })
            .collect()
    }
    /// Routes into the training course (DEIS art. 2).
    async fn admission_routes(&self) -> Vec<AdmissionRoute> {
        self.0
            .admission_routes
            .iter()
            .map(|r| AdmissionRoute {
                id: r.id.clone(),
                description: r.description.clone(),
                legal_reference: r.legal_reference.clone(),
            })
            .collect()
    }
}

#[derive(SimpleObject)]
pub struct Bloc {
    pub code: String,
    pub title: String,
    pub domain_code: String,
    pub confirmed: bool,
    pub note: Option<String>,
    /// The bloc's list of competences as published, when the domain's competences were split
    /// from it (imported certifications).
    pub competences_text: Option<String>,
}

/// Where an imported referential comes from; the RNCP's licence asks to name the source and
/// the date of the data.
#[derive(SimpleObject)]
pub struct ReferentialSource {
    pub publisher: String,
    pub dataset: String,
    pub url: String,
    pub licence: String,
    pub export_date: super::scalars::Date,
}

/// What France compétences' fiche says of an imported certification.
#[derive(SimpleObject)]
pub struct RncpDetails {
    /// `ETAT_FICHE`, e.g. "Publiée".
    pub state: String,
    pub active: bool,
    /// Whether the VAE route is open; null when the fiche does not say.
    pub vae_open: Option<bool>,
    pub vae_jury: Option<String>,
    /// Fiches this one replaces.
    pub predecessors: Vec<String>,
    /// Fiches that replace this one.
    pub successors: Vec<String>,
    pub certifiers: Vec<String>,
    pub url: Option<String>,
    /// How the competences were derived from the fiche's free text (a heuristic).
    pub competences_note: String,
}

#[derive(SimpleObject)]
pub struct ProfessionalFunction {
    pub code: String,
    pub title: String,
}

#[derive(SimpleObject)]
pub struct EligibilityRegime {
    pub id: String,
    pub from: Option<super::scalars::Date>,
    pub until: Option<super::scalars::Date>,
    pub required_fte_months: f64,
    pub summary: String,
    pub legal_reference: String,
    /// What a person should confirm about how this regime is read; its verdicts then need
    /// review.
    pub review_note: Option<String>,
}

#[derive(SimpleObject)]
pub struct AdmissionRoute {
    pub id: String,
    pub description: String,
    pub legal_reference: String,
}

/// A domain of competences ("DC1") with its domain of training.
#[derive(Clone)]
pub struct DomainNode {
    pub programme: Arc<Programme>,
    pub index: usize,
}

impl DomainNode {
    fn domain(&self) -> &programme::Domain {
        &self.programme.domains[self.index]
    }

    pub fn find(programme: &Arc<Programme>, code: &str) -> Option<DomainNode> {
        programme
            .domains
            .iter()
            .position(|d| d.code.as_str() == code)
            .map(|index| DomainNode {
                programme: programme.clone(),
                index,
            })
    }
}

#[Object(name = "Domain")]
impl DomainNode {
    async fn code(&self) -> &str {
        self.domain().code.as_str()
    }
    async fn title(&self) -> &str {
        &self.domain().title
    }
    /// Theory hours of the matching domain of training.
    async fn training_hours(&self) -> i32 {
        self.domain().training_hours as i32
    }
    async fn practical_hours(&self) -> i32 {
        self.domain().practical_hours as i32
    }
    async fn units(&self) -> Vec<TrainingUnit> {
        self.domain()
            .units
            .iter()
            .map(|u| TrainingUnit {
                code: u.code.as_str().to_owned(),
                title: u.title.clone(),
                min_hours: u.min_hours as i32,
                max_hours: u.max_hours as i32,
                practical: u.practical,
            })
            .collect()
    }
    /// How the domain is certified.
    async fn certification(&self) -> &str {
        &self.domain().certification
    }
    async fn competences(&self) -> Vec<CompetenceNode> {
        (0..self.domain().competences.len())
            .map(|competence| CompetenceNode {
                domain: self.clone(),
                competence,
            })
            .collect()
    }
}

#[derive(SimpleObject)]
pub struct TrainingUnit {
    pub code: String,
    pub title: String,
    pub min_hours: i32,
    pub max_hours: i32,
    /// Practical training (the field study) rather than theory.
    pub practical: bool,
}

/// A competence ("DC1.1") with its indicators.
#[derive(Clone)]
pub struct CompetenceNode {
    pub domain: DomainNode,
    pub competence: usize,
}

impl CompetenceNode {
    fn competence(&self) -> &programme::Competence {
        &self.domain.domain().competences[self.competence]
    }

    /// The node for a competence code of a programme.
    pub fn find(programme: &Arc<Programme>, code: &str) -> Option<CompetenceNode> {
        programme
            .domains
            .iter()
            .enumerate()
            .find_map(|(index, domain)| {
                domain
                    .competences
                    .iter()
                    .position(|c| c.code.as_str() == code)
                    .map(|competence| CompetenceNode {
                        domain: DomainNode {
                            programme: programme.clone(),
                            index,
                        },
                        competence,
                    })
            })
    }
}

#[Object(name = "Competence")]
impl CompetenceNode {
    async fn code(&self) -> &str {
        self.competence().code.as_str()
    }
    async fn title(&self) -> &str {
        &self.competence().title
    }
    async fn indicators(&self) -> &[String] {
        &self.competence().indicators
    }
    async fn domain(&self) -> DomainNode {
        self.domain.clone()
    }
}

/// A line of the exemption table: condition → effect, with its legal basis.
pub struct ExemptionRuleNode {
    pub programme: Arc<Programme>,
    pub index: usize,
}

impl ExemptionRuleNode {
    fn rule(&self) -> &programme::ExemptionRule {
        &self.programme.exemption_rules[self.index]
    }

    pub fn find(programme: &Arc<Programme>, id: &str) -> Option<ExemptionRuleNode> {
        programme
            .exemption_rules
            .iter()
            .position(|r| r.id == id)
            .map(|index| ExemptionRuleNode {
                programme: programme.clone(),
                index,
            })
    }
}

#[Object(name = "ExemptionRule")]
impl ExemptionRuleNode {
    /// Stable id, e.g. "deis.caferuis.uf1-1".
    async fn id(&self) -> &str {
        &self.rule().id
    }
    async fn kind(&self) -> ExemptionKind {
        self.rule().kind.into()
    }
    async fn domain_code(&self) -> &str {
        self.rule().domain_code.as_str()
    }
    async fn unit_codes(&self) -> Vec<String> {
        self.rule()
            .unit_codes
            .iter()
            .map(|u| u.as_str().to_owned())
            .collect()
    }
    async fn min_hours_reduced(&self) -> i32 {
        self.rule().min_hours_reduced as i32
    }
    async fn max_hours_reduced(&self) -> i32 {
        self.rule().max_hours_reduced as i32
    }
    /// The condition in words.
    async fn condition(&self) -> &str {
        &self.rule().condition_text
    }
    async fn legal_reference(&self) -> &str {
        &self.rule().legal_reference
    }
    /// Granted at the establishment's discretion rather than by right.
    async fn discretionary(&self) -> bool {
        self.rule().discretionary
    }
    /// Why a person must look at flags of this rule (e.g. conflicting texts), if they must.
    async fn review_reason(&self) -> Option<&str> {
        self.rule().review_reason.as_deref()
    }
    /// The document that proves the condition.
    async fn required_evidence(&self) -> &str {
        &self.rule().evidence.description
    }
}

/// One stored version of a programme's referential.
#[derive(SimpleObject)]
pub struct ProgrammeVersion {
    pub version: String,
    /// New dossiers are created under the current version.
    pub current: bool,
    pub valid_from: Option<super::scalars::Date>,
    pub valid_until: Option<super::scalars::Date>,
}

/// The transition table from an earlier version.
#[derive(SimpleObject)]
pub struct VersionTransition {
    pub from_version: String,
    pub legal_reference: String,
    pub domains: Vec<DomainTransition>,
}

/// A domain of the earlier version and what it counts as in this one.
#[derive(SimpleObject)]
pub struct DomainTransition {
    pub from: String,
    pub to: Vec<String>,
}

#[derive(Default)]
pub struct ReferentialQuery;

#[Object]
impl ReferentialQuery {
    /// Programmes at their current referential version, by code: at most `first` (default
    /// 20, at most 100) after the code `after`, those whose code or title contains `search`
    /// (case-insensitive) when given. Imported certifications number in the thousands, so
    /// the list is paged like every other.
    #[graphql(complexity = "crate::graphql::page_cost(first, child_complexity)")]
    async fn programmes(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        search: Option<String>,
    ) -> async_graphql::Result<Vec<ProgrammeNode>> {
        let state = state(ctx);
        let limit = crate::app::pagination::page_size(first).gql()?;
        let page = state
            .catalog
            .current_page(
                &state.db,
                after
                    .as_deref()
                    .map(str::trim)
                    .map(str::to_ascii_uppercase)
                    .as_deref(),
                limit,
                search.as_deref(),
            )
            .await
            .gql()?;
        Ok(page.into_iter().map(ProgrammeNode).collect())
    }

    /// A programme by code (case-insensitive): its current version, or `version` when given;
    /// null when unknown.
    async fn programme(
        &self,
        ctx: &Context<'_>,
        code: String,
        version: Option<String>,
    ) -> async_graphql::Result<Option<ProgrammeNode>> {
        let state = state(ctx);
        let code = code.trim().to_ascii_uppercase();
        let found = match version {
            None => state.catalog.current(&state.db, &code).await,
            Some(version) => match state
                .catalog
                .version(&state.db, &code, version.trim())
                .await
            {
                Ok(programme) => Ok(Some(programme)),
                Err(AppError::NotFound(_)) => Ok(None),
                Err(other) => Err(other),
            },
        };
        Ok(found.gql()?.map(ProgrammeNode))
    }
}
