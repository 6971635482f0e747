import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAbsolute, join, resolve } from 'node:path';
import {
  HTTP_API_PREFIX,
  HTTP_DOWNLOAD_PREFIX,
  HTTP_EVENTS_PATH,
  HTTP_UPLOAD_PATH,
  HTTP_TOKEN_HEADER,
  HTTP_TOKEN_QUERY,
  type ApiErrorBody,
  type ApiErrorCode,
  type ApiResponse,
} from '../../common/api/contract';
import type { ApiBackend } from '../api/backend-types';
import { dispatchApiCall } from '../api/dispatch';
import { SECURITY_HEADERS } from './csp';
import { openEventStream } from './event-stream';
import { hostHeaderChecker, isWildcardHost } from './host-check';
import { readJsonBody } from './request-body';
import { sendStaticFile, sendText } from './static-files';
import { handleDownload, handleUpload } from './transfer-routes';
import { assertValidToken, generateToken, tokensEqual } from './token';

export interface HttpServerOptions {
  /** Without `transfers`, uploads and downloads answer 404. */
  backend: Pick<ApiBackend, 'handlers' | 'subscribe'> & Partial<Pick<ApiBackend, 'transfers'>>;
  /** Interface to listen on, e.g. 127.0.0.1; the caller decides whether a non-loopback one is allowed. */
  host: string;
  /** 0 picks any free port. */
  port: number;
  /** The built renderer (out/renderer), served for every GET outside /api/. */
  rendererDir: string;
  /** Default: a fresh random one per start. */
  token?: string;
  /** Default 2 MB. */
  bodyLimitBytes?: number;
  /** Default 15 s. */
  heartbeatMs?: number;
  /** Event streams open at once; one more is refused with 503. Default 256 (a browser tab holds one). */
  maxEventStreams?: number;
  /** Bytes an event stream may have waiting for a client that does not read; past it the client is dropped. Default 4 MB. */
  eventStreamMaxBufferedBytes?: number;
}

export interface RunningHttpServer {
  /** What a browser opens: `http://127.0.0.1:PORT/#token=TOKEN`. A fragment never reaches a server log. */
  url: string;
  /** `http://HOST:PORT`, for API clients. */
  origin: string;
  port: number;
  token: string;
  /** Ends every event stream and connection; resolves once the port is free. */
  close(): Promise<void>;
}

const DEFAULT_BODY_LIMIT = 2 * 1024 * 1024;
const DEFAULT_HEARTBEAT_MS = 15_000;
const SSE_MAX_BUFFERED = 4 * 1024 * 1024;
const DEFAULT_MAX_EVENT_STREAMS = 256;

const STATUS_BY_CODE: Readonly<Record<ApiErrorCode, number>> = {
  'invalid-input': 400,
  unauthorized: 401,
  'not-found': 404,
  conflict: 409,
  internal: 500,
};

