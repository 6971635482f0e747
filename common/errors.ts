/**
 * A problem with what the user gave us (a file, a config field, an id): shown as one line naming what is
 * wrong; the CLI exits with status 1 and the HTTP/IPC transports answer 400. Nothing has been written.
 */
export class UserInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserInputError';
  }
}
