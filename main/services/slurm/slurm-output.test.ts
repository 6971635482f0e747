import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  endedTaskOutcome,
  formatArrayIndices,
  isActiveState,
  parseArrayIndices,
  parseJobcompLog,
  parseSacct,
  parseScontrolJobs,
} from './slurm-output';

// What Debian 12's Slurm 22.05 printed on a one-node cluster here (trimmed to the fields that matter, plus a
// few it prints around them), for an array of 4 tasks: one done, one cancelled, one failed, one pending.
const SCONTROL = [
  'JobId=3 ArrayJobId=1 ArrayTaskId=1 JobName=wb-iris UserId=root(0) JobState=CANCELLED Reason=None Dependency=(null) Requeue=1 Restarts=0 BatchFlag=1 ExitCode=0:15 RunTime=00:00:01 NodeList=vm BatchHost=vm NumNodes=1 Command=/tmp/job/job.sh WorkDir=/tmp/job StdOut=/tmp/job/logs/cell-1-job-1.out',
  'JobId=2 ArrayJobId=1 ArrayTaskId=0 JobName=wb-iris UserId=root(0) JobState=COMPLETED Reason=None ExitCode=0:0 NodeList=vm',
  'JobId=4 ArrayJobId=1 ArrayTaskId=2 JobName=wb-iris UserId=root(0) JobState=FAILED Reason=NonZeroExitCode ExitCode=3:0 NodeList=vm',
  'JobId=1 ArrayJobId=1 ArrayTaskId=3-5 JobName=wb-iris UserId=root(0) JobState=PENDING Reason=Resources ExitCode=0:0 NodeList=(null)',
  '',
].join('\n');

const JOBCOMP = [
  'JobId=2 UserId=root(0) GroupId=root(0) Name=j.sh JobState=COMPLETED Partition=debug TimeLimit=UNLIMITED StartTime=2026-11-28T18:20:52 EndTime=2026-11-28T18:20:52 NodeList=vm NodeCnt=1 ProcCnt=1 WorkDir=/tmp/slurmtry ReservationName= Tres=cpu=1,mem=23081M,node=1,billing=1 Account= QOS= WcKey= Cluster=unknown SubmitTime=2026-11-28T18:20:51 EligibleTime=2026-11-28T18:20:52 ArrayJobId=1 ArrayTaskId=0 DerivedExitCode=0:0 ExitCode=0:0',
  'JobId=3 UserId=root(0) GroupId=root(0) Name=j.sh JobState=CANCELLED Partition=debug NodeList=vm ArrayJobId=1 ArrayTaskId=1 DerivedExitCode=0:0 ExitCode=0:0',
  'JobId=9 UserId=root(0) GroupId=root(0) Name=j.sh JobState=TIMEOUT Partition=debug NodeList=vm ArrayJobId=8 ArrayTaskId=1 ExitCode=0:0',
  // The same task, requeued and run again: the later line is what happened last.
  'JobId=3 UserId=root(0) GroupId=root(0) Name=j.sh JobState=COMPLETED Partition=debug NodeList=vm ArrayJobId=1 ArrayTaskId=1 ExitCode=0:0',
].join('\n');

