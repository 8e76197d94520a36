/**
 * Where the tests find their data.
 *
 * - `FIXTURES`: the small data sets shipped in the repository
 *   (`tests/fixtures/datasets/`, cut from the real files by its
 *   `make_datasets.py`): ex2data2.txt and the first 2,000 images of MNIST's test
 *   split and of Fashion-MNIST's two splits, laid out as a mirror folder
 *   (`NN_DATA_DIR`) is. `deno task test` needs nothing else.
 * - `fullDataDir()`: the full data sets, for `deno task test:data` only: the
 *   folder `NN_DATA_DIR` names. Without it those tests fail (never skip).
 *
 * @module
 */

import { fileURLToPath } from "node:url";

/** The folder of the shipped data sets, as a path ending in `/`. */
export const FIXTURES: string = fileURLToPath(new URL("./fixtures/datasets/", import.meta.url));

/** The real ex2data2.txt (118 rows, the book's microchips), as bytes. */
export const EX2DATA2: Uint8Array = await Deno.readFile(`${FIXTURES}ex2data2.txt`);

/** The real ex2data2.txt, as text. */
export const EX2DATA2_TEXT: string = new TextDecoder().decode(EX2DATA2);

/**
 * The folder of the full data sets (ex2data2.txt, mnist/, fashion-mnist/),
 * named by `NN_DATA_DIR`; an error saying so when it is unset or missing.
 */
export function fullDataDir(): string {
  const dir = Deno.env.get("NN_DATA_DIR");
  if (!dir) {
    throw new Error(
      "deno task test:data runs on the full data sets: set NN_DATA_DIR to the folder that " +
        "holds ex2data2.txt, mnist/ and fashion-mnist/",
    );
  }
  try {
    if (!Deno.statSync(dir).isDirectory) throw new Error(`NN_DATA_DIR=${dir} is not a folder`);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new Error(`NN_DATA_DIR=${dir}: no such folder`);
    throw e;
  }
  return dir.endsWith("/") ? dir : `${dir}/`;
}
