//! `summary.pdf` of a jury bundle, in French: the order of France VAE's feasibility file and of
//! the livret 2 (facts §3.3): programme and version, eligibility, career, domain by domain the
//! competences with their claims and evidence, the evidence index with SHA-256, exemptions
//! with their legal references and the advisor's recommendation, assessments and decision.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::pdf_layout::{Layout, Style};
use crate::app::dossier_contents::DossierContents;
use crate::db::records::DecisionOutcome;
use crate::domain::coverage::CoverageStatus;
use crate::domain::dossier_status::DossierStatus;
use crate::domain::exemptions::ExemptionStatus;
use crate::domain::experience::{EvidenceKind, ExperienceKind, SelfAssessment};
use crate::domain::period::shown_fte_months;
use crate::domain::programme::ExemptionKind;

/// What the summary says about the bundle it is part of.
pub struct BundleFacts<'a> {
    pub bundle_id: Uuid,
    pub generated_at: DateTime<Utc>,
    /// Path of each evidence file inside the zip.
    pub paths: &'a HashMap<Uuid, String>,
}

pub fn render(c: &DossierContents, bundle: &BundleFacts<'_>) -> anyhow::Result<Vec<u8>> {
    let programme = &c.analysis.programme;
    let mut doc = Layout::new(&format!("Acquis — dossier {}", c.dossier.id));
    doc.title("Dossier de validation des acquis de l'expérience");
    doc.paragraph(
        &format!("{} ({})", programme.title, programme.code.as_str()),
        Style::Subheading,
    );
    let candidate = c
        .candidate
        .as_ref()
        .and_then(|u| u.display_name.clone())
        .unwrap_or_else(|| "(nom non communiqué)".to_owned());
    doc.field("Candidat", &candidate);
    doc.field("Certification visée", &programme.title);
    doc.field(
        "RNCP",
        programme.rncp_code.as_deref().unwrap_or("non renseigné"),
    );
    doc.field("Version du référentiel", &programme.version);
    doc.field("Dossier", &c.dossier.id.to_string());
    doc.field("État", status_label(c.dossier.status));
    doc.field("Date de la demande", &day(c.dossier.application_date));
    doc.field(
        "Bundle",
        &format!(
            "{} — généré le {} UTC",
            bundle.bundle_id,
            bundle.generated_at.format("%d/%m/%Y %H:%M")
        ),
    );
    doc.note("Chaque pièce jointe figure dans le dossier evidence/ du zip ; son empreinte SHA-256 est indiquée ci-dessous et dans manifest.json.");

    eligibility(&mut doc, c);
    career(&mut doc, c);
    qualifications(&mut doc, c);
    domains(&mut doc, c);
    evidence_index(&mut doc, c, bundle);
    exemptions(&mut doc, c);
    jury(&mut doc, c);

    doc.finish(
        &format!("Dossier de validation — {}", programme.title),
        bundle.generated_at,
    )
}

fn eligibility(doc: &mut Layout, c: &DossierContents) {
    let e = &c.analysis.eligibility;
    doc.heading("Recevabilité");
    doc.field(
        "Verdict des règles",
        if e.admissible {
            "recevable"
        } else {
            "non recevable"
        },
    );
    doc.field(
        "Expérience retenue",
        &format!(
            "{} mois en équivalent temps plein (requis : {})",
            months(e.relevant_fte_months),
            months(e.required_fte_months)
        ),
    );
    if !e.regime_id.is_empty() {
        doc.field("Régime appliqué", &e.regime_id);
    }
    if let Some(comment) = &c.dossier.status_comment {
        doc.field("Décision de recevabilité", comment);
    }
    for reason in &e.reasons {
        doc.bullet(reason);
    }
    if e.needs_review {
        doc.paragraph("À confirmer par une personne :", Style::Strong);
        for note in &e.review_notes {
            doc.bullet(note);
        }
    }
}

