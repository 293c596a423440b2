/**
 * A small SQL lexer: enough to split a file into statements, find parameter placeholders
 * and read table aliases. It knows SQLite's quoting ('str', "ident", `ident`, [ident]) and
 * comments (-- line, block), so a ';' or '?' inside them is not mistaken for syntax.
 */

export type TokenType = 'word' | 'ident' | 'string' | 'number' | 'param' | 'punct' | 'comment';

export interface Token {
  type: TokenType;
  /** The source text; for 'ident' the unquoted name, for 'comment' the text after '--'. */
  text: string;
  /** 1-based line where the token starts. */
  line: number;
  /** Offsets in the source: [pos, end). */
  pos: number;
  end: number;
}

const QUOTES: Record<string, { close: string; type: TokenType }> = {
  "'": { close: "'", type: 'string' },
  '"': { close: '"', type: 'ident' },
  '`': { close: '`', type: 'ident' },
  '[': { close: ']', type: 'ident' },
};

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  const advanceTo = (end: number) => {
    for (let k = i; k < end; k++) if (sql[k] === '\n') line++;
    i = end;
  };
  while (i < sql.length) {
    const ch = sql[i]!;
    const start = line;
    if (/\s/.test(ch)) {
      advanceTo(i + 1);
    } else if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      tokens.push({ type: 'comment', text: sql.slice(i + 2, stop).trim(), line: start, pos: i, end: stop });
      advanceTo(stop);
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      advanceTo(end === -1 ? sql.length : end + 2);
    } else if (QUOTES[ch]) {
      const { close, type } = QUOTES[ch]!;
      let j = i + 1;
      let text = '';
      for (;;) {
        if (j >= sql.length) throw new Error(`unterminated ${ch} quote starting on line ${start}`);
        if (sql[j] === close) {
          if (close !== ']' && sql[j + 1] === close) {
            text += close;
            j += 2;
            continue;
          }
          break;
        }
        text += sql[j];
        j++;
      }
      tokens.push({ type, text, line: start, pos: i, end: j + 1 });
      advanceTo(j + 1);
    } else if (ch === '?') {
      const m = /^\?\d*/.exec(sql.slice(i))!;
      tokens.push({ type: 'param', text: m[0], line: start, pos: i, end: i + m[0].length });
      advanceTo(i + m[0].length);
    } else if ((ch === ':' || ch === '@' || ch === '$') && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      const m = /^[:@$][A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i))!;
      tokens.push({ type: 'param', text: m[0], line: start, pos: i, end: i + m[0].length });
      advanceTo(i + m[0].length);
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i))!;
      tokens.push({ type: 'word', text: m[0], line: start, pos: i, end: i + m[0].length });
      advanceTo(i + m[0].length);
    } else if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      const m = /^(0x[0-9A-Fa-f]+|[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)/.exec(sql.slice(i))!;
      tokens.push({ type: 'number', text: m[0], line: start, pos: i, end: i + m[0].length });
      advanceTo(i + m[0].length);
    } else {
      tokens.push({ type: 'punct', text: ch, line: start, pos: i, end: i + 1 });
      advanceTo(i + 1);
    }
  }
  return tokens;
}

const NOT_ALIAS = new Set(
  (
    'WHERE ON USING JOIN LEFT RIGHT FULL INNER OUTER CROSS NATURAL GROUP ORDER LIMIT HAVING WINDOW UNION EXCEPT ' +
    'INTERSECT INDEXED NOT RETURNING SET VALUES DEFAULT SELECT FROM OFFSET AS'
  ).split(' '),
);

const isName = (t: Token | undefined): t is Token => t !== undefined && (t.type === 'word' || t.type === 'ident');

/**
 * Table references of a statement: each alias (and each table name) mapped to its table.
 * Approximate by design: it reads `FROM a [AS] x, b y JOIN c z`, `UPDATE t` and
 * `INTO t`; subqueries and CTEs keep their own names and map to nothing.
 */
export function tableAliases(tokens: Token[]): Map<string, string> {
  const aliases = new Map<string, string>();
  const code = tokens.filter((t) => t.type !== 'comment');
  for (let i = 0; i < code.length; i++) {
    const kw = code[i]!.type === 'word' ? code[i]!.text.toUpperCase() : '';
    if (kw !== 'FROM' && kw !== 'JOIN' && kw !== 'UPDATE' && kw !== 'INTO') continue;
    let j = i + 1;
    for (;;) {
      if (!isName(code[j])) break;
      let table = code[j]!.text;
      j++;
      if (code[j]?.text === '.' && isName(code[j + 1])) {
        table = code[j + 1]!.text;
        j += 2;
      }
      aliases.set(table, table);
      if (code[j]?.type === 'word' && code[j]!.text.toUpperCase() === 'AS') j++;
      const next = code[j];
      if (isName(next) && !(next.type === 'word' && NOT_ALIAS.has(next.text.toUpperCase()))) {
        aliases.set(next.text, table);
        j++;
      }
      if (kw !== 'FROM' || code[j]?.text !== ',') break;
      j++;
    }
  }
  return aliases;
}

/** Placeholders in order of appearance: anonymous '?' count and the named ones. */
export function placeholders(tokens: Token[]): { anonymous: number; named: string[] } {
  let anonymous = 0;
  const named: string[] = [];
  for (const t of tokens) {
    if (t.type !== 'param') continue;
    if (t.text.startsWith('?')) anonymous++;
    else if (!named.includes(t.text.slice(1))) named.push(t.text.slice(1));
  }
  return { anonymous, named };
}
