import { flattenParams } from '../config/flatten-params';

/**
 * What a fork may change. A fork continues from its parent's tensors, so it keeps every field that decides
 * them: the architecture (everything under `model.` but the activation) and the input it is built for. The
 * training (learning rate, schedule, optimizer, batch size, epochs), regularisation (λ, dropout: dropout has
 * no tensors), seed, names, tags, backend and checkpoint policy may change; so may the dataset, if the new one
 * has the same example shape and classes (the service checks that against the datasets).
 */

/** Paths a fork may change although they are under `model.`: they decide no tensor. */
const MODEL_PATHS_THAT_KEEP_TENSORS = ['model.activation'];

/** Dotted paths (as flattenParams writes them, array elements aside) whose values differ between a and b. */
export function changedPaths(a: object, b: object): string[] {
  const flat = (config: object) =>
    new Map(
      flattenParams(config)
        // Array elements are listed with their array; one entry per field is enough to name it.
        .filter((p) => !/\.\d+(\.|$)/.test(p.key))
        .map((p) => [p.key, p.text]),
    );
  const before = flat(a);
  const after = flat(b);
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((k) => before.get(k) !== after.get(k)).sort();
}

/** The changed paths a fork may not change, because they change the model's tensors. */
export function tensorChangingPaths(changed: readonly string[]): string[] {
  return changed.filter(
    (path) =>
      (path === 'model' || path.startsWith('model.')) &&
      !MODEL_PATHS_THAT_KEEP_TENSORS.some((p) => path === p || path.startsWith(`${p}.`)),
  );
}

/**
 * `PATH=VALUE` of `workbench fork --set`: VALUE is read as JSON (numbers, true, null, objects, quoted
 * strings) and taken as a plain string where it is not JSON (`--set training.optimizer=adam`).
 */
export function parseSetting(text: string): { path: string; value: unknown } {
  const eq = text.indexOf('=');
  const path = eq < 0 ? '' : text.slice(0, eq).trim();
  if (eq < 0 || !/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/.test(path)) {
    throw new Error(`--set ${text}: expected PATH=VALUE with a dotted path, e.g. training.learningRate=1e-4`);
  }
  const raw = text.slice(eq + 1).trim();
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // Not JSON: the string itself.
  }
  return { path, value };
}

/**
 * The config with `path` set to `value`, copied; every object on the way must exist in the config (a typo
 * is refused with the path it tried, not silently added).
 */
export function withSetting(config: object, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(config) as Record<string, unknown>;
  const parts = path.split('.');
  let at: Record<string, unknown> = copy;
  for (const [i, part] of parts.entries()) {
    const last = i === parts.length - 1;
    if (last) {
      at[part] = value;
      break;
    }
    const next = at[part];
    if (next === undefined || next === null || typeof next !== 'object' || Array.isArray(next)) {
      // An optional object the parent left out (regularization.dropout, training.earlyStopping) may be given
      // whole, or started here; anything else is not a field of a run config.
      if (next === undefined && OPTIONAL_OBJECTS.has(parts.slice(0, i + 1).join('.'))) {
        at[part] = {};
        at = at[part] as Record<string, unknown>;
        continue;
      }
      throw new Error(
        `--set ${path}: ${parts.slice(0, i + 1).join('.')} is not a group of fields in this run's config`,
      );
    }
    at = next as Record<string, unknown>;
  }
  return copy;
}

const OPTIONAL_OBJECTS = new Set(['regularization.dropout', 'training.earlyStopping']);

/**
 * Whether two model summaries have the same tensors (each weighted layer's name and parameter count): a
 * dataset of another input shape or class count gives the same config other tensors, which a fork cannot
 * continue. The service refuses such a fork; New run flags it as it is typed.
 */
export function sameTensors(
  a: { layers: readonly { name: string; params: number }[] },
  b: { layers: readonly { name: string; params: number }[] },
): boolean {
  const signature = (m: typeof a) =>
    JSON.stringify(m.layers.filter((l) => l.params > 0).map((l) => [l.name, l.params]));
  return signature(a) === signature(b);
}
