/**
 * Hostile CSV files: what a learner finds on the web or gets out of Excel.
 * Each is refused with a DataFormatError naming the file, the line and column
 * (or byte), and what was expected; nothing beside it is written.
 */

import { DataFormatError, datasets, DownloadError, parseCsv, readCsv } from "../../mod.ts";
import { loadMicrochips } from "../../lib/train/microchips.ts";
import { assertEquals } from "../assert.ts";
import { FIXTURES, type HostileCase, hostileTests } from "./helpers.ts";

const NAMES = ["x1", "x2", "accepted"];
const read = (dir: string) => readCsv(`${dir}/in.csv`, { names: NAMES });
/** The real ex2data2's 118 lines, to damage one of them. */
const LINES = (await Deno.readTextFile(`${FIXTURES}/ex2data2.txt`)).trimEnd().split("\n");

/** ex2data2 with line `n` (1-based) replaced by `text`. */
function withLine(n: number, text: string): string {
  return LINES.map((line, i) => (i === n - 1 ? text : line)).join("\n") + "\n";
}

/** `text` as UTF-16 with its byte order mark, as Excel's "Unicode text" saves it. */
function utf16(text: string, bigEndian: boolean): Uint8Array {
  const bytes = new Uint8Array(2 + 2 * text.length);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, 0xfeff, !bigEndian);
  for (let i = 0; i < text.length; i++) view.setUint16(2 + 2 * i, text.charCodeAt(i), !bigEndian);
  return bytes;
}

const microchips = (dir: string) =>
  loadMicrochips({ data: `${dir}/in.csv`, dtype: "float64", offlineFallback: false });

