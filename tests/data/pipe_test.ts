/**
 * A data file given as a pipe (`--data <(gunzip -c ex2data2.txt.gz)`, a named
 * FIFO) is read as a file is, not reported as "no such file".
 */

import { join } from "node:path";
import { datasets } from "../../mod.ts";
import { EX2DATA2 } from "../datasets.ts";
import { assertEquals } from "../assert.ts";
import { withTempDir } from "./helpers.ts";

Deno.test({
  name: "a named pipe is read as the data file it carries",
  ignore: Deno.build.os === "windows",
  fn: () =>
    withTempDir(async (dir) => {
      const fifo = join(dir, "ex2data2.fifo");
      const made = await new Deno.Command("mkfifo", { args: [fifo] }).output();
      assertEquals(made.code, 0, new TextDecoder().decode(made.stderr));
      // The writer blocks until the reader opens the pipe: start both, then wait for both.
      const writing = Deno.writeFile(fifo, EX2DATA2);
      const { X, y, source } = await datasets.ex2data2({ url: fifo, cacheDir: dir });
      await writing;
      assertEquals([X.shape, y.shape], [[118, 2], [118, 1]]);
      assertEquals(source, `${fifo} (the path given)`);
    }),
});
