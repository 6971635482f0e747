import { execFile, spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const CLI = join(ROOT, 'bin', 'workbench.mjs');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** A temporary folder with its own run store, so tests never touch the user's database. */
export function tempWorkspace(prefix = 'workbench-test-'): {
  dir: string;
  db: string;
  write(name: string, value: unknown): string;
} {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    db: join(dir, 'runs.db'),
    write(name, value) {
      const file = join(dir, name);
      writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
      return file;
    },
  };
}

export function cliEnv(): NodeJS.ProcessEnv {
  // A shared cache keeps decoded built-in datasets between test processes.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    WORKBENCH_CACHE_DIR: join(tmpdir(), 'workbench-test-cache'),
  };
  delete env.WORKBENCH_DB;
  delete env.WORKBENCH_BACKEND;
  return env;
}

export function workbench(
  args: string[],
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { ...cliEnv(), ...options.env },
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 170_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function workbenchAsync(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: ROOT, env: cliEnv(), encoding: 'utf8' },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ status, stdout, stderr });
      },
    );
  });
}

/**
 * Exports one run from `db` into an archive and imports it into a new store in `dir`, as a user carries runs
 * to another machine; returns the new store's path. Throws with the CLI's words when either step complains.
 */
export function archiveRoundTrip(dir: string, db: string, runId: string, name: string): string {
  const file = join(dir, `${name}.wbx`);
  const out = workbench(['--db', db, 'archive', 'export', '--runs', runId, '--out', file, '--json']);
  if (out.stderr !== '') throw new Error(`archive export wrote to stderr: ${out.stderr}`);
  const laptop = join(dir, `${name}-laptop.db`);
  const imported = workbench(['--db', laptop, 'archive', 'import', file, '--json']);
  if (imported.status !== 0)
    throw new Error(`archive import failed (${imported.status}): ${imported.stderr}`);
  return laptop;
}

export function workbenchJson<T>(args: string[]): T {
  const result = workbench([...args, '--json']);
  if (result.status !== 0)
    throw new Error(`workbench ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** Starts the CLI and hands back the process and a line reader over its stdout. */
export function spawnWorkbench(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): {
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  waitForLines(n: number, timeoutMs?: number): Promise<string[]>;
  exited: Promise<number | null>;
  /** What it has written to stderr so far: the reason to print when it exits with an error. */
  stderr(): string;
} {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...cliEnv(), ...env } });
  const lines: string[] = [];
  let buffer = '';
  const waiters: Array<() => void> = [];
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    lines.push(...parts.filter((l) => l.trim() !== ''));
    for (const w of waiters.splice(0)) w();
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  // 'close', not 'exit': lines written just before the exit may still be on their way after 'exit'.
  let closed = false;
  const exited = new Promise<number | null>((res) =>
    child.on('close', (code) => {
      closed = true;
      res(code);
    }),
  );
  return {
    child,
    lines,
    exited,
    stderr: () => stderr,
    async waitForLines(n, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      while (lines.length < n) {
        if (closed) throw new Error(`workbench exited early (${child.exitCode}): ${stderr}`);
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${n} lines; got ${lines.length}: ${stderr}`);
        await new Promise<void>((res) => {
          waiters.push(res);
          setTimeout(res, 500);
        });
      }
      return lines.slice(0, n);
    },
  };
}
