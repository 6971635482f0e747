import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_METHOD_NAMES,
  apiParamSchemas,
  HTTP_TOKEN_HEADER,
  type ApiMethodName,
  type ApiResponse,
} from '../../common/api/contract';
import { runConfigSchema } from '../../common/config/run-config';
import { createWorkbenchBridge } from '../../preload/bridge';
import type { ApiBackend } from '../api/backend-types';
import { dispatchApiCall } from '../api/dispatch';
import { createWorkbenchBackend } from '../api/workbench-backend';
import { RunStore } from '../store/run-store';
import { CPU_BACKEND, makeEpoch } from '../store/testing/fixtures';
import { startHttpServer, type RunningHttpServer } from './http-server';
import { registerIpcHandlers } from './ipc-main';
import { fakeIpc, rawRequest, tempRendererDir, tinyIrisConfig, TEST_CACHE_DIR } from './test-support';

/**
 * Hostile input on every method of the contract, over both transports: random and malformed params (any
 * JSON, the method's own fields filled with wrong types, near-miss ids, huge strings and lists, prototype
 * keys, run configs with one field broken) get an answer with a message: success for what happens to be
 * valid, a 4xx / non-internal refusal for the rest; never a 500, a crash or a hang. A refused call changes
 * nothing in the store (a digest of every table is compared around each one). Methods come from
 * API_METHOD_NAMES, so a method added to the contract is fuzzed without touching this file.
 */

/** Per method and transport; about 5 s for all of them on two cores. */
const RUNS = 120;

let backend: ApiBackend;
let server: RunningHttpServer;
let rendererDir: string;
let dbPath: string;
let reader: Database.Database;
let bridge: ReturnType<typeof createWorkbenchBridge>;
let unregisterIpc: () => void;
let seededRunId: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'workbench-hostile-'));
  dbPath = join(dir, 'runs.db');
  seededRunId = seedStore(dbPath);
  backend = await createWorkbenchBackend({
    dbPath,
    cacheDir: TEST_CACHE_DIR,
    transport: 'http',
    maxWorkers: 1,
  });
  ({ rendererDir } = tempRendererDir());
  server = await startHttpServer({ backend, host: '127.0.0.1', port: 0, rendererDir });
  const ipc = fakeIpc(pathToFileURL(join(rendererDir, 'index.html')).href);
  unregisterIpc = registerIpcHandlers(ipc.ipcMain, backend, {
    rendererDir,
    allWebContents: () => [ipc.webContents],
    showSaveDialog: () => Promise.resolve(undefined),
  });
  bridge = createWorkbenchBridge(ipc.ipcRenderer);
  reader = new Database(dbPath, { readonly: true, fileMustExist: true });
});

afterAll(async () => {
  unregisterIpc?.();
  reader?.close();
  await server?.close();
  await backend?.close();
});

/** A finished run with epochs and tags, so that refused calls have something to (not) change. */
function seedStore(file: string): string {
  const store = RunStore.open(file);
  try {
    const config = runConfigSchema.parse({ ...tinyIrisConfig(3), tags: ['seed'] });
    // A fingerprint that is not Iris's: a re-run of it is refused (conflict) instead of training.
    const run = store.createRun({ config, datasetFingerprint: 'seeded-fingerprint', appVersion: 'test' });
    store.startRun(run.id, { backend: CPU_BACKEND, pid: process.pid, host: 'seeded-host' });
    for (let epoch = 1; epoch <= 3; epoch++) store.appendEpoch(run.id, makeEpoch(epoch));
    store.finishRun(run.id, 'completed');
    return run.id;
  } finally {
    store.close();
  }
}

/** Every row of every table, order-independent: equal digests mean the store holds the same data. */
function storeDigest(): string {
  const hash = createHash('sha256');
  hash.update(String(reader.pragma('user_version', { simple: true })));
  const tables = reader
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
    .pluck()
    .all() as string[];
  for (const table of tables) {
    const rows = (reader.prepare(`SELECT * FROM "${table}"`).raw().all() as unknown[][]).map((row) =>
      JSON.stringify(row, (_key, value: unknown) =>
        Buffer.isBuffer(value) ? value.toString('base64') : value,
      ),
    );
    hash.update(`${table}:${rows.sort().join('\n')}`);
  }
  return hash.digest('hex');
}

/**
 * A call that was accepted may have queued a run (a valid config is rare here but possible): cancel and
 * wait for whatever is unfinished, so that no training writes into the next comparison.
 */
async function settleRuns(): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const busy = reader
      .prepare(`SELECT id FROM runs WHERE status IN ('queued', 'running')`)
      .pluck()
      .all() as string[];
    if (busy.length === 0) return;
    if (Date.now() > deadline) throw new Error(`runs still unfinished: ${busy.join(', ')}`);
    for (const runId of busy) await dispatchApiCall(backend.handlers, 'runs.cancel', { runId });
    await delay(50);
  }
}

// ---- what the fuzzer sends -------------------------------------------------------------------------------

