import assert from "node:assert/strict";
import { Plot } from "../../lib/plot/plot.ts";
import { linePlot } from "../../lib/plot/line.ts";

Deno.test("save writes the SVG atomically and leaves no temporary file behind", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/loss.svg`;
    await Deno.writeTextFile(path, "old");
    const plot = linePlot([3, 2, 1]);
    await plot.save(path);
    assert.equal(await Deno.readTextFile(path), plot.svg);
    const names = [...Deno.readDirSync(dir)].map((e) => e.name);
    assert.deepEqual(names, ["loss.svg"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a save that fails throws and leaves nothing half-written", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // The target is a folder: the rename fails after the temporary file was written.
    await Deno.mkdir(`${dir}/taken.svg/inner`, { recursive: true });
    await assert.rejects(new Plot("<svg/>").save(`${dir}/taken.svg`));
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["taken.svg"]);
    await assert.rejects(new Plot("<svg/>").save(`${dir}/missing/x.svg`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a plot is its SVG as a string and shows inline in Jupyter", () => {
  const plot = linePlot([1, 2]);
  assert.equal(`${plot}`, plot.svg);
  // As Deno's kernel calls it: by the registered symbol, on the object.
  const display = (plot as unknown as Record<symbol, () => unknown>)[Symbol.for("Jupyter.display")];
  assert.deepEqual(display.call(plot), { "image/svg+xml": plot.svg });
});
