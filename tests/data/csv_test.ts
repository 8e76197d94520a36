/** parseCsv / readCsv: the quirks of real files, and errors that name the line and column. */

import { join } from "node:path";
import { CsvTable, DataFormatError, parseCsv, readCsv } from "../../mod.ts";
import { assertEquals, assertThrows } from "../assert.ts";
import { assertRejects, FIXTURES, withTempDir } from "./helpers.ts";

const NAMES = ["x1", "x2", "accepted"];

Deno.test("parseCsv: the book's call, names and no header", () => {
  const table = parseCsv("0.051267,0.69956,1\n-0.092742,0.68494,1\n0.18376,0.93348,0\n", {
    names: NAMES,
  });
  assertEquals(table.names, NAMES);
  assertEquals(table.length, 3);
  assertEquals(table.rows, [[0.051267, 0.69956, 1], [-0.092742, 0.68494, 1], [
    0.18376,
    0.93348,
    0,
  ]]);
  assertEquals([...table.column("accepted")], [1, 1, 0]);
});

Deno.test("parseCsv: a trailing space, CRLF, a BOM and blank trailing lines", () => {
  const expected = [[0.051267, 0.69956, 1], [-0.092742, 0.68494, 1]];
  const cases = {
    "trailing space": "0.051267,0.69956,1 \n-0.092742,0.68494,1\n",
    "CRLF": "0.051267,0.69956,1\r\n-0.092742,0.68494,1\r\n",
    "CR only": "0.051267,0.69956,1\r-0.092742,0.68494,1\r",
    "BOM": "\uFEFF0.051267,0.69956,1\n-0.092742,0.68494,1\n",
    "blank trailing lines": "0.051267,0.69956,1\n-0.092742,0.68494,1\n\n  \r\n\n",
    "no final line end": "0.051267,0.69956,1\n-0.092742,0.68494,1",
    "blank line inside": "0.051267,0.69956,1\n\n-0.092742,0.68494,1\n",
    "spaces around cells": " 0.051267 ,\t0.69956, 1\n-0.092742 , 0.68494 ,1 \n",
    "all at once": "\uFEFF0.051267,0.69956,1 \r\n-0.092742,0.68494,1 \r\n\r\n\r\n",
  };
  for (const [what, text] of Object.entries(cases)) {
    assertEquals(parseCsv(text, { names: NAMES }).rows, expected, what);
  }
});

Deno.test("parseCsv: RFC 4180 quoted fields", () => {
  const text = '"score, first","say ""hi""","multi\r\nline"\n"1.5", 2 ,"-3e2"\n';
  const table = parseCsv(text, { header: true });
  assertEquals(table.names, ["score, first", 'say "hi"', "multi\r\nline"]);
  assertEquals(table.rows, [[1.5, 2, -300]]);
  // A quote after spaces still opens a quoted field; spaces after the closing quote are fine.
  assertEquals(parseCsv(' "1" , "2"\n').rows, [[1, 2]]);
});

Deno.test("parseCsv: header row, names replacing it, default names", () => {
  const text = "a,b\n1,2\n3,4\n";
  assertEquals(parseCsv(text, { header: true }).names, ["a", "b"]);
  assertEquals(parseCsv(text, { header: true, names: ["x", "y"] }).names, ["x", "y"]);
  assertEquals(parseCsv("1,2\n3,4\n").names, ["0", "1"]);
  assertEquals(parseCsv("1,2\n3,4\n").column(1), new Float64Array([2, 4]));
  assertEquals(parseCsv(" a , b \n1,2\n", { header: true }).names, ["a", "b"]);
});

Deno.test("parseCsv: other delimiters", () => {
  assertEquals(parseCsv("1;2\n3;4\n", { delimiter: ";" }).rows, [[1, 2], [3, 4]]);
  assertEquals(parseCsv("1\t2\n3\t4\n", { delimiter: "\t" }).rows, [[1, 2], [3, 4]]);
  assertThrows(() => parseCsv("1,2", { delimiter: '"' }), TypeError, "one character");
  assertThrows(() => parseCsv("1,2", { delimiter: ", " }), TypeError, "one character");
});

Deno.test("parseCsv: numbers as pandas reads them", () => {
  const table = parseCsv("1e3,-.5,+2.\nNaN,inf,-Infinity\n");
  assertEquals(table.rows[0], [1000, -0.5, 2]);
  const [nan, inf, negInf] = table.rows[1];
  assertEquals([Number.isNaN(nan), inf, negInf], [true, Infinity, -Infinity]);
});