fn career(doc: &mut Layout, c: &DossierContents) {
    doc.heading("Parcours professionnel");
    if c.experiences.is_empty() {
        doc.paragraph("Aucune expérience déclarée.", Style::Body);
        return;
    }
    let until = c.dossier.application_date;
    let rows: Vec<Vec<String>> = c
        .experiences
        .iter()
        .map(|e| {
            vec![
                format!("{} — {}", e.title, e.organisation),
                kind_label(e.kind).to_owned(),
                format!(
                    "{} → {}",
                    day(e.start_date),
                    e.end_date.map_or_else(|| "en cours".to_owned(), day)
                ),
                format!("{} %", e.working_time_percent),
                months(shown_fte_months(
                    e.start_date,
                    e.end_date,
                    e.working_time_percent,
                    until,
                )),
            ]
        })
        .collect();
    doc.table(
        &[0.40, 0.14, 0.23, 0.10, 0.13],
        &["Expérience", "Nature", "Période", "Temps", "Mois ETP"],
        &rows,
    );
    doc.note("Mois ETP : mois en équivalent temps plein jusqu'à la date de la demande (un mois = 365,25 / 12 jours à temps plein).");
    for e in c.experiences.iter().filter(|e| e.description.is_some()) {
        doc.subheading(&e.title);
        doc.paragraph(e.description.as_deref().unwrap_or_default(), Style::Body);
    }
}

fn qualifications(doc: &mut Layout, c: &DossierContents) {
    if c.qualifications.is_empty() && c.prior_validations.is_empty() {
        return;
    }
    doc.heading("Diplômes et validations antérieures");
    for q in &c.qualifications {
        let mut line = format!("{} ({})", q.title, q.code);
        if let Some(level) = q.level {
            line.push_str(&format!(", niveau {level}"));
        }
        if let Some(on) = q.obtained_on {
            line.push_str(&format!(", obtenu le {}", day(on)));
        }
        if let Some(version) = &q.version {
            line.push_str(&format!(", référentiel {version}"));
        }
        doc.bullet(&line);
    }
    for p in &c.prior_validations {
        doc.bullet(&format!(
            "Domaine {} du {} validé le {} ({}{})",
            p.domain_code,
            p.programme_code,
            day(p.validated_on),
            p.source,
            if p.verified {
                ", vérifié"
            } else {
                ", déclaré"
            }
        ));
    }
}

fn domains(doc: &mut Layout, c: &DossierContents) {
    let programme = &c.analysis.programme;
    doc.heading("Compétences, domaine par domaine");
    let experience_titles: HashMap<Uuid, &str> = c
        .experiences
        .iter()
        .map(|e| (e.id, e.title.as_str()))
        .collect();
    for coverage in &c.analysis.coverage {
        let Some(domain) = programme
            .domains
            .iter()
            .find(|d| d.code == coverage.domain_code)
        else {
            continue;
        };
        doc.subheading(&format!("{} — {}", domain.code.as_str(), domain.title));
        doc.note(&format!(
            "{} mois ETP d'expérience revendiquent ce domaine",
            months(coverage.fte_months)
        ));
        let rows: Vec<Vec<String>> = coverage
            .competences
            .iter()
            .map(|cc| {
                let title = domain
                    .competences
                    .iter()
                    .find(|k| k.code == cc.competence_code)
                    .map_or("", |k| k.title.as_str());
                let claims: Vec<String> = c
                    .claims
                    .iter()
                    .flat_map(|(experience_id, claims)| {
                        claims
                            .iter()
                            .filter(|claim| claim.competence_code == cc.competence_code.as_str())
                            .map(move |claim| (experience_id, claim))
                    })
                    .map(|(experience_id, claim)| {
                        let review = match claim.advisor_agrees {
                            Some(true) => "accompagnateur : d'accord",
                            Some(false) => "accompagnateur : réservé",
                            None => "non revu",
                        };
                        let mut line = format!(
                            "{} ({} ; {review})",
                            experience_titles.get(experience_id).copied().unwrap_or("?"),
                            self_assessment_label(claim.self_assessment),
                        );
                        if let Some(comment) = &claim.advisor_comment {
                            line.push_str(&format!(" « {comment} »"));
                        }
                        line
                    })
                    .collect();
                vec![
                    format!("{} {}", cc.competence_code.as_str(), title),
                    coverage_label(cc.status).to_owned(),
                    if claims.is_empty() {
                        "—".to_owned()
                    } else {
                        claims.join("\n")
                    },
                    cc.evidence_count.to_string(),
                ]
            })
            .collect();
        doc.table(
            &[0.36, 0.14, 0.40, 0.10],
            &[
                "Compétence",
                "Couverture",
                "Expériences (auto-évaluation ; revue)",
                "Pièces",
            ],
            &rows,
        );
        for claims in c.claims.values() {
            for claim in claims.iter().filter(|claim| {
                claim.justification.is_some()
                    && domain
                        .competences
                        .iter()
                        .any(|k| k.code.as_str() == claim.competence_code)
            }) {
                doc.paragraph(
                    &format!(
                        "{} — {}",
                        claim.competence_code,
                        claim.justification.as_deref().unwrap_or_default()
                    ),
                    Style::Small,
                );
            }
        }
    }
}

