import { UsageError } from '../lib/errors.ts';
import { isLoopbackHost } from '../lib/loopback.ts';

/** A postgres:// URL, loopback unless allowed; `flag` names the option in the message. */
export function checkPgUrl(raw: string, allowRemote: boolean, flag = '--pg-url'): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`${flag} must be a URL like postgres://user@127.0.0.1:5432/db, got '${raw}'`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    throw new UsageError(`${flag} must be a postgres:// URL, got '${url.protocol}'`);
  // A Unix socket (host=/path in the query) is local by nature.
  const socket = url.searchParams.get('host')?.startsWith('/') ?? false;
  if (!allowRemote && !socket && !isLoopbackHost(url.hostname || 'localhost'))
    throw new UsageError(
      `${flag} ${url.host} is not loopback (127.0.0.0/8, ::1, localhost); refusing without --allow-remote`,
    );
  return raw;
}

/** The same server, another database. */
export function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.href;
}