describe('reading Slurm', () => {
  it("reads scontrol's one line per job, pending tasks of one line each on their own", () => {
    const tasks = parseScontrolJobs(SCONTROL);
    expect(tasks.map((t) => [t.taskId, t.state, t.reason, t.exitCode, t.node])).toEqual([
      [1, 'CANCELLED', null, '0:15', 'vm'],
      [0, 'COMPLETED', null, '0:0', 'vm'],
      [2, 'FAILED', 'NonZeroExitCode', '3:0', 'vm'],
      [3, 'PENDING', 'Resources', '0:0', null],
      [4, 'PENDING', 'Resources', '0:0', null],
      [5, 'PENDING', 'Resources', '0:0', null],
    ]);
    expect(tasks.every((t) => t.arrayJobId === '1' && t.source === 'scontrol')).toBe(true);
  });

  it("reads the jobcomp log: the chosen jobs only, each task's last line, no exit code (it always says 0:0)", () => {
    const tasks = parseJobcompLog(JOBCOMP, new Set(['1']));
    expect(tasks.map((t) => [t.arrayJobId, t.taskId, t.state, t.exitCode])).toEqual([
      ['1', 0, 'COMPLETED', null],
      ['1', 1, 'COMPLETED', null],
    ]);
    expect(parseJobcompLog(JOBCOMP, new Set(['8'])).map((t) => t.state)).toEqual(['TIMEOUT']);
  });

  it("reads sacct's parsable lines, with a state's extra words and compressed pending tasks", () => {
    const tasks = parseSacct(
      [
        '12_3|CANCELLED by 0|0:15|node1|None',
        '12_[4-6]|PENDING|0:0|None assigned|Resources',
        '12.batch|x|0:0||',
      ].join('\n'),
    );
    expect(tasks.map((t) => [t.arrayJobId, t.taskId, t.state, t.node, t.reason])).toEqual([
      ['12', 3, 'CANCELLED', 'node1', null],
      ['12', 4, 'PENDING', null, 'Resources'],
      ['12', 5, 'PENDING', null, 'Resources'],
      ['12', 6, 'PENDING', null, 'Resources'],
    ]);
  });

  it('writes the shortest array spec for any set of cells, and reads it back', () => {
    expect(formatArrayIndices([3, 0, 1, 2, 7, 9, 8, 5])).toBe('0-3,5,7-9');
    expect(parseArrayIndices('0-3,5,7-9%2')).toEqual([0, 1, 2, 3, 5, 7, 8, 9]);
    expect(parseArrayIndices('[3-5]')).toEqual([3, 4, 5]);
    expect(parseArrayIndices('0-6:3')).toEqual([0, 3, 6]);
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(2000), { minLength: 1, maxLength: 60 }), (cells) => {
        expect(parseArrayIndices(formatArrayIndices(cells))).toEqual([...cells].sort((a, b) => a - b));
      }),
    );
  });

  it("turns an ended task into the run's outcome with Slurm's own words", () => {
    const task = {
      arrayJobId: '7',
      taskId: 2,
      reason: null,
      exitCode: '0:15',
      node: 'gpu3',
      source: 'scontrol' as const,
    };
    expect(endedTaskOutcome({ ...task, state: 'CANCELLED' })).toEqual({
      status: 'interrupted',
      error:
        'interrupted by Slurm: task 7_2 on gpu3 ended CANCELLED (exit code 0:15): it was cancelled (scancel, or by an administrator)',
    });
    expect(endedTaskOutcome({ ...task, state: 'TIMEOUT', reason: 'TimeLimit' })).toMatchObject({
      status: 'interrupted',
      error: expect.stringContaining(
        'ended TIMEOUT (reason TimeLimit, exit code 0:15): it reached its time limit',
      ),
    });
    expect(endedTaskOutcome({ ...task, state: 'NODE_FAIL', exitCode: null })).toMatchObject({
      status: 'interrupted',
    });
    expect(endedTaskOutcome({ ...task, state: 'OUT_OF_MEMORY', exitCode: '0:125' })).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('ran out of memory'),
    });
    expect(
      endedTaskOutcome({ ...task, state: 'FAILED', reason: 'NonZeroExitCode', exitCode: '1:0' }),
    ).toMatchObject({
      status: 'failed',
      error:
        'failed by Slurm: task 7_2 on gpu3 ended FAILED (reason NonZeroExitCode, exit code 1:0): the task exited with an error',
    });
  });

  it('tells tasks that may still write from tasks that have ended', () => {
    for (const state of ['PENDING', 'RUNNING', 'COMPLETING', 'REQUEUED', 'SUSPENDED'])
      expect(isActiveState(state)).toBe(true);
    for (const state of [
      'COMPLETED',
      'CANCELLED',
      'FAILED',
      'TIMEOUT',
      'NODE_FAIL',
      'OUT_OF_MEMORY',
      'PREEMPTED',
    ]) {
      expect(isActiveState(state)).toBe(false);
    }
  });
});
