import { defineCommand, numberFlag, requireFlag } from '../../lib/cli-kit.ts';
import { SERVE_DEFAULTS, startServer } from '../../fixture-server/serve.ts';
import { existingSqliteFile } from '../../lib/files.ts';
import { resolveProfile } from '../../db/profiles.ts';
import { isLoopbackHost } from '../../lib/loopback.ts';
import { OVERLOAD_DEFAULTS } from '../../fixture-server/overload.ts';
import { parseTopology } from '../../fixture-server/topology.ts';
import { announceToPrimary, isClusterWorker, runClusterPrimary } from '../../fixture-server/cluster.ts';

export const command = defineCommand({
  name: 'serve',
  summary: 'Start the Hono fixture server on a database with a profile; prints one JSON line once listening.',
  usage: 'loadlab serve --db FILE --profile NAME [--port 0] [--host 127.0.0.1] [--slow-ms N] [--slow-log FILE] [--max-inflight N] [--max-queue-ms N] [--topology single|cluster:N|readers:N]',
  details: `options:
  --db FILE        an existing database (see 'loadlab seed')
  --profile NAME   untuned | tuned | consensus: PRAGMAs applied at open and read back
  --port N         0 picks a free port (default ${SERVE_DEFAULTS.port})
  --host ADDR      bind address (default ${SERVE_DEFAULTS.host}; anything else exposes the server)
  --slow-ms N      log every statement slower than N ms as one JSON line
  --slow-log FILE  append slow-query lines to FILE instead of stderr
  --max-inflight N requests inside the app at once before new ones get 503 + Retry-After (default ${OVERLOAD_DEFAULTS.maxInflight}; 0 = no bound)
  --max-queue-ms N 503 + Retry-After while the event-loop delay (how long an arrived request waits) exceeds N ms (default ${OVERLOAD_DEFAULTS.maxQueueMs}; 0 = off)
  --topology T     single (default); cluster:N = N processes (node:cluster) sharing the port and the
                   database file, each with its own connection; readers:N = one process whose reads run
                   on N worker threads with their own connections, writes on the main connection
  --inject-delay-ms N  CALIBRATION ONLY: every timed request burns N ms of CPU first, a known
                   slowdown for checking that 'compare' detects one. Never use for real figures.

stdout gets exactly one line: {"url":"http://127.0.0.1:PORT","pid":…,"profile":"…","effective":{…}}.
SIGTERM or SIGINT closes the server and the database, exit 0.`,
  options: {
    db: { type: 'string' },
    profile: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    'slow-ms': { type: 'string' },
    'slow-log': { type: 'string' },
    'max-inflight': { type: 'string' },
    'max-queue-ms': { type: 'string' },
    topology: { type: 'string' },
    'inject-delay-ms': { type: 'string' },
  },
  async run({ values }) {
    const db = existingSqliteFile(requireFlag('serve', 'db', values.db));
    const profile = resolveProfile(requireFlag('serve', 'profile', values.profile));
    const port = numberFlag('port', values.port, SERVE_DEFAULTS.port, { min: 0, max: 65535, integer: true });
    const host = values.host ?? SERVE_DEFAULTS.host;
    const slowMs = values['slow-ms'] === undefined ? undefined : numberFlag('slow-ms', values['slow-ms'], 0, { min: 0 });
    if (!isLoopbackHost(host)) process.stderr.write(`warning: binding ${host}, which is not loopback: the server is reachable from other hosts\n`);

    const overload = {
      ...OVERLOAD_DEFAULTS,
      maxInflight: numberFlag('max-inflight', values['max-inflight'], OVERLOAD_DEFAULTS.maxInflight, { min: 0, max: 1_000_000, integer: true }),
      maxQueueMs: numberFlag('max-queue-ms', values['max-queue-ms'], OVERLOAD_DEFAULTS.maxQueueMs, { min: 0, max: 600_000 }),
    };
    const topology = parseTopology(values.topology ?? 'single');
    const injectDelayMs = numberFlag('inject-delay-ms', values['inject-delay-ms'], 0, { min: 0, max: 10_000 });
    if (topology.kind === 'cluster' && !isClusterWorker()) {
      return runClusterPrimary({ workers: topology.workers, announce: (line) => process.stdout.write(JSON.stringify(line) + '\n') });
    }
    const readers = topology.kind === 'readers' ? topology.readers : 0;
    const server = await startServer({ db, profile, host, port, slowMs, slowLog: values['slow-log'], overload, injectDelayMs, readers });
    const info = { url: server.url, pid: process.pid, profile: profile.name, effective: server.opened.effective, mismatches: server.opened.mismatches };
    const line = { ...info, ...(topology.kind === 'readers' ? { topology: `readers:${readers}` } : {}), ...(injectDelayMs ? { injectDelayMs } : {}) };
    if (isClusterWorker()) announceToPrimary(server.url, line);
    else process.stdout.write(JSON.stringify(line) + '\n');
    return await new Promise<number>((resolve) => {
      const stop = () => {
        if (isClusterWorker() && process.connected) process.disconnect();
        server.close().then(
          () => resolve(0),
          () => resolve(1),
        );
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      // A cluster worker whose primary is gone stops too.
      if (isClusterWorker()) process.once('disconnect', stop);
    });
  },
});
