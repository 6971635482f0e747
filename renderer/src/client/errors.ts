import { ApiError } from '../../../common/api/contract';

/** One line for the user; API errors already carry one. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
