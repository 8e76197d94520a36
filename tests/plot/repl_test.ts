/**
 * `deno task repl` as a learner uses it: a plot evaluated at the prompt shows a
 * one-line summary, not the whole SVG, and `save` writes into the current
 * folder (the repository root, where the task runs) without a permission prompt.
 */

import assert from "node:assert/strict";

Deno.test("deno task repl: a plot shows one line and saves without a prompt", async () => {
  const root = new URL("../../", import.meta.url);
  const name = `.repl_test_${crypto.randomUUID().slice(0, 8)}.svg`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "repl"],
    cwd: root.pathname,
    env: { NO_COLOR: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(
    `nn.linePlot([1, 2, 3])\nawait nn.linePlot([1, 2]).save("${name}")\n` +
      `Deno.statSync("${name}").size > 1000\n`,
  ));
  await writer.close();
  try {
    const { stdout, stderr } = await child.output();
    const lines = new TextDecoder().decode(stdout).trim().split("\n");
    const errors = new TextDecoder().decode(stderr);
    assert.ok(
      lines.some((l) =>
        /^Plot\(linePlot, 640×480, [\d.]+ KB of SVG; \.save\("name\.svg"\) writes it\)$/.test(l)
      ),
      lines.join("\n"),
    );
    assert.equal(lines.at(-1), "true", `${lines.join("\n")}\n${errors}`);
    assert.ok(!/prompt|Granted|Denied/i.test(errors), errors);
  } finally {
    await Deno.remove(new URL(name, root)).catch(() => {});
  }
});
