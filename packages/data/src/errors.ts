/**
 * The error every loader throws for bad input: it names the file (or spec) at fault and
 * says what was expected, so a user can fix the input without reading the code.
 */
export class DataError extends Error {
  /** The file, archive member or dataset spec the error is about. */
  readonly file: string;

  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = "DataError";
    this.file = file;
  }
}
