/**
 * Hostile model.json files: Python's NaN, weights that overflow, JSON nested
 * a hundred thousand deep, `__proto__` keys, a model from another exercise.
 * Each is refused with a DataFormatError naming the file, the line and column
 * or the key and element, and what was expected; and the writer refuses to
 * save weights JSON cannot hold.
 */

import {
  DataFormatError,
  loadModelJson,
  manualSeed,
  NeuralNetwork,
  parseModelJson,
  saveModelJson,
  tensor,
} from "../../mod.ts";
import { assertEquals } from "../assert.ts";
import { expectError, type HostileCase, hostileTests } from "./helpers.ts";

/** A good model.json for a 2-2-1 network, with one key's text replaced. */
function model(replace: Partial<Record<"weights1" | "bias1" | "weights2" | "bias2", string>>) {
  const keys = {
    weights1: "[[1, 2], [3, 4]]",
    bias1: "[[0, 0]]",
    weights2: "[[1], [2]]",
    bias2: "[[0]]",
  };
  const entries = Object.entries({ ...keys, ...replace }).map(([k, v]) => `  "${k}": ${v}`);
  return `{\n${entries.join(",\n")}\n}\n`;
}

const load = (dir: string) => loadModelJson(`${dir}/model.json`);
const DEEP = "[".repeat(100_000) + "1" + "]".repeat(100_000);

const cases: HostileCase[] = [
  {
    name: "NaN, as Python's json.dump writes a diverged weight",
    files: { "model.json": model({ weights1: "[[1, NaN], [3, 4]]" }) },
    run: load,
    error: DataFormatError,
    names: ["$DIR/model.json, line 2, column 20", "expected JSON, found NaN", "json.dump"],
  },
  {
    name: "-Infinity, as Python writes it",
    files: { "model.json": model({ bias2: "[[-Infinity]]" }) },
    run: load,
    error: DataFormatError,
    names: ["$DIR/model.json, line 5, column 14", "found -Infinity"],
  },
  {
    name: "1e999, which JSON reads as Infinity",
    files: { "model.json": model({ weights2: "[[1], [1e999]]" }) },
    run: load,
    error: DataFormatError,
    names: ['$DIR/model.json: "weights2"[1][0]', "expected a finite number, found Infinity"],
  },
  {
    name: "1e308, finite in float64 but Infinity once loaded as float32",
    files: { "model.json": model({ weights1: "[[1, 2], [1e308, 4]]" }) },
    run: (dir) => loadModelJson(`${dir}/model.json`, "float32"),
    error: DataFormatError,
    names: [
      '$DIR/model.json: "weights1"[1][0]',
      "expected a number that float32 can hold",
      "found 1e+308, which becomes Infinity",
    ],
  },
  {
    name: "a key given twice (JSON.parse would keep the second without a word)",
    files: {
      "model.json": model({}).replace(
        '"bias2": [[0]]',
        '"bias2": [[0]],\n  "weights1": [[9, 9], [9, 9]]',
      ),
    },
    run: load,
    error: DataFormatError,
    names: ['$DIR/model.json: "weights1" is given 2 times (lines 2, 6)', "expected it once"],
  },
  {
    name: "UTF-16, as PowerShell's > writes",
    files: {
      "model.json": new Uint8Array([
        0xff,
        0xfe,
        ...[...model({})].flatMap((c) => [c.charCodeAt(0), 0]),
      ]),
    },
    run: load,
    error: DataFormatError,
    names: ["$DIR/model.json: expected JSON in UTF-8, found UTF-16", "save it as UTF-8"],
  },
  {
    name: "a zero-width space before a number, shown rather than hidden",
    files: { "model.json": model({ bias2: "[[\u200b0]]" }) },
    run: load,
    error: DataFormatError,
    names: ["$DIR/model.json, line 5, column 14", 'found "\\u200b0]]'],
  },
  {
    name: "null, as JavaScript's JSON.stringify writes NaN",
    files: { "model.json": model({ bias1: "[[0, null]]" }) },
    run: load,
    error: DataFormatError,
    names: ['$DIR/model.json: "bias1"[0][1]', "expected a finite number, found null"],
  },
  {
    name: "arrays nested 100,000 deep",
    files: { "model.json": model({ weights1: DEEP }) },
    run: load,
    error: DataFormatError,
    names: ['$DIR/model.json: "weights1"[0][0]', "expected a finite number, found an array of 1"],
  },
  {
    name: "a 1 MB string where a weight should be (the message stays short)",
    files: { "model.json": model({ weights2: `[["${"a".repeat(1 << 20)}"], [2]]` }) },
    run: async (dir) => {
      const error = await expectError(() => load(dir), DataFormatError, []);
      throw error.message.length < 200 ? error : new Error(`too long: ${error.message.length}`);
    },
    error: DataFormatError,
    names: ['$DIR/model.json: "weights2"[0][0]', 'expected a finite number, found "aaaa', "…"],
  },
  {
    name: "the weights under a __proto__ key (no prototype is polluted)",
    files: {
      "model.json": `{"__proto__": ${model({}).trim()}, "bias1": [[0, 0]], "weights2": [[1], [2]]}`,
    },
    run: async (dir) => {
      try {
        await load(dir);
      } finally {
        assertEquals(({} as Record<string, unknown>).weights1, undefined, "Object.prototype");
      }
    },
    error: DataFormatError,
    names: ['$DIR/model.json: "weights1" is missing', "expected keys weights1, bias1"],
  },
  {
    name: "a top-level array",
    files: { "model.json": "[[1, 2], [3, 4]]" },
    run: load,
    error: DataFormatError,
    names: ["$DIR/model.json", "expected a JSON object with keys weights1", "found an array of 2"],
  },
  {
    name: "a key missing",
    files: { "model.json": model({}).replace(/,\n {2}"bias2": \[\[0\]\]/, "") },
    run: load,
    error: DataFormatError,
    names: ['$DIR/model.json: "bias2" is missing', "expected keys"],
  },
  {
    name: "ragged rows",
    files: { "model.json": model({ weights1: "[[1, 2], [3]]" }) },
    run: load,
    error: DataFormatError,
    names: ['$DIR/model.json: "weights1": row 1 has 1 numbers', "expected 2"],
  },
  {
    name: "a row that is a number",
    files: { "model.json": model({ weights1: "[[1, 2], 3]" }) },
    run: load,
    error: DataFormatError,
    names: [
      '$DIR/model.json: "weights1"',
      "expected a non-empty array of rows",
      "found 3 as row 1",
    ],
  },
  {
    name: "weights2 that do not fit weights1 (a model of another shape)",
    files: { "model.json": model({ weights2: "[[1], [2], [3]]" }) },
    run: load,
    error: DataFormatError,
    names: ['$DIR/model.json: "weights2" has shape [3,1]', "expected [2,1]"],
  },
  {
    name: "numbers as strings",
    files: { "model.json": model({ bias2: '[["0.5"]]' }) },
    run: load,
    error: DataFormatError,
    names: ['$DIR/model.json: "bias2"[0][0]', 'expected a finite number, found "0.5"'],
  },
  {
    name: "an empty file",
    files: { "model.json": "" },
    run: load,
    error: DataFormatError,
    names: ["$DIR/model.json, line 1, column 1", "expected more JSON, found the end of the text"],
  },
  {
    name: "a file cut off half-way",
    files: { "model.json": model({}).slice(0, 40) },
    run: load,
    error: DataFormatError,
    names: ["$DIR/model.json, line 3, column", "found the end of the text"],
  },
  {
    name: "two objects one after the other",
    files: { "model.json": model({}) + "{}\n" },
    run: load,
    error: DataFormatError,
    names: ["$DIR/model.json, line 7, column 1", 'expected JSON, found "{}\\n"'],
  },
  {
    name: "single quotes, as Python's str() of a dict writes them",
    files: { "model.json": "{'weights1': [[1]]}" },
    run: load,
    error: DataFormatError,
    names: ["$DIR/model.json, line 1, column 2", `expected JSON, found "'weights1'`],
  },
  {
    name: "UTF-16 bytes decoded as UTF-8 and handed to parseModelJson",
    run: () => parseModelJson(new TextDecoder().decode(utf16(model({}))), "pasted.json"),
    error: DataFormatError,
    names: ["pasted.json: expected JSON in UTF-8, found text that looks like UTF-16", "UTF-8"],
  },
  {
    name: "a folder named model.json",
    files: { "model.json/x": "" },
    run: load,
    error: Error,
    names: ["$DIR/model.json", "directory"],
  },
  {
    name: "a file that is not there",
    run: (dir) => loadModelJson(`${dir}/nope.json`),
    error: Deno.errors.NotFound,
    names: ["$DIR/nope.json", "no such model file"],
  },
  {
    name: "saving a network whose weights went NaN",
    run: (dir) => {
      manualSeed(0);
      const net = new NeuralNetwork(2, 2, 1, { dtype: "float64" });
      net.weights1 = tensor([[1, NaN], [3, 4]], { dtype: "float64" });
      return saveModelJson(net, `${dir}/out/model.json`);
    },
    error: RangeError,
    names: ['toModelJson: expected finite weights, found NaN in "weights1"[0][1]', "diverge"],
  },
];

