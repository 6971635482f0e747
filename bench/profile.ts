/**
 * The step profile, main side: the workers' kernel totals (step-profile.ts) sorted into groups per training
 * step, with the FLOPs of the products, and what the numbers say about the missed targets (the numbers
 * only: report.ts words them).
 */
import { ADAM_UPDATE, LOOK_AHEAD, MOMENTUM_UPDATE, SGD_UPDATE } from '../main/engine/backend/update-kernels';
import type { KernelTotal, ProfileMeasurement } from './protocol';
import { mean, median, sum } from './stats';

export const GROUPS = [
  'dense forward',
  'dense gradients',
  'conv forward',
  'conv filter gradient',
  'conv input gradient',
  'max pooling',
  'optimizer update',
  'elementwise on conv maps (ReLU, batch norm, bias sums)',
  'other kernels (dense ReLU, loss, reshapes, …)',
] as const;

export type Group = (typeof GROUPS)[number];

/** Groups whose kernels are matrix products (dense) or convolutions: their FLOPs are counted. */
export const PRODUCT_GROUPS: readonly Group[] = GROUPS.slice(0, 5);

const UPDATES = new Set([ADAM_UPDATE, MOMENTUM_UPDATE, SGD_UPDATE, LOOK_AHEAD]);

const size = (shape: readonly number[] | null | undefined): number =>
  shape == null ? 0 : shape.reduce((a, b) => a * b, 1);

export function kernelGroup(k: Pick<KernelTotal, 'name' | 'inputShapes' | 'outputShapes'>): Group {
  switch (k.name) {
    case '_FusedMatMul':
      return 'dense forward';
    case 'BatchMatMul':
      return 'dense gradients';
    case 'FusedConv2D':
    case 'Conv2D':
      return 'conv forward';
    case 'Conv2DBackpropFilter':
      return 'conv filter gradient';
    case 'Conv2DBackpropInput':
      return 'conv input gradient';
    case 'MaxPool':
    case 'MaxPoolGrad':
      return 'max pooling';
  }
  if (UPDATES.has(k.name)) return 'optimizer update';
  const shapes = [...k.inputShapes, ...k.outputShapes];
  return shapes.some((s) => s != null && s.length === 4) ? GROUPS[7] : GROUPS[8];
}

/** FLOPs of one call (2 per multiply-add) for products and convolutions; 0 for everything else. */
export function kernelFlops(k: Pick<KernelTotal, 'name' | 'inputShapes' | 'outputShapes'>): number {
  const [first, second] = k.inputShapes;
  const out = k.outputShapes[0];
  switch (k.name) {
    case '_FusedMatMul':
    case 'BatchMatMul': {
      // out [..., m, n]; a holds batch(a) · m · k values whichever way it is transposed.
      if (first == null || out == null || out.length < 2) return 0;
      const m = out[out.length - 2];
      const inner = size(first) / (size(first.slice(0, -2)) * m);
      return 2 * size(out) * inner;
    }
    case 'FusedConv2D':
    case 'Conv2D':
    case 'Conv2DBackpropInput': {
      // Forward: inputs (x, filter), out y. Input gradient: inputs (dy, filter). Either way every element
      // of y (or dy) takes filter height · width · input channels multiply-adds.
      const filter = second;
      const y = k.name === 'Conv2DBackpropInput' ? first : out;
      if (filter == null || y == null) return 0;
      return 2 * size(y) * (size(filter) / filter[filter.length - 1]);
    }
    case 'Conv2DBackpropFilter': {
      // inputs (x, dy), out the filter gradient.
      if (second == null || out == null) return 0;
      return 2 * size(second) * (size(out) / out[out.length - 1]);
    }
    default:
      return 0;
  }
}

export interface GroupTime {
  group: Group;
  /** Per step. */
  ms: number;
  flops: number;
  calls: number;
}

