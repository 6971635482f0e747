/**
 * Worker side of the step profile: tf.profile over a window of training steps on the engine's real path
 * (trainRun), with each kernel's time summed per kernel and input shapes. On wasm a kernel's time is the
 * wall time of its kernelFunc (tfjs-backend-wasm's time() brackets it with util.now()), ours included.
 * Custom-gradient wrappers (tf.fused.*, customGrad) are profiled as well as the kernels they run; only
 * registered kernels are kept, so nothing is counted twice. Steps that straddle an epoch boundary (they
 * include evaluation) are left out.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelTotal } from './protocol';
import type { StepStamp } from './stats';

type ProfileInfo = Awaited<ReturnType<typeof tf.profile>>;

export class StepProfiler {
  private profile: Promise<ProfileInfo> | null = null;
  private finish: (() => void) | null = null;
  /** The profile's kernel count at the window's start and after each of its steps. */
  private readonly marks: number[] = [];

  /** Profiles the `steps` steps after stamp number `start` (a 1-based count of stamps). */
  constructor(
    private readonly start: number,
    private readonly steps: number,
  ) {}

  /** Call from onBatch right after pushing a stamp, with the number of stamps so far. */
  onStamp(count: number): void {
    if (count === this.start) {
      // tf.profile switches profiling on synchronously and off once the promise resolves, in a microtask:
      // before trainRun's next step, which waits for setImmediate.
      this.profile = tf.profile(() => new Promise<void>((resolve) => (this.finish = resolve)));
      this.marks.push(0);
    } else if (this.profile !== null && count > this.start && count <= this.start + this.steps) {
      this.marks.push(tf.engine().state.activeProfile.kernels.length);
      if (count === this.start + this.steps) this.finish?.();
    }
  }

  get finished(): boolean {
    return this.marks.length === this.steps + 1;
  }

  /** Kernel totals over the window's steps that stayed within one epoch, and how many those were. */
  async totals(stamps: readonly StepStamp[]): Promise<{ steps: number; kernels: KernelTotal[] }> {
    if (this.profile === null) return { steps: 0, kernels: [] };
    const { kernels } = await this.profile;
    const byKey = new Map<string, KernelTotal>();
    let steps = 0;
    const backend = tf.getBackend();
    for (let j = 0; j + 1 < this.marks.length; j++) {
      const before = stamps[this.start - 1 + j];
      const after = stamps[this.start + j];
      if (before.epoch !== after.epoch) continue;
      steps += 1;
      for (const k of kernels.slice(this.marks[j], this.marks[j + 1])) {
        if (tf.getKernel(k.name, backend) == null) continue;
        const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
        const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
        const total = byKey.get(key);
        if (total) {
          total.calls += 1;
          total.ms += ms;
        } else {
          byKey.set(key, {
            name: k.name,
            inputShapes: k.inputShapes,
            outputShapes: k.outputShapes,
            calls: 1,
            ms,
          });
        }
      }
    }
    return { steps, kernels: [...byKey.values()] };
  }
}
