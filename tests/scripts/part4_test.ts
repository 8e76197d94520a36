/**
 * Part4-1 and Part4-2 end to end, as a reader runs them: the data set downloaded
 * over HTTP (a local server on 127.0.0.1 stands in for its URL), the scripts run
 * as separate processes, from a path and from an http:// URL.
 */

import * as nn from "../../mod.ts";
import { assert, assertClose, assertEquals } from "../assert.ts";
import { FIXTURES } from "../datasets.ts";
import { runScript } from "./run.ts";

const root = new URL("../../", import.meta.url);
const fixture = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/models/book_network.json", import.meta.url)),
);

/** Serves the repository at / and the shipped data sets at /data-sets/ on 127.0.0.1. */
function serve(): { url: string; close: () => Promise<void>; requests: string[] } {
  const requests: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname);
    requests.push(path);
    const file = path.startsWith("/data-sets/")
      ? `${FIXTURES}${path.slice("/data-sets/".length)}`
      : new URL(`.${path}`, root).pathname;
    if (path.includes("..")) return new Response("no", { status: 403 });
    try {
      return new Response(await Deno.readFile(file));
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown(), requests };
}

/** Runs a script with no data mirror and a private cache. */
function run(script: string, args: string[], cache: string) {
  return runScript(script, args, { NN_CACHE_DIR: cache });
}

Deno.test("part4_2 downloads the data, trains as the book, and writes its outputs", async () => {
  const server = serve();
  const tmp = await Deno.makeTempDir();
  try {
    const data = `${server.url}/data-sets/ex2data2.txt`;
    const result = await run("scripts/part4_2.ts", ["--data", data, "--out", `${tmp}/out`], tmp);
    assertEquals(result.code, 0, result.stderr);
    assert(result.stdout.includes("Final Accuracy: 83.90%"), result.stdout);
    assert(result.stdout.includes("Final loss: 0.355675"), result.stdout);
    const metrics = JSON.parse(await Deno.readTextFile(`${tmp}/out/metrics.json`));
    assertEquals([metrics.epochs, metrics.loss.length], [5000, 5000]);
    assertClose(metrics.loss, fixture.seed0.losses, 1e-9, 0, "loss history");
    for (const file of ["model.json", "loss.svg", "decision_boundary.svg"]) {
      assert((await Deno.stat(`${tmp}/out/${file}`)).size > 0, file);
    }
    assert(server.requests.includes("/data-sets/ex2data2.txt"), "the data came over HTTP");
  } finally {
    await server.close();
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("part4_2_torch trains as PyTorch 1.13 does and its safetensors loads back", async () => {
  const server = serve();
  const tmp = await Deno.makeTempDir();
  try {
    const data = `${server.url}/data-sets/ex2data2.txt`;
    const result = await run("scripts/part4_2_torch.ts", ["--data", data, "--out", tmp], tmp);
    assertEquals(result.code, 0, result.stderr);
    const torch = JSON.parse(
      await Deno.readTextFile(new URL("../fixtures/nn/part4_2_torch.json", import.meta.url)),
    );
    const metrics = JSON.parse(await Deno.readTextFile(`${tmp}/metrics_torch.json`));
    assertClose(metrics.loss, torch.losses, 1e-9, 0, "loss history against PyTorch");
    assertEquals(metrics.accuracy, torch.accuracy);
    assert(result.stdout.includes("Final Accuracy: 84.75%"), result.stdout);
    const { tensors } = nn.decodeSafetensors(await Deno.readFile(`${tmp}/model.safetensors`));
    assertEquals(Object.keys(tensors).sort(), ["0.bias", "0.weight", "2.bias", "2.weight"]);
    assertEquals(tensors["0.weight"].shape, [10, 2]);
  } finally {
    await server.close();
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("part4_1 runs from an http:// URL and loads model.json from a URL", async () => {
  const server = serve();
  const tmp = await Deno.makeTempDir();
  try {
    const result = await run(`${server.url}/scripts/part4_1.ts`, [
      "--data",
      `${server.url}/data-sets/ex2data2.txt`,
      "--model",
      `${server.url}/data/model.json`,
    ], tmp);
    assertEquals(result.code, 0, result.stderr);
    assert(result.stdout.includes("Final Accuracy: 83.90%"), result.stdout);
    assert(server.requests.includes("/lib/tensor/tensor.ts"), "the module came over HTTP");
  } finally {
    await server.close();
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("bad flags exit 2 with the usage; bad data exits 1 and leaves outputs alone", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    for (const args of [["--epochs", "-1"], ["--lr", "abc"], ["--dtype", "float16"], ["--nope"]]) {
      const result = await run("scripts/part4_2.ts", args, tmp);
      assertEquals(result.code, 2, `${args}: ${result.stderr}`);
      assert(
        result.stderr.startsWith("error: ") && result.stderr.includes("Usage:"),
        result.stderr,
      );
    }
    await Deno.mkdir(`${tmp}/out`);
    await Deno.writeTextFile(`${tmp}/out/model.json`, "keep me");
    await Deno.writeTextFile(`${tmp}/bad.csv`, "0.1,0.2,1\n0.3,abc,0\n");
    const result = await run("scripts/part4_2.ts", [
      "--data",
      `${tmp}/bad.csv`,
      "--out",
      `${tmp}/out`,
    ], tmp);
    assertEquals(result.code, 1, result.stderr);
    assertEquals(result.stderr.trim().split("\n").length, 1, result.stderr);
    assert(result.stderr.includes("line 2, column 2"), result.stderr);
    assertEquals(await Deno.readTextFile(`${tmp}/out/model.json`), "keep me");
    const help = await run("scripts/part4_1.ts", ["--help"], tmp);
    assertEquals(help.code, 0);
    assert(help.stdout.includes("--model VALUE"), help.stdout);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
