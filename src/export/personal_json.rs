//! The records of the personal-data export as JSON (structured, commonly used and
//! machine-readable, GDPR art. 20), and its French read-me with what art. 15 asks to be told:
//! purposes, recipients, retention periods, source and rights.

use std::collections::HashMap;

use serde_json::{Value, json};
use uuid::Uuid;

use crate::app::dossier_contents::DossierContents;
use crate::db::records::{AuditRecord, LedgerRecord, UserRecord};
use crate::domain::retention::RetentionPolicy;

fn bytes(value: &Value) -> anyhow::Result<Vec<u8>> {
    Ok(serde_json::to_vec_pretty(value)?)
}

pub fn profile(user: &UserRecord) -> anyhow::Result<Vec<u8>> {
    bytes(&json!({
        "id": user.id,
        "subject": user.subject,
        "displayName": user.display_name,
        "roles": user.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
    }))
}

pub fn dossier(c: &DossierContents, paths: &HashMap<Uuid, String>) -> anyhow::Result<Vec<u8>> {
    let d = &c.dossier;
    let analysis = &c.analysis;
    bytes(&json!({
        "id": d.id,
        "programme": { "code": d.programme_code, "version": d.programme_version, "title": analysis.programme.title },
        "status": d.status.as_str(),
        "statusComment": d.status_comment,
        "version": d.version,
        "applicationDate": d.application_date,
        "createdAt": d.created_at,
        "updatedAt": d.updated_at,
        "endedOn": d.ended_on,
        "restrictedOn": d.restricted_on,
        "legalHold": d.legal_hold.is_some(),
        "experiences": c.experiences.iter().map(|e| json!({
            "id": e.id,
            "title": e.title,
            "organisation": e.organisation,
            "kind": e.kind.as_str(),
            "startDate": e.start_date,
            "endDate": e.end_date,
            "workingTimePercent": e.working_time_percent,
            "description": e.description,
            "claims": c.claims.get(&e.id).map(|claims| claims.iter().map(|claim| json!({
                "competenceCode": claim.competence_code,
                "selfAssessment": claim.self_assessment.as_str(),
                "justification": claim.justification,
                "advisorAgrees": claim.advisor_agrees,
                "advisorComment": claim.advisor_comment,
            })).collect::<Vec<_>>()).unwrap_or_default(),
        })).collect::<Vec<_>>(),
        "qualifications": c.qualifications.iter().map(|q| json!({
            "id": q.id, "code": q.code, "title": q.title, "level": q.level,
            "obtainedOn": q.obtained_on, "version": q.version,
        })).collect::<Vec<_>>(),
        "priorValidations": c.prior_validations.iter().map(|p| json!({
            "id": p.id, "programmeCode": p.programme_code, "programmeVersion": p.programme_version,
            "domainCode": p.domain_code, "validatedOn": p.validated_on, "source": p.source,
            "verified": p.verified,
        })).collect::<Vec<_>>(),
        "evidence": c.evidence.iter().map(|(e, links)| json!({
            "id": e.id,
            "kind": e.kind.as_str(),
            "title": e.title,
            "fileName": e.file_name,
            "contentType": e.content_type,
            "size": e.size,
            "sha256": e.sha256,
            "uploadedAt": e.uploaded_at,
            "pathInArchive": paths.get(&e.id),
            "experienceIds": links.experience_ids,
            "qualificationIds": links.qualification_ids,
            "priorValidationIds": links.prior_validation_ids,
            "competenceCodes": links.competence_codes,
        })).collect::<Vec<_>>(),
        "analysis": {
            "eligibility": analysis.eligibility,
            "coverage": analysis.coverage,
            "exemptions": analysis.exemptions.flags,
        },
        "exemptionRecommendations": c.recommendations.iter().map(|r| json!({
            "ruleId": r.rule_id, "recommend": r.recommend, "rationale": r.rationale, "advisorId": r.advisor_id,
        })).collect::<Vec<_>>(),
        "domainAssessments": c.assessments.iter().map(|a| json!({
            "domainCode": a.domain_code, "validated": a.validated, "comment": a.comment, "assessorId": a.assessor_id,
        })).collect::<Vec<_>>(),
        "decision": c.decision.as_ref().map(|d| json!({
            "outcome": d.outcome.as_str(), "validatedDomainCodes": d.validated_domain_codes,
            "decidedOn": d.decided_on, "comment": d.comment,
        })),
        "recipients": c.assignments.iter().map(|(role, id)| json!({ "role": role, "userId": id })).collect::<Vec<_>>(),
    }))
}

