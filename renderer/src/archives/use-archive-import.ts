import { useCallback, useRef, useState } from 'react';
import type { ApiResult } from '../../../common/api/contract';
import { MAX_ARCHIVE_BYTES, type ArchivePreview } from '../../../common/archive/manifest';
import { useClient } from '../client/client-context';
import { errorMessage } from '../client/errors';
import { useAnnounce } from '../common/announcer';
import type { OnConflict } from './ArchivePreviewPanel';
import { formatBytes, importSummary } from './archive-text';

/** Where the import stands: nothing chosen, a file on its way up, its preview, or what the import did. */
export type ImportStage =
  | { kind: 'idle' }
  | { kind: 'reading'; fileName: string }
  | { kind: 'preview'; transferId: string; preview: ArchivePreview }
  | { kind: 'importing'; transferId: string; preview: ArchivePreview }
  | { kind: 'done'; result: ApiResult<'archives.import'> };

export interface ArchiveImport {
  stage: ImportStage;
  error: string | null;
  onConflict: OnConflict;
  setOnConflict: (choice: OnConflict) => void;
  /** Uploads and inspects a picked or dropped file; ignored while another file is on its way. */
  open: (file: File) => Promise<void>;
  /** Merges the previewed archive. */
  importNow: () => Promise<void>;
  reset: () => void;
}

/**
 * Import in two steps so nothing changes unseen: the file is uploaded and inspected (the preview), and
 * only importNow merges it. Lives with the Archives view, so its file picker and a file dropped anywhere
 * on the view go the same way.
 */
export function useArchiveImport(): ArchiveImport {
  const client = useClient();
  const announce = useAnnounce();
  const [stage, setStageState] = useState<ImportStage>({ kind: 'idle' });
  const [error, setError] = useState<string | null>(null);
  const [onConflict, setOnConflict] = useState<OnConflict>('skip');
  // The latest stage for callbacks made before the last render (a drop during an upload).
  const current = useRef(stage);
  const setStage = useCallback((next: ImportStage) => {
    current.current = next;
    setStageState(next);
  }, []);

  const open = useCallback(
    async (file: File) => {
      if (current.current.kind === 'reading' || current.current.kind === 'importing') return;
      setError(null);
      // Checked before reading it into memory: an archive is never this big.
      if (file.size > MAX_ARCHIVE_BYTES) {
        setError(`${file.name} is ${formatBytes(file.size)}: bigger than any workbench archive.`);
        return;
      }
      setStage({ kind: 'reading', fileName: file.name });
      setOnConflict('skip');
      try {
        const bytes = new Uint8Array(await file.arrayBuffer());
        const transferId = await client.uploadFile(file.name, bytes);
        const preview = await client.call('archives.inspect', { transferId });
        setStage({ kind: 'preview', transferId, preview });
      } catch (e) {
        setError(namingFile(file.name, errorMessage(e)));
        setStage({ kind: 'idle' });
      }
    },
    [client, setStage],
  );

  const importNow = useCallback(async () => {
    const shown = current.current;
    if (shown.kind !== 'preview') return;
    setError(null);
    setStage({ kind: 'importing', transferId: shown.transferId, preview: shown.preview });
    try {
      const result = await client.call('archives.import', { transferId: shown.transferId, onConflict });
      announce(importSummary(result));
      setStage({ kind: 'done', result });
    } catch (e) {
      setError(errorMessage(e));
      setStage(shown);
    }
  }, [client, announce, onConflict, setStage]);

  const reset = useCallback(() => {
    setError(null);
    setStage({ kind: 'idle' });
  }, [setStage]);

  return { stage, error, onConflict, setOnConflict, open, importNow, reset };
}

/** "f.npz: not an archive": the file named once, whether or not the server's message already names it. */
export function namingFile(fileName: string, message: string): string {
  return message.startsWith(`${fileName}: `) ? message : `${fileName}: ${message}`;
}
