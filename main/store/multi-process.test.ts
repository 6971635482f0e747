import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RunStore } from './run-store';
import { bundleRunStore } from './testing/bundle-store';
import { makeRunConfig } from './testing/fixtures';

/**
 * Real processes on a real file: the store's claims about concurrency ("database is locked" never
 * surfaces) and durability (a logged epoch survives kill -9) only mean something across processes.
 */

const WRITER = fileURLToPath(new URL('./testing/epoch-writer.mjs', import.meta.url));
const OPENER = fileURLToPath(new URL('./testing/store-opener.mjs', import.meta.url));

let bundleDir: string;
let storeModuleUrl: string;
let dir: string;
let dbPath: string;
const children: ChildProcessWithoutNullStreams[] = [];

beforeAll(async () => {
  bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'workbench-store-bundle-'));
  storeModuleUrl = await bundleRunStore(bundleDir);
});
afterAll(() => {
  fs.rmSync(bundleDir, { recursive: true, force: true });
});
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workbench-mp-'));
  dbPath = path.join(dir, 'store.db');
});
afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Writer {
  child: ChildProcessWithoutNullStreams;
  /** Every complete stdout line so far. */
  lines: string[];
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once `predicate` holds for the lines seen so far. */
  waitForLines: (predicate: (lines: string[]) => boolean) => Promise<void>;
}

function startWriter(runId: string, epochs: number, waitForGo: boolean): Writer {
  const args = [
    WRITER,
    storeModuleUrl,
    dbPath,
    runId,
    String(epochs),
    ...(waitForGo ? ['--wait-for-go'] : []),
  ];
  const child = spawn(process.execPath, args, { stdio: 'pipe' });
  children.push(child);
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  const waiters: Array<{ predicate: (lines: string[]) => boolean; resolve: () => void }> = [];
  const notify = () => {
    for (const waiter of waiters.filter((w) => w.predicate(lines))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    notify();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  const waitForLines = (predicate: (lines: string[]) => boolean) =>
    new Promise<void>((resolve, reject) => {
      if (predicate(lines)) return resolve();
      waiters.push({ predicate, resolve });
      void exited.then(({ code, signal }) =>
        reject(new Error(`writer exited (${code ?? signal}) before the expected output:\n${stderr}`)),
      );
    });
  return { child, lines, stderr: () => stderr, exited, waitForLines };
}

function loggedEpochs(lines: string[]): number[] {
  return lines.filter((l) => l.startsWith('epoch ')).map((l) => Number(l.slice('epoch '.length)));
}

function createRuns(count: number): string[] {
  const store = RunStore.open(dbPath);
  try {
    return Array.from(
      { length: count },
      (_, i) =>
        store.createRun({
          config: makeRunConfig({ name: `writer-${i}` }),
          datasetFingerprint: 'f',
          appVersion: 'test',
        }).id,
    );
  } finally {
    store.close();
  }
}

describe('RunStore across processes', () => {
  it('opens a fresh file from many processes at once (the switch to WAL is retried, not "database is locked")', async () => {
    const openers = Array.from({ length: 8 }, () => {
      const child = spawn(process.execPath, [OPENER, storeModuleUrl, dbPath], { stdio: 'pipe' });
      children.push(child);
      let stdout = '';
      let stderr = '';
      const ready = new Promise<void>((resolve) =>
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes('ready\n')) resolve();
        }),
      );
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const closed = new Promise<{ code: number | null; stderr: string }>((resolve) =>
        child.on('close', (code) => resolve({ code, stderr })),
      );
      return { child, ready, closed };
    });
    // Released together, once every one has loaded the store: the opens race for the fresh file.
    await Promise.all(openers.map((o) => o.ready));
    for (const o of openers) o.child.stdin.write('go\n');
    const outcomes = await Promise.all(openers.map((o) => o.closed));
    expect(outcomes).toEqual(outcomes.map(() => ({ code: 0, stderr: '' })));
    const store = RunStore.open(dbPath);
    try {
      expect(store.listRuns()).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('lets two writer processes log epochs while a third process reads, without "database is locked"', async () => {
    const epochsEach = 300;
    const runIds = createRuns(2);
    const writers = runIds.map((id) => startWriter(id, epochsEach, true));
    await Promise.all(writers.map((w) => w.waitForLines((lines) => lines.includes('ready'))));

    const reader = RunStore.open(dbPath);
    try {
      for (const w of writers) w.child.stdin.write('go\n');
      let finished = false;
      void Promise.all(writers.map((w) => w.exited)).then(() => (finished = true));
      let reads = 0;
      let lastSeen = 0;
      while (!finished) {
        const list = reader.listRuns();
        const seen = list.reduce((sum, run) => sum + run.epochs, 0);
        expect(seen).toBeGreaterThanOrEqual(lastSeen); // committed epochs never disappear
        lastSeen = seen;
        for (const id of runIds) {
          const epochs = reader.getEpochs(id);
          // Each read is a consistent snapshot: epochs 1..n with no gaps.
          expect(epochs.map((e) => e.epoch)).toEqual(epochs.map((_, i) => i + 1));
        }
        reads++;
        await yieldToEventLoop();
      }
      expect(reads).toBeGreaterThan(1);

      for (const w of writers) {
        const exit = await w.exited;
        expect(w.stderr()).not.toMatch(/locked|SQLITE_BUSY/i);
        expect(exit).toEqual({ code: 0, signal: null });
        expect(loggedEpochs(w.lines)).toHaveLength(epochsEach);
      }
      for (const id of runIds) {
        const detail = reader.getRun(id);
        expect(detail).toMatchObject({ status: 'completed', epochs: epochsEach });
        expect(reader.getEpochs(id).map((e) => e.epoch)).toEqual(
          Array.from({ length: epochsEach }, (_, i) => i + 1),
        );
        expect(detail?.summaries.find((s) => s.metric === 'trainLoss')).toMatchObject({
          bestEpoch: epochsEach,
          lastEpoch: epochsEach,
          max: 1,
        });
      }
    } finally {
      reader.close();
    }
  });

  it('keeps every epoch a killed (SIGKILL) writer reported, and recovery marks its run interrupted', async () => {
    const [runId] = createRuns(1);
    const writer = startWriter(runId, 1_000_000, false);
    await writer.waitForLines((lines) => loggedEpochs(lines).length >= 40);
    writer.child.kill('SIGKILL');
    // 'close' comes after the exit is reaped (no zombie that would still look alive) and stdout is drained.
    expect(await writer.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const reported = loggedEpochs(writer.lines);
    expect(reported.length).toBeGreaterThanOrEqual(40);

    const store = RunStore.open(dbPath);
    try {
      const stored = store.getEpochs(runId).map((e) => e.epoch);
      // Everything reported is there; at most the one epoch committed just before the kill is extra.
      expect(stored.slice(0, reported.length)).toEqual(reported);
      expect(stored.length - reported.length).toBeLessThanOrEqual(1);
      expect(store.getRun(runId)?.status).toBe('running');

      expect(store.markOrphanedRunsInterrupted()).toEqual([runId]);
      const detail = store.getRun(runId);
      expect(detail).toMatchObject({
        status: 'interrupted',
        epochs: stored.length,
        ownerPid: writer.child.pid,
      });
      expect(detail?.error).toContain(`pid ${writer.child.pid}`);
      expect(store.getEpochs(runId).map((e) => e.epoch)).toEqual(stored);
    } finally {
      store.close();
    }
  });
});
