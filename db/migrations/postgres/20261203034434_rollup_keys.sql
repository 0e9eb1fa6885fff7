-- Rollup tables (derived rows, rebuildable from orders): no foreign key to the
-- organization (decision 0258), and the SKU rollup keyed by store with one
-- index instead of two (decision 0257; the generator never writes DROP INDEX).
-- Modify "sales_days" table
ALTER TABLE "sales_days" DROP CONSTRAINT "sales_days_organizations_organization";
-- Modify "sales_periods" table
ALTER TABLE "sales_periods" DROP CONSTRAINT "sales_periods_organizations_organization";
-- Modify "sku_sales_days" table
ALTER TABLE "sku_sales_days" DROP CONSTRAINT "sku_sales_days_organizations_organization";
-- Create index "skusalesday_store_id_day_sku_id" to table: "sku_sales_days"
CREATE UNIQUE INDEX "skusalesday_store_id_day_sku_id" ON "sku_sales_days" ("store_id", "day", "sku_id");
DROP INDEX IF EXISTS "skusalesday_sku_id_day";
DROP INDEX IF EXISTS "skusalesday_store_id_day";
