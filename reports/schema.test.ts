import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resultsJsonSchema, SCHEMA_FILE } from './schema.ts';

describe('results.schema.json', () => {
  it('matches the zod schema (regenerate with: npx tsx reports/schema.ts)', () => {
    expect(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'))).toEqual(JSON.parse(JSON.stringify(resultsJsonSchema())));
  });
  it('describes the versioned top level', () => {
    const s = resultsJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(s.properties.schemaVersion).toEqual({ type: 'number', const: 1 });
    expect(s.required).toContain('environment');
  });
});
