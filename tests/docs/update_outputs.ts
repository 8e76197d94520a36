/**
 * Runs every `` `ts `` block of docs/guide.md and writes what each printed into
 * the `` `text `` block after it, in docs/guide.md and in docs/guide.zh.md (which
 * hold the same code). For a deliberate change of output; read the diff. The
 * image-set blocks print figures of the full files, so NN_DATA_DIR must name them:
 *
 *   NN_DATA_DIR=/path/to/data deno run -A tests/docs/update_outputs.ts
 */

import { fullDataDir } from "../datasets.ts";
import { codeBlocks, normalize, root, runAll } from "./snippets.ts";

const pages = ["docs/guide.md", "docs/guide.zh.md"].map((p) => new URL(p, root));
const blocks = codeBlocks(await Deno.readTextFile(pages[0]));
const { check, runs } = await runAll(blocks.map((b) => ({ code: b.code })), fullDataDir());
if (check.code !== 0) console.error(`deno check failed:\n${check.stderr}`);
const outputs = new Map<string, string>();
blocks.forEach((b, i) => {
  if (runs[i].code !== 0) {
    console.error(`the block at line ${b.line} exited with ${runs[i].code}:\n${runs[i].stderr}`);
  } else outputs.set(b.code, normalize(runs[i].stdout));
});

for (const page of pages) {
  const lines = (await Deno.readTextFile(page)).split("\n");
  // From the end, so that earlier line numbers stay valid.
  for (const block of codeBlocks(lines.join("\n")).reverse()) {
    const output = outputs.get(block.code);
    if (block.expectedLine === null || output === undefined) continue;
    const start = block.expectedLine; // the first line after the `` `text `` fence (0-based index)
    const length = block.expected === "" ? 0 : block.expected!.split("\n").length;
    lines.splice(start, length, ...(output === "" ? [] : output.split("\n")));
  }
  await Deno.writeTextFile(page, lines.join("\n"));
  console.log(`updated ${page.pathname}`);
}
