/**
 * Huge pages for large CPU arrays (lib/tensor/cpu/huge_pages.ts): advised on
 * Linux when FFI is allowed (these tests run with --allow-ffi), never for
 * small arrays, never with NN_HUGE_PAGES=0, and the array stays an ordinary
 * zero-filled array.
 */

import { adviseHugePages } from "../../lib/tensor/cpu/huge_pages.ts";
import * as nn from "../../mod.ts";
import { assert, assertEquals } from "../assert.ts";

const thp = await Deno.readTextFile("/sys/kernel/mm/transparent_hugepage/enabled").catch(() => "");
const kernelTakesAdvice = Deno.build.os === "linux" && thp !== "" && !thp.includes("[never]");

Deno.test("a large array is advised where the kernel takes it; a small one never", () => {
  assertEquals(adviseHugePages(new Float64Array(1000)), false);
  assertEquals(adviseHugePages(new Float32Array((4 << 20) / 4 - 1)), false, "just under 4 MiB");
  if (kernelTakesAdvice) assertEquals(adviseHugePages(new Float64Array(1 << 20)), true);
});

Deno.test("a tensor of huge pages reads and writes as any other", () => {
  const x = nn.zeros([1024, 1024], { dtype: "float64" }); // 8 MiB: advised when it was made
  assertEquals(x.sum().item(), 0);
  const y = x.add(2).mul(nn.arange(1024).astype("float64"));
  const data = y.dataSync();
  assertEquals([data[0], data[1], data[1023], data[1024 * 1024 - 1]], [0, 2, 2046, 2046]);
});

Deno.test("NN_HUGE_PAGES=0 turns the advice off", async () => {
  const code = `import { adviseHugePages } from "${
    new URL("../../lib/tensor/cpu/huge_pages.ts", import.meta.url).href
  }"; console.log(adviseHugePages(new Float64Array(1 << 20)));`;
  const run = (env: Record<string, string>) =>
    new Deno.Command(Deno.execPath(), { args: ["eval", code], env, stdout: "piped" }).output();
  const off = await run({ NN_HUGE_PAGES: "0" });
  assert(off.success);
  assertEquals(new TextDecoder().decode(off.stdout).trim(), "false");
  if (kernelTakesAdvice) {
    const on = await run({ NN_HUGE_PAGES: "1" });
    assertEquals(new TextDecoder().decode(on.stdout).trim(), "true");
  }
});
