import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

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
    plugins: [react()],
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
