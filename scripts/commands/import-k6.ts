import { SHARED } from '../flags.ts';
import { tmpdir } from 'node:os';
import { defineCommand } from '../../lib/cli-kit.ts';
import { writeJsonAtomic } from '../../lib/atomic-write.ts';
import { probeEnvironment } from '../../lib/environment.ts';
import { LOAD_SCHEMA_VERSION, LoadFile } from '../../lib/records/load.ts';
import { readK6Summary } from '../../load/engines/k6/ingest.ts';
import {
  PERCENTILE_MERGE_NOTE,
  mergeK6Instances,
  mergedRecord,
  type MergedK6,
} from '../../load/engines/k6/ingest-merge.ts';

const ms = (n: number) => `${n.toFixed(2)} ms`;

/** The human summary printed on stdout. */
export function importSummary(m: MergedK6): string {
  const t = m.trial;
  const b = m.percentileBounds;
  const shapes = m.perInstance.map((p) => p.shape).join(', ');
  const lines = [
    `merged ${m.perInstance.length} k6 summar${m.perInstance.length === 1 ? 'y' : 'ies'} (${shapes})`,
    `requests ${t.requests}, ${t.rps.toFixed(1)} req/s (sum), errors ${t.errors}, timeouts ${t.timeouts}, non-2xx ${t.non2xx}`,
    `latency: mean ${ms(t.latencyMs.mean)}, max ${ms(t.latencyMs.max)} (exact); ` +
      `p50 <= ${ms(t.latencyMs.p50)}, p95 <= ${ms(t.latencyMs.p95)} (instances ${ms(b.p95.min)}..${ms(b.p95.max)}), p99 <= ${ms(t.latencyMs.p99)} (upper bounds)`,
  ];
  const failedChecks = m.checks.filter((c) => c.fails > 0);
  lines.push(
    `checks: ${m.checks.length} named, ${failedChecks.length ? failedChecks.map((c) => `${c.name} failed ${c.fails}/${c.passes + c.fails}`).join('; ') : 'all passed'}`,
  );
  lines.push(
    m.crossed.length
      ? `thresholds CROSSED (judged per instance): ${m.crossed.join('; ')}`
      : 'thresholds: none crossed (judged per instance)',
  );
  if (m.unjudged.length)
    lines.push(
      `thresholds unknown for ${m.unjudged.join(', ')} (the machine-readable summary has none; use k6's exit code)`,
    );
  lines.push(`note: ${PERCENTILE_MERGE_NOTE}`);
  return lines.join('\n') + '\n';
}

export const command = defineCommand({
  name: 'import-k6',
  summary: 'Merge k6 summaries from several instances (k6-operator, k6 cloud, several machines) into one load record.',
  args: 'FILE...',
  details: `Each FILE is one k6 instance's result: a --summary-export file, the JSON a
handleSummary wrote, or a --new-machine-readable-summary file (any mix).

Counts and rates are summed (the instances ran at the same time); mean and max are exact.
Percentiles cannot be merged exactly from summaries: the record holds the highest instance
value as an upper bound, and the min..max range in extra.k6.merge.percentileBounds.
Thresholds are judged by each k6 instance on its own share of the load: exit 1 when any
instance crossed one.

example: loadlab import-k6 results/k6-*.json --scenario mix-80-20 --profile tuned --json-out merged.json`,
  options: {
    scenario: { kind: 'string', value: 'NAME', default: 'imported', help: 'scenario name for the record' },
    profile: { kind: 'string', value: 'NAME', default: 'unknown', help: 'what the server ran with, for the record' },
    target: { kind: 'string', value: 'URL', help: 'the system under test, for the record' },
    'json-out': {
      ...SHARED['json-out'],
      help: `write a LoadFile (schemaVersion ${LOAD_SCHEMA_VERSION}) with the merged record`,
    },
    json: { kind: 'boolean', help: 'print that LoadFile to stdout instead of the summary' },
  },
  positionals: [1, 1000],
  async run({ values, positionals }) {
    const instances = positionals.map((file) => ({ source: file, summary: readK6Summary(file) }));
    const merged = mergeK6Instances(instances);
    const record = mergedRecord(merged, {
      scenario: values.scenario,
      profile: values.profile,
      ...(values.target ? { target: values.target } : {}),
    });
    const out = values['json-out'];
    if (out || values.json) {
      const environment = probeEnvironment({ dataDir: tmpdir(), skipFsync: true });
      environment.caveats.push(
        `imported k6 summaries (${positionals.length}): measured elsewhere; this environment is the machine that merged them`,
      );
      const options = { importedFrom: positionals, engine: 'k6' };
      const file = LoadFile.parse({
        schemaVersion: LOAD_SCHEMA_VERSION,
        kind: 'load',
        environment,
        options,
        records: [record],
        capacity: [],
      });
      if (out) writeJsonAtomic(out, file);
      if (values.json) process.stdout.write(JSON.stringify(file, null, 2) + '\n');
    }
    if (!values.json) process.stdout.write(importSummary(merged));
    if (out) process.stderr.write(`wrote ${out}\n`);
    return merged.crossed.length ? 1 : 0;
  },
});
