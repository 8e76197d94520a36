/**
 * Data provenance, end to end: each script run as a reader runs it (a
 * separate process, a clean environment) prints where its data came from (the
 * path given, NN_DATA_DIR, the cache, which URL, or the synthetic rings when
 * offline); an explicit --data is read as given; a wrong NN_DATA_DIR, a
 * missing file, a folder for a file and a file for a folder each stop the run
 * with exit code 1 and one line saying which. Needs nothing but the shipped
 * ex2data2.txt: CSV and IDX files are written here, and served from
 * 127.0.0.1.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { FIXTURES } from "../datasets.ts";
import { gzip, idx } from "../hostile/helpers.ts";
import { runScript } from "./run.ts";

const EX2DATA2 = join(FIXTURES, "ex2data2.txt");

/** A scratch folder: `cache/` (empty), `mirror/ex2data2.txt`, `out/`, and the CSV and IDX files below. */
async function withScratch(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "nn_provenance_" });
  try {
    await Deno.mkdir(join(dir, "mirror"));
    await Deno.copyFile(EX2DATA2, join(dir, "mirror", "ex2data2.txt"));
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Serves the files of `dir` on 127.0.0.1 (404 for anything else) while `fn` runs. */
async function withServer(dir: string, fn: (base: string) => Promise<void>): Promise<void> {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname);
    try {
      return new Response(await Deno.readFile(join(dir, path)));
    } catch {
      return new Response("not here", { status: 404, statusText: "Not Found" });
    }
  });
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`);
  } finally {
    await server.shutdown();
  }
}

/** The environment of a run: its own empty cache, and NN_DATA_DIR only when given. */
function env(dir: string, dataDir?: string): Record<string, string> {
  return { NN_CACHE_DIR: join(dir, "cache"), ...(dataDir ? { NN_DATA_DIR: dataDir } : {}) };
}

/** Checks a failed run: exit code 1 and exactly one line on standard error, which is `line`. */
function failsWith(result: { code: number; stderr: string }, line: string): void {
  assert.equal(result.code, 1, result.stderr);
  assert.equal(result.stderr.trimEnd(), line);
}

/** Six microchips of both labels, saved as Excel does: a byte order mark and CRLF line ends. */
const SMALL_CSV = "\uFEFF" + [
  "0.1,0.2,1",
  "0.3,-0.1,1",
  "-0.2,0.4,1",
  "0.9,0.8,0",
  "-0.7,0.9,0",
  "1.0,-1.1,0",
].join("\r\n") + "\r\n";

Deno.test("provenance: ex2data2 from NN_DATA_DIR says so, with the file's path", async () => {
  await withScratch(async (dir) => {
    const mirror = join(dir, "mirror");
    const result = await runScript(
      "scripts/part4_2.ts",
      ["--epochs", "10", "--out", join(dir, "out")],
      env(dir, mirror),
    );
    assert.equal(result.code, 0, result.stderr);
    assert.ok(
      result.stdout.startsWith(`Data: ${mirror}/ex2data2.txt (from NN_DATA_DIR), 118 samples\n`),
      result.stdout,
    );
  });
});

Deno.test("provenance: --data URL is read as given: a 404 stops the run even when NN_DATA_DIR has the name", async () => {
  await withScratch(async (dir) => {
    await withServer(dir, async (base) => {
      const url = `${base}/nothing/ex2data2.txt`;
      const result = await runScript(
        "scripts/part4_2.ts",
        ["--data", url, "--epochs", "10", "--out", join(dir, "out")],
        env(dir, join(dir, "mirror")),
      );
      failsWith(result, `error: download of ex2data2.txt failed: ${url}: HTTP 404 Not Found`);
      assert.equal(result.stdout, "");
    });
  });
});

Deno.test("provenance: --data URL says which URL it downloaded, then that the cache has it", async () => {
  await withScratch(async (dir) => {
    await Deno.mkdir(join(dir, "served"));
    await Deno.writeTextFile(join(dir, "served", "chips.csv"), SMALL_CSV);
    await withServer(dir, async (base) => {
      const url = `${base}/served/chips.csv`;
      const args = ["--data", url, "--epochs", "10", "--out", join(dir, "out")];
      const first = await runScript("scripts/part4_2_torch.ts", args, env(dir));
      assert.equal(first.code, 0, first.stderr);
      const line = first.stdout.split("\n")[0];
      assert.match(
        line,
        /^Data: (\/.*\/by-url\/[0-9a-f]{12}\/chips\.csv) \(downloaded from (.*)\), 6 samples$/,
      );
      const path = /^Data: (\S+) /.exec(line)![1];
      assert.ok(path.startsWith(join(dir, "cache")), line);
      assert.ok(line.endsWith(`(downloaded from ${url}), 6 samples`), line);
      const second = await runScript("scripts/part4_2_torch.ts", args, env(dir));
      assert.equal(second.code, 0, second.stderr);
      assert.equal(
        second.stdout.split("\n")[0],
        `Data: ${path} (from the cache, downloaded earlier from ${url}), 6 samples`,
      );
    });
  });
});

Deno.test("provenance: NN_DATA_DIR naming no folder is an error naming the variable, not the rings", async () => {
  await withScratch(async (dir) => {
    const nowhere = join(dir, "nowhere");
    for (const script of ["part4_2.ts", "part4_3.ts", "part4_3_show.ts"]) {
      const result = await runScript(
        `scripts/${script}`,
        ["--epochs", "1", "--out", join(dir, "out")].slice(script === "part4_3_show.ts" ? 2 : 0),
        env(dir, nowhere),
      );
      failsWith(
        result,
        `error: NN_DATA_DIR: expected the folder of the data sets, found no such folder ` +
          `"${nowhere}" (fix or unset NN_DATA_DIR)`,
      );
    }
    // A file is not a folder either.
    const result = await runScript(
      "scripts/part4_1.ts",
      [],
      env(dir, join(dir, "mirror", "ex2data2.txt")),
    );
    failsWith(
      result,
      `error: NN_DATA_DIR: expected the folder of the data sets, found a file at ` +
        `"${join(dir, "mirror", "ex2data2.txt")}" (fix or unset NN_DATA_DIR)`,
    );
  });
});

Deno.test("provenance: a missing --data path says no such file; a folder says it is one", async () => {
  await withScratch(async (dir) => {
    const missing = join(dir, "missing.csv");
    const absent = await runScript(
      "scripts/part4_2.ts",
      ["--data", missing, "--out", join(dir, "out")],
      env(dir),
    );
    failsWith(absent, `error: ${missing}: no such file`);
    const folder = await runScript(
      "scripts/part4_1.ts",
      ["--data", join(dir, "mirror")],
      env(dir),
    );
    failsWith(folder, `error: ${join(dir, "mirror")}: expected a file, found a folder`);
  });
});

Deno.test("provenance: --data takes any CSV of x1,x2,label (BOM, CRLF, 6 rows) and names it", async () => {
  await withScratch(async (dir) => {
    const path = join(dir, "chips.csv");
    await Deno.writeTextFile(path, SMALL_CSV);
    const result = await runScript(
      "scripts/part4_2.ts",
      ["--data", path, "--epochs", "10", "--out", join(dir, "out")],
      env(dir, join(dir, "mirror")),
    );
    assert.equal(result.code, 0, result.stderr);
    assert.ok(
      result.stdout.startsWith(`Data: ${path} (the path given), 6 samples\n`),
      result.stdout,
    );
    const metrics = JSON.parse(await Deno.readTextFile(join(dir, "out", "metrics.json")));
    assert.equal(metrics.data, `${path} (the path given)`);
    // Part4-1 reads it too (the book's model on six points of its own).
    const part41 = await runScript("scripts/part4_1.ts", ["--data", path], env(dir));
    assert.equal(part41.code, 0, part41.stderr);
    assert.ok(part41.stdout.startsWith(`Data: ${path} (the path given), 6 samples\n`));
  });
});

Deno.test("provenance: a CSV of one label, or a label other than 0 and 1, stops the run", async () => {
  await withScratch(async (dir) => {
    const one = join(dir, "one.csv");
    await Deno.writeTextFile(one, "0.1,0.2,1\n0.3,0.4,1\n");
    failsWith(
      await runScript("scripts/part4_2.ts", ["--data", one, "--out", join(dir, "out")], env(dir)),
      `error: ${one}: column 3 ("accepted"): expected rows of both labels 0 and 1, ` +
        "found none labelled 0",
    );
    const two = join(dir, "two.csv");
    await Deno.writeTextFile(two, "0.1,0.2,1\n0.3,0.4,0\n0.5,0.1,2\n");
    failsWith(
      await runScript("scripts/part4_2.ts", ["--data", two, "--out", join(dir, "out")], env(dir)),
      `error: ${two}: row 3, column 3 ("accepted"): expected a label 0 or 1, found 2`,
    );
  });
});

Deno.test("provenance: offline with an empty cache and no net permission, Part4-2 trains on the rings and says so", async () => {
  await withScratch(async (dir) => {
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        "--no-prompt",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        "scripts/part4_2.ts",
        "--epochs",
        "10",
        "--out",
        join(dir, "out"),
      ],
      env: { NO_COLOR: "1", ...env(dir) },
      clearEnv: true,
      cwd: new URL("../../", import.meta.url).pathname,
    }).output();
    const [out, err] = [new TextDecoder().decode(stdout), new TextDecoder().decode(stderr)];
    assert.equal(code, 0, err);
    assert.ok(out.startsWith("Data: synthetic rings (offline), 118 samples\n"), out);
    assert.match(err, /Requires net access to "raw\.githubusercontent\.com:443"/);
    assert.match(err, /synthetic two-ring data set/);
  });
});

/** A folder holding IDX files of `train` and `test` images of `rows` × `cols` (gzipped), with labels. */
async function idxFolder(dir: string, train: number, test: number, rows = 28, cols = 28) {
  await Deno.mkdir(dir, { recursive: true });
  for (const [prefix, count] of [["train", train], ["t10k", test]] as const) {
    const pixels = Uint8Array.from({ length: count * rows * cols }, (_, i) => (i * 37) % 256);
    const labels = Array.from({ length: count }, (_, i) => i % 10);
    await Deno.writeFile(
      join(dir, `${prefix}-images-idx3-ubyte.gz`),
      await gzip(idx([count, rows, cols], pixels)),
    );
    await Deno.writeFile(
      join(dir, `${prefix}-labels-idx1-ubyte.gz`),
      await gzip(idx([count], labels)),
    );
  }
}

Deno.test("provenance: part4_3 --data FOLDER takes IDX files of any count and names them", async () => {
  await withScratch(async (dir) => {
    const folder = join(dir, "idx");
    await idxFolder(folder, 30, 10);
    const result = await runScript(
      "scripts/part4_3.ts",
      ["--data", folder, "--recipe", "fast", "--epochs", "1", "--out", join(dir, "out")],
      env(dir, join(dir, "mirror")),
    );
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.split("\n");
    assert.equal(
      lines[0],
      `Training data: ${folder}/train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz ` +
        "(the folder given)",
    );
    assert.equal(
      lines[1],
      `Test data: ${folder}/t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz ` +
        "(the folder given)",
    );
    assert.ok(lines[2].startsWith("mnist: 30 training and 10 test images; recipe fast"), lines[2]);
    // The help's default is the rate the recipe runs.
    assert.ok(lines[2].includes(", lr 0.002, batches of 128"), lines[2]);
  });
});

Deno.test("provenance: part4_3_show --data URL downloads the files and says from where", async () => {
  await withScratch(async (dir) => {
    await idxFolder(join(dir, "idx"), 3, 7);
    await withServer(dir, async (base) => {
      const result = await runScript(
        "scripts/part4_3_show.ts",
        ["--data", `${base}/idx/`, "--split", "test", "--count", "2", "--out", join(dir, "out")],
        env(dir),
      );
      assert.equal(result.code, 0, result.stderr);
      const lines = result.stdout.split("\n");
      const first = lines.find((l) => l.startsWith("Data: "))!;
      assert.match(first, /^Data: \/\S+\/t10k-images-idx3-ubyte\.gz \(downloaded from /);
      // The images file the header is read from is the downloaded one.
      assert.equal(lines[0], `Images file: ${first.slice(6, first.indexOf(" ("))}`);
      assert.ok(first.includes(`(downloaded from ${base}/idx/t10k-images-idx3-ubyte.gz)`), first);
      assert.ok(first.includes(`(downloaded from ${base}/idx/t10k-labels-idx1-ubyte.gz)`), first);
      assert.ok(result.stdout.includes("Number of images: 7\n"), result.stdout);
    });
  });
});

Deno.test("provenance: part4_3 --data FILE says it expects a folder; a missing one says so; 27×28 images are refused", async () => {
  await withScratch(async (dir) => {
    const out = ["--out", join(dir, "out")];
    const file = join(dir, "mirror", "ex2data2.txt");
    failsWith(
      await runScript("scripts/part4_3.ts", ["--data", file, ...out], env(dir)),
      `error: ${file}: expected a folder holding mnist's IDX files (such as ` +
        "t10k-images-idx3-ubyte.gz), found a file",
    );
    const none = join(dir, "none");
    failsWith(
      await runScript("scripts/part4_3_show.ts", ["--data", none, ...out], env(dir)),
      `error: ${none}: expected a folder holding mnist's IDX files (such as ` +
        "t10k-images-idx3-ubyte.gz), found no such folder",
    );
    const narrow = join(dir, "narrow");
    await idxFolder(narrow, 4, 4, 27, 28);
    failsWith(
      await runScript("scripts/part4_3.ts", ["--data", narrow, ...out], env(dir)),
      `error: ${narrow}/train-images-idx3-ubyte.gz: expected n × 28 × 28 values as mnist's ` +
        "train split, found 4 × 27 × 28",
    );
  });
});
