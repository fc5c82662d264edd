//! How many dossiers each status holds, kept by triggers with every insert, deletion and change
//! of status (whatever the path: a use-case, an erasure's cascade, `acquis seed`), so the
//! administration's totals read a few rows instead of counting 100,000 dossiers. On PostgreSQL
//! a status has 16 slots, each change touching a random one, so concurrent creations do not all
//! queue on one row; SQLite has one writer and one slot.

use sea_orm_migration::prelude::*;

use super::m20261129_000005_full_text_search::{run, statements};

#[derive(DeriveMigrationName)]
pub struct Migration;

const POSTGRES_UP: &[&str] = &[
    "CREATE TABLE dossier_count (status TEXT NOT NULL, slot SMALLINT NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (status, slot))",
    "CREATE FUNCTION acquis_count_dossiers() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF TG_OP IN ('UPDATE', 'DELETE') THEN
         INSERT INTO dossier_count (status, slot, n) VALUES (OLD.status, floor(random() * 16)::smallint, -1)
           ON CONFLICT (status, slot) DO UPDATE SET n = dossier_count.n - 1;
       END IF;
       IF TG_OP IN ('UPDATE', 'INSERT') THEN
         INSERT INTO dossier_count (status, slot, n) VALUES (NEW.status, floor(random() * 16)::smallint, 1)
           ON CONFLICT (status, slot) DO UPDATE SET n = dossier_count.n + 1;
       END IF;
       RETURN NULL;
     END $$",
    "CREATE TRIGGER dossier_count_rows AFTER INSERT OR DELETE ON dossier FOR EACH ROW EXECUTE FUNCTION acquis_count_dossiers()",
    "CREATE TRIGGER dossier_count_status AFTER UPDATE OF status ON dossier FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION acquis_count_dossiers()",
    "INSERT INTO dossier_count (status, slot, n) SELECT status, 0, count(*) FROM dossier GROUP BY status",
];

const POSTGRES_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS dossier_count_status ON dossier",
    "DROP TRIGGER IF EXISTS dossier_count_rows ON dossier",
    "DROP FUNCTION IF EXISTS acquis_count_dossiers()",
    "DROP TABLE IF EXISTS dossier_count",
];

const SQLITE_UP: &[&str] = &[
    "CREATE TABLE dossier_count (status TEXT NOT NULL, slot INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (status, slot))",
    "CREATE TRIGGER dossier_count_insert AFTER INSERT ON dossier BEGIN
       INSERT INTO dossier_count (status, slot, n) VALUES (NEW.status, 0, 1)
         ON CONFLICT (status, slot) DO UPDATE SET n = n + 1;
     END",
    "CREATE TRIGGER dossier_count_delete AFTER DELETE ON dossier BEGIN
       INSERT INTO dossier_count (status, slot, n) VALUES (OLD.status, 0, -1)
         ON CONFLICT (status, slot) DO UPDATE SET n = n - 1;
     END",
    "CREATE TRIGGER dossier_count_status AFTER UPDATE OF status ON dossier WHEN OLD.status IS NOT NEW.status BEGIN
       INSERT INTO dossier_count (status, slot, n) VALUES (OLD.status, 0, -1)
         ON CONFLICT (status, slot) DO UPDATE SET n = n - 1;
       INSERT INTO dossier_count (status, slot, n) VALUES (NEW.status, 0, 1)
         ON CONFLICT (status, slot) DO UPDATE SET n = n + 1;
     END",
    "INSERT INTO dossier_count (status, slot, n) SELECT status, 0, count(*) FROM dossier GROUP BY status",
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS dossier_count_status",
    "DROP TRIGGER IF EXISTS dossier_count_delete",
    "DROP TRIGGER IF EXISTS dossier_count_insert",
    "DROP TABLE IF EXISTS dossier_count",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, statements(manager, POSTGRES_UP, SQLITE_UP)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, statements(manager, POSTGRES_DOWN, SQLITE_DOWN)).await
    }
}
