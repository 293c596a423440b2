import { describe, expect, it } from 'vitest';
import { tokenize } from '../ops/sql-tokens.ts';
import { proposedColumns, readPredicates } from './predicates.ts';

const COLUMNS: Record<string, string[]> = {
  orders: ['id', 'customer_id', 'status', 'created_at', 'total'],
  customers: ['id', 'email', 'country'],
};
const read = (sql: string) => readPredicates(tokenize(sql), (t) => COLUMNS[t] ?? []);

describe('the columns a statement filters, joins and sorts on', () => {
  it('equality first, then the sort when it is all on the table', () => {
    const p = read('SELECT * FROM orders WHERE customer_id = ? AND status = ? ORDER BY created_at DESC LIMIT 20');
    expect(p.byTable.get('orders')).toEqual({ equality: ['customer_id', 'status'], range: [] });
    expect(p.orderBy).toEqual([{ table: 'orders', column: 'created_at', desc: true }]);
    expect(proposedColumns(p, 'orders')).toEqual(['customer_id', 'status', 'created_at']);
  });

  it('a range column after the equality columns when there is no sort', () => {
    const p = read('SELECT count(*) FROM orders o WHERE o.status = ? AND o.created_at >= ? AND o.total < 5');
    expect(p.byTable.get('orders')).toEqual({ equality: ['status'], range: ['created_at', 'total'] });
    expect(proposedColumns(p, 'orders')).toEqual(['status', 'created_at']);
  });

  it('join keys through aliases are equality columns of both tables', () => {
    const p = read(
      'SELECT c.email, o.total FROM customers c JOIN orders o ON o.customer_id = c.id WHERE c.country = ? ORDER BY o.id',
    );
    expect(p.byTable.get('orders')!.equality).toEqual(['customer_id']);
    expect(p.byTable.get('customers')!.equality).toEqual(['id', 'country']);
    // The sort is on orders: it joins orders' key for that table, not customers'.
    expect(proposedColumns(p, 'orders')).toEqual(['customer_id', 'id']);
    expect(proposedColumns(p, 'customers')).toEqual(['id', 'country']);
  });

  it('an ORDER BY on an expression gives no sort columns; a table it never filters gets no proposal', () => {
    const p = read('SELECT * FROM orders ORDER BY lower(status)');
    expect(p.orderBy).toBeNull();
    expect(proposedColumns(p, 'orders')).toBeNull();
  });

  it("IN and IS count as equality; <= and >= are read as one operator; a subquery ORDER BY is not the statement's", () => {
    const p = read(
      'SELECT * FROM orders WHERE status IN (?, ?) AND total <= ? AND customer_id IN (SELECT id FROM customers ORDER BY email)',
    );
    expect(p.byTable.get('orders')).toEqual({ equality: ['status', 'customer_id'], range: ['total'] });
    expect(p.orderBy).toEqual([]);
  });
});
