import { styleText } from 'node:util';

/**
 * Whether to colour text written to `stream`: FORCE_COLOR (anything but '0' or 'false')
 * forces it, NO_COLOR (any non-empty value, https://no-color.org) turns it off, otherwise
 * only a terminal gets colour, so CI logs and files stay plain.
 */
export function colourEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '0' && force !== 'false') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (force !== undefined) return false;
  return stream.isTTY === true;
}

const VERDICT_WORDS: [RegExp, 'red' | 'green'][] = [
  [/\b(regressed|regressions?|failed)\b/g, 'red'],
  [/\b(improved|improvements?)\b/g, 'green'],
];

/**
 * Verdict words in red (regressed, failed) or green (improved) when `on`; the text
 * unchanged otherwise. The caller decides (colourEnabled): styleText is told not to.
 */
export function paintVerdicts(text: string, on: boolean): string {
  if (!on) return text;
  let out = text;
  for (const [re, colour] of VERDICT_WORDS)
    out = out.replace(re, (w) => styleText(colour, w, { validateStream: false }));
  return out;
}
