//! The one application error enum. Each variant has a stable code that clients may rely on.
//!
//! Problems the user can fix (`Invalid`, `StaleVersion`, `InvalidTransition`) become
//! `userErrors` in mutation payloads; the others become GraphQL errors with `extensions.code`.
//! `Internal` is logged once where it is turned into a response, and the client only sees a
//! generic message.

use std::borrow::Cow;

/// Result of every use-case.
pub type AppResult<T> = Result<T, AppError>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No token, or one that was refused; `reason` says which (`TOKEN_MISSING`, or one of
    /// [`crate::auth::AuthError::reason`]) and is not part of the message.
    #[error("authentication required: send a valid bearer token")]
    Unauthenticated { reason: &'static str },
    #[error("{0}")]
    Forbidden(Cow<'static, str>),
    #[error("{0} not found")]
    NotFound(&'static str),
    /// Bad input; `field` is the path inside the mutation input.
    #[error("{message}")]
    Invalid {
        field: Vec<String>,
        message: String,
        code: &'static str,
    },
    #[error(
        "the dossier changed since you read it (expected version {expected}, current version {actual}); reload and try again"
    )]
    StaleVersion { expected: i32, actual: i32 },
    #[error("{0}")]
    InvalidTransition(String),
    /// The dossier is kept as it is: a restriction of processing (`DOSSIER_RESTRICTED`) or a
    /// legal hold (`LEGAL_HOLD`).
    #[error("{message}")]
    Frozen { code: &'static str, message: String },
    /// Several problems with one input, each a user error: all are reported at once, so the
    /// user fixes them in one go.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Several(Vec<AppError>),
    #[error("the object store is unavailable, try again later")]
    StorageUnavailable(#[source] anyhow::Error),
    #[error("the database is unavailable, try again later")]
    DatabaseUnavailable(#[source] anyhow::Error),
    /// The time limit ran out (a query operation, a SQL statement, or SQLite's wait for a lock);
    /// whatever the request had not committed was rolled back.
    #[error(
        "the request did not complete in time and was stopped; nothing it had not finished was saved. Try again, or narrow the query"
    )]
    Timeout,
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated { .. } => "UNAUTHENTICATED",
            AppError::Forbidden(_) => "FORBIDDEN",
            AppError::NotFound(_) => "NOT_FOUND",
            AppError::Invalid { code, .. } => code,
            AppError::StaleVersion { .. } => "STALE_VERSION",
            AppError::InvalidTransition(_) => "INVALID_TRANSITION",
            AppError::Frozen { code, .. } => code,
            AppError::Several(errors) => errors.first().map_or("BAD_USER_INPUT", AppError::code),
            AppError::StorageUnavailable(_) => "STORAGE_UNAVAILABLE",
            AppError::DatabaseUnavailable(_) => "DATABASE_UNAVAILABLE",
            AppError::Timeout => "TIMEOUT",
            AppError::Internal(_) => "INTERNAL",
        }
    }

    /// Whether the problem belongs in a mutation's `userErrors` rather than in `errors`.
    pub fn is_user_error(&self) -> bool {
        matches!(
            self,
            AppError::Invalid { .. }
                | AppError::StaleVersion { .. }
                | AppError::InvalidTransition(_)
                | AppError::Frozen { .. }
                | AppError::Several(_)
        )
    }

    pub fn invalid(field: &[&str], code: &'static str, message: impl Into<String>) -> AppError {
        AppError::Invalid {
            field: field.iter().map(|f| (*f).to_owned()).collect(),
            message: message.into(),
            code,
        }
    }

    /// A request without a bearer token.
    pub fn token_missing() -> AppError {
        AppError::Unauthenticated {
            reason: "TOKEN_MISSING",
        }
    }

    pub fn forbidden(message: &'static str) -> AppError {
        AppError::Forbidden(Cow::Borrowed(message))
    }
}

/// Collects the user errors of an input's fields, so that all of them are reported together.
#[derive(Debug, Default)]
pub struct Checks(Vec<AppError>);

impl Checks {
    /// The value, or `None` with the error kept.
    pub fn check<T>(&mut self, result: AppResult<T>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(err) => {
                self.0.push(err);
                None
            }
        }
    }

    /// The error of what was collected: itself when there is one, `Several` otherwise.
    pub fn into_error(mut self) -> AppError {
        match self.0.len() {
            0 => AppError::Internal(anyhow::anyhow!("a check failed without an error")),
            1 => self.0.remove(0),
            _ => AppError::Several(self.0),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok` when nothing was collected.
    pub fn finish(self) -> AppResult<()> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self.into_error())
        }
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        use sea_orm::DbErr;
        match err {
            DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => {
                AppError::DatabaseUnavailable(err.into())
            }
            DbErr::Query(sea_orm::RuntimeErr::SqlxError(ref e))
            | DbErr::Exec(sea_orm::RuntimeErr::SqlxError(ref e))
                if is_connection_error(e) =>
            {
                AppError::DatabaseUnavailable(anyhow::anyhow!("{err}"))
            }
            DbErr::Query(sea_orm::RuntimeErr::SqlxError(ref e))
            | DbErr::Exec(sea_orm::RuntimeErr::SqlxError(ref e))
                if is_timeout(e) =>
            {
                AppError::Timeout
            }
            other => AppError::Internal(other.into()),
        }
    }
}

fn is_connection_error(err: &sea_orm::sqlx::Error) -> bool {
    use sea_orm::sqlx::Error;
    match err {
        Error::Io(_)
        | Error::PoolTimedOut
        | Error::PoolClosed
        | Error::Tls(_)
        | Error::WorkerCrashed
        | Error::Protocol(_) => true,
        // SQLSTATE class 08 (connection exception) and 57P (the server shutting down or
        // starting): what a pooled connection meets when the database restarts.
        Error::Database(db) => db
            .code()
            .is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
        _ => false,
    }
}

/// PostgreSQL cancelled the statement (`statement_timeout`, `lock_timeout`), or SQLite's busy
/// timeout ran out while another connection held the lock (SQLITE_BUSY, SQLITE_LOCKED and their
/// extended codes, whose low byte is the primary code).
fn is_timeout(err: &sea_orm::sqlx::Error) -> bool {
    let sea_orm::sqlx::Error::Database(db) = err else {
        return false;
    };
    if db
        .try_downcast_ref::<sea_orm::sqlx::sqlite::SqliteError>()
        .is_some()
    {
        return db
            .code()
            .and_then(|code| code.parse::<i32>().ok())
            .is_some_and(|code| matches!(code & 0xff, 5 | 6));
    }
    db.code()
        .is_some_and(|code| code == "57014" || code == "55P03")
}

impl From<object_store::Error> for AppError {
    fn from(err: object_store::Error) -> Self {
        match err {
            object_store::Error::NotFound { .. } => AppError::NotFound("object"),
            other => AppError::StorageUnavailable(other.into()),
        }
    }
}
