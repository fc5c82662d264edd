//! Plain records handed out by `db/`: what the rest of the service sees of a row.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::domain::dossier_status::DossierStatus;
use crate::domain::experience::{EvidenceKind, ExperienceKind, SelfAssessment};
use crate::domain::policy::Role;

#[derive(Clone, Debug)]
pub struct UserRecord {
    pub id: Uuid,
    pub subject: String,
    pub display_name: Option<String>,
    pub roles: Vec<Role>,
}

#[derive(Clone, Debug)]
pub struct DossierRecord {
    pub id: Uuid,
    pub candidate_id: Uuid,
    pub programme_code: String,
    pub programme_version: String,
    pub status: DossierStatus,
    pub version: i32,
    pub application_date: NaiveDate,
    pub status_comment: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When the path ended (decision, withdrawal, refusal): retention counts from here.
    pub ended_on: Option<NaiveDate>,
    /// Processing restricted (GDPR art. 18) since this day: the dossier is frozen.
    pub restricted_on: Option<NaiveDate>,
    /// Why the dossier is under a legal hold (litigation, appeal); nothing erases it meanwhile.
    pub legal_hold: Option<String>,
}

#[derive(Clone, Debug)]
pub struct ExperienceRecord {
    pub id: Uuid,
    pub dossier_id: Uuid,
    pub title: String,
    pub organisation: String,
    pub kind: ExperienceKind,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub working_time_percent: u8,
    pub description: Option<String>,
}

#[derive(Clone, Debug)]
pub struct ClaimRecord {
    pub experience_id: Uuid,
    pub competence_code: String,
    pub self_assessment: SelfAssessment,
    pub justification: Option<String>,
    pub advisor_agrees: Option<bool>,
    pub advisor_comment: Option<String>,
}

#[derive(Clone, Debug)]
pub struct QualificationRecord {
    pub id: Uuid,
    pub dossier_id: Uuid,
    pub code: String,
    pub title: String,
    pub level: Option<u8>,
    pub obtained_on: Option<NaiveDate>,
    /// Version of the qualification's referential, when known.
    pub version: Option<String>,
}

#[derive(Clone, Debug)]
pub struct PriorValidationRecord {
    pub id: Uuid,
    pub candidate_id: Uuid,
    pub dossier_id: Option<Uuid>,
    pub programme_code: String,
    /// The programme version it was awarded under, when known.
    pub programme_version: Option<String>,
    pub domain_code: String,
    pub validated_on: NaiveDate,
    pub source: String,
    pub verified: bool,
}

#[derive(Clone, Debug)]
pub struct EvidenceRecord {
    pub id: Uuid,
    pub dossier_id: Uuid,
    pub kind: EvidenceKind,
    pub title: String,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
    pub object_key: String,
    pub uploaded_at: DateTime<Utc>,
}

/// What an evidence file is linked to.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EvidenceLinks {
    pub experience_ids: Vec<Uuid>,
    pub qualification_ids: Vec<Uuid>,
    pub prior_validation_ids: Vec<Uuid>,
    pub competence_codes: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct StagedUploadRecord {
    pub id: Uuid,
    pub dossier_id: Uuid,
    pub kind: EvidenceKind,
    pub title: String,
    pub file_name: String,
    pub expected_size: u64,
    pub expected_sha256: String,
    pub object_key: String,
    pub links: EvidenceLinks,
    pub created_by: Uuid,
    pub expires_at: DateTime<Utc>,
    /// Set while a completion holds the upload.
    pub completing_until: Option<DateTime<Utc>>,
}

impl StagedUploadRecord {
    /// Neither completed nor being completed at `now`: bytes may still be sent.
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        self.completing_until.is_none_or(|until| until < now)
    }
}

#[derive(Clone, Debug)]
pub struct RecommendationRecord {
    pub rule_id: String,
    pub recommend: bool,
    pub rationale: String,
    pub advisor_id: Uuid,
}

#[derive(Clone, Debug)]
pub struct AssessmentRecord {
    pub domain_code: String,
    pub validated: bool,
    pub comment: Option<String>,
    pub assessor_id: Uuid,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecisionOutcome {
    Full,
    Partial,
    Refused,
}

impl DecisionOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionOutcome::Full => "FULL",
            DecisionOutcome::Partial => "PARTIAL",
            DecisionOutcome::Refused => "REFUSED",
        }
    }

    pub fn parse(raw: &str) -> Option<DecisionOutcome> {
        [
            DecisionOutcome::Full,
            DecisionOutcome::Partial,
            DecisionOutcome::Refused,
        ]
        .into_iter()
        .find(|o| o.as_str() == raw)
    }
}

#[derive(Clone, Debug)]
pub struct DecisionRecord {
    pub outcome: DecisionOutcome,
    pub validated_domain_codes: Vec<String>,
    pub decided_on: NaiveDate,
    pub comment: Option<String>,
}

#[derive(Clone, Debug)]
pub struct AuditRecord {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub action: String,
    pub dossier_id: Option<Uuid>,
    pub target_id: Option<Uuid>,
    pub detail: Option<String>,
}

/// One domain of one jury decision, as the ledger keeps it after the person is erased.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LedgerRecord {
    pub subject: String,
    pub dossier_id: Uuid,
    pub programme_code: String,
    pub programme_version: String,
    pub domain_code: String,
    pub validated: bool,
    pub decided_on: NaiveDate,
    pub outcome: DecisionOutcome,
}
