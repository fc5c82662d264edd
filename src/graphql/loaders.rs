//! Batched, per-request loads for nested lists, so the number of SQL statements of a request
//! does not grow with the number of items it shows.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use uuid::Uuid;

use crate::app::AppState;
use crate::app::rules::{Analysis, analyse};
use crate::db::dossier_tree::ExperiencesRead;
use crate::db::records::{
    ClaimRecord, EvidenceLinks, EvidenceRecord, QualificationRecord, UserRecord,
};
use crate::db::{self};
use crate::domain::policy::DossierFacts;
use crate::error::AppError;

/// Loader errors must be `Clone`.
#[derive(Clone, Debug)]
pub struct LoadError(pub Arc<AppError>);

impl From<sea_orm::DbErr> for LoadError {
    fn from(err: sea_orm::DbErr) -> Self {
        LoadError(Arc::new(AppError::from(err)))
    }
}

impl From<AppError> for LoadError {
    fn from(err: AppError) -> Self {
        LoadError(Arc::new(err))
    }
}

impl LoadError {
    pub fn into_gql(self) -> async_graphql::Error {
        let err = match Arc::try_unwrap(self.0) {
            Ok(err) => err,
            Err(shared) => match &*shared {
                AppError::DatabaseUnavailable(e) => {
                    AppError::DatabaseUnavailable(anyhow::anyhow!("{e}"))
                }
                AppError::StorageUnavailable(e) => {
                    AppError::StorageUnavailable(anyhow::anyhow!("{e}"))
                }
                AppError::NotFound(what) => AppError::NotFound(what),
                other => AppError::Internal(anyhow::anyhow!("{other}")),
            },
        };
        super::errors::gql(err)
    }
}

/// Loaders of one request.
#[derive(Clone)]
pub struct Loaders {
    pub claims: Arc<DataLoader<ClaimsByExperience, HashMapCache>>,
    pub evidence_by_experience: Arc<DataLoader<EvidenceByExperience, HashMapCache>>,
    pub evidence_by_qualification: Arc<DataLoader<EvidenceByQualification, HashMapCache>>,
    pub links: Arc<DataLoader<LinksByEvidence, HashMapCache>>,
    pub qualifications: Arc<DataLoader<QualificationsByDossier, HashMapCache>>,
    pub users: Arc<DataLoader<UsersById, HashMapCache>>,
    pub analysis: Arc<DataLoader<AnalysisByDossier, HashMapCache>>,
    pub facts: Arc<DataLoader<FactsByDossier, HashMapCache>>,
    pub experiences: Arc<DataLoader<ExperiencesByDossier, HashMapCache>>,
    pub competences: Arc<DataLoader<CompetencesByEvidence, HashMapCache>>,
    pub evidence: Arc<DataLoader<EvidenceByDossier, HashMapCache>>,
    pub prior_validations: Arc<DataLoader<PriorValidationsByDossier, HashMapCache>>,
    pub recommendations: Arc<DataLoader<RecommendationsByDossier, HashMapCache>>,
    pub assessments: Arc<DataLoader<AssessmentsByDossier, HashMapCache>>,
    pub decisions: Arc<DataLoader<DecisionByDossier, HashMapCache>>,
    pub download_audit: Arc<DataLoader<DownloadAudit, HashMapCache>>,
}

impl Loaders {
    pub fn new(state: &AppState) -> Loaders {
        fn make<T: Loader<Uuid>>(loader: T) -> Arc<DataLoader<T, HashMapCache>> {
            Arc::new(DataLoader::with_cache(
                loader,
                tokio::spawn,
                HashMapCache::default(),
            ))
        }
        Loaders {
            claims: make(ClaimsByExperience(state.clone())),
            evidence_by_experience: make(EvidenceByExperience(state.clone())),
            evidence_by_qualification: make(EvidenceByQualification(state.clone())),
            links: make(LinksByEvidence(state.clone())),
            qualifications: make(QualificationsByDossier(state.clone())),
            users: make(UsersById(state.clone())),
            analysis: make(AnalysisByDossier(state.clone())),
            facts: make(FactsByDossier(state.clone())),
            experiences: make(ExperiencesByDossier(state.clone())),
            competences: make(CompetencesByEvidence(state.clone())),
            evidence: make(EvidenceByDossier(state.clone())),
            prior_validations: Arc::new(DataLoader::with_cache(
                PriorValidationsByDossier(state.clone()),
                tokio::spawn,
                HashMapCache::default(),
            )),
            recommendations: make(RecommendationsByDossier(state.clone())),
            assessments: make(AssessmentsByDossier(state.clone())),
            decisions: make(DecisionByDossier(state.clone())),
            download_audit: Arc::new(DataLoader::with_cache(
                DownloadAudit(state.clone()),
                tokio::spawn,
                HashMapCache::default(),
            )),
        }
    }
}

