import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { PresetInfo } from '../../common/api/contract';
import { presetsDir } from '../app-paths';
import { readJsonFile } from '../cli/config-file';

/** The bundled presets (resources/presets/*.json) as written, for the new-run editor to start from. */
export function listPresetInfos(dir: string = presetsDir()): PresetInfo[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const config = readPreset(join(dir, file));
      const fields = isObject(config) ? config : {};
      const id = basename(file, '.json');
      return {
        id,
        name: typeof fields.name === 'string' ? fields.name : id,
        description: typeof fields.description === 'string' ? fields.description : null,
        config,
      };
    });
}

function readPreset(file: string): unknown {
  try {
    return readJsonFile(file);
  } catch (error) {
    // A broken bundled file is the app's fault, not the caller's: not an input error.
    throw new Error(`bundled preset ${(error as Error).message}`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
