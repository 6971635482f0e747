import {
  lowerIsBetter,
  parseAnalysisMetricKey,
  type AnalysisMetric,
} from '../../../common/grid/analysis-value';
import type { HeatmapMatrix } from '../../../common/grid/heatmap';
import type { ParcoordsConstraints, ParcoordsData } from '../../../common/grid/parcoords';
import { renderHeatmapSvg } from '../../../common/plot/grid-heatmap-svg';
import { renderParcoordsSvg } from '../../../common/plot/grid-parcoords-svg';
import { EXPORT_SIZE } from '../compare/exports';
import { axisTitle } from '../../../common/grid/levels';
import type { HeatmapMeasure } from './heatmap-measure';

/** The grid figures as exported: the same matrix, lines, brush and colours the screen shows. */

/** `E5 small` → `e5-small`: file names that survive every file system and shell. */
export function fileStem(name: string): string {
  const stem = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return stem || 'grid';
}

/** Colour-bar and tick text: accuracies as whole or one-decimal percentages, losses to 3 digits. */
function tickFormat(m: AnalysisMetric): (v: number) => string {
  return (v) => (lowerIsBetter(m) ? String(Number(v.toPrecision(3))) : `${Number((v * 100).toFixed(1))}%`);
}

export function heatmapSvg(gridName: string, matrix: HeatmapMatrix, measure: HeatmapMeasure): string {
  return renderHeatmapSvg(matrix, {
    title: `${gridName}: ${measure.short}`,
    xTitle: axisTitle(matrix.x.axis),
    yTitle: matrix.y ? axisTitle(matrix.y.axis) : '',
    valueTitle: measure.short,
    lowerIsBetter: measure.lowerIsBetter,
    formatValue: measure.format,
    width: EXPORT_SIZE.width,
    height: EXPORT_SIZE.height,
  });
}

export function parcoordsSvg(
  gridName: string,
  data: ParcoordsData,
  constraints: ParcoordsConstraints,
  colourBy: AnalysisMetric,
): string {
  return renderParcoordsSvg(data, {
    title: `${gridName}: parallel coordinates`,
    formatMetric: (value, key) => {
      const metric =
        key === null ? colourBy : (parseAnalysisMetricKey(key.replace(/^metric:/, '')) ?? colourBy);
      return tickFormat(metric)(value);
    },
    lowerIsBetter: lowerIsBetter(colourBy),
    constraints,
    width: EXPORT_SIZE.width,
    height: EXPORT_SIZE.height,
  });
}
