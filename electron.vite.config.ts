import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';

/**
 * A `<link rel="modulepreload">` for Plotly's chunk in the page: the browser fetches and compiles its
 * megabytes (off the main thread) while the first screen loads, instead of after the first click on a chart.
 * Running it stays lazy (renderer/src/charts/plotly-loader.ts): the runs table is not held up by it.
 */
function preloadPlotlyChunk(): Plugin {
  return {
    name: 'workbench-preload-plotly',
    apply: 'build',
    transformIndexHtml(_html, ctx) {
      const chunk = Object.values(ctx.bundle ?? {}).find(
        (file) => file.type === 'chunk' && file.fileName.includes('plotly'),
      );
      if (!chunk) return [];
      return [
        {
          tag: 'link',
          attrs: { rel: 'modulepreload', crossorigin: true, href: `./${chunk.fileName}` },
          injectTo: 'head',
        },
      ];
    },
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // tfjs-core's Node entry has no gradient functions, and its ESM sources (which register them) only load
      // through a bundler; bundling tfjs keeps one copy of it for the ops, the kernels and the gradients.
      externalizeDeps: {
        exclude: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm'],
      },
      rollupOptions: {
        input: {
          index: resolve('main/index.ts'),
          cli: resolve('main/cli/index.ts'),
          'training-worker': resolve('main/services/worker/training-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve('preload/index.ts') },
        // A CommonJS preload is what works with sandbox: true.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    plugins: [react(), preloadPlotlyChunk()],
    build: {
      outDir: 'out/renderer',
      // electron-vite leaves minification off; plotly alone is several MB unminified.
      minify: process.env.WORKBENCH_NO_MINIFY ? false : true,
      // plotly.js is one 4.6 MB chunk, loaded only when the first chart is drawn.
      chunkSizeWarningLimit: 5000,
      rollupOptions: { input: resolve('renderer/index.html') },
    },
  },
});
