/**
 * A check at the door of training: NaN or an infinity in the inputs would
 * only show up epochs later as a NaN loss, far from its cause; here it is
 * named by row and column before the first step.
 *
 * @module
 */

import { DataFormatError, ShapeError } from "../errors.ts";
import type { Tensor } from "../tensor/mod.ts";

/**
 * Throws a `DataFormatError` naming the first value of the 2-D tensor `x`
 * that is NaN or infinite, by row and column (both counted from 1, as a
 * reader counts the lines of a file), and the column's name when `columns`
 * gives it. `what` names the data in the message.
 *
 * Chapter: the exercise scripts (checking the data before training).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkFinite, DataFormatError, tensor } from "@handson/nn";
 * await checkFinite(tensor([[1, 2], [3, 4]]), "X"); // all finite: nothing happens
 * await assert.rejects(
 *   checkFinite(tensor([[1, 2], [3, NaN]]), "X", ["x1", "x2"]),
 *   new DataFormatError(
 *     'X: expected finite numbers to train on, found NaN in row 2, column 2 ("x2")',
 *   ),
 * );
 * ```
 */
export async function checkFinite(
  x: Tensor,
  what: string,
  columns?: readonly string[],
): Promise<void> {
  if (x.shape.length !== 2) {
    throw new ShapeError(
      `checkFinite: expected ${what} to be 2-D (rows, columns), found [${x.shape}]`,
    );
  }
  const width = x.shape[1];
  const values = await x.data(); // on any backend, the GPU's too
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) continue;
    const column = i % width;
    const name = columns?.[column] === undefined ? "" : ` (${JSON.stringify(columns[column])})`;
    throw new DataFormatError(
      `${what}: expected finite numbers to train on, found ${values[i]} in row ` +
        `${Math.floor(i / width) + 1}, column ${column + 1}${name}`,
    );
  }
}
