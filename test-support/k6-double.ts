/**
 * Test-only stand-ins for k6's `k6` and `k6/http` modules: they record every request a
 * script makes (answering from a caller-supplied function) and evaluate checks, so the
 * scripts' code runs under vitest without k6. Never imported by product code.
 */

export interface RecordedRequest {
  method: string;
  url: string;
  body: string | null;
  headers: Record<string, string>;
  tags: Record<string, string>;
}

export interface FakeResponse {
  status: number;
  body: string;
  error: string;
}

type Responder = (req: RecordedRequest) => FakeResponse;

function createRecorder() {
  return {
    requests: [] as RecordedRequest[],
    checks: new Map<string, { passes: number; fails: number }>(),
    respond: ((_req: RecordedRequest) => ({ status: 200, body: '{"ok":true}', error: '' })) as Responder,
    reset(respond?: Responder) {
      this.requests = [];
      this.checks = new Map();
      if (respond) this.respond = respond;
    },
  };
}

// One recorder per process: the test resets its module registry between scripts, and the
// script's copy of this module must record into the same place the test reads.
const shared = globalThis as unknown as { __k6Recorder?: ReturnType<typeof createRecorder> };
export const recorder = (shared.__k6Recorder ??= createRecorder());

interface Params {
  headers?: Record<string, string>;
  tags?: Record<string, string>;
}

function request(method: string, url: string, body?: string | null, params?: Params | null): FakeResponse {
  const req: RecordedRequest = {
    method,
    url,
    body: body ?? null,
    headers: { ...(params?.headers ?? {}) },
    tags: { ...(params?.tags ?? {}) },
  };
  recorder.requests.push(req);
  return recorder.respond(req);
}

export const httpModule = {
  default: {
    request,
    get: (url: string, params?: Params | null) => request('GET', url, null, params),
  },
};

/** What k6's fail() throws here; the class is shared across module copies for `toThrow(FailError)`. */
class K6Fail extends Error {
  override name = 'FailError';
}
const sharedFail = globalThis as unknown as { __k6FailError?: typeof K6Fail };
export const FailError = (sharedFail.__k6FailError ??= K6Fail);

export const k6Module = {
  check(value: unknown, sets: Record<string, (v: unknown) => boolean>): boolean {
    let all = true;
    for (const [name, fn] of Object.entries(sets)) {
      const ok = Boolean(fn(value));
      const c = recorder.checks.get(name) ?? { passes: 0, fails: 0 };
      if (ok) c.passes++;
      else c.fails++;
      recorder.checks.set(name, c);
      all &&= ok;
    }
    return all;
  },
  fail(message?: string): never {
    throw new FailError(message);
  },
};
