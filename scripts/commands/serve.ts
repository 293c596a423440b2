import { defineCommand } from '../context.ts';
import { SHARED } from '../flags.ts';
import { SERVE_DEFAULTS, startServer, type RunningServer } from '../../fixture-server/serve.ts';
import { startPgServer } from '../../fixture-server/serve-pg.ts';
import { checkPgUrl } from '../../pg/url.ts';
import { UsageError } from '../../lib/errors.ts';
import { existingSqliteFile } from '../../lib/files.ts';
import { isLoopbackHost } from '../../lib/loopback.ts';
import { OVERLOAD_DEFAULTS } from '../../fixture-server/overload.ts';
import { parseTopology } from '../../fixture-server/topology.ts';
import { announceToPrimary, isClusterWorker, runClusterPrimary } from '../../fixture-server/cluster.ts';

export const command = defineCommand({
  name: 'serve',
  summary: 'Start the Hono fixture server on a database with a profile; prints one JSON line once listening.',
  details: `stdout gets exactly one line: {"url":"http://127.0.0.1:PORT","pid":…,"profile":"…","effective":{…}}.
SIGTERM or SIGINT closes the server and the database, exit 0.`,
  options: {
    'stop-on-stdin-end': {
      kind: 'boolean',
      help: 'also stop (closing the server and database) when stdin ends: for a parent that counts the whole process',
    },
    db: { kind: 'string', value: 'FILE', help: "an existing SQLite database (see 'loadlab seed'); this or --pg-url" },
    'pg-url': {
      kind: 'string',
      value: 'URL',
      help: 'serve a PostgreSQL database instead (postgres://USER@HOST:PORT/DB, holding the fixture tables; loopback unless --allow-remote)',
    },
    'allow-remote': { kind: 'boolean', help: 'let --pg-url name a server that is not on loopback' },
    profile: {
      ...SHARED.profile,
      required: true,
      help: `${SHARED.profile.help} (SQLite: PRAGMAs applied at open and read back); pg-default | pg-tuned with --pg-url`,
    },
    config: SHARED.config,
    port: {
      kind: 'number',
      value: 'N',
      default: SERVE_DEFAULTS.port,
      min: 0,
      max: 65535,
      integer: true,
      help: '0 picks a free port',
    },
    host: {
      kind: 'string',
      value: 'ADDR',
      default: SERVE_DEFAULTS.host,
      help: 'bind address; anything but loopback exposes the server',
    },
    'slow-ms': { kind: 'number', value: 'N', min: 0, help: 'log every statement slower than N ms as one JSON line' },
    'slow-log': { kind: 'string', value: 'FILE', help: 'append slow-query lines to FILE instead of stderr' },
    'max-inflight': {
      kind: 'number',
      value: 'N',
      default: OVERLOAD_DEFAULTS.maxInflight,
      min: 0,
      max: 1_000_000,
      integer: true,
      help: 'requests inside the app at once before new ones get 503 + Retry-After (0 = no bound)',
    },
    'max-queue-ms': {
      kind: 'number',
      value: 'N',
      default: OVERLOAD_DEFAULTS.maxQueueMs,
      min: 0,
      max: 600_000,
      help: '503 + Retry-After while the event-loop delay (how long an arrived request waits) exceeds N ms (0 = off)',
    },
    topology: {
      kind: 'string',
      value: 'T',
      default: 'single',
      help:
        'single; cluster:N = N processes (node:cluster) sharing the port and the database file, each with ' +
        'its own connection; readers:N = one process whose reads run on N worker threads with their own ' +
        'connections, writes on the main connection',
    },
    'inject-delay-ms': {
      kind: 'number',
      value: 'N',
      default: 0,
      min: 0,
      max: 10_000,
      help:
        "CALIBRATION ONLY: every timed request burns N ms of CPU first, a known slowdown for checking that 'compare' " +
        'detects one. Never use for real figures.',
    },
  },
  async run({ values }, { catalog }) {
    const pgUrl = values['pg-url'];
    if ((values.db === undefined) === (pgUrl === undefined))
      throw new UsageError('give exactly one of --db FILE or --pg-url URL');
    const { port, host } = values;
    const slowMs = values['slow-ms'];
    if (!isLoopbackHost(host))
      process.stderr.write(
        `warning: binding ${host}, which is not loopback: the server is reachable from other hosts\n`,
      );

    const overload = {
      ...OVERLOAD_DEFAULTS,
      maxInflight: values['max-inflight'],
      maxQueueMs: values['max-queue-ms'],
    };
    const topology = parseTopology(values.topology);
    const injectDelayMs = values['inject-delay-ms'];
    if (topology.kind === 'cluster' && !isClusterWorker()) {
      return runClusterPrimary({
        workers: topology.workers,
        announce: (line) => process.stdout.write(JSON.stringify(line) + '\n'),
      });
    }
    const readers = topology.kind === 'readers' ? topology.readers : 0;
    let server: RunningServer;
    if (pgUrl !== undefined) {
      checkPgUrl(pgUrl, values['allow-remote'] ?? false);
      if (readers)
        throw new UsageError('--topology readers:N is a SQLite topology; on PostgreSQL use single or cluster:N');
      if (slowMs !== undefined)
        throw new UsageError('--slow-ms logs SQLite statements; on PostgreSQL use log_min_duration_statement');
      server = await startPgServer({
        url: pgUrl,
        profile: catalog.pgProfile(values.profile),
        host,
        port,
        overload,
        injectDelayMs,
      });
    } else {
      server = await startServer({
        db: existingSqliteFile(values.db!),
        profile: catalog.profile(values.profile),
        host,
        port,
        slowMs,
        slowLog: values['slow-log'],
        overload,
        injectDelayMs,
        readers,
      });
    }
    const info = {
      url: server.url,
      pid: process.pid,
      profile: values.profile,
      ...(pgUrl !== undefined ? { engine: 'postgres' } : {}),
      effective: server.effective,
      mismatches: server.mismatches,
    };
    const line = {
      ...info,
      ...(topology.kind === 'readers' ? { topology: `readers:${readers}` } : {}),
      ...(injectDelayMs ? { injectDelayMs } : {}),
    };
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
      // Under a counter (strace, valgrind) the parent ends stdin instead of signalling, so the
      // whole shutdown (the last checkpoint at close) is counted and the tool exits with it.
      if (values['stop-on-stdin-end']) {
        process.stdin.once('end', stop);
        process.stdin.resume();
      }
      // A cluster worker whose primary is gone stops too.
      if (isClusterWorker()) process.once('disconnect', stop);
    });
  },
});
