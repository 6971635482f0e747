import { Command, InvalidArgumentError, Option } from 'commander';
import { UserInputError } from '../../common/errors';
import { APP_VERSION } from '../build-info';
import { datasetsCommand, importCommand } from './commands/datasets';
import { doctorCommand } from './commands/doctor';
import { gradcheckCommand, summaryCommand } from './commands/model';
import { modelExportCommand, type ModelExportOptions } from './commands/model-export';
import { gridCommand, gridsCommand, type GridOptions } from './commands/grid';
import {
  archiveExportCommand,
  archiveImportCommand,
  archiveInspectCommand,
  type ArchiveExportOptions,
} from './commands/archive';
import { collectMetric, plotCommand, type PlotOptions } from './commands/plot';
import { runCommand } from './commands/run';
import { forkCommand, resumeCommand, type ForkOptions } from './commands/continue-run';
import { checkpointsCommand, pruneCommand, type PruneOptions } from './commands/checkpoints';
import { layersCommand } from './commands/layers';
import { evaluateCommand, type EvaluateOptions } from './commands/evaluate';
import { parseEpochChoice, type EpochChoice } from '../../common/checkpoints/types';
import { runsCommand, showCommand } from './commands/runs';
import { parsePort, serveCommand } from './commands/serve';
import { DEFAULT_RULE_SPEC, stoppingCommand, type StoppingOptions } from './commands/stopping';
import { RULE_SPEC_HELP } from '../../common/stopping/rule-text';
import { listPresets } from './config-file';
import { listGridPresetNames } from '../services/presets';

function positiveInteger(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be an integer ≥ 1`);
    return n;
  };
}

function nonNegativeInteger(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be an integer ≥ 0`);
    return n;
  };
}

function epochOption(value: string): EpochChoice {
  const choice = parseEpochChoice(value);
  if (choice === null) throw new InvalidArgumentError('--epoch must be best, last or an epoch ≥ 1');
  return choice;
}