export interface StepProfile {
  model: 'MLP' | 'CNN';
  workers: number;
  batchSize: number;
  /** Median unprofiled step, ms (over the workers' steps): the step time the closings work with. */
  stepMs: number;
  /** Mean profiled step, ms: how much profiling itself added shows against stepMs. */
  profiledStepMs: number;
  /** Every group, in GROUPS order (zeros included). */
  groups: GroupTime[];
  /** Sum of the groups. */
  kernelMs: number;
  /**
   * Step time not spent in kernels (tfjs's op and tape bookkeeping, batch assembly, JS), from the profiled
   * steps themselves: the profiler's own cost is in it (profiledStepMs − stepMs on a quiet machine).
   */
  outsideMs: number;
  /** The kernels (by name and input shapes) that take most time, per step, with their FLOPs per step. */
  top: { name: string; shapes: string; ms: number; calls: number; flops: number }[];
}

/** One model's profile: the measurements of its workers (all doing the same work) averaged per step. */
export function stepProfile(
  model: StepProfile['model'],
  measurements: readonly ProfileMeasurement[],
): StepProfile {
  const usable = measurements.filter((m) => m.steps > 0);
  const perStep = (f: (m: ProfileMeasurement) => number) => mean(usable.map(f));
  const groups = GROUPS.map((group): GroupTime => {
    const inGroup = (m: ProfileMeasurement) => m.kernels.filter((k) => kernelGroup(k) === group);
    return {
      group,
      ms: perStep((m) => sum(inGroup(m).map((k) => k.ms)) / m.steps),
      flops: perStep((m) => sum(inGroup(m).map((k) => kernelFlops(k) * k.calls)) / m.steps),
      calls: perStep((m) => sum(inGroup(m).map((k) => k.calls)) / m.steps),
    };
  });
  const kernelMs = sum(groups.map((g) => g.ms));
  const stepMs = median(usable.flatMap((m) => m.stepMs));
  const profiledStepMs = mean(usable.map((m) => mean(m.profiledStepMs)));
  const top = new Map<string, StepProfile['top'][number]>();
  for (const m of usable) {
    for (const k of m.kernels) {
      const shapes = k.inputShapes
        .filter((s): s is number[] => s != null)
        .map((s) => `[${s.join('×')}]`)
        .join(' ');
      const key = `${k.name} ${shapes}`;
      const entry = top.get(key) ?? { name: k.name, shapes, ms: 0, calls: 0, flops: 0 };
      const share = 1 / m.steps / usable.length;
      entry.ms += k.ms * share;
      entry.calls += k.calls * share;
      entry.flops += kernelFlops(k) * k.calls * share;
      top.set(key, entry);
    }
  }
  return {
    model,
    workers: measurements.length,
    batchSize: usable[0]?.batchSize ?? 0,
    stepMs,
    profiledStepMs,
    groups,
    kernelMs,
    outsideMs: profiledStepMs - kernelMs,
    top: [...top.values()].sort((a, b) => b.ms - a.ms).slice(0, 5),
  };
}

export interface ProductsAtPeak {
  /** The products' time and FLOPs per step. */
  ms: number;
  flops: number;
  gflops: number;
  /** Their time at the reference peak, and what that would save per step. */
  atPeakMs: number;
  savesMs: number;
}

export function productsAtPeak(p: StepProfile, peakGflops: number): ProductsAtPeak {
  const products = p.groups.filter((g) => PRODUCT_GROUPS.includes(g.group));
  const ms = sum(products.map((g) => g.ms));
  const flops = sum(products.map((g) => g.flops));
  const atPeakMs = (flops / (peakGflops * 1e9)) * 1000;
  return { ms, flops, gflops: flops / (ms / 1000) / 1e9, atPeakMs, savesMs: Math.max(0, ms - atPeakMs) };
}

