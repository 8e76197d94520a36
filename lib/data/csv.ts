/**
 * Numeric CSV files, read the way the book reads `ex2data2.txt` with pandas
 * (`pd.read_csv(path, names=['x1', 'x2', 'accepted'])`): with or without a
 * header row, CRLF or LF line ends, a UTF-8 byte order mark, spaces around
 * numbers, blank lines, and RFC 4180 quoted fields.
 *
 * @module
 */

import { DataFormatError } from "../errors.ts";
import type { DownloadOptions } from "./download.ts";
import { describeSource, readText } from "./read.ts";
import { CsvTable } from "./table.ts";

/**
 * Options for {@linkcode parseCsv} and {@linkcode readCsv}.
 *
 * Chapter: Part4-1, Part4-2 (the microchip data).
 */
export interface CsvOptions {
  /** Whether the first row holds the column names (default `false`, as `header=None`). */
  header?: boolean;
  /**
   * The column names (pandas' `names`); they replace a header row's. Default:
   * the header's names, or `"0"`, `"1"`, … without a header.
   */
  names?: readonly string[];
  /** The field separator, one character (default `","`). */
  delimiter?: string;
  /** The file's name in error messages (default `"CSV text"`; `readCsv` gives the path or URL). */
  source?: string;
  /**
   * Refuse `NaN` and infinities (default `false`: read them as pandas does), so
   * that data meant for training says by line and column where it is not finite.
   */
  finite?: boolean;
}

/**
 * Options for {@linkcode readCsv}: the CSV options and, for URLs, the download options.
 *
 * Chapter: Part4-1, Part4-2 (the microchip data).
 */
export interface ReadCsvOptions extends CsvOptions, DownloadOptions {}

/** One record of the file: its fields and the line it starts on (1-based). */
interface CsvRecord {
  fields: string[];
  line: number;
}

/**
 * Splits `text` into records per RFC 4180: fields separated by `delimiter`,
 * records by CRLF, LF or CR; a field in double quotes may hold delimiters,
 * line breaks and doubled quotes (`""` for `"`). Blank lines are skipped.
 */
function* records(text: string, delimiter: string, source: string): Generator<CsvRecord> {
  const n = text.length;
  let i = 0, line = 1;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let quotedAny = false;
    for (;;) {
      // Spaces before an opening quote do not stop the field being quoted.
      let j = i;
      while (text[j] === " " || text[j] === "\t") j++;
      if (text[j] === '"') {
        quotedAny = true;
        const openLine = line;
        i = j + 1;
        let value = "";
        for (;;) {
          const close = text.indexOf('"', i);
          if (close < 0) {
            throw new DataFormatError(
              `${source}, line ${openLine}, column ${fields.length + 1}: ` +
                `expected a closing quote, found the end of the file`,
            );
          }
          const part = text.slice(i, close);
          value += part;
          line += countLineBreaks(part);
          if (text[close + 1] === '"') {
            value += '"';
            i = close + 2;
          } else {
            i = close + 1;
            break;
          }
        }
        while (text[i] === " " || text[i] === "\t") i++;
        if (i < n && text[i] !== delimiter && text[i] !== "\n" && text[i] !== "\r") {
          throw new DataFormatError(
            `${source}, line ${line}, column ${fields.length + 1}: expected "${delimiter}" ` +
              `or a line end after the closing quote, found ${JSON.stringify(text[i])}`,
          );
        }
        fields.push(value);
      } else {
        let end = i;
        while (end < n && text[end] !== delimiter && text[end] !== "\n" && text[end] !== "\r") {
          end++;
        }
        fields.push(text.slice(i, end));
        i = end;
      }
      if (i < n && text[i] === delimiter) {
        i++;
        continue;
      }
      if (text[i] === "\r") i++;
      if (text[i] === "\n") i++;
      line++;
      break;
    }
    const blank = !quotedAny && fields.length === 1 && fields[0].trim() === "";
    if (!blank) yield { fields, line: start };
  }
}

function countLineBreaks(text: string): number {
  // CRLF counts once: count LFs, plus CRs not followed by LF.
  let count = 0;
  for (let k = 0; k < text.length; k++) {
    if (text[k] === "\n" || (text[k] === "\r" && text[k + 1] !== "\n")) count++;
  }
  return count;
}

// Written so that a run of digits can be matched one way only: `\d+\.?\d*` split
// 400,000 digits followed by a letter in every possible place (a minute of backtracking).
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL: Record<string, number> = {
  "nan": NaN,
  "+nan": NaN,
  "-nan": NaN,
  "inf": Infinity,
  "+inf": Infinity,
  "-inf": -Infinity,
  "infinity": Infinity,
  "+infinity": Infinity,
  "-infinity": -Infinity,
};

/**
 * The number a cell holds (spaces around it allowed; `NaN`, `inf`, `-inf` in
 * any case, as pandas reads them), or `undefined` when it holds no number.
 * Stricter than `Number()`, which reads `""` as 0 and `"0x10"` as 16.
 *
 * Chapter: Part4-1, Part4-2 (the microchip data).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseNumber } from "./csv.ts";
 * assert.deepEqual(["0.051267 ", "-1e-3", "inf", "", "0x10", "1,5"].map(parseNumber), [
 *   0.051267, -0.001, Infinity, undefined, undefined, undefined,
 * ]);
 * ```
 */
