/**
 * The statistics core: every verdict in the project (ab, compare, crossover, the report's
 * ledger and recommendation) reads its interval from here, and every interval says its
 * method and its coverage, computed for the n at hand.
 */
export * from './basic.ts';
export * from './sign-test.ts';
export * from './paired.ts';
export * from './unpaired.ts';
export * from './legacy.ts';
export * from './family.ts';
