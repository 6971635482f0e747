import { existsSync } from 'node:fs';
import type { z } from 'zod';
import { parseWith } from '../../common/config/parse-config';
import { UserInputError } from '../../common/errors';
import { findPresetFile, listPresetNames, readJsonFile } from '../services/presets';

export function listPresets(): string[] {
  return listPresetNames();
}

/** A path, or the name (or unique prefix) of a bundled preset such as `e2` or `e4-cnn-adam`. */
export function resolveConfigPath(spec: string): string {
  if (existsSync(spec)) return spec;
  const preset = findPresetFile(spec);
  if (preset) return preset;
  throw new UserInputError(
    `${spec}: no such file, and no preset of that name (presets: ${listPresetNames().join(', ')})`,
  );
}

export { readJsonFile };

export type ConfigOverrides = { epochs?: number; name?: string; seed?: number };

function applyOverrides(raw: unknown, overrides: ConfigOverrides): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const copy = structuredClone(raw) as Record<string, unknown>;
  if (overrides.name !== undefined) copy.name = overrides.name;
  if (overrides.seed !== undefined) copy.seed = overrides.seed;
  if (overrides.epochs !== undefined) {
    const training = copy.training;
    if (training !== null && typeof training === 'object' && !Array.isArray(training)) {
      copy.training = { ...training, epochs: overrides.epochs };
    }
  }
  return copy;
}

/** Reads, overrides and validates a config; every problem names the file and the field. */
export function loadConfigFile<S extends z.ZodType>(
  spec: string,
  schema: S,
  overrides: ConfigOverrides = {},
): { file: string; config: z.output<S> } {
  const file = resolveConfigPath(spec);
  const raw = applyOverrides(readJsonFile(file), overrides);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new UserInputError(`${file}: expected a JSON object with name, seed, dataset, model and training`);
  }
  const parsed = parseWith(schema, raw);
  if (!parsed.ok) throw new UserInputError(`${file}: ${parsed.error}`);
  return { file, config: parsed.value };
}
