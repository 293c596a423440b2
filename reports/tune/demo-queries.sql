-- The demo application's statements (reports/tune/demo-schema.sql), for loadlab tune.

-- @name orders-of-customer
-- @params [17]
-- @params [4242]
-- @params [999]
SELECT id, status, total, created_at FROM orders WHERE customer_id = ?;

-- @name latest-paid
-- @params ["paid"]
SELECT id, customer_id, total, created_at FROM orders WHERE status = ? ORDER BY created_at DESC LIMIT 20;

-- @name customer
-- @params [17]
-- @params [4242]
SELECT id, name, country FROM customers WHERE id = ?;

-- @name new-order
-- @params [17, "cart", 12.5, 1800000000]
INSERT INTO orders (customer_id, status, total, created_at) VALUES (?, ?, ?, ?);
