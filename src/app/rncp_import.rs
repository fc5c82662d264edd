//! `acquis import-rncp`: France compétences' daily export (its XML, or the zip it is published
//! in) becomes programmes, one per fiche with blocs, streamed so that memory does not follow
//! the file.
//!
//! The file is read on a blocking thread, fiche by fiche, and each fiche crosses a bounded
//! channel to be compared with what is stored: a fiche whose digest matches its current
//! version is left untouched, a changed one becomes a new version (labelled with the export's
//! date), a new one its first. Fiches are written in batches, one transaction each; a fiche
//! that does not make a valid programme is refused, reported with why, and writes nothing.

use std::collections::{HashMap, HashSet};
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::NaiveDate;
use tokio::sync::mpsc;

use super::AppState;
use crate::db::{self, programmes::SaveOutcome};
use crate::domain::rncp::{RncpFiche, fiche_checksum, programme_of};
use crate::rncp::Fiches;

/// Fiches written per transaction.
const BATCH: usize = 200;

#[derive(Clone, Debug)]
pub struct ImportOptions {
    pub file: PathBuf,
    /// Only these fiche numbers, when not empty.
    pub only: Vec<String>,
    /// The day of the export: the version label of what changed, and the date of the data
    /// the licence asks to name. Taken from the file name when it carries one.
    pub export_date: Option<NaiveDate>,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub export_date: Option<NaiveDate>,
    /// Fiches read from the file.
    pub read: usize,
    /// Left out by the `only` list.
    pub skipped: usize,
    pub inserted: Vec<String>,
    /// New versions of fiches that changed.
    pub updated: Vec<String>,
    pub unchanged: usize,
    /// (fiche, why).
    pub refused: Vec<(String, String)>,
}

/// How far the reading has come, for a progress bar: bytes read of `total`.
#[derive(Default)]
pub struct Progress {
    pub read: AtomicU64,
    pub total: AtomicU64,
}

/// `export_fiches_RNCP_V4_1_2026-08-16.xml` or `export-fiches-rncp-v4-1-2026-08-16.zip`.
pub fn date_in_file_name(path: &Path) -> Option<NaiveDate> {
    let name = path.file_stem()?.to_str()?;
    (0..name.len().saturating_sub(9))
        .rev()
        .filter(|&i| name.is_char_boundary(i) && name.is_char_boundary(i + 10))
        .find_map(|i| NaiveDate::parse_from_str(&name[i..i + 10], "%Y-%m-%d").ok())
}

pub async fn import(
    state: &AppState,
    options: &ImportOptions,
    progress: Arc<Progress>,
) -> anyhow::Result<ImportReport> {
    let export_date = options
        .export_date
        .or_else(|| date_in_file_name(&options.file))
        .ok_or_else(|| {
            anyhow::anyhow!(
                "the export date is not in the file name {}; give it with --export-date YYYY-MM-DD (the licence asks to keep the date of the data)",
                options.file.display()
            )
        })?;
    let only: HashSet<String> = options
        .only
        .iter()
        .map(|n| n.trim().to_ascii_uppercase())
        .collect();
    let (sender, mut receiver) = mpsc::channel::<anyhow::Result<RncpFiche>>(256);
    let reading = spawn_reader(&options.file, sender, progress).await?;
    let mut report = ImportReport {
        export_date: Some(export_date),
        ..ImportReport::default()
    };
    let mut batch: Vec<RncpFiche> = Vec::with_capacity(BATCH);
    while let Some(fiche) = receiver.recv().await {
        let fiche = fiche?;
        report.read += 1;
        if !only.is_empty() && !only.contains(&fiche.number.trim().to_ascii_uppercase()) {
            report.skipped += 1;
            continue;
        }
        batch.push(fiche);
        if batch.len() == BATCH {
            write_batch(state, std::mem::take(&mut batch), export_date, &mut report).await?;
        }
    }
    write_batch(state, batch, export_date, &mut report).await?;
    reading.await??;
    for code in report.inserted.iter().chain(&report.updated) {
        tracing::debug!(programme.code = code.as_str(), "imported from the RNCP");
    }
    tracing::info!(
        rncp.read = report.read,
        rncp.inserted = report.inserted.len(),
        rncp.updated = report.updated.len(),
        rncp.unchanged = report.unchanged,
        rncp.refused = report.refused.len(),
        "RNCP export imported"
    );
    Ok(report)
}

/// Opens the export (an XML file, or a zip holding one) and reads it on a blocking thread.
async fn spawn_reader(
    file: &Path,
    sender: mpsc::Sender<anyhow::Result<RncpFiche>>,
    progress: Arc<Progress>,
) -> anyhow::Result<tokio::task::JoinHandle<anyhow::Result<()>>> {
    let opened = || anyhow::anyhow!("cannot open {}", file.display());
    let mut magic = [0u8; 4];
    {
        let mut probe = std::fs::File::open(file).map_err(|e| opened().context(e))?;
        let _ = probe.read(&mut magic).map_err(|e| opened().context(e))?;
    }
    let input: Box<dyn Read + Send> = if &magic == b"PK\x03\x04" {
        let (reader, size) = zip_entry(file).await?;
        progress.total.store(size, Ordering::Relaxed);
        reader
    } else {
        let handle = std::fs::File::open(file).map_err(|e| opened().context(e))?;
        let size = handle.metadata().map(|m| m.len()).unwrap_or(0);
        progress.total.store(size, Ordering::Relaxed);
        Box::new(handle)
    };
    Ok(tokio::task::spawn_blocking(move || {
        let counted = Counted {
            inner: input,
            progress,
        };
        for fiche in Fiches::new(BufReader::with_capacity(256 * 1024, counted)) {
            let fiche = fiche.map_err(anyhow::Error::from);
            let failed = fiche.is_err();
            if sender.blocking_send(fiche).is_err() || failed {
                break;
            }
        }
        Ok(())
    }))
}

