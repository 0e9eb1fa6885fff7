-- Create index "sku_organization_id_product_id" to table: "skus"
CREATE INDEX "sku_organization_id_product_id" ON "skus" ("organization_id", "product_id");
