/**
 * What the guide's and the notebooks' tests share: reading the code out of a
 * Markdown page or a notebook, and running it as a reader would, in a separate
 * `deno run -A` process that resolves `@handson/nn` through the repository's
 * deno.json.
 *
 * The guide's convention: every `` `ts `` block runs (`` `ts `` ignore blocks are
 * skipped); a `` `text `` block right after it (blank lines between are allowed)
 * is what the block prints, exactly.
 */

/** The repository's root folder. */
export const root: URL = new URL("../../", import.meta.url);

/**
 * Whether `code` loads an image data set (MNIST, Fashion-MNIST) or runs Part4-3:
 * such code prints figures of the full 10,000 or 60,000 images, so it runs in
 * `deno task test:data` (tests/full_data/docs_test.ts); the rest runs on the
 * shipped fixtures in `deno task test`.
 */
export function needsImageSets(code: string): boolean {
  return /\bdatasets\.(mnist|fashionMnist)\(|scripts\/part4_3(_show)?\.ts/.test(code);
}

/** A `` `ts `` block of a Markdown page, and the `` `text `` block that shows its output, if any. */
export interface CodeBlock {
  /** The code, without the fences. */
  code: string;
  /** The line of the opening fence (from 1), for messages. */
  line: number;
  /** What the block prints, or null when the page does not say. */
  expected: string | null;
  /** The line of the `` `text `` fence that holds `expected` (from 1), or null. */
  expectedLine: number | null;
}

interface Fence {
  info: string;
  body: string;
  line: number;
}

/** The fenced blocks of `markdown` (fences at the start of a line), in order. */
function fences(markdown: string): Fence[] {
  const lines = markdown.split("\n");
  const out: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})(.*)$/.exec(lines[i]);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && l.trimEnd() === open[1]);
    if (end < 0) throw new Error(`line ${i + 1}: a code fence that is never closed`);
    out.push({ info: open[2].trim(), body: lines.slice(i + 1, end).join("\n"), line: i + 1 });
    i = end;
  }
  return out;
}

/**
 * The runnable `` `ts `` blocks of `markdown` with their expected output: a
 * `` `text `` block that follows with nothing but blank lines between.
 */
export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split("\n");
  const all = fences(markdown);
  const blocks: CodeBlock[] = [];
  all.forEach((fence, k) => {
    const [lang, ...flags] = fence.info.split(/\s+/);
    if (lang !== "ts" || flags.includes("ignore")) return;
    const next = all[k + 1];
    const closing = fence.line + fence.body.split("\n").length; // the closing fence's index
    const adjacent = next !== undefined && next.info === "text" &&
      lines.slice(closing + 1, next.line - 1).every((l) => l.trim() === "");
    blocks.push({
      code: fence.body,
      line: fence.line,
      expected: adjacent ? next.body : null,
      expectedLine: adjacent ? next.line : null,
    });
  });
  return blocks;
}

/** A notebook's code cells and what each printed when it was last run. */
export interface NotebookCell {
  /** The cell's code. */
  code: string;
  /** The cell's stored standard output (its `stream` outputs, joined). */
  stdout: string;
  /** Whether the stored outputs include a picture (an inline plot). */
  hasImage: boolean;
  /** The cell's execution count, null when it was never run. */
  executionCount: number | null;
}

/** The code cells of a Jupyter notebook (nbformat 4). */
export function notebookCells(json: string): NotebookCell[] {
  const nb = JSON.parse(json);
  const text = (s: string | string[]) => Array.isArray(s) ? s.join("") : s;
  // deno-lint-ignore no-explicit-any
  return nb.cells.filter((c: any) => c.cell_type === "code").map((c: any) => ({
    code: text(c.source),
    stdout: c.outputs
      // deno-lint-ignore no-explicit-any
      .filter((o: any) => o.output_type === "stream" && o.name === "stdout")
      // deno-lint-ignore no-explicit-any
      .map((o: any) => text(o.text)).join(""),
    // deno-lint-ignore no-explicit-any
    hasImage: c.outputs.some((o: any) => o.data && "image/svg+xml" in o.data),
    executionCount: c.execution_count,
  }));
}

/** Trailing spaces and trailing blank lines do not count. */
export function normalize(text: string): string {
  return text.split("\n").map((l) => l.trimEnd()).join("\n").replace(/\n+$/, "");
}

/** How a run ended. */
export interface RunResult {
  /** The exit code. */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/**
 * A scratch folder to run code in, as a reader's clone would be seen from its
 * root: `data/` (the model.json of Part4-1) is linked in; files the code
 * writes (`out/…`) land here, not in the repository.
 */
export async function scratchFolder(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "nn_docs_" });
  await Deno.symlink(new URL("data", root).pathname, `${dir}/data`);
  return dir;
}

function env(dir: string, dataDir: string): Record<string, string> {
  return { NO_COLOR: "1", NN_DATA_DIR: dataDir, NN_CACHE_DIR: `${dir}/.cache` };
}

/** Type-checks the modules at `paths` (in `dir`) in one `deno check` against deno.json. */
export async function checkModules(dir: string, paths: string[]): Promise<RunResult> {
  const config = new URL("deno.json", root).pathname;
  return await run(dir, ["check", "--quiet", "--config", config, ...paths], "");
}

/** Runs the module at `path` with `deno run -A` in `dir`, `NN_DATA_DIR` set to `dataDir`. */
export async function runModule(dir: string, path: string, dataDir: string): Promise<RunResult> {
  const config = new URL("deno.json", root).pathname;
  return await run(dir, ["run", "-A", "--quiet", "--config", config, path], dataDir);
}

