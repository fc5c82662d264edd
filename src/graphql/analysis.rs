//! Computed views of a dossier: coverage, eligibility, training admission and exemption flags.

use std::sync::Arc;

use crate::domain::rounding::round_to_tenth;
use async_graphql::{Object, SimpleObject};

use super::enums::{CoverageStatus, ExemptionStatus, Recommendation};
use super::referential::{CompetenceNode, DomainNode, ExemptionRuleNode};
use crate::app::rules::Analysis;
use crate::db::records::RecommendationRecord;
use crate::domain::{admission, exemptions, programme::Programme};

/// What a domain's experiences and files show.
pub struct DomainCoverageNode {
    pub analysis: Arc<Analysis>,
    pub index: usize,
}

#[Object(name = "DomainCoverage")]
impl DomainCoverageNode {
    async fn domain(&self) -> Option<DomainNode> {
        DomainNode::find(
            &self.analysis.programme,
            self.analysis.coverage[self.index].domain_code.as_str(),
        )
    }
    /// FTE months of the experiences claiming any competence of the domain (overlaps once),
    /// rounded to one decimal like every month count of the API.
    async fn fte_months(&self) -> f64 {
        round_to_tenth(self.analysis.coverage[self.index].fte_months)
    }
    async fn competences(&self) -> Vec<CompetenceCoverage> {
        let programme = &self.analysis.programme;
        self.analysis.coverage[self.index]
            .competences
            .iter()
            .filter_map(|c| {
                Some(CompetenceCoverage {
                    competence: CompetenceNode::find(programme, c.competence_code.as_str())?,
                    status: c.status.into(),
                    experience_count: c.experience_count as i32,
                    evidence_count: c.evidence_count as i32,
                })
            })
            .collect()
    }
}

#[derive(SimpleObject)]
pub struct CompetenceCoverage {
    pub competence: CompetenceNode,
    pub status: CoverageStatus,
    pub experience_count: i32,
    pub evidence_count: i32,
}

/// VAE admissibility under the regime of the application date.
pub struct EligibilityNode(pub Arc<Analysis>);

#[Object(name = "Eligibility")]
impl EligibilityNode {
    /// "2006", "2017" or "2024".
    async fn regime(&self) -> &str {
        &self.0.eligibility.regime_id
    }
    async fn admissible(&self) -> bool {
        self.0.eligibility.admissible
    }
    /// FTE months of relevant experience, rounded to one decimal: the figure the verdict
    /// compares with `requiredFteMonths`.
    async fn relevant_fte_months(&self) -> f64 {
        round_to_tenth(self.0.eligibility.relevant_fte_months)
    }
    async fn required_fte_months(&self) -> f64 {
        self.0.eligibility.required_fte_months
    }
    /// Why, in words a candidate understands; the first is the verdict.
    async fn reasons(&self) -> &[String] {
        &self.0.eligibility.reasons
    }
    /// True when the verdict rests on a reading of the rules that is not confirmed (the
    /// referential says so): show it as provisional until an advisor checks `reviewNotes`.
    async fn needs_review(&self) -> bool {
        self.0.eligibility.needs_review
    }
    /// What an advisor should confirm, in words a candidate understands.
    async fn review_notes(&self) -> &[String] {
        &self.0.eligibility.review_notes
    }
    /// Legal basis of the regime applied.
    async fn legal_reference(&self) -> Option<&str> {
        let id = &self.0.eligibility.regime_id;
        self.0
            .programme
            .eligibility_regimes
            .iter()
            .find(|r| &r.id == id)
            .map(|r| r.legal_reference.as_str())
    }
}

/// Admission to the training course through the art. 2 routes.
#[derive(SimpleObject)]
pub struct TrainingAdmission {
    pub eligible: bool,
    pub routes: Vec<AdmissionRouteResult>,
}

#[derive(SimpleObject)]
pub struct AdmissionRouteResult {
    pub route_id: String,
    pub description: String,
    pub legal_reference: String,
    pub met: bool,
    pub reason: String,
}

impl From<&admission::TrainingAdmission> for TrainingAdmission {
    fn from(a: &admission::TrainingAdmission) -> Self {
        TrainingAdmission {
            eligible: a.eligible,
            routes: a
                .routes
                .iter()
                .map(|r| AdmissionRouteResult {
                    route_id: r.route_id.clone(),
                    description: r.description.clone(),
                    legal_reference: r.legal_reference.clone(),
                    met: r.met,
                    reason: r.reason.clone(),
                })
                .collect(),
        }
    }
}

/// A dispense or allègement the profile may justify.
pub struct ExemptionFlagNode {
    pub programme: Arc<Programme>,
    pub flag: exemptions::ExemptionFlag,
    pub recommendation: Option<RecommendationRecord>,
}

#[Object(name = "ExemptionFlag")]
impl ExemptionFlagNode {
    async fn rule(&self) -> Option<ExemptionRuleNode> {
        ExemptionRuleNode::find(&self.programme, &self.flag.rule_id)
    }
    async fn status(&self) -> ExemptionStatus {
        self.flag.status.into()
    }
    async fn explanation(&self) -> &str {
        &self.flag.explanation
    }
    /// Documents still to provide for the flag to be justified.
    async fn missing_evidence(&self) -> &[String] {
        &self.flag.missing_evidence
    }
    async fn min_hours_reduced(&self) -> i32 {
        self.flag.min_hours_reduced as i32
    }
    async fn max_hours_reduced(&self) -> i32 {
        self.flag.max_hours_reduced as i32
    }
    /// The assigned advisor's recommendation; null until given.
    async fn recommendation(&self) -> Option<Recommendation> {
        self.recommendation.as_ref().map(|r| {
            if r.recommend {
                Recommendation::Recommend
            } else {
                Recommendation::DoNotRecommend
            }
        })
    }
    async fn recommendation_rationale(&self) -> Option<&str> {
        self.recommendation.as_ref().map(|r| r.rationale.as_str())
    }
}

/// Training hours the flags may remove, all domains together.
#[derive(SimpleObject)]
pub struct ExemptionTotals {
    /// Hours removed for sure if every flag is granted.
    pub min_hours_reduced: i32,
    /// Hours removed at best if every flag is granted.
    pub max_hours_reduced: i32,
    /// The same over JUSTIFIED flags only.
    pub justified_min_hours: i32,
    pub justified_max_hours: i32,
    pub dispensed_domain_codes: Vec<String>,
}

impl From<&exemptions::ExemptionTotals> for ExemptionTotals {
    fn from(t: &exemptions::ExemptionTotals) -> Self {
        ExemptionTotals {
            min_hours_reduced: t.min_hours_reduced as i32,
            max_hours_reduced: t.max_hours_reduced as i32,
            justified_min_hours: t.justified_min_hours as i32,
            justified_max_hours: t.justified_max_hours as i32,
            dispensed_domain_codes: t
                .dispensed_domain_codes
                .iter()
                .map(|c| c.as_str().to_owned())
                .collect(),
        }
    }
}
