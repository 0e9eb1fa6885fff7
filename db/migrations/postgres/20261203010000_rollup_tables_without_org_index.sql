-- The rollup tables are read by store only: their organization_id indexes
-- cost a write per row on every sync page and serve no query (decision 0256).
DROP INDEX IF EXISTS "salesday_organization_id";
DROP INDEX IF EXISTS "skusalesday_organization_id";
DROP INDEX IF EXISTS "salesperiod_organization_id";