async function run(dir: string, args: string[], dataDir: string): Promise<RunResult> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: dir,
    env: env(dir, dataDir),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}

/** Runs `tasks` with at most `limit` at a time; the results in the tasks' order. */
export async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** A module to run: its code, and whether it runs from `notebooks/` (as Jupyter runs a notebook). */
export interface Module {
  /** The TypeScript source. */
  code: string;
  /** Run from the scratch clone's `notebooks/` folder instead of its root. */
  inNotebooks?: boolean;
}

/** What `runAll` found: the type check of all the modules, and each module's run. */
export interface RunAllResult {
  /** The one `deno check` over every module. */
  check: RunResult;
  /** Each module's run, in the order given. */
  runs: RunResult[];
}

/**
 * Writes each module to its own file in a scratch folder, type-checks them all
 * at once (one `deno check` costs seconds, whatever the number of files), then
 * runs each, two at a time (more on more cores), with `NN_DATA_DIR` set to
 * `dataDir` and a fresh cache.
 */
export async function runAll(modules: Module[], dataDir: string): Promise<RunAllResult> {
  const dir = await scratchFolder();
  try {
    await Deno.mkdir(`${dir}/notebooks`);
    const paths = modules.map((m, i) =>
      `${dir}/${m.inNotebooks ? "notebooks/" : ""}module_${String(i + 1).padStart(2, "0")}.ts`
    );
    for (const [i, { code }] of modules.entries()) await Deno.writeTextFile(paths[i], code);
    const check = await checkModules(dir, paths);
    const limit = Math.max(2, Math.min(4, navigator.hardwareConcurrency ?? 2));
    const runs = await pool(
      paths.map((p, i) => () =>
        runModule(modules[i].inNotebooks ? `${dir}/notebooks` : dir, p, dataDir)
      ),
      limit,
    );
    return { check, runs };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The line a notebook's module prints before cell `i`, to split its output by cell. */
export function cellMarker(i: number): string {
  return `\u241e cell ${i} \u241e`;
}

/**
 * A notebook's code cells as one module, in order, as the kernel runs them
 * (later cells see earlier cells' names), printing `cellMarker(i)` before cell i.
 */
export function notebookModule(cells: NotebookCell[]): string {
  return cells.map((c, i) => `;console.log(${JSON.stringify(cellMarker(i))});\n${c.code}\n`)
    .join("");
}

/** What each cell printed, from the stdout of a `notebookModule` run. */
export function splitByCell(stdout: string, count: number): string[] {
  const out: string[] = new Array(count).fill("");
  let current = -1;
  for (const line of stdout.split("\n")) {
    const i = Array.from({ length: count }, (_, k) => k).find((k) => line === cellMarker(k));
    if (i !== undefined) current = i;
    else if (current >= 0) out[current] += line + "\n";
  }
  return out;
}

/** A notebook read from `notebooks/`: its name, its JSON and its code cells. */
export interface Notebook {
  /** The file's name without `.ipynb`. */
  name: string;
  /** The notebook's JSON text. */
  json: string;
  /** Its code cells. */
  cells: NotebookCell[];
}

/** Reads `notebooks/NAME.ipynb` for each name. */
export function readNotebooks(names: string[]): Promise<Notebook[]> {
  return Promise.all(names.map(async (name) => {
    const json = await Deno.readTextFile(new URL(`notebooks/${name}.ipynb`, root));
    return { name, json, cells: notebookCells(json) };
  }));
}

/**
 * Where guide blocks did not run or printed other than the guide shows: one
 * message per block, empty when all is well. `runs[i]` is `blocks[i]`'s run.
 */
export function blockFailures(blocks: CodeBlock[], runs: RunResult[]): string[] {
  const failures: string[] = [];
  blocks.forEach((block, i) => {
    const { code, stdout, stderr } = runs[i];
    const where = `docs/guide.md, the block at line ${block.line}`;
    if (code !== 0) failures.push(`${where} exited with ${code}:\n${stderr}`);
    else if (block.expected !== null && normalize(stdout) !== normalize(block.expected)) {
      failures.push(
        `${where} printed\n${normalize(stdout)}\n-- but the guide shows --\n` +
          normalize(block.expected),
      );
    }
  });
  return failures;
}

/**
 * Where notebooks did not run, or a cell printed other than the notebook shows,
 * or a notebook shows no plot: one message each. `runs[k]` is the run of
 * `notebookModule(notebooks[k].cells)`.
 */
export function notebookFailures(notebooks: Notebook[], runs: RunResult[]): string[] {
  const failures: string[] = [];
  notebooks.forEach((nb, k) => {
    const { code, stdout, stderr } = runs[k];
    const file = `notebooks/${nb.name}.ipynb`;
    if (JSON.parse(nb.json).metadata.kernelspec?.name !== "deno") {
      failures.push(`${file}: the kernel is not Deno's`);
    }
    if (code !== 0) {
      failures.push(`${file} exited with ${code}:\n${stderr}`);
      return;
    }
    const printed = splitByCell(stdout, nb.cells.length);
    nb.cells.forEach((cell, i) => {
      if (cell.executionCount === null) failures.push(`${file}, code cell ${i + 1}: never run`);
      else if (normalize(printed[i]) !== normalize(cell.stdout)) {
        failures.push(
          `${file}, code cell ${i + 1} printed\n${normalize(printed[i])}\n-- but the notebook ` +
            `shows --\n${normalize(cell.stdout)}`,
        );
      }
    });
    if (!nb.cells.some((c) => c.hasImage)) failures.push(`${file} shows no plot`);
  });
  return failures;
}
