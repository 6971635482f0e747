/** How long a blob: URL outlives its click; revoking at once cancels the download in some browsers. */
const REVOKE_AFTER_MS = 60_000;

/** The browser's saveFile: a download through a temporary anchor (there is no save dialog to cancel). */
export function downloadFile(
  fileName: string,
  data: Uint8Array | string,
  mimeType: string,
): Promise<boolean> {
  const blob = new Blob([data as BlobPart], { type: mimeType });
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  anchor.rel = 'noopener';
  anchor.hidden = true;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
  return Promise.resolve(true);
}
