import { describe, expect, it } from 'vitest';
import { defineCommand, parseCommandArgs } from './cli-kit.ts';

const cmd = (options: Parameters<typeof defineCommand>[0]['options']) =>
  defineCommand({ name: 'x', summary: 'x', options, run: async () => 0 });

describe('flag spellings', () => {
  it('--profile and --profiles both reach the flag a command declares', () => {
    const singular = cmd({ profile: { kind: 'list', value: 'A[,B]', help: 'h' } });
    expect(parseCommandArgs(singular, ['--profiles', 'a,b']).values).toEqual({ profile: ['a', 'b'] });
    expect(parseCommandArgs(singular, ['--profiles=a']).values).toEqual({ profile: ['a'] });
    expect(parseCommandArgs(singular, ['--profile', 'a']).values).toEqual({ profile: ['a'] });
    const plural = cmd({ profiles: { kind: 'list', value: 'A[,B]', help: 'h' } });
    expect(parseCommandArgs(plural, ['--profile', 'a']).values).toEqual({ profiles: ['a'] });
  });
  it('leaves other flags and values alone, and still refuses unknown ones', () => {
    const c = cmd({
      profile: { kind: 'string', value: 'P', help: 'h' },
      sql: { kind: 'string', value: 'S', help: 'h' },
    });
    expect(parseCommandArgs(c, ['--sql', 'select 1']).values).toEqual({ sql: 'select 1' });
    expect(() => parseCommandArgs(c, ['--profilez', 'a'])).toThrow(/unknown option '--profilez'/);
  });
});
