import { evaluationPoints } from '../../../common/metrics/eval-points';
import { UserInputError } from '../../../common/errors';
import type { EarlyStopRecord } from '../../../common/run-types';
import { openContext, type GlobalOptions } from '../context';
import { fmt, fmtLr, pct, printJson, printTable } from '../output';

interface JsonOption extends GlobalOptions {
  json?: boolean;
}

/** `workbench runs`: every run, newest first. */
export function runsCommand(options: JsonOption): number {
  const { store } = openContext(options);
  const runs = store.listRuns();
  store.close();
  if (options.json) {
    printJson(runs);
    return 0;
  }
  if (runs.length === 0) {
    process.stdout.write(
      'No runs yet. Start one with `workbench run e2` (a bundled preset) or a config file.\n',
    );
    return 0;
  }
  printTable(
    ['id', 'name', 'status', 'epochs', 'best val acc', 'dataset', 'backend', 'created'],
    runs.map((r) => [
      r.id.slice(0, 8),
      r.name,
      r.status,
      r.epochsPlanned ? `${r.epochs}/${r.epochsPlanned}` : r.epochs,
      r.bestValAcc === null ? '–' : `${pct(r.bestValAcc)} @${r.bestValAccEpoch}`,
      r.datasetId,
      r.backend ?? '–',
      r.createdAt,
    ]),
  );
  return 0;
}

/** `workbench show RUN_ID`: the full record of one run and every logged epoch. */
export function showCommand(runId: string, options: JsonOption): number {
  const { store } = openContext(options);
  const run = store.getRun(runId);
  if (!run) {
    store.close();
    throw new UserInputError(`${runId}: no run with this id (see \`workbench runs\`)`);
  }
  const epochs = store.getEpochs(run.id);
  const schedule = store.getSchedule(run.id);
  const stored = store.getPoints(run.id);
  store.close();
  const points = schedule ? evaluationPoints(schedule, run.config.training.batchSize, epochs, stored) : [];
  if (options.json) {
    const { summaries, epochs: _epochCount, ...record } = run;
    printJson({ ...record, summary: summaries, epochs, ...(schedule?.evaluateEvery ? { points } : {}) });
    return 0;
  }
  const lines = [
    `Run ${run.id}  ${run.name}`,
    `status      ${run.status}${run.error ? ` (${run.error})` : ''}`,
    ...(run.earlyStop ? [earlyStopLine(run.earlyStop)] : []),
    `experiment  ${run.experiment}`,
    `dataset     ${run.config.dataset.id} (fingerprint ${run.datasetFingerprint.slice(0, 16)}…), split ${JSON.stringify(run.config.dataset.split)}, shuffle seed ${run.config.dataset.shuffleSeed}, normalization ${run.config.dataset.normalization}`,
    `model       ${JSON.stringify(run.config.model)}`,
    `training    ${JSON.stringify(run.config.training)}`,
    `regularize  ${JSON.stringify(run.config.regularization)}`,
    `seed        ${run.config.seed}`,
    `backend     ${run.backend ?? '–'}`,
    `app         ${run.appVersion}`,
    `created     ${run.createdAt}${run.startedAt ? `, started ${run.startedAt}` : ''}${run.finishedAt ? `, finished ${run.finishedAt}` : ''}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  if (run.summaries.length > 0) {
    if (points.length > 0) process.stdout.write('summary of the epoch rows (the points are listed below)\n');
    printTable(
      ['metric', 'best', 'best epoch', 'last'],
      run.summaries.map((s) => [s.metric, fmt(s.bestValue), s.bestEpoch, fmt(s.lastValue)]),
    );
  }
  if (epochs.length === 0) {
    process.stdout.write('No epoch finished yet.\n');
    return 0;
  }
  printTable(
    ['epoch', 'train loss', 'train acc', 'val loss', 'val acc', 'test loss', 'test acc', 'lr', 's'],
    epochs.map((e) => [
      e.epoch,
      fmt(e.trainLoss),
      fmt(e.trainAcc),
      fmt(e.valLoss),
      fmt(e.valAcc),
      fmt(e.testLoss),
      fmt(e.testAcc),
      fmtLr(e.lr),
      e.seconds.toFixed(2),
    ]),
  );
  if (points.length > 0) {
    const every = schedule?.evaluateEvery;
    const unit = every && 'steps' in every ? `${every.steps} steps` : `${every?.examples} examples`;
    process.stdout.write(`\n${points.length} evaluation points (every ${unit}):\n`);
    printTable(
      [
        'step',
        'examples',
        'epoch',
        'train loss',
        'train acc',
        'val loss',
        'val acc',
        'test loss',
        'test acc',
      ],
      points.map((p) => [
        p.step,
        p.examples,
        p.epoch.toFixed(2),
        fmt(p.trainLoss),
        fmt(p.trainAcc),
        fmt(p.valLoss),
        fmt(p.valAcc),
        fmt(p.testLoss),
        fmt(p.testAcc),
      ]),
    );
  }
  return 0;
}

/** Where a live early-stopping rule ended the run; the reason names the stop and the restored epoch. */
function earlyStopLine(stop: EarlyStopRecord): string {
  return `early stop  ${stop.rule}: ${stop.reason}`;
}
