// `npm run bench:ui`: how long the Compare view takes to draw many runs, in Debian's Chromium against the real
// `workbench serve`. Trains 50 real runs of 100 epochs (Iris, E7's network, learning rates and seeds varied)
// into a temporary database, opens the Compare view on all of them and times it. Writes its section of
// docs/benchmarks.md (between the ui-compare markers; the engine bench keeps it). It reports; it never asserts.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.mjs';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const RUNS = Number(process.env.BENCH_UI_RUNS ?? 50);
const EPOCHS = Number(process.env.BENCH_UI_EPOCHS ?? 100);
const REPEATS = 5;
const MARK_START = '<!-- ui-compare:start -->';
const MARK_END = '<!-- ui-compare:end -->';

function serve(db) {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin', 'workbench.mjs'), '--db', db, 'serve', '--port', '0'],
    {
      cwd: ROOT,
      env: { ...process.env, WORKBENCH_DB: undefined },
    },
  );
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /Experiment Workbench: (http\S+)/.exec(out);
      if (match) {
        clearInterval(timer);
        resolve({ child, url: match[1] });
      } else if (child.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`workbench serve exited: ${out}`));
      }
    }, 100);
  });
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

async function trainRuns(origin, token) {
  const preset = JSON.parse(readFileSync(join(ROOT, 'resources', 'presets', 'e7-iris-gd.json'), 'utf8'));
  const ids = [];
  for (let i = 0; i < RUNS; i += 1) {
    const config = structuredClone(preset);
    config.name = `iris lr ${(0.005 * (1 + (i % 10))).toFixed(3)} seed ${1 + Math.floor(i / 10)}`;
    config.seed = 1 + Math.floor(i / 10);
    config.training.learningRate = 0.005 * (1 + (i % 10));
    config.training.epochs = EPOCHS;
    // E7 has no validation split; the compare view's default metric is validation loss.
    config.dataset.split = { train: 100, validation: 25, test: 25 };
    ids.push((await api(origin, token, 'runs.start', { config })).runId);
  }
  for (;;) {
    const rows = await api(origin, token, 'runs.list', {});
    const pending = rows.filter((r) => r.status === 'queued' || r.status === 'running').length;
    if (pending === 0) return ids;
    await new Promise((r) => setTimeout(r, 500));
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const DRAWN = '[data-testid="compare-chart"][data-draw-ms]';

/**
 * Cold: a fresh page load straight onto the Compare route (the app and Plotly's 4.6 MB bundle load first).
 * Warm: the route change a user makes from the Runs view, with the app already loaded.
 */
async function timeCompare(page, url, ids, setup) {
  const compareHash = `#/compare?ids=${ids.join(',')}`;
  const cold = [];
  const warm = [];
  const plotly = [];
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
    started = Date.now();
    await page.evaluate((hash) => (globalThis.location.hash = hash), compareHash);
    await page.waitForSelector(DRAWN, { timeout: 120_000 });
    if (setup) {
      await setup(page);
      await page.waitForSelector(DRAWN, { timeout: 120_000 });
    }
    warm.push(Date.now() - started);
    plotly.push(Number(await page.getAttribute('[data-testid="compare-chart"]', 'data-draw-ms')));
  }
  return { cold: median(cold), warm: median(warm), plotly: median(plotly) };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'workbench-bench-ui-'));
  const { child, url } = await serve(join(dir, 'runs.db'));
  const { origin, hash } = new URL(url);
  const token = new URLSearchParams(hash.slice(1)).get('token');
  try {
    const trainStarted = Date.now();
    const ids = await trainRuns(origin, token);
    const trainSeconds = (Date.now() - trainStarted) / 1000;
    const browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // The token is kept per tab: one visit with it, then plain hash routes.
    await page.goto(url);
    await page.waitForSelector('[data-testid="runs-table"], [data-testid="empty-state"]');
    const cases = [
      ['2 runs × 100 epochs, validation loss (reference)', ids.slice(0, 2), undefined],
      [`${RUNS} runs × ${EPOCHS} epochs, validation loss`, ids, undefined],
      [
        `${RUNS} runs × ${EPOCHS} epochs, validation + training loss, EMA 0.6 with raw (${RUNS * 4} traces)`,
        ids,
        async (p) => {
          await p.getByTestId('metric-trainLoss').check();
          await p.getByTestId('smoothing-kind').selectOption('ema');
        },
      ],
    ];
    const rows = [];
    for (const [name, runIds, setup] of cases) {
      const t = await timeCompare(page, url, runIds, setup);
      rows.push({ name, ...t });
      console.log(`${name}: cold ${t.cold} ms, warm ${t.warm} ms (Plotly.react ${t.plotly.toFixed(1)} ms)`);
    }
    await browser.close();
    const chromiumVersion = browser.version();
    const table = [
      '| compare view | from Runs → drawn | cold page load → drawn | Plotly.react alone |',
      '| --- | ---: | ---: | ---: |',
      ...rows.map((r) => `| ${r.name} | ${r.warm} ms | ${r.cold} ms | ${r.plotly.toFixed(1)} ms |`),
    ];
    console.log('\n' + table.join('\n'));
    const section = [
      MARK_START,
      '## Compare view draw time',
      '',
      `Written by \`npm run bench:ui\` (bench/ui-compare.mjs) on ${new Date().toISOString().replace('T', ' ').slice(0, 19)} UTC; ` +
        `${cpus()[0]?.model ?? 'CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB; Chromium ${chromiumVersion} headless.`,
      '',
      `${RUNS} real Iris runs of ${EPOCHS} epochs each (E7's network, 10 learning rates × ${Math.ceil(RUNS / 10)} seeds) ` +
        `trained through \`workbench serve\` in ${trainSeconds.toFixed(0)} s, then the Compare view opened on them in Debian's ` +
        'Chromium. "From Runs → drawn": the route change from the Runs view until the chart reports it has drawn ' +
        '(fetching every epoch over HTTP, building the series, Plotly); "cold page load": the same on a fresh ' +
        'page load, including the app and Plotly\'s 4.6 MB bundle; "Plotly.react": the drawing alone. Medians of 5; ' +
        'the 2-run row is the reference measured in the same run.',
      '',
      ...table,
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
  } finally {
    child.kill('SIGTERM');
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
