import { formatMetric, formatNumber } from './format';
import { METRIC_TEXT } from './monitor';
import type { PatienceRule } from './rule-schema';
import type { MonitoredPoint, RuleScan, ScanContext } from './scan';

/**
 * Keras's EarlyStopping, epoch by epoch (keras/src/callbacks/early_stopping.py, Keras 3):
 * - the first monitored epoch is always an improvement; later ones improve when they beat the best by more
 *   than minDelta (absolute, or relative to |best|), so a tie is no improvement and the earlier epoch stays best;
 * - every monitored epoch adds one to `wait`; an improvement resets it to 0 only if it also beats the
 *   baseline (when one is set), so a run that never reaches the baseline stops `patience` epochs in;
 * - it stops once `wait` ≥ patience, never on the first epoch (Keras's `epoch > 0`).
 */
export function scanPatience(
  points: readonly MonitoredPoint[],
  rule: PatienceRule,
  ctx: ScanContext,
): RuleScan {
  const improves = (current: number, reference: number | null): boolean => {
    if (reference === null) return true;
    const delta = rule.minDeltaMode === 'relative' ? rule.minDelta * Math.abs(reference) : rule.minDelta;
    return rule.mode === 'min' ? current < reference - delta : current > reference + delta;
  };
  const what = METRIC_TEXT[ctx.monitor];
  let best: number | null = null;
  let bestEpoch: number | null = null;
  let wait = 0;
  for (const point of points) {
    wait += 1;
    if (improves(point.value, best)) {
      best = point.value;
      bestEpoch = point.epoch;
      if (rule.baseline === null || improves(point.value, rule.baseline)) wait = 0;
      continue;
    }
    if (wait >= rule.patience && point.epoch > 1) {
      const reachedBaseline = rule.baseline === null || (best !== null && improves(best, rule.baseline));
      const reason = reachedBaseline
        ? `${what} did not improve on ${formatMetric(ctx.monitor, best)} (epoch ${bestEpoch}) for ${wait} epoch${wait === 1 ? '' : 's'} (patience ${rule.patience}${deltaText(rule)}): stopped after epoch ${point.epoch}`
        : `${what} did not beat the baseline ${formatMetric(ctx.monitor, rule.baseline)} within ${wait} monitored epoch${wait === 1 ? '' : 's'} (patience ${rule.patience}): stopped after epoch ${point.epoch}`;
      return { stopEpoch: point.epoch, bestEpoch, reason };
    }
  }
  return {
    stopEpoch: null,
    bestEpoch,
    reason: `patience ${rule.patience} never ran out in ${ctx.lastEpoch} epochs (${what} last improved at epoch ${bestEpoch}, ${wait} epoch${wait === 1 ? '' : 's'} before the end)`,
  };
}

function deltaText(rule: PatienceRule): string {
  if (rule.minDelta === 0) return '';
  return rule.minDeltaMode === 'relative'
    ? `, min delta ${formatNumber(rule.minDelta * 100)} %`
    : `, min delta ${formatNumber(rule.minDelta)}`;
}
