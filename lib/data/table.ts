/**
 * `CsvTable`: the numbers of a CSV file, by row and by named column, ready to
 * become a tensor.
 *
 * @module
 */

import { type Tensor, tensor } from "../tensor/mod.ts";

/**
 * Options for {@linkcode CsvTable.toTensor}.
 *
 * Chapter: Part4-1, Part4-2 (the microchip data).
 */
export interface ToTensorOptions {
  /** The element type (default `float32`, as `tensor()`). */
  dtype?: "float32" | "float64";
}

/**
 * A table of numbers read from a CSV file: column `names` and `rows` of
 * numbers, one array per line of data.
 *
 * Chapter: Part4-1, Part4-2 (the microchip data).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CsvTable } from "@handson/nn";
 * const table = new CsvTable(["x1", "x2", "accepted"], [[0.5, 0.7, 1], [-0.1, 0.6, 0]]);
 * assert.deepEqual(table.column("accepted"), new Float64Array([1, 0]));
 * assert.deepEqual(table.toTensor(["x1", "x2"]).shape, [2, 2]);
 * ```
 */
export class CsvTable {
  /** The column names, in file order. */
  readonly names: readonly string[];
  /** The values, one array per data row, each as long as `names`. */
  readonly rows: readonly (readonly number[])[];

  /**
   * Makes a table of `rows` under the column `names` (every row as long as
   * `names`; names distinct).
   */
  constructor(names: readonly string[], rows: readonly (readonly number[])[]) {
    const seen = new Set<string>();
    for (const name of names) {
      if (seen.has(name)) {
        throw new TypeError(`CsvTable: column names must differ, found "${name}" twice`);
      }
      seen.add(name);
    }
    rows.forEach((row, i) => {
      if (row.length !== names.length) {
        throw new RangeError(
          `CsvTable: expected ${names.length} values in row ${i}, found ${row.length}`,
        );
      }
    });
    this.names = [...names];
    this.rows = rows;
  }

  /** The number of data rows. */
  get length(): number {
    return this.rows.length;
  }

  /**
   * The index of a column given by name or by index; an unknown one is a
   * RangeError listing the names there are.
   */
  columnIndex(column: string | number): number {
    const index = typeof column === "number" ? column : this.names.indexOf(column);
    if (!Number.isInteger(index) || index < 0 || index >= this.names.length) {
      throw new RangeError(
        `CsvTable: no column ${JSON.stringify(column)}; the columns are ` +
          `${this.names.map((n) => JSON.stringify(n)).join(", ")}`,
      );
    }
    return index;
  }

  /**
   * One column's values, by name or index.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { parseCsv } from "@handson/nn";
   * const table = parseCsv("1,2\n3,4\n", { names: ["a", "b"] });
   * assert.deepEqual(table.column("b"), new Float64Array([2, 4]));
   * assert.deepEqual(table.column(0), new Float64Array([1, 3]));
   * ```
   */
  column(column: string | number): Float64Array {
    const j = this.columnIndex(column);
    return Float64Array.from(this.rows, (row) => row[j]);
  }

  /**
   * A 2-D tensor `[rows, columns.length]` of the chosen columns (default: all),
   * in the order given: `X = table.toTensor(["x1", "x2"])`,
   * `y = table.toTensor(["accepted"])`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { parseCsv } from "@handson/nn";
   * const table = parseCsv("1,2,0\n3,4,1\n", { names: ["x1", "x2", "y"] });
   * const y = table.toTensor(["y"], { dtype: "float64" });
   * assert.deepEqual([y.shape, y.dtype, y.toArray()], [[2, 1], "float64", [[0], [1]]]);
   * assert.deepEqual(table.toTensor(["x2", "x1"]).toArray(), [[2, 1], [4, 3]]);
   * ```
   */
  toTensor(
    columns: readonly (string | number)[] = this.names,
    options: ToTensorOptions = {},
  ): Tensor {
    const indices = columns.map((c) => this.columnIndex(c));
    const data = new Float64Array(this.rows.length * indices.length);
    let k = 0;
    for (const row of this.rows) {
      for (const j of indices) data[k++] = row[j];
    }
    return tensor(data, {
      shape: [this.rows.length, indices.length],
      dtype: options.dtype ?? "float32",
    });
  }
}
