-- Create "pending_rollups" table
CREATE TABLE `pending_rollups` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `organization_id` integer NOT NULL, `store_id` integer NOT NULL, `delta` blob NOT NULL, `created_at` datetime NOT NULL);
-- Set sequence for "pending_rollups" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("pending_rollups", 188978561024);
-- Create index "pendingrollup_store_id" to table: "pending_rollups"
CREATE INDEX `pendingrollup_store_id` ON `pending_rollups` (`store_id`);
