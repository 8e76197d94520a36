/**
 * A run's outputs as one set: all new files or all old ones, never a mix; a
 * folder that cannot hold them is found before the training; a second run on
 * the same folder is told who holds it.
 */

import assert from "node:assert/strict";
import { openOutputs, OutputFolderError } from "../../lib/train/outputs.ts";

async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The folder's entries and their text, hidden files included. */
function contents(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of Deno.readDirSync(dir)) {
    out[entry.name] = entry.isFile ? Deno.readTextFileSync(`${dir}/${entry.name}`) : "<folder>";
  }
  return out;
}

async function saveSet(dir: string, run: string, names = ["model.json", "loss.svg"]) {
  const outputs = await openOutputs(dir);
  try {
    for (const name of names) outputs.add(name, `${name} of ${run}`);
    return await outputs.commit();
  } finally {
    await outputs.release();
  }
}

Deno.test("outputs: a set replaces the last one whole; other files stay; nothing temporary is left", async () => {
  await inTempDir(async (dir) => {
    const out = `${dir}/out`;
    assert.deepEqual(await saveSet(out, "run 1"), [`${out}/model.json`, `${out}/loss.svg`]);
    await Deno.writeTextFile(`${out}/notes.txt`, "mine");
    await saveSet(out, "run 2");
    assert.deepEqual(contents(out), {
      "model.json": "model.json of run 2",
      "loss.svg": "loss.svg of run 2",
      "notes.txt": "mine",
    });
  });
});

Deno.test("outputs: a failure part-way leaves the old set as it was", async () => {
  await inTempDir(async (dir) => {
    const out = `${dir}/out`;
    await saveSet(out, "run 1", ["model.json", "loss.svg", "metrics.json"]);
    // A folder where one of the files goes: refused before anything moves.
    await Deno.remove(`${out}/metrics.json`);
    await Deno.mkdir(`${out}/metrics.json`);
    await assert.rejects(saveSet(out, "run 2", ["model.json", "loss.svg", "metrics.json"]), {
      name: "OutputFolderError",
      message: `--out ${out}: expected metrics.json to be a file or absent, found a folder there`,
    });
    assert.deepEqual(contents(out), {
      "model.json": "model.json of run 1",
      "loss.svg": "loss.svg of run 1",
      "metrics.json": "<folder>",
    });
    await Deno.remove(`${out}/metrics.json`);
    // A write that fails (its temporary name is too long for the file system) after others worked.
    const long = "x".repeat(250);
    await assert.rejects(saveSet(out, "run 3", ["model.json", "loss.svg", long]), (e: unknown) => {
      assert.ok(e instanceof OutputFolderError, String(e));
      assert.match(e.message, /the outputs could not be saved, the folder is as it was/);
      return true;
    });
    assert.deepEqual(contents(out), {
      "model.json": "model.json of run 1",
      "loss.svg": "loss.svg of run 1",
    });
  });
});

Deno.test("outputs: a folder that cannot be made or written is an error naming the flag", async () => {
  await inTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/file`, "");
    await assert.rejects(openOutputs(`${dir}/file`), {
      message: `--out ${dir}/file: expected a folder, found a file`,
    });
    await assert.rejects(openOutputs(`${dir}/file/out`, "--out"), (e: unknown) => {
      assert.ok(e instanceof OutputFolderError);
      assert.match(e.message, new RegExp(`^--out ${dir}/file/out: cannot create the folder \\(`));
      return true;
    });
    await Deno.symlink(`${dir}/nowhere`, `${dir}/dangling`);
    await assert.rejects(
      openOutputs(`${dir}/dangling`),
      /--out .*dangling: cannot create the folder/,
    );
  });
});

Deno.test("outputs: a folder in use says which process holds it; the lock dies with its process", async () => {
  await inTempDir(async (dir) => {
    const mod = new URL("../../lib/train/outputs.ts", import.meta.url).href;
    // Another run: it opens the folder, says so, and holds it until it is killed.
    const holder = new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        `await (await import("${mod}")).openOutputs("${dir}/out"); console.log("held");` +
        "await new Promise(() => setInterval(() => {}, 1000));",
      ],
      stdout: "piped",
    }).spawn();
    const reader = holder.stdout.getReader();
    await reader.read(); // "held"
    await assert.rejects(openOutputs(`${dir}/out`), {
      name: "OutputFolderError",
      message: `--out ${dir}/out is in use by process ${holder.pid}, which is writing its ` +
        "outputs there; wait for it to finish, or choose another folder",
    });
    // Killed, not released: the system lets go of its lock all the same.
    holder.kill("SIGKILL");
    await holder.status;
    reader.releaseLock();
    await holder.stdout.cancel();
    const outputs = await openOutputs(`${dir}/out`);
    assert.equal(Deno.readTextFileSync(`${dir}/out/.lock`), `${Deno.pid}\n`);
    await outputs.release();
    assert.deepEqual(contents(`${dir}/out`), {});
  });
});
