//! `acquis seed`: realistic, deterministic DEIS dossiers for benchmarks and demonstrations.
//!
//! Candidate `seed-candidate-<n>` gets one DEIS dossier whose whole content (ids included)
//! depends only on the options and `n`: its own pseudo-random generator is seeded from both,
//! and dates are counted back from `as_of`, not from the clock. Candidates already present
//! are skipped, so a larger run extends a smaller one.
//!
//! Dossiers are spread over DRAFT, SUBMITTED, ADMISSIBLE and READY_FOR_JURY, with French
//! experiences, claims of the programme's competences with justifications, a qualification, a
//! few small PDF files, an advisor (`seed-advisor` for the first 200 dossiers,
//! `seed-advisor-2` for the next 200…), for READY_FOR_JURY dossiers a jury member
//! (`seed-jury` for those among the first 500, `seed-jury-2` among the next 500…), and the
//! audit trail the same actions would have left in the service. Objects are stored through
//! `Storage::put_stream` before their rows, as uploads are (an evidence row exists only once
//! its object is stored); rows go in through the `db` batch functions, one transaction per
//! batch of dossiers, so an interrupted run leaves whole dossiers only (and objects that the
//! sweep removes).

use std::collections::HashSet;
use std::convert::Infallible;
use std::io::IsTerminal;
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use anyhow::Context;
use bytes::Bytes;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use futures::stream::FuturesUnordered;
use futures::{StreamExt, TryStreamExt};
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, RngCore, SeedableRng};
use sea_orm::TransactionTrait;
use uuid::Uuid;

use super::AppState;
use crate::db::records::{
    AuditRecord, ClaimRecord, DossierRecord, EvidenceLinks, EvidenceRecord, ExperienceRecord,
    QualificationRecord, UserRecord,
};
use crate::db::{self};
use crate::domain::dossier_status::DossierStatus;
use crate::domain::evidence_file::FileName;
use crate::domain::experience::{EvidenceKind, ExperienceKind, SelfAssessment};
use crate::domain::policy::Role;
use crate::domain::programme::Programme;
use crate::storage::ObjectKey;

/// What to create.
#[derive(Clone, Debug)]
pub struct SeedOptions {
    /// Candidates `seed-candidate-1` to `seed-candidate-<dossiers>`, one dossier each.
    pub dossiers: u64,
    pub experiences: u32,
    /// Evidence files per dossier.
    pub files: u32,
    /// Seed of the pseudo-random generators.
    pub seed: u64,
    /// Dossiers per transaction.
    pub batch: u64,
    /// The day the data describes: application dates and histories end on or before it.
    pub as_of: NaiveDate,
}

#[derive(Clone, Debug, Default)]
pub struct SeedReport {
    pub created: u64,
    pub skipped: u64,
    pub files: u64,
    pub bytes: u64,
    pub elapsed: StdDuration,
}

/// Objects stored at once while a batch is prepared.
const STORE_CONCURRENCY: usize = 16;

pub fn subject(n: u64) -> String {
    format!("seed-candidate-{n}")
}

/// Dossiers one seeded advisor follows, and dossiers over which one jury member examines the
/// READY_FOR_JURY ones (about 75): one person for every dossier would make per-person lists
/// and searches hundreds of times longer than in any real service.
pub const DOSSIERS_PER_ADVISOR: u64 = 200;
pub const DOSSIERS_PER_JURY_MEMBER: u64 = 500;

/// `base` for the first member of a group of staff, `base-2`, `base-3`… for the others.
pub fn staff_subject(base: &str, index: u64) -> String {
    match index {
        0 => base.to_owned(),
        k => format!("{base}-{}", k + 1),
    }
}

