-- Create index "salesday_store_id_buyer_day_pa_da5be7bb18dd901fb5c61b1faff559f8" to table: "sales_days"
CREATE INDEX "salesday_store_id_buyer_day_pa_da5be7bb18dd901fb5c61b1faff559f8" ON "sales_days" ("store_id", "buyer", "day", "paid_orders", "paid_amount", "source", "placed_orders");
-- Drop the buyer indexes the new one supersedes (decision 0250): every
-- sales_days write updated them too.
DROP INDEX IF EXISTS "salesday_store_id_buyer_day";
DROP INDEX IF EXISTS "salesday_store_id_buyer_day_paid_orders_paid_amount";
