// `npm run bench:ui`: how the views hold up at grid scale, in Debian's Chromium against the real `workbench
// serve`. Part 1 trains a real grid of 200 Iris runs × 200 epochs (E7's network, 50 learning rates × 4 seeds)
// through `grids.start` into a temporary database, then times the Compare view on all 200 runs (and on 2, the
// reference), counting the API requests it makes, and the grid's own view. Part 2 fills a second database with
// 10 000 finished runs (out/bench/seed-runs.js, through the RunStore API) and times the runs table: the route
// change, scrolling through it frame by frame, and a filter; the 200-run database is the reference.
// Writes its section of docs/benchmarks.md (between the ui-compare markers; the engine bench keeps it).
// It reports; it never asserts.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.mjs';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const LEARNING_RATES = Number(process.env.BENCH_UI_RATES ?? 50);
const SEEDS = 4;
const RUNS = LEARNING_RATES * SEEDS;
const EPOCHS = Number(process.env.BENCH_UI_EPOCHS ?? 200);
const TABLE_RUNS = Number(process.env.BENCH_UI_TABLE_RUNS ?? 10_000);
const REPEATS = 5;
const TARGET_DRAW_MS = 500;
const FRAME_BUDGET_MS = 50;
const MARK_START = '<!-- ui-compare:start -->';
const MARK_END = '<!-- ui-compare:end -->';