fn evidence_index(doc: &mut Layout, c: &DossierContents, bundle: &BundleFacts<'_>) {
    doc.heading("Pièces justificatives");
    if c.evidence.is_empty() {
        doc.paragraph("Aucune pièce déposée.", Style::Body);
        return;
    }
    for (evidence, links) in &c.evidence {
        doc.subheading(&evidence.title);
        doc.field("Fichier", &evidence.file_name);
        doc.field(
            "Dans le zip",
            bundle.paths.get(&evidence.id).map_or("—", String::as_str),
        );
        doc.field(
            "Nature",
            &format!(
                "{} — {} — {} octets",
                evidence_kind_label(evidence.kind),
                evidence.content_type,
                evidence.size
            ),
        );
        doc.field_in("SHA-256", &evidence.sha256, Style::Small);
        if !links.competence_codes.is_empty() {
            doc.field("Compétences", &links.competence_codes.join(", "));
        }
    }
}

fn exemptions(doc: &mut Layout, c: &DossierContents) {
    let programme = &c.analysis.programme;
    let report = &c.analysis.exemptions;
    doc.heading("Dispenses et allègements");
    if report.flags.is_empty() {
        doc.paragraph(
            "Le profil ne justifie aucune dispense ni aucun allègement.",
            Style::Body,
        );
        return;
    }
    for flag in &report.flags {
        let rule = programme
            .exemption_rules
            .iter()
            .find(|r| r.id == flag.rule_id);
        let kind = rule.map_or("", |r| match r.kind {
            ExemptionKind::Dispense => "Dispense",
            ExemptionKind::Allegement => "Allègement",
        });
        let domain = rule.map_or("", |r| r.domain_code.as_str());
        doc.subheading(&format!("{kind} — domaine {domain} ({})", flag.rule_id));
        doc.field("État", exemption_status_label(flag.status));
        doc.field("Motif", &flag.explanation);
        if let Some(rule) = rule {
            doc.field("Référence", &rule.legal_reference);
            doc.field("Condition", &rule.condition_text);
        }
        doc.field(
            "Heures réduites",
            &if flag.min_hours_reduced == flag.max_hours_reduced {
                format!("{} h", flag.max_hours_reduced)
            } else {
                format!("{} à {} h", flag.min_hours_reduced, flag.max_hours_reduced)
            },
        );
        if !flag.missing_evidence.is_empty() {
            doc.field("Pièces manquantes", &flag.missing_evidence.join(" ; "));
        }
        match c.recommendations.iter().find(|r| r.rule_id == flag.rule_id) {
            Some(r) => doc.field(
                "Avis de l'accompagnateur",
                &format!(
                    "{} — {}",
                    if r.recommend {
                        "recommandée"
                    } else {
                        "non recommandée"
                    },
                    r.rationale
                ),
            ),
            None => doc.field("Avis de l'accompagnateur", "aucun"),
        }
    }
}

