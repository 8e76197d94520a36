/**
 * The object every plot function returns: the SVG text, a way to save it, and
 * the hook that shows it inline in a Jupyter notebook run by Deno's kernel.
 *
 * @module
 */

import { writeFileAtomic } from "../host.ts";

// The key Deno's Jupyter kernel looks up to show an object; typed as a unique
// symbol so that the method below is part of the class's type.
const jupyterDisplay: unique symbol = Symbol.for("Jupyter.display");

/**
 * A finished plot.
 *
 * Chapter: all exercises (plots).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Plot } from "./plot.ts";
 * const plot = new Plot('<svg xmlns="http://www.w3.org/2000/svg"/>');
 * assert.equal(String(plot), plot.svg);
 * const show = (plot as unknown as Record<symbol, () => Record<string, string>>)[
 *   Symbol.for("Jupyter.display")
 * ];
 * assert.equal(show.call(plot)["image/svg+xml"], plot.svg);
 * // The REPL shows one line, not the document:
 * const drawn = new Plot('<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480"/>', "linePlot");
 * assert.equal(Deno.inspect(drawn), 'Plot(linePlot, 640×480, 66 bytes of SVG; .save("name.svg") writes it)');
 * ```
 */
export class Plot {
  /** The SVG document. */
  readonly svg: string;

  /** Which function drew it (`"linePlot"`, `"scatter"`, …), for its one-line summary. */
  readonly kind: string;

  /** Wraps a finished SVG document, drawn by the function named `kind`. */
  constructor(svg: string, kind = "plot") {
    this.svg = svg;
    this.kind = kind;
  }

  /**
   * One line for the REPL and `console.log`, instead of the whole SVG: the
   * kind, the size in pixels and in bytes. (`plot.svg` is the document itself.)
   */
  [Symbol.for("Deno.customInspect")](): string {
    const size = /^<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(this.svg);
    const pixels = size ? `${size[1]}×${size[2]}, ` : "";
    const bytes = new TextEncoder().encode(this.svg).length;
    const amount = bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(1)} KB`;
    return `Plot(${this.kind}, ${pixels}${amount} of SVG; .save("name.svg") writes it)`;
  }

  /**
   * Writes the SVG to `path` atomically: to a temporary file in the same folder,
   * then renamed, so a reader never sees half a file. Needs Deno and write
   * permission for the folder.
   */
  async save(path: string): Promise<void> {
    await writeFileAtomic(path, this.svg);
  }

  /** The SVG document, so that a plot can be used wherever a string is. */
  toString(): string {
    return this.svg;
  }

  /** What Deno's Jupyter kernel shows for this object: the SVG, inline. */
  [jupyterDisplay](): { "image/svg+xml": string } {
    return { "image/svg+xml": this.svg };
  }
}