const NASTY_STRINGS = [
  '',
  ' ',
  '\t\n',
  '*',
  '?',
  '[',
  '%',
  '_',
  "'; DROP TABLE runs; --",
  '" OR 1=1 --',
  '../../../../etc/passwd',
  '\u0000',
  '\uFFFF',
  '\uD800',
  '🧪',
  'a'.repeat(64),
  'a'.repeat(65),
  'x'.repeat(100_000),
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'iris',
  'mnist',
  'e7-iris-gd',
  'queued',
  'running',
];

/** Near misses of the one run there is: prefixes, case, padding; the id itself too (setTags may accept it). */
function runIdLike(): fc.Arbitrary<string> {
  return fc.constantFrom(
    seededRunId,
    seededRunId.slice(0, 1),
    seededRunId.slice(0, 8),
    seededRunId.toUpperCase(),
    ` ${seededRunId} `,
    `${seededRunId}x`,
    seededRunId.replace(/-/g, ''),
  );
}

const leaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...NASTY_STRINGS),
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);

/** Any JSON value, with prototype keys among the object keys. */
const jsonish: fc.Arbitrary<unknown> = fc.oneof(
  leaf,
  fc.array(leaf, { maxLength: 8 }),
  fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'prototype')), leaf, {
    maxKeys: 6,
  }),
  fc.jsonValue({ maxDepth: 3 }),
);

function cyclic(): unknown {
  const node: Record<string, unknown> = { runId: 'cyclic' };
  node.self = node;
  node.list = [node];
  return node;
}

/** What structured clone carries and JSON does not: the IPC transport's extra surface. */
const cloneable: fc.Arbitrary<unknown> = fc.oneof(
  jsonish,
  fc.constantFrom(
    undefined,
    Number.NaN,
    -0,
    Number.POSITIVE_INFINITY,
    10n ** 30n,
    new Date(Number.NaN),
    cyclic(),
  ),
  fc.anything({
    maxDepth: 3,
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withSparseArray: true,
    withTypedArray: true,
  }),
);

type Path = (string | number)[];

function leafPaths(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, child]) => leafPaths(child, [...prefix, key]))];
}

function withChange(base: unknown, path: Path, value: unknown, remove: boolean): unknown {
  if (path.length === 0) return remove ? {} : value;
  // An earlier change replaced the whole config with something that has no fields.
  if (base === null || typeof base !== 'object') return base;
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) {
    const child = node[key];
    // An earlier change replaced a parent of this path: nothing left to change here.
    // A typed array (an earlier change put one there) has fixed indexes: nothing to delete or add in it.
    if (child === null || typeof child !== 'object' || ArrayBuffer.isView(child)) return copy;
    node = child as Record<string | number, unknown>;
  }
  const last = path[path.length - 1];
  if (remove) delete node[last];
  else node[last] = value;
  return copy;
}

/**
 * A real config (E7 on Iris, one epoch) with one or two fields broken, replaced or removed. Only configs the
 * schema refuses are sent, so none of them trains.
 */
function brokenConfig(values: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const base = tinyIrisConfig(1);
  const paths = leafPaths(base);
  const change = fc.tuple(fc.constantFrom(...paths), values, fc.boolean());
  return fc
    .array(change, { minLength: 1, maxLength: 2 })
    .map((changes) =>
      changes.reduce<unknown>(
        (config, [path, value, remove]) => withChange(config, path, value, remove),
        base,
      ),
    )
    .filter((config) => !runConfigSchema.safeParse(config).success);
}

function schemaKeys(method: ApiMethodName): string[] {
  const shape = (apiParamSchemas[method] as unknown as { shape?: Record<string, unknown> }).shape;
  return Object.keys(shape ?? {});
}

/** Params for `method`: anything at all, or its own fields (some left out) with hostile values, or extra keys. */
function paramsFor(method: ApiMethodName, values: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const field = fc.oneof(
    values,
    runIdLike(),
    fc.array(fc.oneof(runIdLike(), leaf), { maxLength: 40 }),
    fc.array(fc.string({ maxLength: 4 }), { minLength: 5001, maxLength: 5001 }),
    brokenConfig(values),
  );
  const keys = schemaKeys(method);
  const own = fc.record(Object.fromEntries(keys.map((key) => [key, field])), { requiredKeys: [] });
  const extra = fc.dictionary(fc.oneof(fc.string({ minLength: 1 }), fc.constant('__proto__')), values, {
    minKeys: 1,
    maxKeys: 3,
  });
  return fc.oneof(
    { weight: 1, arbitrary: values },
    { weight: 4, arbitrary: own },
    { weight: 1, arbitrary: fc.tuple(own, extra).map(([mine, more]) => ({ ...more, ...mine })) },
  );
}

// ---- the two transports ----------------------------------------------------------------------------------

interface Answer {
  /** HTTP status; undefined over IPC. */
  status?: number;
  response: ApiResponse;
}

