// A training process stand-in for the multi-process tests: it starts a run as its own process and logs
// epochs through the real (bundled) RunStore, printing "epoch N" after each commit.
//
//   node epoch-writer.mjs STORE_MODULE_URL DB_PATH RUN_ID EPOCHS [--wait-for-go]
//
// With --wait-for-go it prints "ready" once the store is open and waits for "go" on stdin, so that the
// test can release several writers at the same moment.
import os from 'node:os';

const [storeModuleUrl, dbPath, runId, epochCount, flag] = process.argv.slice(2);
const { RunStore } = await import(storeModuleUrl);

const store = RunStore.open(dbPath);
store.startRun(runId, {
  backend: { chosen: 'cpu', tfjsBackend: 'cpu', version: 'test', candidates: [] },
  pid: process.pid,
  host: os.hostname(),
});

if (flag === '--wait-for-go') {
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  process.stdin.pause();
}

for (let epoch = 1; epoch <= Number(epochCount); epoch++) {
  store.appendEpoch(runId, {
    epoch,
    trainLoss: 1 / epoch,
    trainAcc: epoch / (epoch + 1),
    valLoss: 1.5 / epoch,
    valAcc: epoch / (epoch + 2),
    testLoss: null,
    testAcc: null,
    lr: 0.01,
    seconds: 0.001,
  });
  // Synchronous on Linux pipes: once written, the line reaches the test even if we are killed next.
  process.stdout.write(`epoch ${epoch}\n`);
}
store.finishRun(runId, 'completed');
store.close();
