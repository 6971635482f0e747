import { UserInputError } from '../../common/errors';

/**
 * Why a file cannot be imported. The message always starts with the file path, then says exactly what is wrong:
 * "notmnist.npz: labels has 18723 entries but images has 18724". A UserInputError: the file is at fault, not the app.
 */
export class DatasetImportError extends UserInputError {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

/**
 * A problem found by a format reader, which sees bytes and not the file they came from;
 * parseDatasetFile turns it into a DatasetImportError naming the file.
 */
export class DatasetFormatError extends Error {
  constructor(problem: string) {
    super(problem);
    this.name = 'DatasetFormatError';
  }
}
