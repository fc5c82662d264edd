//! Turning `AppError` into GraphQL: user-fixable problems become `userErrors` in payloads,
//! the rest become errors with a stable `extensions.code`. Internal errors are logged here,
//! once, and the client sees a generic message.

use async_graphql::{ErrorExtensions, SimpleObject};

use crate::error::AppError;

/// A problem with the input that the user can fix.
#[derive(SimpleObject, Clone, Debug)]
pub struct UserError {
    /// Path of the offending input field, e.g. `["endDate"]`.
    pub field: Option<Vec<String>>,
    pub message: String,
    /// Stable machine-readable code, e.g. `INVALID_DATE_RANGE`.
    pub code: String,
}

impl From<&AppError> for UserError {
    fn from(err: &AppError) -> UserError {
        let field = match err {
            AppError::Invalid { field, .. } if !field.is_empty() => Some(field.clone()),
            AppError::StaleVersion { .. } => Some(vec!["expectedVersion".to_owned()]),
            _ => None,
        };
        UserError {
            field,
            message: err.to_string(),
            code: err.code().to_owned(),
        }
    }
}

/// Converts an error into a GraphQL error with `extensions.code`.
pub fn gql(err: AppError) -> async_graphql::Error {
    match &err {
        AppError::Internal(inner) => tracing::error!(error = ?inner, "internal error"),
        AppError::StorageUnavailable(inner) | AppError::DatabaseUnavailable(inner) => {
            tracing::warn!(error = %inner, code = err.code(), "dependency unavailable")
        }
        AppError::Timeout => tracing::warn!(code = err.code(), "a request ran out of time"),
        _ => {}
    }
    let code = match &err {
        AppError::Invalid { .. } => "BAD_USER_INPUT",
        other => other.code(),
    };
    let detail = match &err {
        AppError::Unauthenticated { reason } => reason,
        other => other.code(),
    };
    async_graphql::Error::new(err.to_string()).extend_with(|_, ext| {
        ext.set("code", code);
        if detail != code {
            ext.set("reason", detail);
        }
    })
}

/// `.gql()?` in resolvers: async-graphql's blanket `From<impl Display>` would otherwise turn an
/// `AppError` into an error without its code.
pub trait GqlResult<T> {
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T> GqlResult<T> for Result<T, AppError> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(gql)
    }
}

/// Splits a use-case result for a mutation payload: user errors go in `userErrors`, other
/// errors fail the field.
pub fn payload<T>(
    result: Result<T, AppError>,
) -> async_graphql::Result<(Option<T>, Vec<UserError>)> {
    match result {
        Ok(value) => Ok((Some(value), Vec::new())),
        Err(AppError::Several(errors)) => Ok((None, errors.iter().map(UserError::from).collect())),
        Err(err) if err.is_user_error() => Ok((None, vec![UserError::from(&err)])),
        Err(err) => Err(gql(err)),
    }
}
