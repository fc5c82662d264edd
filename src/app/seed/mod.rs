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
//!
//! The generator is split by concern: `random` (the per-candidate generator, ids, the clock),
//! `generate` (one candidate's dossier), `prose` and `vocabulary` (the French text), `files`
//! (the evidence files and their PDFs), `staff` (advisors, jury members, admin), `write`
//! (objects and rows) and `progress`; this module holds the options, the report, the types
//! several of them share, and `run`, which pipelines generation and writing batch by batch.

mod files;
mod generate;
mod progress;
mod prose;
mod random;
mod staff;
#[cfg(test)]
mod tests;
mod vocabulary;
mod write;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use anyhow::Context;
use bytes::Bytes;
use chrono::{DateTime, NaiveDate, Utc};
use futures::StreamExt;
use futures::stream::FuturesUnordered;
use uuid::Uuid;

pub use files::pdf;
pub use staff::{DOSSIERS_PER_ADVISOR, DOSSIERS_PER_JURY_MEMBER, staff_subject};

use super::AppState;
use crate::db::records::{
    AuditRecord, ClaimRecord, DossierRecord, EvidenceLinks, EvidenceRecord, ExperienceRecord,
    QualificationRecord, UserRecord,
};
use crate::db::{self};
use crate::domain::evidence_file::FileName;
use crate::domain::experience::EvidenceKind;
use crate::domain::programme::Programme;
use generate::generate;
use progress::Progress;
use random::creation_order;
use write::{remove_objects, store_files, write_owned};

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
    /// Steps that merged SQLite's full-text segments after the load (none on PostgreSQL).
    pub search_merge_steps: u32,
}

pub fn subject(n: u64) -> String {
    format!("seed-candidate-{n}")
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
    // A bulk load leaves SQLite's full-text tables in many segments; merged now, not by requests.
    match db::search_segments::merge(&state.db, u32::MAX).await {
        Ok(merged) => report.search_merge_steps = merged.steps,
        Err(err) => tracing::warn!(error = %err, "merging the search index after the seed failed"),
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

/// Candidates of one transaction (less those already present) and their stored files.
struct Batch {
    /// Candidates of the batch, those already present included.
    size: u64,
    candidates: Vec<Candidate>,
    files: Vec<(EvidenceRecord, EvidenceLinks, Uuid)>,
}

/// The people who review the seeded dossiers.
struct Staff {
    advisors: Vec<Uuid>,
    jury: Vec<Uuid>,
    admin: Uuid,
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