fn jury(doc: &mut Layout, c: &DossierContents) {
    doc.heading("Évaluation et décision du jury");
    if c.assessments.is_empty() && c.decision.is_none() {
        doc.paragraph("Le jury ne s'est pas encore prononcé.", Style::Body);
        return;
    }
    for a in &c.assessments {
        let mut line = format!(
            "Domaine {} : {}",
            a.domain_code,
            if a.validated {
                "validé"
            } else {
                "non validé"
            }
        );
        if let Some(comment) = &a.comment {
            line.push_str(&format!(" — {comment}"));
        }
        doc.bullet(&line);
    }
    if let Some(d) = &c.decision {
        doc.field(
            "Décision",
            match d.outcome {
                DecisionOutcome::Full => "validation totale",
                DecisionOutcome::Partial => "validation partielle",
                DecisionOutcome::Refused => "refus de validation",
            },
        );
        doc.field("Date", &day(d.decided_on));
        doc.field(
            "Domaines validés",
            &if d.validated_domain_codes.is_empty() {
                "aucun".to_owned()
            } else {
                d.validated_domain_codes.join(", ")
            },
        );
        if let Some(comment) = &d.comment {
            doc.field("Motivation", comment);
        }
    }
}

fn day(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// French decimal comma, one decimal as everywhere else.
fn months(m: f64) -> String {
    format!("{m:.1}").replace('.', ",")
}

fn status_label(s: DossierStatus) -> &'static str {
    match s {
        DossierStatus::Draft => "brouillon",
        DossierStatus::Submitted => "déposé",
        DossierStatus::Admissible => "recevable",
        DossierStatus::NotAdmissible => "non recevable",
        DossierStatus::ReadyForJury => "transmis au jury",
        DossierStatus::Decided => "décision rendue",
        DossierStatus::Withdrawn => "retiré",
    }
}

fn kind_label(k: ExperienceKind) -> &'static str {
    match k {
        ExperienceKind::Salaried => "salariée",
        ExperienceKind::SelfEmployed => "non salariée",
        ExperienceKind::Volunteer => "bénévole",
        ExperienceKind::Internship => "stage",
        ExperienceKind::ElectedOffice => "mandat électif",
        ExperienceKind::Other => "autre",
    }
}

fn self_assessment_label(s: SelfAssessment) -> &'static str {
    match s {
        SelfAssessment::Acquired => "acquise",
        SelfAssessment::Partial => "en partie",
        SelfAssessment::NotYet => "pas encore",
    }
}

fn coverage_label(s: CoverageStatus) -> &'static str {
    match s {
        CoverageStatus::Evidenced => "prouvée",
        CoverageStatus::ClaimedOnly => "déclarée",
        CoverageStatus::Missing => "absente",
    }
}

fn exemption_status_label(s: ExemptionStatus) -> &'static str {
    match s {
        ExemptionStatus::Justified => "justifiée (condition remplie, pièce jointe)",
        ExemptionStatus::Unproven => "à prouver (pièce manquante)",
        ExemptionStatus::NeedsReview => "à examiner par une personne",
    }
}

fn evidence_kind_label(k: EvidenceKind) -> &'static str {
    match k {
        EvidenceKind::EmployerCertificate => "attestation employeur",
        EvidenceKind::Payslip => "bulletin de salaire",
        EvidenceKind::JobDescription => "fiche de poste",
        EvidenceKind::WorkProduct => "production professionnelle",
        EvidenceKind::Diploma => "diplôme",
        EvidenceKind::TrainingCertificate => "attestation de formation",
        EvidenceKind::VolunteerCertificate => "attestation de bénévolat",
        EvidenceKind::JuryDecision => "relevé de décisions",
        EvidenceKind::Other => "autre",
    }
}
