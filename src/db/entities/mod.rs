//! sea-orm entities, one per table. Only `db/` sees them.

pub mod app_user;
pub mod assignment;
pub mod audit_event;
pub mod competence_claim;
pub mod decision_ledger;
pub mod domain_assessment;
pub mod dossier;
pub mod erasure_tombstone;
pub mod evidence;
pub mod evidence_competence;
pub mod evidence_experience;
pub mod evidence_prior_validation;
pub mod evidence_qualification;
pub mod exemption_recommendation;
pub mod experience;
pub mod jury_decision;
pub mod prior_validation;
pub mod programme;
pub mod qualification;
pub mod staged_upload;
