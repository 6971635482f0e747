import { UserInputError } from '../../common/errors';

export const MAX_SAVE_FILE_NAME = 255;
export const MAX_SAVE_BYTES = 100 * 1024 * 1024;

export interface SaveRequest {
  fileName: string;
  data: Uint8Array | string;
}

/**
 * Checks what the renderer asks to save. The name is only the dialog's suggestion, but it comes from the
 * renderer: a path in it would point the dialog elsewhere than the user expects.
 */
export function validateSaveRequest(fileName: unknown, data: unknown): SaveRequest {
  if (typeof fileName !== 'string') {
    throw new UserInputError(`saveFile: fileName must be a string, got ${describe(fileName)}`);
  }
  if (fileName.trim() === '' || fileName.length > MAX_SAVE_FILE_NAME) {
    throw new UserInputError(`saveFile: fileName must have 1 to ${MAX_SAVE_FILE_NAME} characters`);
  }
  if (
    [...fileName].some((c) => c === '/' || c === '\\' || c < ' ') ||
    fileName === '.' ||
    fileName === '..'
  ) {
    throw new UserInputError(
      `saveFile: fileName must be a plain file name (no "/", "\\" or control characters), got ${JSON.stringify(fileName.slice(0, 80))}`,
    );
  }
  if (typeof data !== 'string' && !(data instanceof Uint8Array)) {
    throw new UserInputError(`saveFile: data must be a string or a Uint8Array, got ${describe(data)}`);
  }
  const bytes = typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.byteLength;
  if (bytes > MAX_SAVE_BYTES) {
    throw new UserInputError(
      `saveFile: data is ${bytes} bytes, more than the limit of ${MAX_SAVE_BYTES / (1024 * 1024)} MB`,
    );
  }
  return { fileName, data };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? (value.constructor?.name ?? 'an object') : typeof value;
}
