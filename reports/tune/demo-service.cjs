'use strict';
/**
 * The demo application's service (reports/tune/demo-schema.sql): node:http and better-sqlite3,
 * not the fixture server. It reads what `loadlab tune --serve` tells it:
 *   LOADLAB_DB (the file), LOADLAB_PRAGMAS (';'-separated, run on its connection), PORT.
 *
 *   GET  /customers/:id/orders   a customer's orders (filters on the foreign key)
 *   GET  /orders/latest/:status  the 20 latest orders with a status (sorts)
 *   GET  /customers/:id          one customer
 *   POST /orders                 a new order {customer_id, total}
 */
const http = require('node:http');
const Database = require('better-sqlite3');

const db = new Database(process.env.LOADLAB_DB || 'demo.sqlite', { fileMustExist: true });
for (const p of (process.env.LOADLAB_PRAGMAS || '').split(';').filter(Boolean)) db.pragma(p);

const ordersOf = db.prepare('SELECT id, status, total, created_at FROM orders WHERE customer_id = ?');
const latest = db.prepare(
  'SELECT id, customer_id, total, created_at FROM orders WHERE status = ? ORDER BY created_at DESC LIMIT 20',
);
const customer = db.prepare('SELECT id, name, country FROM customers WHERE id = ?');
const insert = db.prepare("INSERT INTO orders (customer_id, status, total, created_at) VALUES (?, 'cart', ?, ?)");

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

http
  .createServer((req, res) => {
    let m;
    if (req.method === 'GET' && (m = /^\/customers\/(\d+)\/orders$/.exec(req.url))) {
      return send(res, 200, ordersOf.all(Number(m[1])));
    }
    if (req.method === 'GET' && (m = /^\/orders\/latest\/(\w+)$/.exec(req.url))) {
      return send(res, 200, latest.all(m[1]));
    }
    if (req.method === 'GET' && (m = /^\/customers\/(\d+)$/.exec(req.url))) {
      const row = customer.get(Number(m[1]));
      return row ? send(res, 200, row) : send(res, 404, { error: 'no such customer' });
    }
    if (req.method === 'POST' && req.url === '/orders') {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        let o;
        try {
          o = JSON.parse(body);
        } catch {
          return send(res, 400, { error: 'body must be JSON' });
        }
        if (!Number.isInteger(o.customer_id) || typeof o.total !== 'number')
          return send(res, 400, { error: 'customer_id (integer) and total (number) are required' });
        const r = insert.run(o.customer_id, o.total, Math.floor(Date.now() / 1000));
        send(res, 201, { id: Number(r.lastInsertRowid) });
      });
      return;
    }
    send(res, 404, { error: 'not found' });
  })
  .listen(Number(process.env.PORT || 3000), '127.0.0.1');
