/**
 * How many rows a scale means and how values are distributed. Pure data and arithmetic,
 * shared by the seeder and by the load scenarios (which must draw ids inside the data).
 */

export const ROWS_AT_SCALE_1 = {
  clients: 1_000,
  campaigns: 20_000,
  contents: 200_000,
  audio_generations: 50_000,
} as const;

export type RowCounts = { [K in keyof typeof ROWS_AT_SCALE_1]: number };

/** Row counts for a scale: linear, at least one row per table. */
export function rowCounts(scale: number): RowCounts {
  const n = (base: number) => Math.max(1, Math.round(base * scale));
  return {
    clients: n(ROWS_AT_SCALE_1.clients),
    campaigns: n(ROWS_AT_SCALE_1.campaigns),
    contents: n(ROWS_AT_SCALE_1.contents),
    audio_generations: n(ROWS_AT_SCALE_1.audio_generations),
  };
}

/** Skewed status mixes: most rows sit in one or two states, as in a real application. */
export const CAMPAIGN_STATUS_MIX = [
  ['completed', 55],
  ['active', 20],
  ['paused', 10],
  ['draft', 10],
  ['archived', 5],
] as const;

export const CONTENT_STATUS_MIX = [
  ['published', 68],
  ['draft', 14],
  ['review', 9],
  ['scheduled', 6],
  ['archived', 3],
] as const;

export const AUDIO_STATUS_MIX = [
  ['completed', 86],
  ['failed', 5],
  ['processing', 6],
  ['queued', 3],
] as const;

export const PLAN_MIX = [
  ['free', 60],
  ['pro', 30],
  ['enterprise', 10],
] as const;

/** Created-at range of the seeded data: two years, denser towards the end (growth). */
export const TIME_START_MS = Date.UTC(2024, 0, 1);
export const TIME_SPAN_MS = Date.UTC(2026, 0, 1) - TIME_START_MS;

/** The task id of the n-th seeded task (stable, so scenarios can query existing tasks). */
export function taskId(n: number): string {
  return `task-${n.toString(16).padStart(8, '0')}`;
}

/** Roughly how many tasks the seeder creates (one to three generations each, two on average). */
export function approxTaskCount(rows: RowCounts): number {
  return Math.max(1, Math.floor(rows.audio_generations / 2));
}

/** The data scales every command accepts (--scale): 1 = 1,000 clients, 20,000 campaigns, 200,000 contents. */
export const SCALE_RANGE = { min: 0.0001, max: 100 } as const;