/// The XML entry of the zip France compétences publishes, decompressed as it is read.
async fn zip_entry(file: &Path) -> anyhow::Result<(Box<dyn Read + Send>, u64)> {
    use async_zip::base::read1::seek::ZipArchiveReader;
    use tokio_util::compat::{FuturesAsyncReadCompatExt, TokioAsyncReadCompatExt};
    let handle = tokio::fs::File::open(file).await?;
    let archive = ZipArchiveReader::open(tokio::io::BufReader::new(handle).compat())
        .await
        .map_err(|e| anyhow::anyhow!("{} is not a readable zip: {e}", file.display()))?;
    let entries: Vec<(usize, String, u64)> = archive
        .cdrs()
        .iter()
        .enumerate()
        .filter_map(|(i, cdr)| {
            let name = String::from_utf8_lossy(cdr.insecure_file_name.as_bytes()).into_owned();
            let size = cdr.uncompressed_size().unwrap_or(0);
            name.to_ascii_lowercase()
                .ends_with(".xml")
                .then_some((i, name, size))
        })
        .collect();
    let [(index, _, size)] = entries.as_slice() else {
        anyhow::bail!(
            "{} should hold one XML file (the RNCP export); it holds {}",
            file.display(),
            entries.len()
        );
    };
    let entry = archive
        .file_oneshot(*index)
        .await
        .map_err(|e| anyhow::anyhow!("cannot read the XML entry of {}: {e}", file.display()))?;
    let bridge = tokio_util::io::SyncIoBridge::new(entry.compat());
    Ok((Box::new(bridge), *size))
}

/// Counts what the parser reads, for the progress bar.
struct Counted {
    inner: Box<dyn Read + Send>,
    progress: Arc<Progress>,
}

impl Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Compares a batch of fiches with what is stored and writes what changed, in one
/// transaction.
async fn write_batch(
    state: &AppState,
    fiches: Vec<RncpFiche>,
    export_date: NaiveDate,
    report: &mut ImportReport,
) -> anyhow::Result<()> {
    if fiches.is_empty() {
        return Ok(());
    }
    let codes: Vec<String> = fiches
        .iter()
        .map(|f| f.number.trim().to_ascii_uppercase())
        .collect();
    let mut current: HashMap<String, Option<String>> =
        db::programmes::current_sources(&state.db, &codes)
            .await?
            .into_iter()
            .map(|(code, _, checksum)| (code, checksum))
            .collect();
    let tx = crate::db::begin_write(&state.db).await?;
    for fiche in fiches {
        let code = fiche.number.trim().to_ascii_uppercase();
        let checksum = fiche_checksum(&fiche);
        if let Some(Some(stored)) = current.get(&code)
            && stored == &checksum
        {
            report.unchanged += 1;
            continue;
        }
        let version = free_version(&tx, &code, export_date).await?;
        let programme = match programme_of(&fiche, export_date, &version) {
            Ok(programme) => programme,
            Err(why) => {
                report.refused.push((fiche.number.clone(), why.to_string()));
                continue;
            }
        };
        let document = serde_json::to_string(&programme)?;
        let outcome = db::programmes::save(
            &tx,
            programme.code.as_str(),
            &programme.version,
            &programme.title,
            &document,
            Some(&checksum),
        )
        .await?;
        match (outcome, current.contains_key(&code)) {
            (SaveOutcome::Unchanged, _) => report.unchanged += 1,
            (_, true) => report.updated.push(code.clone()),
            (_, false) => report.inserted.push(code.clone()),
        }
        current.insert(code, Some(checksum));
    }
    tx.commit().await?;
    Ok(())
}

/// The export date as a version label, or the first `date.n` still free when that day
/// already has a version (a second export the same day).
async fn free_version(
    db: &impl sea_orm::ConnectionTrait,
    code: &str,
    export_date: NaiveDate,
) -> anyhow::Result<String> {
    let base = export_date.to_string();
    if !db::programmes::has_version(db, code, &base).await? {
        return Ok(base);
    }
    for n in 2.. {
        let candidate = format!("{base}.{n}");
        if !db::programmes::has_version(db, code, &candidate).await? {
            return Ok(candidate);
        }
    }
    unreachable!("some suffix is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_export_date_is_read_from_the_published_file_names() {
        let date = NaiveDate::from_ymd_opt(2026, 8, 16);
        assert_eq!(
            date_in_file_name(Path::new("export_fiches_RNCP_V4_1_2026-08-16.xml")),
            date
        );
        assert_eq!(
            date_in_file_name(Path::new("/tmp/export-fiches-rncp-v4-1-2026-08-16.zip")),
            date
        );
        assert_eq!(date_in_file_name(Path::new("sample.xml")), None);
    }
}
