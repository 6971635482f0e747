import { X_AXES, type XAxis } from '../../../common/metrics/eval-points';
import { isMetricName, type ComparisonSpec } from '../../../common/compare/comparison';
import { parseSmoothing, type Smoothing } from '../../../common/compare/smoothing';
import { METRIC_NAMES, type MetricName } from '../../../common/types';

/**
 * What a comparison looks like besides its runs: the spec (metrics, smoothing, scales) and the tab. It lives
 * in the URL, so that a view can be bookmarked or sent and reopens as it was, and in localStorage, so that
 * leaving Compare and coming back (the Compare tab carries no query) keeps it.
 */

export type CompareTab = 'curves' | 'stopping' | 'models';

export interface CompareSettings {
  spec: ComparisonSpec;
  tab: CompareTab;
}

export const DEFAULT_SPEC: ComparisonSpec = {
  metrics: ['valLoss'],
  x: 'epoch',
  yScale: 'linear',
  smoothing: { kind: 'none' },
  showRaw: true,
};

export const DEFAULT_SETTINGS: CompareSettings = { spec: DEFAULT_SPEC, tab: 'curves' };

export const SETTINGS_STORAGE_KEY = 'workbench.compare.view';
/** The last selection, per window: the Compare tab reopens on it. */
export const SELECTION_STORAGE_KEY = 'workbench.compare.ids';

/** `metrics=valLoss,valAcc&smoothing=ema:0.6&y=log&x=time`: only what differs from the defaults. */
export function settingsQuery(settings: CompareSettings): string {
  const { spec, tab } = settings;
  const query = new URLSearchParams();
  if (spec.metrics.join(',') !== DEFAULT_SPEC.metrics.join(',')) query.set('metrics', spec.metrics.join(','));
  if (spec.smoothing.kind !== 'none') query.set('smoothing', smoothingText(spec.smoothing));
  if (!spec.showRaw) query.set('raw', '0');
  if (spec.yScale !== DEFAULT_SPEC.yScale) query.set('y', spec.yScale);
  if (spec.x !== DEFAULT_SPEC.x) query.set('x', spec.x);
  if (tab !== 'curves') query.set('tab', tab);
  return query.toString();
}

/**
 * Settings from a query; anything unreadable (an old bookmark, a hand-edited URL) keeps its default rather
 * than failing the whole view.
 */
export function parseSettings(query: string): CompareSettings {
  const params = new URLSearchParams(query);
  const metrics = (params.get('metrics') ?? '')
    .split(',')
    .map((m) => m.trim())
    .filter(isMetricName);
  const y = params.get('y');
  const x = params.get('x');
  return {
    spec: {
      // In METRIC_NAMES order, as the metric checkboxes keep them.
      metrics:
        metrics.length > 0
          ? METRIC_NAMES.filter((m): m is MetricName => metrics.includes(m))
          : DEFAULT_SPEC.metrics,
      smoothing: readSmoothing(params.get('smoothing')),
      showRaw: params.get('raw') !== '0',
      yScale: y === 'log' || y === 'linear' ? y : DEFAULT_SPEC.yScale,
      x: x !== null && (X_AXES as readonly string[]).includes(x) ? (x as XAxis) : DEFAULT_SPEC.x,
    },
    tab: params.get('tab') === 'stopping' ? 'stopping' : params.get('tab') === 'models' ? 'models' : 'curves',
  };
}

function smoothingText(smoothing: Smoothing): string {
  switch (smoothing.kind) {
    case 'none':
      return 'none';
    case 'ema':
      return `ema:${smoothing.weight}`;
    case 'moving-average':
      return `ma:${smoothing.window}`;
  }
}

function readSmoothing(text: string | null): Smoothing {
  if (!text) return { kind: 'none' };
  try {
    return parseSmoothing(text);
  } catch {
    return { kind: 'none' };
  }
}

/** Storage may be unavailable (a locked-down browser profile): settings then live in the URL only. */
export function readStored(storage: 'local' | 'session', key: string): string | null {
  try {
    return (storage === 'local' ? window.localStorage : window.sessionStorage).getItem(key);
  } catch {
    return null;
  }
}

export function writeStored(storage: 'local' | 'session', key: string, value: string): void {
  try {
    (storage === 'local' ? window.localStorage : window.sessionStorage).setItem(key, value);
  } catch {
    // Not kept across visits; the URL still has it.
  }
}
