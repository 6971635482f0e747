import { useMemo, useState } from 'react';
import type { RunEpochs } from '../../../common/api/contract';
import type { CompareRun } from '../../../common/compare/differing-params';
import {
  confusionFigure,
  differenceFigure,
  type ConfusionFigure,
  type ConfusionMode,
} from '../../../common/model-eval/confusion-figure';
import { describeSplit } from '../../../common/model-eval/evaluation';
import type { EvaluationSplit, ModelEvaluation } from '../../../common/model-eval/types';
import { renderConfusionSvg } from '../../../common/plot/confusion-svg';
import type { RunStatus } from '../../../common/types';
import { useClient } from '../client/client-context';
import { ExportActions } from '../common/ExportActions';
import { formatPercent } from '../common/format';
import { ErrorPanel, LoadingLine } from '../common/LoadState';
import { useLoad } from '../common/use-load';
import { fileStem } from '../grids/grid-exports';
import { ConfusionHeatmap, ConfusionModeToggle } from '../model-eval/ConfusionParts';
import { splitOptions } from '../run-detail/ModelPanel';
import { svgToPng } from './exports';

const LIVE: readonly RunStatus[] = ['queued', 'running'];

interface KeptRun {
  id: string;
  name: string;
  kinds: Set<string>;
}

/**
 * Two runs' confusion matrices side by side with their difference (B − A, blue where B puts fewer examples,
 * red where it puts more): shown when exactly two of the compared runs keep checkpoints, on the same
 * classes; the same epoch kind (best or last) and split of both.
 */
export function CompareModels({
  runs,
  epochs,
}: {
  runs: readonly CompareRun[];
  epochs: readonly RunEpochs[];
}) {
  const client = useClient();
  const ids = runs.map((r) => r.id);
  const details = useLoad(() => client.call('runs.details', { runIds: ids }), ids.join(','));
  if (details.error) return <ErrorPanel title="Could not load the runs" message={details.error} />;
  if (!details.data) return <LoadingLine text="Loading the runs' checkpoints…" />;
  const kept: KeptRun[] = details.data
    .filter((d) => d.checkpoints.length > 0 && !LIVE.includes(d.status))
    .map((d) => ({ id: d.id, name: d.name, kinds: new Set(d.checkpoints.flatMap((c) => c.kinds)) }));
  if (kept.length !== 2) {
    return (
      <p className="hint-box" data-testid="compare-models-note">
        Confusion matrices side by side need exactly two finished runs that keep checkpoints;{' '}
        {kept.length === 0
          ? `none of the ${runs.length} compared run${runs.length === 1 ? '' : 's'} does`
          : `${kept.length} of the ${runs.length} compared runs ${kept.length === 1 ? 'does' : 'do'} (${kept.map((k) => k.name).join(', ')})`}
        .
      </p>
    );
  }
  const epochsOf = (id: string) => epochs.find((e) => e.runId === id)?.epochs ?? [];
  const theirs = splitOptions(epochsOf(kept[0].id));
  const shared = splitOptions(epochsOf(kept[1].id)).filter((s) => theirs.includes(s));
  return <TwoModels a={kept[0]} b={kept[1]} splits={shared.length > 0 ? shared : ['train']} />;
}

