import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Files crossing a transport: archives the UI exports (then downloaded or saved through a dialog) and
 * archives it uploads (then inspected and imported). Each lives in one private temporary folder under an
 * unguessable id, for an hour at most, and all go when the backend closes.
 */

/** No honest archive upload is larger. */
export const MAX_UPLOAD_BYTES = 1024 ** 3;
const LIFETIME_MS = 60 * 60 * 1000;

export interface Transfer {
  id: string;
  /** The name the user sees: the uploaded file's, or the suggested download name. */
  name: string;
  path: string;
  bytes: number;
  createdAt: number;
}

const ID_PATTERN = /^[A-Za-z0-9_-]{24}$/;

export class TransferStore {
  private readonly dir = mkdtempSync(join(tmpdir(), 'workbench-transfers-'));
  private readonly transfers = new Map<string, Transfer>();

  /** A fresh path to write an upload or an export to; `commit` makes it a transfer. */
  reserve(name: string): { id: string; path: string; commit(): Transfer } {
    this.expire();
    const id = randomBytes(18).toString('base64url');
    const path = join(this.dir, id);
    return {
      id,
      path,
      commit: () => {
        const transfer = {
          id,
          name: safeName(name),
          path,
          bytes: statSync(path).size,
          createdAt: Date.now(),
        };
        this.transfers.set(id, transfer);
        return transfer;
      },
    };
  }

  /** The transfer with this id, or undefined (unknown, malformed or expired). */
  get(id: unknown): Transfer | undefined {
    if (typeof id !== 'string' || !ID_PATTERN.test(id)) return undefined;
    this.expire();
    return this.transfers.get(id);
  }

  dispose(): void {
    this.transfers.clear();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private expire(): void {
    const now = Date.now();
    for (const [id, transfer] of this.transfers) {
      if (now - transfer.createdAt > LIFETIME_MS) {
        this.transfers.delete(id);
        rmSync(transfer.path, { force: true });
      }
    }
  }
}

/** A file name safe to show and to offer in a save dialog: no folders, no control characters. */
export function safeName(name: string): string {
  const base = [...(name.split(/[\\/]/).pop() ?? '')]
    .filter((ch) => ch !== '"' && ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f)
    .join('')
    .trim();
  return (base || 'archive.wbx').slice(0, 200);
}