/// Creates the dossiers, drawing a progress bar on stderr (plain lines when it is not a
/// terminal).
pub async fn run(state: &AppState, options: &SeedOptions) -> anyhow::Result<SeedReport> {
    let programme = state.catalog.current(&state.db, "DEIS").await?.context(
        "the DEIS referential is not loaded; run once with ACQUIS_LOAD_FIXTURES=true or import it",
    )?;
    if programme.competences().next().is_none() {
        anyhow::bail!("the DEIS referential has no competences");
    }
    let staff = Staff::ensure(state, options.dossiers).await?;
    let started = Instant::now();
    let mut progress = Progress::new(options.dossiers);
    let mut report = SeedReport::default();
    // Candidates go in in the order they created their dossier, as they would have in the
    // service: ids are time-ordered (UUIDv7), so rows and indexes mostly grow at one end.
    let order = creation_order(options);
    // Which candidates exist already, asked before any write so that no read runs beside a
    // write transaction (on SQLite a reader can hold a writer back).
    let present = present_candidates(state, options.dossiers).await?;
    let mut chunks = order.chunks(usize::try_from(options.batch.max(1)).unwrap_or(usize::MAX));
    // The next batch is generated and its files stored while the previous one is written.
    // One transaction at a time: SQLite has a single writer, and two at once on PostgreSQL
    // measured no faster.
    let writers = 1;
    let mut preparing = None;
    let mut ready: Option<Batch> = None;
    let mut writing = FuturesUnordered::new();
    loop {
        if preparing.is_none()
            && ready.is_none()
            && let Some(numbers) = chunks.next()
        {
            preparing = Some(Box::pin(prepare_batch(
                state, numbers, &present, options, &programme, &staff,
            )));
        }
        if writing.len() < writers
            && let Some(batch) = ready.take()
        {
            writing.push(write_owned(state, batch));
        }
        if preparing.is_none() && ready.is_none() && writing.is_empty() {
            break;
        }
        tokio::select! {
            prepared = async { preparing.as_mut().expect("checked").await },
                if preparing.is_some() =>
            {
                preparing = None;
                match prepared {
                    Ok(batch) => ready = Some(batch),
                    Err(err) => return Err(err.context("preparing a batch of dossiers")),
                }
            }
            Some((batch, written)) = writing.next(), if !writing.is_empty() => {
                if let Err(err) = written {
                    remove_objects(state, &batch.files).await;
                    if let Some(ready) = &ready {
                        remove_objects(state, &ready.files).await;
                    }
                    return Err(err.context(format!(
                        "writing a batch of {} dossiers (the batches written before it stay)",
                        batch.candidates.len()
                    )));
                }
                report.created += batch.candidates.len() as u64;
                report.skipped += batch.size - batch.candidates.len() as u64;
                report.files += batch.files.len() as u64;
                report.bytes += batch.files.iter().map(|(e, _, _)| e.size).sum::<u64>();
                progress.advance(batch.size);
            }
        }
    }
    progress.finish();
    // The planner's statistics describe the tables before the load until someone refreshes them.
    if let Err(err) = db::analyze(&state.db).await {
        tracing::warn!(error = %err, "gathering planner statistics after the seed failed");
    }
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Numbers of the candidates `1..=dossiers` whose user exists already.
async fn present_candidates(state: &AppState, dossiers: u64) -> anyhow::Result<HashSet<u64>> {
    let mut present = HashSet::new();
    let mut first = 1;
    while first <= dossiers {
        let last = first.saturating_add(999).min(dossiers);
        let subjects: Vec<String> = (first..=last).map(subject).collect();
        for user in db::users::by_subjects(&state.db, &subjects).await? {
            if let Some(n) = user.subject.strip_prefix("seed-candidate-") {
                present.extend(n.parse::<u64>().ok());
            }
        }
        first = last + 1;
    }
    Ok(present)
}

/// Generates the candidates of `numbers` not present yet and stores their files.
async fn prepare_batch(
    state: &AppState,
    numbers: &[u64],
    present: &HashSet<u64>,
    options: &SeedOptions,
    programme: &Arc<Programme>,
    staff: &Staff,
) -> anyhow::Result<Batch> {
    let candidates: Vec<Candidate> = numbers
        .iter()
        .filter(|n| !present.contains(n))
        .map(|&n| generate(n, options, programme, staff))
        .collect();
    let files = store_files(state, &candidates).await?;
    Ok(Batch {
        size: numbers.len() as u64,
        candidates,
        files,
    })
}

async fn write_owned(state: &AppState, batch: Batch) -> (Batch, anyhow::Result<()>) {
    let written = write_batch(state, &batch).await;
    (batch, written)
}

/// Candidates of one transaction (less those already present) and their stored files.
struct Batch {
    /// Candidates of the batch, those already present included.
    size: u64,
    candidates: Vec<Candidate>,
    files: Vec<(EvidenceRecord, EvidenceLinks, Uuid)>,
}

async fn remove_objects(state: &AppState, files: &[(EvidenceRecord, EvidenceLinks, Uuid)]) {
    for (evidence, _, _) in files {
        if let Some(key) = ObjectKey::parse(&evidence.object_key) {
            let _ = state.storage.delete(&key).await;
        }
    }
}

/// The people who review the seeded dossiers.
struct Staff {
    advisors: Vec<Uuid>,
    jury: Vec<Uuid>,
    admin: Uuid,
}

impl Staff {
    /// Creates (or finds) the advisors and jury members `dossiers` candidates need.
    async fn ensure(state: &AppState, dossiers: u64) -> anyhow::Result<Staff> {
        let mut advisors = Vec::new();
        for k in 0..dossiers.div_ceil(DOSSIERS_PER_ADVISOR).max(1) {
            let name = staff_name(k, "Nadia Benali");
            let subject = staff_subject("seed-advisor", k);
            let user =
                db::users::upsert(&state.db, &subject, &[Role::Advisor], Some(&name)).await?;
            advisors.push(user.id);
        }
        let mut jury = Vec::new();
        for k in 0..dossiers.div_ceil(DOSSIERS_PER_JURY_MEMBER).max(1) {
            let name = staff_name(k + 7, "Marc Lefebvre");
            let subject = staff_subject("seed-jury", k);
            let user = db::users::upsert(&state.db, &subject, &[Role::Jury], Some(&name)).await?;
            jury.push(user.id);
        }
        let admin = db::users::upsert(
            &state.db,
            "seed-admin",
            &[Role::Admin],
            Some("Service VAE (seed)"),
        )
        .await?;
        Ok(Staff {
            advisors,
            jury,
            admin: admin.id,
        })
    }

    /// The advisor of candidate `n` (numbered from 1).
    fn advisor(&self, n: u64) -> Uuid {
        member(&self.advisors, n, DOSSIERS_PER_ADVISOR)
    }

    /// The jury member who examines candidate `n`'s dossier once it is ready.
    fn jury_member(&self, n: u64) -> Uuid {
        member(&self.jury, n, DOSSIERS_PER_JURY_MEMBER)
    }
}

fn member(group: &[Uuid], n: u64, per: u64) -> Uuid {
    let index = usize::try_from(n.saturating_sub(1) / per).unwrap_or(usize::MAX);
    group[index.min(group.len().saturating_sub(1))]
}

/// A staff member's name: the first of a group keeps the name it always had.
fn staff_name(index: u64, first: &str) -> String {
    if index == 0 || index == 7 {
        return first.to_owned();
    }
    fn at(list: &[&'static str], i: u64) -> &'static str {
        list[usize::try_from(i).unwrap_or(0) % list.len()]
    }
    format!(
        "{} {}",
        at(FIRST_NAMES, index),
        at(LAST_NAMES, index / 3 + 1)
    )
}

/// Everything one candidate brings, ready to store and write.
struct Candidate {
    user: UserRecord,
    dossier: DossierRecord,
    advisor: Uuid,
    /// Assigned once the dossier is ready for the jury.
    jury_member: Option<Uuid>,
    experiences: Vec<ExperienceRecord>,
    claims: Vec<(ClaimRecord, Option<Uuid>)>,
    qualification: QualificationRecord,
    files: Vec<PlannedFile>,
    audit: Vec<AuditRecord>,
}

struct PlannedFile {
    id: Uuid,
    kind: EvidenceKind,
    title: String,
    file_name: FileName,
    links: EvidenceLinks,
    uploaded_at: DateTime<Utc>,
    bytes: Bytes,
}

/// Stores every planned file of a batch through the same streaming path as uploads.
async fn store_files(
    state: &AppState,
    batch: &[Candidate],
) -> anyhow::Result<Vec<(EvidenceRecord, EvidenceLinks, Uuid)>> {
    let max = state.config.max_upload_bytes;
    let planned = batch
        .iter()
        .flat_map(|c| c.files.iter().map(move |f| (c, f)));
    futures::stream::iter(planned)
        .map(|(candidate, file)| async move {
            let key = ObjectKey::evidence(candidate.dossier.id, file.id);
            let body =
                futures::stream::once(std::future::ready(Ok::<_, Infallible>(file.bytes.clone())));
            let stored = state
                .storage
                .put_stream(&key, body, &file.file_name, max)
                .await
                .with_context(|| format!("storing {}", key.as_str()))?;
            let record = EvidenceRecord {
                id: file.id,
                dossier_id: candidate.dossier.id,
                kind: file.kind,
                title: file.title.clone(),
                file_name: file.file_name.as_str().to_owned(),
                content_type: stored.content_type.mime().to_owned(),
                size: stored.size,
                sha256: stored.sha256,
                object_key: key.as_str().to_owned(),
                uploaded_at: file.uploaded_at,
            };
            anyhow::Ok((record, file.links.clone(), candidate.user.id))
        })
        .buffered(STORE_CONCURRENCY)
        .try_collect()
        .await
}

async fn write_batch(state: &AppState, batch: &Batch) -> anyhow::Result<()> {
    let candidates = &batch.candidates;
    if candidates.is_empty() {
        return Ok(());
    }
    let users: Vec<UserRecord> = candidates.iter().map(|c| c.user.clone()).collect();
    let dossiers: Vec<DossierRecord> = candidates.iter().map(|c| c.dossier.clone()).collect();
    let experiences: Vec<ExperienceRecord> = candidates
        .iter()
        .flat_map(|c| c.experiences.iter().cloned())
        .collect();
    let claims: Vec<(ClaimRecord, Option<Uuid>)> = candidates
        .iter()
        .flat_map(|c| c.claims.iter().cloned())
        .collect();
    let qualifications: Vec<QualificationRecord> =
        candidates.iter().map(|c| c.qualification.clone()).collect();
    let audit: Vec<AuditRecord> = candidates
        .iter()
        .flat_map(|c| c.audit.iter().cloned())
        .collect();

    let tx = state.db.begin().await?;
    db::users::insert_many(&tx, &users).await?;
    db::dossiers::insert_many(&tx, &dossiers).await?;
    db::experiences::insert_many(&tx, &experiences).await?;
    db::experiences::insert_claims(&tx, &claims).await?;
    db::experiences::insert_qualifications(&tx, &qualifications).await?;
    db::evidence::insert_many(&tx, &batch.files).await?;
    for candidate in candidates {
        let dossier = candidate.dossier.id;
        db::dossiers::assign(&tx, dossier, candidate.advisor, "ADVISOR").await?;
        if let Some(jury_member) = candidate.jury_member {
            db::dossiers::assign(&tx, dossier, jury_member, "JURY").await?;
        }
    }
    db::audit::record_many(&tx, &audit).await?;
    tx.commit().await?;
    Ok(())
}

/// A progress bar when stderr is a terminal, a line every tenth otherwise.
struct Progress {
    bar: Option<ProgressBar>,
    total: u64,
    done: u64,
    started: Instant,
}

impl Progress {
    fn new(total: u64) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total);
            bar.set_style(
                ProgressStyle::with_template(
                    "{elapsed_precise} [{wide_bar}] {human_pos}/{human_len} dossiers ({per_sec}, {eta} left)",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar
        });
        Progress {
            bar,
            total,
            done: 0,
            started: Instant::now(),
        }
    }

    fn advance(&mut self, by: u64) {
        let before = self.done;
        let after = before + by;
        self.done = after;
        match &self.bar {
            Some(bar) => bar.inc(by),
            None => {
                let step = (self.total / 10).max(1);
                if after / step != before / step || after == self.total {
                    let secs = self.started.elapsed().as_secs_f64();
                    eprintln!(
                        "seed: {after}/{} dossiers ({:.0}/s)",
                        self.total,
                        after as f64 / secs.max(1e-9)
                    );
                }
            }
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish();
        }
    }
}

// ----------------------------------------------------------------------------------------
// Generation: pure functions of (options, n).

fn rng_for(seed: u64, n: u64) -> StdRng {
    // SplitMix64 of (seed, n), so neighbouring candidates get unrelated streams.
    let mut z = seed
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(n)
        .wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    StdRng::seed_from_u64(z ^ (z >> 31))
}

/// A UUIDv7 for an instant, its random part drawn from the candidate's generator.
fn id_at(rng: &mut StdRng, at: DateTime<Utc>) -> Uuid {
    let mut random = [0u8; 10];
    rng.fill_bytes(&mut random);
    uuid::Builder::from_unix_timestamp_millis(
        u64::try_from(at.timestamp_millis()).unwrap_or(0),
        &random,
    )
    .into_uuid()
}

/// The candidate's history, moving forward from the creation of the dossier and never past
/// the end of `as_of` (nor the present).
struct Clock {
    now: DateTime<Utc>,
    limit: DateTime<Utc>,
}

impl Clock {
    fn after(&mut self, rng: &mut StdRng, min_minutes: i64, max_minutes: i64) -> DateTime<Utc> {
        let step = Duration::minutes(rng.random_range(min_minutes..=max_minutes));
        self.now = (self.now + step).min(self.limit);
        self.now
    }
}

fn weighted<T: Copy>(rng: &mut StdRng, choices: &[(T, u32)]) -> T {
    let total: u32 = choices.iter().map(|(_, w)| w).sum();
    let mut pick = rng.random_range(0..total);
    for &(value, weight) in choices {
        if pick < weight {
            return value;
        }
        pick -= weight;
    }
    choices[choices.len() - 1].0
}

fn pick<'a>(rng: &mut StdRng, items: &[&'a str]) -> &'a str {
    items.choose(rng).copied().unwrap_or_default()
}

