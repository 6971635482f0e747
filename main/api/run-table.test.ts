import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../common/config/run-config';
import { tempWorkspace } from '../../tests/support/cli';
import { smallMnistCnn, smallMnistMlp } from '../../tests/support/configs';
import { RunStore } from '../store/run-store';
import { CPU_BACKEND, makeEpoch, makeRunConfig } from '../store/testing/fixtures';
import { durationSeconds, hyperparameters, shortNumber, toRunTableRow } from './run-table';

describe('runs table rows', () => {
  it('writes numbers as short cells', () => {
    expect([1e-5, 2.5e-4, 0.001, 0.05, 0.1, 1, 100, 1000, 0, 1 / 3].map(shortNumber)).toEqual([
      '1e-5',
      '2.5e-4',
      '0.001',
      '0.05',
      '0.1',
      '1',
      '100',
      '1000',
      '0',
      '0.3333',
    ]);
  });

  it('shows the key hyperparameters of an MLP and a CNN', () => {
    const mlp = runConfigSchema.parse({
      ...smallMnistMlp(),
      model: { kind: 'mlp', hiddenUnits: [500, 300] },
      training: { ...smallMnistMlp().training, learningRate: 0.00001 },
    });
    expect(hyperparameters(mlp)).toEqual({
      hidden: '500×300',
      activation: 'relu',
      optimizer: 'momentum',
      momentum: '0.9',
      lr: '1e-5',
      batch: '100',
      l2: '1e-4',
      keep: '0.9',
      epochs: '3',
      seed: '1',
    });
    const cnn = runConfigSchema.parse({ ...smallMnistCnn(), regularization: { dropout: { rate: 0.25 } } });
    expect(hyperparameters(cnn)).toEqual({
      conv: '4 filters 3×3',
      dense: '32',
      activation: 'relu',
      optimizer: 'adam',
      lr: '0.001',
      batch: '32',
      l2: '0',
      keep: '0.75',
      epochs: '2',
      seed: '3',
    });
    const gd = runConfigSchema.parse({
      ...smallMnistMlp(),
      model: { kind: 'mlp', hiddenUnits: [] },
      training: { optimizer: 'gd', learningRate: 0.5, epochs: 10 },
      regularization: {},
    });
    expect(hyperparameters(gd)).toMatchObject({ hidden: 'none', batch: 'full' });
    expect(hyperparameters(gd).keep).toBeUndefined();
  });

  it('measures the duration from start to finish, or to now while running', () => {
    const now = new Date('2026-01-01T00:01:00Z');
    expect(durationSeconds({ startedAt: null, finishedAt: null }, now)).toBeNull();
    expect(
      durationSeconds({ startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:12.5Z' }, now),
    ).toBe(12.5);
    expect(durationSeconds({ startedAt: '2026-01-01T00:00:30Z', finishedAt: null }, now)).toBe(30);
  });

  it('lists thousands of runs from a real store, newest first, with best validation loss', () => {
    const ws = tempWorkspace();
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const store = RunStore.open(ws.db, { now: () => new Date((clock += 1000)) });
    try {
      const COPIES = 5000;
      const EPOCHS = 20;
      const template = store.createRun({
        config: makeRunConfig({ name: 'template' }),
        datasetFingerprint: 'f',
        appVersion: 'test',
      });
      // Thousands of runs through createRun take seconds; SQL copies of a real row take milliseconds.
      const db = new Database(ws.db);
      db.prepare(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
         INSERT INTO runs (id, experiment_id, name, status, config, seed, dataset_id, dataset_fingerprint,
                           app_version, created_at, epochs_planned, tags)
         SELECT printf('copy-%05d', i), experiment_id, printf('copy-%d', i), status, config, seed, dataset_id,
                dataset_fingerprint, app_version, created_at, epochs_planned, tags
         FROM runs, n WHERE id = ?`,
      ).run(COPIES, template.id);
      db.close();
      // A run with epochs whose validation loss bottoms out at epoch 15, created last: newest.
      const trained = store.createRun({
        config: makeRunConfig({ name: 'trained' }),
        datasetFingerprint: 'f',
        appVersion: 'test',
      });
      store.startRun(trained.id, { backend: CPU_BACKEND, pid: process.pid, host: 'here' });
      for (let e = 1; e <= EPOCHS; e++) {
        store.appendEpoch(trained.id, makeEpoch(e, { valLoss: Math.abs(e - 15) + 0.5 }));
      }
      store.finishRun(trained.id, 'completed');

      const started = performance.now();
      const now = new Date();
      const rows = store.listRunTable().map((entry) => toRunTableRow(entry, now));
      const elapsed = performance.now() - started;

      expect(rows).toHaveLength(COPIES + 2);
      expect(rows[0]).toMatchObject({
        id: trained.id,
        name: 'trained',
        status: 'completed',
        epochs: EPOCHS,
        modelKind: 'mlp',
        bestValLoss: 0.5,
        bestValLossEpoch: 15,
        bestValAcc: makeEpoch(EPOCHS).valAcc,
        hyper: { hidden: '1000', optimizer: 'sgd', lr: '0.1', batch: '100', l2: '1e-4', epochs: '20' },
      });
      expect(rows[0].durationSeconds).toBeGreaterThan(0);
      expect(rows.find((r) => r.id === 'copy-00010')).toMatchObject({
        status: 'queued',
        epochs: 0,
        bestValLoss: null,
        durationSeconds: null,
      });
      // Rows carry no config: the table does not need megabytes of JSON over IPC.
      expect('config' in rows[0]).toBe(false);
      expect(elapsed).toBeLessThan(1000);
    } finally {
      store.close();
    }
  });
});
