/** What the numbers were measured on. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg, totalmem } from 'node:os';

const requireFromHere = createRequire(import.meta.url);

export interface MachineInfo {
  cpu: string;
  /** "family 25 model 17", when /proc/cpuinfo says. */
  cpuId: string | null;
  avx512: boolean;
  cores: number;
  memoryGiB: number;
  node: string;
  tfjs: Record<string, string>;
}

function cpuinfoField(text: string, field: string): string | null {
  const match = new RegExp(`^${field}\\s*:\\s*(.*)$`, 'm').exec(text);
  return match ? match[1].trim() : null;
}

function packageVersion(name: string): string {
  try {
    return (requireFromHere(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

export function machineInfo(): MachineInfo {
  let cpuinfo = '';
  try {
    cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // Not Linux: the model stays unknown.
  }
  const family = cpuinfoField(cpuinfo, 'cpu family');
  const model = cpuinfoField(cpuinfo, 'model');
  return {
    cpu: cpuinfoField(cpuinfo, 'model name') ?? 'unknown CPU',
    cpuId: family != null && model != null ? `family ${family} model ${model}` : null,
    avx512: /\bavx512f\b/.test(cpuinfoField(cpuinfo, 'flags') ?? ''),
    cores: availableParallelism(),
    memoryGiB: totalmem() / 2 ** 30,
    node: process.version,
    tfjs: Object.fromEntries(
      ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-cpu'].map((n) => [
        n,
        packageVersion(n),
      ]),
    ),
  };
}

/** The 1-minute load average, rounded: other work on the machine moves the numbers. */
export function loadAverage(): number {
  return Math.round(loadavg()[0] * 100) / 100;
}

/** CPU time counters (clock ticks, USER_HZ = 100 on Linux), or null where /proc is not there. */
export interface CpuSample {
  at: number;
  /** Every CPU's non-idle time (user, nice, system, irq, softirq). */
  busy: number;
  /** This process (all its threads) and its finished child processes. */
  own: number;
}

const TICKS_PER_SECOND = 100;

export function cpuSample(): CpuSample | null {
  try {
    const stat = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq] = stat;
    // /proc/self/stat: the command name may hold spaces, so count fields after its closing parenthesis.
    const self = readFileSync('/proc/self/stat', 'utf8');
    const fields = self
      .slice(self.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    // utime, stime, cutime, cstime are fields 14–17, i.e. 11–14 after the name and state.
    const own = fields[11] + fields[12] + fields[13] + fields[14];
    return { at: performance.now(), busy: user + nice + system + irq + softirq, own };
  } catch {
    return null;
  }
}

/** Cores' worth of CPU that other processes used between two samples (0 = none, 1 = one full core). */
export function foreignCores(from: CpuSample | null, to: CpuSample | null): number | null {
  if (from === null || to === null || to.at <= from.at) return null;
  const seconds = (to.at - from.at) / 1000;
  return Math.max(0, (to.busy - from.busy - (to.own - from.own)) / TICKS_PER_SECOND / seconds);
}
