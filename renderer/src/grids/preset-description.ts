import { sameJson } from '../new-run/config-path';
import type { SpecDraft } from './grid-spec-draft';

/**
 * A grid preset's description says what its runs train ("… on Iris, alpha 0.01, 350 epochs"), and it is
 * stored with the grid. Once the base, the override, the axes or the sample differ from the preset's, the
 * text no longer describes the grid, so it goes, unless the user wrote it (then it is theirs).
 */
const TRAINED = ['base', 'override', 'axes', 'sample'] as const;

export function presetDescriptionFits(spec: SpecDraft, presetSpec: SpecDraft): boolean {
  return TRAINED.every((key) => sameJson(spec[key], presetSpec[key]));
}

/**
 * `spec` without the preset's own description where it no longer fits; the same object otherwise.
 * `presetSpec`: the spec as the preset gave it, null when no preset description is in play.
 */
export function withoutStaleDescription(spec: SpecDraft, presetSpec: SpecDraft | null): SpecDraft {
  if (presetSpec === null || typeof presetSpec.description !== 'string') return spec;
  if (spec.description !== presetSpec.description || presetDescriptionFits(spec, presetSpec)) return spec;
  const { description: _stale, ...rest } = spec;
  return rest;
}
