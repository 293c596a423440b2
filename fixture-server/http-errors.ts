import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Requests refused before they reach the app still get a JSON `{error}` body:
 * Node's HTTP parser (bad framing, oversized headers) and @hono/node-server's URL checks
 * (backslashes, bad Host) otherwise answer with an empty body.
 */

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

/** The raw HTTP/1.1 response written on a socket whose request Node could not parse. */
export function clientErrorResponse(code: string | undefined): Buffer {
  const status = code === 'HPE_HEADER_OVERFLOW' ? 431 : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const body = JSON.stringify({
    error:
      status === 431
        ? 'request headers too large'
        : status === 408
          ? 'request timed out'
          : `malformed HTTP request (${code ?? 'parse error'})`,
  });
  return Buffer.from(
    `HTTP/1.1 ${status} ${REASONS[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Replaces Node's default clientError answer (an empty 400/431) with a JSON one. */
export function installClientErrorHandler(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    const started = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
    if (err.code === 'ECONNRESET' || !socket.writable || started) {
      socket.destroy();
      return;
    }
    socket.end(clientErrorResponse(err.code));
  });
}

/** @hono/node-server's errorHandler: a request it could not turn into a URL is a JSON 400. */
export function requestErrorResponse(err: unknown): Response {
  const message = err instanceof Error ? err.message : 'invalid request';
  return new Response(JSON.stringify({ error: `invalid request: ${message}` }), {
    status: 400,
    headers: { 'content-type': 'application/json' },
  });
}

/** True for the error a request body stream raises when the client vanished or the framing broke mid-body. */
export function isAbortedRequest(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  return e?.code === 'ECONNRESET' || e?.code === 'ERR_STREAM_PREMATURE_CLOSE' || e?.message === 'aborted';
}
