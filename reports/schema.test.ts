import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA_FILE, configJsonSchema, resultsJsonSchema, SCHEMA_FILE } from './schema.ts';

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

describe('config.schema.json', () => {
  it('matches the zod schema of a config file (regenerate with: npx tsx reports/schema.ts)', () => {
    expect(JSON.parse(readFileSync(CONFIG_SCHEMA_FILE, 'utf8'))).toEqual(
      JSON.parse(JSON.stringify(configJsonSchema())),
    );
  });
  it('describes customProfiles with their PRAGMAs, indexes and write mode', () => {
    const s = configJsonSchema() as { properties: Record<string, { additionalProperties?: { properties?: object } }> };
    expect(Object.keys(s.properties.customProfiles!.additionalProperties!.properties!)).toEqual([
      'extends',
      'description',
      'pragmas',
      'indexes',
      'writeTransaction',
    ]);
  });
});
