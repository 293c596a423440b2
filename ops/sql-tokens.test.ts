import { describe, expect, it } from 'vitest';
import { placeholders, tableAliases, tokenize } from './sql-tokens.ts';

describe('sql-tokens', () => {
  it('ignores ; and ? inside strings, quoted names and comments', () => {
    const tokens = tokenize(`SELECT 'a;?' AS "x?;", [b?] FROM t -- where ?;\n/* ? ; */ WHERE id = ? AND n = :n`);
    expect(tokens.filter((t) => t.text === ';')).toHaveLength(0);
    expect(placeholders(tokens)).toEqual({ anonymous: 1, named: ['n'] });
  });

  it('maps aliases to tables in FROM lists, joins and UPDATE', () => {
    const aliases = tableAliases(
      tokenize('SELECT * FROM campaigns c, main."odd ""x""" o JOIN contents AS co ON c.id = co.campaign_id WHERE 1'),
    );
    expect(Object.fromEntries(aliases)).toEqual({
      campaigns: 'campaigns',
      c: 'campaigns',
      contents: 'contents',
      co: 'contents',
      'odd "x"': 'odd "x"',
      o: 'odd "x"',
    });
    expect(tableAliases(tokenize('UPDATE contents SET status = ? WHERE id = ?')).get('contents')).toBe('contents');
    expect(tableAliases(tokenize('SELECT * FROM t WHERE x = 1')).size).toBe(1);
  });

  it('rejects an unterminated quote with its line', () => {
    expect(() => tokenize("SELECT 1;\nSELECT 'oops")).toThrow(/line 2/);
  });
});
