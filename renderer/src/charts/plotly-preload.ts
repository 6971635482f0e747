import type { WorkbenchClient } from '../../../common/api/contract';
import { canDrawCharts, loadPlotly } from './plotly-loader';

/** How long no call may follow an answer before the first screen counts as up. */
const QUIET_MS = 300;

/** Started anyway after this long without a quiet moment: a page that keeps asking still gets its charts. */
const LATEST_START_MS = 5000;

/**
 * Loads Plotly ahead of the first chart, at the first quiet moment after the first screen is up: running its
 * megabytes of script takes over a second of the main thread on two cores, which a click on a chart would
 * otherwise wait for, and which must not hold up the first screen either. "Up" is read from the client the
 * views call: once an answer has come, no call is in flight and the page is idle after painting it, the load
 * starts. A view that draws a chart before then joins the load in flight. Returns the client to hand the
 * views, counting its calls.
 */
export function preloadPlotlyAfterFirstScreen(client: WorkbenchClient): WorkbenchClient {
  if (!canDrawCharts()) return client;
  let inFlight = 0;
  let answered = 0;
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    void loadPlotly().catch(() => undefined);
  };
  const whenIdle = (run: () => void) =>
    typeof window.requestIdleCallback === 'function'
      ? window.requestIdleCallback(run, { timeout: 2000 })
      : window.setTimeout(run, 200);
  let quiet: number | undefined;
  const maybeStart = () => {
    if (started || inFlight > 0 || answered === 0) return;
    // A view's calls come one after another (app.info, then the view's own): the first screen is up when
    // none has followed for a moment; then after the next frame, when the page has nothing else to do.
    window.clearTimeout(quiet);
    quiet = window.setTimeout(() => {
      if (inFlight > 0) return;
      window.requestAnimationFrame(() =>
        whenIdle(() => {
          if (inFlight === 0) start();
        }),
      );
    }, QUIET_MS);
  };
  window.setTimeout(start, LATEST_START_MS);
  const tracked: WorkbenchClient = Object.create(client) as WorkbenchClient;
  tracked.call = (method, params) => {
    inFlight += 1;
    window.clearTimeout(quiet);
    return client.call(method, params).finally(() => {
      inFlight -= 1;
      answered += 1;
      maybeStart();
    });
  };
  return tracked;
}
