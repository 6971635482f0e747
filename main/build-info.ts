import { join } from 'node:path';
import { version } from '../package.json';
import { appRoot } from './app-paths';

export const APP_VERSION: string = version;

/** The worker is its own bundle entry, next to the CLI in out/main. */
export function trainingWorkerFile(): string {
  return join(appRoot(), 'out', 'main', 'training-worker.js');
}
