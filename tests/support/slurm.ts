import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';

/**
 * A real one-node Slurm cluster on this machine, for the tests: munged, slurmctld and slurmd (Debian's
 * slurm-wlm and munge, installed by scripts/ensure-test-deps.mjs), each started here as a child process and
 * stopped by its pid. Everything lives in one temporary folder: its own munge key and socket, its own
 * slurm.conf on free ports, spool and logs, so a system Slurm (or a leftover of an earlier run) is never
 * touched. Every client command, and every workbench process a test starts, needs `env` (SLURM_CONF).
 * Recipe and pitfalls: ../shared/reference/slurm-notes.md. Needs root (as CI runs).
 */

export interface LocalSlurm {
  dir: string;
  /** SLURM_CONF for every Slurm client and every process that calls one. */
  env: Record<string, string>;
  /** Runs a Slurm client command (sbatch, squeue, scancel, …) against this cluster; throws on failure. */
  run(command: string, args: string[]): string;
  /** Resolves once no task of the job is pending or running any more. */
  waitForJob(jobId: string, timeoutMs?: number): Promise<void>;
  /** Each task of an array job as squeue shows it: `{ "0": "COMPLETED", … }`. */
  taskStates(jobId: string): Record<string, string>;
  /** Cancels whatever still runs and stops the daemons (slurmd, slurmctld, munged), each by its pid. */
  stop(): Promise<void>;
}

const ACTIVE = new Set(['PENDING', 'CONFIGURING', 'RUNNING', 'COMPLETING', 'SUSPENDED', 'REQUEUED']);

