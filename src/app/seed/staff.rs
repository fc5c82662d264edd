//! The people who review seeded dossiers: the advisors, jury members and admin a run needs,
//! created or found by subject before any dossier is written, their names and subjects, and
//! which of them follows candidate `n`. Apart because staff live beside the dossiers rather
//! than in them: written before and outside the batches, upserted so that a second run finds
//! them, shared by every candidate, and the rule of who follows whom is theirs.

use uuid::Uuid;

use super::Staff;
use super::vocabulary::{FIRST_NAMES, LAST_NAMES};
use crate::app::AppState;
use crate::db;
use crate::domain::policy::Role;

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

impl Staff {
    /// Creates (or finds) the advisors and jury members `dossiers` candidates need.
    pub(super) async fn ensure(state: &AppState, dossiers: u64) -> anyhow::Result<Staff> {
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
    pub(super) fn advisor(&self, n: u64) -> Uuid {
        member(&self.advisors, n, DOSSIERS_PER_ADVISOR)
    }

    /// The jury member who examines candidate `n`'s dossier once it is ready.
    pub(super) fn jury_member(&self, n: u64) -> Uuid {
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
