import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent, ApiResponse, RunEpochs } from '../../common/api/contract';
import { runConfigSchema } from '../../common/config/run-config';
import type { ApiBackend } from '../../main/api/backend-types';
import { dispatchApiCall } from '../../main/api/dispatch';
import { createWorkbenchBackend } from '../../main/api/workbench-backend';
import { RESERVE_BYTES, reservePath } from '../../main/services/worker/storage-faults';
import { RunStore } from '../../main/store/run-store';
import { CPU_BACKEND, makeEpoch } from '../../main/store/testing/fixtures';
import { TEST_CACHE_DIR, tinyIrisConfig } from '../../main/transports/test-support';

/**
 * The disk filling up under a run, for real: the store lives on a small tmpfs, and the test fills that file
 * system with another file while the built training worker (out/main/training-worker.js) logs epochs. The
 * run must end `failed` naming SQLite's error and the epoch, keep every epoch before it, leave the store
 * consistent, and the app must go on serving the other runs, and training again once there is room.
 *
 * A store made read-only mid-run is covered by the same path and needs no test of its own: on Linux a file
 * already open for writing stays writable through its descriptor (chmod, `chattr +i`), and a read-only
 * remount is refused (EBUSY) while SQLite holds the file open, so what a running training can meet is a
 * write that fails: out of space (here), or an I/O error, which takes the same route (any SQLite error while
 * logging an epoch ends the run, see main/services/worker/storage-faults.ts).
 */

const root = mkdtempSync(join(tmpdir(), 'workbench-faults-'));
const mnt = join(root, 'disk');
let mounted = false;
let backend: ApiBackend;
let dbPath: string;
const events: ApiEvent[] = [];
const otherRunIds: string[] = [];

const isRoot = process.getuid?.() === 0;

/** Mounting and failing file systems needs root; elsewhere passwordless sudo, as `npm test` uses for apt. */
function privileged(command: string, args: string[]): void {
  const [cmd, ...rest] = isRoot ? [command, ...args] : ['sudo', '-n', command, ...args];
  const result = spawnSync(cmd, rest, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) {
    throw new Error(
      `the storage-fault tests need root (or passwordless sudo) to run \`${command} ${args.join(' ')}\`: ` +
        (result.stderr || String(result.error)).trim(),
    );
  }
}

/** The file system must be this user's to write, whoever mounted it. */
function ownMountPoint(dir: string): void {
  if (!isRoot) privileged('chown', [`${process.getuid?.()}:${process.getgid?.()}`, dir]);
}

beforeAll(async () => {
  mkdirSync(mnt);
  // 64 MB: room for the store and its WAL (up to ~4 MB between checkpoints) until the test fills it.
  privileged('mount', ['-t', 'tmpfs', '-o', 'size=64m,mode=0755', 'tmpfs', mnt]);
  mounted = true;
  ownMountPoint(mnt);
  dbPath = join(mnt, 'runs.db');
  seedOtherRuns();
  backend = await createWorkbenchBackend({
    dbPath,
    cacheDir: TEST_CACHE_DIR,
    transport: 'http',
    maxWorkers: 1,
  });
  backend.subscribe((event) => events.push(event));
});

afterAll(async () => {
  await backend?.close();
  if (mounted) privileged('umount', ['-l', mnt]);
  rmSync(root, { recursive: true, force: true });
});

/** Two finished runs from before the disk filled: the app must keep serving them. */
function seedOtherRuns(): void {
  const store = RunStore.open(dbPath);
  try {
    for (const name of ['other-a', 'other-b']) {
      const config = runConfigSchema.parse({ ...tinyIrisConfig(4), name });
      const run = store.createRun({ config, datasetFingerprint: 'seeded', appVersion: 'test' });
      store.startRun(run.id, { backend: CPU_BACKEND, pid: process.pid, host: 'seeded-host' });
      for (let epoch = 1; epoch <= 4; epoch++) store.appendEpoch(run.id, makeEpoch(epoch));
      store.finishRun(run.id, 'completed');
      otherRunIds.push(run.id);
    }
  } finally {
    store.close();
  }
}

async function call<T>(method: string, params: unknown, app: ApiBackend = backend): Promise<T> {
  const response = (await dispatchApiCall(app.handlers, method, params)) as ApiResponse;
  if (!response.ok) throw new Error(`${method} failed: ${response.error.message}`);
  return response.result as T;
}

interface RunView {
  id: string;
  status: string;
  error: string | null;
  epochs: number;
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(20);
  }
}