function serve(db) {
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

async function stop(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function api(origin, token, method, params) {
  const response = await fetch(`${origin}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-workbench-token': token },
    body: JSON.stringify(params),
  });
  const body = await response.json();
  if (!body.ok) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

/** The real grid: every cell trained through the queue, as `workbench grid` or the New grid view would. */
async function trainGrid(origin, token) {
  const preset = JSON.parse(readFileSync(join(ROOT, 'resources', 'presets', 'e7-iris-gd.json'), 'utf8'));
  const base = structuredClone(preset);
  base.training.epochs = EPOCHS;
  // E7 has no validation split; the compare view's default metric is validation loss.
  base.dataset.split = { train: 100, validation: 25, test: 25 };
  const spec = {
    name: `bench:ui Iris ${RUNS} cells`,
    base,
    axes: [
      { path: 'training.learningRate', range: { min: 0.002, max: 0.2, count: LEARNING_RATES, scale: 'log' } },
      { path: 'seed', values: Array.from({ length: SEEDS }, (_, i) => i + 1) },
    ],
  };
  const { gridId } = await api(origin, token, 'grids.start', { spec });
  for (;;) {
    const grid = await api(origin, token, 'grids.get', { gridId });
    if (grid.status !== 'running') {
      if (grid.status !== 'completed') throw new Error(`the grid ended ${grid.status}`);
      const rows = await api(origin, token, 'runs.list', {});
      return { gridId, ids: rows.filter((r) => r.status === 'completed').map((r) => r.id) };
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];

const DRAWN = '[data-testid="compare-chart"][data-draw-ms]';

/** Counts the API calls the page makes while `fn` runs, by method. */
async function countingRequests(page, fn) {
  const counts = new Map();
  const listener = (request) => {
    const match = /\/api\/([\w.]+)$/.exec(new URL(request.url()).pathname);
    if (match) counts.set(match[1], (counts.get(match[1]) ?? 0) + 1);
  };
  page.on('request', listener);
  try {
    await fn();
  } finally {
    page.off('request', listener);
  }
  return counts;
}

const requestText = (counts) =>
  [...counts]
    .filter(([method]) => method.startsWith('runs.') || method.startsWith('grids.'))
    .map(([method, n]) => `${method} × ${n}`)
    .join(', ') || 'none';

/**
 * Cold: a fresh page load straight onto the Compare route (the app and Plotly's bundle load first). Warm: the
 * route change a user makes from the Runs view, with the app already loaded ("from the click").
 */
async function timeCompare(page, url, ids, setup) {
  const compareHash = `#/compare?ids=${ids.join(',')}`;
  const cold = [];
  const warm = [];
  const plotly = [];
  const apiDone = [];
  let largest = null;
  let requests = new Map();
  for (let i = 0; i < REPEATS; i += 1) {
    await page.goto('about:blank');
    let started = Date.now();
    await page.goto(`${url.split('#')[0]}${compareHash}`);
    await page.waitForSelector(DRAWN, { timeout: 120_000 });
    if (setup) {
      await setup(page);
      await page.waitForSelector(DRAWN, { timeout: 120_000 });
    }
    cold.push(Date.now() - started);

    await page.evaluate(() => (globalThis.location.hash = '#/runs'));
    await page.waitForSelector('[data-testid="runs-table"]');
    let pageStart = 0;
    requests = await countingRequests(page, async () => {
      pageStart = await page.evaluate(() => {
        globalThis.performance.clearResourceTimings();
        return globalThis.performance.now();
      });
      started = Date.now();
      await page.evaluate((hash) => (globalThis.location.hash = hash), compareHash);
      await page.waitForSelector(DRAWN, { timeout: 120_000 });
      if (setup) {
        await setup(page);
        await page.waitForSelector(DRAWN, { timeout: 120_000 });
      }
      warm.push(Date.now() - started);
    });
    plotly.push(Number(await page.getAttribute('[data-testid="compare-chart"]', 'data-draw-ms')));
    // When the last API answer had arrived, and how large the largest was.
    const api = await page.evaluate(
      (t0) =>
        globalThis.performance
          .getEntriesByType('resource')
          .filter((e) => e.name.includes('/api/') && !e.name.includes('/api/events'))
          .map((e) => ({
            end: e.responseEnd - t0,
            bytes: e.encodedBodySize,
            name: e.name.split('/api/')[1],
          })),
      pageStart,
    );
    apiDone.push(Math.max(0, ...api.map((e) => e.end)));
    largest = api.reduce((a, e) => (e.bytes > (a?.bytes ?? -1) ? e : a), largest);
  }
  return {
    cold: median(cold),
    warm: median(warm),
    plotly: median(plotly),
    apiDone: median(apiDone),
    largest,
    requests: requestText(requests),
  };
}

/** The grid's view, from the Runs view: until its results table and every chart in it have drawn. */
async function timeGridView(page, gridId) {
  const hash = `#/grids/${encodeURIComponent(gridId)}`;
  const warm = [];
  let requests = new Map();
  for (let i = 0; i < REPEATS; i += 1) {
    await page.evaluate(() => (globalThis.location.hash = '#/runs'));
    await page.waitForSelector('[data-testid="runs-table"]');
    requests = await countingRequests(page, async () => {
      const started = Date.now();
      await page.evaluate((h) => (globalThis.location.hash = h), hash);
      await page.waitForSelector('[data-testid="results-count"]', { timeout: 60_000 });
      // Every Plotly chart on the view has drawn once its SVG layers are in.
      await page.waitForFunction(
        () => {
          const plots = [...globalThis.document.querySelectorAll('.js-plotly-plot')];
          return plots.length > 0 && plots.every((p) => p.querySelector('.main-svg'));
        },
        undefined,
        { timeout: 60_000 },
      );
      warm.push(Date.now() - started);
    });
  }
  return { warm: median(warm), requests: requestText(requests) };
}

/**
 * The runs table: the route change until its rows are in, then scrolling it down 240 px (six rows, a fast
 * wheel) per animation frame for up to 300 frames, timing every frame; then a filter typed in, until the count
 * changes.
 */
async function timeRunsTable(page, url, count) {
  const open = [];
  const filter = [];
  let frames = [];
  for (let i = 0; i < REPEATS; i += 1) {
    await page.evaluate(() => (globalThis.location.hash = '#/grids'));
    await page.waitForTimeout(300);
    const started = Date.now();
    await page.evaluate(() => (globalThis.location.hash = '#/runs'));
    await page.waitForSelector('[data-testid="run-row"]', { timeout: 120_000 });
    open.push(Date.now() - started);

    const scroll = await page.evaluate(async () => {
      const scroller = globalThis.document.querySelector('.runs-scroller');
      if (!scroller) return { frames: [], rows: 0 };
      scroller.scrollTop = 0;
      const times = [];
      let last = await new Promise((r) => globalThis.requestAnimationFrame(r));
      while (scroller.scrollTop + scroller.clientHeight < scroller.scrollHeight - 1 && times.length < 300) {
        scroller.scrollTop += 240;
        const now = await new Promise((r) => globalThis.requestAnimationFrame(r));
        times.push(now - last);
        last = now;
      }
      return { frames: times, rows: globalThis.document.querySelectorAll('[data-testid="run-row"]').length };
    });
    if (i === 0) frames = scroll.frames;
    else frames = frames.concat(scroll.frames);

    const field = page.getByTestId('runs-filter');
    const before = await page.locator('.runs-view .view-header p').textContent();
    const typed = Date.now();
    await field.fill('lr 0.0050');
    await page.waitForFunction(
      (text) => globalThis.document.querySelector('.runs-view .view-header p')?.textContent !== text,
      before,
      { timeout: 60_000 },
    );
    filter.push(Date.now() - typed);
    await field.fill('');
  }
  const long = frames.filter((f) => f > FRAME_BUDGET_MS).length;
  return {
    count,
    open: median(open),
    frames: frames.length,
    frameMedian: median(frames),
    frameP95: quantile(frames, 0.95),
    frameMax: Math.max(...frames),
    long,
    filter: median(filter),
  };
}

function buildSeeder() {
  const seeder = join(ROOT, 'out', 'bench', 'seed-runs.js');
  if (!existsSync(seeder)) {
    throw new Error('out/bench/seed-runs.js is missing: run `npm run bench:ui` (it builds bench/ first)');
  }
  return seeder;
}

function seed(db, count) {
  const result = spawnSync(process.execPath, [buildSeeder(), db, String(count), '3'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 1_200_000,
  });
  if (result.status !== 0) throw new Error(`seeding ${count} runs failed: ${result.stderr || result.error}`);
  return JSON.parse(result.stdout.trim().split('\n').pop());
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'workbench-bench-ui-'));
  const loadBefore = loadavg()[0];
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const compareRows = [];
  let gridRow = null;
  const tableRows = [];
  let trainSeconds = 0;
  let seeded = null;
  try {
    // Part 1: a real grid of RUNS runs × EPOCHS epochs.
    const a = await serve(join(dir, 'grid.db'));
    try {
      const trainStarted = Date.now();
      const { gridId, ids } = await trainGrid(a.origin, a.token);
      trainSeconds = (Date.now() - trainStarted) / 1000;
      console.log(`trained ${ids.length} runs × ${EPOCHS} epochs as a grid in ${trainSeconds.toFixed(0)} s`);
      // The token is kept per tab: one visit with it, then plain hash routes.
      await page.goto(a.url);
      await page.waitForSelector('[data-testid="runs-table"], [data-testid="empty-state"]');
      const cases = [
        [`2 runs × ${EPOCHS} epochs, validation loss (reference)`, ids.slice(0, 2), undefined],
        [`${ids.length} runs × ${EPOCHS} epochs, validation loss`, ids, undefined],
        [
          `${ids.length} runs × ${EPOCHS} epochs, validation + training loss, EMA 0.6 with raw (${ids.length * 4} traces)`,
          ids,
          async (p) => {
            await p.getByTestId('metric-trainLoss').check();
            await p.getByTestId('smoothing-kind').selectOption('ema');
          },
        ],
      ];
      for (const [name, runIds, setup] of cases) {
        const t = await timeCompare(page, a.url, runIds, setup);
        compareRows.push({ name, ...t });
        console.log(
          `${name}: from Runs ${t.warm} ms (API answered by ${t.apiDone.toFixed(0)} ms), cold ${t.cold} ms ` +
            `(Plotly.react ${t.plotly.toFixed(1)} ms); ${t.requests}`,
        );
      }
      try {
        gridRow = {
          name: `grid view, ${ids.length} cells × ${EPOCHS} epochs`,
          ...(await timeGridView(page, gridId)),
        };
        console.log(`${gridRow.name}: from Runs ${gridRow.warm} ms; ${gridRow.requests}`);
      } catch (error) {
        gridRow = { name: 'grid view', skipped: String(error.message ?? error).split('\n')[0] };
        console.log(`grid view not measured: ${gridRow.skipped}`);
      }
      const reference = await timeRunsTable(page, a.url, ids.length);
      tableRows.push({ ...reference, reference: true });
    } finally {
      await stop(a.child);
    }

    // Part 2: TABLE_RUNS finished runs.
    const db = join(dir, 'many.db');
    seeded = seed(db, TABLE_RUNS);
    console.log(`seeded ${seeded.runs} runs in ${seeded.seconds.toFixed(0)} s`);
    const b = await serve(db);
    try {
      await page.goto(b.url);
      await page.waitForSelector('[data-testid="runs-table"]', { timeout: 120_000 });
      tableRows.push(await timeRunsTable(page, b.url, TABLE_RUNS));
    } finally {
      await stop(b.child);
    }
    for (const r of tableRows) {
      console.log(
        `runs table, ${r.count} runs: open ${r.open} ms; ${r.frames} scroll frames median ${r.frameMedian.toFixed(1)} ms, ` +
          `p95 ${r.frameP95.toFixed(1)} ms, max ${r.frameMax.toFixed(0)} ms, ${r.long} over ${FRAME_BUDGET_MS} ms; filter ${r.filter} ms`,
      );
    }
  } finally {
    await browser.close();
  }
  const chromiumVersion = browser.version();
  const compareTable = [
    '| view | from Runs → drawn | vs target | cold page load → drawn | Plotly.react alone | API requests (from Runs) |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    ...compareRows.map(
      (r) =>
        `| Compare: ${r.name} | ${r.warm} ms | ${r.warm <= TARGET_DRAW_MS ? '✓' : '✗'} ≤ ${TARGET_DRAW_MS} ms | ` +
        `${r.cold} ms | ${r.plotly.toFixed(1)} ms | ${r.requests} |`,
    ),
    gridRow && !gridRow.skipped
      ? `| ${gridRow.name} (results table, heat map and parallel coordinates) | ${gridRow.warm} ms | ` +
        `${gridRow.warm <= TARGET_DRAW_MS ? '✓' : '✗'} ≤ ${TARGET_DRAW_MS} ms | — | — | ${gridRow.requests} |`
      : `| grid view | not measured: ${gridRow?.skipped ?? 'no grid'} | — | — | — | — |`,
  ];
  const closings = compareRows
    .filter((r) => r.warm > TARGET_DRAW_MS)
    .map(
      (r) =>
        `- Where the time goes — Compare, ${r.name}: ${r.warm} ms from the click; the API answers were all in at ` +
        `${r.apiDone.toFixed(0)} ms (largest ${r.largest?.name ?? '?'}: ${((r.largest?.bytes ?? 0) / 2 ** 20).toFixed(1)} MB ` +
        `of JSON), Plotly.react took ${r.plotly.toFixed(0)} ms, and the remaining ` +
        `${(r.warm - r.apiDone - r.plotly).toFixed(0)} ms are the view's own work: parsing the epochs, building and ` +
        "smoothing the series, React, and the browser's style, layout and paint of the traces, legend and tables " +
        "(in a CPU profile of the 200-run row most of it is the browser's native work, not script). What would " +
        'close it: fewer points and nodes per trace drawn (decimating curves to the pixels they cover, WebGL ' +
        'traces) and a compact epochs payload, not more requests: there is one per kind already.',
    );
  if (gridRow && !gridRow.skipped && gridRow.warm > TARGET_DRAW_MS) {
    closings.push(
      `- Where the time goes — ${gridRow.name}: ${gridRow.warm} ms from the click with one grids.get request; ` +
        'the view draws its results table and two Plotly charts (heat map, parallel coordinates) on every cell.',
    );
  }
  const runsTable = [
    '| runs table | open from another view | scroll frames | median frame | p95 frame | longest frame | frames over 50 ms | filter typed → shown |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...tableRows.map(
      (r) =>
        `| ${r.count} runs${r.reference ? ' (reference)' : ''} | ${r.open} ms | ${r.frames} | ${r.frameMedian.toFixed(1)} ms | ` +
        `${r.frameP95.toFixed(1)} ms | ${r.frameMax.toFixed(0)} ms | ${r.long} | ${r.filter} ms |`,
    ),
  ];
  console.log(`\n${compareTable.join('\n')}\n\n${closings.join('\n')}\n\n${runsTable.join('\n')}`);
  const section = [
    MARK_START,
    '## Views at grid scale (Compare, grid view, runs table)',
    '',
    `Written by \`npm run bench:ui\` (bench/ui-compare.mjs) on ${new Date().toISOString().replace('T', ' ').slice(0, 19)} UTC; ` +
      `${cpus()[0]?.model ?? 'CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB; 1-min load ` +
      `average ${loadBefore.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after; Chromium ${chromiumVersion} headless.`,
    '',
    `${RUNS} real Iris runs of ${EPOCHS} epochs (E7's network, ${LEARNING_RATES} learning rates × ${SEEDS} seeds) ` +
      `trained as one grid through \`workbench serve\` in ${trainSeconds.toFixed(0)} s, then opened in Debian's Chromium. ` +
      '"From Runs → drawn": the route change from the Runs view (a click) until the chart reports it has drawn: ' +
      'the API requests, building the series, Plotly; "cold page load": the same on a fresh page load, the app ' +
      'and Plotly\'s bundle included; "Plotly.react": the drawing alone. The requests column counts the runs.* ' +
      'and grids.* calls the route change made. Medians of 5; the 2-run row is the reference measured in the same run.',
    '',
    ...compareTable,
    '',
    ...closings,
    ...(closings.length > 0 ? [''] : []),
    `The runs table on ${TABLE_RUNS} finished runs (seeded through the RunStore API by out/bench/seed-runs.js in ` +
      `${seeded ? seeded.seconds.toFixed(0) : '?'} s: 10 000 runs cannot be trained in a benchmark's time) and on the ` +
      `${RUNS} runs above (the reference): the route change until its rows are in, then the table scrolled down ` +
      '240 px (six rows, a fast wheel) per animation frame for up to 300 frames, every frame timed (fluid: frames ' +
      "near the display's 16.7 ms, none over 50 ms), then a filter " +
      'typed until the shown count changes. Medians of 5 (frames: all of them).',
    '',
    ...runsTable,
    MARK_END,
  ].join('\n');
  const file = join(ROOT, 'docs', 'benchmarks.md');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = current.indexOf(MARK_START);
  const end = current.indexOf(MARK_END);
  const next =
    start >= 0 && end > start
      ? current.slice(0, start) + section + current.slice(end + MARK_END.length)
      : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
  console.log(`\nwrote ${file}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
