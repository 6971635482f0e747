import { UserInputError } from '../../../common/errors';

/** An archive file that cannot be read or merged: one line naming the file and what is wrong. Nothing changed. */
export class ArchiveError extends UserInputError {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'ArchiveError';
  }
}
