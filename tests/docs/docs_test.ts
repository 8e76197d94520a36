/**
 * The learner's guide and the notebooks cannot rot.
 *
 * - Every `` `ts `` block of docs/guide.md runs in its own `deno run -A`
 *   process, type-checked against the module, and prints exactly the `` `text ``
 *   block shown after it. docs/guide.zh.md holds the same code and outputs in
 *   the same order, so one run checks both.
 * - Each notebook's code cells run in order as one module (as Deno's Jupyter
 *   kernel runs them, from `notebooks/`), type-checked, and each cell prints
 *   what the notebook shows under it.
 * - The README's links into the guides land on anchors that exist, and both
 *   guides follow the chapter's order.
 *
 * Blocks and notebooks that load MNIST or Fashion-MNIST print figures of the
 * full sets, so they run in `deno task test:data` (tests/full_data/docs_test.ts);
 * the rest runs here, on the shipped ex2data2 (`NN_DATA_DIR` = the fixtures).
 *
 * All of it is type-checked by one `deno check` and run two processes at a
 * time. After a deliberate change of output: `deno run -A
 * tests/docs/update_outputs.ts` rewrites the guides' output blocks;
 * `python3 tests/docs/execute_notebooks.py && deno fmt notebooks/` re-runs the
 * notebooks in Deno's Jupyter kernel and stores their outputs.
 */

import { assert, assertEquals } from "../assert.ts";
import { FIXTURES } from "../datasets.ts";
import {
  blockFailures,
  codeBlocks,
  needsImageSets,
  notebookFailures,
  notebookModule,
  readNotebooks,
  root,
  runAll,
} from "./snippets.ts";

const read = (path: string) => Deno.readTextFile(new URL(path, root));
const english = await read("docs/guide.md");
const chinese = await read("docs/guide.zh.md");
const blocks = codeBlocks(english);

/** The notebooks that run here; part4_3's runs on the full MNIST test set (test:data). */
const notebooks = await readNotebooks(["part4_1", "part4_2", "part4_2_torch"]);
/** The guide's blocks that run on the shipped data (the image sets' ones run in test:data). */
const offline = blocks.filter((b) => !needsImageSets(b.code));

/** The chapter's order: each anchor must appear in both guides, in this order. */
const SECTIONS = [
  "s4-1",
  "s4-2",
  "s4-3",
  "s4-4",
  "part4-1",
  "s4-5",
  "part4-2",
  "part4-2-torch",
  "s4-6",
  "activations",
  "one-hot",
  "mse",
  "softmax",
  "part4-3",
  "part4-3-book",
  "part4-3-why",
  "part4-3-fast",
];

/** The anchors a page defines: explicit `<a id="…"></a>` tags. */
function anchors(markdown: string): string[] {
  return [...markdown.matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]);
}

// Everything runs once, shared by the tests below.
let ran: ReturnType<typeof runAll> | null = null;
function runEverything() {
  ran ??= runAll([
    ...offline.map((b) => ({ code: b.code })),
    ...notebooks.map((nb) => ({ code: notebookModule(nb.cells), inNotebooks: true })),
  ], FIXTURES);
  return ran;
}

Deno.test("the Chinese guide holds the same code and outputs as the English one, in order", () => {
  const zh = codeBlocks(chinese);
  assertEquals(zh.length, blocks.length, "number of ts blocks");
  blocks.forEach((b, i) => {
    assert(
      zh[i].code === b.code,
      `block ${i + 1}: guide.md line ${b.line} and guide.zh.md line ${zh[i].line} differ`,
    );
    assert(
      zh[i].expected === b.expected,
      `block ${i + 1}: the outputs after guide.md line ${b.line} and guide.zh.md line ` +
        `${zh[i].line} differ`,
    );
  });
});

Deno.test("both guides follow the chapter's order, and the README's links land", async () => {
  for (const [name, page] of [["guide.md", english], ["guide.zh.md", chinese]]) {
    const found = anchors(page);
    const order = SECTIONS.map((s) => found.indexOf(s));
    assert(order.every((i) => i >= 0), `${name} lacks ${SECTIONS.filter((_, k) => order[k] < 0)}`);
    assert(order.every((i, k) => k === 0 || i > order[k - 1]), `${name}: sections out of order`);
    assertEquals(new Set(found).size, found.length, `${name}: an anchor is defined twice`);
    for (const [link, anchor] of page.matchAll(/\]\(#([\w-]+)\)/g)) {
      assert(found.includes(anchor), `${name} links ${link}, which has no anchor`);
    }
  }
  const readme = await read("README.md");
  const links = [...readme.matchAll(/docs\/(guide(?:\.zh)?\.md)#([\w-]+)/g)];
  assert(links.length >= SECTIONS.length, `the README links ${links.length} guide anchors`);
  for (const [link, file, anchor] of links) {
    const page = file === "guide.md" ? english : chinese;
    assert(anchors(page).includes(anchor), `README links ${link}, which has no anchor`);
  }
});

Deno.test("the guide's code blocks and the notebooks' cells type-check", async () => {
  const { check } = await runEverything();
  assertEquals(
    check.code,
    0,
    `deno check of the guide's blocks and the notebooks:\n${check.stderr}`,
  );
});

Deno.test("every code block of the guide runs and prints what the guide shows", async () => {
  assert(offline.length > 20, `only ${offline.length} blocks found`);
  const { runs } = await runEverything();
  const failures = blockFailures(offline, runs.slice(0, offline.length));
  assert(failures.length === 0, failures.join("\n\n"));
});

Deno.test("every notebook runs cell by cell and prints what it shows", async () => {
  const { runs } = await runEverything();
  const failures = notebookFailures(notebooks, runs.slice(offline.length));
  assert(failures.length === 0, failures.join("\n\n"));
});
