-- Create index "skusalesday_store_id_day_sku_id" to table: "sku_sales_days"
CREATE UNIQUE INDEX "skusalesday_store_id_day_sku_id" ON "sku_sales_days" ("store_id", "day", "sku_id");
-- One index serves the upsert's key and the store-day reads: the two it
-- replaces cost a write per SKU-day row each (see ent/schema/insights.go).
DROP INDEX IF EXISTS "skusalesday_sku_id_day";
DROP INDEX IF EXISTS "skusalesday_store_id_day";
