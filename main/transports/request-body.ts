import type { IncomingMessage } from 'node:http';

export type BodyResult =
  { ok: true; value: unknown } | { ok: false; status: 400 | 413 | 415; message: string };

/**
 * Reads a JSON request body of at most `limitBytes`. An empty body stands for `{}` (a method without
 * params); anything else must parse as JSON. The size is checked against Content-Length before reading and
 * against the bytes actually received, since a chunked body has no length up front.
 */
export function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<BodyResult> {
  const contentType = req.headers['content-type'];
  if (contentType !== undefined && !/^application\/json\s*(;|$)/i.test(contentType)) {
    return Promise.resolve({
      ok: false,
      status: 415,
      message: `expected a JSON body (Content-Type: application/json), got Content-Type: ${contentType.slice(0, 100)}`,
    });
  }
  const tooLarge: BodyResult = {
    ok: false,
    status: 413,
    message: `the request body is larger than the limit of ${formatBytes(limitBytes)}`,
  };
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) return Promise.resolve(tooLarge);

  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const settle = (result: BodyResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      received += chunk.length;
      if (received > limitBytes) {
        chunks.length = 0;
        settle(tooLarge);
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => settle({ ok: false, status: 400, message: 'the request body could not be read' }));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') {
        settle({ ok: true, value: {} });
        return;
      }
      try {
        settle({ ok: true, value: JSON.parse(text) as unknown });
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        settle({ ok: false, status: 400, message: `the request body is not valid JSON: ${why}` });
      }
    });
  });
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0
    ? `${bytes / (1024 * 1024)} MB`
    : `${bytes} bytes`;
}
