/** A value SQLite can bind. */
export type SqlValue = number | string | bigint | null | Buffer;
/** One call's parameters: positional, or named (`:id`, `@id`, `$id`). */
export type SqlParams = SqlValue[] | Record<string, SqlValue>;
