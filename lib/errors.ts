/**
 * The module's own error classes. Each message is one sentence that names the
 * thing, what was expected and what was found.
 *
 * @module
 */

/**
 * Thrown when tensor shapes do not fit an operation, for example a matmul whose
 * inner sizes differ.
 *
 * Chapter: all sections (clear errors).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ShapeError } from "@handson/nn";
 * const err = new ShapeError("matmul: cannot multiply [3,2] by [3,2]: inner sizes 2 and 3 differ");
 * assert(err.name === "ShapeError");
 * ```
 */
export class ShapeError extends Error {
  /** Creates a ShapeError with the given one-sentence message. */
  constructor(message: string) {
    super(message);
    this.name = "ShapeError";
  }
}

/**
 * Thrown when a file or byte stream does not hold what its format promises
 * (a CSV cell that is not a number, an IDX file with a wrong magic number).
 *
 * Chapter: all sections (clear errors).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DataFormatError } from "@handson/nn";
 * const err = new DataFormatError("data.csv, line 3, column 2: expected a number, found \"abc\"");
 * assert(err.name === "DataFormatError");
 * ```
 */
export class DataFormatError extends Error {
  /** Creates a DataFormatError with the given one-sentence message. */
  constructor(message: string) {
    super(message);
    this.name = "DataFormatError";
  }
}

/**
 * Thrown when a download fails: the message names the URL and the HTTP status
 * or the cause (network error, checksum mismatch, time-out).
 *
 * Chapter: all sections (clear errors).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DownloadError } from "@handson/nn";
 * const err = new DownloadError("https://example.org/a.gz: HTTP 404 Not Found");
 * assert.equal(err.name, "DownloadError");
 * ```
 */
export class DownloadError extends Error {
  /**
   * The local file at fault, when it is a copy already on disk (a wrong file
   * in `NN_DATA_DIR`) rather than the network: then no retry, and no offline
   * fallback, can help.
   */
  readonly file?: string;

  /** Creates a DownloadError with the given one-sentence message (and cause, and local file). */
  constructor(message: string, options?: ErrorOptions & { file?: string }) {
    super(message, options);
    this.name = "DownloadError";
    if (options?.file !== undefined) this.file = options.file;
  }
}
