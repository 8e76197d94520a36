/**
 * What the WebGPU backend says when something is wrong or impossible: float64,
 * synchronous reads, a shader that does not compile, a lost device, an index
 * out of range, no adapter at all; how "auto" chooses and explains itself; and
 * how GPU tensors print.
 */

import * as nn from "../../mod.ts";
import { NeuralNetwork } from "../../lib/models/neural_network.ts";
import { assert, assertEquals, assertThrows } from "../assert.ts";
import { gpuTest, on } from "./helpers.ts";

const modUrl = new URL("../../mod.ts", import.meta.url).href;

/** Runs `code` (a module importing the package as `nn`) in a child Deno with extra `env`. */
async function child(code: string, env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", `import * as nn from ${JSON.stringify(modUrl)};\n${code}`],
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

gpuTest("float64 is a TypeError that says to use float32", async () => {
  await nn.setBackend("webgpu");
  assertThrows(() => nn.tensor([1, 2], { dtype: "float64" }), TypeError, "float64");
  assertThrows(() => nn.randn([2], { dtype: "float64" }), TypeError, 'use dtype "float32"');
  assertThrows(() => nn.tensor([1, 2]).astype("float64"), TypeError, "WGSL has no 64-bit floats");
  // The book's networks draw in float64 by default: on this backend, make them in float32 on the CPU.
  assertThrows(() => new NeuralNetwork(2, 3, 1), TypeError, "float64");
});

gpuTest("synchronous reads say how to read asynchronously", async () => {
  await nn.setBackend("webgpu");
  const x = nn.tensor([[1, 2], [3, 4]]);
  assertThrows(() => x.dataSync(), TypeError, "use `await t.data()`");
  assertThrows(() => x.toArray(), TypeError, "use `await t.array()`");
  assertThrows(() => x.sum().item(), TypeError, "use `await t.itemAsync()`");
  assertEquals(await x.array(), [[1, 2], [3, 4]]);
  assertEquals(await x.sum().itemAsync(), 10);
});

gpuTest("a GPU tensor prints a hint until it is read, then its values", async () => {
  await nn.setBackend("webgpu");
  const x = nn.tensor([[1.5, 2], [3, 4]]).mul(2);
  const tail = "shape=[2, 2], dtype=float32, backend=webgpu)";
  assertEquals(
    Deno.inspect(x),
    `Tensor(<4 values on the webgpu backend: await t.data() to read them>, ${tail}`,
  );
  await x.data();
  assertEquals(Deno.inspect(x), `Tensor([[3., 4.],\n        [6., 8.]], ${tail}`);
});

gpuTest("a shader that does not compile is an error naming it, at the next read", async (g) => {
  const x = on(g, new Float32Array([1, 2, 3]), [3]);
  g.run({
    label: "broken_kernel",
    operands: [{ name: "x", storage: x.storage as never, type: "f32", access: "write" }],
    params: [],
    workgroupSize: 64,
    workgroups: 1,
    code: "fn run(wg: u32, li: u32) { x_st(li, vec2<f32>(1.0)); }",
  });
  let error: unknown = null;
  try {
    await g.sync();
  } catch (e) {
    error = e;
  }
  assert(error instanceof Error, `expected an Error, found ${error}`);
  assert(error.message.includes('the shader "broken_kernel" did not compile'), error.message);
  // The backend goes on working.
  assertEquals([...(await x.add(1).data())], [2, 3, 4]);
});

gpuTest("an index out of range is a RangeError where the CPU knows it", async (g) => {
  await nn.setBackend("webgpu");
  const x = nn.tensor([[1, 2], [3, 4], [5, 6]]);
  assertThrows(() => x.take([0, 3], 0), RangeError, "take: index 3 is out of range for axis 0");
  assertThrows(() => x.take(nn.tensor([-4], { dtype: "int32" }), 0), RangeError, "index -4");
  // Indices computed on the GPU cannot be checked without waiting: out of range reads 0.
  const computed = nn.tensor([1, 5], { dtype: "int32" }).mul(2);
  assertEquals(await x.take(computed, 0).array(), [[5, 6], [0, 0]]);
  assert(g.bytesHeld() > 0);
});

gpuTest("a lost device is reported with its reason; setBackend makes a new one", async () => {
  // In a child process: destroying a device that did work can crash Deno when it exits.
  const selectUrl = new URL("../../lib/tensor/select_backend.ts", import.meta.url).href;
  const lost = await child(`
    const { currentBackend } = await import(${JSON.stringify(selectUrl)});
    await nn.setBackend("webgpu");
    const x = nn.tensor([1, 2]).add(1);
    await x.data();
    const first = currentBackend();
    first.device.destroy();
    await new Promise((r) => setTimeout(r, 50));
    let message = "";
    try { x.add(1); } catch (e) { message = e.message; }
    await nn.setBackend("webgpu");
    const again = await nn.tensor([1, 2]).add(1).array();
    console.log(JSON.stringify({ lost: first.lost, message, fresh: currentBackend() !== first, again }));
  `);
  assertEquals(lost.code, 0, lost.stderr);
  const result = JSON.parse(lost.stdout);
  assertEquals([result.lost, result.fresh, result.again], [true, true, [2, 3]]);
  assert(result.message.includes("the GPU device was lost (destroyed"), result.message);
  assert(result.message.includes('call setBackend("webgpu") again'), result.message);
});

gpuTest(
  '"auto" takes a software adapter only when NN_BACKEND says so, and NN_DEBUG says why',
  async (g) => {
    const code = `await nn.setBackend("auto"); console.log(nn.getBackend());`;
    const auto = await child(code, { NN_DEBUG: "1" });
    assertEquals(auto.code, 0, auto.stderr);
    const software = g.software;
    assertEquals(auto.stdout.trim(), software ? "cpu" : "webgpu");
    assert(auto.stderr.includes('backend "auto" →'), auto.stderr);
    if (software) assert(auto.stderr.includes("software rasteriser"), auto.stderr);
    const forced = await child(code, { NN_BACKEND: "webgpu" });
    assertEquals(forced.stdout.trim(), "webgpu", forced.stderr);
    const bad = await child(code, { NN_BACKEND: "tpu" });
    assert(bad.code !== 0 && bad.stderr.includes("NN_BACKEND must be"), bad.stderr);
    // NN_DEBUG=wgsl prints each shader once, however often it runs.
    const wgsl = await child(
      `await nn.setBackend("webgpu"); const x = nn.tensor([1, 2]);
     await x.exp().data(); await x.exp().data();`,
      { NN_DEBUG: "wgsl" },
    );
    assertEquals(wgsl.code, 0, wgsl.stderr);
    assertEquals(wgsl.stderr.split('shader "unary_exp_f32_f32"').length - 1, 1, wgsl.stderr);
    assert(wgsl.stderr.includes("fn run(wg: u32, li: u32)"), wgsl.stderr);
  },
);

Deno.test({
  name: "without an adapter: auto falls back quietly, webgpu says why, GPU tests skip or fail",
  sanitizeResources: false,
  fn: async () => {
    // On these machines DENO_WEBGPU_BACKEND=vulkan finds no adapter; elsewhere it may find one.
    const env = { DENO_WEBGPU_BACKEND: "vulkan" };
    const probe = await child(`console.log(await navigator.gpu.requestAdapter() === null);`, env);
    if (probe.stdout.trim() !== "true") {
      console.warn("a Vulkan adapter exists here: the no-adapter path is not tested");
      return;
    }
    const auto = await child(`await nn.setBackend("auto"); console.log(nn.getBackend());`, env);
    assertEquals([auto.code, auto.stdout.trim(), auto.stderr], [0, "cpu", ""]);
    const explained = await child(`await nn.setBackend("auto");`, { ...env, NN_DEBUG: "1" });
    assert(
      explained.stderr.includes('"cpu": navigator.gpu.requestAdapter() found no'),
      explained.stderr,
    );
    const webgpu = await child(`await nn.setBackend("webgpu");`, env);
    assert(webgpu.code !== 0, 'setBackend("webgpu") succeeded without an adapter');
    assert(webgpu.stderr.includes('the "webgpu" backend needs a GPU adapter'), webgpu.stderr);

    const probeTest = new URL("./fixtures/require_probe.ts", import.meta.url).pathname;
    const test = (extra: Record<string, string>) =>
      new Deno.Command(Deno.execPath(), {
        args: ["test", "--no-check", "--allow-env", "--allow-read", probeTest],
        env: { NO_COLOR: "1", ...env, ...extra },
        stdout: "piped",
        stderr: "piped",
      }).output();
    const skipped = await test({ NN_REQUIRE_WEBGPU: "" });
    const skippedOut = new TextDecoder().decode(skipped.stdout) +
      new TextDecoder().decode(skipped.stderr);
    assert(skipped.success, skippedOut);
    assert(
      skippedOut.includes("ignored") && skippedOut.includes("WebGPU tests skipped"),
      skippedOut,
    );
    const required = await test({ NN_REQUIRE_WEBGPU: "1" });
    const requiredOut = new TextDecoder().decode(required.stdout) +
      new TextDecoder().decode(required.stderr);
    assert(
      !required.success &&
        requiredOut.includes("NN_REQUIRE_WEBGPU=1, but there is no WebGPU adapter"),
      requiredOut,
    );
  },
});
