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
    actor: Arc<OnceCell<Result<Actor, Refused>>>,
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

/// Why a request has no actor, kept for the other fields of the same request.
#[derive(Clone)]
enum Refused {
    Unauthenticated(&'static str),
    Unavailable(String),
}

/// The authenticated actor, or `UNAUTHENTICATED` with the reason.
pub async fn actor(ctx: &Context<'_>) -> Result<Actor, AppError> {
    let auth = ctx
        .data::<RequestAuth>()
        .map_err(|_| AppError::token_missing())?;
    let Some(token) = auth.token.as_deref() else {
        return Err(AppError::token_missing());
    };
    let state = state(ctx);
    let resolved = auth
        .actor
        .get_or_init(|| async {
            match state.actors.resolve(&state.auth, &state.db, token).await {
                Ok(actor) => Ok(actor),
                Err(AppError::Unauthenticated { reason }) => Err(Refused::Unauthenticated(reason)),
                Err(other) => Err(Refused::Unavailable(other.to_string())),
            }
        })
        .await;
    match resolved {
        Ok(actor) => Ok(actor.clone()),
        Err(Refused::Unauthenticated(reason)) => Err(AppError::Unauthenticated { reason }),
        Err(Refused::Unavailable(msg)) => {
            Err(AppError::DatabaseUnavailable(anyhow::anyhow!("{msg}")))
        }
    }
}