function TwoModels({ a, b, splits }: { a: KeptRun; b: KeptRun; splits: EvaluationSplit[] }) {
  const client = useClient();
  const kinds = (['best', 'last'] as const).filter((k) => a.kinds.has(k) && b.kinds.has(k));
  const [kindChoice, setKind] = useState<'best' | 'last'>(kinds[0] ?? 'last');
  const [picked, setPicked] = useState<EvaluationSplit>(splits[0]);
  const [mode, setMode] = useState<ConfusionMode>('counts');
  const kind = kinds.includes(kindChoice) ? kindChoice : (kinds[0] ?? 'last');
  const split = splits.includes(picked) ? picked : splits[0];
  const loaded = useLoad(
    () =>
      Promise.all([a, b].map((run) => client.call('models.evaluate', { runId: run.id, epoch: kind, split }))),
    JSON.stringify([a.id, b.id, kind, split]),
  );

  return (
    <section className="panel" aria-labelledby="compare-models-heading" data-testid="compare-models">
      <h2 id="compare-models-heading">Confusion matrices</h2>
      <div className="model-controls">
        <label className="field-inline">
          Weights
          <select
            value={kind}
            onChange={(e) => setKind(e.target.value as 'best' | 'last')}
            data-testid="compare-models-epoch"
          >
            {(kinds.length > 0 ? kinds : (['last'] as const)).map((k) => (
              <option key={k} value={k}>
                {k} epoch of each
              </option>
            ))}
          </select>
        </label>
        <label className="field-inline">
          Split
          <select
            value={split}
            onChange={(e) => setPicked(e.target.value as EvaluationSplit)}
            data-testid="compare-models-split"
          >
            {splits.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <ConfusionModeToggle mode={mode} onChange={setMode} testId="compare-models-mode" />
      </div>
      {loaded.error ? (
        <ErrorPanel
          title="Could not evaluate the models"
          message={loaded.error}
          onRetry={() => void loaded.reload()}
        />
      ) : !loaded.data ? (
        <LoadingLine text="Evaluating both models…" />
      ) : (
        <Matrices a={a} b={b} evaluations={loaded.data} mode={mode} />
      )}
    </section>
  );
}

/** A and B on one colour scale (the larger maximum), so the same colour is the same value in both. */
function sharedScale(a: ConfusionFigure, b: ConfusionFigure, diff: ConfusionFigure) {
  const range = { min: 0, max: Math.max(a.range.max, b.range.max) };
  return { a: { ...a, range }, b: { ...b, range }, diff };
}

function sameClasses(x: ModelEvaluation, y: ModelEvaluation): boolean {
  return x.classes.length === y.classes.length && x.classes.every((c, i) => c === y.classes[i]);
}

function Matrices({
  a,
  b,
  evaluations,
  mode,
}: {
  a: KeptRun;
  b: KeptRun;
  evaluations: ModelEvaluation[];
  mode: ConfusionMode;
}) {
  const [ea, eb] = evaluations;
  const same = sameClasses(ea, eb);
  const figures = useMemo(
    () =>
      same
        ? sharedScale(confusionFigure(ea, mode), confusionFigure(eb, mode), differenceFigure(ea, eb, mode))
        : null,
    [ea, eb, mode, same],
  );
  if (!figures) {
    return (
      <p className="hint-box" data-testid="compare-models-note">
        The two models predict different classes ({ea.classes.join(', ')} and {eb.classes.join(', ')}): their
        confusion matrices cannot be subtracted.
      </p>
    );
  }
  const caption = (e: ModelEvaluation) =>
    `epoch ${e.epoch}, ${describeSplit(e.split)}, accuracy ${formatPercent(e.accuracy)}`;
  const svg = (figure: ConfusionFigure, title: string, subtitle: string) =>
    renderConfusionSvg(figure, { title, subtitle });
  const diffSvg = () =>
    svg(
      figures.diff,
      `${b.name} − ${a.name}: confusion difference${mode === 'normalised' ? ' (row-normalised)' : ''}`,
      `A ${caption(ea)}; B ${caption(eb)}`,
    );
  const stem = `${fileStem(b.name)}-minus-${fileStem(a.name)}-confusion`;
  const panel = (
    label: string,
    run: KeptRun | null,
    figure: ConfusionFigure,
    text: string,
    testId: string,
  ) => (
    <div>
      <h3 title={run?.name ?? label}>{label}</h3>
      <p className="muted">{text}</p>
      <ConfusionHeatmap
        figure={figure}
        label={`${label}: ${text}`}
        testId={testId}
        showScale={figure.scale === 'diverging'}
      />
    </div>
  );
  return (
    <>
      <div className="compare-confusions">
        {panel(`A: ${a.name}`, a, figures.a, caption(ea), 'compare-confusion-a')}
        {panel(`B: ${b.name}`, b, figures.b, caption(eb), 'compare-confusion-b')}
        {panel('B − A', null, figures.diff, 'cell by cell, on the same split', 'compare-confusion-diff')}
      </div>
      <p className="hint">
        A and B share one colour scale (the values are in the cells). B − A: red where B puts more examples in
        a cell than A, blue where it puts fewer, blank where they agree; on the diagonal red is better.
      </p>
      <ExportActions
        label="Export the difference"
        items={[
          {
            label: 'Difference SVG',
            testId: 'export-confusion-diff-svg',
            fileName: `${stem}.svg`,
            mimeType: 'image/svg+xml',
            make: diffSvg,
          },
          {
            label: 'Difference PNG',
            testId: 'export-confusion-diff-png',
            fileName: `${stem}.png`,
            mimeType: 'image/png',
            make: () => svgToPng(diffSvg()),
          },
        ]}
      />
    </>
  );
}
