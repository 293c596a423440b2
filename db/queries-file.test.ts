import { describe, expect, it } from 'vitest';
import { parseQueriesFile } from './queries-file.ts';

describe('parseQueriesFile', () => {
  it('reads statements with their names and parameter sets', () => {
    const queries = parseQueriesFile(`-- my app's hot queries
-- @name orders-of-customer
-- @params [42, 20]
-- @params [7, 20]
SELECT * FROM orders
WHERE customer_id = ? ORDER BY id DESC LIMIT ?;

-- @params {"id": 3, "status": null}
UPDATE orders SET status = :status WHERE id = :id;
SELECT count(*) FROM orders;
`);
    expect(queries).toEqual([
      {
        name: 'orders-of-customer',
        sql: 'SELECT * FROM orders\nWHERE customer_id = ? ORDER BY id DESC LIMIT ?',
        params: [
          [42, 20],
          [7, 20],
        ],
        line: 5,
      },
      {
        name: 'q2',
        sql: 'UPDATE orders SET status = :status WHERE id = :id',
        params: [{ id: 3, status: null }],
        line: 9,
      },
      { name: 'q3', sql: 'SELECT count(*) FROM orders', params: [[]], line: 10 },
    ]);
  });

  it.each([
    ['SELECT 1', /:1: statement does not end with ';'/],
    ['-- @params [1\nSELECT ?;', /:1: @params must be JSON/],
    ['-- @params [true]\nSELECT ?;', /:1: @params must be a JSON array or object of numbers, strings and nulls/],
    ['-- @nmae x\nSELECT 1;', /:1: unknown directive @nmae/],
    ['-- @name a b\nSELECT 1;', /:1: @name must be/],
    ['-- @name a\nSELECT 1;\n-- @name a\nSELECT 2;', /:4: duplicate query name 'a'/],
    ['SELECT 1;\n-- @name dangling\n', /:2: @name\/@params with no statement/],
    ['-- nothing here\n', /no queries found/],
  ])('rejects %j with a line number', (text, message) => {
    expect(() => parseQueriesFile(text, 'q.sql')).toThrow(message);
  });
});
