/**
 * Measuring on a shared machine: before each measurement, wait (a bounded time) until other processes leave
 * the CPUs alone, and measure again (a bounded number of times) when they did not stay away meanwhile. What
 * is left disturbed is counted, and the report says so.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuSample, foreignCores } from './machine';

export interface QuietOptions {
  /** Cores' worth of CPU other processes may use without it counting as a disturbance. */
  threshold: number;
  /** How long the check before each measurement looks. */
  windowMs: number;
  /** Total waiting allowed over the whole bench. */
  maxWaitMs: number;
  /** Total repeated measurements allowed over the whole bench. */
  maxRetries: number;
}

export type MeasurementGroup =
  'peak' | 'engine' | 'profile' | 'peers' | 'overhead' | 'grid' | 'checkpoints' | 'resume';

export interface QuietStats {
  waitedMs: number;
  retries: number;
  /** Measurements kept although other processes were busy during them (no budget left to repeat them). */
  disturbed: { group: MeasurementGroup; what: string; cores: number }[];
}

export interface Quiet {
  run<T>(group: MeasurementGroup, what: string, measure: () => Promise<T> | T): Promise<T>;
  readonly stats: QuietStats;
}

const DEFAULTS: QuietOptions = { threshold: 0.1, windowMs: 250, maxWaitMs: 120_000, maxRetries: 8 };

export function createQuiet(log: (line: string) => void, options: Partial<QuietOptions> = {}): Quiet {
  const o = { ...DEFAULTS, ...options };
  const stats: QuietStats = { waitedMs: 0, retries: 0, disturbed: [] };

  async function busyCores(): Promise<number> {
    const from = cpuSample();
    await sleep(o.windowMs);
    return foreignCores(from, cpuSample()) ?? 0;
  }

  async function waitForQuiet(what: string): Promise<void> {
    let announced = false;
    for (;;) {
      const started = performance.now();
      const busy = await busyCores();
      if (busy < o.threshold || stats.waitedMs >= o.maxWaitMs) return;
      if (!announced) {
        log(`  (other processes use ${busy.toFixed(2)} cores: waiting before ${what})`);
        announced = true;
      }
      await sleep(1000);
      stats.waitedMs += performance.now() - started;
    }
  }

  return {
    stats,
    async run(group, what, measure) {
      for (;;) {
        await waitForQuiet(what);
        const from = cpuSample();
        const result = await measure();
        const busy = foreignCores(from, cpuSample()) ?? 0;
        if (busy < o.threshold) return result;
        if (stats.retries >= o.maxRetries) {
          stats.disturbed.push({ group, what, cores: busy });
          return result;
        }
        stats.retries += 1;
        log(`  (other processes used ${busy.toFixed(2)} cores during ${what}: measuring it again)`);
      }
    },
  };
}
