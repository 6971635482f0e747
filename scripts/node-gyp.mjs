// Where node-gyp is, for the native builds (the BLAS addon, better-sqlite3 for Electron).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/**
 * node-gyp's script: the one npm hands lifecycle scripts, else npm's own copy beside this Node (a Unix
 * install's lib/node_modules, or node_modules next to node.exe), else one installed as a package here;
 * undefined when there is none.
 */
export function findNodeGyp(env = process.env) {
  const npmGyp = ['npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'];
  const candidates = [
    env.npm_config_node_gyp,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', ...npmGyp),
    join(dirname(process.execPath), 'node_modules', ...npmGyp),
  ];
  try {
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not installed as a package here
  }
  return candidates.find((file) => file && existsSync(file));
}