export function parseNumber(cell: string): number | undefined {
  const text = cell.trim();
  if (DECIMAL.test(text)) return Number(text);
  const special = SPECIAL[text.toLowerCase()];
  return special;
}

/**
 * Parses CSV `text` of numbers into a {@linkcode CsvTable}. Every data cell
 * must be a number: one that is not is a `DataFormatError` naming the source,
 * line and column; so is a row with fewer or more fields than there are
 * columns, and a file with no data rows.
 *
 * Chapter: Part4-1, Part4-2 (the microchip data).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DataFormatError, parseCsv } from "@handson/nn";
 * const table = parseCsv("\uFEFF0.051267,0.69956,1 \r\n-0.092742,0.68494,1\r\n\r\n", {
 *   names: ["x1", "x2", "accepted"],
 * });
 * assert.deepEqual(table.rows, [[0.051267, 0.69956, 1], [-0.092742, 0.68494, 1]]);
 * assert.throws(
 *   () => parseCsv("a,b\n1,2\n3,x\n", { header: true, source: "data.csv" }),
 *   new DataFormatError('data.csv, line 3, column 2 ("b"): expected a number, found "x"'),
 * );
 * ```
 */
export function parseCsv(text: string, options: CsvOptions = {}): CsvTable {
  const source = options.source ?? "CSV text";
  const delimiter = options.delimiter ?? ",";
  if (typeof delimiter !== "string" || delimiter.length !== 1 || /["\r\n]/.test(delimiter)) {
    throw new TypeError(
      `parseCsv: expected the delimiter to be one character other than a quote or line end, ` +
        `found ${JSON.stringify(delimiter)}`,
    );
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

  let names = options.names === undefined ? undefined : [...options.names];
  const rows: number[][] = [];
  let first = true;
  for (const record of records(text, delimiter, source)) {
    if (first && options.header) {
      first = false;
      names ??= record.fields.map((f) => f.trim());
      checkWidth(record, names.length, source, options.names !== undefined);
      const seen = new Map<string, number>();
      names.forEach((name, j) => {
        if (seen.has(name)) {
          throw new DataFormatError(
            `${source}, line ${record.line}: expected distinct column names in the header, ` +
              `found ${JSON.stringify(name)} in columns ${seen.get(name)! + 1} and ${j + 1}`,
          );
        }
        seen.set(name, j);
      });
      continue;
    }
    first = false;
    names ??= record.fields.map((_, j) => String(j));
    checkWidth(record, names.length, source, options.names !== undefined);
    rows.push(record.fields.map((cell, j) => {
      const value = parseNumber(cell);
      if (value === undefined || (options.finite && !Number.isFinite(value))) {
        const text = cell.trim();
        // Quoted up to 40 characters: a cell can be megabytes long, an error line should not be.
        const found = text === ""
          ? "an empty cell"
          : text.length > 40
          ? `${JSON.stringify(text.slice(0, 40))}… (${text.length} characters)`
          : JSON.stringify(text);
        throw new DataFormatError(
          `${source}, line ${record.line}, column ${j + 1} (${JSON.stringify(names![j])}): ` +
            `expected a ${value === undefined ? "" : "finite "}number, found ${found}`,
        );
      }
      return value;
    }));
  }
  if (rows.length === 0) {
    throw new DataFormatError(
      `${source}: expected at least one row of data, found ${
        options.header && names ? "only the header" : "none"
      }`,
    );
  }
  return new CsvTable(names!, rows);
}

function checkWidth(record: CsvRecord, width: number, source: string, named: boolean): void {
  if (record.fields.length !== width) {
    throw new DataFormatError(
      `${source}, line ${record.line}: expected ${width} columns` +
        `${named ? " (one per name)" : ""}, found ${record.fields.length}`,
    );
  }
}

/**
 * Reads a numeric CSV file from a path or URL (downloaded and cached like
 * {@linkcode download}; `NN_DATA_DIR` first) into a {@linkcode CsvTable}.
 * Errors name the path or URL as given, with the line and column.
 *
 * Chapter: Part4-1, Part4-2 (the microchip data).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readCsv } from "@handson/nn";
 * const path = await Deno.makeTempFile({ suffix: ".txt" });
 * await Deno.writeTextFile(path, "0.051267,0.69956,1 \n-0.092742,0.68494,1\n");
 * // As the book: pd.read_csv(path, names=['x1', 'x2', 'accepted'])
 * const table = await readCsv(path, { names: ["x1", "x2", "accepted"] });
 * assert.deepEqual(table.column("x2"), new Float64Array([0.69956, 0.68494]));
 * await Deno.remove(path);
 * ```
 */
export async function readCsv(
  urlOrPath: string | URL | readonly (string | URL)[],
  options: ReadCsvOptions = {},
): Promise<CsvTable> {
  const text = await readText(urlOrPath, options);
  return parseCsv(text, { ...options, source: options.source ?? describeSource(urlOrPath) });
}
