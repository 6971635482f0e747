import { z } from 'zod';

/**
 * Offline run archives: one SQLite file holding a chosen set of runs (with their params, every epoch, their
 * grids and experiments) in the store's own schema, plus a manifest and a content hash per run; with models,
 * also their checkpoints (rows and blobs, each blob checked against its SHA-256). Runs keep their ids, so an
 * archive merges into any store, and merging it again changes nothing.
 */

export const ARCHIVE_FORMAT = 'experiment-workbench-archive';
/** Bumped when the archive's own tables change; the store schema inside has its own version (user_version). */
export const ARCHIVE_FORMAT_VERSION = 1;

/** Refused before reading further: bigger than any honest archive of a workbench store. */
export const MAX_ARCHIVE_BYTES = 4 * 1024 ** 3;
export const MAX_ARCHIVE_RUNS = 1_000_000;

const count = z.number().int().min(0);

export const archiveManifestSchema = z.strictObject({
  format: z.literal(ARCHIVE_FORMAT, { error: `expected format "${ARCHIVE_FORMAT}"` }),
  formatVersion: z.number().int().min(1),
  appVersion: z.string().max(100),
  /** The store schema version of the tables inside (PRAGMA user_version when written). */
  schemaVersion: z.number().int().min(1),
  createdAt: z.string().max(40),
  sourceHost: z.string().max(255),
  /** What was exported, as the user chose it: `--grid 1f3a…`, `--tag e5`, `3 runs`. */
  selection: z.string().max(2000),
  counts: z.strictObject({
    runs: count.max(MAX_ARCHIVE_RUNS),
    epochs: count,
    grids: count,
    gridCells: count,
    experiments: count,
    datasets: count,
    datasetArrays: count,
    /** Checkpoint rows (models). Absent in manifests written before archives could carry models: none. */
    checkpoints: count.optional(),
  }),
  /** Whether the runs' checkpoints travel in the archive. Absent before archives could carry models: none. */
  models: z
    .strictObject({
      included: z.boolean(),
      /** Bytes of checkpoint data in the archive (weights and optimizer parts). */
      bytes: count,
      /** SHA-256 of every checkpoint row, in order (see checkpointRowsDigest); null when there is none. */
      sha256: z
        .string()
        .regex(/^[0-9a-f]{64}$/, { error: 'expected a SHA-256 (64 hex digits)' })
        .nullable(),
      /** What the exported runs kept at the source that this archive leaves out (exported without models). */
      leftOut: z.strictObject({ checkpoints: count, bytes: count }),
    })
    .optional(),
});
export type ArchiveManifest = z.infer<typeof archiveManifestSchema>;

/**
 * A run's content as hashed: everything a merge must not silently lose. Tags are hashed apart (`coreHash`
 * without them), because tags are united on a merge rather than conflicting.
 */
export interface RunContent {
  id: string;
  name: string;
  experiment: string;
  status: string;
  config: unknown;
  seed: number;
  datasetId: string;
  datasetFingerprint: string;
  backend: string | null;
  appVersion: string;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  gridId: string | null;
  gridCell: number | null;
  earlyStop: unknown;
  /** Every epoch as [epoch, trainLoss, trainAcc, valLoss, valAcc, testLoss, testAcc, lr, seconds, elapsed]. */
  epochs: (number | null)[][];
  /**
   * A fork's parent and every resume (store schema 4). Left out (undefined) when there is none, so a run that
   * has neither hashes as it did before the schema had them, and an archive of an older schema still matches.
   */
  parent?: { runId: string; epoch: number | null };
  resumes?: unknown[];
}

/** JSON with object keys sorted at every level: the same content always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
  return JSON.stringify(value) ?? 'null';
}

/** The texts whose SHA-256 are a run's `coreHash` (without tags) and `hash` (with its sorted tags). */
export function runHashInputs(content: RunContent, tags: readonly string[]): { core: string; full: string } {
  const core = canonicalJson(content);
  return { core, full: canonicalJson({ core, tags: [...tags].sort() }) };
}

export type MergeClass = 'new' | 'identical' | 'conflicting';

export interface RunHashes {
  hash: string;
  coreHash: string;
}

/**
 * How an archived run meets the store: new (no run with its id), identical (same content; differing tags are
 * united, not a conflict), or conflicting (same id, different content: never overwritten unless asked).
 */
export function classifyRun(
  local: RunHashes | undefined,
  incoming: RunHashes,
): { kind: MergeClass; tagsDiffer: boolean } {
  if (!local) return { kind: 'new', tagsDiffer: false };
  if (local.coreHash !== incoming.coreHash)
    return { kind: 'conflicting', tagsDiffer: local.hash !== incoming.hash };
  return { kind: 'identical', tagsDiffer: local.hash !== incoming.hash };
}

/** Tags after a merge: the store's first, then the archive's new ones, each once. */
export function uniteTags(local: readonly string[], incoming: readonly string[]): string[] {
  return [...new Set([...local, ...incoming])];
}

export interface ArchivePreviewRun {
  id: string;
  name: string;
  kind: MergeClass;
  tagsDiffer: boolean;
  /** For a conflict: what differs, in a few words ("status completed here, failed in the archive"). */
  detail?: string;
  /** Checkpoints the archive holds for this run (0 without models). */
  checkpoints: number;
}

/** The models (checkpoints) of an archive, and what importing it would add here. */
export interface ArchiveModels {
  included: boolean;
  checkpoints: number;
  bytes: number;
  /** What the exported runs kept at the source and the archive leaves out; null when the manifest predates models. */
  leftOut: { checkpoints: number; bytes: number } | null;
  /**
   * Checkpoints an import adds (skipping conflicts): every one of a new run, and those of an identical run at
   * epochs this store keeps none for. A conflicting run replaced takes the archive's instead of its own.
   */
  toAdd: number;
  toAddBytes: number;
}

/** The manifest's models, read the same way for an archive written before archives could carry them. */
export function manifestModels(manifest: ArchiveManifest): {
  included: boolean;
  checkpoints: number;
  bytes: number;
  leftOut: { checkpoints: number; bytes: number } | null;
} {
  return {
    included: manifest.models?.included ?? false,
    checkpoints: manifest.counts.checkpoints ?? 0,
    bytes: manifest.models?.bytes ?? 0,
    leftOut: manifest.models?.leftOut ?? null,
  };
}

export interface ArchivePreview {
  file: string;
  manifest: ArchiveManifest;
  /** The format version the file was written in, and whether reading it upgraded it. */
  upgradedFrom: number | null;
  runs: number;
  new: number;
  identical: number;
  conflicting: number;
  grids: number;
  gridsNew: number;
  /** Datasets the archive's runs trained on that neither this store nor the archive has (cannot re-run). */
  datasetsMissing: { id: string; fingerprint: string; runs: number }[];
  models: ArchiveModels;
  runList: ArchivePreviewRun[];
}

export interface ArchiveImportResult extends ArchivePreview {
  imported: number;
  replaced: number;
  skippedConflicts: number;
  tagsUnited: number;
  gridsMerged: number;
  datasetsImported: number;
  /** Checkpoints added to this store (of new, replaced and identical runs), and their bytes. */
  checkpointsImported: number;
  checkpointBytesImported: number;
}
