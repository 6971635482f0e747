import { useCallback, useId, useMemo, useState } from 'react';
import {
  halvingRungs,
  PRUNING_KINDS,
  type GridPruneReplay,
  type PruningKind,
  type PruningSpec,
} from '../../../common/grid/pruning';
import type { GridDetail, GridPruningState } from '../../../common/grid/types';
import { METRIC_TEXT } from '../../../common/stopping/monitor';
import { METRIC_NAMES, type MetricName } from '../../../common/types';
import type { PlotColors } from '../charts/plot-theme';
import { PlotlyChart } from '../charts/PlotlyChart';
import { useClient } from '../client/client-context';
import { errorMessage } from '../client/errors';
import { formatPercent } from '../common/format';
import { LivePruning } from './LivePruning';
import { PRUNING_KIND_TEXT } from './pruning-text';
import type { GridStoppingReplay } from '../../../common/grid/stopping-replay';
import { ruleLabel, ruleSpec } from '../../../common/stopping/rule-text';
import { stoppingReplays } from './stopping-tradeoff';
import { useGridEpochs } from './use-grid-epochs';
import {
  cellLabel,
  pruningLabel,
  rungBarLayout,
  rungBarTraces,
  tradeoffLayout,
  tradeoffTraces,
} from './pruning-chart-data';

/** The full epochs of a grid whose cells all plan the same number, else null (pruning needs one R). */
export function fullEpochsOf(grid: GridDetail): number | null {
  const planned = new Set(grid.results.map((r) => r.epochsPlanned));
  return planned.size === 1 ? [...planned][0] : null;
}

/** A few settings worth comparing on a grid of R epochs: successive halving and Hyperband, η 2 and 3. */
export function commonSettings(monitor: MetricName, fullEpochs: number, cells: number): PruningSpec[] {
  const out: PruningSpec[] = [];
  for (const reductionFactor of [2, 3]) {
    if (reductionFactor > cells) continue;
    for (const minEpochs of [1, 2, 4]) {
      if (minEpochs >= fullEpochs || halvingRungs(minEpochs, reductionFactor, fullEpochs).length === 0)
        continue;
      out.push({ kind: 'successive-halving', monitor, minEpochs, reductionFactor });
    }
    // Hyperband needs R/r ≥ η for a bracket with a rung.
    if (fullEpochs >= reductionFactor)
      out.push({ kind: 'hyperband', monitor, minEpochs: 1, reductionFactor });
  }
  return out;
}

/**
 * The grid view's Pruning section. On a full grid: what successive halving or Hyperband would have done on
 * this finished grid, from its logged epochs (`grids.pruneReplay`): each rung's decision, the cells as bars to
 * the epoch each would reach, the epochs saved against the full grid, whether the eventual best cell
 * survives, and every setting tried so far on one chart of epochs saved against accuracy lost, to choose a
 * setting on evidence. On a grid pruned as it trains: its own rungs so far (LivePruning).
 */
export function GridPruning({ grid }: { grid: GridDetail }) {
  return grid.pruning ? (
    <LivePruningSection grid={grid} pruning={grid.pruning} />
  ) : (
    <PruningReplaySection grid={grid} />
  );
}

/**
 * A grid pruned as it trained: its own rungs, live. A replay of other settings is not offered: it ranks cells
 * at rungs from epochs that the pruned cells here never trained.
 */
function LivePruningSection({ grid, pruning }: { grid: GridDetail; pruning: GridPruningState }) {
  const id = useId();
  return (
    <section className="panel grid-pruning" aria-labelledby={`${id}-heading`} data-testid="grid-pruning">
      <div className="panel-header">
        <h2 id={`${id}-heading`}>Pruning</h2>
        <p className="muted">
          This grid is pruned as it trains: at each rung the cells behind end there, the rest go on.
        </p>
      </div>
      <LivePruning grid={grid} pruning={pruning} />
      <p className="hint" data-testid="pruning-unavailable">
        Replaying other pruning settings needs a full grid, every cell trained to the end: the pruned cells of
        this one never logged the later epochs a replay would rank them by.
      </p>
    </section>
  );
}

