import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EpochMetrics } from '../../common/types';
import { tempWorkspace, workbench, workbenchJson } from '../support/cli';

const NAME_A = 'iris a, "quoted" <&>';
const NAME_B = 'iris b';

function train(db: string, args: string[]): string {
  const result = workbench(['--db', db, 'run', 'e7-iris-gd', ...args, '--json']);
  if (result.status !== 0) throw new Error(`training failed (${result.status}): ${result.stderr}`);
  const lines = result.stdout.trim().split('\n');
  return (JSON.parse(lines[lines.length - 1]) as { runId: string }).runId;
}

function svgSize(svg: string): { width: number; height: number } {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  return {
    width: Number(/\swidth="(\d+)"/.exec(root)?.[1]),
    height: Number(/\sheight="(\d+)"/.exec(root)?.[1]),
  };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

describe('workbench plot', () => {
  const ws = tempWorkspace('workbench-plot-');
  let runA = '';
  let runB = '';

  beforeAll(() => {
    runA = train(ws.db, ['--epochs', '5', '--name', NAME_A]);
    runB = train(ws.db, ['--epochs', '4', '--seed', '2', '--name', NAME_B]);
  });

  it('writes an SVG naming both runs and what tells them apart; run id prefixes are enough', () => {
    const out = join(ws.dir, 'compare.svg');
    const result = workbench([
      '--db',
      ws.db,
      'plot',
      runA.slice(0, 8),
      runB,
      '--metric',
      'trainLoss',
      '--metric',
      'testLoss',
      '--smoothing',
      'ema:0.6',
      '--raw',
      '--title',
      'Iris <GD>',
      '--out',
      out,
    ]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(out);
    const svg = readFileSync(out, 'utf8');
    expect(svg.startsWith('<?xml')).toBe(true);
    expect(svg).toContain(escapeXml(NAME_A));
    expect(svg).toContain(escapeXml(NAME_B));
    // Same preset: the seed and the epoch count are what differ.
    expect(svg).toContain(`${escapeXml(NAME_B)} · seed=2, epochs=4 (test loss)`);
    expect(svg).toContain('Iris &lt;GD&gt;');
    // Two metrics × two runs, smoothed on top of the raw values.
    const lines = /<g class="series"[^>]*>([\s\S]*?)<\/g>/.exec(svg)?.[1] ?? '';
    expect(lines.match(/<path /g)).toHaveLength(4);
    expect(svg).toContain('class="raw"');
  });

  it('writes a PNG at twice the SVG size', () => {
    const sizeArgs = ['--metric', 'trainAcc', '--width', '640', '--height', '400', '--log-y', '--x', 'time'];
    const png = join(ws.dir, 'compare.png');
    const svgFile = join(ws.dir, 'same.svg');
    expect(workbench(['--db', ws.db, 'plot', runA, runB, ...sizeArgs, '--out', png]).status).toBe(0);
    expect(workbench(['--db', ws.db, 'plot', runA, runB, ...sizeArgs, '--out', svgFile]).status).toBe(0);
    const bytes = readFileSync(png);
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
    const svg = svgSize(readFileSync(svgFile, 'utf8'));
    // The legend adds room beside or below the 640 × 400 figure.
    expect(svg.width + svg.height).toBeGreaterThan(640 + 400);
    expect(Math.min(svg.width - 640, svg.height - 400)).toBe(0);
    expect({ width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }).toEqual({
      width: svg.width * 2,
      height: svg.height * 2,
    });
  });

  it('writes every epoch of every run to CSV with the stored values', () => {
    const out = join(ws.dir, 'compare.csv');
    const result = workbench([
      '--db',
      ws.db,
      'plot',
      runA,
      runB,
      '--metric',
      'trainLoss',
      '--smoothing',
      'ma:2',
      '--out',
      out,
    ]);
    expect(result.status).toBe(0);
    const [header, ...rows] = parse(readFileSync(out, 'utf8')) as string[][];
    expect(rows).toHaveLength(5 + 4);
    expect(header).toContain('train_loss_smoothed');
    const col = (name: string) => header.indexOf(name);
    expect(rows.filter((r) => r[col('run_id')] === runA).map((r) => r[col('run_name')])).toEqual(
      Array(5).fill(NAME_A),
    );
    const shown = workbenchJson<{ epochs: EpochMetrics[] }>(['--db', ws.db, 'show', runB]).epochs;
    const rowsB = rows.filter((r) => r[col('run_id')] === runB);
    expect(rowsB.map((r) => Number(r[col('train_loss')]))).toEqual(shown.map((e) => e.trainLoss));
    expect(rowsB.map((r) => Number(r[col('test_acc')]))).toEqual(shown.map((e) => e.testAcc));
    // Iris has no validation split: empty, not zero.
    expect(rowsB.every((r) => r[col('val_loss')] === '')).toBe(true);
    expect(Number(rowsB[1][col('train_loss_smoothed')])).toBeCloseTo(
      (shown[0].trainLoss + shown[1].trainLoss) / 2,
      12,
    );
  });

  it('leaves out a metric no run logged, says so, and names only what it draws', () => {
    const out = join(ws.dir, 'partly.svg');
    const result = workbench([
      '--db',
      ws.db,
      'plot',
      runA,
      runB,
      '--metric',
      'valLoss',
      '--metric',
      'testAcc',
      '--out',
      out,
    ]);
    expect(result.status).toBe(0);
    expect(result.stderr.trim()).toBe('workbench: none of these runs logged validation loss; left out');
    const svg = readFileSync(out, 'utf8');
    expect(svg).toContain('test accuracy');
    expect(svg).not.toContain('validation loss');
  });

  it('rejects bad input with one line naming it, and writes nothing', () => {
    const before = readdirSync(ws.dir).sort();
    const svg = join(ws.dir, 'bad.svg');
    const cases: Array<[string[], RegExp]> = [
      [
        [runA, '--out', join(ws.dir, 'bad.pdf')],
        /--out .*bad\.pdf: unknown format "\.pdf" \(expected a \.svg, \.png or \.csv file\)/,
      ],
      [[runA, '--out', join(ws.dir, 'bad')], /unknown format "\(no extension\)"/],
      [
        [runA, '--metric', 'valLos', '--out', svg],
        /--metric: unknown metric "valLos" \(expected one of trainLoss/,
      ],
      [[runA, 'deadbeef', '--out', svg], /deadbeef: no run with this id/],
      [[runA, '--x', 'batch', '--out', svg], /--x: expected one of epoch, step, examples, time, got "batch"/],
      [
        [runA, '--smoothing', 'ema:1.5', '--out', svg],
        /--smoothing ema:1\.5: expected an EMA weight in \[0, 1\)/,
      ],
      [[runA, '--smoothing', 'gauss', '--out', svg], /--smoothing gauss: expected none, ema:WEIGHT/],
      [[runA, '--width', '50', '--out', svg], /--width: expected a size in px from 200/],
      [[runA, '--out', join(ws.dir, 'missing', 'x.svg')], /folder .*missing does not exist/],
      [[runA], /required option '--out <file>'/],
      // E7 has no validation split: nothing to draw.
      [
        [runA, runB, '--metric', 'valLoss', '--out', svg],
        /--metric: none of these runs logged validation loss \(runs without a validation split/,
      ],
    ];
    for (const [args, message] of cases) {
      const result = workbench(['--db', ws.db, 'plot', ...args]);
      const what = args.join(' ');
      expect(result.status, what).toBe(1);
      expect(result.stderr.trim().split('\n'), what).toHaveLength(1);
      expect(result.stderr, what).toMatch(message);
      expect(result.stdout, what).toBe('');
    }
    // No output and no temporary file left behind (the store's own -wal/-shm files may come and go).
    const storeFiles = (names: string[]) => names.filter((n) => !n.startsWith('runs.db')).sort();
    expect(storeFiles(readdirSync(ws.dir))).toEqual(storeFiles(before));
  });
});
