/**
 * A normalised k6 summary as the suite's LoadTrial. Whatever k6 did not record is either
 * bounded (and said so in `notes`) or refused with a clear message; nothing is invented.
 */
import type { LatencyMs, LoadTrial } from '../../../lib/records/load.ts';
import type { EndpointCounts } from '../autocannon/generator.ts';
import { K6SummaryError, type K6Summary } from './ingest.ts';

/** Splits a submetric name like `http_reqs{name:POST /contents,status:0}` into metric and tags. */
export function parseSubmetric(name: string): { metric: string; tags: Record<string, string> } {
  const m = /^([^{]+)\{(.*)\}$/.exec(name);
  if (!m) return { metric: name, tags: {} };
  const tags: Record<string, string> = {};
  for (const kv of m[2]!.split(',')) {
    const i = kv.indexOf(':');
    if (i < 0) continue;
    tags[kv.slice(0, i).trim()] = kv
      .slice(i + 1)
      .trim()
      .replace(/^["']|["']$/g, '');
  }
  return { metric: m[1]!, tags };
}

/** The http_reqs submetric count with exactly these tags, if the summary has it. */
function submetricCount(summary: K6Summary, tags: Record<string, string>): number | undefined {
  const want = Object.entries(tags);
  for (const [name, m] of Object.entries(summary.metrics)) {
    const p = parseSubmetric(name);
    if (p.metric !== 'http_reqs' || Object.keys(p.tags).length !== want.length) continue;
    if (want.every(([k, v]) => p.tags[k] === v) && m.values.count !== undefined) return Math.round(m.values.count);
  }
  return undefined;
}

export interface TrialOptions {
  /** The trend holding request latency (default `http_req_duration`). */
  latencyMetric?: string;
  source?: string;
  /** Length of the measured window (s) when the run had a warm-up; rates are recomputed over it. */
  windowS?: number;
}

/**
 * The measured requests only, when the summary has `{phase:measure}` submetrics (the suite's
 * scripts tag their measured scenario so; warm-up and setup requests are left out): each
 * `metric{phase:measure,…}` stands in for `metric{…}`. k6 computes a counter's rate over the
 * whole run, so rates are recomputed over `windowS` when given, else dropped. Null when the
 * summary has no such submetrics.
 */
export function measuredView(summary: K6Summary, windowS?: number): K6Summary | null {
  const metrics: K6Summary['metrics'] = {};
  for (const [name, m] of Object.entries(summary.metrics)) {
    const { metric, tags } = parseSubmetric(name);
    if (tags.phase !== 'measure') continue;
    const rest = Object.entries(tags).filter(([k]) => k !== 'phase');
    const key = rest.length ? `${metric}{${rest.map(([k, v]) => `${k}:${v}`).join(',')}}` : metric;
    const values = { ...m.values };
    if (values.count !== undefined && values.rate !== undefined && m.type !== 'rate' && !('passes' in values)) {
      if (windowS !== undefined && windowS > 0) values.rate = values.count / windowS;
      else delete values.rate;
    }
    metrics[key] = { type: m.type, values };
  }
  if (Object.keys(metrics).length === 0) return null;
  for (const [name, m] of Object.entries(summary.metrics)) {
    if (!(name in metrics) && parseSubmetric(name).tags.phase === undefined) metrics[name] = m;
  }
  return { ...summary, metrics, durationS: windowS ?? summary.durationS };
}

export interface K6Trial {
  trial: LoadTrial;
  /** Every figure that is a bound or an approximation rather than what k6 measured. */
  notes: string[];
}

/** The latency fields from slowest-known upwards: a missing percentile is bounded by the next one present. */
const CHAIN: [keyof LatencyMs, string][] = [
  ['p50', 'p(50)'],
  ['p90', 'p(90)'],
  ['p95', 'p(95)'],
  ['p99', 'p(99)'],
  ['p999', 'p(99.9)'],
  ['max', 'max'],
];

function latency(values: Record<string, number>, metric: string, notes: string[], source: string): LatencyMs {
  if (values.max === undefined) throw new K6SummaryError(`${source}: trend '${metric}' has no max`);
  const out: Partial<LatencyMs> = {};
  for (let i = CHAIN.length - 1; i >= 0; i--) {
    const [field, key] = CHAIN[i]!;
    const v = values[key];
    if (v !== undefined) {
      out[field] = v;
      continue;
    }
    const [upper, upperKey] = CHAIN[i + 1]!;
    out[field] = out[upper]!;
    notes.push(
      `${field}: '${key}' not in the summary; recorded as the upper bound ${upperKey} (add '${key}' to summaryTrendStats)`,
    );
  }
  if (values.avg !== undefined) out.mean = values.avg;
  else {
    out.mean = out.p50!;
    notes.push(`mean: 'avg' not in the summary; recorded as the median`);
  }
  return out as LatencyMs;
}

/** Converts a parsed k6 summary into a LoadTrial (latency in ms, as k6 reports it). */
export function k6SummaryToTrial(whole: K6Summary, opts: TrialOptions = {}): K6Trial {
  const source = opts.source ?? 'k6 summary';
  const latencyMetric = opts.latencyMetric ?? 'http_req_duration';
  const notes: string[] = [];
  const measured = measuredView(whole, opts.windowS);
  const summary = measured ?? whole;
  if (measured && opts.windowS === undefined)
    notes.push('measured window length unknown: rates are over the whole run, warm-up included');
  const reqs = summary.metrics.http_reqs?.values;
  if (!reqs || reqs.count === undefined)
    throw new K6SummaryError(`${source}: no 'http_reqs' counter (was this an HTTP test?)`);
  const trend = summary.metrics[latencyMetric]?.values;
  if (!trend) throw new K6SummaryError(`${source}: no '${latencyMetric}' trend to take latency from`);

  const requests = Math.round(reqs.count);
  const durationS = summary.durationS ?? 0;
  if (summary.durationS === null) notes.push('durationS: not in the summary');
  let rps = reqs.rate;
  if (rps === undefined) {
    rps = durationS > 0 ? requests / durationS : 0;
    notes.push('rps: computed as http_reqs count / test duration (the summary has no rate)');
  }

  const statusCodes: Record<string, number> = {};
  let errors = 0;
  let sawStatus = false;
  for (const [name, m] of Object.entries(summary.metrics)) {
    const p = parseSubmetric(name);
    const status = p.metric === 'http_reqs' && Object.keys(p.tags).length === 1 ? p.tags.status : undefined;
    if (status === undefined || !/^\d+$/.test(status) || m.values.count === undefined) continue;
    sawStatus = true;
    if (status === '0') errors += Math.round(m.values.count);
    else statusCodes[status] = Math.round(m.values.count);
  }
  let non2xx: number;
  if (sawStatus) {
    non2xx = Object.entries(statusCodes).reduce((sum, [code, n]) => (code.startsWith('2') ? sum : sum + n), 0);
    const accounted = errors + Object.values(statusCodes).reduce((a, b) => a + b, 0);
    if (accounted < requests)
      notes.push(`statusCodes: ${requests - accounted} responses had a status without a http_reqs{status:N} submetric`);
  } else {
    non2xx = Math.round(summary.metrics.http_req_failed?.values.passes ?? 0);
    notes.push(
      'non2xx: from http_req_failed (k6 counts status >= 400 and network errors; no per-status submetrics in the summary)',
    );
    notes.push('errors: network errors cannot be told apart without an http_reqs{status:0} submetric');
  }
  const timeoutCount = submetricCount(summary, { error_code: '1050' });
  if (timeoutCount === undefined) notes.push('timeouts: no http_reqs{error_code:1050} submetric in the summary');

  const received = summary.metrics.data_received?.values;
  let throughputBytesPerSec = received?.rate ?? 0;
  if (received && received.rate === undefined && received.count !== undefined && durationS > 0)
    throughputBytesPerSec = received.count / durationS;
  if (!received) notes.push('throughputBytesPerSec: no data_received metric');

  return {
    trial: {
      requests,
      rps,
      latencyMs: latency(trend, latencyMetric, notes, source),
      errors,
      timeouts: Math.round(timeoutCount ?? 0),
      non2xx,
      statusCodes,
      throughputBytesPerSec,
      durationS,
    },
    notes,
  };
}

/** The thresholds that failed, as `metric: expression`, or null when the shape has none. */
export function failedThresholds(summary: K6Summary): string[] | null {
  if (summary.thresholds === null) return null;
  return summary.thresholds.filter((t) => !t.ok).map((t) => `${t.metric}: ${t.expression}`);
}

/**
 * Per-endpoint counts for the write audit, from the submetrics the suite's scripts keep
 * (`http_reqs{name:E}`, `{name:E,expected_response:true}`, `{name:E,status:0}`); null when
 * any is missing. Over the whole run, like the autocannon generator's counts.
 */
export function k6EndpointCounts(summary: K6Summary, endpoints: string[]): Record<string, EndpointCounts> | null {
  const out: Record<string, EndpointCounts> = {};
  for (const name of endpoints) {
    const sent = submetricCount(summary, { name });
    const ok2xx = submetricCount(summary, { name, expected_response: 'true' });
    const noAnswer = submetricCount(summary, { name, status: '0' });
    if (sent === undefined || ok2xx === undefined || noAnswer === undefined) return null;
    out[name] = { sent, answered: sent - noAnswer, ok2xx };
  }
  return out;
}