function PruningReplaySection({ grid }: { grid: GridDetail }) {
  const id = useId();
  const client = useClient();
  const fullEpochs = fullEpochsOf(grid);
  const finished = grid.status !== 'running' && grid.results.every((r) => r.status !== 'pending');
  const [kind, setKind] = useState<PruningKind>('successive-halving');
  const [monitor, setMonitor] = useState<MetricName>(grid.monitor);
  const [minEpochs, setMinEpochs] = useState(() => String(Math.max(1, Math.floor((fullEpochs ?? 2) / 9))));
  const [eta, setEta] = useState('3');
  const [replays, setReplays] = useState<GridPruneReplay[]>([]);
  const [shownIndex, setShownIndex] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const replay = useCallback(
    async (settings: readonly PruningSpec[], show: PruningSpec = settings[0]) => {
      setBusy(true);
      setError(null);
      try {
        const answers: GridPruneReplay[] = [];
        for (const pruning of settings)
          answers.push(await client.call('grids.pruneReplay', { gridId: grid.id, pruning }));
        // The latest first; a setting replayed again replaces its earlier answer.
        const key = (r: GridPruneReplay) => JSON.stringify(r.pruning);
        const keys = new Set(answers.map(key));
        // The setting the form names stays the one shown when it is among those replayed.
        const wanted = answers.findIndex((a) => JSON.stringify(a.pruning) === JSON.stringify(show));
        setReplays((current) => [...answers, ...current.filter((c) => !keys.has(key(c)))]);
        setShownIndex(Math.max(0, wanted));
      } catch (e) {
        setError(errorMessage(e));
      } finally {
        setBusy(false);
      }
    },
    [client, grid.id],
  );

  const formSpec = (): PruningSpec => ({
    kind,
    monitor,
    minEpochs: Number(minEpochs),
    reductionFactor: Number(eta),
  });
  const submit = () => void replay([formSpec()]);
  const shown = replays[shownIndex] ?? null;
  // Early-stopping rules on the same chart: replayed here on the cells' epochs, loaded once asked for.
  const [withStopping, setWithStopping] = useState(false);
  const epochs = useGridEpochs(grid, withStopping && finished);
  const stopping = useMemo(
    () => (withStopping && epochs.data ? stoppingReplays(grid, epochs.data, monitor) : []),
    [withStopping, epochs.data, grid, monitor],
  );

  return (
    <section className="panel grid-pruning" aria-labelledby={`${id}-heading`} data-testid="grid-pruning">
      <div className="panel-header">
        <h2 id={`${id}-heading`}>Pruning</h2>
        <p className="muted">
          What successive halving or Hyperband would have done here, replayed on the epochs every cell logged.
        </p>
      </div>
      {!finished || fullEpochs === null ? (
        <p className="hint" data-testid="pruning-unavailable">
          {!finished
            ? 'A replay needs every epoch of a finished grid: it is offered once every cell has ended.'
            : 'The cells are planned for different numbers of epochs: pruning needs one number of full epochs.'}
        </p>
      ) : (
        <>
          <form
            className="toolbar pruning-form"
            onSubmit={(e) => {
              e.preventDefault();
              submit();
            }}
          >
            <label>
              Kind{' '}
              <select
                value={kind}
                onChange={(e) => setKind(e.target.value as PruningKind)}
                data-testid="pruning-kind"
              >
                {PRUNING_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {PRUNING_KIND_TEXT[k]}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Monitor{' '}
              <select
                value={monitor}
                onChange={(e) => setMonitor(e.target.value as MetricName)}
                data-testid="pruning-monitor"
              >
                {METRIC_NAMES.map((m) => (
                  <option key={m} value={m}>
                    {METRIC_TEXT[m]}
                  </option>
                ))}
              </select>
            </label>
            <label>
              First rung r (epochs){' '}
              <input
                type="number"
                min={1}
                step={1}
                value={minEpochs}
                onChange={(e) => setMinEpochs(e.target.value)}
                data-testid="pruning-min-epochs"
                className="narrow"
              />
            </label>
            <label>
              η{' '}
              <input
                type="number"
                min={2}
                step="any"
                value={eta}
                onChange={(e) => setEta(e.target.value)}
                data-testid="pruning-eta"
                className="narrow"
              />
            </label>
            <button type="submit" disabled={busy} data-testid="pruning-replay">
              Replay
            </button>
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                void replay(commonSettings(monitor, fullEpochs, grid.results.length), formSpec())
              }
              data-testid="pruning-common"
            >
              Compare common settings
            </button>
            <button
              type="button"
              disabled={withStopping && epochs.loading}
              onClick={() => setWithStopping(true)}
              data-testid="pruning-stopping"
            >
              Add early-stopping rules
            </button>
          </form>
          <p className="hint">
            Full epochs R = {fullEpochs} (training.epochs). At each rung every surviving cell is ranked by{' '}
            {METRIC_TEXT[monitor]} at the rung&apos;s epoch and the best 1/η go on (ties by cell index): the
            same decisions a live pruned grid of this setting makes, on any number of workers.
          </p>
          {error && (
            <p className="error-text" role="alert" data-testid="pruning-error">
              {error}
            </p>
          )}
          {/* After a refusal the earlier result would read as the answer to the setting refused. */}
          {shown && !error && <ReplayResult grid={grid} replay={shown} />}
          {epochs.error && withStopping && (
            <p className="error-text" role="alert">
              {epochs.error}
            </p>
          )}
          {(replays.length > 1 || stopping.length > 0) && (
            <SettingsTried
              replays={replays}
              stopping={stopping}
              shownIndex={shownIndex}
              onShow={setShownIndex}
            />
          )}
        </>
      )}
    </section>
  );
}

