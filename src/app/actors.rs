//! From a bearer token to an `Actor`: verify, then find or create the user. Known users are
//! cached for a minute so a busy client does not cost a database write per request, and so are
//! tokens already verified, so that it does not cost a signature check per request either.

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
    /// By subject: the identity the user row was last written with.
    users: Mutex<HashMap<String, (Identity, Actor, Instant)>>,
    /// By token: the actor of a token verified less than `TTL` ago, and the token's expiry
    /// (Unix seconds), after which it is verified again (and refused).
    tokens: Mutex<HashMap<String, (Actor, i64, Instant)>>,
}

impl ActorCache {
    pub async fn resolve(&self, auth: &Authenticator, db: &Db, token: &str) -> AppResult<Actor> {
        if let Some(actor) = self.verified(token) {
            return Ok(actor);
        }
        let (identity, expires_at) = auth.authenticate(token).await.map_err(|e| {
            // The reason only: the token itself is a credential.
            tracing::info!(reason = e.reason(), "token refused: {e}");
            AppError::Unauthenticated { reason: e.reason() }
        })?;
        let actor = match self.cached(&identity) {
            Some(actor) => actor,
            None => {
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
                insert_bounded(
                    &self.users,
                    identity.subject.clone(),
                    (identity, actor.clone(), Instant::now()),
                    |(_, _, at)| at.elapsed() < TTL,
                );
                actor
            }
        };
        insert_bounded(
            &self.tokens,
            token.to_owned(),
            (actor.clone(), expires_at, Instant::now()),
            |(_, expires_at, at)| at.elapsed() < TTL && !expired(*expires_at),
        );
        Ok(actor)
    }

    /// Forgets a user whose account was erased: their next request, if any, starts afresh.
    pub fn forget_user(&self, user_id: uuid::Uuid) {
        let mut users = self.users.lock().unwrap_or_else(|p| p.into_inner());
        users.retain(|_, (_, actor, _)| actor.user_id != user_id);
        drop(users);
        let mut tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        tokens.retain(|_, (actor, _, _)| actor.user_id != user_id);
    }

    fn verified(&self, token: &str) -> Option<Actor> {
        let tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        let (actor, expires_at, at) = tokens.get(token)?;
        (at.elapsed() < TTL && !expired(*expires_at)).then(|| actor.clone())
    }

    fn cached(&self, identity: &Identity) -> Option<Actor> {
        let users = self.users.lock().unwrap_or_else(|p| p.into_inner());
        let (known, actor, at) = users.get(&identity.subject)?;
        (known == identity && at.elapsed() < TTL).then(|| actor.clone())
    }
}

/// Without the leeway the signature check grants: a cached token is trusted a little less long.
fn expired(expires_at: i64) -> bool {
    chrono::Utc::now().timestamp() >= expires_at
}

/// Inserts, first dropping stale entries when the map is full, and everything if they are not.
fn insert_bounded<V>(
    map: &Mutex<HashMap<String, V>>,
    key: String,
    value: V,
    fresh: impl Fn(&V) -> bool,
) {
    let mut map = map.lock().unwrap_or_else(|p| p.into_inner());
    if map.len() >= MAX_ENTRIES {
        map.retain(|_, v| fresh(v));
        if map.len() >= MAX_ENTRIES {
            map.clear();
        }
    }
    map.insert(key, value);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_map_makes_room_for_a_new_entry() {
        let map = Mutex::new(HashMap::new());
        for i in 0..MAX_ENTRIES {
            insert_bounded(&map, i.to_string(), i, |_| true);
        }
        insert_bounded(&map, "new".to_owned(), 0, |_| true);
        let map = map.into_inner().unwrap();
        assert!(map.len() <= MAX_ENTRIES);
        assert!(map.contains_key("new"));
    }

    #[test]
    fn a_token_past_its_expiry_is_not_trusted_from_the_cache() {
        let now = chrono::Utc::now().timestamp();
        assert!(expired(now - 1));
        assert!(!expired(now + 60));
    }
}
