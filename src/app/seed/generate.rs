//! One candidate's whole dossier as a pure function of the options and the candidate's
//! number: the user, the dossier and its status, the career, the claims, the qualification,
//! the planned files and the audit trail those actions would have left. Apart from the
//! writing so that it can be tested without a database and run while another batch is
//! written; its draws happen in one fixed order, which is what keeps runs identical.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use uuid::Uuid;

use super::files::plan_file;
use super::prose::{description, justification, organisation};
use super::random::{Clock, effective_as_of, id_at, opening, pick, rng_for, weighted};
use super::vocabulary::{
    ADMISSIBILITY_COMMENTS, ADVISOR_COMMENTS, ASSOCIATIONS, ELECTED_TITLES, FIRST_NAMES,
    INTERNSHIP_TITLES, JOB_TITLES, LAST_NAMES, QUALIFICATIONS, TOWNS, VOLUNTEER_TITLES,
};
use super::{Candidate, PlannedFile, SeedOptions, Staff, subject};
use crate::db::records::{
    AuditRecord, ClaimRecord, DossierRecord, ExperienceRecord, QualificationRecord, UserRecord,
};
use crate::domain::dossier_status::DossierStatus;
use crate::domain::experience::{ExperienceKind, SelfAssessment};
use crate::domain::policy::Role;
use crate::domain::programme::Programme;

