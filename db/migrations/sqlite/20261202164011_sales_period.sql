-- Create "sales_periods" table
CREATE TABLE `sales_periods` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `store_id` integer NOT NULL, `kind` text NOT NULL, `start` text NOT NULL, `source` text NOT NULL, `placed_orders` integer NOT NULL DEFAULT (0), `paid_orders` integer NOT NULL DEFAULT (0), `paid_amount` integer NOT NULL DEFAULT (0), `refunded_orders` integer NOT NULL DEFAULT (0), `refund_amount` integer NOT NULL DEFAULT (0), `paying_buyers` integer NOT NULL DEFAULT (0), `ordering_buyers` integer NOT NULL DEFAULT (0), `repeat_buyers` integer NOT NULL DEFAULT (0), `returning_buyers` integer NOT NULL DEFAULT (0), `organization_id` integer NOT NULL, CONSTRAINT `sales_periods_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- Set sequence for "sales_periods" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("sales_periods", 184683593728);
-- Create index "salesperiod_organization_id" to table: "sales_periods"
CREATE INDEX `salesperiod_organization_id` ON `sales_periods` (`organization_id`);
-- Create index "salesperiod_store_id_kind_start_source" to table: "sales_periods"
CREATE UNIQUE INDEX `salesperiod_store_id_kind_start_source` ON `sales_periods` (`store_id`, `kind`, `start`, `source`);