const cases: HostileCase[] = [
  {
    name: "one cell of 1e308: the spread overflows (it made column x1 all zeros)",
    files: { "in.csv": ["1e308,0.5,1", ...LINES.slice(1)].join("\n") + "\n" },
    run: microchips,
    error: DataFormatError,
    names: ['$DIR/in.csv: column 1 ("x1"): its spread overflows', "to 1e+308"],
  },
  {
    name: "a column of subnormals: the spread underflows (it was called the same value everywhere)",
    files: { "in.csv": "1e-310,0.5,1\n2e-310,0.4,0\n3e-310,0.3,1\n" },
    run: microchips,
    error: DataFormatError,
    names: [
      '$DIR/in.csv: column 1 ("x1"): its spread underflows to 0',
      "1e-310 to 3e-310",
    ],
  },
  {
    name: "400,000 digits then a letter (read in linear time; the message quotes 40 characters)",
    files: { "chips.txt": `1,2,0\n${"7".repeat(400_000)}x,2,1\n` },
    run: (dir) => readCsv(`${dir}/chips.txt`),
    error: DataFormatError,
    names: [
      '$DIR/chips.txt, line 2, column 1 ("0"): expected a number',
      `found "${"7".repeat(40)}"… (400001 characters)`,
    ],
  },
  {
    name: "a NUL byte inside a number",
    files: { "in.csv": "0.051267,0.69956,1\n0.1\u00002,0.5,0\n" },
    run: read,
    error: DataFormatError,
    names: ["$DIR/in.csv, line 2, column 1", "expected a number", '"0.1\\u00002"'],
  },
  {
    name: "a binary file of NUL bytes",
    files: { "in.csv": new Uint8Array(64) },
    run: read,
    error: DataFormatError,
    names: ["$DIR/in.csv, line 1", "expected 3 columns (one per name), found 1"],
  },
  {
    name: "UTF-16 little-endian with a byte order mark (Excel's Unicode text)",
    files: { "in.csv": utf16("0.5,0.7,1\r\n", false) },
    run: read,
    error: DataFormatError,
    names: ["$DIR/in.csv", "expected UTF-8 text", "UTF-16 (little-endian)", "FF FE"],
  },
  {
    name: "UTF-16 big-endian with a byte order mark",
    files: { "in.csv": utf16("0.5,0.7,1\n", true) },
    run: read,
    error: DataFormatError,
    names: ["$DIR/in.csv", "expected UTF-8 text", "UTF-16 (big-endian)", "FE FF"],
  },
  {
    name: "Latin-1 bytes in a comment line",
    files: {
      "in.csv": new Uint8Array([...new TextEncoder().encode("1,2,0\n3,4,1\n"), 0x63, 0xe9, 0x0a]),
    },
    run: read,
    error: DataFormatError,
    names: ["$DIR/in.csv", "expected UTF-8 text", "found the byte 0xe9 at byte 13 (line 3)"],
  },
  {
    name: "mixed line endings (CRLF, CR, LF) before a bad cell",
    files: { "in.csv": "1,2,0\r\n3,4,1\r5,6,0\n7,x,1\r\n" },
    run: read,
    error: DataFormatError,
    names: ['$DIR/in.csv, line 4, column 2 ("x2")', 'expected a number, found "x"'],
  },
  {
    name: "an unclosed quote",
    files: { "in.csv": '1,2,0\n"3,4,1\n5,6,0\n' },
    run: read,
    error: DataFormatError,
    names: ["$DIR/in.csv, line 2, column 1", "expected a closing quote, found the end of the file"],
  },
  {
    name: "text after a closing quote",
    files: { "in.csv": '1,"2"x,0\n' },
    run: read,
    error: DataFormatError,
    names: ["$DIR/in.csv, line 1, column 2", 'expected "," or a line end after the closing quote'],
  },
  {
    name: "a row with a column missing",
    files: { "in.csv": "1,2,0\n3,4\n" },
    run: read,
    error: DataFormatError,
    names: ["$DIR/in.csv, line 2", "expected 3 columns (one per name), found 2"],
  },
  {
    name: "a row with a column too many",
    files: { "in.csv": "1,2,0\n3,4,1,9\n" },
    run: read,
    error: DataFormatError,
    names: ["$DIR/in.csv, line 2", "expected 3 columns (one per name), found 4"],
  },
  {
    name: "an empty file",
    files: { "in.csv": "" },
    run: read,
    error: DataFormatError,
    names: ["$DIR/in.csv", "expected at least one row of data, found none"],
  },
  {
    name: "blank lines only, with a BOM",
    files: { "in.csv": "\uFEFF\n\r\n   \n" },
    run: read,
    error: DataFormatError,
    names: ["$DIR/in.csv", "expected at least one row of data, found none"],
  },
  {
    name: "a header and no data",
    files: { "in.csv": "x1,x2,accepted\n" },
    run: (dir) => readCsv(`${dir}/in.csv`, { header: true }),
    error: DataFormatError,
    names: ["$DIR/in.csv", "expected at least one row of data, found only the header"],
  },
  {
    name: "a header that names a column twice (found by the fuzzer)",
    files: { "in.csv": "a,b,a\n1,2,3\n" },
    run: (dir) => readCsv(`${dir}/in.csv`, { header: true }),
    error: DataFormatError,
    names: [
      "$DIR/in.csv, line 1",
      'expected distinct column names in the header, found "a" in columns 1 and 3',
    ],
  },
  {
    name: "a hexadecimal number",
    files: { "in.csv": "0x10,2,0\n" },
    run: read,
    error: DataFormatError,
    names: ['$DIR/in.csv, line 1, column 1 ("x1")', 'expected a number, found "0x10"'],
  },
  {
    name: "a decimal comma in quotes",
    files: { "in.csv": '"1,5",2,0\n' },
    run: read,
    error: DataFormatError,
    names: ["$DIR/in.csv, line 1, column 1", 'expected a number, found "1,5"'],
  },
  {
    name: "semicolons and decimal commas (a European Excel)",
    files: { "in.csv": "0,05;0,7;1\n" },
    run: read,
    error: DataFormatError,
    names: ["$DIR/in.csv, line 1, column 2", 'expected a number, found "05;0"'],
  },
  {
    name: "a thousands separator",
    files: { "in.csv": "1 000,2,0\n" },
    run: read,
    error: DataFormatError,
    names: ["$DIR/in.csv, line 1, column 1", 'expected a number, found "1 000"'],
  },
  {
    name: "an empty cell",
    files: { "in.csv": "1,,0\n" },
    run: read,
    error: DataFormatError,
    names: ['$DIR/in.csv, line 1, column 2 ("x2")', "expected a number, found an empty cell"],
  },
  {
    name: "Excel's sep= line",
    files: { "in.csv": "sep=,\n1,2,0\n" },
    run: read,
    error: DataFormatError,
    names: ["$DIR/in.csv, line 1", "expected 3 columns (one per name), found 2"],
  },
  {
    name: "NaN in ex2data2, before any training",
    files: { "in.csv": withLine(7, "0.1,nan,1") },
    run: (dir) => datasets.ex2data2({ url: `${dir}/in.csv` }),
    error: DataFormatError,
    names: ['$DIR/in.csv, line 7, column 2 ("x2")', 'expected a finite number, found "nan"'],
  },
  {
    name: "-inf in ex2data2, before any training",
    files: { "in.csv": withLine(90, "-inf,0.5,0") },
    run: microchips,
    error: DataFormatError,
    names: ['$DIR/in.csv, line 90, column 1 ("x1")', 'expected a finite number, found "-inf"'],
  },
  {
    name: "1e999, which overflows to Infinity",
    files: { "in.csv": withLine(2, "1e999,0.5,0") },
    run: microchips,
    error: DataFormatError,
    names: ["$DIR/in.csv, line 2, column 1", 'expected a finite number, found "1e999"'],
  },
  {
    name: "a column with one value in every row (its z-score is 0/0)",
    files: { "in.csv": LINES.map((l) => `0.5,${l.split(",").slice(1).join(",")}`).join("\n") },
    run: microchips,
    error: DataFormatError,
    names: ['$DIR/in.csv: column 1 ("x1") has the same value in every row', "expected values"],
  },
  {
    name: "a label that is neither 0 nor 1",
    files: { "in.csv": withLine(5, "0.1,0.2,2") },
    run: microchips,
    error: DataFormatError,
    names: ['$DIR/in.csv: row 5, column 3 ("accepted")', "expected a label 0 or 1, found 2"],
  },
  {
    // Any number of rows is taken (--data is any CSV of x1,x2,label), but both labels must be there.
    name: "microchips of one label only",
    files: { "in.csv": LINES.filter((line) => line.trim().endsWith(",1")).join("\n") },
    run: microchips,
    error: DataFormatError,
    names: ["$DIR/in.csv", "expected rows of both labels 0 and 1, found none labelled 0"],
  },
  {
    name: "a file that is not there",
    run: read,
    error: DownloadError,
    names: ["$DIR/in.csv", ": no such file"],
  },
];

hostileTests("csv", cases);

Deno.test("hostile csv: mixed line endings still count lines right when all is well", () => {
  const table = parseCsv("1,2,0\r\n3,4,1\r5,6,0\n\n7,8,1\r\n", { names: NAMES });
  assertEquals(table.rows, [[1, 2, 0], [3, 4, 1], [5, 6, 0], [7, 8, 1]]);
});