/** Signed so it reads right: a negative loss of accuracy is a gain (the monitor ranked by another metric). */
export function regretText(regret: GridPruneReplay['regret']): string {
  const acc = regret.testAcc;
  const loss = regret.valLoss;
  const accText =
    acc === null
      ? 'test accuracy —'
      : acc < 0
        ? `test accuracy ${formatPercent(-acc)} gained`
        : `test accuracy ${formatPercent(acc)} lost`;
  const lossText =
    loss === null
      ? 'validation loss —'
      : loss < 0
        ? `validation loss ${(-loss).toPrecision(3)} lower`
        : `validation loss ${loss.toPrecision(3)} higher`;
  return `${accText}, ${lossText}`;
}

function ReplayResult({ grid, replay }: { grid: GridDetail; replay: GridPruneReplay }) {
  const traces = useCallback((colors: PlotColors) => rungBarTraces(grid, replay, colors), [grid, replay]);
  const layout = useMemo(() => rungBarLayout(grid, replay), [grid, replay]);
  const same = replay.winner === replay.fullWinner;
  return (
    <div data-testid="pruning-result">
      <h3>{pruningLabel(replay.pruning)}</h3>
      <dl className="facts">
        <div className="fact-pair">
          <dt>Epochs</dt>
          <dd data-testid="pruning-saved">
            {replay.epochsTrained} trained of the full grid&apos;s {replay.epochsFull}: saves{' '}
            {formatPercent(replay.saved)}
          </dd>
        </div>
        <div className="fact-pair">
          <dt>Winner</dt>
          <dd data-testid="pruning-winner">
            {cellLabel(grid, replay.winner)}
            {same
              ? ', the full grid’s winner too'
              : `; the full grid’s: ${cellLabel(grid, replay.fullWinner)}`}
          </dd>
        </div>
        <div className="fact-pair">
          <dt>Cost</dt>
          <dd data-testid="pruning-regret">
            {regretText(replay.regret)} (the pruned winner&apos;s best epoch against the full winner&apos;s)
          </dd>
        </div>
      </dl>
      <PlotlyChart
        data={traces}
        layout={layout}
        label="Each cell as a bar to the epoch it would reach; the rungs as dotted lines"
        className="pruning-chart"
      />
      <table className="data-table" data-testid="pruning-rungs">
        <thead>
          <tr>
            <th scope="col">Bracket</th>
            <th scope="col">Rung epoch</th>
            <th scope="col">Go on</th>
            <th scope="col">Pruned</th>
            <th scope="col">Ended before</th>
            <th scope="col">Rank ρ, rung vs final best</th>
          </tr>
        </thead>
        <tbody>
          {replay.rungs.map((rung, i) => (
            <tr key={`${rung.bracket}-${rung.epoch}`} data-testid="pruning-rung">
              <td>{rung.bracket}</td>
              <td>{rung.epoch}</td>
              <td>{rung.kept.join(', ') || '—'}</td>
              <td>{rung.pruned.join(', ') || '—'}</td>
              <td>{rung.endedBefore.join(', ') || '—'}</td>
              <td>{replay.rankCorrelation[i]?.rho?.toFixed(2) ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SettingsTried({
  replays,
  stopping,
  shownIndex,
  onShow,
}: {
  replays: readonly GridPruneReplay[];
  stopping: readonly GridStoppingReplay[];
  shownIndex: number;
  onShow: (index: number) => void;
}) {
  const traces = useCallback(
    (colors: PlotColors) => tradeoffTraces(replays, colors, stopping),
    [replays, stopping],
  );
  const layout = useMemo(() => tradeoffLayout(stopping.length > 0), [stopping.length]);
  return (
    <div data-testid="pruning-settings">
      <h3>Settings tried</h3>
      <PlotlyChart
        data={traces}
        layout={layout}
        label="Epochs saved against test accuracy lost, one point per setting tried"
        className="pruning-tradeoff"
      />
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">Setting</th>
            <th scope="col">Saves</th>
            <th scope="col">Test acc lost</th>
            <th scope="col">Same winner</th>
            <th scope="col" aria-label="Show" />
          </tr>
        </thead>
        <tbody>
          {replays.map((r, i) => (
            <tr key={JSON.stringify(r.pruning)} data-testid="pruning-setting">
              <td>{pruningLabel(r.pruning)}</td>
              <td>{formatPercent(r.saved)}</td>
              <td>{r.regret.testAcc === null ? '—' : formatPercent(r.regret.testAcc)}</td>
              <td>{r.winner === r.fullWinner ? 'yes' : 'no'}</td>
              <td>
                {i === shownIndex ? (
                  <span className="muted">shown</span>
                ) : (
                  <button type="button" className="link-button" onClick={() => onShow(i)}>
                    Show
                  </button>
                )}
              </td>
            </tr>
          ))}
          {stopping.map((r) => (
            <tr key={ruleSpec(r.rule)} data-testid="pruning-stopping-rule">
              <td>
                early stopping: {ruleLabel(r.rule)} ({r.stopped} of the cells stopped)
              </td>
              <td>{formatPercent(r.saved)}</td>
              <td>{r.regret.testAcc === null ? '—' : formatPercent(r.regret.testAcc)}</td>
              <td>{r.winner === r.fullWinner ? 'yes' : 'no'}</td>
              <td />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