pub fn audit_events(events: &[AuditRecord]) -> anyhow::Result<Vec<u8>> {
    bytes(&Value::Array(
        events
            .iter()
            .map(|e| {
                json!({
                    "id": e.id, "at": e.at, "actorId": e.actor_id, "action": e.action,
                    "dossierId": e.dossier_id, "targetId": e.target_id, "detail": e.detail,
                })
            })
            .collect(),
    ))
}

pub fn ledger(rows: &[LedgerRecord]) -> anyhow::Result<Vec<u8>> {
    bytes(&Value::Array(
        rows.iter()
            .map(|r| {
                json!({
                    "dossierId": r.dossier_id, "programmeCode": r.programme_code,
                    "programmeVersion": r.programme_version, "domainCode": r.domain_code,
                    "validated": r.validated, "decidedOn": r.decided_on, "outcome": r.outcome.as_str(),
                })
            })
            .collect(),
    ))
}

pub fn readme(retention: &RetentionPolicy) -> String {
    format!(
        "Vos données personnelles dans Acquis\n\
         ====================================\n\n\
         Cette archive contient tout ce que le service conserve à votre sujet :\n\
         - profile.json : votre compte (identifiant, nom affiché, rôles) ;\n\
         - dossiers/<id>/dossier.json : chaque dossier de VAE, avec vos expériences, diplômes,\n\
           validations antérieures, compétences revendiquées, l'analyse des règles (recevabilité,\n\
           couverture, dispenses et allègements), les avis de l'accompagnateur et du jury ;\n\
         - dossiers/<id>/evidence/ : vos pièces justificatives, telles que vous les avez déposées ;\n\
         - audit-events.json : le journal des actions qui vous concernent, y compris chaque\n\
           consultation de vos pièces (qui, quand) ;\n\
         - decision-ledger.json : le registre des décisions de jury, domaine par domaine ;\n\
         - manifest.json : la liste des fichiers de l'archive avec leur empreinte SHA-256.\n\n\
         Finalités : instruire votre demande de validation des acquis de l'expérience\n\
         (recevabilité, accompagnement, évaluation par le jury, décision).\n\
         Destinataires : les accompagnateurs et membres du jury affectés à votre dossier (listés\n\
         dans « recipients » de chaque dossier) et les administrateurs du certificateur.\n\
         Source : les données que vous avez saisies et déposées, et les avis et décisions\n\
         enregistrés par les personnes ci-dessus.\n\
         Durées de conservation : {} mois après la fin du parcours (décision, retrait ou refus)\n\
         pour un dossier, {} mois après sa dernière modification pour un dossier jamais déposé\n\
         (article R. 6411-6 du code du travail) ; {} mois pour le journal des actions. Le registre\n\
         des décisions est conservé sous pseudonyme, la validation d'un domaine étant acquise\n\
         définitivement.\n\
         Vos droits : accès et portabilité (cette archive), rectification, effacement (sauf\n\
         obligation légale ou contentieux en cours), limitation du traitement ; adressez-vous au\n\
         certificateur, ou à la CNIL (www.cnil.fr) pour une réclamation.\n",
        retention.after_end_months, retention.draft_months, retention.audit_months
    )
}
