-- An application database built with the sqlite3 CLI, not by loadlab: 5,000 customers and
-- 200,000 orders, a foreign key (orders.customer_id) without an index, deterministic rows.
--   sqlite3 demo.sqlite < reports/tune/demo-schema.sql
CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  country TEXT NOT NULL
);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  status TEXT NOT NULL,
  total REAL NOT NULL,
  created_at INTEGER NOT NULL
);
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
INSERT INTO customers (id, name, country) SELECT i, 'customer ' || i, char(65 + i % 20) FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)
INSERT INTO orders (id, customer_id, status, total, created_at)
SELECT i,
       (i * 7919) % 5000 + 1,
       CASE i % 5 WHEN 0 THEN 'paid' WHEN 1 THEN 'shipped' WHEN 2 THEN 'cart' WHEN 3 THEN 'paid' ELSE 'refunded' END,
       ((i * 104729) % 100000) / 100.0,
       1700000000 + (i * 48271) % 31536000
FROM n;
COMMIT;
