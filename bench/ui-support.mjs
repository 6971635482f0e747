// What the UI benchmarks (bench/ui-compare.mjs, bench/ui-first-draw.mjs) share: `workbench serve` on a
// database of the benchmark's, its API as the renderer calls it, and their sections of docs/benchmarks.md.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

export function serve(db) {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin', 'workbench.mjs'), '--db', db, 'serve', '--port', '0'],
    { cwd: ROOT, env: { ...process.env, WORKBENCH_DB: undefined } },
  );
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /Experiment Workbench: (http\S+)/.exec(out);
      if (match) {
        clearInterval(timer);
        const url = match[1];
        const { origin, hash } = new URL(url);
        resolve({ child, url, origin, token: new URLSearchParams(hash.slice(1)).get('token') });
      } else if (child.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`workbench serve exited: ${out}`));
      }
    }, 100);
  });
}

export async function stop(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

export async function api(origin, token, method, params) {
  const response = await fetch(`${origin}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-workbench-token': token },
    body: JSON.stringify(params),
  });
  const body = await response.json();
  if (!body.ok) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

/**
 * Writes `section` (which begins with `markStart` and ends with `markEnd`) into docs/benchmarks.md in place of
 * the one between those markers, or at the end; everything else in the file stays as it is.
 */
export function writeBenchmarkSection(markStart, markEnd, section) {
  const file = join(ROOT, 'docs', 'benchmarks.md');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = current.indexOf(markStart);
  const end = current.indexOf(markEnd);
  const next =
    start >= 0 && end > start
      ? current.slice(0, start) + section + current.slice(end + markEnd.length)
      : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
  return file;
}