impl Loaders {
    /// Puts what a dossier read brought along into the request's cache, so that the fields
    /// below the dossier find it there instead of querying again.
    pub async fn prime(
        &self,
        dossier_id: Uuid,
        facts: DossierFacts,
        experiences: Option<ExperiencesRead>,
    ) {
        self.facts.feed_one(dossier_id, facts).await;
        let Some(read) = experiences else {
            return;
        };
        self.experiences.feed_one(dossier_id, read.all).await;
        if let Some(claims) = read.claims {
            self.claims.feed_many(claims).await;
        }
        if let Some(evidence) = read.evidence {
            self.evidence_by_experience.feed_many(evidence).await;
        }
        if let Some(codes) = read.evidence_competences {
            self.competences.feed_many(codes).await;
        }
    }
}

pub struct ClaimsByExperience(AppState);

impl Loader<Uuid> for ClaimsByExperience {
    type Value = Vec<ClaimRecord>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let mut out: HashMap<Uuid, Vec<ClaimRecord>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for claim in db::experiences::claims_of(&self.0.db, keys).await? {
            out.entry(claim.experience_id).or_default().push(claim);
        }
        Ok(out)
    }
}

pub struct EvidenceByExperience(AppState);

impl Loader<Uuid> for EvidenceByExperience {
    type Value = Vec<EvidenceRecord>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let pairs = db::evidence::linked_to_experiences(&self.0.db, keys).await?;
        group_evidence(&self.0, keys, pairs).await
    }
}

pub struct EvidenceByQualification(AppState);

impl Loader<Uuid> for EvidenceByQualification {
    type Value = Vec<EvidenceRecord>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let pairs = db::evidence::linked_to_qualifications(&self.0.db, keys).await?;
        group_evidence(&self.0, keys, pairs).await
    }
}

async fn group_evidence(
    state: &AppState,
    keys: &[Uuid],
    pairs: Vec<(Uuid, Uuid)>,
) -> Result<HashMap<Uuid, Vec<EvidenceRecord>>, LoadError> {
    let mut ids: Vec<Uuid> = pairs.iter().map(|(_, e)| *e).collect();
    ids.sort();
    ids.dedup();
    let files: HashMap<Uuid, EvidenceRecord> = db::evidence::by_ids(&state.db, &ids)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    let mut out: HashMap<Uuid, Vec<EvidenceRecord>> =
        keys.iter().map(|k| (*k, Vec::new())).collect();
    for (owner, evidence_id) in pairs {
        if let Some(file) = files.get(&evidence_id) {
            out.entry(owner).or_default().push(file.clone());
        }
    }
    for list in out.values_mut() {
        list.sort_by_key(|e| e.id);
    }
    Ok(out)
}

pub struct LinksByEvidence(AppState);

impl Loader<Uuid> for LinksByEvidence {
    type Value = EvidenceLinks;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let mut links = db::evidence::links_of(&self.0.db, keys).await?;
        for key in keys {
            links.entry(*key).or_default();
        }
        Ok(links)
    }
}

pub struct QualificationsByDossier(AppState);

impl Loader<Uuid> for QualificationsByDossier {
    type Value = Vec<QualificationRecord>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let mut out: HashMap<Uuid, Vec<QualificationRecord>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for q in db::experiences::qualifications_of(&self.0.db, keys).await? {
            out.entry(q.dossier_id).or_default().push(q);
        }
        Ok(out)
    }
}

pub struct UsersById(AppState);

impl Loader<Uuid> for UsersById {
    type Value = UserRecord;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        Ok(db::users::by_ids(&self.0.db, keys)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect())
    }
}

/// Rules results of dossiers the caller was already allowed to read.
pub struct AnalysisByDossier(AppState);

