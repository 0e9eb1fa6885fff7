-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Add column "store_id" to table: "api_tokens"
ALTER TABLE `api_tokens` ADD COLUMN `store_id` integer NULL;
-- Create "new_campaigns" table
CREATE TABLE `new_campaigns` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `kind` text NOT NULL, `status` text NOT NULL DEFAULT ('DRAFT'), `starts_at` datetime NOT NULL, `ends_at` datetime NOT NULL, `phases` json NULL, `budget` integer NOT NULL DEFAULT (0), `spend` integer NOT NULL DEFAULT (0), `discount_given` integer NOT NULL DEFAULT (0), `platform_promotion_ids` json NULL, `platform_coupon_ids` json NULL, `discount_reserved` integer NOT NULL DEFAULT (0), `budget_alerted_at` datetime NULL, `exclusive` bool NOT NULL DEFAULT (true), `threshold_basis` text NOT NULL DEFAULT ('AFTER_ITEM_DISCOUNTS'), `clearance` bool NOT NULL DEFAULT (false), `rules` json NOT NULL, `organization_id` integer NOT NULL, `store_id` integer NOT NULL, CONSTRAINT `campaigns_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `campaigns_stores_store` FOREIGN KEY (`store_id`) REFERENCES `stores` (`id`) ON DELETE CASCADE);
-- Copy rows from old table "campaigns" to new temporary table "new_campaigns"
INSERT INTO `new_campaigns` (`id`, `created_at`, `updated_at`, `name`, `kind`, `status`, `starts_at`, `ends_at`, `phases`, `budget`, `spend`, `discount_given`, `budget_alerted_at`, `exclusive`, `threshold_basis`, `clearance`, `rules`, `organization_id`, `store_id`) SELECT `id`, `created_at`, `updated_at`, `name`, `kind`, `status`, `starts_at`, `ends_at`, `phases`, `budget`, `spend`, `discount_given`, `budget_alerted_at`, `exclusive`, `threshold_basis`, `clearance`, `rules`, `organization_id`, `store_id` FROM `campaigns`;
-- Drop "campaigns" table after copying rows
DROP TABLE `campaigns`;
-- Rename temporary table "new_campaigns" to "campaigns"
ALTER TABLE `new_campaigns` RENAME TO `campaigns`;
-- Create index "campaign_organization_id" to table: "campaigns"
CREATE INDEX `campaign_organization_id` ON `campaigns` (`organization_id`);
-- Create index "campaign_store_id_status" to table: "campaigns"
CREATE INDEX `campaign_store_id_status` ON `campaigns` (`store_id`, `status`);
-- Create index "campaign_kind" to table: "campaigns"
CREATE INDEX `campaign_kind` ON `campaigns` (`kind`);
-- Create index "campaign_starts_at" to table: "campaigns"
CREATE INDEX `campaign_starts_at` ON `campaigns` (`starts_at`);
-- Add column "author_id" to table: "kol_partners"
ALTER TABLE `kol_partners` ADD COLUMN `author_id` text NULL;
-- Create "new_orders" table
CREATE TABLE `new_orders` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `platform` text NOT NULL, `external_id` text NOT NULL, `status` text NOT NULL, `total` integer NOT NULL, `paid` integer NOT NULL DEFAULT (0), `idempotency_key` text NULL, `buyer_ref` text NULL, `traffic_source` text NOT NULL DEFAULT ('OTHER'), `ordered_at` datetime NOT NULL, `paid_at` datetime NULL, `tracking_code` text NULL, `author_id` text NULL, `promotion_ids` json NULL, `coupon_ids` json NULL, `discount` integer NOT NULL DEFAULT (0), `organization_id` integer NOT NULL, `store_id` integer NOT NULL, CONSTRAINT `orders_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `orders_stores_store` FOREIGN KEY (`store_id`) REFERENCES `stores` (`id`) ON DELETE CASCADE);
-- Set sequence for "new_orders" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_orders", 25769803776);
-- Copy rows from old table "orders" to new temporary table "new_orders"
INSERT INTO `new_orders` (`id`, `created_at`, `updated_at`, `platform`, `external_id`, `status`, `total`, `paid`, `buyer_ref`, `traffic_source`, `ordered_at`, `paid_at`, `tracking_code`, `organization_id`, `store_id`) SELECT `id`, `created_at`, `updated_at`, `platform`, `external_id`, `status`, `total`, `paid`, `buyer_ref`, `traffic_source`, `ordered_at`, `paid_at`, `tracking_code`, `organization_id`, `store_id` FROM `orders`;
-- Drop "orders" table after copying rows
DROP TABLE `orders`;
-- Rename temporary table "new_orders" to "orders"
ALTER TABLE `new_orders` RENAME TO `orders`;
-- Create index "order_organization_id" to table: "orders"
CREATE INDEX `order_organization_id` ON `orders` (`organization_id`);
-- Create index "order_store_id_external_id" to table: "orders"
CREATE UNIQUE INDEX `order_store_id_external_id` ON `orders` (`store_id`, `external_id`);
-- Create index "order_store_id_idempotency_key" to table: "orders"
CREATE UNIQUE INDEX `order_store_id_idempotency_key` ON `orders` (`store_id`, `idempotency_key`);
-- Create index "order_store_id_ordered_at" to table: "orders"
CREATE INDEX `order_store_id_ordered_at` ON `orders` (`store_id`, `ordered_at`);
-- Create index "order_status" to table: "orders"
CREATE INDEX `order_status` ON `orders` (`status`);
-- Create index "order_organization_id_tracking_code" to table: "orders"
CREATE INDEX `order_organization_id_tracking_code` ON `orders` (`organization_id`, `tracking_code`);
-- Create index "order_organization_id_author_id" to table: "orders"
CREATE INDEX `order_organization_id_author_id` ON `orders` (`organization_id`, `author_id`);
-- Add column "discount_shares" to table: "order_lines"
ALTER TABLE `order_lines` ADD COLUMN `discount_shares` json NULL;
-- Create index "salesday_store_id_buyer_day_paid_orders_paid_amount" to table: "sales_days"
CREATE INDEX `salesday_store_id_buyer_day_paid_orders_paid_amount` ON `sales_days` (`store_id`, `buyer`, `day`, `paid_orders`, `paid_amount`);
-- Create "bargain_helps" table
CREATE TABLE `bargain_helps` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `store_id` integer NOT NULL, `helper_ref` text NOT NULL, `seq` integer NOT NULL, `cut` integer NOT NULL, `price_after` integer NOT NULL, `idempotency_key` text NOT NULL, `organization_id` integer NOT NULL, `session_id` integer NOT NULL, CONSTRAINT `bargain_helps_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `bargain_helps_bargain_sessions_session` FOREIGN KEY (`session_id`) REFERENCES `bargain_sessions` (`id`) ON DELETE CASCADE);
-- Set sequence for "bargain_helps" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("bargain_helps", 133143986176);
-- Create index "bargainhelp_organization_id" to table: "bargain_helps"
CREATE INDEX `bargainhelp_organization_id` ON `bargain_helps` (`organization_id`);
-- Create index "bargainhelp_session_id_helper_ref" to table: "bargain_helps"
CREATE UNIQUE INDEX `bargainhelp_session_id_helper_ref` ON `bargain_helps` (`session_id`, `helper_ref`);
-- Create index "bargainhelp_session_id_seq" to table: "bargain_helps"
CREATE UNIQUE INDEX `bargainhelp_session_id_seq` ON `bargain_helps` (`session_id`, `seq`);
-- Create index "bargainhelp_store_id_idempotency_key" to table: "bargain_helps"
CREATE UNIQUE INDEX `bargainhelp_store_id_idempotency_key` ON `bargain_helps` (`store_id`, `idempotency_key`);
-- Create "bargain_sessions" table
CREATE TABLE `bargain_sessions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `initiator_ref` text NOT NULL, `seed` integer NOT NULL, `start_price` integer NOT NULL, `floor_price` integer NOT NULL, `current_price` integer NOT NULL, `helpers_needed` integer NOT NULL, `helpers_count` integer NOT NULL DEFAULT (0), `buy_rule` text NOT NULL, `expires_at` datetime NOT NULL, `state` text NOT NULL DEFAULT ('ACTIVE'), `purchased_price` integer NULL, `purchase_key` text NULL, `idempotency_key` text NOT NULL, `organization_id` integer NOT NULL, `store_id` integer NOT NULL, `campaign_id` integer NOT NULL, `sku_id` integer NOT NULL, CONSTRAINT `bargain_sessions_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `bargain_sessions_stores_store` FOREIGN KEY (`store_id`) REFERENCES `stores` (`id`) ON DELETE CASCADE, CONSTRAINT `bargain_sessions_campaigns_campaign` FOREIGN KEY (`campaign_id`) REFERENCES `campaigns` (`id`) ON DELETE CASCADE, CONSTRAINT `bargain_sessions_skus_sku` FOREIGN KEY (`sku_id`) REFERENCES `skus` (`id`) ON DELETE CASCADE);
-- Set sequence for "bargain_sessions" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("bargain_sessions", 137438953472);
-- Create index "bargainsession_organization_id" to table: "bargain_sessions"
CREATE INDEX `bargainsession_organization_id` ON `bargain_sessions` (`organization_id`);
-- Create index "bargainsession_store_id_idempotency_key" to table: "bargain_sessions"
CREATE UNIQUE INDEX `bargainsession_store_id_idempotency_key` ON `bargain_sessions` (`store_id`, `idempotency_key`);
-- Create index "bargainsession_state_expires_at" to table: "bargain_sessions"
CREATE INDEX `bargainsession_state_expires_at` ON `bargain_sessions` (`state`, `expires_at`);
-- Create index "bargainsession_campaign_id" to table: "bargain_sessions"
CREATE INDEX `bargainsession_campaign_id` ON `bargain_sessions` (`campaign_id`);
-- Create "buyer_quota" table
CREATE TABLE `buyer_quota` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `scope` text NOT NULL, `buyer_ref` text NOT NULL, `used` integer NOT NULL DEFAULT (0), `organization_id` integer NOT NULL, CONSTRAINT `buyer_quota_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- Set sequence for "buyer_quota" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("buyer_quota", 163208757248);
-- Create index "buyerquota_organization_id" to table: "buyer_quota"
CREATE INDEX `buyerquota_organization_id` ON `buyer_quota` (`organization_id`);
-- Create index "buyerquota_scope_buyer_ref" to table: "buyer_quota"
CREATE UNIQUE INDEX `buyerquota_scope_buyer_ref` ON `buyer_quota` (`scope`, `buyer_ref`);
-- Create "coupon_batches" table
CREATE TABLE `coupon_batches` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `store_id` integer NOT NULL, `campaign_id` integer NOT NULL, `total` integer NOT NULL, `remaining` integer NOT NULL, `organization_id` integer NOT NULL, CONSTRAINT `coupon_batches_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- Set sequence for "coupon_batches" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("coupon_batches", 167503724544);
-- Create index "coupon_batches_campaign_id_key" to table: "coupon_batches"
CREATE UNIQUE INDEX `coupon_batches_campaign_id_key` ON `coupon_batches` (`campaign_id`);
-- Create index "couponbatch_organization_id" to table: "coupon_batches"
CREATE INDEX `couponbatch_organization_id` ON `coupon_batches` (`organization_id`);
-- Create index "couponbatch_store_id" to table: "coupon_batches"
CREATE INDEX `couponbatch_store_id` ON `coupon_batches` (`store_id`);
-- Create "coupon_claims" table
CREATE TABLE `coupon_claims` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `store_id` integer NOT NULL, `campaign_id` integer NOT NULL, `batch_id` integer NOT NULL, `buyer_ref` text NOT NULL, `state` text NOT NULL DEFAULT ('CLAIMED'), `expires_at` datetime NOT NULL, `order_id` integer NULL, `idempotency_key` text NOT NULL, `organization_id` integer NOT NULL, CONSTRAINT `coupon_claims_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- Set sequence for "coupon_claims" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("coupon_claims", 171798691840);
-- Create index "couponclaim_organization_id" to table: "coupon_claims"
CREATE INDEX `couponclaim_organization_id` ON `coupon_claims` (`organization_id`);
-- Create index "couponclaim_store_id_idempotency_key" to table: "coupon_claims"
CREATE UNIQUE INDEX `couponclaim_store_id_idempotency_key` ON `coupon_claims` (`store_id`, `idempotency_key`);
-- Create index "couponclaim_state_expires_at" to table: "coupon_claims"
CREATE INDEX `couponclaim_state_expires_at` ON `coupon_claims` (`state`, `expires_at`);
-- Create index "couponclaim_order_id" to table: "coupon_claims"
CREATE INDEX `couponclaim_order_id` ON `coupon_claims` (`order_id`);
-- Create index "couponclaim_campaign_id_buyer_ref" to table: "coupon_claims"
CREATE INDEX `couponclaim_campaign_id_buyer_ref` ON `coupon_claims` (`campaign_id`, `buyer_ref`);
-- Create "flash_reservations" table
CREATE TABLE `flash_reservations` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `store_id` integer NOT NULL, `campaign_id` integer NOT NULL, `slot_id` integer NOT NULL, `slot_index` integer NOT NULL, `sku_id` integer NOT NULL, `buyer_ref` text NOT NULL, `quantity` integer NOT NULL, `state` text NOT NULL DEFAULT ('HELD'), `expires_at` datetime NOT NULL, `order_id` integer NULL, `idempotency_key` text NOT NULL, `organization_id` integer NOT NULL, CONSTRAINT `flash_reservations_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- Set sequence for "flash_reservations" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("flash_reservations", 176093659136);
-- Create index "flashreservation_organization_id" to table: "flash_reservations"
CREATE INDEX `flashreservation_organization_id` ON `flash_reservations` (`organization_id`);
-- Create index "flashreservation_store_id_idempotency_key" to table: "flash_reservations"
CREATE UNIQUE INDEX `flashreservation_store_id_idempotency_key` ON `flash_reservations` (`store_id`, `idempotency_key`);
-- Create index "flashreservation_state_expires_at" to table: "flash_reservations"
CREATE INDEX `flashreservation_state_expires_at` ON `flash_reservations` (`state`, `expires_at`);
-- Create index "flashreservation_order_id" to table: "flash_reservations"
CREATE INDEX `flashreservation_order_id` ON `flash_reservations` (`order_id`);
-- Create "flash_sale_slots" table
CREATE TABLE `flash_sale_slots` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `store_id` integer NOT NULL, `campaign_id` integer NOT NULL, `slot_index` integer NOT NULL, `stock` integer NOT NULL, `remaining` integer NOT NULL, `organization_id` integer NOT NULL, CONSTRAINT `flash_sale_slots_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- Set sequence for "flash_sale_slots" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("flash_sale_slots", 180388626432);
-- Create index "flashsaleslot_organization_id" to table: "flash_sale_slots"
CREATE INDEX `flashsaleslot_organization_id` ON `flash_sale_slots` (`organization_id`);
-- Create index "flashsaleslot_campaign_id_slot_index" to table: "flash_sale_slots"
CREATE UNIQUE INDEX `flashsaleslot_campaign_id_slot_index` ON `flash_sale_slots` (`campaign_id`, `slot_index`);
-- Create "group_buy_members" table
CREATE TABLE `group_buy_members` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `store_id` integer NOT NULL, `buyer_ref` text NOT NULL, `leader` bool NOT NULL DEFAULT (false), `price_paid` integer NOT NULL, `refund_due` integer NOT NULL DEFAULT (0), `state` text NOT NULL DEFAULT ('WAITING'), `idempotency_key` text NOT NULL, `organization_id` integer NOT NULL, `team_id` integer NOT NULL, CONSTRAINT `group_buy_members_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `group_buy_members_group_buy_teams_team` FOREIGN KEY (`team_id`) REFERENCES `group_buy_teams` (`id`) ON DELETE CASCADE);
-- Set sequence for "group_buy_members" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("group_buy_members", 141733920768);
-- Create index "groupbuymember_organization_id" to table: "group_buy_members"
CREATE INDEX `groupbuymember_organization_id` ON `group_buy_members` (`organization_id`);
-- Create index "groupbuymember_team_id_buyer_ref" to table: "group_buy_members"
CREATE UNIQUE INDEX `groupbuymember_team_id_buyer_ref` ON `group_buy_members` (`team_id`, `buyer_ref`);
-- Create index "groupbuymember_store_id_idempotency_key" to table: "group_buy_members"
CREATE UNIQUE INDEX `groupbuymember_store_id_idempotency_key` ON `group_buy_members` (`store_id`, `idempotency_key`);
-- Create "group_buy_teams" table
CREATE TABLE `group_buy_teams` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `leader_ref` text NOT NULL, `size` integer NOT NULL, `ladder` bool NOT NULL DEFAULT (false), `list_price` integer NOT NULL, `member_price` integer NOT NULL, `leader_price` integer NOT NULL, `member_count` integer NOT NULL DEFAULT (1), `expires_at` datetime NOT NULL, `state` text NOT NULL DEFAULT ('OPEN'), `tier_size` integer NULL, `virtual_filled` bool NOT NULL DEFAULT (false), `virtual_members` integer NOT NULL DEFAULT (0), `settled_at` datetime NULL, `idempotency_key` text NOT NULL, `organization_id` integer NOT NULL, `store_id` integer NOT NULL, `campaign_id` integer NOT NULL, `sku_id` integer NOT NULL, CONSTRAINT `group_buy_teams_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `group_buy_teams_stores_store` FOREIGN KEY (`store_id`) REFERENCES `stores` (`id`) ON DELETE CASCADE, CONSTRAINT `group_buy_teams_campaigns_campaign` FOREIGN KEY (`campaign_id`) REFERENCES `campaigns` (`id`) ON DELETE CASCADE, CONSTRAINT `group_buy_teams_skus_sku` FOREIGN KEY (`sku_id`) REFERENCES `skus` (`id`) ON DELETE CASCADE);
-- Set sequence for "group_buy_teams" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("group_buy_teams", 146028888064);
-- Create index "groupbuyteam_organization_id" to table: "group_buy_teams"
CREATE INDEX `groupbuyteam_organization_id` ON `group_buy_teams` (`organization_id`);
-- Create index "groupbuyteam_store_id_idempotency_key" to table: "group_buy_teams"
CREATE UNIQUE INDEX `groupbuyteam_store_id_idempotency_key` ON `group_buy_teams` (`store_id`, `idempotency_key`);
-- Create index "groupbuyteam_state_expires_at" to table: "group_buy_teams"
CREATE INDEX `groupbuyteam_state_expires_at` ON `group_buy_teams` (`state`, `expires_at`);
-- Create index "groupbuyteam_campaign_id" to table: "group_buy_teams"
CREATE INDEX `groupbuyteam_campaign_id` ON `group_buy_teams` (`campaign_id`);
-- Create "kol_settlements" table
CREATE TABLE `kol_settlements` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `month` text NOT NULL, `status` text NOT NULL DEFAULT ('DRAFT'), `lines` json NOT NULL, `commission` integer NOT NULL DEFAULT (0), `fees` integer NOT NULL DEFAULT (0), `total` integer NOT NULL DEFAULT (0), `generated_at` datetime NOT NULL, `confirmed_by_id` integer NULL, `confirmed_at` datetime NULL, `paid_by_id` integer NULL, `paid_at` datetime NULL, `organization_id` integer NOT NULL, `kol_partner_id` integer NOT NULL, CONSTRAINT `kol_settlements_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `kol_settlements_kol_partners_kol_partner` FOREIGN KEY (`kol_partner_id`) REFERENCES `kol_partners` (`id`) ON DELETE CASCADE);
-- Set sequence for "kol_settlements" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("kol_settlements", 150323855360);
-- Create index "kolsettlement_organization_id" to table: "kol_settlements"
CREATE INDEX `kolsettlement_organization_id` ON `kol_settlements` (`organization_id`);
-- Create index "kolsettlement_kol_partner_id_month" to table: "kol_settlements"
CREATE UNIQUE INDEX `kolsettlement_kol_partner_id_month` ON `kol_settlements` (`kol_partner_id`, `month`);
-- Create "webhook_deliveries" table
CREATE TABLE `webhook_deliveries` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `event_id` text NOT NULL, `event` text NOT NULL, `payload` text NOT NULL, `state` text NOT NULL DEFAULT ('PENDING'), `attempts` integer NOT NULL DEFAULT (0), `next_attempt_at` datetime NULL, `last_attempt_at` datetime NULL, `last_status_code` integer NULL, `last_error` text NULL, `delivered_at` datetime NULL, `replay_of_id` integer NULL, `claimed_by` text NULL, `lease_token` integer NOT NULL DEFAULT (0), `lease_until` datetime NULL, `organization_id` integer NOT NULL, `endpoint_id` integer NOT NULL, CONSTRAINT `webhook_deliveries_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `webhook_deliveries_webhook_endpoints_deliveries` FOREIGN KEY (`endpoint_id`) REFERENCES `webhook_endpoints` (`id`) ON DELETE CASCADE);
-- Set sequence for "webhook_deliveries" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("webhook_deliveries", 154618822656);
-- Create index "webhookdelivery_organization_id" to table: "webhook_deliveries"
CREATE INDEX `webhookdelivery_organization_id` ON `webhook_deliveries` (`organization_id`);
-- Create index "webhookdelivery_state_next_attempt_at" to table: "webhook_deliveries"
CREATE INDEX `webhookdelivery_state_next_attempt_at` ON `webhook_deliveries` (`state`, `next_attempt_at`);
-- Create index "webhookdelivery_endpoint_id_created_at" to table: "webhook_deliveries"
CREATE INDEX `webhookdelivery_endpoint_id_created_at` ON `webhook_deliveries` (`endpoint_id`, `created_at`);
-- Create index "webhookdelivery_event_id" to table: "webhook_deliveries"
CREATE INDEX `webhookdelivery_event_id` ON `webhook_deliveries` (`event_id`);
-- Create "webhook_endpoints" table
CREATE TABLE `webhook_endpoints` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `url` text NOT NULL, `description` text NOT NULL DEFAULT (''), `events` json NOT NULL, `enabled` bool NOT NULL DEFAULT (true), `secret_sealed` blob NOT NULL, `previous_secret_sealed` blob NULL, `previous_secret_until` datetime NULL, `consecutive_failures` integer NOT NULL DEFAULT (0), `last_success_at` datetime NULL, `last_failure_at` datetime NULL, `created_by_id` integer NULL, `organization_id` integer NOT NULL, CONSTRAINT `webhook_endpoints_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- Set sequence for "webhook_endpoints" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("webhook_endpoints", 158913789952);
-- Create index "webhookendpoint_organization_id" to table: "webhook_endpoints"
CREATE INDEX `webhookendpoint_organization_id` ON `webhook_endpoints` (`organization_id`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
