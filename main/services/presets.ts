import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { PresetInfo } from '../../common/api/contract';
import type { GridPresetInfo } from '../../common/grid/types';
import { UserInputError } from '../../common/errors';
import { presetsDir } from '../app-paths';

/**
 * The bundled presets: single runs in resources/presets/*.json (E1–E9), grids in resources/presets/grids/
 * (E3, E5, E6, E7). Both are named by file name without `.json`, or by a unique prefix of one.
 */

export function gridPresetsDir(dir: string = presetsDir()): string {
  return join(dir, 'grids');
}

function jsonFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort(naturalCompare);
}

/** e3-mlp-hidden-100 < e3-mlp-hidden-500 < e3-mlp-hidden-2000: numbers compare as numbers. */
function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

export function listPresetNames(dir: string = presetsDir()): string[] {
  return jsonFiles(dir).map((f) => basename(f, '.json'));
}

export function listGridPresetNames(dir: string = presetsDir()): string[] {
  return listPresetNames(gridPresetsDir(dir));
}

/** The file of the preset named exactly, or by a unique prefix; undefined when none matches. */
export function findPresetFile(name: string, dir: string = presetsDir()): string | undefined {
  const names = listPresetNames(dir);
  const wanted = basename(name, '.json');
  const exact = names.find((p) => p === wanted);
  const matches = exact ? [exact] : names.filter((p) => p.startsWith(wanted));
  if (matches.length > 1) {
    throw new UserInputError(`${name}: several presets match (${matches.join(', ')}); name one of them`);
  }
  return matches.length === 1 ? join(dir, `${matches[0]}.json`) : undefined;
}

/** The same for grid presets. */
export function findGridPresetFile(name: string, dir: string = presetsDir()): string | undefined {
  return findPresetFile(name, gridPresetsDir(dir));
}

/** The bundled presets as written, for the new-run editor to start from. */
export function listPresetInfos(dir: string = presetsDir()): PresetInfo[] {
  return listPresetNames(dir).map((id) => {
    const config = readBundled(join(dir, `${id}.json`));
    const fields = isObject(config) ? config : {};
    return {
      id,
      name: typeof fields.name === 'string' ? fields.name : id,
      description: typeof fields.description === 'string' ? fields.description : null,
      config,
    };
  });
}

export function listGridPresetInfos(dir: string = presetsDir()): GridPresetInfo[] {
  const gridDir = gridPresetsDir(dir);
  return listPresetNames(gridDir).map((id) => {
    const spec = readBundled(join(gridDir, `${id}.json`));
    const fields = isObject(spec) ? spec : {};
    return {
      id,
      name: typeof fields.name === 'string' ? fields.name : id,
      description: typeof fields.description === 'string' ? fields.description : null,
      spec,
    };
  });
}

/** A JSON file the user named: every problem says which file and what is wrong. */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserInputError(`${file}: cannot read the file (${code ?? String(err)})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UserInputError(`${file}: malformed JSON: ${(err as Error).message}`);
  }
}

function readBundled(file: string): unknown {
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