async function overHttp(method: string, params: unknown): Promise<Answer> {
  const body = params === undefined ? undefined : JSON.stringify(params);
  const res = await fetch(`${server.origin}/api/${encodeURIComponent(method)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', [HTTP_TOKEN_HEADER]: server.token },
    body,
  });
  const text = await res.text();
  let response: ApiResponse;
  try {
    response = JSON.parse(text) as ApiResponse;
  } catch {
    throw new Error(`HTTP ${res.status} for ${method} is not JSON: ${text.slice(0, 200)}`);
  }
  return { status: res.status, response };
}

async function overIpc(method: string, params: unknown): Promise<Answer> {
  return { response: await bridge.call(method, params) };
}

const STACK_LINE = /\n\s+at .+\(.*:\d+:\d+\)/;

/** An answer with a message: ok for valid input, else a refusal that is the caller's fault. */
function expectHandled(answer: Answer, label: string): void {
  const { status, response } = answer;
  if (response.ok) {
    if (status !== undefined) expect(status, label).toBe(200);
    return;
  }
  expect(response.error.code, `${label}: ${response.error.message}`).not.toBe('internal');
  expect(typeof response.error.message, label).toBe('string');
  expect(response.error.message.trim(), label).not.toBe('');
  expect(response.error.message, label).not.toMatch(STACK_LINE);
  if (status !== undefined) {
    expect(status, `${label}: ${response.error.message}`).toBeGreaterThanOrEqual(400);
    expect(status, `${label}: ${response.error.message}`).toBeLessThan(500);
  }
}

/** Any value, cycles, BigInts and null prototypes included, as a short line for a failure message. */
function describeParams(params: unknown): string {
  return inspect(params, { depth: 4, breakLength: Infinity, maxArrayLength: 10, maxStringLength: 80 }).slice(
    0,
    300,
  );
}

async function checkCall(
  send: (method: string, params: unknown) => Promise<Answer>,
  method: string,
  params: unknown,
): Promise<void> {
  const before = storeDigest();
  const answer = await send(method, params);
  const label = `${method} ${describeParams(params)}`;
  expectHandled(answer, label);
  if (answer.response.ok) {
    await settleRuns();
  } else {
    expect(storeDigest(), `a refused ${label} changed the store`).toBe(before);
  }
}

async function expectServerAnswers(): Promise<void> {
  const started = Date.now();
  const answer = await overHttp('app.info', {});
  expect(answer.status).toBe(200);
  expect(Date.now() - started).toBeLessThan(5_000);
}

describe.each([
  { transport: 'HTTP', send: overHttp, values: jsonish },
  { transport: 'IPC', send: overIpc, values: cloneable },
])('hostile params over $transport', ({ send, values }) => {
  it.each(API_METHOD_NAMES)(
    '%s answers with a message, never a crash, and a refusal changes nothing',
    async (method) => {
      await fc.assert(
        fc.asyncProperty(paramsFor(method, values), (params) => checkCall(send, method, params)),
        { numRuns: RUNS },
      );
      await expectServerAnswers();
    },
  );

  it('unknown method names are refused as not found', async () => {
    const names = fc.oneof(
      fc.string(),
      fc.constantFrom(
        '__proto__',
        'constructor',
        'toString',
        'runs',
        'runs.',
        '.list',
        'RUNS.LIST',
        'x'.repeat(10_000),
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        names.filter((name) => !(API_METHOD_NAMES as readonly string[]).includes(name)),
        async (name) => {
          const answer = await send(name, {});
          expectHandled(answer, `method ${JSON.stringify(name.slice(0, 80))}`);
          expect(answer.response).toMatchObject({ ok: false, error: { code: 'not-found' } });
        },
      ),
      { numRuns: RUNS },
    );
    await expectServerAnswers();
  });
});

describe('hostile bodies over HTTP', () => {
  it('malformed bytes as a body are a 4xx with a message for every method', async () => {
    const bodies = fc.oneof(
      fc.string(),
      fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
      fc.constantFrom(
        '{',
        '{"runId":',
        '[1,2',
        'null',
        'nul',
        '{"a":1}{"b":2}',
        '\uFEFF{}',
        '{"__proto__":{"x":1}}',
      ),
    );
    for (const method of API_METHOD_NAMES) {
      await fc.assert(
        fc.asyncProperty(bodies, async (body) => {
          const before = storeDigest();
          const res = await rawRequest(server.port, {
            method: 'POST',
            path: `/api/${method}`,
            headers: { 'Content-Type': 'application/json', [HTTP_TOKEN_HEADER]: server.token },
            body,
          });
          const response = JSON.parse(res.body) as ApiResponse;
          expectHandled({ status: res.status, response }, `${method} body ${describeParams(body)}`);
          if (response.ok) await settleRuns();
          else expect(storeDigest()).toBe(before);
        }),
        { numRuns: 30 },
      );
    }
    await expectServerAnswers();
  });

  it('leaves Object.prototype alone', () => {
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
