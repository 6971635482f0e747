// `npm run bench:ui`: how the views hold up at grid scale, in Debian's Chromium against the real `workbench
// serve`. Part 1 trains a real grid of 200 Iris runs × 200 epochs (E7's network, 50 learning rates × 4 seeds)
// through `grids.start` into a temporary database, then times the Compare view on all 200 runs (and on 2, the
// reference), counting the API requests it makes, and the grid's own view. Part 2 fills a second database with
// 10 000 finished runs (out/bench/seed-runs.js, through the RunStore API) and times the runs table: the route
// change, scrolling through it frame by frame, and a filter; the 200-run database is the reference.
// Writes its section of docs/benchmarks.md (between the ui-compare markers; the engine bench keeps it).
// It reports; it never asserts.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.mjs';
import { api, serve, stop, writeBenchmarkSection } from './ui-support.mjs';

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

/**
 * Runs `act` in the page and times, in the page's own clock, until `ready` holds in an animation frame: the
 * frame that shows it. (Playwright's waitForSelector polls with a backoff of up to 500 ms between looks,
 * which rounds a 450 ms draw up to a second; a MutationObserver would add its own work to every node Plotly
 * makes.) `ready` and `act` name checks and actions defined in the page function, as the page's CSP forbids
 * compiling code sent to it. With `profile`, V8's profiler runs over exactly that window (console.profile).
 */
async function timeInPage(page, act, ready, arg, profile = false, then = null) {
  return page.evaluate(
    async ({ act, ready, arg, profile, then }) => {
      const doc = globalThis.document;
      const checks = {
        compareDrawn: () => doc.querySelector('[data-testid="compare-chart"][data-draw-ms]') !== null,
        // The grid view's first screen: its results table and its heat map drawn.
        gridShown: () =>
          doc.querySelector('[data-testid="results-count"]') !== null &&
          doc.querySelector('[data-testid="heatmap"] .chart[data-draw-ms]') !== null,
        parcoordsDrawn: () => doc.querySelector('[data-testid="parcoords"] .chart[data-draw-ms]') !== null,
        runRows: () => doc.querySelector('[data-testid="run-row"]') !== null,
        countChanged: (before) => doc.querySelector('.runs-view .view-header p')?.textContent !== before,
      };
      const actions = {
        none: () => {},
        route: (hash) => (globalThis.location.hash = hash),
        scrollToParcoords: () =>
          doc.querySelector('[data-testid="parcoords"]')?.scrollIntoView({ block: 'center' }),
        typeFilter: (text) => {
          const field = doc.querySelector('[data-testid="runs-filter"]');
          // React reads the value through the native setter, then hears the input event.
          const setter = Object.getOwnPropertyDescriptor(globalThis.HTMLInputElement.prototype, 'value').set;
          setter.call(field, text);
          field.dispatchEvent(new Event('input', { bubbles: true }));
        },
      };
      const before = doc.querySelector('.runs-view .view-header p')?.textContent;
      if (profile) console.profile('bench');
      const started = globalThis.performance.now();
      actions[act](arg);
      const until = (name) =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`${name} did not hold within 120 s`)), 120_000);
          const look = () => {
            if (checks[name](before)) {
              clearTimeout(timer);
              resolve(globalThis.performance.now());
            } else globalThis.requestAnimationFrame(look);
          };
          globalThis.requestAnimationFrame(look);
        });
      const shown = await until(ready);
      // A second step after the first, timed from the same start: the grid's parallel coordinates.
      let thenShown = null;
      if (then) {
        actions[then.act]();
        thenShown = await until(then.ready);
      }
      if (profile) console.profileEnd('bench');
      return {
        started,
        ms: shown - started,
        sinceNavigation: shown,
        thenMs: thenShown === null ? null : thenShown - started,
      };
    },
    { act, ready, arg, profile, then },
  );
}

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

const WEBGL_CALLS = new Set([
  'getContext',
  'readPixels',
  'getError',
  'getParameter',
  'getProgramParameter',
  'getShaderParameter',
  'compileShader',
  'linkProgram',
  'drawArrays',
  'drawElements',
  'texImage2D',
  'bufferData',
  'getExtension',
]);

/**
 * Where the page's main thread spent the time of one more measurement: V8's sampling profiler (every 0.2 ms)
 * while `act` runs until `ready` holds, each sample put in a bucket by what it was running.
 */
