import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { HTTP_DOWNLOAD_PREFIX, type ApiErrorBody } from '../../common/api/contract';
import { MAX_UPLOAD_BYTES, safeName, type TransferStore } from '../services/transfers';

/**
 * Files over HTTP for the archive methods: `POST /api/upload?name=F` streams the raw body to a transfer
 * (bounded, never buffered whole), `GET /api/download/<id>` streams one back as an attachment. The caller
 * has checked the token.
 */

type Answer = { ok: true; result: { transferId: string } } | { ok: false; error: ApiErrorBody };

function send(res: ServerResponse, status: number, answer: Answer): void {
  const body = Buffer.from(JSON.stringify(answer), 'utf8');
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length });
  res.end(body);
}

export async function handleUpload(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  transfers: TransferStore | undefined,
): Promise<void> {
  if (!transfers) {
    send(res, 404, { ok: false, error: { code: 'not-found', message: 'this server takes no files' } });
    return;
  }
  const refuse = (status: number, message: string) => {
    res.setHeader('Connection', 'close');
    send(res, status, { ok: false, error: { code: 'invalid-input', message } });
  };
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    refuse(405, 'uploads are POST /api/upload?name=FILE with the file as the body');
    return;
  }
  const name = url.searchParams.get('name');
  if (!name || name.length > 1000) {
    refuse(400, 'upload: expected ?name=FILE (the file name, 1 to 1000 characters)');
    return;
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_UPLOAD_BYTES) {
    refuse(413, `upload: ${declared} bytes is more than the limit of ${MAX_UPLOAD_BYTES}`);
    return;
  }
  const slot = transfers.reserve(name);
  let received = 0;
  let tooLarge = false;
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > MAX_UPLOAD_BYTES && !tooLarge) {
      tooLarge = true;
      req.destroy(new Error('too large'));
    }
  });
  try {
    await pipeline(req, createWriteStream(slot.path));
  } catch {
    rmSync(slot.path, { force: true });
    if (tooLarge) refuse(413, `upload: more than the limit of ${MAX_UPLOAD_BYTES} bytes`);
    else if (!res.headersSent) refuse(400, 'upload: the body could not be read to the end');
    return;
  }
  const transfer = slot.commit();
  send(res, 200, { ok: true, result: { transferId: transfer.id } });
}

export async function handleDownload(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  transfers: TransferStore | undefined,
): Promise<void> {
  if (!transfers) {
    send(res, 404, { ok: false, error: { code: 'not-found', message: 'this server takes no files' } });
    return;
  }
  if (req.method !== 'GET') {
    res.setHeader('Allow', 'GET');
    send(res, 405, {
      ok: false,
      error: { code: 'invalid-input', message: 'downloads are GET /api/download/<id>' },
    });
    return;
  }
  const transfer = transfers.get(url.pathname.slice(HTTP_DOWNLOAD_PREFIX.length));
  if (!transfer) {
    send(res, 404, {
      ok: false,
      error: { code: 'not-found', message: 'no exported file with this id (exports last an hour)' },
    });
    return;
  }
  const fileName = safeName(url.searchParams.get('name') ?? transfer.name);
  res.writeHead(200, {
    'Content-Type': 'application/vnd.sqlite3',
    'Content-Length': String(transfer.bytes),
    'Content-Disposition': `attachment; filename="${fileName.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
  });
  await pipeline(createReadStream(transfer.path), res);
}
