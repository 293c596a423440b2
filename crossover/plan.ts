/**
 * What `loadlab crossover` sweeps, as data: per dimension the values, and what stays fixed
 * while it moves. The guide's chapter "when to move to PostgreSQL" names four thresholds:
 * above 100 concurrent users, above 30 % writes, 2+ servers, above 10 GB; each dimension
 * sweeps across one of them (as far as the machine allows: data size stops where seeding
 * time does).
 */
import type { CrossoverDimension } from '../lib/records/crossover.ts';

export interface DimensionPlan {
  dimension: CrossoverDimension;
  /** The guide's threshold on this dimension, in the dimension's unit. */
  threshold: number;
  /** Words for the threshold, as the guide puts it. */
  claim: string;
  unit: string;
  values: number[];
}

/** What a point of a sweep runs: scenario, connections, topology and scale for a swept value. */
export interface PointSetup {
  scenario: string;
  connections: number;
  topology: string;
  scale: number;
}

export interface CrossoverPreset {
  dimensions: DimensionPlan[];
  /** Rounds per point: each round runs both engines once, in alternating order. */
  rounds: number;
  warmupS: number;
  durationS: number;
  /** Fixed while another dimension moves. */
  base: { scenario: string; connections: number; scale: number };
}

const CLAIMS = {
  concurrency: { threshold: 100, claim: 'move to PostgreSQL above 100 concurrent users', unit: 'connections' },
  writes: { threshold: 30, claim: 'move to PostgreSQL above 30 % writes', unit: '% writes' },
  processes: { threshold: 2, claim: 'move to PostgreSQL with 2 or more servers', unit: 'server processes' },
  size: { threshold: 10 * 1024, claim: 'move to PostgreSQL above 10 GB of data', unit: 'MB (SQLite file)' },
} as const satisfies Record<CrossoverDimension, { threshold: number; claim: string; unit: string }>;

const dim = (dimension: CrossoverDimension, values: number[]): DimensionPlan => ({
  dimension,
  ...CLAIMS[dimension],
  values,
});

export const CROSSOVER_PRESETS: Record<'quick' | 'full', CrossoverPreset> = {
  quick: {
    dimensions: [
      dim('concurrency', [10, 100, 400]),
      dim('writes', [0, 30, 80]),
      dim('size', [0.05, 0.5]),
      dim('processes', [1, 2]),
    ],
    rounds: 2,
    warmupS: 0.5,
    durationS: 2,
    base: { scenario: 'mix-80-20', connections: 50, scale: 0.05 },
  },
  full: {
    dimensions: [
      dim('concurrency', [10, 25, 50, 100, 200, 400, 800]),
      dim('writes', [0, 10, 30, 50, 80]),
      dim('size', [0.1, 1, 4]),
      dim('processes', [1, 2, 4]),
    ],
    rounds: 3,
    warmupS: 1,
    durationS: 5,
    base: { scenario: 'mix-80-20', connections: 50, scale: 0.1 },
  },
};

/** The setup of one point: the swept dimension's value over the preset's base. */
export function pointSetup(preset: CrossoverPreset, dimension: CrossoverDimension, value: number): PointSetup {
  const b = preset.base;
  switch (dimension) {
    case 'concurrency':
      return { scenario: b.scenario, connections: value, topology: 'single', scale: b.scale };
    case 'writes':
      return { scenario: `mix-w${value}`, connections: b.connections, topology: 'single', scale: b.scale };
    case 'size':
      return { scenario: b.scenario, connections: b.connections, topology: 'single', scale: value };
    case 'processes':
      return {
        scenario: b.scenario,
        connections: b.connections,
        topology: value === 1 ? 'single' : `cluster:${value}`,
        scale: b.scale,
      };
  }
}
