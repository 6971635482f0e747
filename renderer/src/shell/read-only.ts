import { useAppInfo } from '../common/app-info';

/**
 * True when the store is only being looked at (`workbench serve --read-only`): every change would answer
 * 409, so the views hide or disable what would change it instead of offering buttons that can only fail.
 * False until app.info has answered, so nothing flickers away on a normal store.
 */
export function useReadOnly(): boolean {
  return useAppInfo().info?.readOnly === true;
}
