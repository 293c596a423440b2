import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * vega-lite spec -> SVG text, headless (vega's 'none' renderer, no canvas needed).
 * Deterministic for a given spec.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = compile({ background: 'white', config: { font: 'sans-serif' }, ...spec } as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
