//! The person behind a request, and people shown on dossiers.

use async_graphql::{Context, ID, Object, SimpleObject};

use super::context::{actor, state};
use super::enums::Role;
use super::errors::GqlResult;
use crate::db::records::UserRecord;
use crate::db::{self};
use crate::error::AppError;

/// A user of Acquis, known by the subject of their token.
#[derive(SimpleObject, Clone, Debug)]
pub struct Viewer {
    pub id: ID,
    pub subject: String,
    pub roles: Vec<Role>,
    pub display_name: Option<String>,
}

impl From<UserRecord> for Viewer {
    fn from(user: UserRecord) -> Viewer {
        Viewer {
            id: ID(user.id.to_string()),
            subject: user.subject,
            roles: user.roles.into_iter().map(Role::from).collect(),
            display_name: user.display_name,
        }
    }
}

#[derive(Default)]
pub struct ViewerQuery;

#[Object]
impl ViewerQuery {
    /// Who the bearer token says you are; `UNAUTHENTICATED` without a valid token.
    async fn me(&self, ctx: &Context<'_>) -> async_graphql::Result<Viewer> {
        let actor = actor(ctx).await.gql()?;
        let users = db::users::by_ids(&state(ctx).db, &[actor.user_id])
            .await
            .map_err(AppError::from)
            .gql()?;
        let user = users
            .into_iter()
            .next()
            .ok_or_else(AppError::token_missing)
            .gql()?;
        Ok(Viewer {
            roles: actor.roles.iter().copied().map(Role::from).collect(),
            ..Viewer::from(user)
        })
    }
}