/// The day the data describes: `as_of`, unless that is in the future.
fn effective_as_of(options: &SeedOptions) -> NaiveDate {
    options.as_of.min(Utc::now().date_naive())
}

/// The first draws of a candidate's generator: the application date and the moment the
/// dossier was created. Applications of the three years before `as_of`: most under the 2024
/// regime, some under the 2017 one.
fn opening(rng: &mut StdRng, as_of: NaiveDate) -> (NaiveDate, DateTime<Utc>) {
    let application_date = as_of - Duration::days(rng.random_range(0..=1_095));
    let created_at = application_date.and_time(NaiveTime::MIN).and_utc()
        + Duration::minutes(rng.random_range(7 * 60..19 * 60));
    (application_date, created_at)
}

/// Candidate numbers `1..=dossiers` in the order their dossiers were created.
fn creation_order(options: &SeedOptions) -> Vec<u64> {
    let as_of = effective_as_of(options);
    let mut order: Vec<(DateTime<Utc>, u64)> = (1..=options.dossiers)
        .map(|n| (opening(&mut rng_for(options.seed, n), as_of).1, n))
        .collect();
    order.sort_unstable();
    order.into_iter().map(|(_, n)| n).collect()
}

fn generate(n: u64, options: &SeedOptions, programme: &Arc<Programme>, staff: &Staff) -> Candidate {
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

fn organisation(rng: &mut StdRng) -> String {
    let town = pick(rng, TOWNS);
    match rng.random_range(0..10) {
        0 => format!("CCAS de {town}"),
        1 => format!("Conseil départemental ({town})"),
        2 => format!("Caisse d'allocations familiales de {town}"),
        3 => format!("Ville de {town}"),
        4 => format!("Mission locale de {town}"),
        5 => format!("Communauté d'agglomération de {town}"),
        _ => format!("{} ({town})", pick(rng, ASSOCIATIONS)),
    }
}

/// Replaces each `{public}`, `{town}`, `{partner}`, `{theme}` and `{n}` with its own draw.
fn fill(rng: &mut StdRng, template: &str) -> String {
    let mut out = String::with_capacity(template.len() + 40);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(len) = rest[open..].find('}') else {
            break;
        };
        out.push_str(&rest[..open]);
        match &rest[open + 1..open + len] {
            "public" => out.push_str(pick(rng, PUBLICS)),
            "town" => out.push_str(pick(rng, TOWNS)),
            "partner" => out.push_str(pick(rng, PARTNERS)),
            "theme" => out.push_str(pick(rng, THEMES)),
            "n" => out.push_str(&rng.random_range(4..=25).to_string()),
            other => {
                out.push('{');
                out.push_str(other);
                out.push('}');
            }
        }
        rest = &rest[open + len + 1..];
    }
    out.push_str(rest);
    out
}

