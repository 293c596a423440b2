-- The fixture server's statements (fixture-server/db/store.ts SQL), for the EXPLAIN gate:
--   npx loadlab explain DB --queries lib/ops/fixture-queries.sql --fail-on-scan
-- Same format as the bench's queries files (bench/queries-file.ts).

-- @name get-campaign
-- @params [1]
SELECT id, client_id, name, status, created_at FROM campaigns WHERE id = ?;

-- @name client-exists
-- @params [1]
SELECT 1 FROM clients WHERE id = ?;

-- @name client-campaigns
-- @params [1, 20]
SELECT id, client_id, name, status, created_at FROM campaigns WHERE client_id = ? ORDER BY id LIMIT ?;

-- @name client-campaigns-by-status
-- @params [1, "active", 20]
SELECT id, client_id, name, status, created_at FROM campaigns WHERE client_id = ? AND status = ? ORDER BY id LIMIT ?;

-- @name client-contents
-- @params [1, 20]
SELECT c.id AS campaign_id, c.name AS campaign_name, c.status AS campaign_status, co.id AS content_id, co.title, co.status AS content_status, co.created_at FROM campaigns c JOIN contents co ON c.id = co.campaign_id WHERE c.client_id = ? ORDER BY co.created_at DESC LIMIT ?;

-- @name latest-contents
-- @params [20]
-- allow-scan: newest rows by rowid; LIMIT stops the scan after a few rows
SELECT id, campaign_id, title, status, created_at FROM contents ORDER BY id DESC LIMIT ?;

-- @name contents-by-status
-- @params ["archived", 20]
SELECT id, campaign_id, title, status, created_at FROM contents WHERE status = ? ORDER BY id DESC LIMIT ?;

-- @name update-content-status
-- @params ["review", 1]
UPDATE contents SET status = ? WHERE id = ?;

-- @name audio-by-task
-- @params ["task-00000001", 20]
SELECT id, task_id, content_id, status, created_at FROM audio_generations WHERE task_id = ? ORDER BY id LIMIT ?;
