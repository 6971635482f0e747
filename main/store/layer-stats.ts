import type Database from 'better-sqlite3';
import type { Activation } from '../../common/config/run-config';
import type {
  EpochLayerStats,
  KernelHistogram,
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

/** The layer_stats table (migration 5): a run's per-layer numbers, one row per layer per epoch. */
export class LayerStatsRepository {
  private readonly insertRow: Database.Statement<Record<string, string | number | null>>;
  private readonly selectRun: Database.Statement<[string], LayerStatsRow>;

  constructor(db: Database.Database) {
    this.insertRow = db.prepare(`
      INSERT INTO layer_stats (run_id, epoch, layer, name, kind, params, activation, probe_examples,
        weight_norm, grad_norm, update_ratio, dead_fraction, histogram, percentiles)
      VALUES (@runId, @epoch, @layer, @name, @kind, @params, @activation, @probeExamples, @weightNorm, @gradNorm,
        @updateRatio, @deadFraction, @histogram, @percentiles)`);
    this.selectRun = db.prepare(`SELECT * FROM layer_stats WHERE run_id = ? ORDER BY layer, epoch`);
  }

  /** Writes one epoch's numbers; call inside the transaction that logs the epoch. */
  insert(runId: string, epoch: number, layers: EpochLayerStats): void {
    layers.forEach(({ layer, stats }, index) => {
      this.insertRow.run({
        runId,
        epoch,
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
      layer.epochs.push({
        epoch: row.epoch,
        weightNorm: row.weight_norm,
        gradNorm: row.grad_norm,
        updateRatio: row.update_ratio,
        histogram: JSON.parse(row.histogram) as KernelHistogram,
        // NaN does not survive JSON: a percentile of a NaN kernel reads back as null.
        percentiles: (JSON.parse(row.percentiles) as (number | null)[]).map((p) => p ?? NaN),
        deadFraction: row.dead_fraction,
      });
    }
    return { runId, layers: layers.filter(Boolean) };
  }
}
