import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'crypto',
  'worker_threads',
  'child_process',
  'url',
  'util',
];

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'dist/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // common/ is shared by main and renderer: it must stay free of Node, DOM and Electron.
    files: ['common/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'common/ must not import Node modules.' },
            {
              group: ['electron', 'better-sqlite3', '@tensorflow/*', 'react', 'react-dom'],
              message: 'common/ is pure.',
            },
            {
              group: ['**/main/**', '**/renderer/**', '**/preload/**'],
              message: 'common/ may import only common/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'The renderer runs in a sandbox: no Node modules.' },
            {
              group: ['electron', 'better-sqlite3', '@tensorflow/*'],
              message: 'The renderer talks to main through the API.',
            },
            {
              group: ['**/main/**', '**/preload/**'],
              message: 'The renderer may import only renderer/ and common/.',
            },
          ],
        },
      ],
    },
  },
  ...mainLayerRules(),
);

/**
 * The layers of main/, top to bottom: index → cli / electron → transports → api → services → engine →
 * store → datasets. A layer imports only layers below it (and common/); nothing in main/ imports the
 * renderer. Tests may reach across (they set up real parts of several layers).
 */
function mainLayerRules() {
  const renderer = { group: ['**/renderer/**'], message: 'main/ must not import the renderer.' };
  const above = {
    datasets: ['store', 'engine', 'services', 'api', 'transports', 'cli', 'electron'],
    store: ['engine', 'services', 'api', 'transports', 'cli', 'electron'],
    engine: ['store', 'services', 'api', 'transports', 'cli', 'electron'],
    services: ['api', 'transports', 'cli', 'electron'],
    api: ['transports', 'cli', 'electron'],
    transports: ['cli', 'electron'],
  };
  return [
    {
      files: ['main/**/*.ts'],
      rules: { 'no-restricted-imports': ['error', { patterns: [renderer] }] },
    },
    ...Object.entries(above).map(([layer, forbidden]) => ({
      files: [`main/${layer}/**/*.ts`],
      ignores: ['**/*.test.ts'],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              renderer,
              ...forbidden.map((other) => ({
                group: [`**/main/${other}/**`, ...relativeTo(layer, other)],
                message: `main/${layer}/ sits below main/${other}/ and must not import it.`,
              })),
            ],
          },
        ],
      },
    })),
  ];
}

/** The relative spellings of main/<other>/ from anywhere inside main/<layer>/. */
function relativeTo(layer, other) {
  return ['../', '../../', '../../../', '../../../../'].map((up) => `${up}${other}/**`).concat(`../${other}`);
}
