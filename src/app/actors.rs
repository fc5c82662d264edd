//! From a bearer token to an `Actor`: verify, then find or create the user. Known users are
//! cached for a minute so a busy client does not cost a database write per request.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::auth::{Authenticator, Identity};
use crate::db::{self, Db};
use crate::domain::policy::Actor;
use crate::error::{AppError, AppResult};

const TTL: Duration = Duration::from_secs(60);
const MAX_ENTRIES: usize = 10_000;

#[derive(Default)]
pub struct ActorCache {
    entries: Mutex<HashMap<String, (Identity, Actor, Instant)>>,
}

impl ActorCache {
    pub async fn resolve(&self, auth: &Authenticator, db: &Db, token: &str) -> AppResult<Actor> {
        let identity = auth.authenticate(token).await.map_err(|e| {
            tracing::debug!(error = %e, "token refused");
            AppError::Unauthenticated
        })?;
        if let Some(actor) = self.cached(&identity) {
            return Ok(actor);
        }
        let user = db::users::upsert(
            db,
            &identity.subject,
            &identity.roles,
            identity.display_name.as_deref(),
        )
        .await?;
        let actor = Actor {
            user_id: user.id,
            roles: identity.roles.clone(),
        };
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, (_, _, at)| at.elapsed() < TTL);
        }
        entries.insert(
            identity.subject.clone(),
            (identity, actor.clone(), Instant::now()),
        );
        Ok(actor)
    }

    fn cached(&self, identity: &Identity) -> Option<Actor> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let (known, actor, at) = entries.get(&identity.subject)?;
        (known == identity && at.elapsed() < TTL).then(|| actor.clone())
    }
}
