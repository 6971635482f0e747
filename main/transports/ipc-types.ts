/**
 * The parts of Electron's IPC that the transport uses, as structural types: main/transports must load
 * without the Electron binary (the CLI bundles it, and the tests run in plain Node), and Electron's real
 * objects satisfy these.
 */

export interface WebContentsLike {
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
}

export interface IpcMainInvokeEventLike {
  /** The frame that sent the message; null once it navigated away or was destroyed. */
  readonly senderFrame: { readonly url: string } | null;
  readonly sender: WebContentsLike;
}

export type IpcInvokeListener = (event: IpcMainInvokeEventLike, ...args: unknown[]) => unknown;

export interface IpcMainLike {
  handle(channel: string, listener: IpcInvokeListener): void;
  removeHandler(channel: string): void;
}
