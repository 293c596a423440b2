-- loadlab tune: run once on your database (back it up first; VACUUM rewrites the whole file).
PRAGMA journal_mode = wal;
CREATE INDEX "tune_campaigns_client_id" ON "campaigns"("client_id");
CREATE INDEX "tune_campaigns_client_id_status" ON "campaigns"("client_id", "status");
CREATE INDEX "tune_contents_status" ON "contents"("status");
CREATE INDEX "tune_audio_generations_task_id" ON "audio_generations"("task_id");
CREATE INDEX "tune_contents_campaign_id_created_at" ON "contents"("campaign_id", "created_at");

-- then at every open, on every connection (a file cannot store these):
-- PRAGMA synchronous = normal;
-- PRAGMA cache_size = -16000;
-- PRAGMA mmap_size = 0;
-- PRAGMA temp_store = default;
-- PRAGMA busy_timeout = 5000;
