//! Loading a dossier for an actor through the policy: the only way use-cases reach a dossier.

use uuid::Uuid;

use crate::db::dossier_tree::{DossierTree, TreeRequest};
use crate::db::records::DossierRecord;
use crate::db::{self};
use crate::domain::policy::{Action, Actor, Denial, DossierFacts, authorize};
use crate::error::{AppError, AppResult};

/// Loads the dossier and checks `action`. A dossier the actor may not see is `NotFound`.
pub async fn dossier_for(
    db: &impl sea_orm::ConnectionTrait,
    actor: &Actor,
    dossier_id: Uuid,
    action: Action,
) -> AppResult<(DossierRecord, DossierFacts)> {
    let (dossier, facts) = db::dossiers::facts(db, dossier_id)
        .await?
        .ok_or(AppError::NotFound("dossier"))?;
    authorize(actor, action, &facts).map_err(denial)?;
    Ok((dossier, facts))
}

/// [`dossier_for`] with `Action::Read`, reading in the same statement what `request` asks for
/// below the dossier; nothing of it leaves here unless the actor may read the dossier.
pub async fn dossier_tree_for(
    db: &impl sea_orm::ConnectionTrait,
    actor: &Actor,
    dossier_id: Uuid,
    request: &TreeRequest,
) -> AppResult<DossierTree> {
    let tree = db::dossier_tree::read(db, dossier_id, request)
        .await?
        .ok_or(AppError::NotFound("dossier"))?;
    authorize(actor, Action::Read, &tree.facts).map_err(denial)?;
    Ok(tree)
}

pub fn denial(denial: Denial) -> AppError {
    match denial {
        Denial::Invisible => AppError::NotFound("dossier"),
        Denial::Forbidden(reason) => AppError::forbidden(reason),
        Denial::Restricted => AppError::Frozen {
            code: "DOSSIER_RESTRICTED",
            message: Denial::Restricted.to_string(),
        },
        Denial::LegalHold => AppError::Frozen {
            code: "LEGAL_HOLD",
            message: Denial::LegalHold.to_string(),
        },
    }
}

/// Parses a GraphQL `ID` into a row id; a malformed id is just a missing record.
pub fn parse_id(raw: &str, what: &'static str) -> AppResult<Uuid> {
    Uuid::try_parse(raw).map_err(|_| AppError::NotFound(what))
}
