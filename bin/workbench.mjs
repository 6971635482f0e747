#!/usr/bin/env node
// The CLI is built with the rest of the app (`npm run build`, also run by `npm install`).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cli = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
if (!existsSync(cli)) {
  console.error('workbench: the app is not built yet; run `npm run build` in the project folder first.');
  process.exit(1);
}
await import(pathToFileURL(cli).href);