/** A long Iris run (thousands of quick epochs): the disk fills while it trains. */
async function startLongRun(name: string, app: ApiBackend = backend): Promise<string> {
  const config = { ...tinyIrisConfig(20_000), name };
  const { runId } = await call<{ runId: string }>('runs.start', { config }, app);
  await waitFor('10 logged epochs', async () => {
    const run = await call<RunView>('runs.get', { runId }, app);
    if (!['queued', 'running'].includes(run.status)) {
      throw new Error(`run ${name} ended before the test could fail it: ${run.status} ${run.error ?? ''}`);
    }
    return run.epochs >= 10 ? run : undefined;
  });
  return runId;
}

const FILLER = () => join(mnt, 'filler.bin');

/** Writes a file until the file system says ENOSPC, down to the last byte it takes. */
function fillDisk(): number {
  const fd = openSync(FILLER(), 'a');
  let written = 0;
  try {
    for (const size of [1 << 20, 64 * 1024, 4096, 512, 1]) {
      const chunk = Buffer.alloc(size, 0xab);
      for (;;) {
        try {
          writeSync(fd, chunk);
          written += size;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return written;
}

function freeDisk(): void {
  rmSync(FILLER(), { force: true });
}

afterEach(() => freeDisk());

/** `PRAGMA integrity_check` through a connection of its own, as any other process would see the file. */
function integrity(): string {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

async function expectEpochsKept(runId: string, lastKept: number): Promise<void> {
  const [{ epochs }] = await call<RunEpochs[]>('runs.epochs', { runIds: [runId] });
  expect(epochs.map((e) => e.epoch)).toEqual(Array.from({ length: lastKept }, (_, i) => i + 1));
  const run = await call<RunView & { summaries: { metric: string; lastEpoch: number }[] }>('runs.get', {
    runId,
  });
  expect(run.epochs).toBe(lastKept);
  // The summaries moved with the epochs, in the same transactions: none counts the epoch that failed.
  for (const summary of run.summaries) expect(summary.lastEpoch, summary.metric).toBe(lastKept);
}

async function expectOtherRunsServed(): Promise<void> {
  const list = await call<{ id: string; status: string; epochs: number }[]>('runs.list', {});
  for (const runId of otherRunIds) {
    expect(list.find((row) => row.id === runId)).toMatchObject({ status: 'completed', epochs: 4 });
  }
  const epochs = await call<RunEpochs[]>('runs.epochs', { runIds: otherRunIds });
  expect(epochs.map((e) => e.epochs.length)).toEqual([4, 4]);
}

const FULL_DURING_EPOCH = /^SQLITE_FULL: database or disk is full while logging epoch (\d+)$/;

describe('the disk fills up during a run', () => {
  it('ends the run failed with the SQLite error and epoch, keeps every epoch before it, and the app serves on', async () => {
    const runId = await startLongRun('fills-the-disk');
    // The worker set room aside for recording a failure before it trained.
    expect(statSync(reservePath(dbPath)).size).toBe(RESERVE_BYTES);
    expect(fillDisk()).toBeGreaterThan(0);

    const run = await waitFor('the run to end', async () => {
      const current = await call<RunView>('runs.get', { runId });
      return current.status === 'running' ? undefined : current;
    });
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(FULL_DURING_EPOCH);
    const failedEpoch = Number(FULL_DURING_EPOCH.exec(run.error!)![1]);
    expect(failedEpoch).toBeGreaterThan(10);
    // Recorded with the reserve, while the disk is still full.
    expect(existsSync(reservePath(dbPath))).toBe(false);
    // Clients hear it with the same words.
    await waitFor('the failed status event', () =>
      events.find((e) => e.type === 'run.status' && e.runId === runId && e.status === 'failed'),
    );
    expect(events).toContainEqual({ type: 'run.status', runId, status: 'failed', error: run.error });

    await expectEpochsKept(runId, failedEpoch - 1);
    expect(integrity()).toBe('ok');
    await expectOtherRunsServed();

    // Once there is room again, the app trains again, and sets room aside again.
    freeDisk();
    const { runId: next } = await call<{ runId: string }>('runs.start', {
      config: { ...tinyIrisConfig(3), name: 'after-the-disk-frees' },
    });
    const done = await waitFor('the next run to finish', async () => {
      const current = await call<RunView>('runs.get', { runId: next });
      return ['queued', 'running'].includes(current.status) ? undefined : current;
    });
    expect(done).toMatchObject({ status: 'completed', epochs: 3, error: null });
    expect(statSync(reservePath(dbPath)).size).toBe(RESERVE_BYTES);
    expect(integrity()).toBe('ok');
  });

  it('with no room left even to record the failure, still reports it, keeps the epochs and the store sound', async () => {
    const runId = await startLongRun('no-room-to-record');
    // As if another run had already spent the reserve on this full disk.
    rmSync(reservePath(dbPath));
    fillDisk();

    const status = await waitFor('the failed status event', () =>
      events.find(
        (e): e is Extract<ApiEvent, { type: 'run.status' }> =>
          e.type === 'run.status' && e.runId === runId && e.status === 'failed',
      ),
    );
    const match =
      /^SQLITE_FULL: database or disk is full while logging epoch (\d+); the run could not be marked failed \(SQLITE_FULL: database or disk is full while recording the run as failed\)$/.exec(
        status.error ?? '',
      );
    expect(match, status.error).not.toBeNull();
    const failedEpoch = Number(match![1]);

    // The row could not be finished; it holds every epoch before the failure and nothing half-written.
    const run = await call<RunView>('runs.get', { runId });
    expect(run.status).not.toBe('completed');
    await expectEpochsKept(runId, failedEpoch - 1);
    expect(integrity()).toBe('ok');
    await expectOtherRunsServed();
    freeDisk();
  });
});

/** EXT4_IOC_SHUTDOWN with EXT4_GOING_FLAGS_DEFAULT: flush, then fail every later read and write with EIO. */
const SHUTDOWN_SCRIPT = `
import fcntl, os, struct, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
fcntl.ioctl(fd, 0x8004587D, struct.pack('I', 0))
`;

describe('the file system fails during a run', () => {
  it('ends the run with the I/O error named, and the store reopens sound with every epoch before it', async () => {
    const image = join(root, 'ext4.img');
    const disk = join(root, 'ext4');
    mkdirSync(disk);
    closeSync(openSync(image, 'w'));
    truncateSync(image, 32 * 1024 * 1024);
    privileged('mkfs.ext4', ['-q', '-F', image]);
    privileged('mount', ['-o', 'loop', image, disk]);
    let isMounted = true;
    const unmount = () => {
      if (isMounted) privileged('umount', ['-l', disk]);
      isMounted = false;
    };
    try {
      ownMountPoint(disk);
      const file = join(disk, 'runs.db');
      const app = await createWorkbenchBackend({
        dbPath: file,
        cacheDir: TEST_CACHE_DIR,
        transport: 'http',
        maxWorkers: 1,
      });
      const heard: ApiEvent[] = [];
      app.subscribe((event) => heard.push(event));
      let runId: string;
      let status: Extract<ApiEvent, { type: 'run.status' }>;
      try {
        runId = await startLongRun('file-system-fails', app);
        privileged('python3', ['-c', SHUTDOWN_SCRIPT, disk]);
        status = await waitFor('the failed status event', () =>
          heard.find(
            (e): e is Extract<ApiEvent, { type: 'run.status' }> =>
              e.type === 'run.status' && e.runId === runId && e.status === 'failed',
          ),
        );
        // The app answers, with SQLite's error (on a file system that is gone SQLite reads garbage: "database
        // disk image is malformed"), instead of crashing or hanging.
        const list = await dispatchApiCall(app.handlers, 'runs.list', {});
        if (!list.ok) expect(list.error.message).toMatch(/\w/);
      } finally {
        await app.close().catch(() => undefined);
      }
      const match =
        // Recording the failure meets the same dead file system (SQLite may call it I/O error or malformed).
        /^(SQLITE_IOERR\w*): disk I\/O error while logging epoch (\d+); the run could not be marked failed \(SQLITE_\w+: [^()]+ while recording the run as failed\)$/.exec(
          status.error ?? '',
        );
      expect(match, status.error).not.toBeNull();
      const failedEpoch = Number(match![2]);

      // As after a reboot: the file system comes back, and with it every epoch committed before the fault.
      unmount();
      privileged('mount', ['-o', 'loop', image, disk]);
      isMounted = true;
      const db = new Database(file, { fileMustExist: true });
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        const epochs = db
          .prepare('SELECT epoch FROM epoch_metrics WHERE run_id = ? ORDER BY epoch')
          .pluck()
          .all(runId);
        expect(epochs).toEqual(Array.from({ length: failedEpoch - 1 }, (_, i) => i + 1));
        // Unfinished: nothing could write its end; the next start of the workbench settles it (liveness).
        expect(db.prepare('SELECT status FROM runs WHERE id = ?').pluck().get(runId)).toBe('running');
      } finally {
        db.close();
      }
    } finally {
      unmount();
    }
  });
});
