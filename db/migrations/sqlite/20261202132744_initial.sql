-- Create "api_tokens" table
CREATE TABLE `api_tokens` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `prefix` text NOT NULL, `token_hash` blob NOT NULL, `role` text NOT NULL, `expires_at` datetime NULL, `last_used_at` datetime NULL, `revoked_at` datetime NULL, `organization_id` integer NOT NULL, `created_by_id` integer NOT NULL, CONSTRAINT `api_tokens_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `api_tokens_users_created_by` FOREIGN KEY (`created_by_id`) REFERENCES `users` (`id`) ON DELETE CASCADE);
-- Set sequence for "api_tokens" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("api_tokens", 60129542144);
-- Create index "api_tokens_token_hash_key" to table: "api_tokens"
CREATE UNIQUE INDEX `api_tokens_token_hash_key` ON `api_tokens` (`token_hash`);
-- Create index "apitoken_organization_id" to table: "api_tokens"
CREATE INDEX `apitoken_organization_id` ON `api_tokens` (`organization_id`);
-- Create index "apitoken_created_by_id" to table: "api_tokens"
CREATE INDEX `apitoken_created_by_id` ON `api_tokens` (`created_by_id`);
-- Create "alerts" table
CREATE TABLE `alerts` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `organization_id` integer NULL, `user_id` integer NULL, `kind` text NOT NULL, `severity` text NOT NULL DEFAULT ('WARNING'), `message` text NOT NULL, `acknowledged_at` datetime NULL, `status` text NOT NULL DEFAULT ('OPEN'), `subject` text NULL, `open_key` text NULL, `resolved_at` datetime NULL, `rule_id` integer NULL);
-- Set sequence for "alerts" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("alerts", 64424509440);
-- Create index "alerts_open_key_key" to table: "alerts"
CREATE UNIQUE INDEX `alerts_open_key_key` ON `alerts` (`open_key`);
-- Create index "alert_organization_id_created_at" to table: "alerts"
CREATE INDEX `alert_organization_id_created_at` ON `alerts` (`organization_id`, `created_at`);
-- Create index "alert_user_id" to table: "alerts"
CREATE INDEX `alert_user_id` ON `alerts` (`user_id`);
-- Create "alert_rules" table
CREATE TABLE `alert_rules` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `kind` text NOT NULL, `metric` text NULL, `direction` text NOT NULL DEFAULT ('BELOW'), `threshold` real NOT NULL DEFAULT (0), `severity` text NOT NULL DEFAULT ('WARNING'), `enabled` bool NOT NULL DEFAULT (true), `organization_id` integer NOT NULL, CONSTRAINT `alert_rules_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- Set sequence for "alert_rules" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("alert_rules", 111669149696);
-- Create index "alertrule_organization_id" to table: "alert_rules"
CREATE INDEX `alertrule_organization_id` ON `alert_rules` (`organization_id`);
-- Create index "alertrule_organization_id_kind" to table: "alert_rules"
CREATE INDEX `alertrule_organization_id_kind` ON `alert_rules` (`organization_id`, `kind`);
-- Create index "alertrule_organization_id_name" to table: "alert_rules"
CREATE UNIQUE INDEX `alertrule_organization_id_name` ON `alert_rules` (`organization_id`, `name`);
-- Create "assets" table
CREATE TABLE `assets` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `kind` text NOT NULL DEFAULT ('IMAGE'), `url` text NOT NULL, `source` text NOT NULL, `licence_type` text NOT NULL DEFAULT ('NONE'), `licence_expires_at` datetime NULL, `usage_restrictions` text NULL, `shows_people` bool NOT NULL DEFAULT (false), `model_release` bool NOT NULL DEFAULT (false), `model_release_ref` text NULL, `organization_id` integer NOT NULL, CONSTRAINT `assets_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- Set sequence for "assets" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("assets", 98784247808);
-- Create index "asset_organization_id" to table: "assets"
CREATE INDEX `asset_organization_id` ON `assets` (`organization_id`);
-- Create index "asset_licence_expires_at" to table: "assets"
CREATE INDEX `asset_licence_expires_at` ON `assets` (`licence_expires_at`);
-- Create "audit_events" table
CREATE TABLE `audit_events` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `actor_id` integer NULL, `actor_email` text NULL, `organization_id` integer NULL, `action` text NOT NULL, `object_kind` text NULL, `object_id` text NULL, `success` bool NOT NULL, `error_code` text NULL, `client_address` text NULL, `request_id` text NULL, `summary` json NULL);
-- Set sequence for "audit_events" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("audit_events", 68719476736);
-- Create index "auditevent_organization_id_created_at" to table: "audit_events"
CREATE INDEX `auditevent_organization_id_created_at` ON `audit_events` (`organization_id`, `created_at`);
-- Create index "auditevent_actor_id" to table: "audit_events"
CREATE INDEX `auditevent_actor_id` ON `audit_events` (`actor_id`);
-- Create index "auditevent_action" to table: "audit_events"
CREATE INDEX `auditevent_action` ON `audit_events` (`action`);
-- Create "campaigns" table
CREATE TABLE `campaigns` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `kind` text NOT NULL, `status` text NOT NULL DEFAULT ('DRAFT'), `starts_at` datetime NOT NULL, `ends_at` datetime NOT NULL, `phases` json NULL, `budget` integer NOT NULL DEFAULT (0), `spend` integer NOT NULL DEFAULT (0), `discount_given` integer NOT NULL DEFAULT (0), `budget_alerted_at` datetime NULL, `exclusive` bool NOT NULL DEFAULT (true), `threshold_basis` text NOT NULL DEFAULT ('AFTER_ITEM_DISCOUNTS'), `clearance` bool NOT NULL DEFAULT (false), `rules` json NOT NULL, `organization_id` integer NOT NULL, `store_id` integer NOT NULL, CONSTRAINT `campaigns_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `campaigns_stores_store` FOREIGN KEY (`store_id`) REFERENCES `stores` (`id`) ON DELETE CASCADE);
-- Create index "campaign_organization_id" to table: "campaigns"
CREATE INDEX `campaign_organization_id` ON `campaigns` (`organization_id`);
-- Create index "campaign_store_id_status" to table: "campaigns"
CREATE INDEX `campaign_store_id_status` ON `campaigns` (`store_id`, `status`);
-- Create index "campaign_kind" to table: "campaigns"
CREATE INDEX `campaign_kind` ON `campaigns` (`kind`);
-- Create index "campaign_starts_at" to table: "campaigns"
CREATE INDEX `campaign_starts_at` ON `campaigns` (`starts_at`);
-- Create "casbin_rules" table
CREATE TABLE `casbin_rules` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `ptype` text NOT NULL, `v0` text NOT NULL DEFAULT (''), `v1` text NOT NULL DEFAULT (''), `v2` text NOT NULL DEFAULT (''), `v3` text NOT NULL DEFAULT (''), `v4` text NOT NULL DEFAULT (''), `v5` text NOT NULL DEFAULT (''));
-- Set sequence for "casbin_rules" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("casbin_rules", 73014444032);
-- Create index "casbinrule_ptype_v0_v1_v2_v3_v4_v5" to table: "casbin_rules"
CREATE UNIQUE INDEX `casbinrule_ptype_v0_v1_v2_v3_v4_v5` ON `casbin_rules` (`ptype`, `v0`, `v1`, `v2`, `v3`, `v4`, `v5`);
-- Create "collaborations" table
CREATE TABLE `collaborations` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `brief` text NULL, `deliverables` json NULL, `status` text NOT NULL DEFAULT ('PROPOSED'), `fee` integer NOT NULL DEFAULT (0), `commission_rate` real NOT NULL DEFAULT (0), `attributed_gmv` integer NOT NULL DEFAULT (0), `tracking_code` text NULL, `organization_id` integer NOT NULL, `kol_partner_id` integer NOT NULL, `campaign_id` integer NULL, `content_id` integer NULL, CONSTRAINT `collaborations_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `collaborations_kol_partners_kol_partner` FOREIGN KEY (`kol_partner_id`) REFERENCES `kol_partners` (`id`) ON DELETE CASCADE, CONSTRAINT `collaborations_campaigns_campaign` FOREIGN KEY (`campaign_id`) REFERENCES `campaigns` (`id`) ON DELETE SET NULL, CONSTRAINT `collaborations_contents_content` FOREIGN KEY (`content_id`) REFERENCES `contents` (`id`) ON DELETE SET NULL);
-- Set sequence for "collaborations" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("collaborations", 4294967296);
-- Create index "collaboration_organization_id" to table: "collaborations"
CREATE INDEX `collaboration_organization_id` ON `collaborations` (`organization_id`);
-- Create index "collaboration_kol_partner_id" to table: "collaborations"
CREATE INDEX `collaboration_kol_partner_id` ON `collaborations` (`kol_partner_id`);
-- Create index "collaboration_campaign_id" to table: "collaborations"
CREATE INDEX `collaboration_campaign_id` ON `collaborations` (`campaign_id`);
-- Create index "collaboration_content_id" to table: "collaborations"
CREATE INDEX `collaboration_content_id` ON `collaborations` (`content_id`);
-- Create "contents" table
CREATE TABLE `contents` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `title` text NOT NULL, `body` text NULL, `kind` text NOT NULL, `theme` text NULL, `status` text NOT NULL DEFAULT ('DRAFT'), `scheduled_at` datetime NULL, `published_at` datetime NULL, `tags` json NULL, `variants` json NULL, `review_note` text NULL, `reviewer_id` integer NULL, `external_post_id` text NULL, `post_url` text NULL, `hot_topic_started_at` datetime NULL, `experiment_variant` text NULL, `overdue_alerted_at` datetime NULL, `sla_alerted_at` datetime NULL, `organization_id` integer NOT NULL, `store_id` integer NOT NULL, `author_id` integer NULL, `product_id` integer NULL, `experiment_id` integer NULL, CONSTRAINT `contents_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `contents_stores_store` FOREIGN KEY (`store_id`) REFERENCES `stores` (`id`) ON DELETE CASCADE, CONSTRAINT `contents_users_author` FOREIGN KEY (`author_id`) REFERENCES `users` (`id`) ON DELETE SET NULL, CONSTRAINT `contents_products_product` FOREIGN KEY (`product_id`) REFERENCES `products` (`id`) ON DELETE SET NULL, CONSTRAINT `contents_experiments_experiment` FOREIGN KEY (`experiment_id`) REFERENCES `experiments` (`id`) ON DELETE SET NULL);
-- Set sequence for "contents" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("contents", 8589934592);
-- Create index "content_organization_id" to table: "contents"
CREATE INDEX `content_organization_id` ON `contents` (`organization_id`);
-- Create index "content_store_id_status" to table: "contents"
CREATE INDEX `content_store_id_status` ON `contents` (`store_id`, `status`);
-- Create index "content_scheduled_at" to table: "contents"
CREATE INDEX `content_scheduled_at` ON `contents` (`scheduled_at`);
-- Create index "content_author_id" to table: "contents"
CREATE INDEX `content_author_id` ON `contents` (`author_id`);
-- Create index "content_status_scheduled_at" to table: "contents"
CREATE INDEX `content_status_scheduled_at` ON `contents` (`status`, `scheduled_at`);
-- Create index "content_experiment_id" to table: "contents"
CREATE INDEX `content_experiment_id` ON `contents` (`experiment_id`);
-- Create "engagement_metrics" table
CREATE TABLE `engagement_metrics` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `day` text NOT NULL, `views` integer NOT NULL DEFAULT (0), `likes` integer NOT NULL DEFAULT (0), `comments` integer NOT NULL DEFAULT (0), `shares` integer NOT NULL DEFAULT (0), `saves` integer NOT NULL DEFAULT (0), `organization_id` integer NOT NULL, `content_id` integer NOT NULL, CONSTRAINT `engagement_metrics_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `engagement_metrics_contents_content` FOREIGN KEY (`content_id`) REFERENCES `contents` (`id`) ON DELETE CASCADE);
-- Set sequence for "engagement_metrics" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("engagement_metrics", 103079215104);
-- Create index "engagementmetric_organization_id" to table: "engagement_metrics"
CREATE INDEX `engagementmetric_organization_id` ON `engagement_metrics` (`organization_id`);
-- Create index "engagementmetric_content_id_day" to table: "engagement_metrics"
CREATE UNIQUE INDEX `engagementmetric_content_id_day` ON `engagement_metrics` (`content_id`, `day`);
-- Create "experiments" table
CREATE TABLE `experiments` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `dimension` text NOT NULL, `confidence` real NOT NULL DEFAULT (0.95), `organization_id` integer NOT NULL, `store_id` integer NOT NULL, CONSTRAINT `experiments_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `experiments_stores_store` FOREIGN KEY (`store_id`) REFERENCES `stores` (`id`) ON DELETE CASCADE);
-- Set sequence for "experiments" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("experiments", 107374182400);
-- Create index "experiment_organization_id" to table: "experiments"
CREATE INDEX `experiment_organization_id` ON `experiments` (`organization_id`);
-- Create "insight_settings" table
CREATE TABLE `insight_settings` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `rfm` json NOT NULL, `organization_id` integer NOT NULL, CONSTRAINT `insight_settings_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- Set sequence for "insight_settings" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("insight_settings", 115964116992);
-- Create index "insightsetting_organization_id" to table: "insight_settings"
CREATE INDEX `insightsetting_organization_id` ON `insight_settings` (`organization_id`);
-- Create index "insightsetting_org_unique" to table: "insight_settings"
CREATE UNIQUE INDEX `insightsetting_org_unique` ON `insight_settings` (`organization_id`);
-- Create "insight_targets" table
CREATE TABLE `insight_targets` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `period_kind` text NOT NULL, `period_start` text NOT NULL, `metric` text NOT NULL, `value` real NOT NULL, `organization_id` integer NOT NULL, CONSTRAINT `insight_targets_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- Set sequence for "insight_targets" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("insight_targets", 120259084288);
-- Create index "insighttarget_organization_id" to table: "insight_targets"
CREATE INDEX `insighttarget_organization_id` ON `insight_targets` (`organization_id`);
-- Create index "insighttarget_organization_id_period_kind_period_start_metric" to table: "insight_targets"
CREATE UNIQUE INDEX `insighttarget_organization_id_period_kind_period_start_metric` ON `insight_targets` (`organization_id`, `period_kind`, `period_start`, `metric`);
-- Create "kol_partners" table
CREATE TABLE `kol_partners` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `platform` text NOT NULL, `handle` text NOT NULL, `display_name` text NULL, `tier` text NOT NULL, `followers` integer NOT NULL DEFAULT (0), `engagement_rate` real NOT NULL DEFAULT (0), `cps_commission_rate` real NOT NULL DEFAULT (0), `contact` text NULL, `organization_id` integer NOT NULL, CONSTRAINT `kol_partners_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- Set sequence for "kol_partners" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("kol_partners", 12884901888);
-- Create index "kolpartner_organization_id" to table: "kol_partners"
CREATE INDEX `kolpartner_organization_id` ON `kol_partners` (`organization_id`);
-- Create index "kolpartner_organization_id_platform_handle" to table: "kol_partners"
CREATE UNIQUE INDEX `kolpartner_organization_id_platform_handle` ON `kol_partners` (`organization_id`, `platform`, `handle`);
-- Create index "kolpartner_tier" to table: "kol_partners"
CREATE INDEX `kolpartner_tier` ON `kol_partners` (`tier`);
-- Create "known_addresses" table
CREATE TABLE `known_addresses` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `user_id` integer NOT NULL, `address` text NOT NULL, `first_seen` datetime NOT NULL, `last_seen` datetime NOT NULL);
-- Set sequence for "known_addresses" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("known_addresses", 77309411328);
-- Create index "knownaddress_user_id_address" to table: "known_addresses"
CREATE UNIQUE INDEX `knownaddress_user_id_address` ON `known_addresses` (`user_id`, `address`);
-- Create "login_throttles" table
CREATE TABLE `login_throttles` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `key` text NOT NULL, `failures` integer NOT NULL DEFAULT (0), `window_start` datetime NOT NULL, `locked_until` datetime NULL);
-- Set sequence for "login_throttles" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("login_throttles", 81604378624);
-- Create index "login_throttles_key_key" to table: "login_throttles"
CREATE UNIQUE INDEX `login_throttles_key_key` ON `login_throttles` (`key`);
-- Create "memberships" table
CREATE TABLE `memberships` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `role` text NOT NULL, `user_id` integer NOT NULL, `organization_id` integer NOT NULL, CONSTRAINT `memberships_users_user` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION, CONSTRAINT `memberships_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- Set sequence for "memberships" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("memberships", 17179869184);
-- Create index "membership_user_id_organization_id" to table: "memberships"
CREATE UNIQUE INDEX `membership_user_id_organization_id` ON `memberships` (`user_id`, `organization_id`);
-- Create index "membership_organization_id" to table: "memberships"
CREATE INDEX `membership_organization_id` ON `memberships` (`organization_id`);
-- Create "metric_snapshots" table
CREATE TABLE `metric_snapshots` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `day` text NOT NULL, `visitors` integer NOT NULL DEFAULT (0), `page_views` integer NOT NULL DEFAULT (0), `add_to_cart` integer NOT NULL DEFAULT (0), `orders` integer NOT NULL DEFAULT (0), `paid_orders` integer NOT NULL DEFAULT (0), `paying_buyers` integer NOT NULL DEFAULT (0), `gmv` integer NOT NULL DEFAULT (0), `refunds` integer NOT NULL DEFAULT (0), `source` text NOT NULL DEFAULT ('MANUAL'), `traffic_sources` json NULL, `organization_id` integer NOT NULL, `store_id` integer NOT NULL, CONSTRAINT `metric_snapshots_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `metric_snapshots_stores_store` FOREIGN KEY (`store_id`) REFERENCES `stores` (`id`) ON DELETE CASCADE);
-- Set sequence for "metric_snapshots" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("metric_snapshots", 21474836480);
-- Create index "metricsnapshot_organization_id" to table: "metric_snapshots"
CREATE INDEX `metricsnapshot_organization_id` ON `metric_snapshots` (`organization_id`);
-- Create index "metricsnapshot_store_id_day" to table: "metric_snapshots"
CREATE UNIQUE INDEX `metricsnapshot_store_id_day` ON `metric_snapshots` (`store_id`, `day`);
-- Create index "metricsnapshot_day" to table: "metric_snapshots"
CREATE INDEX `metricsnapshot_day` ON `metric_snapshots` (`day`);
-- Create "orders" table
CREATE TABLE `orders` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `platform` text NOT NULL, `external_id` text NOT NULL, `status` text NOT NULL, `total` integer NOT NULL, `paid` integer NOT NULL DEFAULT (0), `buyer_ref` text NULL, `traffic_source` text NOT NULL DEFAULT ('OTHER'), `ordered_at` datetime NOT NULL, `paid_at` datetime NULL, `tracking_code` text NULL, `organization_id` integer NOT NULL, `store_id` integer NOT NULL, CONSTRAINT `orders_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `orders_stores_store` FOREIGN KEY (`store_id`) REFERENCES `stores` (`id`) ON DELETE CASCADE);
-- Set sequence for "orders" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("orders", 25769803776);
-- Create index "order_organization_id" to table: "orders"
CREATE INDEX `order_organization_id` ON `orders` (`organization_id`);
-- Create index "order_store_id_external_id" to table: "orders"
CREATE UNIQUE INDEX `order_store_id_external_id` ON `orders` (`store_id`, `external_id`);
-- Create index "order_store_id_ordered_at" to table: "orders"
CREATE INDEX `order_store_id_ordered_at` ON `orders` (`store_id`, `ordered_at`);
-- Create index "order_status" to table: "orders"
CREATE INDEX `order_status` ON `orders` (`status`);
-- Create index "order_organization_id_tracking_code" to table: "orders"
CREATE INDEX `order_organization_id_tracking_code` ON `orders` (`organization_id`, `tracking_code`);
-- Create "order_lines" table
CREATE TABLE `order_lines` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `external_id` text NULL, `title` text NOT NULL, `quantity` integer NOT NULL, `unit_price` integer NOT NULL, `total` integer NOT NULL, `organization_id` integer NOT NULL, `order_id` integer NOT NULL, `sku_id` integer NULL, CONSTRAINT `order_lines_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `order_lines_orders_order` FOREIGN KEY (`order_id`) REFERENCES `orders` (`id`) ON DELETE CASCADE, CONSTRAINT `order_lines_skus_sku` FOREIGN KEY (`sku_id`) REFERENCES `skus` (`id`) ON DELETE SET NULL);
-- Set sequence for "order_lines" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("order_lines", 30064771072);
-- Create index "orderline_organization_id" to table: "order_lines"
CREATE INDEX `orderline_organization_id` ON `order_lines` (`organization_id`);
-- Create index "orderline_order_id" to table: "order_lines"
CREATE INDEX `orderline_order_id` ON `order_lines` (`order_id`);
-- Create index "orderline_sku_id" to table: "order_lines"
CREATE INDEX `orderline_sku_id` ON `order_lines` (`sku_id`);
-- Create "organizations" table
CREATE TABLE `organizations` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `kind` text NOT NULL DEFAULT ('BRAND'), `style_guide` json NULL, `compliance_overrides` json NULL, `parent_id` integer NULL, CONSTRAINT `organizations_organizations_clients` FOREIGN KEY (`parent_id`) REFERENCES `organizations` (`id`) ON DELETE SET NULL);
-- Set sequence for "organizations" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("organizations", 34359738368);
-- Create "platform_connections" table
CREATE TABLE `platform_connections` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `plugin_id` text NOT NULL, `external_shop_id` text NULL, `shop_name` text NULL, `endpoint` text NULL, `credential_names` json NULL, `credentials` blob NULL, `access_token` blob NULL, `refresh_token` blob NULL, `token_expires_at` datetime NULL, `cursors` json NULL, `status` text NOT NULL DEFAULT ('CONNECTED'), `last_synced_at` datetime NULL, `last_error` text NULL, `organization_id` integer NOT NULL, `store_id` integer NOT NULL, CONSTRAINT `platform_connections_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `platform_connections_stores_connection` FOREIGN KEY (`store_id`) REFERENCES `stores` (`id`) ON DELETE CASCADE);
-- Set sequence for "platform_connections" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("platform_connections", 90194313216);
-- Create index "platform_connections_store_id_key" to table: "platform_connections"
CREATE UNIQUE INDEX `platform_connections_store_id_key` ON `platform_connections` (`store_id`);
-- Create index "platformconnection_organization_id" to table: "platform_connections"
CREATE INDEX `platformconnection_organization_id` ON `platform_connections` (`organization_id`);
-- Create "products" table
CREATE TABLE `products` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `title` text NOT NULL, `external_id` text NULL, `status` text NOT NULL DEFAULT ('ON_SALE'), `portfolio_role` text NOT NULL DEFAULT ('TEST'), `price` integer NOT NULL, `category` text NOT NULL DEFAULT ('GENERAL'), `registration_type` text NOT NULL DEFAULT ('NONE'), `registration_number` text NULL, `cost` integer NOT NULL DEFAULT (0), `organization_id` integer NOT NULL, `store_id` integer NOT NULL, `supplier_id` integer NULL, CONSTRAINT `products_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `products_stores_store` FOREIGN KEY (`store_id`) REFERENCES `stores` (`id`) ON DELETE CASCADE, CONSTRAINT `products_suppliers_supplier` FOREIGN KEY (`supplier_id`) REFERENCES `suppliers` (`id`) ON DELETE SET NULL);
-- Set sequence for "products" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("products", 38654705664);
-- Create index "product_organization_id" to table: "products"
CREATE INDEX `product_organization_id` ON `products` (`organization_id`);
-- Create index "product_store_id_external_id" to table: "products"
CREATE UNIQUE INDEX `product_store_id_external_id` ON `products` (`store_id`, `external_id`);
-- Create index "product_supplier_id" to table: "products"
CREATE INDEX `product_supplier_id` ON `products` (`supplier_id`);
-- Create index "product_portfolio_role" to table: "products"
CREATE INDEX `product_portfolio_role` ON `products` (`portfolio_role`);
-- Create "skus" table
CREATE TABLE `skus` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `external_id` text NULL, `code` text NULL, `price` integer NOT NULL, `stock` integer NOT NULL DEFAULT (0), `stock_warning` integer NOT NULL DEFAULT (10), `barcode` text NULL, `organization_id` integer NOT NULL, `product_id` integer NOT NULL, CONSTRAINT `skus_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `skus_products_product` FOREIGN KEY (`product_id`) REFERENCES `products` (`id`) ON DELETE CASCADE);
-- Set sequence for "skus" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("skus", 42949672960);
-- Create index "sku_organization_id" to table: "skus"
CREATE INDEX `sku_organization_id` ON `skus` (`organization_id`);
-- Create index "sku_product_id_external_id" to table: "skus"
CREATE UNIQUE INDEX `sku_product_id_external_id` ON `skus` (`product_id`, `external_id`);
-- Create "sku_sales_days" table
CREATE TABLE `sku_sales_days` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `store_id` integer NOT NULL, `sku_id` integer NOT NULL, `day` text NOT NULL, `units` integer NOT NULL DEFAULT (0), `amount` integer NOT NULL DEFAULT (0), `organization_id` integer NOT NULL, CONSTRAINT `sku_sales_days_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- Set sequence for "sku_sales_days" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("sku_sales_days", 124554051584);
-- Create index "skusalesday_organization_id" to table: "sku_sales_days"
CREATE INDEX `skusalesday_organization_id` ON `sku_sales_days` (`organization_id`);
-- Create index "skusalesday_sku_id_day" to table: "sku_sales_days"
CREATE UNIQUE INDEX `skusalesday_sku_id_day` ON `sku_sales_days` (`sku_id`, `day`);
-- Create index "skusalesday_store_id_day" to table: "sku_sales_days"
CREATE INDEX `skusalesday_store_id_day` ON `sku_sales_days` (`store_id`, `day`);
-- Create "sales_days" table
CREATE TABLE `sales_days` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `store_id` integer NOT NULL, `day` text NOT NULL, `buyer` text NOT NULL, `source` text NOT NULL, `placed_orders` integer NOT NULL DEFAULT (0), `paid_orders` integer NOT NULL DEFAULT (0), `paid_amount` integer NOT NULL DEFAULT (0), `refunded_orders` integer NOT NULL DEFAULT (0), `refund_amount` integer NOT NULL DEFAULT (0), `organization_id` integer NOT NULL, CONSTRAINT `sales_days_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- Set sequence for "sales_days" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("sales_days", 128849018880);
-- Create index "salesday_organization_id" to table: "sales_days"
CREATE INDEX `salesday_organization_id` ON `sales_days` (`organization_id`);
-- Create index "salesday_store_id_day_buyer_source" to table: "sales_days"
CREATE UNIQUE INDEX `salesday_store_id_day_buyer_source` ON `sales_days` (`store_id`, `day`, `buyer`, `source`);
-- Create index "salesday_store_id_buyer_day" to table: "sales_days"
CREATE INDEX `salesday_store_id_buyer_day` ON `sales_days` (`store_id`, `buyer`, `day`);
-- Create "sessions" table
CREATE TABLE `sessions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `token_hash` blob NOT NULL, `expires_at` datetime NOT NULL, `client_address` text NULL, `revoked_at` datetime NULL, `user_id` integer NOT NULL, CONSTRAINT `sessions_users_user` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE);
-- Set sequence for "sessions" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("sessions", 85899345920);
-- Create index "sessions_token_hash_key" to table: "sessions"
CREATE UNIQUE INDEX `sessions_token_hash_key` ON `sessions` (`token_hash`);
-- Create index "session_user_id" to table: "sessions"
CREATE INDEX `session_user_id` ON `sessions` (`user_id`);
-- Create "stores" table
CREATE TABLE `stores` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `platform` text NOT NULL, `external_shop_id` text NULL, `certification` text NOT NULL DEFAULT ('NONE'), `dsr_score` real NULL, `introduction` text NULL, `business_hours` text NULL, `shipping_policy` text NULL, `after_sales_policy` text NULL, `auto_reply` text NULL, `service_tags` json NULL, `brand_positioning` text NULL, `style_guide` json NULL, `content_cadence` json NULL, `timezone` text NOT NULL DEFAULT ('Asia/Shanghai'), `organization_id` integer NOT NULL, CONSTRAINT `stores_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- Set sequence for "stores" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("stores", 47244640256);
-- Create index "store_organization_id" to table: "stores"
CREATE INDEX `store_organization_id` ON `stores` (`organization_id`);
-- Create index "store_platform" to table: "stores"
CREATE INDEX `store_platform` ON `stores` (`platform`);
-- Create index "store_name" to table: "stores"
CREATE INDEX `store_name` ON `stores` (`name`);
-- Create "suppliers" table
CREATE TABLE `suppliers` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `contact_name` text NULL, `contact_phone` text NULL, `contact_email` text NULL, `category` text NULL, `quality_score` real NULL, `delivery_score` real NULL, `price_score` real NULL, `exclusive_launch` bool NOT NULL DEFAULT (false), `lead_time_days` integer NOT NULL DEFAULT (0), `notes` text NULL, `organization_id` integer NOT NULL, CONSTRAINT `suppliers_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION);
-- Set sequence for "suppliers" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("suppliers", 51539607552);
-- Create index "supplier_organization_id" to table: "suppliers"
CREATE INDEX `supplier_organization_id` ON `suppliers` (`organization_id`);
-- Create index "supplier_category" to table: "suppliers"
CREATE INDEX `supplier_category` ON `suppliers` (`category`);
-- Create "sync_jobs" table
CREATE TABLE `sync_jobs` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `what` json NOT NULL, `status` text NOT NULL DEFAULT ('QUEUED'), `phase` text NOT NULL DEFAULT (''), `done` integer NOT NULL DEFAULT (0), `total` integer NOT NULL DEFAULT (-1), `percent` integer NOT NULL DEFAULT (0), `phases` json NULL, `error` text NULL, `requested_by_id` integer NULL, `claimed_by` text NULL, `heartbeat_at` datetime NULL, `lease_token` integer NOT NULL DEFAULT (0), `lease_until` datetime NULL, `active_key` text NULL, `running_store` integer NULL, `started_at` datetime NULL, `finished_at` datetime NULL, `organization_id` integer NOT NULL, `store_id` integer NOT NULL, CONSTRAINT `sync_jobs_organizations_organization` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `sync_jobs_stores_store` FOREIGN KEY (`store_id`) REFERENCES `stores` (`id`) ON DELETE CASCADE);
-- Set sequence for "sync_jobs" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("sync_jobs", 94489280512);
-- Create index "sync_jobs_active_key_key" to table: "sync_jobs"
CREATE UNIQUE INDEX `sync_jobs_active_key_key` ON `sync_jobs` (`active_key`);
-- Create index "sync_jobs_running_store_key" to table: "sync_jobs"
CREATE UNIQUE INDEX `sync_jobs_running_store_key` ON `sync_jobs` (`running_store`);
-- Create index "syncjob_organization_id" to table: "sync_jobs"
CREATE INDEX `syncjob_organization_id` ON `sync_jobs` (`organization_id`);
-- Create index "syncjob_status_created_at" to table: "sync_jobs"
CREATE INDEX `syncjob_status_created_at` ON `sync_jobs` (`status`, `created_at`);
-- Create index "syncjob_store_id" to table: "sync_jobs"
CREATE INDEX `syncjob_store_id` ON `sync_jobs` (`store_id`);
-- Create "users" table
CREATE TABLE `users` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `email` text NOT NULL, `display_name` text NOT NULL, `password_hash` text NULL, `totp_secret` text NULL, `totp_enabled` bool NOT NULL DEFAULT (false), `totp_last_step` integer NULL, `last_login_at` datetime NULL, `invite_token_hash` blob NULL, `invite_expires_at` datetime NULL, `disabled` bool NOT NULL DEFAULT (false));
-- Set sequence for "users" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("users", 55834574848);
-- Create index "users_email_key" to table: "users"
CREATE UNIQUE INDEX `users_email_key` ON `users` (`email`);
-- Create index "users_invite_token_hash_key" to table: "users"
CREATE UNIQUE INDEX `users_invite_token_hash_key` ON `users` (`invite_token_hash`);
-- Create "campaign_products" table
CREATE TABLE `campaign_products` (`campaign_id` integer NOT NULL, `product_id` integer NOT NULL, PRIMARY KEY (`campaign_id`, `product_id`), CONSTRAINT `campaign_products_campaign_id` FOREIGN KEY (`campaign_id`) REFERENCES `campaigns` (`id`) ON DELETE CASCADE, CONSTRAINT `campaign_products_product_id` FOREIGN KEY (`product_id`) REFERENCES `products` (`id`) ON DELETE CASCADE);
-- Create "campaign_skus" table
CREATE TABLE `campaign_skus` (`campaign_id` integer NOT NULL, `sku_id` integer NOT NULL, PRIMARY KEY (`campaign_id`, `sku_id`), CONSTRAINT `campaign_skus_campaign_id` FOREIGN KEY (`campaign_id`) REFERENCES `campaigns` (`id`) ON DELETE CASCADE, CONSTRAINT `campaign_skus_sku_id` FOREIGN KEY (`sku_id`) REFERENCES `skus` (`id`) ON DELETE CASCADE);
