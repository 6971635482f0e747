import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`): Playwright's own browser download is not reachable here. */
export const CHROMIUM = process.env.WORKBENCH_CHROMIUM ?? '/usr/bin/chromium';

/** The flags that keep Chromium from reaching for the network this workplace does not have. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(): Promise<{ browser: Browser; context: BrowserContext }> {
  if (!existsSync(CHROMIUM)) {
    // Not a skip: the browser suite is part of the test command, and CI installs Chromium (see .ci/run).
    throw new Error(`${CHROMIUM} not found: install Debian's Chromium (apt-get install -y chromium)`);
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    // Playwright gives every launch a fresh, empty profile of its own.
    args: CHROMIUM_ARGS,
  });
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 900 } });
  return { browser, context };
}
