/**
 * Calibration of `loadlab compare` (not a measurement of SQLite). Load stage only, five
 * trials per arm so compare uses its bootstrap interval. DELAY_MS (default 0) makes every
 * request burn that many ms of CPU in the server (`serve --inject-delay-ms`), a known
 * slowdown; 0 gives the A/A runs.
 *
 *   npx loadlab run --config reports/calibration/calibrate.config.ts --out out/cal/a1
 *   npx loadlab run --config reports/calibration/calibrate.config.ts --out out/cal/a2
 *   npx loadlab compare out/cal/a1/results.json out/cal/a2/results.json          # A/A: expect exit 0
 *   DELAY_MS=0.05 npx loadlab run --config reports/calibration/calibrate.config.ts --out out/cal/d
 *   npx loadlab compare out/cal/a1/results.json out/cal/d/results.json           # injected slowdown
 */
const delay = Number(process.env.DELAY_MS ?? '0');
if (!Number.isFinite(delay) || delay < 0)
  throw new Error(`DELAY_MS must be a non-negative number, got '${process.env.DELAY_MS}'`);

export default {
  profiles: ['untuned', 'tuned'],
  bench: { enabled: false },
  vacuum: { enabled: false },
  k6: { enabled: false },
  capacity: { enabled: false },
  load: { scenarios: ['read-point', 'read-list', 'mix-80-20'], trials: 5, durationS: 3, warmupS: 1, connections: 50 },
  injectDelayMs: delay,
};
