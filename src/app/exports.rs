//! The dossier leaving the system: the jury bundle (summary.pdf, the evidence, manifest.json)
//! and the personal-data export (GDPR art. 15 and 20), both zips streamed from a short-lived
//! signed link. Everything is checked when the link is used, before the first byte: the right
//! of the person it was issued to, every object's presence and size, and the audit entries.

use std::collections::HashMap;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

use super::AppState;
use super::access::dossier_for;
use super::dossier_contents::{self, DossierContents};
use super::personal_data::person_for;
use super::signed_links::FileGrant;
use crate::db::audit::AuditEntry;
use crate::db::records::AuditRecord;
use crate::db::{self};
use crate::domain::archive_names::EntryNames;
use crate::domain::policy::{Action, Actor, may_act_for_person};
use crate::error::{AppError, AppResult};
use crate::export::zip_stream::{Archive, Entry, Source};
use crate::export::{personal_json, summary};
use crate::storage::ObjectKey;

pub const BUNDLE: &str = "bundle";
pub const PERSONAL_DATA: &str = "personal-data";

#[derive(Clone, Debug)]
pub struct DownloadLink {
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

/// A link to the jury bundle of a dossier the actor may read.
pub async fn bundle_link(
    state: &AppState,
    actor: &Actor,
    dossier_id: Uuid,
) -> AppResult<DownloadLink> {
    let (dossier, _) = dossier_for(&state.db, actor, dossier_id, Action::DownloadBundle).await?;
    super::dossiers::audit(
        &state.db,
        actor,
        "dossier.bundle_link_issued",
        dossier.id,
        None,
    )
    .await?;
    sign(state, BUNDLE, dossier.id, actor)
}

/// A link to everything held about a person: the actor, or for an admin the user `subject`.
pub async fn personal_data_link(
    state: &AppState,
    actor: &Actor,
    subject: Option<&str>,
) -> AppResult<DownloadLink> {
    let person = person_for(state, actor, subject).await?;
    db::audit::record(
        &state.db,
        AuditEntry {
            actor_id: Some(actor.user_id),
            action: "person.export_link_issued",
            dossier_id: None,
            target_id: Some(person.id),
            detail: None,
        },
    )
    .await?;
    sign(state, PERSONAL_DATA, person.id, actor)
}

fn sign(state: &AppState, op: &str, id: Uuid, actor: &Actor) -> AppResult<DownloadLink> {
    let expires_at = state.links.expires_at();
    let url = state.links.sign(FileGrant {
        op: op.to_owned(),
        id,
        actor_id: actor.user_id,
        max_bytes: 0,
    })?;
    Ok(DownloadLink {
        url: url.to_string(),
        expires_at,
    })
}

/// The person a link was issued to, with the roles they hold now.
async fn holder(state: &AppState, actor_id: Uuid) -> AppResult<Actor> {
    let user = db::users::by_ids(&state.db, &[actor_id])
        .await?
        .pop()
        .ok_or(AppError::NotFound("dossier"))?;
    Ok(Actor {
        user_id: user.id,
        roles: user.roles,
    })
}

/// A zip ready to stream, and the name it is downloaded under.
pub struct PreparedArchive {
    pub file_name: String,
    pub archive: Archive,
}

/// Checks a bundle link at use and prepares the bundle.
#[tracing::instrument(skip_all, fields(dossier.id = %grant.id))]
pub async fn prepare_bundle(state: &AppState, grant: &FileGrant) -> AppResult<PreparedArchive> {
    let actor = holder(state, grant.actor_id).await?;
    let (dossier, _) = dossier_for(&state.db, &actor, grant.id, Action::DownloadBundle).await?;
    let contents = dossier_contents::read(state, std::slice::from_ref(&dossier))
        .await?
        .pop()
        .ok_or(AppError::NotFound("dossier"))?;
    let mut names = EntryNames::default();
    names.reserve("summary.pdf");
    names.reserve("manifest.json");
    let paths = evidence_paths(&contents, &mut names, "evidence", true);
    check_objects(state, &contents).await?;

    let bundle_id = Uuid::now_v7();
    let generated_at = Utc::now();
    let pdf = {
        let paths = paths.clone();
        tokio::task::spawn_blocking(move || {
            summary::render(
                &contents,
                &summary::BundleFacts {
                    bundle_id,
                    generated_at,
                    paths: &paths,
                },
            )
            .map(|pdf| (pdf, contents))
        })
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(AppError::Internal)?
    };
    let (pdf, contents) = pdf;
    audit_files(state, actor.user_id, &contents, "dossier.bundle_downloaded").await?;

    let programme = &contents.analysis.programme;
    let mut entries = vec![Entry {
        path: "summary.pdf".to_owned(),
        source: Source::Bytes(Bytes::from(pdf)),
    }];
    entries.extend(object_entries(&contents, &paths));
    Ok(PreparedArchive {
        file_name: format!("dossier-{}.zip", dossier.id),
        archive: Archive {
            entries,
            manifest_head: json!({
                "kind": "acquis.jury-bundle",
                "bundleId": bundle_id,
                "dossierId": dossier.id,
                "programme": { "code": programme.code.as_str(), "version": programme.version, "title": programme.title },
                "generatedAt": generated_at,
                "generator": concat!("acquis ", env!("CARGO_PKG_VERSION")),
            }),
            created: generated_at,
        },
    })
}

/// Checks a personal-data link at use and prepares the export.
#[tracing::instrument(skip_all)]
pub async fn prepare_personal_data(
    state: &AppState,
    grant: &FileGrant,
) -> AppResult<PreparedArchive> {
    let actor = holder(state, grant.actor_id).await?;
    if !may_act_for_person(&actor, grant.id) {
        return Err(AppError::forbidden(
            "only the person themselves or an admin may export a person's data",
        ));
    }
    let person = db::users::by_ids(&state.db, &[grant.id])
        .await?
        .pop()
        .ok_or(AppError::NotFound("user"))?;
    let dossiers = db::personal_data::dossiers_of(&state.db, person.id).await?;
    let ids: Vec<Uuid> = dossiers.iter().map(|d| d.id).collect();
    let contents = dossier_contents::read(state, &dossiers).await?;
    let audit_events = db::personal_data::audit_about(&state.db, person.id, &ids).await?;
    let ledger =
        db::personal_data::ledger_of(&state.db, &state.pseudonyms.subject(person.id)).await?;
    let generated_at = Utc::now();

    let mut names = EntryNames::default();
    for fixed in [
        "LISEZMOI.txt",
        "manifest.json",
        "profile.json",
        "audit-events.json",
        "decision-ledger.json",
    ] {
        names.reserve(fixed);
    }
    let mut entries = vec![
        json_entry(
            "LISEZMOI.txt",
            personal_json::readme(&state.config.retention).into_bytes(),
        ),
        json_entry("profile.json", personal_json::profile(&person)?),
    ];
    let mut objects = Vec::new();
    for c in &contents {
        check_objects(state, c).await?;
        let folder = format!("dossiers/{}", c.dossier.id);
        let paths = evidence_paths(c, &mut names, &format!("{folder}/evidence"), false);
        entries.push(json_entry(
            &format!("{folder}/dossier.json"),
            personal_json::dossier(c, &paths)?,
        ));
        objects.extend(object_entries(c, &paths));
    }
    entries.extend(objects);
    entries.push(json_entry(
        "audit-events.json",
        personal_json::audit_events(&audit_events)?,
    ));
    entries.push(json_entry(
        "decision-ledger.json",
        personal_json::ledger(&ledger)?,
    ));
    for c in &contents {
        audit_files(state, actor.user_id, c, "dossier.exported").await?;
    }
    db::audit::record(
        &state.db,
        AuditEntry {
            actor_id: Some(actor.user_id),
            action: "person.data_exported",
            dossier_id: None,
            target_id: Some(person.id),
            detail: None,
        },
    )
    .await?;
    Ok(PreparedArchive {
        file_name: format!(
            "donnees-personnelles-{}.zip",
            generated_at.format("%Y-%m-%d")
        ),
        archive: Archive {
            entries,
            manifest_head: json!({
                "kind": "acquis.personal-data",
                "personId": person.id,
                "generatedAt": generated_at,
                "generator": concat!("acquis ", env!("CARGO_PKG_VERSION")),
            }),
            created: generated_at,
        },
    })
}

fn json_entry(path: &str, bytes: Vec<u8>) -> Entry {
    Entry {
        path: path.to_owned(),
        source: Source::Bytes(Bytes::from(bytes)),
    }
}

/// A unique, safe path for each evidence file: by domain (the domain of the first competence
/// it supports, in the programme's order) when `by_domain`, else directly in `folder`.
fn evidence_paths(
    c: &DossierContents,
    names: &mut EntryNames,
    folder: &str,
    by_domain: bool,
) -> HashMap<Uuid, String> {
    let programme = &c.analysis.programme;
    c.evidence
        .iter()
        .map(|(evidence, links)| {
            let domain = programme
                .domains
                .iter()
                .find(|d| {
                    d.competences
                        .iter()
                        .any(|k| links.competence_codes.iter().any(|c| c == k.code.as_str()))
                })
                .map(|d| crate::domain::archive_names::safe_segment(d.code.as_str()));
            let place = match (by_domain, domain) {
                (true, Some(domain)) => format!("{folder}/{domain}"),
                (true, None) => format!("{folder}/sans-domaine"),
                (false, _) => folder.to_owned(),
            };
            (evidence.id, names.allot(&place, &evidence.file_name))
        })
        .collect()
}

fn object_entries(c: &DossierContents, paths: &HashMap<Uuid, String>) -> Vec<Entry> {
    c.evidence
        .iter()
        .filter_map(|(evidence, _)| {
            Some(Entry {
                path: paths.get(&evidence.id)?.clone(),
                source: Source::Object {
                    key: ObjectKey::parse(&evidence.object_key)?,
                    evidence_id: evidence.id,
                    recorded_sha256: evidence.sha256.clone(),
                    recorded_size: evidence.size,
                },
            })
        })
        .collect()
}

/// Every file of the dossier is in the store with the size its row records; eight HEADs at
/// a time, as a dossier may hold hundreds of files.
async fn check_objects(state: &AppState, c: &DossierContents) -> AppResult<()> {
    use futures::{StreamExt, TryStreamExt};
    let mut expected = Vec::with_capacity(c.evidence.len());
    for (evidence, _) in &c.evidence {
        let key = ObjectKey::parse(&evidence.object_key).ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!(
                "evidence {} has a bad object key",
                evidence.id
            ))
        })?;
        expected.push((key, evidence.id, evidence.size));
    }
    let storage = state.storage.clone();
    futures::stream::iter(expected)
        .map(move |(key, id, size)| {
            let storage = storage.clone();
            async move {
                let found = storage
                    .size(&key)
                    .await
                    .map_err(|e| AppError::StorageUnavailable(e.into()))?;
                if found != Some(size) {
                    tracing::error!(evidence.id = %id, "evidence object missing or of the wrong size");
                    return Err(AppError::Internal(anyhow::anyhow!(
                        "the file of evidence {id} is missing from the store"
                    )));
                }
                Ok(())
            }
        })
        .buffer_unordered(8)
        .try_collect::<()>()
        .await
}

/// One event for the archive and one download per file, in one statement.
async fn audit_files(
    state: &AppState,
    actor_id: Uuid,
    c: &DossierContents,
    action: &str,
) -> AppResult<()> {
    let now = Utc::now();
    let event = |action: &str, target_id| AuditRecord {
        id: Uuid::now_v7(),
        at: now,
        actor_id: Some(actor_id),
        action: action.to_owned(),
        dossier_id: Some(c.dossier.id),
        target_id,
        detail: None,
    };
    let mut events = vec![event(action, None)];
    events.extend(
        c.evidence
            .iter()
            .map(|(e, _)| event("evidence.downloaded", Some(e.id))),
    );
    db::audit::record_many(&state.db, &events).await?;
    Ok(())
}
