import { describe, expect, it } from 'vitest';
import type { GridCellStatus } from '../../../common/grid/types';
import { gridCell } from '../testing/fixtures';
import { cellStatusDetail, reachedText } from './pruning-text';

const cell = (status: GridCellStatus, epochs: number, prunedAt: number | null, target: number | null) =>
  gridCell({ status, epochs, epochsPlanned: 9, pruning: { bracket: 0, prunedAt, target } });

describe('a pruned grid’s cell in words', () => {
  it('names the rung that pruned a cell and the one a paused cell waits at', () => {
    expect(cellStatusDetail(cell('pruned', 2, 2, null))).toBe('at epoch 2');
    expect(cellStatusDetail(cell('paused', 3, null, null))).toBe('at epoch 3, waiting for the rung');
    expect(cellStatusDetail(cell('paused', 3, null, 9))).toBe('at epoch 3, kept: goes on to epoch 9');
    expect(cellStatusDetail(cell('running', 2, null, 3))).toBeNull();
    expect(cellStatusDetail(gridCell({ status: 'completed' }))).toBeNull();
  });

  it('gives the epochs reached against the target: the next rung, the end, the rung waited at or pruned at', () => {
    expect(reachedText(cell('running', 2, null, 3), 9)).toMatchObject({ text: '2/3', detail: 'to the rung' });
    expect(reachedText(cell('running', 4, null, 9), 9)).toMatchObject({ text: '4/9', detail: 'to the end' });
    expect(reachedText(cell('paused', 3, null, null), 9)).toMatchObject({
      text: '3/3',
      detail: 'at the rung',
    });
    expect(reachedText(cell('paused', 3, null, 9), 9)).toMatchObject({ text: '3/9', detail: 'to the end' });
    expect(reachedText(cell('pruned', 1, 1, null), 9)).toMatchObject({ text: '1/1', detail: 'pruned' });
    expect(reachedText(cell('completed', 9, null, null), 9)).toMatchObject({ text: '9/9', detail: '' });
    expect(reachedText(cell('running', 2, null, 3), 9).title).toBe(
      '2 epochs logged; it trains to the rung at epoch 3 next',
    );
  });
});
