// Checks lib/tensor/format.ts against NumPy: every case in fixtures/format/format.json holds
// np.array2string(arr, prefix=prefix, separator=", ") with NumPy 2's default print options,
// written by fixtures/format/make_format.py.

import { formatValues } from "../../lib/tensor/format.ts";
import type { DType } from "../../lib/tensor/dtype.ts";

interface FormatCase {
  name: string;
  values: (number | "nan" | "inf" | "-inf")[];
  shape: number[];
  dtype: DType;
  prefix: string;
  expected: string;
}

const FIXTURE = new URL("../fixtures/format/format.json", import.meta.url);
const cases: FormatCase[] = JSON.parse(await Deno.readTextFile(FIXTURE));

function decode(v: FormatCase["values"][number]): number {
  if (v === "nan") return NaN;
  if (v === "inf") return Infinity;
  if (v === "-inf") return -Infinity;
  return v;
}

function typed(c: FormatCase): Float32Array | Float64Array | Int32Array {
  const values = c.values.map(decode);
  if (c.dtype === "float32") return Float32Array.from(values);
  if (c.dtype === "int32") return Int32Array.from(values);
  return Float64Array.from(values);
}

function assertFormat(c: FormatCase, actual: string): void {
  if (actual === c.expected) return;
  const expectedLines = c.expected.split("\n");
  const actualLines = actual.split("\n");
  let line = 0;
  while (line < expectedLines.length && expectedLines[line] === actualLines[line]) line++;
  throw new Error(
    `format case "${c.name}" (shape [${c.shape}], ${c.dtype}, prefix ${JSON.stringify(c.prefix)})` +
      ` differs from NumPy at line ${line + 1}:\n` +
      `  expected: ${JSON.stringify(expectedLines[line])}\n` +
      `  actual:   ${JSON.stringify(actualLines[line])}\n` +
      `--- expected ---\n${c.prefix}${c.expected}\n--- actual ---\n${c.prefix}${actual}`,
  );
}

Deno.test("format fixture has the cases it should", () => {
  if (cases.length < 30) throw new Error(`expected at least 30 cases, found ${cases.length}`);
});

for (const c of cases) {
  Deno.test(`formatValues matches NumPy: ${c.name}`, () => {
    assertFormat(c, formatValues(typed(c), c.shape, c.dtype, c.prefix));
  });
}

Deno.test("formatValues: plain number arrays are cast to the dtype", () => {
  const c = cases.find((x) => x.name === "0.1 and 1/3 float32")!;
  assertFormat(c, formatValues(c.values.map(decode), c.shape, c.dtype, c.prefix));
});

Deno.test("formatValues: options change threshold, edgeitems, precision, linewidth", () => {
  const check = (actual: string, expected: string) => {
    if (actual !== expected) {
      throw new Error(`expected ${JSON.stringify(expected)}, found ${JSON.stringify(actual)}`);
    }
  };
  // np.array2string(np.arange(10.), threshold=5, edgeitems=2, separator=", ")
  check(
    formatValues(new Float64Array(10).map((_, i) => i), [10], "float64", "", {
      threshold: 5,
      edgeitems: 2,
    }),
    "[0., 1., ..., 8., 9.]",
  );
  // np.array2string(np.array([1/3, 2/3]), precision=3, separator=", ")
  check(formatValues([1 / 3, 2 / 3], [2], "float64", "", { precision: 3 }), "[0.333, 0.667]");
  // np.array2string(np.arange(6), max_line_width=10, separator=", ")
  check(
    formatValues([0, 1, 2, 3, 4, 5], [6], "int32", "", { linewidth: 10 }),
    "[0, 1, 2,\n 3, 4, 5]",
  );
});

Deno.test("formatValues: a wrong number of values is an error", () => {
  let message = "";
  try {
    formatValues([1, 2, 3], [2, 2], "float32");
  } catch (e) {
    message = (e as Error).message;
  }
  if (!message.includes("needs 4 values, found 3")) throw new Error(`got: ${message}`);
});
