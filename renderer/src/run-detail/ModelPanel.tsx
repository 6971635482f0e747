import { useMemo, useState } from 'react';
import type { CheckpointInfo } from '../../../common/checkpoints/types';
import { confusionFigure, type ConfusionMode } from '../../../common/model-eval/confusion-figure';
import { describeSplit } from '../../../common/model-eval/evaluation';
import { evaluationCsv } from '../../../common/model-eval/evaluation-csv';
import type { EvaluationSplit, ModelEvaluation } from '../../../common/model-eval/types';
import { renderConfusionSvg } from '../../../common/plot/confusion-svg';
import type { EpochMetrics, RunStatus } from '../../../common/types';
import { useClient } from '../client/client-context';
import { svgToPng } from '../compare/exports';
import { ExportActions } from '../common/ExportActions';
import { formatInteger, formatMetric, formatPercent } from '../common/format';
import { ErrorPanel, LoadingLine } from '../common/LoadState';
import { useLoad } from '../common/use-load';
import { fileStem } from '../grids/grid-exports';
import {
  ConfusionHeatmap,
  ConfusionModeToggle,
  ModelDownloads,
  PerClassTable,
} from '../model-eval/ConfusionParts';
import { MistakeGallery } from '../model-eval/MistakeGallery';
import type { RunDetailData } from './live-run';

/** Mistakes that come with their stored example, for the gallery. */
export const GALLERY_SIZE = 24;

const LIVE: readonly RunStatus[] = ['queued', 'running'];

type EpochKind = 'best' | 'last';

interface EpochOption {
  value: EpochKind;
  epoch: number;
  label: string;
}

/** Best and last, as kept; one option where they are the same epoch. */
export function epochOptions(checkpoints: readonly CheckpointInfo[]): EpochOption[] {
  const best = checkpoints.find((c) => c.kinds.includes('best'));
  const last = checkpoints.find((c) => c.kinds.includes('last'));
  if (best && last && best.epoch === last.epoch) {
    return [{ value: 'best', epoch: best.epoch, label: `epoch ${best.epoch} (best and last)` }];
  }
  return [
    ...(best ? [{ value: 'best' as const, epoch: best.epoch, label: `best: epoch ${best.epoch}` }] : []),
    ...(last ? [{ value: 'last' as const, epoch: last.epoch, label: `last: epoch ${last.epoch}` }] : []),
  ];
}

/** The held-out splits that hold examples (they log metrics); the training split where neither does. */
export function splitOptions(epochs: readonly EpochMetrics[]): EvaluationSplit[] {
  const splits: EvaluationSplit[] = [];
  if (epochs.some((e) => e.valLoss !== null)) splits.push('validation');
  if (epochs.some((e) => e.testLoss !== null)) splits.push('test');
  return splits.length > 0 ? splits : ['train'];
}

/**
 * What the run's kept model gets wrong: the best or last epoch's weights on the validation or test split,
 * as a confusion matrix (counts or row-normalised), precision / recall / F1 per class and a gallery of its
 * most confident mistakes (the images themselves for image data), with SVG / PNG / CSV exports and the model
 * itself to download.
 */
export function ModelPanel({ run, epochs }: { run: RunDetailData; epochs: readonly EpochMetrics[] }) {
  const options = epochOptions(run.checkpoints);
  const live = LIVE.includes(run.status);
  return (
    <section className="panel model-panel" aria-labelledby="model-heading" data-testid="model-panel">
      <h2 id="model-heading">Model</h2>
      {live ? (
        <p className="muted" data-testid="model-live">
          The kept model is evaluated here once the run has stopped training.
        </p>
      ) : options.length === 0 ? (
        <p className="muted" data-testid="model-no-checkpoint">
          This run keeps no checkpoint
          {run.config.checkpoints === 'none'
            ? ' (its policy is "none")'
            : ' (none was kept, or they were pruned)'}
          : there is no model to evaluate or download. Re-run it to train one with checkpoints.
        </p>
      ) : (
        <ModelEvaluationView run={run} options={options} splits={splitOptions(epochs)} />
      )}
    </section>
  );
}

