//! Unit tests of the generator: who is assigned to whom, that a candidate is the same on
//! every run, the order dossiers go in, that the rows keep the service's rules and that the
//! files pass the upload sniffer. They call the private generation functions directly, without
//! a database, so they live beside them rather than in `tests/it`.

use std::sync::Arc;

use chrono::NaiveDate;
use uuid::Uuid;

use super::generate::generate;
use super::random::creation_order;
use super::{SeedOptions, Staff, staff_subject};
use crate::domain::dossier_status::DossierStatus;
use crate::domain::programme::Programme;

fn staff() -> Staff {
    Staff {
        advisors: vec![Uuid::from_u128(1), Uuid::from_u128(11)],
        jury: vec![Uuid::from_u128(2)],
        admin: Uuid::from_u128(3),
    }
}

fn options() -> SeedOptions {
    SeedOptions {
        dossiers: 10,
        experiences: 5,
        files: 3,
        seed: 7,
        batch: 100,
        as_of: NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
    }
}

fn deis() -> Arc<Programme> {
    Arc::new(Programme::from_json(crate::domain::programme::DEIS_JSON).unwrap())
}

#[test]
fn each_advisor_follows_two_hundred_dossiers_and_only_ready_ones_have_a_jury_member() {
    assert_eq!(
        generate(200, &options(), &deis(), &staff()).advisor,
        Uuid::from_u128(1)
    );
    assert_eq!(
        generate(201, &options(), &deis(), &staff()).advisor,
        Uuid::from_u128(11)
    );
    for n in 1..=60 {
        let c = generate(n, &options(), &deis(), &staff());
        let ready = c.dossier.status == DossierStatus::ReadyForJury;
        assert_eq!(c.jury_member.is_some(), ready, "candidate {n}");
        let assigned = c
            .audit
            .iter()
            .filter(|e| e.action == "dossier.jury_member_assigned")
            .count();
        assert_eq!(assigned, usize::from(ready), "candidate {n}");
    }
    assert_eq!(staff_subject("seed-jury", 0), "seed-jury");
    assert_eq!(staff_subject("seed-jury", 2), "seed-jury-3");
}

#[test]
fn a_candidate_is_the_same_on_every_run() {
    let (a, b) = (
        generate(3, &options(), &deis(), &staff()),
        generate(3, &options(), &deis(), &staff()),
    );
    assert_eq!(a.dossier.id, b.dossier.id);
    assert_eq!(a.experiences[2].description, b.experiences[2].description);
    assert_eq!(a.files[0].bytes, b.files[0].bytes);
    assert_ne!(
        a.dossier.id,
        generate(4, &options(), &deis(), &staff()).dossier.id
    );
}

#[test]
fn candidates_go_in_in_the_order_they_created_their_dossier() {
    let order = creation_order(&options());
    let mut numbers = order.clone();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=10).collect::<Vec<u64>>());
    let created: Vec<_> = order
        .iter()
        .map(|&n| {
            generate(n, &options(), &deis(), &staff())
                .dossier
                .created_at
        })
        .collect();
    assert!(created.windows(2).all(|w| w[0] <= w[1]), "{created:?}");
}

#[test]
fn generated_rows_respect_the_service_rules() {
    let programme = deis();
    for n in 1..=200 {
        let c = generate(n, &options(), &programme, &staff());
        assert_eq!(c.experiences.len(), 5);
        assert_eq!(c.files.len(), 3);
        assert!(c.dossier.application_date <= options().as_of);
        for e in &c.experiences {
            assert!(e.end_date.is_none_or(|end| e.start_date <= end));
            assert!(
                e.end_date
                    .is_none_or(|end| end <= c.dossier.application_date)
            );
            assert!((1..=100).contains(&e.working_time_percent));
        }
        for (claim, _) in &c.claims {
            let code = crate::domain::codes::CompetenceCode::parse(&claim.competence_code).unwrap();
            assert!(programme.competence(&code).is_some());
        }
        let mut ids: Vec<Uuid> = c.audit.iter().map(|a| a.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), c.audit.len());
    }
}

#[test]
fn generated_files_are_pdfs_the_sniffer_accepts() {
    let c = generate(1, &options(), &deis(), &staff());
    for file in &c.files {
        let kind = crate::domain::evidence_file::sniff(&file.bytes, &file.file_name).unwrap();
        assert_eq!(kind.mime(), "application/pdf");
        assert!(file.bytes.ends_with(b"%%EOF\n"));
    }
}