/**
 * `workbench serve`'s transport: the API contract over HTTP (`POST /api/<method>`, `GET /api/events` as
 * Server-Sent Events) and the built renderer as static files, on one origin so that the renderer's CSP
 * (`connect-src 'self'`) holds. Every /api/ request needs the per-launch token.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const { backend, host, port } = validateOptions(options);
  const rendererDir = resolve(options.rendererDir);
  const token = options.token ?? generateToken();
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const maxEventStreams = options.maxEventStreams ?? DEFAULT_MAX_EVENT_STREAMS;
  const maxBufferedBytes = options.eventStreamMaxBufferedBytes ?? SSE_MAX_BUFFERED;
  const hostAllowed = hostHeaderChecker(host);
  const openStreams = new Set<() => void>();
  // Known once listening (port 0 picks one); only requests, which come after that, read it.
  let baseUrl = '';

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    const isEvents = url.pathname === HTTP_EVENTS_PATH;
    const isDownload = url.pathname.startsWith(HTTP_DOWNLOAD_PREFIX);
    // EventSource and a download link cannot set headers, so these alone may carry the token in their query.
    const given =
      headerValue(req, HTTP_TOKEN_HEADER) ?? (isEvents || isDownload ? queryToken(url) : undefined);
    if (!tokensEqual(token, given)) {
      sendError(res, 401, {
        code: 'unauthorized',
        message:
          given === undefined
            ? `missing token: send it in the ${HTTP_TOKEN_HEADER} header (it is the #token=… part of the URL workbench serve printed)`
            : 'wrong token: use the one in the URL this workbench serve printed (it changes at every start)',
      });
      return;
    }
    if (isEvents) {
      if (req.method !== 'GET') {
        sendMethodNotAllowed(res, 'GET', `${HTTP_EVENTS_PATH} is an event stream: open it with GET`, true);
        return;
      }
      // Each stream holds a socket and a subscription for as long as the client likes: a bound keeps a
      // runaway client (or page) from exhausting file descriptors and memory.
      if (openStreams.size >= maxEventStreams) {
        res.setHeader('Retry-After', '5');
        sendError(res, 503, {
          code: 'conflict',
          message: `too many open event streams (${maxEventStreams}): close another window or tab of the workbench`,
        });
        return;
      }
      const end = openEventStream(res, { subscribe: backend.subscribe, heartbeatMs, maxBufferedBytes });
      openStreams.add(end);
      res.on('close', () => openStreams.delete(end));
      return;
    }
    if (url.pathname === HTTP_UPLOAD_PATH) {
      await handleUpload(req, res, url, backend.transfers);
      return;
    }
    if (isDownload) {
      await handleDownload(req, res, url, backend.transfers);
      return;
    }
    const method = decodeMethodName(url.pathname.slice(HTTP_API_PREFIX.length));
    if (req.method !== 'POST') {
      sendMethodNotAllowed(
        res,
        'POST',
        `API calls are POST ${HTTP_API_PREFIX}<method> with a JSON body`,
        true,
      );
      return;
    }
    const body = await readJsonBody(req, bodyLimit);
    if (!body.ok) {
      // Node would otherwise read (and drop) the rest of an oversized body to keep the connection for the
      // next request: closing it after the answer is what keeps a gigabyte upload from being read at all.
      if (body.status === 413) res.setHeader('Connection', 'close');
      sendError(res, body.status, { code: 'invalid-input', message: body.message });
      return;
    }
    const response = await dispatchApiCall(backend.handlers, method, body.value);
    sendJson(res, response.ok ? 200 : STATUS_BY_CODE[response.error.code], response);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    const url = parseRequestUrl(req.url);
    const isApi = url !== undefined && (url.pathname + '/').startsWith(HTTP_API_PREFIX);
    if (!hostAllowed(req.headers.host)) {
      const message = `requests for host "${(req.headers.host ?? '').slice(0, 100)}" are refused: open the workbench at ${baseUrl}/`;
      if (isApi) sendError(res, 403, { code: 'unauthorized', message });
      else sendText(res, 403, message);
      return;
    }
    if (url === undefined) {
      sendText(res, 400, 'Bad request: malformed URL');
      return;
    }
    if (isApi) {
      await handleApi(req, res, url);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendMethodNotAllowed(res, 'GET, HEAD', 'only GET and HEAD are served outside /api/', false);
      return;
    }
    await sendStaticFile(res, rendererDir, url.pathname, req.method === 'HEAD');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      sendError(res, 500, { code: 'internal', message: message || 'internal error' });
    });
  });

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen({ host, port }, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  // Past listen, a server error (e.g. out of file descriptors while accepting) must not crash the process.
  server.on('error', (error) => process.emitWarning(`workbench serve: ${error.message}`));
  const boundPort = (server.address() as AddressInfo).port;
  baseUrl = `http://${urlHost(host)}:${boundPort}`;

  let closing: Promise<void> | undefined;
  return {
    url: `${baseUrl}/#token=${token}`,
    origin: baseUrl,
    port: boundPort,
    token,
    close() {
      closing ??= new Promise<void>((resolveClose) => {
        for (const end of [...openStreams]) end();
        server.close(() => resolveClose());
        // Keep-alive sockets and unfinished requests would otherwise hold the port for seconds.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function validateOptions(options: HttpServerOptions): HttpServerOptions {
  if (typeof options.host !== 'string' || options.host.trim() === '' || /\s/.test(options.host)) {
    throw new TypeError(`host must be a host name or address, got ${JSON.stringify(options.host)}`);
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new TypeError(`port must be an integer from 0 to 65535, got ${String(options.port)}`);
  }
  if (typeof options.rendererDir !== 'string' || !isAbsolute(options.rendererDir)) {
    throw new TypeError(`rendererDir must be an absolute path, got ${JSON.stringify(options.rendererDir)}`);
  }
  if (!existsSync(join(options.rendererDir, 'index.html'))) {
    throw new Error(`the built renderer is missing: no index.html in ${options.rendererDir}`);
  }
  if (options.token !== undefined) assertValidToken(options.token);
  const limit = options.bodyLimitBytes;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new TypeError(`bodyLimitBytes must be a positive integer, got ${String(limit)}`);
  }
  const heartbeat = options.heartbeatMs;
  if (heartbeat !== undefined && (!Number.isFinite(heartbeat) || heartbeat < 10)) {
    throw new TypeError(`heartbeatMs must be a number ≥ 10, got ${String(heartbeat)}`);
  }
  for (const key of ['maxEventStreams', 'eventStreamMaxBufferedBytes'] as const) {
    const value = options[key];
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      throw new TypeError(`${key} must be a positive integer, got ${String(value)}`);
    }
  }
  return options;
}

/** Where a browser on this machine reaches the server: a wildcard bind is reachable on loopback. */
function urlHost(host: string): string {
  if (isWildcardHost(host)) return host.includes(':') ? '[::1]' : '127.0.0.1';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function parseRequestUrl(raw: string | undefined): URL | undefined {
  try {
    return new URL(raw ?? '/', 'http://workbench.invalid');
  } catch {
    return undefined;
  }
}

function decodeMethodName(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function queryToken(url: URL): string | undefined {
  return url.searchParams.get(HTTP_TOKEN_QUERY) ?? undefined;
}

function sendJson(res: ServerResponse, status: number, value: ApiResponse): void {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length });
  res.end(body);
}

function sendError(res: ServerResponse, status: number, error: ApiErrorBody): void {
  sendJson(res, status, { ok: false, error });
}

function sendMethodNotAllowed(res: ServerResponse, allow: string, message: string, json: boolean): void {
  res.setHeader('Allow', allow);
  if (json) sendError(res, 405, { code: 'invalid-input', message });
  else sendText(res, 405, message);
}
