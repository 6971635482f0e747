/**
 * What an evaluation point costs on E8 (`training.evaluateEvery`, common/metrics/eval-points.ts): the E8
 * preset through the product's CLI (`workbench run --json`, its own SQLite file) for one epoch without
 * points and one with a point every 1 000 steps (49 inside the epoch, so that their cost stands well above
 * the few seconds an epoch of 50 000 single-example steps varies by), run after one another in alternating
 * order. Both evaluate at the epoch's end, so the difference over 49 is one point: train (50 000),
 * validation and test (10 000 each) in eval mode, its layer statistics and its row; it is then set against
 * the preset's own spacing, 10 000 steps.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Table from 'cli-table3';
import { mdTable, metaLine, type SectionMeta } from './report';
import { mean, median } from './stats';

export interface EvalPointCost {
  /** Per pair: the epoch's seconds without and with a point every 1 000 steps. */
  pairs: { plain: number; pointed: number }[];
  pointsPerEpoch: number;
  trainExamples: number;
  every: number;
  /** Mean seconds of the epoch without points, and what one point adds (median over the pairs). */
  epochSeconds: number;
  pointSeconds: number;
  /** One point against the 10 000 steps between two points, in %. */
  pctOfInterval: number;
  /** E8's 25 points against its 5 epochs, in %: what the preset's curves cost. */
  pctOfRun: number;
}

interface Line {
  kind?: string;
  epoch?: number;
  seconds?: number;
  status?: string;
}

function epochSeconds(root: string, tmp: string, config: object, label: string): number {
  const file = join(tmp, `${label}.json`);
  writeFileSync(file, JSON.stringify(config));
  const db = join(tmp, `${label}.db`);
  const result = spawnSync(
    process.execPath,
    [join(root, 'bin', 'workbench.mjs'), '--db', db, 'run', file, '--json'],
    {
      encoding: 'utf8',
      env: { ...process.env, WORKBENCH_BACKEND: undefined },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  rmSync(db, { force: true });
  if (result.status !== 0) throw new Error(`workbench run ${label} failed: ${result.stderr.trim()}`);
  const lines = result.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);
  const epoch = lines.find((l) => l.kind === undefined && l.epoch === 1 && typeof l.seconds === 'number');
  if (!epoch?.seconds) throw new Error(`workbench run ${label} logged no epoch`);
  return epoch.seconds;
}

export function measureEvalPointCost(options: {
  root: string;
  tmp: string;
  pairs: number;
  log: (line: string) => void;
}): EvalPointCost {
  const preset = JSON.parse(
    readFileSync(join(options.root, 'resources', 'presets', 'e8-mnist-sgd-single-example.json'), 'utf8'),
  ) as {
    training: { evaluateEvery?: { examples: number }; epochs: number };
    dataset: { split: { train: number } };
  };
  const every = preset.training.evaluateEvery?.examples;
  if (!every) throw new Error('the E8 preset has no training.evaluateEvery.examples');
  const trainExamples = preset.dataset.split.train;
  const densest = 1000;
  const pointsPerEpoch = Math.ceil(trainExamples / densest) - 1;
  const pointed = {
    ...preset,
    name: 'E8 with points',
    training: { ...preset.training, epochs: 1, evaluateEvery: { steps: densest } },
  };
  const { evaluateEvery: _every, ...withoutPoints } = pointed.training;
  const plain = { ...preset, name: 'E8 without points', training: withoutPoints };
  const dir = mkdtempSync(join(options.tmp, 'points-'));
  const pairs: EvalPointCost['pairs'] = [];
  try {
    for (let pair = 1; pair <= options.pairs; pair++) {
      // Alternating order: a machine that warms up or slows down over the bench favours neither.
      const order = pair % 2 === 1 ? (['plain', 'pointed'] as const) : (['pointed', 'plain'] as const);
      const seconds = { plain: NaN, pointed: NaN };
      for (const which of order) {
        seconds[which] = epochSeconds(
          options.root,
          dir,
          which === 'plain' ? plain : pointed,
          `${which}-${pair}`,
        );
      }
      pairs.push(seconds);
      options.log(
        `  pair ${pair}/${options.pairs}: E8 epoch ${seconds.plain.toFixed(2)} s without points, ` +
          `${seconds.pointed.toFixed(2)} s with ${pointsPerEpoch} points inside it (one every ${densest} steps)`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const epoch = mean(pairs.map((p) => p.plain));
  // The median pair: one pair disturbed by another process says little about a point.
  const point = median(pairs.map((p) => (p.pointed - p.plain) / pointsPerEpoch));
  const interval = (epoch * every) / trainExamples;
  const epochs = preset.training.epochs;
  // The preset's own points: every 10 000 examples, the epoch's end among them.
  const points = (trainExamples / every) * epochs;
  return {
    pairs,
    pointsPerEpoch,
    trainExamples,
    every,
    epochSeconds: epoch,
    pointSeconds: point,
    pctOfInterval: (point / interval) * 100,
    // The epoch ends evaluate either way: the points inside the epochs are what the curves add.
    pctOfRun: ((point * (points - epochs)) / (epoch * epochs)) * 100,
  };
}

function table(r: EvalPointCost): { head: string[]; rows: string[][] } {
  return {
    head: [
      'epoch without points',
      `with ${r.pointsPerEpoch} points`,
      'one point',
      'of 10 000 steps',
      '25 points of the 5-epoch run',
    ],
    rows: [
      [
        `${r.epochSeconds.toFixed(2)} s`,
        `${mean(r.pairs.map((p) => p.pointed)).toFixed(2)} s`,
        `${(r.pointSeconds * 1000).toFixed(0)} ms`,
        `${r.pctOfInterval.toFixed(1)} %`,
        `+${r.pctOfRun.toFixed(1)} %`,
      ],
    ],
  };
}

const METHOD =
  'Evaluation point cost: the E8 preset (784-200-10, single-example SGD, 50 000 training examples, validation and ' +
  'test 10 000 each) through `workbench run --json`, one epoch each without points and with `evaluateEvery` ' +
  '`{"steps": 1000}` (49 points inside the epoch: their cost stands well above the seconds an epoch varies by), ' +
  'run one after the other in alternating order. Both evaluate at the epoch end; one point is the difference over ' +
  '49 (median of the pairs): the three sets in eval mode (70 000 examples), its layer statistics and its row in the ' +
  "store. It is set against the preset's own spacing (10 000 steps) and its 25 points over 5 epochs (of which " +
  'the 5 epoch ends evaluate either way).';

export function evalPointMarkdown(r: EvalPointCost | { skipped: string }, meta: SectionMeta): string[] {
  const lines = ['<!-- eval-points:start -->', '## Evaluation points: cost on E8', '', metaLine(meta), ''];
  if ('skipped' in r) lines.push(`- not measured: ${r.skipped}`, '');
  else {
    const t = table(r);
    lines.push(...mdTable(t.head, t.rows), '');
    lines.push(
      `- Pairs (seconds without / with points): ${r.pairs.map((p) => `${p.plain.toFixed(2)} / ${p.pointed.toFixed(2)}`).join(', ')}.`,
      '',
    );
  }
  lines.push(`- ${METHOD}`, '', '<!-- eval-points:end -->');
  return lines;
}

export function evalPointConsole(r: EvalPointCost | { skipped: string }): string[] {
  if ('skipped' in r) return ['', `Evaluation points: not measured: ${r.skipped}`];
  const t = table(r);
  const out = new Table({ head: t.head, style: { head: [], border: [] } });
  for (const row of t.rows) out.push(row);
  return ['', 'Evaluation points (E8):', out.toString()];
}