pub(super) fn generate(
    n: u64,
    options: &SeedOptions,
    programme: &Arc<Programme>,
    staff: &Staff,
) -> Candidate {
    let mut rng = rng_for(options.seed, n);
    let advisor = staff.advisor(n);
    let as_of = effective_as_of(options);
    let limit = as_of
        .and_time(NaiveTime::from_hms_opt(23, 59, 0).unwrap_or(NaiveTime::MIN))
        .and_utc()
        .min(Utc::now());
    let (application_date, created_at) = opening(&mut rng, as_of);
    let mut clock = Clock {
        now: created_at.min(limit),
        limit,
    };

    let first_name = pick(&mut rng, FIRST_NAMES);
    let last_name = pick(&mut rng, LAST_NAMES);
    let user = UserRecord {
        id: id_at(&mut rng, clock.now),
        subject: subject(n),
        display_name: Some(format!("{first_name} {last_name}")),
        roles: vec![Role::Candidate],
    };
    let dossier_id = id_at(&mut rng, clock.now);
    let status = weighted(
        &mut rng,
        &[
            (DossierStatus::Draft, 40),
            (DossierStatus::Submitted, 25),
            (DossierStatus::Admissible, 20),
            (DossierStatus::ReadyForJury, 15),
        ],
    );
    let mut audit = Vec::new();
    let mut event =
        |rng: &mut StdRng, at: DateTime<Utc>, actor: Uuid, action: &str, target: Option<Uuid>| {
            audit.push(AuditRecord {
                id: id_at(rng, at),
                at,
                actor_id: Some(actor),
                action: action.to_owned(),
                dossier_id: Some(dossier_id),
                target_id: target,
                detail: None,
            });
        };
    event(&mut rng, clock.now, user.id, "dossier.created", None);
    let mut version = 1;

    // The career, most recent first, counted back from the application date.
    let competences: Vec<String> = programme
        .competences()
        .map(|c| c.code.as_str().to_owned())
        .collect();
    let mut experiences = Vec::new();
    let mut claims = Vec::new();
    let mut cursor = application_date - Duration::days(rng.random_range(0..=240));
    let mut ongoing_allowed = rng.random_bool(0.4);
    let reviewed = status == DossierStatus::ReadyForJury;
    for index in 0..options.experiences.max(1) {
        let kind = if index == 0 {
            ExperienceKind::Salaried
        } else {
            weighted(
                &mut rng,
                &[
                    (ExperienceKind::Salaried, 75),
                    (ExperienceKind::Volunteer, 12),
                    (ExperienceKind::SelfEmployed, 5),
                    (ExperienceKind::ElectedOffice, 4),
                    (ExperienceKind::Internship, 4),
                ],
            )
        };
        let side_activity = matches!(
            kind,
            ExperienceKind::Volunteer | ExperienceKind::ElectedOffice
        );
        let months = match kind {
            ExperienceKind::Internship => rng.random_range(2..=10),
            _ => rng.random_range(8..=72),
        };
        let end = if ongoing_allowed && !side_activity {
            ongoing_allowed = false;
            None
        } else {
            Some(cursor)
        };
        let last_day = end.unwrap_or(application_date);
        let start = (last_day - Duration::days(months * 30 + rng.random_range(0..30)))
            .max(NaiveDate::from_ymd_opt(1985, 1, 1).unwrap_or(last_day))
            .min(last_day);
        if !side_activity {
            // The next (older) job ends shortly before this one starts.
            cursor = start - Duration::days(rng.random_range(0..=120));
        }
        let working_time_percent = match kind {
            ExperienceKind::Volunteer | ExperienceKind::ElectedOffice => {
                *[10u8, 15, 20, 25, 30].choose(&mut rng).unwrap_or(&20)
            }
            _ => weighted(
                &mut rng,
                &[(100u8, 60), (80, 20), (90, 8), (60, 6), (50, 6)],
            ),
        };
        let (title, organisation) = match kind {
            ExperienceKind::Volunteer => (
                pick(&mut rng, VOLUNTEER_TITLES).to_owned(),
                pick(&mut rng, ASSOCIATIONS).to_owned(),
            ),
            ExperienceKind::ElectedOffice => (
                pick(&mut rng, ELECTED_TITLES).to_owned(),
                format!("Commune de {}", pick(&mut rng, TOWNS)),
            ),
            ExperienceKind::Internship => (
                pick(&mut rng, INTERNSHIP_TITLES).to_owned(),
                organisation(&mut rng),
            ),
            _ => (
                pick(&mut rng, JOB_TITLES).to_owned(),
                organisation(&mut rng),
            ),
        };
        let description = description(&mut rng, if side_activity { 2 } else { 3 });
        let experience = ExperienceRecord {
            id: id_at(&mut rng, clock.now),
            dossier_id,
            title,
            organisation,
            kind,
            start_date: start,
            end_date: end,
            working_time_percent,
            description: Some(description),
        };
        let added = clock.after(&mut rng, 5, 240);
        event(
            &mut rng,
            added,
            user.id,
            "experience.added",
            Some(experience.id),
        );
        version += 1;

        let count = if side_activity {
            rng.random_range(1..=2)
        } else {
            rng.random_range(2..=4)
        };
        let mut codes: Vec<&String> = competences.choose_multiple(&mut rng, count).collect();
        codes.sort();
        for code in codes {
            let self_assessment = weighted(
                &mut rng,
                &[
                    (SelfAssessment::Acquired, 55),
                    (SelfAssessment::Partial, 35),
                    (SelfAssessment::NotYet, 10),
                ],
            );
            let (advisor_agrees, advisor_comment, reviewer) = if reviewed {
                let agrees = rng.random_bool(0.85);
                let comment = (!agrees || rng.random_bool(0.2))
                    .then(|| pick(&mut rng, ADVISOR_COMMENTS).to_owned());
                (Some(agrees), comment, Some(advisor))
            } else {
                (None, None, None)
            };
            claims.push((
                ClaimRecord {
                    experience_id: experience.id,
                    competence_code: code.clone(),
                    self_assessment,
                    justification: Some(justification(&mut rng, code, &experience)),
                    advisor_agrees,
                    advisor_comment,
                },
                reviewer,
            ));
        }
        let claimed = clock.after(&mut rng, 1, 30);
        event(
            &mut rng,
            claimed,
            user.id,
            "experience.claims_replaced",
            Some(experience.id),
        );
        version += 1;
        experiences.push(experience);
    }

    // A qualification, most often earned before the career, sometimes along the way.
    let &(code, title, level, _) = QUALIFICATIONS
        .choose_weighted(&mut rng, |q| q.3)
        .unwrap_or(&QUALIFICATIONS[0]);
    let career_start = experiences
        .iter()
        .map(|e| e.start_date)
        .min()
        .unwrap_or(application_date);
    let obtained_on = if rng.random_bool(0.75) {
        career_start - Duration::days(rng.random_range(0..=400))
    } else {
        let span = (application_date - career_start).num_days().max(1);
        career_start + Duration::days(rng.random_range(0..span))
    };
    let qualification = QualificationRecord {
        id: id_at(&mut rng, clock.now),
        dossier_id,
        code: code.to_owned(),
        title: title.to_owned(),
        level: Some(level),
        obtained_on: Some(obtained_on),
        version: None,
    };
    let added = clock.after(&mut rng, 2, 60);
    event(
        &mut rng,
        added,
        user.id,
        "qualification.added",
        Some(qualification.id),
    );
    version += 1;

    // Files: certificates of the jobs, the diploma, written work.
    let mut files = Vec::new();
    for index in 0..options.files {
        let uploaded_at = clock.after(&mut rng, 3, 24 * 60);
        let id = id_at(&mut rng, uploaded_at);
        let plan = plan_file(
            &mut rng,
            index,
            &experiences,
            &claims,
            &qualification,
            user.display_name.as_deref().unwrap_or_default(),
            uploaded_at,
        );
        event(
            &mut rng,
            uploaded_at,
            user.id,
            "evidence.uploaded",
            Some(id),
        );
        version += 1;
        files.push(PlannedFile {
            id,
            uploaded_at,
            ..plan
        });
    }

    // The admin assigns the advisor, and the jury member once the dossier is ready.
    let assigned = clock.after(&mut rng, 60, 3 * 24 * 60);
    event(
        &mut rng,
        assigned,
        staff.admin,
        "dossier.advisor_assigned",
        Some(advisor),
    );
    version += 1;

    let mut status_comment = None;
    if status != DossierStatus::Draft {
        let at = clock.after(&mut rng, 24 * 60, 20 * 24 * 60);
        event(&mut rng, at, user.id, "dossier.submitted", None);
        version += 1;
    }
    if matches!(
        status,
        DossierStatus::Admissible | DossierStatus::ReadyForJury
    ) {
        let at = clock.after(&mut rng, 5 * 24 * 60, 40 * 24 * 60);
        event(
            &mut rng,
            at,
            staff.admin,
            "dossier.declared_admissible",
            None,
        );
        status_comment = Some(pick(&mut rng, ADMISSIBILITY_COMMENTS).to_owned());
        version += 1;
    }
    if status == DossierStatus::ReadyForJury {
        for (claim, _) in &claims {
            let at = clock.after(&mut rng, 1, 120);
            event(
                &mut rng,
                at,
                advisor,
                "claim.reviewed",
                Some(claim.experience_id),
            );
            version += 1;
        }
        let at = clock.after(&mut rng, 10 * 24 * 60, 60 * 24 * 60);
        event(&mut rng, at, advisor, "dossier.ready_for_jury", None);
        version += 1;
        let assigned = clock.after(&mut rng, 60, 3 * 24 * 60);
        event(
            &mut rng,
            assigned,
            staff.admin,
            "dossier.jury_member_assigned",
            Some(staff.jury_member(n)),
        );
        version += 1;
    }

    let dossier = DossierRecord {
        id: dossier_id,
        candidate_id: user.id,
        programme_code: programme.code.as_str().to_owned(),
        programme_version: programme.version.clone(),
        status,
        version,
        application_date,
        status_comment,
        created_at,
        updated_at: clock.now,
        ended_on: status.is_final().then(|| clock.now.date_naive()),
        restricted_on: None,
        legal_hold: None,
    };
    let jury_member = (status == DossierStatus::ReadyForJury).then(|| staff.jury_member(n));
    Candidate {
        user,
        dossier,
        advisor,
        jury_member,
        experiences,
        claims,
        qualification,
        files,
        audit,
    }
}