fn description(rng: &mut StdRng, sentences: usize) -> String {
    let mut chosen: Vec<&str> = DESCRIPTION_SENTENCES.to_vec();
    chosen.shuffle(rng);
    chosen
        .into_iter()
        .take(sentences)
        .map(|t| fill(rng, t))
        .collect::<Vec<_>>()
        .join(" ")
}

fn justification(rng: &mut StdRng, code: &str, experience: &ExperienceRecord) -> String {
    let templates = JUSTIFICATIONS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, t)| *t)
        .unwrap_or(GENERIC_JUSTIFICATIONS);
    let template = pick(rng, templates);
    let body = fill(rng, template);
    format!(
        "En tant que {} ({}), {}",
        experience.title.to_lowercase(),
        experience.organisation,
        body
    )
}

fn plan_file(
    rng: &mut StdRng,
    index: u32,
    experiences: &[ExperienceRecord],
    claims: &[(ClaimRecord, Option<Uuid>)],
    qualification: &QualificationRecord,
    candidate_name: &str,
    uploaded_at: DateTime<Utc>,
) -> PlannedFile {
    let experience = &experiences[(index as usize / 3) % experiences.len().max(1)];
    let claimed: Vec<String> = claims
        .iter()
        .filter(|(c, _)| c.experience_id == experience.id)
        .map(|(c, _)| c.competence_code.clone())
        .collect();
    let some_claims = |rng: &mut StdRng| {
        let count = rng
            .random_range(1..=claimed.len().max(1))
            .min(claimed.len());
        let mut codes: Vec<String> = claimed.choose_multiple(rng, count).cloned().collect();
        codes.sort();
        codes
    };
    let date = uploaded_at.date_naive();
    let (kind, title, file_name, links, heading, body) = match (index, index % 3) {
        (1, _) => (
            EvidenceKind::Diploma,
            format!("Diplôme : {}", qualification.title),
            format!(
                "diplome-{}.pdf",
                qualification.code.to_lowercase().replace('_', "-")
            ),
            EvidenceLinks {
                qualification_ids: vec![qualification.id],
                ..Default::default()
            },
            qualification.title.clone(),
            format!(
                "Le diplôme est délivré à {candidate_name}, qui a satisfait aux épreuves. \
                 Obtenu le {}. Niveau {} du cadre national des certifications professionnelles.",
                qualification
                    .obtained_on
                    .map(french_date)
                    .unwrap_or_default(),
                qualification.level.unwrap_or(6)
            ),
        ),
        (_, 1) => (
            EvidenceKind::JobDescription,
            format!("Fiche de poste - {}", experience.title),
            "fiche-de-poste.pdf".to_owned(),
            EvidenceLinks {
                experience_ids: vec![experience.id],
                competence_codes: some_claims(rng),
                ..Default::default()
            },
            format!("Fiche de poste : {}", experience.title),
            format!(
                "Poste de {} à {}, à {} % d'un temps plein. Missions principales : {}",
                experience.title.to_lowercase(),
                experience.organisation,
                experience.working_time_percent,
                description(rng, 4)
            ),
        ),
        (_, 2) => {
            let (title, file_name) = *WORK_PRODUCTS.choose(rng).unwrap_or(&WORK_PRODUCTS[0]);
            (
                EvidenceKind::WorkProduct,
                format!("{title} - {}", experience.organisation),
                file_name.to_owned(),
                EvidenceLinks {
                    experience_ids: vec![experience.id],
                    competence_codes: some_claims(rng),
                    ..Default::default()
                },
                title.to_owned(),
                format!(
                    "Document produit par {candidate_name} dans le cadre de sa fonction de {} à {}. {}",
                    experience.title.to_lowercase(),
                    experience.organisation,
                    description(rng, 3)
                ),
            )
        }
        _ => (
            if experience.kind == ExperienceKind::Volunteer {
                EvidenceKind::VolunteerCertificate
            } else {
                EvidenceKind::EmployerCertificate
            },
            format!("Attestation - {}", experience.organisation),
            if experience.kind == ExperienceKind::Volunteer {
                "attestation-benevolat.pdf".to_owned()
            } else {
                "attestation-employeur.pdf".to_owned()
            },
            EvidenceLinks {
                experience_ids: vec![experience.id],
                competence_codes: if rng.random_bool(0.5) {
                    some_claims(rng)
                } else {
                    Vec::new()
                },
                ..Default::default()
            },
            format!("Attestation - {}", experience.organisation),
            format!(
                "Nous attestons que {candidate_name} {} le poste de {} {}, à {} % d'un temps \
                 plein. {}",
                if experience.end_date.is_some() {
                    "a occupé"
                } else {
                    "occupe"
                },
                experience.title.to_lowercase(),
                match experience.end_date {
                    Some(end) => format!(
                        "du {} au {}",
                        french_date(experience.start_date),
                        french_date(end)
                    ),
                    None => format!("depuis le {}", french_date(experience.start_date)),
                },
                experience.working_time_percent,
                experience.description.clone().unwrap_or_default()
            ),
        ),
    };
    let bytes = Bytes::from(pdf(
        &heading,
        &[
            if kind == EvidenceKind::Diploma {
                "République française - Ministère chargé des affaires sociales".to_owned()
            } else {
                format!("{} - le {}", experience.organisation, french_date(date))
            },
            String::new(),
            body,
            String::new(),
            "Document fictif produit par `acquis seed` pour les essais.".to_owned(),
        ],
    ));
    PlannedFile {
        id: Uuid::nil(),
        kind,
        title,
        file_name: FileName::parse(&file_name)
            .unwrap_or_else(|_| FileName::parse("document.pdf").expect("a valid file name")),
        links,
        uploaded_at,
        bytes,
    }
}

