import { useMemo } from 'react';
import type { RunEpochs } from '../../../common/api/contract';
import { legendLabels, type CompareRun } from '../../../common/compare/differing-params';
import { flattenParams } from '../../../common/config/flatten-params';
import type { StoppingRunInput } from '../../../common/stopping/across-runs';
import { defaultRuleFor } from './rule-choice';
import { StoppingAcrossRuns } from './StoppingAcrossRuns';

/** Compare's runs and epochs as the across-runs analysis takes them: labelled as in the comparison legend. */
export function stoppingInputs(
  runs: readonly CompareRun[],
  epochs: readonly RunEpochs[],
): StoppingRunInput[] {
  const labels = legendLabels(runs);
  const byRun = new Map(epochs.map((e) => [e.runId, e.epochs]));
  return runs.map((run) => ({
    runId: run.id,
    label: labels[run.id],
    params: flattenParams(run.config),
    epochs: byRun.get(run.id) ?? [],
  }));
}

/** The Early stopping tab of Compare. */
export function CompareStopping({
  runs,
  epochs,
}: {
  runs: readonly CompareRun[];
  epochs: readonly RunEpochs[];
}) {
  const inputs = useMemo(() => stoppingInputs(runs, epochs), [runs, epochs]);
  const hasValidation = inputs.some((run) => run.epochs.some((e) => e.valLoss !== null));
  const initialRule = useMemo(() => defaultRuleFor(hasValidation), [hasValidation]);
  return <StoppingAcrossRuns runs={inputs} initialRule={initialRule} />;
}