function ModelEvaluationView({
  run,
  options,
  splits,
}: {
  run: RunDetailData;
  options: EpochOption[];
  splits: EvaluationSplit[];
}) {
  const client = useClient();
  const [choice, setChoice] = useState<EpochKind>(options[0].value);
  const [picked, setPicked] = useState<EvaluationSplit>(splits[0]);
  const [mode, setMode] = useState<ConfusionMode>('counts');
  const option = options.find((o) => o.value === choice) ?? options[0];
  const split = splits.includes(picked) ? picked : splits[0];
  // The checkpoint's hash: a resumed run's new last epoch is evaluated anew.
  const sha = run.checkpoints.find((c) => c.epoch === option.epoch)?.sha256 ?? '';
  const key = JSON.stringify([run.id, option.epoch, sha, split]);
  const loaded = useLoad(
    // By kind, not number: the page's list of checkpoints can be a moment behind the store (a run that just
    // ended moved its best), and the store answers with the epoch it evaluated.
    () => client.call('models.evaluate', { runId: run.id, epoch: option.value, split, inputs: GALLERY_SIZE }),
    key,
  );
  const evaluation = loaded.data;

  return (
    <>
      <div className="model-controls">
        <label className="field-inline">
          Weights
          <select
            value={option.value}
            onChange={(e) => setChoice(e.target.value as EpochKind)}
            data-testid="model-epoch"
          >
            {options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field-inline">
          Split
          <select
            value={split}
            onChange={(e) => setPicked(e.target.value as EvaluationSplit)}
            data-testid="model-split"
          >
            {splits.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <ConfusionModeToggle mode={mode} onChange={setMode} />
      </div>
      <ModelDownloads runId={run.id} epoch={option.epoch} />
      {loaded.error ? (
        <ErrorPanel
          title="Could not evaluate the model"
          message={loaded.error}
          onRetry={() => void loaded.reload()}
        />
      ) : !evaluation ? (
        <LoadingLine text={`Evaluating epoch ${option.epoch} on the ${split} split…`} />
      ) : (
        <Evaluation run={run} evaluation={evaluation} mode={mode} kinds={option} stale={loaded.loading} />
      )}
    </>
  );
}

function Evaluation({
  run,
  evaluation,
  mode,
  kinds,
  stale,
}: {
  run: RunDetailData;
  evaluation: ModelEvaluation;
  mode: ConfusionMode;
  kinds: EpochOption;
  stale: boolean;
}) {
  const figure = useMemo(() => confusionFigure(evaluation, mode), [evaluation, mode]);
  const kind = kinds.label.includes('best and last') ? 'best and last' : kinds.value;
  const where = `epoch ${evaluation.epoch}${kinds.epoch === evaluation.epoch ? ` (${kind})` : ''}, ${describeSplit(evaluation.split)}`;
  const correct = evaluation.confusion.reduce((sum, row, i) => sum + row[i], 0);
  const stem = `${fileStem(run.name)}-epoch${evaluation.epoch}-${evaluation.split.replace(':', '-')}`;
  const svg = () =>
    renderConfusionSvg(figure, {
      title: `${run.name}: confusion matrix${mode === 'normalised' ? ' (row-normalised)' : ''}`,
      subtitle: `${where}, ${evaluation.examples} examples, accuracy ${formatPercent(evaluation.accuracy)}`,
    });
  return (
    <div aria-busy={stale}>
      <p
        className="model-summary"
        data-testid="model-summary"
        data-epoch={evaluation.epoch}
        data-split={evaluation.split}
        data-examples={evaluation.examples}
        data-accuracy={evaluation.accuracy}
        data-loss={evaluation.loss}
      >
        {stale && <span className="muted">Updating… </span>}
        {where}: <strong>{formatPercent(evaluation.accuracy)}</strong> accuracy ({formatInteger(correct)} of{' '}
        {formatInteger(evaluation.examples)} right), loss {formatMetric(evaluation.loss)},{' '}
        {formatInteger(evaluation.mistakes.length)} mistake{evaluation.mistakes.length === 1 ? '' : 's'}.
      </p>
      <div className="model-body">
        <div>
          <ConfusionHeatmap
            figure={figure}
            label={`Confusion matrix of ${where}${mode === 'normalised' ? ', row-normalised' : ''}: true class down, predicted class across`}
          />
          <ExportActions
            label="Export the confusion matrix"
            items={[
              {
                label: 'Confusion SVG',
                testId: 'export-confusion-svg',
                fileName: `${stem}-confusion.svg`,
                mimeType: 'image/svg+xml',
                make: svg,
              },
              {
                label: 'Confusion PNG',
                testId: 'export-confusion-png',
                fileName: `${stem}-confusion.png`,
                mimeType: 'image/png',
                make: () => svgToPng(svg()),
              },
              {
                label: 'CSV (confusion + per class)',
                testId: 'export-confusion-csv',
                fileName: `${stem}-confusion.csv`,
                mimeType: 'text/csv',
                make: () => evaluationCsv(evaluation),
              },
            ]}
          />
        </div>
        <div>
          <h3>Per class</h3>
          <PerClassTable metrics={evaluation.perClass} />
        </div>
      </div>
      <h3>Most confident mistakes</h3>
      <MistakeGallery evaluation={evaluation} />
    </div>
  );
}
