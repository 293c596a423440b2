import { describe, expect, it } from 'vitest';
import { colourEnabled, paintVerdicts } from './colour.ts';

describe('colourEnabled', () => {
  it('colours a terminal only, unless NO_COLOR or FORCE_COLOR says otherwise', () => {
    expect(colourEnabled({ isTTY: true }, {})).toBe(true);
    expect(colourEnabled({ isTTY: false }, {})).toBe(false);
    expect(colourEnabled({}, {})).toBe(false);
    expect(colourEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourEnabled({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(colourEnabled({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colourEnabled({ isTTY: true }, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true);
    expect(colourEnabled({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(false);
  });
});

describe('paintVerdicts', () => {
  it('wraps regressed/failed in red and improved in green, and leaves other words alone', () => {
    const painted = paintVerdicts('read-point regressed, write improved, mix ok', true);
    expect(painted).toContain('\u001b[31mregressed\u001b[39m');
    expect(painted).toContain('\u001b[32mimproved\u001b[39m');
    expect(painted).toContain('mix ok');
    expect(paintVerdicts('read-point regressed', false)).toBe('read-point regressed');
  });
});