impl Loader<Uuid> for AnalysisByDossier {
    type Value = Arc<Analysis>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let dossiers = db::dossiers::by_ids(&self.0.db, keys).await?;
        Ok(analyse(&self.0, &dossiers).await?)
    }
}

/// What the policy needs about dossiers, for field-level checks on many items at once.
pub struct FactsByDossier(AppState);

impl Loader<Uuid> for FactsByDossier {
    type Value = crate::domain::policy::DossierFacts;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        Ok(db::dossiers::facts_many(&self.0.db, keys).await?)
    }
}

/// Audit rows of the download URLs a request issues, written in one statement:
/// keys are (actor, dossier, evidence).
pub struct DownloadAudit(AppState);

impl Loader<(Uuid, Uuid, Uuid)> for DownloadAudit {
    type Value = ();
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[(Uuid, Uuid, Uuid)],
    ) -> Result<HashMap<(Uuid, Uuid, Uuid), ()>, Self::Error> {
        crate::app::evidence::audit_downloads(&self.0, keys).await?;
        Ok(keys.iter().map(|k| (*k, ())).collect())
    }
}

/// Groups `(owner, item)` pairs by owner, every key present.
fn grouped<T>(keys: &[Uuid], pairs: impl IntoIterator<Item = (Uuid, T)>) -> HashMap<Uuid, Vec<T>> {
    let mut out: HashMap<Uuid, Vec<T>> = keys.iter().map(|k| (*k, Vec::new())).collect();
    for (owner, item) in pairs {
        out.entry(owner).or_default().push(item);
    }
    out
}

/// Every experience of each dossier, in creation order; connections page them in memory, so a
/// list of dossiers with their experiences costs one query, not one per dossier.
pub struct ExperiencesByDossier(AppState);

impl Loader<Uuid> for ExperiencesByDossier {
    type Value = Vec<crate::db::records::ExperienceRecord>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = db::experiences::of_dossiers(&self.0.db, keys).await?;
        Ok(grouped(keys, rows.into_iter().map(|e| (e.dossier_id, e))))
    }
}

/// Every file of each dossier, in upload order.
pub struct EvidenceByDossier(AppState);

impl Loader<Uuid> for EvidenceByDossier {
    type Value = Vec<EvidenceRecord>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = db::evidence::of_dossiers(&self.0.db, keys).await?;
        Ok(grouped(keys, rows.into_iter().map(|e| (e.dossier_id, e))))
    }
}

/// Prior validations shown on each dossier; keys are (dossier, candidate).
pub struct PriorValidationsByDossier(AppState);

impl Loader<(Uuid, Uuid)> for PriorValidationsByDossier {
    type Value = Vec<crate::db::records::PriorValidationRecord>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[(Uuid, Uuid)],
    ) -> Result<HashMap<(Uuid, Uuid), Self::Value>, Self::Error> {
        let mut found = db::experiences::prior_validations_for_many(&self.0.db, keys).await?;
        Ok(keys
            .iter()
            .map(|k| (*k, found.remove(&k.0).unwrap_or_default()))
            .collect())
    }
}

pub struct RecommendationsByDossier(AppState);

impl Loader<Uuid> for RecommendationsByDossier {
    type Value = Vec<crate::db::records::RecommendationRecord>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        Ok(grouped(
            keys,
            db::jury::recommendations_of(&self.0.db, keys).await?,
        ))
    }
}

pub struct AssessmentsByDossier(AppState);

impl Loader<Uuid> for AssessmentsByDossier {
    type Value = Vec<crate::db::records::AssessmentRecord>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        Ok(grouped(
            keys,
            db::jury::assessments_of(&self.0.db, keys).await?,
        ))
    }
}

pub struct DecisionByDossier(AppState);

impl Loader<Uuid> for DecisionByDossier {
    type Value = crate::db::records::DecisionRecord;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        Ok(db::jury::decisions_of(&self.0.db, keys)
            .await?
            .into_iter()
            .collect())
    }
}

/// Competence codes of each file: the one link most reads need, in one query.
pub struct CompetencesByEvidence(AppState);

impl Loader<Uuid> for CompetencesByEvidence {
    type Value = Vec<String>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        Ok(grouped(
            keys,
            db::evidence::competences_of(&self.0.db, keys).await?,
        ))
    }
}
