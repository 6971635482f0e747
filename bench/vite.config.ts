/**
 * Builds the benchmark like the app's main process (electron.vite.config.ts): an SSR (Node) build that
 * bundles tfjs-core and its two backends, so that `register_all_gradients` (ESM sources with extensionless
 * imports, loadable only through a bundler) and the ops share one copy of tfjs-core, and leaves every other
 * dependency and Node built-in external.
 *
 *   npx vite build -c bench/vite.config.ts   →   out/bench/run.js, out/bench/bench-worker.js
 *
 * The output goes under out/, which git, ESLint and Prettier already ignore (bundled tfjs would fail the
 * lint and format checks anywhere else).
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const BUNDLED = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm'];

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
};
const externalDeps = Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies }).filter(
  (name) => !BUNDLED.includes(name),
);
const escape = (name: string): string => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * tfjs-backend-wasm's Emscripten loader reads __dirname/__filename, which ES modules lack; electron-vite
 * injects the same two lines (its esm-shim) for the app. Rolldown already turns bundled CommonJS `require`
 * calls into its own createRequire helper, so no `require` is declared here (a second one would clash).
 */
function commonJsPathShims(): Plugin {
  const uses = /\b__(?:dirname|filename)\b/;
  const declares = /\b(?:var|let|const|function)\s+__(?:dirname|filename)\b/;
  return {
    name: 'bench:commonjs-path-shims',
    apply: 'build',
    enforce: 'post',
    renderChunk(code, _chunk, options) {
      if (options.format !== 'es' || !uses.test(code) || declares.test(code)) return null;
      // Import declarations are hoisted, so these lines may precede them.
      const shim = 'const __filename = import.meta.filename;\nconst __dirname = import.meta.dirname;\n';
      return { code: shim + code, map: null };
    },
  };
}

export default defineConfig({
  root,
  publicDir: false,
  logLevel: 'warn',
  plugins: [commonJsPathShims()],
  ssr: { noExternal: true },
  build: {
    ssr: true,
    outDir: 'out/bench',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    reportCompressedSize: false,
    assetsDir: 'chunks',
    rolldownOptions: {
      input: {
        run: fileURLToPath(new URL('run.ts', import.meta.url)),
        'bench-worker': fileURLToPath(new URL('bench-worker.ts', import.meta.url)),
        'seed-runs': fileURLToPath(new URL('seed-runs.ts', import.meta.url)),
      },
      external: [
        ...builtinModules.flatMap((m) => [m, `node:${m}`]),
        ...externalDeps,
        new RegExp(`^(${externalDeps.map(escape).join('|')})/.+`),
      ],
      output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
});
