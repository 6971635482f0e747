import {
  ApiError,
  HTTP_API_PREFIX,
  HTTP_DOWNLOAD_PREFIX,
  HTTP_EVENTS_PATH,
  HTTP_TOKEN_HEADER,
  HTTP_TOKEN_QUERY,
  HTTP_UPLOAD_PATH,
  type ApiErrorBody,
  type ApiEvent,
  type ApiMethodName,
  type ApiParams,
  type ApiResponse,
  type ApiResult,
  type WorkbenchClient,
} from '../../../common/api/contract';
import { downloadFile } from './download';
import { EventFeed, type EventSourceFactory } from './event-feed';

/** Shown for a 401: the token is per launch of `workbench serve`, so a restarted server invalidates it. */
export const SESSION_INVALID_MESSAGE =
  'Session expired or invalid token: open the URL that `workbench serve` printed (it changes at every start).';

export interface HttpClientOptions {
  fetch?: typeof fetch;
  eventSource?: EventSourceFactory;
  /** Called on a 401, e.g. to forget a stored token that no longer works. */
  onUnauthorized?: () => void;
  saveFile?: WorkbenchClient['saveFile'];
}

/** The contract over `workbench serve`: POST /api/<method> with the token header, events over SSE. */
export function createHttpClient(
  baseUrl: string,
  token: string,
  options: HttpClientOptions = {},
): WorkbenchClient {
  const base = baseUrl.replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  const eventsUrl = `${base}${HTTP_EVENTS_PATH}?${HTTP_TOKEN_QUERY}=${encodeURIComponent(token)}`;
  const feed = new EventFeed(eventsUrl, options.eventSource ?? ((url) => new EventSource(url)));

  async function call<M extends ApiMethodName>(method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
    let response: Response;
    try {
      response = await fetchImpl(`${base}${HTTP_API_PREFIX}${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [HTTP_TOKEN_HEADER]: token },
        body: JSON.stringify(params ?? {}),
      });
    } catch (error) {
      throw new ApiError({
        code: 'internal',
        message: `Cannot reach the workbench server (${errorText(error)}). Is \`workbench serve\` still running?`,
      });
    }
    if (response.status === 401) {
      options.onUnauthorized?.();
      throw new ApiError({ code: 'unauthorized', message: SESSION_INVALID_MESSAGE });
    }
    let body: ApiResponse<M>;
    try {
      body = (await response.json()) as ApiResponse<M>;
    } catch {
      throw new ApiError({
        code: 'internal',
        message: `${method}: the server answered ${response.status} ${response.statusText} without a JSON body`,
      });
    }
    if (!body.ok) throw new ApiError(body.error);
    return body.result;
  }

  return {
    transport: 'http',
    call,
    subscribe: (listener: (event: ApiEvent) => void) => feed.add(listener),
    saveFile: options.saveFile ?? downloadFile,
    async uploadFile(fileName, data) {
      let response: Response;
      try {
        response = await fetchImpl(`${base}${HTTP_UPLOAD_PATH}?name=${encodeURIComponent(fileName)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/octet-stream', [HTTP_TOKEN_HEADER]: token },
          body: data as BodyInit,
        });
      } catch (error) {
        throw new ApiError({
          code: 'internal',
          message: `Cannot reach the workbench server (${errorText(error)}). Is \`workbench serve\` still running?`,
        });
      }
      const answer = (await response.json().catch(() => null)) as
        { ok: true; result: { transferId: string } } | { ok: false; error: ApiErrorBody } | null;
      if (!answer)
        throw new ApiError({ code: 'internal', message: `upload failed (HTTP ${response.status})` });
      if (!answer.ok) throw new ApiError(answer.error);
      return answer.result.transferId;
    },
    saveTransfer(transferId, fileName) {
      // The server streams it as an attachment: the browser's own download, token in the query like events.
      const url = `${base}${HTTP_DOWNLOAD_PREFIX}${encodeURIComponent(transferId)}?${HTTP_TOKEN_QUERY}=${encodeURIComponent(token)}&name=${encodeURIComponent(fileName)}`;
      const anchor = document.createElement('a');
      anchor.href = url;
      anchor.download = fileName;
      anchor.rel = 'noopener';
      anchor.hidden = true;
      document.body.append(anchor);
      anchor.click();
      anchor.remove();
      return Promise.resolve(true);
    },
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