export async function startSlurm(): Promise<LocalSlurm> {
  if (process.getuid?.() !== 0)
    throw new Error('the Slurm tests start munged, slurmctld and slurmd: run them as root');
  const dir = mkdtempSync(join(tmpdir(), 'workbench-slurm-'));
  // munged, running as the munge user, must reach its socket through this folder.
  chmodSync(dir, 0o755);
  const children: { name: string; child: ChildProcess }[] = [];
  const env = { SLURM_CONF: join(dir, 'slurm.conf') };
  const clientEnv = () => ({ ...process.env, ...env });
  // Should the test process die without stop(), no daemon outlives it.
  const killAll = () => children.forEach(({ child }) => child.kill('SIGKILL'));
  process.once('exit', killAll);
  const stop = async () => {
    process.off('exit', killAll);
    await cancelEverything(clientEnv).catch(() => undefined);
    // In order: the node daemon, the controller, then the authentication both of them use.
    for (const { child } of [...children].reverse()) await stopChild(child);
    children.length = 0;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const munge = startMunge(dir);
    children.push({ name: 'munged', child: munge.child });
    await waitFor(
      () => spawnSync('munge', ['-n', '-S', munge.socket], { stdio: 'ignore' }).status === 0,
      10_000,
      'munged',
    );

    for (const sub of ['spool/slurmd', 'spool/ctld', 'log']) mkdirSync(join(dir, sub), { recursive: true });
    const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
    writeFileSync(env.SLURM_CONF, slurmConf(dir, munge.socket, ctldPort, slurmdPort));
    for (const name of ['slurmctld', 'slurmd']) {
      const child = spawn(`/usr/sbin/${name}`, ['-D'], {
        env: clientEnv(),
        stdio: ['ignore', 'ignore', 'ignore'],
      });
      children.push({ name, child });
    }
    await waitFor(
      () => {
        const sinfo = spawnSync('sinfo', ['-h', '-o', '%T'], { env: clientEnv(), encoding: 'utf8' });
        for (const { name, child } of children) {
          if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}); see ${dir}/log`);
        }
        return sinfo.stdout?.trim() === 'idle';
      },
      30_000,
      'the Slurm node to be idle',
    );
  } catch (error) {
    await stop();
    throw error;
  }

  const run = (command: string, args: string[]) => {
    const result = spawnSync(command, args, { env: clientEnv(), encoding: 'utf8', timeout: 30_000 });
    if (result.status !== 0)
      throw new Error(`${command} ${args.join(' ')}: ${result.stderr || result.error}`);
    return result.stdout;
  };
  const taskStates = (jobId: string) => {
    const out = run('squeue', ['-h', '-t', 'all', '-r', '-j', jobId, '-o', '%K|%T']);
    return Object.fromEntries(
      out
        .split('\n')
        .filter((l) => l.includes('|'))
        .map((l) => l.trim().split('|') as [string, string]),
    );
  };
  return {
    dir,
    env,
    run,
    taskStates,
    async waitForJob(jobId, timeoutMs = 120_000) {
      await waitFor(
        () => {
          const states = Object.values(taskStates(jobId));
          return states.length > 0 && states.every((s) => !ACTIVE.has(s));
        },
        timeoutMs,
        `Slurm job ${jobId} to end`,
      );
    },
    stop,
  };
}

function startMunge(dir: string): { child: ChildProcess; socket: string } {
  const home = join(dir, 'munge');
  mkdirSync(home, { mode: 0o755 });
  const key = join(home, 'munge.key');
  const created = spawnSync('mungekey', ['--create', `--keyfile=${key}`], { encoding: 'utf8' });
  if (created.status !== 0) throw new Error(`mungekey: ${created.stderr}`);
  const [uid, gid] = ['-u', '-g'].map((flag) => {
    const id = spawnSync('id', [flag, 'munge'], { encoding: 'utf8' }).stdout?.trim() ?? '';
    if (!/^[1-9]\d*$/.test(id))
      throw new Error('no munge user: install munge (scripts/ensure-test-deps.mjs does)');
    return Number(id);
  });

  chownSync(home, uid, gid);
  chownSync(key, uid, gid);
  chmodSync(key, 0o400);
  const socket = join(home, 'munge.socket');
  // As the munge user, as Debian runs it; in the foreground its pid is this child's.
  const child = spawn(
    '/usr/sbin/munged',
    [
      '--foreground',
      `--socket=${socket}`,
      `--key-file=${key}`,
      `--pid-file=${join(home, 'munged.pid')}`,
      `--log-file=${join(home, 'munged.log')}`,
      `--seed-file=${join(home, 'munged.seed')}`,
    ],
    { uid, gid, stdio: 'ignore' },
  );
  return { child, socket };
}

/** The notes' slurm.conf, with its own munge socket and free ports so that it shares nothing with another Slurm. */
function slurmConf(dir: string, mungeSocket: string, ctldPort: number, slurmdPort: number): string {
  const host = hostname();
  // The node may offer no more memory than it has (slurmd -C); a margin keeps it from being drained.
  const memoryMb = Math.max(512, Math.floor(totalmem() / 2 ** 20) - 1024);
  return `ClusterName=workbench-test
SlurmctldHost=${host}
SlurmctldPort=${ctldPort}
SlurmdPort=${slurmdPort}
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=${mungeSocket}
CredType=cred/munge
MpiDefault=none
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
ReturnToService=2
SlurmctldPidFile=${dir}/slurmctld.pid
SlurmdPidFile=${dir}/slurmd.pid
SlurmdSpoolDir=${dir}/spool/slurmd
StateSaveLocation=${dir}/spool/ctld
SlurmctldLogFile=${dir}/log/slurmctld.log
SlurmdLogFile=${dir}/log/slurmd.log
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=${dir}/log/jobcomp.log
MinJobAge=300
KillWait=5
NodeName=${host} CPUs=2 RealMemory=${memoryMb} State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
`;
}

/** Cancels every job of this cluster and waits (briefly) until none runs, so no task outlives the daemons. */
async function cancelEverything(env: () => NodeJS.ProcessEnv): Promise<void> {
  const list = () =>
    (spawnSync('squeue', ['-h', '-o', '%A'], { env: env(), encoding: 'utf8', timeout: 10_000 }).stdout ?? '')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
  const jobs = list();
  if (jobs.length === 0) return;
  spawnSync('scancel', jobs, { env: env(), timeout: 10_000 });
  await waitFor(() => list().length === 0, 20_000, 'cancelled jobs to end').catch(() => undefined);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  // Each daemon exits about 2 s after SIGTERM; one that does not is killed.
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
