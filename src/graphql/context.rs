//! Per-request context: the bearer token, resolved to an actor only when a resolver needs one.

use std::sync::Arc;

use async_graphql::Context;
use tokio::sync::OnceCell;

use crate::app::AppState;
use crate::domain::policy::Actor;
use crate::error::AppError;

/// Attached to every GraphQL request by the HTTP layer.
#[derive(Clone)]
pub struct RequestAuth {
    pub token: Option<String>,
    actor: Arc<OnceCell<Result<Actor, String>>>,
}

impl RequestAuth {
    pub fn new(token: Option<String>) -> RequestAuth {
        RequestAuth {
            token,
            actor: Arc::new(OnceCell::new()),
        }
    }
}

pub fn state<'a>(ctx: &Context<'a>) -> &'a AppState {
    ctx.data_unchecked::<AppState>()
}

/// The authenticated actor, or `UNAUTHENTICATED`.
pub async fn actor(ctx: &Context<'_>) -> Result<Actor, AppError> {
    let auth = ctx
        .data::<RequestAuth>()
        .map_err(|_| AppError::Unauthenticated)?;
    let Some(token) = auth.token.as_deref() else {
        return Err(AppError::Unauthenticated);
    };
    let state = state(ctx);
    let resolved = auth
        .actor
        .get_or_init(|| async {
            match state.actors.resolve(&state.auth, &state.db, token).await {
                Ok(actor) => Ok(actor),
                Err(AppError::Unauthenticated) => Err(String::new()),
                Err(other) => Err(other.to_string()),
            }
        })
        .await;
    match resolved {
        Ok(actor) => Ok(actor.clone()),
        Err(msg) if msg.is_empty() => Err(AppError::Unauthenticated),
        Err(msg) => Err(AppError::DatabaseUnavailable(anyhow::anyhow!("{msg}"))),
    }
}
