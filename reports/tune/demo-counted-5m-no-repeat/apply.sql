-- loadlab tune: run once on your database (back it up first; VACUUM rewrites the whole file).
PRAGMA journal_mode = wal;
CREATE INDEX "tune_orders_customer_id" ON "orders"("customer_id");
CREATE INDEX "tune_orders_status_created_at" ON "orders"("status", "created_at");

-- then at every open, on every connection (a file cannot store these):
-- PRAGMA synchronous = normal;
-- PRAGMA cache_size = -2000;
-- PRAGMA mmap_size = 0;
-- PRAGMA temp_store = default;
-- PRAGMA busy_timeout = 5000;
