/**
 * The guide's blocks and the notebook that load the image sets (MNIST,
 * Fashion-MNIST) run on the full files (`deno task test:data`, NN_DATA_DIR) and
 * print what the pages show. The rest of the guide runs in tests/docs/docs_test.ts.
 */

import assert from "node:assert/strict";
import { fullDataDir } from "../datasets.ts";
import {
  blockFailures,
  codeBlocks,
  needsImageSets,
  notebookFailures,
  notebookModule,
  readNotebooks,
  root,
  runAll,
} from "../docs/snippets.ts";

const DATA = fullDataDir();
const guide = await Deno.readTextFile(new URL("docs/guide.md", root));
const blocks = codeBlocks(guide).filter((b) => needsImageSets(b.code));
const notebooks = await readNotebooks(["part4_3"]);

Deno.test("the guide's image-set blocks and the Part4-3 notebook print what they show", async () => {
  assert.ok(blocks.length >= 5, `only ${blocks.length} blocks load an image set`);
  const { check, runs } = await runAll([
    ...blocks.map((b) => ({ code: b.code })),
    ...notebooks.map((nb) => ({ code: notebookModule(nb.cells), inNotebooks: true })),
  ], DATA);
  assert.equal(check.code, 0, `deno check:\n${check.stderr}`);
  const failures = [
    ...blockFailures(blocks, runs.slice(0, blocks.length)),
    ...notebookFailures(notebooks, runs.slice(blocks.length)),
  ];
  assert.equal(failures.length, 0, failures.join("\n\n"));
});
