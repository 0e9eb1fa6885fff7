-- Rollup tables (derived rows, rebuildable from orders): no foreign key to the
-- organization (decision 0258), and the SKU rollup keyed by store with one
-- index instead of two (decision 0257). SQLite drops a foreign key by copying
-- the table; the old SKU indexes go with the old table.
-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_sku_sales_days" table
CREATE TABLE `new_sku_sales_days` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `organization_id` integer NOT NULL, `store_id` integer NOT NULL, `sku_id` integer NOT NULL, `day` text NOT NULL, `units` integer NOT NULL DEFAULT (0), `amount` integer NOT NULL DEFAULT (0));
-- Set sequence for "new_sku_sales_days" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_sku_sales_days", 124554051584);
-- Copy rows from old table "sku_sales_days" to new temporary table "new_sku_sales_days"
INSERT INTO `new_sku_sales_days` (`id`, `organization_id`, `store_id`, `sku_id`, `day`, `units`, `amount`) SELECT `id`, `organization_id`, `store_id`, `sku_id`, `day`, `units`, `amount` FROM `sku_sales_days`;
-- Drop "sku_sales_days" table after copying rows
DROP TABLE `sku_sales_days`;
-- Rename temporary table "new_sku_sales_days" to "sku_sales_days"
ALTER TABLE `new_sku_sales_days` RENAME TO `sku_sales_days`;
-- Create index "skusalesday_store_id_day_sku_id" to table: "sku_sales_days"
CREATE UNIQUE INDEX `skusalesday_store_id_day_sku_id` ON `sku_sales_days` (`store_id`, `day`, `sku_id`);
-- Create "new_sales_days" table
CREATE TABLE `new_sales_days` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `organization_id` integer NOT NULL, `store_id` integer NOT NULL, `day` text NOT NULL, `buyer` text NOT NULL, `source` text NOT NULL, `placed_orders` integer NOT NULL DEFAULT (0), `paid_orders` integer NOT NULL DEFAULT (0), `paid_amount` integer NOT NULL DEFAULT (0), `refunded_orders` integer NOT NULL DEFAULT (0), `refund_amount` integer NOT NULL DEFAULT (0));
-- Set sequence for "new_sales_days" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_sales_days", 128849018880);
-- Copy rows from old table "sales_days" to new temporary table "new_sales_days"
INSERT INTO `new_sales_days` (`id`, `organization_id`, `store_id`, `day`, `buyer`, `source`, `placed_orders`, `paid_orders`, `paid_amount`, `refunded_orders`, `refund_amount`) SELECT `id`, `organization_id`, `store_id`, `day`, `buyer`, `source`, `placed_orders`, `paid_orders`, `paid_amount`, `refunded_orders`, `refund_amount` FROM `sales_days`;
-- Drop "sales_days" table after copying rows
DROP TABLE `sales_days`;
-- Rename temporary table "new_sales_days" to "sales_days"
ALTER TABLE `new_sales_days` RENAME TO `sales_days`;
-- Create index "salesday_store_id_day_buyer_source" to table: "sales_days"
CREATE UNIQUE INDEX `salesday_store_id_day_buyer_source` ON `sales_days` (`store_id`, `day`, `buyer`, `source`);
-- Create index "salesday_store_id_buyer_day_pai_2c6044ad158eb1fd8c4b2aae5cb9b112" to table: "sales_days"
CREATE INDEX `salesday_store_id_buyer_day_pai_2c6044ad158eb1fd8c4b2aae5cb9b112` ON `sales_days` (`store_id`, `buyer`, `day`, `paid_orders`, `paid_amount`, `source`, `placed_orders`);
-- Create "new_sales_periods" table
CREATE TABLE `new_sales_periods` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `organization_id` integer NOT NULL, `store_id` integer NOT NULL, `kind` text NOT NULL, `start` text NOT NULL, `source` text NOT NULL, `placed_orders` integer NOT NULL DEFAULT (0), `paid_orders` integer NOT NULL DEFAULT (0), `paid_amount` integer NOT NULL DEFAULT (0), `refunded_orders` integer NOT NULL DEFAULT (0), `refund_amount` integer NOT NULL DEFAULT (0), `paying_buyers` integer NOT NULL DEFAULT (0), `ordering_buyers` integer NOT NULL DEFAULT (0), `repeat_buyers` integer NOT NULL DEFAULT (0), `returning_buyers` integer NOT NULL DEFAULT (0));
-- Set sequence for "new_sales_periods" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_sales_periods", 184683593728);
-- Copy rows from old table "sales_periods" to new temporary table "new_sales_periods"
INSERT INTO `new_sales_periods` (`id`, `organization_id`, `store_id`, `kind`, `start`, `source`, `placed_orders`, `paid_orders`, `paid_amount`, `refunded_orders`, `refund_amount`, `paying_buyers`, `ordering_buyers`, `repeat_buyers`, `returning_buyers`) SELECT `id`, `organization_id`, `store_id`, `kind`, `start`, `source`, `placed_orders`, `paid_orders`, `paid_amount`, `refunded_orders`, `refund_amount`, `paying_buyers`, `ordering_buyers`, `repeat_buyers`, `returning_buyers` FROM `sales_periods`;
-- Drop "sales_periods" table after copying rows
DROP TABLE `sales_periods`;
-- Rename temporary table "new_sales_periods" to "sales_periods"
ALTER TABLE `new_sales_periods` RENAME TO `sales_periods`;
-- Create index "salesperiod_store_id_kind_start_source" to table: "sales_periods"
CREATE UNIQUE INDEX `salesperiod_store_id_kind_start_source` ON `sales_periods` (`store_id`, `kind`, `start`, `source`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
