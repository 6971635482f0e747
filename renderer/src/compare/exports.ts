import type { ComparisonSeries, ComparisonSpec } from '../../../common/compare/comparison';
import { renderComparisonSvg } from '../../../common/plot/comparison-svg';
import { comparisonFigureInput, EXPORT_SIZE } from './compare-chart-data';

export { EXPORT_SIZE };
export const PNG_SCALE = 2;

/**
 * The SVG export: the same series, smoothing, scales, panels and title the chart on screen shows (both are
 * laid out from comparisonFigureInput).
 */
export function comparisonSvg(series: readonly ComparisonSeries[], asked: ComparisonSpec): string {
  const figure = comparisonFigureInput(series, asked);
  return renderComparisonSvg(figure.series, figure.options);
}

/** The root element's width and height attributes (the figure grows with its legend). */
export function svgSize(svg: string): { width: number; height: number } {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const attribute = (name: string) => Number(new RegExp(`\\b${name}="([\\d.]+)"`).exec(root)?.[1]);
  const width = attribute('width');
  const height = attribute('height');
  return {
    width: Number.isFinite(width) && width > 0 ? width : EXPORT_SIZE.width,
    height: Number.isFinite(height) && height > 0 ? height : EXPORT_SIZE.height,
  };
}

/**
 * Rasterises an SVG in the page: an <img> of a blob: URL (the CSP allows blob: images), drawn on a canvas
 * at `scale` for sharp text on high-density screens and in slides. No network and no eval involved.
 */
export async function svgToPng(svg: string, scale = PNG_SCALE): Promise<Uint8Array> {
  const { width, height } = svgSize(svg);
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    const loaded = new Promise<void>((resolve, reject) => {
      image.onload = () => resolve();
      image.onerror = () => reject(new Error('the browser could not render the SVG'));
    });
    image.src = url;
    await loaded;
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2D canvas available');
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!blob) throw new Error('the canvas produced no PNG');
    return new Uint8Array(await blob.arrayBuffer());
  } finally {
    URL.revokeObjectURL(url);
  }
}