/** Per group, how much longer a step's group takes with two workers than with one, largest first. */
export function slowdown(one: StepProfile, two: StepProfile): { group: Group; ms: number; pct: number }[] {
  return one.groups
    .map((g, i) => ({
      group: g.group,
      ms: two.groups[i].ms - g.ms,
      pct: ((two.groups[i].ms - g.ms) / g.ms) * 100,
    }))
    .filter((d) => Number.isFinite(d.pct))
    .sort((a, b) => b.ms - a.ms);
}

/** What the profile says about one missed target. */
export type Closing =
  | {
      kind: 'speed';
      target: string;
      profile: StepProfile;
      /** The step time per worker that would meet the target. */
      neededStepMs: number;
      products: ProductsAtPeak;
      peak: { label: string; gflops: number };
      /** The step after the products ran at the peak, and what would still have to go. */
      afterProductsMs: number;
      stillMs: number;
      /** The non-product groups, largest first. */
      rest: GroupTime[];
    }
  | {
      kind: 'scaling';
      target: string;
      one: StepProfile;
      two: StepProfile;
      neededStepMs: number;
      growth: { group: Group; ms: number; pct: number }[];
    };

export interface ClosingInput {
  profiles: readonly StepProfile[];
  peak: { label: string; gflops: number } | null;
  /** Measured rates (samples/s) of the engine rows and the PyTorch CNN reference, NaN where missing. */
  rates: { mlpOne: number; mlpTwo: number; cnnOne: number; cnnTwo: number; torchCnn: number };
  targets: { mlpPerWorker: number; scaling: number; cnnVsTorch: number };
}

function speedClosing(
  target: string,
  profile: StepProfile,
  neededStepMs: number,
  peak: { label: string; gflops: number },
): Closing {
  const products = productsAtPeak(profile, peak.gflops);
  const afterProductsMs = profile.stepMs - products.savesMs;
  return {
    kind: 'speed',
    target,
    profile,
    neededStepMs,
    products,
    peak,
    afterProductsMs,
    stillMs: Math.max(0, afterProductsMs - neededStepMs),
    rest: profile.groups
      .filter((g) => !PRODUCT_GROUPS.includes(g.group) && g.ms > 0)
      .sort((a, b) => b.ms - a.ms),
  };
}

/** For each missed target, the numbers that explain it. */
export function closings(input: ClosingInput): Closing[] {
  const { profiles, peak, rates, targets } = input;
  const find = (model: StepProfile['model'], workers: number) =>
    profiles.find((p) => p.model === model && p.workers === workers && Number.isFinite(p.stepMs));
  const out: Closing[] = [];
  const mlpOne = find('MLP', 1);
  if (peak && mlpOne && rates.mlpOne < targets.mlpPerWorker) {
    out.push(speedClosing('MLP per worker', mlpOne, (mlpOne.batchSize / targets.mlpPerWorker) * 1000, peak));
  }
  for (const model of ['MLP', 'CNN'] as const) {
    const [one, two] = [find(model, 1), find(model, 2)];
    const ratio = model === 'MLP' ? rates.mlpTwo / rates.mlpOne : rates.cnnTwo / rates.cnnOne;
    if (one && two && ratio < targets.scaling) {
      out.push({
        kind: 'scaling',
        target: `${model} 2 workers vs one`,
        one,
        two,
        neededStepMs: (2 * one.stepMs) / targets.scaling,
        growth: slowdown(one, two),
      });
    }
  }
  const cnnTwo = find('CNN', 2);
  if (peak && cnnTwo && rates.cnnTwo < targets.cnnVsTorch * rates.torchCnn) {
    // Each of the 2 workers has to train PyTorch's whole rate: cnnVsTorch × torch / 2 samples/s.
    const perWorker = (targets.cnnVsTorch * rates.torchCnn) / 2;
    out.push(speedClosing('CNN vs PyTorch', cnnTwo, (cnnTwo.batchSize / perWorker) * 1000, peak));
  }
  return out;
}
