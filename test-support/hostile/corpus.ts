import { BODY_CASES } from './bodies.ts';
import { FRAMING_CASES } from './framing.ts';
import { PARAMETER_CASES } from './parameters.ts';
import type { RawRequest } from './raw-http.ts';

/**
 * Hostile requests for the fixture server, as data. Every one must get a 4xx with a JSON
 * `{error}` body (the expected status where it is part of the contract), never a 5xx,
 * and none may change the database. Ids refer to a tiny seeded database: campaign 1,
 * client 1 and content 1 exist; 999999999 does not.
 */
export interface HostileCase {
  name: string;
  category: string;
  request: RawRequest;
  /** An exact status, or any 4xx. */
  expect: number | '4xx';
}

/** Every hostile case, in the order bodies, parameters, framing. */
export const HOSTILE_CORPUS: HostileCase[] = [...BODY_CASES, ...PARAMETER_CASES, ...FRAMING_CASES];
