import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** What a quick run's ledger prints instead of the verdict of a row its own A/A found unstable. */
export const UNSTABLE_IN_QUICK = 'unstable in quick runs';

/**
 * `reports/calibration/ledger/summary.json` as far as the ledger reads it: per claim row, whether
 * its verdict held across repeated `run --quick` of one commit (written by
 * `reports/calibration/ledger-aa.ts`, which carries more fields; they are not read here).
 */
export const QuickStabilityFile = z.object({
  runs: z.number().int().min(0),
  commits: z.array(z.string()),
  rows: z.array(
    z.object({
      id: z.string().min(1),
      n: z.number().int().min(0),
      agreeing: z.number().int().min(0),
      swing: z.boolean(),
      stable: z.boolean(),
    }),
  ),
});
export type QuickStabilityFile = z.infer<typeof QuickStabilityFile>;

/** The rows a quick run must not state a verdict for, each with why (from the A/A summary). */
export interface QuickStability {
  unstable: ReadonlyMap<string, string>;
}

export const NO_QUICK_STABILITY: QuickStability = { unstable: new Map() };

export const QUICK_STABILITY_FILE = fileURLToPath(new URL('../calibration/ledger/summary.json', import.meta.url));

/** Why a row is unstable, in words, from its summary figures. */
export function unstableReason(row: QuickStabilityFile['rows'][number], commits: readonly string[]): string {
  const parts = [`the verdict agreed with the most common one in ${row.agreeing} of ${row.n} quick runs`];
  if (row.swing) parts.push('it swung across "no effect"');
  const of = commits.length ? ` of ${commits.map((c) => c.slice(0, 7)).join(', ')}` : '';
  return `${parts.join('; ')} (the ledger's A/A${of}, reports/calibration/ledger/summary.json)`;
}

/** The parsed summary's unstable rows. Pure. */
export function quickStabilityOf(file: QuickStabilityFile): QuickStability {
  return {
    unstable: new Map(file.rows.filter((r) => !r.stable).map((r) => [r.id, unstableReason(r, file.commits)])),
  };
}

/** The stored A/A summary's verdict on each row; a missing, unreadable or invalid file changes nothing. */
export function loadQuickStability(file = QUICK_STABILITY_FILE): QuickStability {
  if (!existsSync(file)) return NO_QUICK_STABILITY;
  try {
    const parsed = QuickStabilityFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? quickStabilityOf(parsed.data) : NO_QUICK_STABILITY;
  } catch {
    return NO_QUICK_STABILITY;
  }
}