Deno.test("parseCsv: a cell that is not a number names the source, line and column", () => {
  const cases: [string, string][] = [
    [
      "0.1,0.2,1\n0.3,abc,0\n",
      'chips.txt, line 2, column 2 ("x2"): expected a number, found "abc"',
    ],
    [
      "0.1,0.2,1\n0.3,,0\n",
      'chips.txt, line 2, column 2 ("x2"): expected a number, found an empty cell',
    ],
    [
      "0.1,0.2,1\n0.3,0.4, \n",
      'chips.txt, line 2, column 3 ("accepted"): expected a number, found an empty cell',
    ],
    ["0.1,0.2,yes\n", 'chips.txt, line 1, column 3 ("accepted"): expected a number, found "yes"'],
    ["0x10,0.2,1\n", 'chips.txt, line 1, column 1 ("x1"): expected a number, found "0x10"'],
    // Lines count from the file's start: blank lines and line breaks inside quotes included.
    [
      '\n"0.1",0.2,1\n\n"1\n2",0.4,0\n',
      'chips.txt, line 4, column 1 ("x1"): expected a number, found "1\\n2"',
    ],
  ];
  for (const [text, message] of cases) {
    assertThrows(
      () => parseCsv(text, { names: NAMES, source: "chips.txt" }),
      DataFormatError,
      message,
    );
  }
});

Deno.test("parseCsv: short rows, long rows, no rows", () => {
  assertThrows(
    () => parseCsv("0.1,0.2,1\n0.3,0.4\n", { names: NAMES, source: "chips.txt" }),
    DataFormatError,
    "chips.txt, line 2: expected 3 columns (one per name), found 2",
  );
  assertThrows(
    () => parseCsv("1,2\n3,4\n5,6,7\n", { source: "f.csv" }),
    DataFormatError,
    "f.csv, line 3: expected 2 columns, found 3",
  );
  assertThrows(
    () => parseCsv("1,2,3,4\n", { names: NAMES, source: "f.csv" }),
    DataFormatError,
    "f.csv, line 1: expected 3 columns (one per name), found 4",
  );
  assertThrows(
    () => parseCsv("", { source: "empty.csv" }),
    DataFormatError,
    "empty.csv: expected at least one row of data, found none",
  );
  assertThrows(
    () => parseCsv("\r\n\n  \n", { source: "blank.csv" }),
    DataFormatError,
    "blank.csv: expected at least one row of data, found none",
  );
  assertThrows(
    () => parseCsv("a,b\n", { header: true, source: "h.csv" }),
    DataFormatError,
    "h.csv: expected at least one row of data, found only the header",
  );
});

Deno.test("parseCsv: broken quoting is an error with its line", () => {
  assertThrows(
    () => parseCsv('1,2\n3,"4\n5,6\n', { source: "q.csv" }),
    DataFormatError,
    "q.csv, line 2, column 2: expected a closing quote, found the end of the file",
  );
  assertThrows(
    () => parseCsv('1,"2"x\n', { source: "q.csv" }),
    DataFormatError,
    'q.csv, line 1, column 2: expected "," or a line end after the closing quote, found "x"',
  );
});

Deno.test("CsvTable: columns by name or index, tensors of chosen columns", () => {
  const table = new CsvTable(NAMES, [[0.5, -1, 1], [0.25, 2, 0]]);
  assertEquals(table.columnIndex("x2"), 1);
  const X = table.toTensor(["x1", "x2"], { dtype: "float64" });
  assertEquals([X.shape, X.dtype, X.toArray()], [[2, 2], "float64", [[0.5, -1], [0.25, 2]]]);
  const all = table.toTensor();
  assertEquals([all.shape, all.dtype], [[2, 3], "float32"]);
  assertEquals(table.toTensor([2, 0]).toArray(), [[1, 0.5], [0, 0.25]]);
  assertThrows(
    () => table.column("y"),
    RangeError,
    'no column "y"; the columns are "x1", "x2", "accepted"',
  );
  assertThrows(() => table.column(3), RangeError, "no column 3");
  assertThrows(() => new CsvTable(["a", "a"], []), TypeError, '"a" twice');
  assertThrows(
    () => new CsvTable(["a", "b"], [[1]]),
    RangeError,
    "expected 2 values in row 0, found 1",
  );
});

Deno.test("readCsv: a file on disk; errors name its path", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "chips.csv");
    await Deno.writeTextFile(path, "\uFEFFx1,x2,accepted\r\n0.5,0.25,1\r\n0.75,oops,0\r\n");
    await assertRejects(
      readCsv(path, { header: true }),
      DataFormatError,
      `${path}, line 3, column 2 ("x2"): expected a number, found "oops"`,
    );
    await Deno.writeFile(join(dir, "latin1.csv"), new Uint8Array([0x31, 0x2c, 0xe9, 0x0a]));
    await assertRejects(
      readCsv(join(dir, "latin1.csv")),
      DataFormatError,
      `${join(dir, "latin1.csv")}: expected UTF-8 text`,
    );
  });
});

Deno.test("readCsv: the real ex2data2.txt through NN_DATA_DIR", async () => {
  const table = await readCsv(join(FIXTURES, "ex2data2.txt"), { names: NAMES });
  assertEquals(table.length, 118);
  assertEquals(table.rows[0], [0.051267, 0.69956, 1]);
  assertEquals(table.rows[117], [0.63265, -0.030612, 0]);
  assertEquals(table.column("accepted").reduce((a, b) => a + b), 58);
});