fn french_date(date: NaiveDate) -> String {
    format!("{:02}/{:02}/{}", date.day(), date.month(), date.year())
}

/// A one-page PDF 1.4 with a heading and wrapped paragraphs in Helvetica (WinAnsi), with a
/// correct cross-reference table: a real file any reader opens.
pub fn pdf(heading: &str, paragraphs: &[String]) -> Vec<u8> {
    let mut content = Vec::new();
    content.extend_from_slice(b"BT\n/F2 14 Tf\n16 TL\n56 780 Td\n(");
    content.extend(pdf_text(heading));
    content.extend_from_slice(b") Tj\nT*\nT*\n/F1 10 Tf\n13 TL\n");
    for paragraph in paragraphs {
        if paragraph.is_empty() {
            content.extend_from_slice(b"T*\n");
            continue;
        }
        for line in wrap(paragraph, 95) {
            content.push(b'(');
            content.extend(pdf_text(&line));
            content.extend_from_slice(b") Tj\nT*\n");
        }
    }
    content.extend_from_slice(b"ET\n");

    let mut out: Vec<u8> = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    let mut object = |out: &mut Vec<u8>, body: &[u8]| {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", offsets.len()).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    };
    object(&mut out, b"<< /Type /Catalog /Pages 2 0 R >>");
    object(&mut out, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    object(
        &mut out,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
          /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
    );
    object(
        &mut out,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    );
    object(
        &mut out,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
    );
    let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
    stream.extend_from_slice(&content);
    stream.extend_from_slice(b"\nendstream");
    object(&mut out, &stream);
    let mut info = b"<< /Producer (acquis seed) /Title (".to_vec();
    info.extend(pdf_text(heading));
    info.extend_from_slice(b") >>");
    object(&mut out, &info);
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1).as_bytes(),
    );
    for offset in &offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 7 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            offsets.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A PDF string body in WinAnsi: Latin-1 letters as octal escapes, the rest approximated.
fn pdf_text(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        let byte = match c {
            '(' | ')' | '\\' => {
                out.push(b'\\');
                c as u8
            }
            ' '..='~' | '\u{a0}'..='\u{ff}' => c as u8,
            'œ' => 0x9c,
            'Œ' => 0x8c,
            '€' => 0x80,
            '’' | '‘' => b'\'',
            '–' | '—' => b'-',
            '“' | '”' => b'"',
            _ => b'?',
        };
        if byte >= 0x80 {
            out.extend_from_slice(format!("\\{byte:03o}").as_bytes());
        } else {
            out.push(byte);
        }
    }
    out
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

// ----------------------------------------------------------------------------------------
// Vocabulary.

const FIRST_NAMES: &[&str] = &[
    "Camille",
    "Nadia",
    "Julien",
    "Sophie",
    "Karim",
    "Élodie",
    "Thomas",
    "Aurélie",
    "Mehdi",
    "Claire",
    "Nicolas",
    "Fatou",
    "Mathieu",
    "Hélène",
    "Yacine",
    "Laure",
    "Sébastien",
    "Amandine",
    "Olivier",
    "Inès",
    "François",
    "Agnès",
    "Romain",
    "Leïla",
    "Damien",
    "Céline",
    "Bruno",
    "Myriam",
    "Antoine",
    "Sandrine",
];

const LAST_NAMES: &[&str] = &[
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "Diallo", "Bonnet", "Mercier", "Haddad", "Nguyen",
    "Lambert", "Faure", "Rousseau",
];

const TOWNS: &[&str] = &[
    "Rennes",
    "Lille",
    "Lyon",
    "Marseille",
    "Nantes",
    "Bordeaux",
    "Toulouse",
    "Strasbourg",
    "Montpellier",
    "Grenoble",
    "Dijon",
    "Angers",
    "Limoges",
    "Amiens",
    "Besançon",
    "Poitiers",
    "Clermont-Ferrand",
    "Rouen",
    "Metz",
    "Saint-Denis",
    "Montreuil",
    "Villeurbanne",
    "Brest",
    "Perpignan",
    "Tours",
];

const JOB_TITLES: &[&str] = &[
    "Cheffe de service éducatif",
    "Chef de service en protection de l'enfance",
    "Chargée de mission politique de la ville",
    "Coordinateur de projets de développement social local",
    "Conseillère technique en action sociale",
    "Responsable de l'observatoire social",
    "Chargé d'études en ingénierie sociale",
    "Directrice adjointe d'établissement médico-social",
    "Cadre socio-éducatif",
    "Assistante de service social",
    "Éducateur spécialisé",
    "Coordinatrice du contrat local de santé",
    "Responsable du pôle insertion",
    "Chargée d'évaluation des politiques sociales",
    "Animateur de réseau partenarial",
    "Formatrice en travail social",
    "Conseillère en économie sociale et familiale",
    "Chef de projet habitat inclusif",
    "Responsable de circonscription d'action sociale",
    "Coordinateur de parcours d'insertion",
];

const VOLUNTEER_TITLES: &[&str] = &[
    "Administratrice bénévole",
    "Trésorier bénévole",
    "Responsable bénévole de l'antenne locale",
    "Coordinatrice bénévole de l'aide aux devoirs",
    "Bénévole référent accueil des familles",
];

const ELECTED_TITLES: &[&str] = &[
    "Conseillère municipale déléguée aux affaires sociales",
    "Adjoint au maire chargé des solidarités",
    "Vice-présidente du CCAS",
];

const INTERNSHIP_TITLES: &[&str] = &[
    "Stagiaire chargée d'études",
    "Stagiaire en ingénierie de projet social",
    "Stagiaire à l'observatoire social",
];

const ASSOCIATIONS: &[&str] = &[
    "Association Les Amis de l'Atelier",
    "Fondation Apprentis d'Auteuil",
    "Croix-Rouge française",
    "Secours populaire français",
    "UDAF",
    "ADAPEI",
    "Sauvegarde de l'enfance",
    "CHRS Le Relais",
    "Association Habitat et Humanisme",
    "Centre social Les Tilleuls",
    "Emmaüs Solidarité",
    "Restos du Cœur",
];

const PUBLICS: &[&str] = &[
    "jeunes de 16 à 25 ans",
    "familles monoparentales",
    "personnes âgées isolées",
    "allocataires du RSA",
    "mineurs non accompagnés",
    "personnes en situation de handicap",
    "habitants des quartiers prioritaires",
    "personnes sans domicile stable",
    "femmes victimes de violences",
    "aidants familiaux",
];

const PARTNERS: &[&str] = &[
    "la CAF",
    "l'Éducation nationale",
    "l'ARS",
    "France Travail",
    "les bailleurs sociaux",
    "le conseil départemental",
    "les associations de quartier",
    "la protection judiciaire de la jeunesse",
    "les centres sociaux",
];

const THEMES: &[&str] = &[
    "l'accès aux droits",
    "la prévention des ruptures de parcours",
    "le non-recours aux prestations",
    "l'insertion professionnelle",
    "la parentalité",
    "le maintien à domicile",
    "l'habitat inclusif",
    "la participation des personnes accompagnées",
];

const DESCRIPTION_SENTENCES: &[&str] = &[
    "Réalisation d'un diagnostic territorial partagé sur {theme} des {public} à {town}.",
    "Conduite de l'évaluation interne du service et rédaction du rapport d'évaluation.",
    "Pilotage d'un projet sur {theme} en partenariat avec {partner} et {partner}.",
    "Animation d'un comité de pilotage partenarial réunissant élus, financeurs et professionnels.",
    "Mise en place d'un observatoire social local et d'un tableau de bord d'indicateurs.",
    "Encadrement d'une équipe pluridisciplinaire de {n} professionnels.",
    "Conception et animation de sessions de formation pour les travailleurs sociaux.",
    "Rédaction de notes d'aide à la décision pour la direction et les élus.",
    "Coordination du partenariat avec {partner} autour de {theme}.",
    "Conduite d'une étude qualitative auprès de {n} {public} (entretiens, focus groups).",
    "Élaboration et suivi du budget du projet, recherche de cofinancements.",
    "Évaluation d'impact d'un dispositif expérimental sur {theme}.",
    "Animation de groupes d'analyse des pratiques et de réunions de coordination.",
    "Contribution au schéma départemental sur {theme} et suivi de sa mise en œuvre.",
];

const JUSTIFICATIONS: &[(&str, &[&str])] = &[
    (
        "DC1.1",
        &[
            "j'ai réalisé le diagnostic de la situation des {public} : recueil de données, entretiens avec {partner}, analyse des besoins et restitution.",
            "j'ai analysé les causes du non-recours sur le territoire de {town} et présenté mes conclusions au comité de direction.",
        ],
    ),
    (
        "DC1.2",
        &[
            "j'ai construit un dispositif de veille sociale sur {theme}, avec des indicateurs mis à jour chaque trimestre.",
            "j'ai mis en place l'observatoire local et organisé la remontée des données avec {partner}.",
        ],
    ),
    (
        "DC1.3",
        &[
            "j'ai conduit une étude auprès de {n} {public}, de la problématique à la rédaction du rapport.",
            "j'ai coordonné une recherche-action sur {theme} avec une université et {partner}.",
        ],
    ),
    (
        "DC2.1",
        &[
            "j'ai élaboré des scénarios d'évolution des besoins des {public} à cinq ans pour le schéma départemental.",
            "j'ai conduit une analyse prospective des effets du vieillissement de la population sur l'offre de services.",
        ],
    ),
    (
        "DC2.2",
        &[
            "j'ai conçu et piloté un projet sur {theme} : cahier des charges, partenariat avec {partner}, budget et calendrier.",
            "j'ai monté un programme d'actions cofinancé, de l'appel à projets à la mise en œuvre.",
        ],
    ),
    (
        "DC2.3",
        &[
            "j'ai piloté l'évaluation du dispositif : référentiel, indicateurs, recueil auprès des {public} et rapport final.",
            "j'ai conduit l'évaluation interne de l'établissement et accompagné le plan d'amélioration.",
        ],
    ),
    (
        "DC3.1",
        &[
            "j'ai mobilisé les ressources humaines et financières du projet et négocié les cofinancements avec {partner}.",
            "j'ai conduit le changement d'organisation du service en associant l'équipe de {n} personnes.",
        ],
    ),
    (
        "DC3.2",
        &[
            "j'ai conçu un plan de formation pour les travailleurs sociaux sur {theme} et animé les sessions.",
            "j'ai accompagné le développement des compétences de l'équipe par l'analyse des pratiques.",
        ],
    ),
    (
        "DC3.3",
        &[
            "j'ai encadré une équipe pluridisciplinaire de {n} professionnels et animé les réunions de coordination.",
            "j'ai animé un réseau partenarial réunissant {partner} et {partner}, en régulant les désaccords.",
        ],
    ),
    (
        "DC3.4",
        &[
            "j'ai rédigé les notes d'information pour les élus et organisé une journée de restitution publique.",
            "j'ai conçu les supports de communication du projet et diffusé les résultats de l'étude aux partenaires.",
        ],
    ),
];

const GENERIC_JUSTIFICATIONS: &[&str] = &[
    "j'ai mis en œuvre cette compétence dans un projet sur {theme} avec {partner}.",
    "j'ai exercé cette compétence au quotidien auprès des {public}.",
];

const ADVISOR_COMMENTS: &[&str] = &[
    "Élément à étayer par une production écrite.",
    "Préciser votre rôle personnel dans le projet.",
    "Bien documenté par l'attestation et le rapport joints.",
    "L'expérience relève plutôt d'une autre compétence du domaine.",
];

const ADMISSIBILITY_COMMENTS: &[&str] = &[
    "Dossier recevable : durée d'expérience et lien avec le diplôme établis.",
    "Recevable au vu des attestations d'emploi fournies.",
    "Recevable ; penser à compléter les pièces pour le domaine 3.",
];

const WORK_PRODUCTS: &[(&str, &str)] = &[
    (
        "Rapport de diagnostic territorial",
        "rapport-diagnostic-territorial.pdf",
    ),
    (
        "Rapport d'évaluation du dispositif",
        "rapport-evaluation.pdf",
    ),
    (
        "Note d'opportunité au comité de pilotage",
        "note-comite-pilotage.pdf",
    ),
    (
        "Cahier des charges du projet partenarial",
        "cahier-des-charges-projet.pdf",
    ),
    (
        "Programme de formation des équipes",
        "programme-formation.pdf",
    ),
];

/// Codes the DEIS rules know, with their title, level and how often candidates hold them.
const QUALIFICATIONS: &[(&str, &str, u8, u32)] = &[
    (
        "DEASS",
        "Diplôme d'État d'assistant de service social",
        6,
        28,
    ),
    ("DEES", "Diplôme d'État d'éducateur spécialisé", 6, 20),
    (
        "CAFERUIS",
        "Certificat d'aptitude aux fonctions d'encadrement et de responsable d'unité d'intervention sociale",
        6,
        14,
    ),
    (
        "MASTER",
        "Master intervention et développement social",
        7,
        14,
    ),
    (
        "LICENCE",
        "Licence de sciences sanitaires et sociales",
        6,
        8,
    ),
    (
        "DECESF",
        "Diplôme d'État de conseiller en économie sociale familiale",
        6,
        5,
    ),
    ("DE_INFIRMIER", "Diplôme d'État d'infirmier", 6, 4),
    (
        "CAFDES",
        "Certificat d'aptitude aux fonctions de directeur d'établissement ou de service d'intervention sociale",
        7,
        3,
    ),
    ("DSTS", "Diplôme supérieur en travail social", 6, 2),
    (
        "DEFA",
        "Diplôme d'État relatif aux fonctions d'animation",
        5,
        2,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

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
                let code =
                    crate::domain::codes::CompetenceCode::parse(&claim.competence_code).unwrap();
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
}
