//! Everything a dossier holds, read in a fixed number of queries for any number of dossiers:
//! what the jury bundle prints and the personal-data export writes out. Callers have already
//! been allowed to read these dossiers.

use std::collections::HashMap;
use std::sync::Arc;

use uuid::Uuid;

use super::AppState;
use super::rules::{Analysis, analyse};
use crate::db::records::{
    AssessmentRecord, ClaimRecord, DecisionRecord, DossierRecord, EvidenceLinks, EvidenceRecord,
    ExperienceRecord, PriorValidationRecord, QualificationRecord, RecommendationRecord, UserRecord,
};
use crate::db::{self};
use crate::error::{AppError, AppResult};

#[derive(Debug)]
pub struct DossierContents {
    pub dossier: DossierRecord,
    pub candidate: Option<UserRecord>,
    pub analysis: Arc<Analysis>,
    pub experiences: Vec<ExperienceRecord>,
    /// By experience id.
    pub claims: HashMap<Uuid, Vec<ClaimRecord>>,
    pub qualifications: Vec<QualificationRecord>,
    pub prior_validations: Vec<PriorValidationRecord>,
    pub evidence: Vec<(EvidenceRecord, EvidenceLinks)>,
    pub recommendations: Vec<RecommendationRecord>,
    pub assessments: Vec<AssessmentRecord>,
    pub decision: Option<DecisionRecord>,
    /// Assigned advisors and jury members: (role, user id).
    pub assignments: Vec<(&'static str, Uuid)>,
}

pub async fn read(state: &AppState, dossiers: &[DossierRecord]) -> AppResult<Vec<DossierContents>> {
    let ids: Vec<Uuid> = dossiers.iter().map(|d| d.id).collect();
    let db = &state.db;
    let mut analyses = analyse(state, dossiers).await?;
    let experiences = db::experiences::of_dossiers(db, &ids).await?;
    let claims = db::experiences::claims_of_dossiers(db, &ids).await?;
    let qualifications = db::experiences::qualifications_of(db, &ids).await?;
    let pairs: Vec<(Uuid, Uuid)> = dossiers.iter().map(|d| (d.id, d.candidate_id)).collect();
    let mut priors = db::experiences::prior_validations_for_many(db, &pairs).await?;
    let evidence = db::evidence::of_dossiers(db, &ids).await?;
    let evidence_ids: Vec<Uuid> = evidence.iter().map(|e| e.id).collect();
    let mut links = db::evidence::links_of(db, &evidence_ids).await?;
    let recommendations = db::jury::recommendations_of(db, &ids).await?;
    let assessments = db::jury::assessments_of(db, &ids).await?;
    let mut decisions: HashMap<Uuid, DecisionRecord> = db::jury::decisions_of(db, &ids)
        .await?
        .into_iter()
        .collect();
    let facts = db::dossiers::facts_many(db, &ids).await?;
    let candidate_ids: Vec<Uuid> = dossiers.iter().map(|d| d.candidate_id).collect();
    let candidates: HashMap<Uuid, UserRecord> = db::users::by_ids(db, &candidate_ids)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();

    let experience_dossier: HashMap<Uuid, Uuid> =
        experiences.iter().map(|e| (e.id, e.dossier_id)).collect();
    let mut out = Vec::with_capacity(dossiers.len());
    for dossier in dossiers {
        let analysis = analyses.remove(&dossier.id).ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!("dossier {} was not analysed", dossier.id))
        })?;
        let mut own_claims: HashMap<Uuid, Vec<ClaimRecord>> = HashMap::new();
        for claim in claims
            .iter()
            .filter(|c| experience_dossier.get(&c.experience_id) == Some(&dossier.id))
        {
            own_claims
                .entry(claim.experience_id)
                .or_default()
                .push(claim.clone());
        }
        let assignment_facts = facts.get(&dossier.id);
        let mut assignments = Vec::new();
        if let Some(f) = assignment_facts {
            assignments.extend(f.advisor_ids.iter().map(|id| ("ADVISOR", *id)));
            assignments.extend(f.jury_ids.iter().map(|id| ("JURY", *id)));
        }
        out.push(DossierContents {
            candidate: candidates.get(&dossier.candidate_id).cloned(),
            analysis,
            experiences: experiences
                .iter()
                .filter(|e| e.dossier_id == dossier.id)
                .cloned()
                .collect(),
            claims: own_claims,
            qualifications: qualifications
                .iter()
                .filter(|q| q.dossier_id == dossier.id)
                .cloned()
                .collect(),
            prior_validations: priors.remove(&dossier.id).unwrap_or_default(),
            evidence: evidence
                .iter()
                .filter(|e| e.dossier_id == dossier.id)
                .map(|e| (e.clone(), links.remove(&e.id).unwrap_or_default()))
                .collect(),
            recommendations: recommendations
                .iter()
                .filter(|(d, _)| *d == dossier.id)
                .map(|(_, r)| r.clone())
                .collect(),
            assessments: assessments
                .iter()
                .filter(|(d, _)| *d == dossier.id)
                .map(|(_, a)| a.clone())
                .collect(),
            decision: decisions.remove(&dossier.id),
            assignments,
            dossier: dossier.clone(),
        });
    }
    Ok(out)
}
