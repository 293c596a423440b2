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

/**
 * SVG text -> PNG bytes with resvg (Rust, no browser), for places that do not show SVG (a
 * PR comment's image, a job summary). Fonts: the system's sans-serif. Deterministic.
 */
export async function svgToPng(svg: string, scale = 2): Promise<Buffer> {
  const { Resvg } = await import('@resvg/resvg-js');
  const png = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  }).render();
  return png.asPng();
}
