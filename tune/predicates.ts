/**
 * Which columns of which table a statement filters on, joins on and sorts by, read from its
 * tokens: enough to propose the index that serves it (equality columns first, then the sort
 * or one range column). Approximate by design: every proposal is checked afterwards by
 * SQLite itself (the plan must change) and by a measurement, so a miss here costs a
 * proposal, never a wrong one.
 */
import { tableAliases, type Token } from '../ops/sql-tokens.ts';

export interface TableUse {
  /** Columns compared with `=`, `==`, `IS` or `IN`, in order of appearance (ON clauses included). */
  equality: string[];
  /** Columns compared with <, <=, >, >=, BETWEEN. */
  range: string[];
}

export interface Predicates {
  byTable: Map<string, TableUse>;
  /** ORDER BY columns with their table, in order; null when one is an expression or unresolvable. */
  orderBy: { table: string; column: string; desc: boolean }[] | null;
}

const EQ_OPS = new Set(['=', '==', 'IS', 'IN']);
const RANGE_OPS = new Set(['<', '<=', '>', '>=', 'BETWEEN']);
/** Words that end a WHERE or ON clause at the statement's top level. */
const CLAUSE_END = new Set([
  'GROUP',
  'ORDER',
  'LIMIT',
  'HAVING',
  'WINDOW',
  'UNION',
  'EXCEPT',
  'INTERSECT',
  'RETURNING',
  'JOIN',
  'LEFT',
  'INNER',
  'CROSS',
  'NATURAL',
  'RIGHT',
  'FULL',
  'WHERE',
]);

const isName = (t: Token | undefined): t is Token => t !== undefined && (t.type === 'word' || t.type === 'ident');
const upper = (t: Token | undefined) => (t && t.type === 'word' ? t.text.toUpperCase() : '');

/** Joins two-character operators the lexer splits into punctuation (<=, >=, ==, !=, <>). */
function operators(code: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < code.length; i++) {
    const t = code[i]!;
    const n = code[i + 1];
    if (
      t.type === 'punct' &&
      n?.type === 'punct' &&
      n.pos === t.end &&
      ['<=', '>=', '==', '!=', '<>'].includes(t.text + n.text)
    ) {
      out.push({ ...t, text: t.text + n.text, end: n.end });
      i++;
    } else out.push(t);
  }
  return out;
}

/**
 * The predicates of one statement. `columnsOf(table)` lists a table's columns (to resolve
 * unqualified names); only tables the statement names are considered.
 */
export function readPredicates(tokens: Token[], columnsOf: (table: string) => string[]): Predicates {
  const code = operators(tokens.filter((t) => t.type !== 'comment'));
  const aliases = tableAliases(tokens);
  const tables = [...new Set(aliases.values())];
  const resolve = (i: number): { table: string; column: string; next: number } | null => {
    const t = code[i];
    if (!isName(t)) return null;
    if (code[i + 1]?.text === '.' && isName(code[i + 2])) {
      const table = aliases.get(t.text);
      const column = code[i + 2]!.text;
      if (!table || !columnsOf(table).includes(column)) return null;
      return { table, column, next: i + 3 };
    }
    if (code[i + 1]?.text === '(') return null; // a function call
    const owners = tables.filter((tb) => columnsOf(tb).includes(t.text));
    return owners.length === 1 ? { table: owners[0]!, column: t.text, next: i + 1 } : null;
  };
  const byTable = new Map<string, TableUse>();
  const use = (table: string) => {
    let u = byTable.get(table);
    if (!u) byTable.set(table, (u = { equality: [], range: [] }));
    return u;
  };
  const add = (list: string[], column: string) => {
    if (!list.includes(column)) list.push(column);
  };

  // Comparisons inside WHERE and ON clauses, at any depth of parentheses within them.
  let inClause = false;
  let depth = 0;
  let clauseDepth = 0;
  for (let i = 0; i < code.length; i++) {
    const t = code[i]!;
    if (t.text === '(') depth++;
    else if (t.text === ')') {
      depth--;
      if (inClause && depth < clauseDepth) inClause = false;
    }
    const kw = upper(t);
    if (kw === 'WHERE' || kw === 'ON') {
      inClause = true;
      clauseDepth = depth;
      continue;
    }
    if (inClause && depth === clauseDepth && CLAUSE_END.has(kw)) inClause = false;
    if (!inClause) continue;
    const left = resolve(i);
    if (!left) continue;
    let k = left.next;
    if (upper(code[k]) === 'NOT') k++;
    const op = code[k]?.type === 'punct' ? code[k]!.text : upper(code[k]);
    if (EQ_OPS.has(op)) add(use(left.table).equality, left.column);
    else if (RANGE_OPS.has(op)) add(use(left.table).range, left.column);
    else continue;
    // `a.x = b.y`: the right side is an equality column of its table too (a join key).
    if (EQ_OPS.has(op)) {
      const right = resolve(k + 1);
      if (right) add(use(right.table).equality, right.column);
    }
    i = k;
  }

  return { byTable, orderBy: readOrderBy(code, resolve) };
}

function readOrderBy(
  code: Token[],
  resolve: (i: number) => { table: string; column: string; next: number } | null,
): Predicates['orderBy'] {
  // The last top-level ORDER BY (a subquery's comes earlier and sits deeper).
  let depth = 0;
  let at = -1;
  for (let i = 0; i < code.length; i++) {
    if (code[i]!.text === '(') depth++;
    else if (code[i]!.text === ')') depth--;
    else if (depth === 0 && upper(code[i]) === 'ORDER' && upper(code[i + 1]) === 'BY') at = i + 2;
  }
  if (at < 0) return [];
  const out: { table: string; column: string; desc: boolean }[] = [];
  let i = at;
  for (;;) {
    const col = resolve(i);
    if (!col) return null;
    i = col.next;
    let desc = false;
    if (upper(code[i]) === 'ASC') i++;
    else if (upper(code[i]) === 'DESC') {
      desc = true;
      i++;
    }
    if (upper(code[i]) === 'COLLATE' || upper(code[i]) === 'NULLS') return null;
    out.push({ table: col.table, column: col.column, desc });
    if (code[i]?.text !== ',') break;
    i++;
  }
  return out;
}

/**
 * The index that would serve `table` in this statement: its equality columns, then the
 * ORDER BY columns when they are all this table's (so the sort goes too), else its first
 * range column. Null when the statement gives the table nothing to search or sort by.
 */
export function proposedColumns(p: Predicates, table: string): string[] | null {
  const u = p.byTable.get(table) ?? { equality: [], range: [] };
  const cols = [...u.equality];
  const order = p.orderBy;
  if (order && order.length > 0 && order.every((o) => o.table === table)) {
    for (const o of order) if (!cols.includes(o.column)) cols.push(o.column);
  } else {
    const r = u.range.find((c) => !cols.includes(c));
    if (r) cols.push(r);
  }
  return cols.length > 0 ? cols : null;
}
