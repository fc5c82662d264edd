//! Runs the pure rules (coverage, eligibility, training admission, exemptions) on a dossier.
//! Profiles are built for many dossiers at once with a fixed number of queries, so a list of
//! dossiers with their eligibility costs the same number of statements as one dossier.

use std::collections::HashMap;
use std::sync::Arc;

use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::AppState;
use crate::db::records::{DossierRecord, PriorValidationRecord};
use crate::db::{self};
use crate::domain::admission::{TrainingAdmission, training_admission};
use crate::domain::codes::{CompetenceCode, DomainCode, ProgrammeCode, QualificationCode};
use crate::domain::coverage::{DomainCoverage, coverage};
use crate::domain::eligibility::{Eligibility, eligibility};
use crate::domain::exemptions::{ExemptionReport, exemptions};
use crate::domain::period::{Period, WorkingTime};
use crate::domain::profile::{
    Profile, ProfileEvidence, ProfileExperience, ProfilePriorValidation, ProfileQualification,
};
use crate::domain::programme::Programme;
use crate::error::{AppError, AppResult};

/// Everything the rules say about one dossier.
#[derive(Debug)]
pub struct Analysis {
    pub programme: Arc<Programme>,
    pub coverage: Vec<DomainCoverage>,
    pub eligibility: Eligibility,
    pub admission: TrainingAdmission,
    pub exemptions: ExemptionReport,
}

/// Analyses dossiers the caller was already allowed to read.
pub async fn analyse(
    state: &AppState,
    dossiers: &[DossierRecord],
) -> AppResult<HashMap<Uuid, Arc<Analysis>>> {
    let profiles = profiles(&state.db, dossiers).await?;
    let mut out = HashMap::with_capacity(dossiers.len());
    for dossier in dossiers {
        let programme = state
            .catalog
            .version(
                &state.db,
                &dossier.programme_code,
                &dossier.programme_version,
            )
            .await?;
        let Some(profile) = profiles.get(&dossier.id) else {
            continue;
        };
        let analysis = Analysis {
            coverage: coverage(&programme, profile),
            eligibility: eligibility(&programme, profile),
            admission: training_admission(&programme, profile),
            exemptions: exemptions(&programme, profile),
            programme,
        };
        out.insert(dossier.id, Arc::new(analysis));
    }
    Ok(out)
}

/// Builds the engine input of each dossier from its rows: seven queries whatever the count.
pub async fn profiles(
    db: &impl ConnectionTrait,
    dossiers: &[DossierRecord],
) -> AppResult<HashMap<Uuid, Profile>> {
    let ids: Vec<Uuid> = dossiers.iter().map(|d| d.id).collect();
    let experiences = db::experiences::of_dossiers(db, &ids).await?;
    let claims = db::experiences::claims_of_dossiers(db, &ids).await?;
    let qualifications = db::experiences::qualifications_of(db, &ids).await?;
    let evidence = db::evidence::of_dossiers(db, &ids).await?;
    let evidence_ids: Vec<Uuid> = evidence.iter().map(|e| e.id).collect();
    let links = db::evidence::links_of(db, &evidence_ids).await?;
    let pairs: Vec<(Uuid, Uuid)> = dossiers.iter().map(|d| (d.id, d.candidate_id)).collect();
    let mut priors: HashMap<Uuid, Vec<PriorValidationRecord>> =
        db::experiences::prior_validations_for_many(db, &pairs).await?;

    let mut claims_by_experience: HashMap<Uuid, Vec<CompetenceCode>> = HashMap::new();
    for claim in claims {
        if let Ok(code) = CompetenceCode::parse(&claim.competence_code) {
            claims_by_experience
                .entry(claim.experience_id)
                .or_default()
                .push(code);
        }
    }
    let mut profiles: HashMap<Uuid, Profile> = dossiers
        .iter()
        .map(|d| {
            let prior_validations = priors
                .remove(&d.id)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|p| {
                    Some(ProfilePriorValidation {
                        id: p.id.to_string(),
                        programme_code: ProgrammeCode::parse(&p.programme_code).ok()?,
                        programme_version: p.programme_version.clone(),
                        domain_code: DomainCode::parse(&p.domain_code).ok()?,
                        validated_on: p.validated_on,
                        verified: p.verified,
                    })
                })
                .collect();
            let profile = Profile {
                application_date: d.application_date,
                experiences: Vec::new(),
                qualifications: Vec::new(),
                prior_validations,
                evidence: Vec::new(),
            };
            (d.id, profile)
        })
        .collect();
    for exp in experiences {
        let Some(profile) = profiles.get_mut(&exp.dossier_id) else {
            continue;
        };
        // Stored rows were validated on the way in; re-parsing against the row's own end
        // date as "today" keeps the check pure without rejecting past data.
        let today = exp.end_date.unwrap_or(exp.start_date).max(exp.start_date);
        let (Ok(period), Ok(working_time)) = (
            Period::parse(exp.start_date, exp.end_date, today),
            WorkingTime::parse(i64::from(exp.working_time_percent)),
        ) else {
            return Err(AppError::Internal(anyhow::anyhow!(
                "experience {} holds invalid dates",
                exp.id
            )));
        };
        profile.experiences.push(ProfileExperience {
            id: exp.id.to_string(),
            label: exp.title.clone(),
            kind: exp.kind,
            period,
            working_time,
            claims: claims_by_experience.remove(&exp.id).unwrap_or_default(),
        });
    }
    for q in qualifications {
        let Some(profile) = profiles.get_mut(&q.dossier_id) else {
            continue;
        };
        let Ok(code) = QualificationCode::parse(&q.code) else {
            continue;
        };
        profile.qualifications.push(ProfileQualification {
            id: q.id.to_string(),
            code,
            level: q.level,
            obtained_on: q.obtained_on,
            version: q.version,
        });
    }
    for ev in evidence {
        let Some(profile) = profiles.get_mut(&ev.dossier_id) else {
            continue;
        };
        let link = links.get(&ev.id).cloned().unwrap_or_default();
        profile.evidence.push(ProfileEvidence {
            id: ev.id.to_string(),
            kind: ev.kind,
            experience_ids: link.experience_ids.iter().map(Uuid::to_string).collect(),
            qualification_ids: link.qualification_ids.iter().map(Uuid::to_string).collect(),
            prior_validation_ids: link
                .prior_validation_ids
                .iter()
                .map(Uuid::to_string)
                .collect(),
            competences: link
                .competence_codes
                .iter()
                .filter_map(|c| CompetenceCode::parse(c).ok())
                .collect(),
        });
    }
    Ok(profiles)
}

/// A dossier needs at least one experience before it can be submitted.
pub async fn check_ready_to_submit(
    db: &impl ConnectionTrait,
    _state: &AppState,
    dossier: &DossierRecord,
) -> AppResult<()> {
    let (_, total) = db::experiences::page(db, dossier.id, None, 1).await?;
    if total == 0 {
        return Err(AppError::invalid(
            &["dossierId"],
            "EMPTY_DOSSIER",
            "add at least one experience before submitting the dossier",
        ));
    }
    Ok(())
}