function collectSet(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function exitWith(code: number): void {
  process.exitCode = code;
}

const program = new Command()
  .name('workbench')
  .description('Experiment Workbench: train small neural networks, log every epoch to SQLite, compare runs.')
  .version(APP_VERSION)
  .option('--db <path>', 'run store (SQLite file); default: $WORKBENCH_DB or the app-data folder')
  // One line, like every other error of the CLI.
  .configureOutput({ outputError: (text, write) => write(`workbench: ${text.replace(/^error: /, '')}`) })
  .addHelpText(
    'after',
    () =>
      `\nBundled presets (use a name or prefix in place of CONFIG.json): ${listPresets().join(', ')}` +
      `\nBundled grid presets (in place of GRID.json): ${listGridPresetNames().join(', ')}`,
  );

const globals = () => program.opts<{ db?: string }>();

program
  .command('doctor')
  .description('compute backend chain, versions and database path')
  .option('--json', 'machine-readable output')
  .action(async (opts: { json?: boolean }) => exitWith(await doctorCommand({ ...globals(), ...opts })));

program
  .command('datasets')
  .description('built-in and imported datasets with shapes, classes, counts and fingerprints')
  .option('--json', 'machine-readable output')
  .action((opts: { json?: boolean }) => exitWith(datasetsCommand({ ...globals(), ...opts })));

program
  .command('import')
  .description('import a dataset (.npz, IDX, or CSV with a label column) into the run store')
  .argument('<file>', 'the dataset file')
  .option('--name <name>', 'dataset name (its id is derived from it); default: the file name')
  .option('--labels <file>', 'IDX only: the labels file (default: found next to the images file)')
  .option(
    '--label-column <column>',
    'CSV only: the label column (default: label/class/target/y, else the last)',
  )
  .option('--json', 'print {"datasetId", "examples", "classes", "shape"}')
  .action((file: string, opts: { name?: string; labels?: string; labelColumn?: string; json?: boolean }) =>
    exitWith(importCommand(file, { ...globals(), ...opts })),
  );

program
  .command('run')
  .description('train one run with live progress; every epoch is logged to the run store')
  .argument('<config>', 'a run config JSON file, or a bundled preset name such as e2')
  .option('--epochs <n>', 'override training.epochs', positiveInteger('--epochs'))
  .option('--name <name>', 'override the run name')
  .option('--seed <n>', 'override the seed', nonNegativeInteger('--seed'))
  .option('--json', 'one JSON object per epoch, then {"runId", "status"}')
  .action(async (config: string, opts: { epochs?: number; name?: string; seed?: number; json?: boolean }) =>
    exitWith(await runCommand(config, { ...globals(), ...opts })),
  );

program
  .command('grid')
  .description(
    'run a hyperparameter grid (here, or with --slurm as a Slurm array job), or: grid show|resume|cancel|prune-replay ID, grid collect|resubmit DIR',
  )
  .argument(
    '<grid>',
    'a grid JSON file or a bundled grid preset (e5-grid-l2), or show, resume, cancel, prune-replay, collect, resubmit',
  )
  .argument(
    '[id]',
    'with show, resume, cancel or prune-replay: a grid id or a unique prefix of one; with collect or resubmit: the job folder',
  )
  .option(
    '--json',
    'run/resume: one JSON line per finished cell, then {"gridId", "status"}; show, prune-replay: as JSON',
  )
  .option('--csv', 'show: the results table as CSV')
  .option(
    '--pruning <json>',
    'prune-replay: {"kind": "successive-halving"|"hyperband", "monitor", "minEpochs", "reductionFactor"}',
  )
  .option(
    '--runs <ids...>',
    'prune-replay: on these runs (trained alike) instead of a grid, cells in this order',
  )
  .option('--monitor <metric>', 'rank cells by this metric at its best epoch (default valLoss, or trainLoss)')
  .option('--workers <n>', 'training workers (default: one per core)', positiveInteger('--workers'))
  .option(
    '--slurm',
    'write a Slurm array job folder (one task per cell) and submit it where sbatch is on the PATH',
  )
  .option('--partition <name>', '--slurm: the partition the tasks run in')
  .option('--time <limit>', '--slurm: time limit per task, e.g. 01:30:00')
  .option('--cpus-per-task <n>', '--slurm: CPUs per task (default 1)', positiveInteger('--cpus-per-task'))
  .option('--gpus <n>', '--slurm: GPUs per task (default none)', nonNegativeInteger('--gpus'))
  .option('--out <dir>', '--slurm: the job folder to write (default: slurm-jobs/NAME-ID beside the store)')
  .option('--failed', 'resubmit: failed cells too (not only never ran, interrupted, cancelled)')
  // What each array task runs (`grid task DIR`); the cell comes from SLURM_ARRAY_TASK_ID.
  .addOption(new Option('--cell <n>').argParser(nonNegativeInteger('--cell')).hideHelp())
  .action(async (grid: string, id: string | undefined, opts: Omit<GridOptions, 'db'>) =>
    exitWith(await gridCommand(grid, id, { ...globals(), ...opts })),
  );

program
  .command('grids')
  .description('every grid: id, name, status, cells done')
  .option('--json', 'machine-readable output')
  .action((opts: { json?: boolean }) => exitWith(gridsCommand({ ...globals(), ...opts })));

const archive = program
  .command('archive')
  .description('offline run archives: export runs to one file, inspect one, import and merge one');

archive
  .command('export')
  .description('write finished runs (with their grids and experiments) to one archive file')
  .option('--runs <ids...>', 'these runs (ids or unique prefixes)')
  .option('--grid <id>', "a grid's runs and the grid itself")
  .option('--tag <tag>', 'every run with this tag')
  .option('--all', 'every finished run')
  .option('--out <file>', 'the archive file to write')
  .option('--with-datasets', "include imported datasets' arrays, so the receiver can re-run")
  .option(
    '--with-models',
    "include the runs' checkpoints, so the receiver can resume, fork and evaluate them",
  )
  .option('--json', 'print the counts and manifest')
  .action((opts: Omit<ArchiveExportOptions, 'db'>) =>
    exitWith(archiveExportCommand({ ...globals(), ...opts })),
  );

archive
  .command('inspect')
  .description('what importing the archive would do: new, identical and conflicting runs, missing datasets')
  .argument('<file>', 'an archive file')
  .option('--json', 'print {"runs", "new", "identical", "conflicting", "grids", …}')
  .action((file: string, opts: { json?: boolean }) =>
    exitWith(archiveInspectCommand(file, { ...globals(), ...opts })),
  );

archive
  .command('import')
  .description('merge the archive into the run store in one transaction (again: changes nothing)')
  .argument('<file>', 'an archive file')
  .option('--on-conflict <how>', "skip (default: keep this store's run) or replace (take the archive's)")
  .option('--json', 'print {"runs", "new", "identical", "conflicting", "grids", "imported", …}')
  .action((file: string, opts: { json?: boolean; onConflict?: string }) =>
    exitWith(archiveImportCommand(file, { ...globals(), ...opts })),
  );

program
  .command('runs')
  .description('all runs: id, name, status, epochs, created')
  .option('--json', 'machine-readable output')
  .action((opts: { json?: boolean }) => exitWith(runsCommand({ ...globals(), ...opts })));

program
  .command('show')
  .description('one run: config, status, backend, summary and every epoch')
  .argument('<runId>', 'a run id or a unique prefix of one')
  .option('--json', 'machine-readable output')
  .action((runId: string, opts: { json?: boolean }) =>
    exitWith(showCommand(runId, { ...globals(), ...opts })),
  );

program
  .command('resume')
  .description('continue a stopped run from its last checkpoint, in the same run (or extend a completed one)')
  .argument('<runId>', 'a run id or a unique prefix of one')
  .option(
    '--epochs <m>',
    'train up to M epochs in all (required to extend a completed run)',
    positiveInteger('--epochs'),
  )
  .option('--json', 'one JSON object per epoch, then {"runId", "status"}')
  .action(async (runId: string, opts: { epochs?: number; json?: boolean }) =>
    exitWith(await resumeCommand(runId, { ...globals(), ...opts })),
  );

program
  .command('fork')
  .description("a new run from a run's checkpoint, with a changed config (lower learning rate, dropout, λ …)")
  .argument('<runId>', 'the parent run: an id or a unique prefix of one')
  .option('--epoch <epoch>', 'best, last (default) or an epoch number with a kept checkpoint', epochOption)
  .option(
    '--set <path=value>',
    'change a config field, e.g. training.learningRate=1e-4; repeatable',
    collectSet,
  )
  .option(
    '--epochs <m>',
    "train up to epoch M in all, counting the parent's (default: the parent's planned epochs)",
    positiveInteger('--epochs'),
  )
  .option('--name <name>', 'the new run\'s name (default: "<parent> fork@<epoch>")')
  .option('--json', 'one JSON object per epoch, then {"runId", "status"}')
  .action(async (runId: string, opts: Omit<ForkOptions, 'db'>) =>
    exitWith(await forkCommand(runId, { ...globals(), ...opts })),
  );

program
  .command('layers')
  .description('per-layer statistics of a run, epoch by epoch: norms, update ratios, histograms, dead units')
  .argument('<runId>', 'the run (id or unique prefix)')
  .option(
    '--json',
    '{"runId", "layers": [{"name", "kind", "params", "epochs": [{"epoch", "weightNorm", …}]}]}',
  )
  .action((runId: string, opts: { json?: boolean }) =>
    exitWith(layersCommand(runId, { ...globals(), ...opts })),
  );

const checkpoints = program
  .command('checkpoints')
  .description('kept checkpoints per run and for the store; `checkpoints prune` gives the space back')
  .argument('[runIds...]', 'runs to list (default: every run that keeps one)')
  .option('--json', 'machine-readable output')
  .action((runIds: string[], opts: { json?: boolean }) =>
    exitWith(checkpointsCommand(runIds, { ...globals(), ...opts })),
  );

checkpoints
  .command('prune')
  .description('drop checkpoints, keeping only the best, the last or none of each run, and shrink the file')
  .option('--runs <ids...>', 'these runs (ids or unique prefixes)')
  .option('--grid <id>', "a grid's runs")
  .option('--all', 'every run')
  .option('--keep <which>', 'best, last or none')
  .option('--json', 'print the counts and the file size before and after')
  // --json may land on `checkpoints` itself, which has the same option.
  .action((opts: Omit<PruneOptions, 'db'>) =>
    exitWith(pruneCommand({ ...globals(), ...checkpoints.opts<{ json?: boolean }>(), ...opts })),
  );

program
  .command('evaluate')
  .description(
    'what a kept model gets wrong: loss, accuracy, confusion matrix, per-class metrics, its surest mistakes',
  )
  .argument('<runId>', 'a run id or a unique prefix of one')
  .option(
    '--epoch <epoch>',
    'best (default, else last), last or an epoch number with a kept checkpoint',
    epochOption,
  )
  .option('--split <split>', 'train, validation or test (default validation, else test, else train)')
  .option('--dataset <id>', 'every example of another dataset with the same input shape and classes')
  .option(
    '--json',
    'print {"runId", "epoch", "examples", "loss", "accuracy", "confusion", "classes", "perClass", "mistakes", …}',
  )
  .action(async (runId: string, opts: Omit<EvaluateOptions, 'db'>) =>
    exitWith(await evaluateCommand(runId, { ...globals(), ...opts })),
  );

program
  .command('plot')
  .description('compare runs: a publication-ready figure (.svg, .png) or every epoch as .csv')
  .argument('<runIds...>', 'run ids or unique prefixes')
  .requiredOption('--out <file>', 'output file; the format follows the extension: .svg, .png or .csv')
  .option(
    '--metric <name>',
    'trainLoss, trainAcc, valLoss, valAcc, testLoss or testAcc; repeatable (default valLoss)',
    collectMetric,
  )
  .option('--x <axis>', 'epoch, step, examples (seen) or time (cumulative seconds); default epoch')
  .option('--log-y', 'logarithmic y axis')
  .option('--smoothing <how>', 'none, ema:WEIGHT (e.g. ema:0.6) or ma:WINDOW (e.g. ma:5); default none')
  .option('--raw', 'draw the unsmoothed values faintly behind the smoothed lines')
  .option('--title <title>', 'figure title')
  .option('--width <px>', 'figure width without the legend (default 800)', positiveInteger('--width'))
  .option('--height <px>', 'figure height without the legend (default 500)', positiveInteger('--height'))
  .action(async (runIds: string[], opts: Omit<PlotOptions, 'db'>) =>
    exitWith(await plotCommand(runIds, { ...globals(), ...opts })),
  );

// `model …`: what is done with a run's kept weights. Found if another subcommand already made the group.
const modelCommands =
  program.commands.find((c) => c.name() === 'model') ??
  program.command('model').description("a run's kept models (checkpoints): export them");

modelCommands
  .command('export')
  .description('write a kept model as numpy arrays (.npz) or a TensorFlow.js LayersModel folder')
  .argument('<runId>', 'a run id or a unique prefix of one')
  .option(
    '--epoch <epoch>',
    'best, last or an epoch with a kept checkpoint (default: best if kept, else last)',
  )
  .option(
    '--format <format>',
    'npz (one file) or tfjs (a folder: model.json, weights.bin, normalization.json)',
  )
  .option('--out <path>', 'the .npz file, or the tfjs folder (created; an existing one must be empty)')
  .option('--json', 'print {"runId", "epoch", "format", "path", "files", "bytes"}')
  .action((runId: string, opts: Omit<ModelExportOptions, 'db'>) =>
    exitWith(modelExportCommand(runId, { ...globals(), ...opts })),
  );

program
  .command('summary')
  .description('model layers and parameter counts for a config')
  .argument('<config>', 'a run config JSON file or a preset name')
  .option('--json', 'machine-readable output')
  .action((config: string, opts: { json?: boolean }) =>
    exitWith(summaryCommand(config, { ...globals(), ...opts })),
  );

program
  .command('gradcheck')
  .description('finite-difference gradient check: largest relative error per weight tensor')
  .argument('<config>', 'a run config JSON file or a preset name')
  .option('--examples <n>', 'training examples to check on (default 8)', positiveInteger('--examples'))
  .option('--json', 'machine-readable output')
  .action(async (config: string, opts: { examples?: number; json?: boolean }) =>
    exitWith(await gradcheckCommand(config, { ...globals(), ...opts })),
  );

program
  .command('serve')
  .description('the workbench in a browser: UI and API on http://127.0.0.1:5317 with a per-launch token')
  .option('--port <n>', 'port to listen on (default 5317; 0: any free port)', parsePort)
  .option('--host <host>', 'interface to listen on (default 127.0.0.1)')
  .option('--allow-remote', 'allow a --host other machines can reach')
  .option('--read-only', 'only look at the store or archive named by --db: nothing is trained or written')
  .action(async (opts: { port?: number; host?: string; allowRemote?: boolean; readOnly?: boolean }) =>
    exitWith(await serveCommand({ ...globals(), ...opts })),
  );

program
  .command('stopping')
  .description(
    'early-stopping analysis: best epoch, overfitting onset, where a rule stops and what it saves (a run with evaluation points: on its evaluations, by step and epoch)',
  )
  .argument('<runIds...>', 'run ids or unique prefixes')
  .option(
    '--rule <rule>',
    `${RULE_SPEC_HELP} (default: the run's own training.earlyStopping, else ${DEFAULT_RULE_SPEC})`,
  )
  .option('--monitor <metric>', 'the metric the rule watches (default valLoss)')
  .option('--smoothing <how>', 'smooth the monitored metric first: none, ema:WEIGHT or ma:WINDOW')
  .option(
    '--json',
    'per run: {"runId", "rule", "bestEpoch", "stopEpoch", "restoredEpoch", "reason", …}; with points also "stopStep", "bestStep", … and fractional epochs',
  )
  .action((runIds: string[], opts: Omit<StoppingOptions, 'db'>) =>
    exitWith(stoppingCommand(runIds, { ...globals(), ...opts })),
  );

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof UserInputError) {
    process.stderr.write(`workbench: ${err.message}\n`);
  } else {
    process.stderr.write(`workbench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
  process.exitCode = 1;
});
