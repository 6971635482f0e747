import { useId } from 'react';
import type { ConfigIssue } from '../../../common/api/contract';
import { bracketsOf, PRUNING_KINDS, pruningSchema, type PruningKind } from '../../../common/grid/pruning';
import { METRIC_TEXT } from '../../../common/stopping/monitor';
import { METRIC_NAMES } from '../../../common/types';
import { getPath } from '../new-run/config-path';
import { FieldIssues } from '../new-run/FieldIssues';
import { formatValueText, parseNumberText } from '../new-run/text-parse';
import { useSyncedText } from '../new-run/use-synced-text';
import {
  placePruningIssues,
  setPruningField,
  setPruningKind,
  specPruning,
  type SpecDraft,
} from './grid-spec-draft';
import { PRUNING_KIND_TEXT } from './pruning-text';

/**
 * The new grid's optional live pruning: none, successive halving or Hyperband, the metric its rungs rank by,
 * the first rung r and η. Written into the spec's `pruning`; the server's issues for `pruning.*` show next to
 * the field each names.
 */
export function PruningFieldset({
  spec,
  onChange,
  issues,
}: {
  spec: SpecDraft;
  onChange: (spec: SpecDraft) => void;
  issues: readonly ConfigIssue[];
}) {
  const id = useId();
  const pruning = specPruning(spec);
  const kind =
    pruning && PRUNING_KINDS.includes(pruning.kind as PruningKind) ? (pruning.kind as PruningKind) : null;
  const placed = placePruningIssues(issues);
  const [minEpochs, setMinEpochs] = useSyncedText<unknown>(
    pruning?.minEpochs,
    formatValueText,
    parseNumberText,
    (v) => onChange(setPruningField(spec, 'minEpochs', v)),
  );
  const [eta, setEta] = useSyncedText<unknown>(
    pruning?.reductionFactor,
    formatValueText,
    parseNumberText,
    (v) => onChange(setPruningField(spec, 'reductionFactor', v)),
  );
  const row = (list: readonly ConfigIssue[]) => (list.length > 0 ? 'form-row has-error' : 'form-row');
  // A pruning the JSON gave an unknown kind still shows its fields, so their issues have a place.
  const on = pruning !== null;
  const monitor = typeof pruning?.monitor === 'string' ? pruning.monitor : '';
  return (
    <fieldset className="form-section pruning-fieldset" data-testid="grid-pruning-fields">
      <legend>Pruning</legend>
      <div className={row(placed.kind)}>
        <label htmlFor={`${id}-kind`}>Pruning</label>
        <div className="form-control">
          <select
            id={`${id}-kind`}
            value={kind ?? (on ? '@other' : 'none')}
            onChange={(e) => onChange(setPruningKind(spec, e.target.value as PruningKind | 'none'))}
            aria-invalid={placed.kind.length > 0 || undefined}
            data-testid="grid-pruning-kind"
          >
            <option value="none">none: every cell trains to the end</option>
            {PRUNING_KINDS.map((k) => (
              <option key={k} value={k}>
                {PRUNING_KIND_TEXT[k]}
              </option>
            ))}
            {on && kind === null && (
              <option value="@other" disabled>
                {formatValueText(pruning.kind) || '(no kind)'} (as written in the JSON)
              </option>
            )}
          </select>
          <span className="hint">
            at each rung the cells behind end there (pruned) and the best 1/η go on from their checkpoints
          </span>
          <FieldIssues issues={placed.kind} />
        </div>
      </div>
      {on && (
        <>
          <div className={row(placed.monitor)}>
            <label htmlFor={`${id}-monitor`}>Rank by</label>
            <div className="form-control">
              <select
                id={`${id}-monitor`}
                value={monitor}
                onChange={(e) => onChange(setPruningField(spec, 'monitor', e.target.value))}
                aria-invalid={placed.monitor.length > 0 || undefined}
                data-testid="grid-pruning-monitor"
              >
                {!METRIC_NAMES.includes(monitor as (typeof METRIC_NAMES)[number]) && (
                  <option value={monitor}>{monitor || '(none)'}</option>
                )}
                {METRIC_NAMES.map((m) => (
                  <option key={m} value={m}>
                    {METRIC_TEXT[m]} ({m})
                  </option>
                ))}
              </select>
              <span className="hint">pruning.monitor: the value at the rung&apos;s epoch decides</span>
              <FieldIssues issues={placed.monitor} />
            </div>
          </div>
          <div className={row(placed.minEpochs)}>
            <label htmlFor={`${id}-min-epochs`}>First rung r</label>
            <div className="form-control">
              <input
                id={`${id}-min-epochs`}
                type="text"
                className="input-number"
                value={minEpochs}
                onChange={(e) => setMinEpochs(e.target.value)}
                aria-invalid={placed.minEpochs.length > 0 || undefined}
                data-testid="grid-pruning-min-epochs"
              />
              <span className="hint">pruning.minEpochs: epochs every cell trains before the first rung</span>
              <FieldIssues issues={placed.minEpochs} />
            </div>
          </div>
          <div className={row(placed.reductionFactor)}>
            <label htmlFor={`${id}-eta`}>η</label>
            <div className="form-control">
              <input
                id={`${id}-eta`}
                type="text"
                className="input-number"
                value={eta}
                onChange={(e) => setEta(e.target.value)}
                aria-invalid={placed.reductionFactor.length > 0 || undefined}
                data-testid="grid-pruning-eta"
              />
              <span className="hint">pruning.reductionFactor: a rung keeps the best 1/η of its cells</span>
              <FieldIssues issues={placed.reductionFactor} />
            </div>
          </div>
          <p className="hint" data-testid="grid-pruning-rungs">
            {rungsPreview(spec)}
          </p>
        </>
      )}
    </fieldset>
  );
}

/**
 * Where the rungs fall when the full epochs R are in the form (Epochs per cell); otherwise that R is the
 * cells' training.epochs, which the base sets.
 */
export function rungsPreview(spec: SpecDraft): string {
  const parsed = pruningSchema.safeParse(specPruning(spec));
  const epochs = getPath((spec.override as Record<string, unknown> | undefined) ?? {}, 'training.epochs');
  if (typeof epochs !== 'number' || !Number.isInteger(epochs) || epochs < 1)
    return "The full epochs R are the cells' training.epochs (the base's unless Epochs per cell sets them); the rungs fall below R.";
  if (!parsed.success || parsed.data.minEpochs >= epochs)
    return `The rungs fall below R = ${epochs} epochs (Epochs per cell).`;
  const brackets = bracketsOf(parsed.data, epochs).filter((b) => b.rungs.length > 0);
  if (brackets.length === 0) return `No rung below R = ${epochs} epochs: nothing would be pruned.`;
  if (parsed.data.kind === 'successive-halving')
    return `With R = ${epochs}: rungs at epochs ${brackets[0].rungs.join(', ')}.`;
  return `With R = ${epochs}: ${brackets.map((b) => `bracket s = ${b.index} rungs at ${b.rungs.join(', ')}`).join('; ')}; bracket s = 0 trains to R.`;
}
