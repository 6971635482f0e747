// Debian's Chromium, as the browser tests and `npm run bench:ui` launch it. Playwright cannot download its own
// browser here; the flags keep Chromium from reaching for the network this workplace does not have.
export const CHROMIUM_PATH = process.env.WORKBENCH_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
