import { connect } from 'node:net';

/** One HTTP exchange over a fresh TCP connection, bytes exactly as given (fetch cannot send most hostile inputs). */
export interface RawRequest {
  /** Request line and headers, without the blank line; CRLF is added between lines. */
  head?: string[];
  /** Sent after the blank line, in order; each chunk waits for the socket to drain. */
  body?: Buffer[];
  /** Bytes sent instead of head+body (for request lines Node's parser must reject). */
  raw?: Buffer;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The server closed or reset the connection before we finished sending. */
  cutShort: boolean;
}

const HEAD_END = Buffer.from('\r\n\r\n');

/** Parses one HTTP/1.1 response (Content-Length or chunked). Throws when there is no complete status line. */
export function parseRawResponse(bytes: Buffer): Omit<RawResponse, 'cutShort'> {
  // Skip interim 1xx responses (100 Continue).
  while (/^HTTP\/1\.[01] 1\d\d /.test(bytes.subarray(0, 13).toString('latin1')) && bytes.indexOf(HEAD_END) !== -1) {
    bytes = bytes.subarray(bytes.indexOf(HEAD_END) + 4);
  }
  const end = bytes.indexOf(HEAD_END);
  if (end === -1)
    throw new Error(
      `no complete response head in ${bytes.length} bytes: ${JSON.stringify(bytes.subarray(0, 80).toString('latin1'))}`,
    );
  const [statusLine, ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '');
  if (!m) throw new Error(`not an HTTP status line: ${statusLine}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let body = bytes.subarray(end + 4);
  if (headers['transfer-encoding']?.toLowerCase() === 'chunked') body = dechunk(body);
  else if (headers['content-length'] !== undefined) body = body.subarray(0, Number(headers['content-length']));
  return { status: Number(m[1]), headers, body: body.toString('utf8') };
}

function dechunk(buf: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (let guard = 0; guard < 100_000 && at < buf.length; guard++) {
    const lineEnd = buf.indexOf('\r\n', at);
    if (lineEnd === -1) break;
    const size = parseInt(buf.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/**
 * Sends a raw request to host:port and reads the response until the server closes
 * (requests carry `Connection: close`). A server that answers early (413) and resets the
 * connection while we are still sending is fine: what it answered is returned.
 */
export function rawExchange(host: string, port: number, req: RawRequest, timeoutMs = 10_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let cutShort = false;
    let settled = false;
    const socket = connect({ host, port });
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const bytes = Buffer.concat(chunks);
      try {
        resolve({ ...parseRawResponse(bytes), cutShort });
      } catch (parseErr) {
        reject(err ?? parseErr);
      }
    };
    const timer = setTimeout(() => finish(new Error(`no complete response within ${timeoutMs} ms`)), timeoutMs);
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('end', () => finish());
    socket.on('close', () => finish());
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE') cutShort = true;
      finish(err);
    });
    socket.on('connect', async () => {
      try {
        if (req.raw) {
          socket.write(req.raw);
          return;
        }
        socket.write((req.head ?? []).join('\r\n') + '\r\n\r\n');
        let first = true;
        const waitForData = (ms: number) =>
          new Promise<void>((resolve) => {
            if (chunks.length > 0) return resolve();
            const t = setTimeout(done, ms);
            function done() {
              clearTimeout(t);
              socket.off('data', done).off('close', done);
              resolve();
            }
            socket.once('data', done).once('close', done);
          });
        for (const chunk of req.body ?? []) {
          // Stop sending once the server has answered (it refused the body). The pause lets an
          // early answer (413) be read before a reset from the server can discard it.
          if (chunks.length > 0 || socket.destroyed) {
            cutShort = true;
            return;
          }
          if (!socket.write(chunk)) await new Promise<void>((r) => socket.once('drain', r).once('close', r));
          // A server refusing a large body answers after the first chunk: give that answer time
          // to be read (the first time longer), so a reset cannot discard it unread.
          if (chunk.length >= 64 * 1024) await waitForData(first ? 200 : 5);
          first = false;
        }
      } catch {
        cutShort = true;
      }
    });
  });
}
