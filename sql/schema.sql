-- schema.sql - the ALOT! schema: applies the numbered migrations in order.
--
--   psql -v ON_ERROR_STOP=1 -d "$DB" -f sql/schema.sql
--
-- Each migration is applied once and recorded in schema_migrations, so
-- running this again is harmless and a database is brought up to date by
-- the same command.  History is never edited: a change is a new migration,
-- added at the end of the list below.  docs/schema.md explains them.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

CREATE TABLE IF NOT EXISTS schema_migrations (
    version VARCHAR(4) PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TIMESTAMP NOT NULL DEFAULT (NOW() AT TIME ZONE 'UTC')
);

-- Two loads at once wait for each other instead of racing.
SELECT pg_catalog.pg_advisory_lock(pg_catalog.hashtext('alot schema migrations')) \gset alot_lock_

\set version 0001
\set file 0001_design_document.sql
\ir migrations/apply.psql
\set version 0002
\set file 0002_integrity.sql
\ir migrations/apply.psql
\set version 0003
\set file 0003_roles.sql
\ir migrations/apply.psql
\set version 0010
\set file 0010_draw_protocol.sql
\ir migrations/apply.psql
\set version 0011
\set file 0011_ledger_freeze.sql
\ir migrations/apply.psql
\set version 0012
\set file 0012_draw_role.sql
\ir migrations/apply.psql
\set version 0013
\set file 0013_transparency_log.sql
\ir migrations/apply.psql
\set version 0014
\set file 0014_beacon.sql
\ir migrations/apply.psql
\set version 0015
\set file 0015_draw_service.sql
\ir migrations/apply.psql
\set version 0016
\set file 0016_audit_indexes.sql
\ir migrations/apply.psql

SELECT pg_catalog.pg_advisory_unlock(pg_catalog.hashtext('alot schema migrations')) \gset alot_lock_
