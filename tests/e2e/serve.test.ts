import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../main/transports/csp';
import { ROOT, tempWorkspace, workbenchAsync, workbenchJson } from '../support/cli';
import { smallMnistMlp } from '../support/configs';
import { serveWorkbench, type ServedWorkbench } from '../support/serve';

interface Envelope<T = unknown> {
  ok: boolean;
  result?: T;
  error?: { code: string; message: string };
}

const started: ServedWorkbench[] = [];

afterEach(async () => {
  for (const served of started.splice(0)) await served.stop();
});

async function serve(db: string, extraArgs: string[] = []): Promise<ServedWorkbench> {
  const served = await serveWorkbench(db, extraArgs);
  started.push(served);
  return served;
}

async function call<T>(served: ServedWorkbench, method: string, params: unknown = {}): Promise<Envelope<T>> {
  const res = await fetch(`${served.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'x-workbench-token': served.token },
    body: JSON.stringify(params),
  });
  return (await res.json()) as Envelope<T>;
}

describe('workbench serve', () => {
  it('prints the URL line first, serves the built UI, and answers the API only with the token', async () => {
    const ws = tempWorkspace('workbench-serve-');
    const served = await serve(ws.db);
    // The store line comes after the URL line, possibly in a later piece of output.
    const output = await served.waitForOutput(/Run store: /);
    const firstLine = output.split('\n')[0];
    expect(firstLine).toMatch(/^Experiment Workbench: http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{32}$/);
    expect(output).toContain(`Run store: ${ws.db}`);

    const index = await fetch(`${served.origin}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await index.text()).toBe(readFileSync(join(ROOT, 'out', 'renderer', 'index.html'), 'utf8'));

    const info = await call<{ transport: string; dbPath: string }>(served, 'app.info');
    expect(info.ok).toBe(true);
    expect(info.result).toMatchObject({ transport: 'http', dbPath: ws.db });

    const anonymous = await fetch(`${served.origin}/api/app.info`, { method: 'POST', body: '{}' });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const events = await fetch(`${served.origin}/api/events`);
    expect(events.status).toBe(401);

    expect(await served.stop()).toBe(0);
  });

  it('refuses a host other machines can reach unless --allow-remote is given', async () => {
    const ws = tempWorkspace('workbench-serve-');
    const refused = await workbenchAsync(['--db', ws.db, 'serve', '--port', '0', '--host', '0.0.0.0']);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(
      /^workbench: --host 0\.0\.0\.0 would let other machines reach .*--allow-remote/,
    );

    const served = await serve(ws.db, ['--host', '0.0.0.0', '--allow-remote']);
    await expect
      .poll(() => served.output(), { timeout: 10_000 })
      .toMatch(/warning: listening on 0\.0\.0\.0:\d+: anyone/);
    expect(served.output().split('\n')[0]).toMatch(
      /^Experiment Workbench: http:\/\/127\.0\.0\.1:\d+\/#token=/,
    );
    expect((await call(served, 'runs.list')).ok).toBe(true);
    expect(await served.stop()).toBe(0);
  });

  it('says how to get a free port when the port is taken, and checks --port', async () => {
    const ws = tempWorkspace('workbench-serve-');
    const first = await serve(ws.db);
    const port = new URL(first.origin).port;
    const second = await workbenchAsync(['--db', ws.db, 'serve', '--port', port]);
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(
      new RegExp(`^workbench: port ${port} on 127\\.0\\.0\\.1 is already in use.*--port 0`),
    );

    const bad = await workbenchAsync(['--db', ws.db, 'serve', '--port', '99999']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--port must be an integer from 0 to 65535/);
  });

  it('on SIGTERM cancels the running run and exits 0', async () => {
    const ws = tempWorkspace('workbench-serve-');
    const served = await serve(ws.db);
    const start = await call<{ runId: string }>(served, 'runs.start', {
      config: smallMnistMlp({ name: 'long', epochs: 500 }),
    });
    expect(start.ok).toBe(true);
    const runId = start.result!.runId;
    await expect
      .poll(async () => (await call<{ status: string }>(served, 'runs.get', { runId })).result?.status, {
        timeout: 120_000,
        interval: 200,
      })
      .toBe('running');

    expect(await served.stop()).toBe(0);
    expect(served.output()).toMatch(/stopping: cancelling running runs/);
    const runs = workbenchJson<Array<{ id: string; status: string }>>(['--db', ws.db, 'runs']);
    expect(runs.find((r) => r.id === runId)?.status).toBe('cancelled');
  });
});

describe('built preload', () => {
  it('requires nothing but electron, as a sandboxed preload must', () => {
    const bundle = readFileSync(join(ROOT, 'out', 'preload', 'index.cjs'), 'utf8');
    const required = [...bundle.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
  });
});