hostileTests("model.json", cases);

/** `text` in UTF-16 little-endian with its byte order mark (ASCII text, as a model.json is). */
function utf16(text: string): Uint8Array {
  const codes = [0xfeff, ...Array.from(text, (c) => c.charCodeAt(0))];
  return Uint8Array.from(codes.flatMap((c) => [c & 0xff, c >> 8]));
}

Deno.test("hostile model.json: a UTF-8 byte order mark (Notepad's) is read as UTF-8", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/model.json`, "\ufeff" + model({}));
    assertEquals((await loadModelJson(`${dir}/model.json`)).sizes, [2, 2, 1]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("hostile model.json: a URL streaming a gigabyte is refused past 64 MiB, not buffered", async () => {
  const megabyte = new Uint8Array(2 ** 20).fill(32);
  let sent = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () =>
    new Response(
      new ReadableStream({
        pull(controller) {
          if (sent++ >= 1024) controller.close();
          else controller.enqueue(megabyte);
        },
      }),
    ));
  try {
    const url = `http://127.0.0.1:${server.addr.port}/model.json`;
    let message = "";
    await loadModelJson(url).catch((e) => (message = `${e.name}: ${e.message}`));
    assertEquals(
      message,
      `DataFormatError: ${url}: expected a model.json of at most 67108864 bytes, found more than that`,
    );
    if (sent > 80) throw new Error(`${sent} MiB were sent before it stopped`);
  } finally {
    await server.shutdown();
  }
});

Deno.test("hostile model.json: HTTP:// and FILE:// (any case) are URLs, not paths", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response(model({})),
  );
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/model.json`, model({}));
    for (
      const url of [
        `HTTP://127.0.0.1:${server.addr.port}/model.json`,
        `hTtP://127.0.0.1:${server.addr.port}/model.json`,
        `FILE://${dir}/model.json`,
      ]
    ) {
      assertEquals((await loadModelJson(url)).sizes, [2, 2, 1], url);
    }
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
