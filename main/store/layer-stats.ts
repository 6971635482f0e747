import type Database from 'better-sqlite3';
import type { Activation } from '../../common/config/run-config';
import type {
  EpochLayerStats,
  KernelHistogram,
  LayerEpochStats,
  LayerInfo,
  RunLayerStats,
} from '../../common/layers/layer-stats';

interface LayerStatsRow {
  epoch: number;
  layer: number;
  name: string;
  kind: LayerInfo['kind'];
  params: number;
  activation: Activation | null;
  probe_examples: number;
  weight_norm: number;
  grad_norm: number | null;
  update_ratio: number | null;
  dead_fraction: number | null;
  histogram: string;
  percentiles: string;
}

/**
 * The layer_stats table (migration 5): a run's per-layer numbers, one row per layer per epoch; and
 * point_layer_stats (migration 6), the same at its evaluation points inside epochs.
 */
export class LayerStatsRepository {
  private readonly insertRow: Database.Statement<Record<string, string | number | null>>;
  private readonly selectRun: Database.Statement<[string], LayerStatsRow>;
  private readonly insertPointRow: Database.Statement<Record<string, string | number | null>>;
  private readonly selectPoints: Database.Statement<[string], LayerStatsRow & { step: number }>;

  constructor(db: Database.Database) {
    this.insertRow = db.prepare(`
      INSERT INTO layer_stats (run_id, epoch, layer, name, kind, params, activation, probe_examples,
        weight_norm, grad_norm, update_ratio, dead_fraction, histogram, percentiles)
      VALUES (@runId, @epoch, @layer, @name, @kind, @params, @activation, @probeExamples, @weightNorm, @gradNorm,
        @updateRatio, @deadFraction, @histogram, @percentiles)`);
    this.selectRun = db.prepare(`SELECT * FROM layer_stats WHERE run_id = ? ORDER BY layer, epoch`);
    this.insertPointRow = db.prepare(`
      INSERT INTO point_layer_stats (run_id, step, epoch, layer, name, kind, params, activation, probe_examples,
        weight_norm, grad_norm, update_ratio, dead_fraction, histogram, percentiles)
      VALUES (@runId, @step, @epoch, @layer, @name, @kind, @params, @activation, @probeExamples, @weightNorm,
        @gradNorm, @updateRatio, @deadFraction, @histogram, @percentiles)`);
    this.selectPoints = db.prepare(`SELECT * FROM point_layer_stats WHERE run_id = ? ORDER BY layer, step`);
  }

  /** Writes one epoch's numbers; call inside the transaction that logs the epoch. */
  insert(runId: string, epoch: number, layers: EpochLayerStats): void {
    this.write(this.insertRow, { runId, epoch }, layers);
  }

  /** Writes one point's numbers; call inside the transaction that logs the point. */
  insertPoint(runId: string, step: number, epoch: number, layers: EpochLayerStats): void {
    this.write(this.insertPointRow, { runId, step, epoch }, layers);
  }

  private write(
    statement: Database.Statement<Record<string, string | number | null>>,
    at: Record<string, string | number>,
    layers: EpochLayerStats,
  ): void {
    layers.forEach(({ layer, stats }, index) => {
      statement.run({
        ...at,
        layer: index,
        name: layer.name,
        kind: layer.kind,
        params: layer.params,
        activation: layer.activation,
        probeExamples: layer.probeExamples,
        weightNorm: stats.weightNorm,
        gradNorm: stats.gradNorm,
        updateRatio: stats.updateRatio,
        deadFraction: stats.deadFraction,
        histogram: JSON.stringify(stats.histogram),
        percentiles: JSON.stringify(stats.percentiles),
      });
    });
  }

  /** Every layer's numbers, epoch by epoch; no layers for a run that logged none. */
  forRun(runId: string): RunLayerStats {
    const layers: RunLayerStats['layers'] = [];
    for (const row of this.selectRun.all(runId)) {
      let layer = layers[row.layer];
      if (!layer) {
        layer = {
          name: row.name,
          kind: row.kind,
          params: row.params,
          activation: row.activation,
          probeExamples: row.probe_examples,
          epochs: [],
        };
        layers[row.layer] = layer;
      }
      layer.epochs.push(statsOf(row));
    }
    for (const row of this.selectPoints.all(runId)) {
      const layer = layers[row.layer];
      // A point before the first epoch's end has no epoch row to name its layer: its own row does.
      const target =
        layer ??
        (layers[row.layer] = {
          name: row.name,
          kind: row.kind,
          params: row.params,
          activation: row.activation,
          probeExamples: row.probe_examples,
          epochs: [],
        });
      (target.points ??= []).push({ ...statsOf(row), step: row.step });
    }
    return { runId, layers: layers.filter(Boolean) };
  }
}

function statsOf(row: LayerStatsRow): LayerEpochStats {
  return {
    epoch: row.epoch,
    weightNorm: row.weight_norm,
    gradNorm: row.grad_norm,
    updateRatio: row.update_ratio,
    histogram: JSON.parse(row.histogram) as KernelHistogram,
    // NaN does not survive JSON: a percentile of a NaN kernel reads back as null.
    percentiles: (JSON.parse(row.percentiles) as (number | null)[]).map((p) => p ?? NaN),
    deadFraction: row.dead_fraction,
  };
}
