//! Users are created the first time their token is seen and refreshed on later visits.

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::entities::app_user;
use super::records::UserRecord;
use crate::domain::policy::Role;

/// Finds or creates the user behind a token subject. Roles and name follow the latest token.
pub async fn upsert(
    db: &impl ConnectionTrait,
    subject: &str,
    roles: &[Role],
    display_name: Option<&str>,
) -> Result<UserRecord, DbErr> {
    let now = Utc::now();
    let roles_text = roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(",");
    let model = app_user::ActiveModel {
        id: Set(Uuid::now_v7()),
        subject: Set(subject.to_owned()),
        display_name: Set(display_name.map(str::to_owned)),
        roles: Set(roles_text),
        created_at: Set(now),
        last_seen_at: Set(now),
    };
    app_user::Entity::insert(model)
        .on_conflict(
            OnConflict::column(app_user::Column::Subject)
                .update_columns([
                    app_user::Column::Roles,
                    app_user::Column::DisplayName,
                    app_user::Column::LastSeenAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    by_subject(db, subject)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("user {subject}")))
}

pub async fn by_subject(
    db: &impl ConnectionTrait,
    subject: &str,
) -> Result<Option<UserRecord>, DbErr> {
    Ok(app_user::Entity::find()
        .filter(app_user::Column::Subject.eq(subject))
        .one(db)
        .await?
        .map(record))
}

pub async fn by_ids(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<UserRecord>, DbErr> {
    Ok(app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(record)
        .collect())
}

/// Makes sure a user exists for a subject named by an admin (e.g. an advisor assigned before
/// their first login); an existing user keeps their roles.
pub async fn ensure(db: &impl ConnectionTrait, subject: &str) -> Result<UserRecord, DbErr> {
    if let Some(user) = by_subject(db, subject).await? {
        return Ok(user);
    }
    let now = Utc::now();
    let model = app_user::ActiveModel {
        id: Set(Uuid::now_v7()),
        subject: Set(subject.to_owned()),
        display_name: Set(None),
        roles: Set(String::new()),
        created_at: Set(now),
        last_seen_at: Set(now),
    };
    app_user::Entity::insert(model)
        .on_conflict(
            OnConflict::column(app_user::Column::Subject)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    by_subject(db, subject)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("user {subject}")))
}

fn record(model: app_user::Model) -> UserRecord {
    UserRecord {
        id: model.id,
        subject: model.subject,
        display_name: model.display_name,
        roles: model.roles.split(',').filter_map(Role::parse).collect(),
    }
}

/// Users by subject, for many subjects at once.
pub async fn by_subjects(
    db: &impl ConnectionTrait,
    subjects: &[String],
) -> Result<Vec<UserRecord>, DbErr> {
    if subjects.is_empty() {
        return Ok(Vec::new());
    }
    Ok(app_user::Entity::find()
        .filter(app_user::Column::Subject.is_in(subjects.iter().cloned()))
        .all(db)
        .await?
        .into_iter()
        .map(record)
        .collect())
}

/// Inserts many users in a few statements (bulk loads such as `acquis seed`); a subject that
/// already exists keeps its row.
pub async fn insert_many(db: &impl ConnectionTrait, users: &[UserRecord]) -> Result<(), DbErr> {
    // A few hundred rows per statement stays far below every backend's bound-parameter limit.
    const ROWS: usize = 500;
    let now = Utc::now();
    for chunk in users.chunks(ROWS) {
        let rows = chunk.iter().map(|u| app_user::ActiveModel {
            id: Set(u.id),
            subject: Set(u.subject.clone()),
            display_name: Set(u.display_name.clone()),
            roles: Set(u
                .roles
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(",")),
            created_at: Set(now),
            last_seen_at: Set(now),
        });
        app_user::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::column(app_user::Column::Subject)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}
