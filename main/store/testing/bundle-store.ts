import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'vite';

/**
 * Child processes in the multi-process tests run plain Node, which cannot load TypeScript. Bundling the
 * real RunStore into one .mjs lets them exercise the very code under test instead of a stand-in.
 * better-sqlite3 stays external, imported by absolute URL so the bundle works from a temp folder.
 */
export async function bundleRunStore(tempDir: string): Promise<string> {
  const storeDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  // Inside the project's node_modules, so that the bundle's own imports (zod, better-sqlite3's package.json)
  // resolve as they do for the app.
  const outDir = path.join(
    storeDir,
    '..',
    '..',
    'node_modules',
    '.cache',
    'workbench-store-bundles',
    path.basename(tempDir),
  );
  const betterSqlite = pathToFileURL(createRequire(import.meta.url).resolve('better-sqlite3')).href;
  const fileName = 'run-store.mjs';
  await build({
    configFile: false,
    logLevel: 'warn',
    root: storeDir,
    build: {
      ssr: path.join(storeDir, 'run-store.ts'),
      outDir,
      emptyOutDir: false,
      minify: false,
      rollupOptions: {
        external: ['better-sqlite3', ...builtinModules, /^node:/],
        output: { format: 'es', entryFileNames: fileName, paths: { 'better-sqlite3': betterSqlite } },
      },
    },
  });
  return pathToFileURL(path.join(outDir, fileName)).href;
}