async function whereTimeGoes(page, act, ready, arg, then = null) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  const finished = new Promise((resolve) => cdp.once('Profiler.consoleProfileFinished', resolve));
  const timed = await timeInPage(page, act, ready, arg, true, then);
  const ms = timed.thenMs ?? timed.ms;
  const { profile } = await finished;
  await cdp.detach();
  const nodes = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  if (process.env.BENCH_UI_DEBUG) {
    const sum = profile.timeDeltas.reduce((a, b) => a + b, 0) / 1000;
    console.log(
      'profile',
      (profile.endTime - profile.startTime) / 1000,
      'ms; deltas sum',
      sum,
      'first deltas',
      profile.timeDeltas.slice(0, 5),
    );
    const other = new Map();
    profile.samples.forEach((id, i) => {
      const f = nodes.get(id);
      if (!f.url.includes('plotly') && !f.url.includes('/assets/') && !f.functionName.startsWith('('))
        other.set(
          `${f.functionName} ${f.url}`,
          (other.get(`${f.functionName} ${f.url}`) ?? 0) + profile.timeDeltas[i] / 1000,
        );
    });
    console.log([...other].sort((a, b) => b[1] - a[1]).slice(0, 8));
  }
  const buckets = new Map();
  profile.samples.forEach((id, i) => {
    // The first sample's delta reaches back to a start time before the window.
    if (i === 0) return;
    const frame = nodes.get(id);
    const name = frame?.functionName ?? '';
    const url = frame?.url ?? '';
    const bucket =
      name === '(idle)'
        ? 'idle (waiting for the API, or for the next frame)'
        : name === '(program)'
          ? "the browser's native work (receiving and parsing JSON, style, layout, paint)"
          : name === '(garbage collector)'
            ? 'garbage collection'
            : WEBGL_CALLS.has(name) && url === ''
              ? 'WebGL calls (software GL in headless Chromium here)'
              : url.includes('plotly')
                ? "Plotly's script"
                : url.includes('/assets/')
                  ? "the app's script (React, building the series and tables)"
                  : 'other script';
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const parts = [...buckets]
    .filter(([, t]) => t >= 1)
    .sort((a, b) => b[1] - a[1])
    .map(([bucket, t]) => `${bucket} ${t.toFixed(0)} ms`);
  return `${Math.round(ms)} ms in a profiled repetition: ${parts.join(', ')}`;
}

/**
 * Cold: a fresh page load straight onto the Compare route (the app and Plotly's bundle load first), timed from
 * the navigation's start. Warm: the route change a user makes from the Runs view, with the app already loaded
 * ("from the click"). `view` is the Compare settings' query (metrics, smoothing), as a link carries them.
 */
async function timeCompare(page, url, ids, view) {
  const compareHash = `#/compare?ids=${ids.join(',')}${view ? `&${view}` : ''}`;
  const cold = [];
  const warm = [];
  const plotly = [];
  const apiDone = [];
  let largest = null;
  let requests = new Map();
  for (let i = 0; i < REPEATS; i += 1) {
    await page.goto('about:blank');
    await page.goto(`${url.split('#')[0]}${compareHash}`, { waitUntil: 'commit' });
    await page.waitForFunction(() => globalThis.document.body !== null);
    cold.push((await timeInPage(page, 'none', 'compareDrawn')).sinceNavigation);

    await page.evaluate(() => (globalThis.location.hash = '#/runs'));
    await page.waitForSelector('[data-testid="runs-table"]');
    let pageStart = 0;
    requests = await countingRequests(page, async () => {
      await page.evaluate(() => globalThis.performance.clearResourceTimings());
      const t = await timeInPage(page, 'route', 'compareDrawn', compareHash);
      pageStart = t.started;
      warm.push(t.ms);
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
  let profiled = null;
  if (median(warm) > TARGET_DRAW_MS) {
    await page.evaluate(() => (globalThis.location.hash = '#/runs'));
    await page.waitForSelector('[data-testid="runs-table"]');
    profiled = await whereTimeGoes(page, 'route', 'compareDrawn', compareHash);
  }
  return {
    profiled,
    cold: Math.round(median(cold)),
    warm: Math.round(median(warm)),
    plotly: median(plotly),
    apiDone: median(apiDone),
    largest,
    requests: requestText(requests),
  };
}

/**
 * The grid's view, from the Runs view: until its results table is in and every chart near the viewport has
 * drawn (the first screen); then the parallel coordinates, further down, scrolled to until drawn.
 */
async function timeGridView(page, gridId) {
  const hash = `#/grids/${encodeURIComponent(gridId)}`;
  const parcoords = { act: 'scrollToParcoords', ready: 'parcoordsDrawn' };
  const warm = [];
  const scrolled = [];
  let requests = new Map();
  for (let i = 0; i < REPEATS; i += 1) {
    await page.evaluate(() => (globalThis.location.hash = '#/runs'));
    await page.waitForSelector('[data-testid="runs-table"]');
    requests = await countingRequests(page, async () => {
      const t = await timeInPage(page, 'route', 'gridShown', hash, false, parcoords);
      warm.push(t.ms);
      scrolled.push(t.thenMs);
    });
  }
  const profiled = {};
  const again = async (then) => {
    await page.evaluate(() => (globalThis.location.hash = '#/runs'));
    await page.waitForSelector('[data-testid="runs-table"]');
    return whereTimeGoes(page, 'route', 'gridShown', hash, then);
  };
  if (median(warm) > TARGET_DRAW_MS) profiled.warm = await again(null);
  if (median(scrolled) > TARGET_DRAW_MS) profiled.scrolled = await again(parcoords);
  return {
    profiled,
    warm: Math.round(median(warm)),
    scrolled: Math.round(median(scrolled)),
    requests: requestText(requests),
  };
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
    open.push(Math.round((await timeInPage(page, 'route', 'runRows', '#/runs')).ms));

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

    filter.push(Math.round((await timeInPage(page, 'typeFilter', 'countChanged', 'lr 0.0050')).ms));
    await page.getByTestId('runs-filter').fill('');
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
          `${ids.length} runs × ${EPOCHS} epochs, validation + training loss, EMA 0.6 with raw (${ids.length * 4} curves)`,
          ids,
          'metrics=valLoss%2CtrainLoss&smoothing=ema%3A0.6',
        ],
      ];
      for (const [name, runIds, view] of cases) {
        const t = await timeCompare(page, a.url, runIds, view);
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
        console.log(
          `${gridRow.name}: from Runs, the first screen ${gridRow.warm} ms; the parallel coordinates, scrolled ` +
            `to as soon as it is, ${gridRow.scrolled} ms; ${gridRow.requests}`,
        );
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
      ? [
          `| ${gridRow.name}: the first screen (results table and heat map) | ${gridRow.warm} ms | ` +
            `${gridRow.warm <= TARGET_DRAW_MS ? '✓' : '✗'} ≤ ${TARGET_DRAW_MS} ms | — | — | ${gridRow.requests} |`,
          `| ${gridRow.name}: its parallel coordinates, scrolled to once the first screen is in | ${gridRow.scrolled} ms | ` +
            `${gridRow.scrolled <= TARGET_DRAW_MS ? '✓' : '✗'} ≤ ${TARGET_DRAW_MS} ms | — | — | none |`,
        ].join('\n')
      : `| grid view | not measured: ${gridRow?.skipped ?? 'no grid'} | — | — | — | — |`,
  ];
  const closings = compareRows
    .filter((r) => r.warm > TARGET_DRAW_MS)
    .map(
      (r) =>
        `- Where the time goes — Compare, ${r.name}: ${r.warm} ms from the click; the API answers were all in at ` +
        `${r.apiDone.toFixed(0)} ms (largest ${r.largest?.name ?? '?'}: ${((r.largest?.bytes ?? 0) / 2 ** 20).toFixed(1)} MB ` +
        `of JSON) and Plotly.react took ${r.plotly.toFixed(0)} ms. The page's main thread: ${r.profiled}. What ` +
        'would close it: sending only the charted metrics (the epochs already travel as columns, but every ' +
        'metric of every epoch, which the CSV export and the early-stopping tab read), and fewer points drawn: ' +
        "Plotly's SVG lines and the browser's paint grow with every point of every curve, and a curve of 200 " +
        'epochs is no wider than the chart, so there is nothing to decimate. Curves drawn alike already share ' +
        'one trace, and there is one request per kind.',
    );
  if (gridRow && !gridRow.skipped && gridRow.profiled?.warm) {
    closings.push(`- Where the time goes — ${gridRow.name}, the first screen: ${gridRow.profiled.warm}.`);
  }
  if (gridRow && !gridRow.skipped && gridRow.profiled?.scrolled) {
    closings.push(
      `- Where the time goes — ${gridRow.name}, until the parallel coordinates have drawn: ${gridRow.profiled.scrolled}. ` +
        'Plotly draws them with WebGL (three contexts: lines, focus, picking); headless Chromium here has no GPU ' +
        'and runs WebGL on its software renderer, where creating the contexts and compiling their shaders ' +
        'dominate. They draw after the rest of the view has been painted, and only once near the viewport, so ' +
        "they hold up nothing else. What would close it: a GPU (the app's usual case), or lines drawn as SVG, " +
        "giving up Plotly's brushing.",
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
      '"From Runs → drawn": the route change from the Runs view (a click) until the chart reports it has drawn ' +
      'and the frame showing it is out, timed in the page (checked in every animation frame, so the time is that of the frame that shows it): ' +
      'the API requests, building the series, Plotly, layout and paint; "cold page load": from the navigation\'s ' +
      'start, the app and Plotly\'s bundle included; "Plotly.react": the drawing alone. The grid view\'s first ' +
      'screen is its results table and heat map; its parallel coordinates (WebGL) draw once the browser is idle ' +
      'after that and once near the viewport: they are scrolled to as soon as the first screen is in, and timed ' +
      'from the same click. The requests column counts the runs.* and grids.* calls the route change made. ' +
      'Medians of 5; the 2-run row is the reference measured in the same run.',
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
  const file = writeBenchmarkSection(MARK_START, MARK_END, section);
  console.log(`\nwrote ${file}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
