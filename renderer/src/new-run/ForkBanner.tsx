import { routeHref } from '../routing/route';
import { forkChanges, type ForkSource } from './fork-plan';

type Draft = Record<string, unknown>;

/**
 * Where the fork starts and what it changes: the parent, the kept epoch (and whether its optimizer state is
 * kept, so training goes on exactly), the epochs the fork will log, and the settings changed so far.
 */
export function ForkBanner({ source, draft }: { source: ForkSource; draft: Draft }) {
  const { checkpoint } = source;
  const changes = forkChanges(source, draft);
  const epochs = (draft.training as { epochs?: unknown } | undefined)?.epochs;
  return (
    <div className="fork-banner" role="note" data-testid="fork-banner">
      <p>
        Fork of{' '}
        <a href={routeHref({ name: 'run', runId: source.parentId })} data-testid="fork-parent">
          {source.parentName}
        </a>{' '}
        from its epoch <strong data-testid="fork-epoch">{checkpoint.epoch}</strong> (
        {checkpoint.kinds.join(', ')}
        {checkpoint.trainingState
          ? '; with its optimizer state, so an unchanged fork repeats the parent exactly'
          : '; weights only: the optimizer starts afresh'}
        ). Its epochs are numbered {checkpoint.epoch + 1}
        {typeof epochs === 'number' && epochs > checkpoint.epoch ? `–${epochs}` : '…'}, counted with the
        parent's.
      </p>
      <p className="muted" data-testid="fork-changes">
        {changes.length === 0
          ? 'Nothing changed yet: change the learning rate, schedule, optimizer, λ, dropout or epochs. The architecture and the input stay the parent\u2019s.'
          : `Changed: ${changes.join(', ')}.`}
      </p>
    </div>
  );
}
