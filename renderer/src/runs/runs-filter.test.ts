import { describe, expect, it } from 'vitest';
import { runRow } from '../testing/fixtures';
import { filterProblems, matchesRunFilter } from './runs-filter';

describe('runs filter problems', () => {
  it('flags a comparison with no number to compare, naming the setting', () => {
    expect(filterProblems('lr<abc')).toEqual([
      '“lr<abc”: lr < needs a number (such as lr<0.01), and “abc” is not one.',
    ]);
    expect(filterProblems('sweep l2>=big hidden=2000')).toEqual([
      '“l2>=big”: l2 >= needs a number (such as l2>=0.01), and “big” is not one.',
    ]);
  });

  it('has nothing to say about comparisons that can match', () => {
    for (const text of [
      '',
      'lr<1e-3',
      'valAcc>90%',
      'optimizer=adam',
      'optimizer!=adam',
      'status:run',
      'a<b',
    ]) {
      expect(filterProblems(text)).toEqual([]);
    }
    // An unknown key is the view's other message ("no setting called …"), not this one.
    expect(filterProblems('widht>abc')).toEqual([]);
  });

  it('still matches no run with such a comparison', () => {
    expect(matchesRunFilter(runRow(1), 'lr<abc')).toBe(false);
  });
});
