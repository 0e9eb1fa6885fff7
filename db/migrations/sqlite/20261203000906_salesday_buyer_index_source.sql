-- Create index "salesday_store_id_buyer_day_pai_2c6044ad158eb1fd8c4b2aae5cb9b112" to table: "sales_days"
CREATE INDEX `salesday_store_id_buyer_day_pai_2c6044ad158eb1fd8c4b2aae5cb9b112` ON `sales_days` (`store_id`, `buyer`, `day`, `paid_orders`, `paid_amount`, `source`, `placed_orders`);
-- Drop the buyer indexes the new one supersedes (decision 0250): every
-- sales_days write updated them too.
DROP INDEX IF EXISTS `salesday_store_id_buyer_day`;
DROP INDEX IF EXISTS `salesday_store_id_buyer_day_paid_orders_paid_amount`;
