//! Timings of the pure rules engine on the DEIS referential: `cargo bench --bench engine`.
//!
//! Builds a large DEIS profile (500 experiences, 2,000 evidence files each linked to an
//! experience and to competences) and a typical one (5 experiences, 8 files), then calls
//! `coverage`, `eligibility`, `training_admission` and `exemptions` many times, timing each
//! call with `Instant`. Figures are printed, never asserted: they depend on the machine.
//! `ENGINE_BENCH_SECS` sets the time spent per function (default 2 s).

use std::hint::black_box;
use std::time::{Duration, Instant};

use acquis::domain::admission::training_admission;
use acquis::domain::codes::{CompetenceCode, DomainCode, ProgrammeCode, QualificationCode};
use acquis::domain::coverage::coverage;
use acquis::domain::eligibility::eligibility;
use acquis::domain::exemptions::exemptions;
use acquis::domain::experience::{EvidenceKind, ExperienceKind};
use acquis::domain::period::{Period, WorkingTime};
use acquis::domain::profile::{
    Profile, ProfileEvidence, ProfileExperience, ProfilePriorValidation, ProfileQualification,
};
use acquis::domain::programme::{DEIS_JSON, Programme};
use chrono::{Duration as Days, NaiveDate};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

fn main() {
    let programme = Programme::from_json(DEIS_JSON).expect("the embedded DEIS referential");
    let budget = std::env::var("ENGINE_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| *s > 0.0)
        .unwrap_or(2.0);
    let budget = Duration::from_secs_f64(budget);
    println!(
        "engine bench: DEIS {} ({} competences, {} exemption rules), {:?} per function",
        programme.version,
        programme.competences().count(),
        programme.exemption_rules.len(),
        budget
    );
    for (name, experiences, files) in [("large", 500, 2_000), ("typical", 5, 8)] {
        let profile = profile(&programme, experiences, files);
        let links: usize = profile
            .evidence
            .iter()
            .map(|e| {
                e.experience_ids.len()
                    + e.qualification_ids.len()
                    + e.prior_validation_ids.len()
                    + e.competences.len()
            })
            .sum();
        println!(
            "\n{name} profile: {} experiences, {} claims, {} evidence files with {} links, {} qualifications, {} prior validations",
            profile.experiences.len(),
            profile
                .experiences
                .iter()
                .map(|e| e.claims.len())
                .sum::<usize>(),
            profile.evidence.len(),
            links,
            profile.qualifications.len(),
            profile.prior_validations.len(),
        );
        println!(
            "{:<20} {:>9} {:>12} {:>12} {:>12} {:>12}",
            "function", "calls", "median µs", "p99 µs", "mean µs", "calls/s"
        );
        report("coverage", budget, || {
            black_box(coverage(black_box(&programme), black_box(&profile)));
        });
        report("eligibility", budget, || {
            black_box(eligibility(black_box(&programme), black_box(&profile)));
        });
        report("training_admission", budget, || {
            black_box(training_admission(
                black_box(&programme),
                black_box(&profile),
            ));
        });
        report("exemptions", budget, || {
            black_box(exemptions(black_box(&programme), black_box(&profile)));
        });
        report("all four", budget, || {
            black_box(coverage(&programme, black_box(&profile)));
            black_box(eligibility(&programme, black_box(&profile)));
            black_box(training_admission(&programme, black_box(&profile)));
            black_box(exemptions(&programme, black_box(&profile)));
        });
    }
}

/// Calls `f` for about `budget` (after a short warm-up), timing every call.
fn report(name: &str, budget: Duration, mut f: impl FnMut()) {
    let warm_up = Instant::now();
    while warm_up.elapsed() < budget / 10 {
        f();
    }
    let mut samples: Vec<Duration> = Vec::new();
    let started = Instant::now();
    while (started.elapsed() < budget || samples.len() < 20) && samples.len() < 2_000_000 {
        let t = Instant::now();
        f();
        samples.push(t.elapsed());
    }
    samples.sort_unstable();
    let micros = |d: Duration| d.as_secs_f64() * 1e6;
    let quantile = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    let total: Duration = samples.iter().sum();
    let mean = total.as_secs_f64() / samples.len() as f64;
    println!(
        "{:<20} {:>9} {:>12.2} {:>12.2} {:>12.2} {:>12.0}",
        name,
        samples.len(),
        micros(quantile(0.5)),
        micros(quantile(0.99)),
        mean * 1e6,
        1.0 / mean
    );
}

/// A deterministic DEIS profile: a career of overlapping jobs since 2000 claiming the
/// programme's competences, files linked to them, and the qualifications and prior validation
/// that make every kind of exemption rule look at the profile.
fn profile(programme: &Programme, experiences: usize, files: usize) -> Profile {
    let mut rng = StdRng::seed_from_u64(2026);
    let application_date = NaiveDate::from_ymd_opt(2026, 6, 30).expect("a date");
    let first_day = NaiveDate::from_ymd_opt(2000, 1, 1).expect("a date");
    let span = (application_date - first_day).num_days();
    let competences: Vec<CompetenceCode> =
        programme.competences().map(|c| c.code.clone()).collect();
    let kinds = [
        ExperienceKind::Salaried,
        ExperienceKind::Salaried,
        ExperienceKind::Salaried,
        ExperienceKind::Volunteer,
        ExperienceKind::SelfEmployed,
        ExperienceKind::Internship,
        ExperienceKind::ElectedOffice,
    ];
    let experiences: Vec<ProfileExperience> = (0..experiences)
        .map(|i| {
            let start = first_day + Days::days(rng.random_range(0..span));
            let end = (i % 50 != 0)
                .then(|| start + Days::days(rng.random_range(90..1_100)))
                .filter(|end| *end <= application_date);
            let count = rng.random_range(1..=4);
            ProfileExperience {
                id: format!("exp-{i}"),
                label: format!("Expérience {i}"),
                kind: *kinds.choose(&mut rng).expect("kinds"),
                period: Period::parse(start, end, application_date).expect("a valid period"),
                working_time: WorkingTime::parse(*[100, 80, 50, 30].choose(&mut rng).expect("x"))
                    .expect("a working time"),
                claims: competences
                    .choose_multiple(&mut rng, count)
                    .cloned()
                    .collect(),
            }
        })
        .collect();
    let qualification = |id: &str, code: &str, level: u8, year: i32| ProfileQualification {
        id: id.to_owned(),
        code: QualificationCode::parse(code).expect("a qualification code"),
        level: Some(level),
        obtained_on: NaiveDate::from_ymd_opt(year, 6, 30),
    };
    let qualifications = vec![
        qualification("q-deass", "DEASS", 6, 1999),
        qualification("q-caferuis", "CAFERUIS", 6, 2008),
        qualification("q-master", "MASTER", 7, 2012),
    ];
    let prior_validations = vec![ProfilePriorValidation {
        id: "pv-dc2".to_owned(),
        programme_code: ProgrammeCode::parse("DEIS").expect("a programme code"),
        domain_code: DomainCode::parse("DC2").expect("a domain code"),
        validated_on: NaiveDate::from_ymd_opt(2021, 11, 15).expect("a date"),
        verified: false,
    }];
    let mut evidence: Vec<ProfileEvidence> = (0..files)
        .map(|i| {
            let experience = &experiences[i % experiences.len()];
            let count = rng.random_range(1..=2).min(experience.claims.len());
            ProfileEvidence {
                id: format!("ev-{i}"),
                kind: *[
                    EvidenceKind::EmployerCertificate,
                    EvidenceKind::WorkProduct,
                    EvidenceKind::JobDescription,
                    EvidenceKind::Payslip,
                ]
                .choose(&mut rng)
                .expect("kinds"),
                experience_ids: vec![experience.id.clone()],
                qualification_ids: Vec::new(),
                prior_validation_ids: Vec::new(),
                competences: experience
                    .claims
                    .choose_multiple(&mut rng, count)
                    .cloned()
                    .collect(),
            }
        })
        .collect();
    // The proofs of the qualifications and of the prior validation replace the last files.
    let proofs = [
        (EvidenceKind::Diploma, Some("q-caferuis"), None),
        (EvidenceKind::Diploma, Some("q-master"), None),
        (EvidenceKind::JuryDecision, None, Some("pv-dc2")),
    ];
    for (slot, (kind, qualification, prior)) in evidence.iter_mut().rev().zip(proofs) {
        slot.kind = kind;
        slot.experience_ids.clear();
        slot.competences.clear();
        slot.qualification_ids = qualification.map(str::to_owned).into_iter().collect();
        slot.prior_validation_ids = prior.map(str::to_owned).into_iter().collect();
    }
    Profile {
        application_date,
        experiences,
        qualifications,
        prior_validations,
        evidence,
    }
}
