import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { HTTP_TOKEN_HEADER, type ApiMethodName, type ApiResponse } from '../../common/api/contract';
import { CLI, ROOT, cliEnv } from './cli';

export interface ServedWorkbench {
  /** The URL `workbench serve` printed, token fragment included. */
  url: string;
  origin: string;
  token: string;
  child: ChildProcessWithoutNullStreams;
  output(): string;
  /** Waits until the output matches `pattern` (it comes in pieces: never read it the moment a line is in). */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGTERM, then waits for the exit code and for the last of the output. */
  stop(): Promise<number | null>;
}

/** Starts the built `workbench serve --port 0` on `db` and waits for the URL line. */
export async function serveWorkbench(
  db: string,
  extraArgs: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<ServedWorkbench> {
  const child = spawn(process.execPath, [CLI, '--db', db, 'serve', '--port', '0', ...extraArgs], {
    cwd: ROOT,
    env: { ...cliEnv(), ...env },
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (c: string) => (out += c));
  child.stderr.on('data', (c: string) => (out += c));
  // 'close', not 'exit': the output a process wrote before it exited may still be on its way after 'exit'.
  let closed = false;
  const exited = new Promise<number | null>((res) =>
    child.on('close', (code) => {
      closed = true;
      res(code);
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /Experiment Workbench: (http\S+)/.exec(out);
      if (match) {
        clearInterval(timer);
        resolve(match[1]);
      } else if (child.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`workbench serve exited (${child.exitCode}): ${out}`));
      }
    }, 100);
    setTimeout(() => {
      clearInterval(timer);
      reject(new Error(`workbench serve printed no URL within 60 s: ${out}`));
    }, 60_000);
  });
  const parsed = new URL(url);
  const token = new URLSearchParams(parsed.hash.slice(1)).get('token') ?? '';
  return {
    url,
    origin: parsed.origin,
    token,
    child,
    output: () => out,
    waitForOutput(pattern, timeoutMs = 30_000) {
      return new Promise<string>((resolve, reject) => {
        const started = Date.now();
        const look = setInterval(() => {
          if (pattern.test(out)) {
            clearInterval(look);
            resolve(out);
          } else if (closed || Date.now() - started > timeoutMs) {
            clearInterval(look);
            reject(new Error(`workbench serve never printed ${String(pattern)}: ${out}`));
          }
        }, 50);
      });
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** One API call to a served workbench, as the renderer makes it; throws with the method and message on refusal. */
export async function callServed<T>(
  served: ServedWorkbench,
  method: ApiMethodName,
  params: unknown,
): Promise<T> {
  const response = await fetch(`${served.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [HTTP_TOKEN_HEADER]: served.token },
    body: JSON.stringify(params),
  });
  const body = (await response.json()) as ApiResponse;
  if (!body.ok) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}
