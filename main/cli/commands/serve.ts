import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { UserInputError } from '../../../common/errors';
import type { ApiBackend } from '../../api/backend-types';
import { createWorkbenchBackend } from '../../api/workbench-backend';
import { appRoot, defaultCacheDir } from '../../app-paths';
import { isLoopbackHost, isWildcardHost } from '../../transports/host-check';
import { startHttpServer, type RunningHttpServer } from '../../transports/http-server';
import { resolveDbPath, type GlobalOptions } from '../context';

export const DEFAULT_SERVE_HOST = '127.0.0.1';
export const DEFAULT_SERVE_PORT = 5317;

export interface ServeOptions extends GlobalOptions {
  host?: string;
  port?: number;
  allowRemote?: boolean;
  readOnly?: boolean;
}

/** commander parser for --port: 0 (any free port) to 65535. */
export function parsePort(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new InvalidArgumentError('--port must be an integer from 0 to 65535 (0: any free port)');
  }
  return n;
}

/** The built renderer sits next to the built CLI: out/main/cli.js → out/renderer. */
export function builtRendererDir(): string {
  return join(appRoot(), 'out', 'renderer');
}

function checkHost(host: string, allowRemote: boolean): void {
  if (host.trim() === '' || /\s/.test(host)) {
    throw new UserInputError(`--host must be a host name or address, got ${JSON.stringify(host)}`);
  }
  if (!isLoopbackHost(host) && !allowRemote) {
    throw new UserInputError(
      `--host ${host} would let other machines reach the workbench (and start runs on this one); ` +
        'add --allow-remote if that is what you want',
    );
  }
}

/** Turns the listen errors a user can fix into one line that says how. */
function explainListenError(error: unknown, host: string, port: number): Error {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    return new UserInputError(
      `port ${port} on ${host} is already in use (another workbench serve?): choose one with --port N, or --port 0 for any free port`,
    );
  }
  if (code === 'EACCES') {
    return new UserInputError(
      `not allowed to listen on port ${port}: choose a port above 1023 with --port N`,
    );
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new UserInputError(`cannot listen on ${host}: it is not an address of this machine (see --host)`);
  }
  return error instanceof Error ? error : new Error(String(error));
}

function waitForSignal(onSecond: () => void): { stopped: Promise<void>; release(): void } {
  let count = 0;
  let resolveStopped = () => {};
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  const onSignal = () => {
    count += 1;
    if (count === 1) resolveStopped();
    else onSecond();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stopped,
    release() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/**
 * `workbench serve`: the workbench UI and API for a browser, on this machine by default. Runs until SIGINT or
 * SIGTERM, then cancels running runs (they end `cancelled`) and closes the store. Returns the exit code.
 */
export async function serveCommand(options: ServeOptions): Promise<number> {
  const host = options.host ?? DEFAULT_SERVE_HOST;
  const port = options.port ?? DEFAULT_SERVE_PORT;
  const remote = !isLoopbackHost(host);
  checkHost(host, options.allowRemote === true);
  const rendererDir = builtRendererDir();
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new UserInputError(
      `the browser UI is not built (${join(rendererDir, 'index.html')} is missing): run \`npm run build\` in the project folder first`,
    );
  }

  const dbPath = resolveDbPath(options);
  if (options.readOnly && !existsSync(dbPath)) {
    throw new UserInputError(`${dbPath}: no such file to open read-only (--db names the store or archive)`);
  }
  const backend: ApiBackend = await createWorkbenchBackend({
    dbPath,
    cacheDir: defaultCacheDir(),
    transport: 'http',
    readOnly: options.readOnly === true,
  });
  let server: RunningHttpServer;
  try {
    server = await startHttpServer({ backend, host, port, rendererDir });
  } catch (error) {
    await backend.close();
    throw explainListenError(error, host, port);
  }

  const signals = waitForSignal(() => {
    process.stderr.write(
      'workbench: quitting at once; runs still running are marked interrupted at the next start\n',
    );
    process.exit(130);
  });

  // The URL line comes first and alone: scripts and tests read it.
  process.stdout.write(`Experiment Workbench: ${server.url}\n`);
  if (remote) {
    process.stderr.write(
      `workbench: warning: listening on ${host}:${server.port}: anyone who can reach this port and has the token ` +
        'can see every run and start runs on this machine\n',
    );
  }
  const hints = [
    'Open that link in a browser. The token after #token= is needed for every API call; it changes at every start.',
    ...(isWildcardHost(host)
      ? [
          `From another machine, use this machine's address in place of the host: port ${server.port}, same token.`,
        ]
      : []),
    options.readOnly
      ? `Read-only: ${dbPath} (nothing can be started, changed or deleted)`
      : `Run store: ${dbPath}`,
    'Ctrl-C stops the server; running runs are cancelled.',
  ];
  process.stdout.write(hints.map((line) => `  ${line}\n`).join(''));

  await signals.stopped;
  process.stderr.write('workbench: stopping: cancelling running runs and closing the run store…\n');
  try {
    await server.close();
    await backend.close();
  } finally {
    signals.release();
  }
  return 0;
}
