/**
 * The object every plot function returns: the SVG text, a way to save it, and
 * the hook that shows it inline in a Jupyter notebook run by Deno's kernel.
 *
 * @module
 */

/** The part of Deno that `save` needs; reached through `globalThis` so the rest runs anywhere. */
interface DenoFiles {
  writeTextFile(path: string, data: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
}

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
 * ```
 */
export class Plot {
  /** The SVG document. */
  readonly svg: string;

  /** Wraps a finished SVG document. */
  constructor(svg: string) {
    this.svg = svg;
  }

  /**
   * Writes the SVG to `path` atomically: to a temporary file in the same folder,
   * then renamed, so a reader never sees half a file. Needs Deno and write
   * permission for the folder.
   */
  async save(path: string): Promise<void> {
    const deno = (globalThis as { Deno?: DenoFiles }).Deno;
    if (!deno) {
      throw new TypeError(`Plot.save: expected to run in Deno to write ${path}, found no Deno`);
    }
    const temporary = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
    try {
      await deno.writeTextFile(temporary, this.svg);
      await deno.rename(temporary, path);
    } catch (error) {
      await deno.remove(temporary).catch(() => {});
      // Deno names the temporary file; the permission needed is the folder's
      // (and the rename needs read access as well as write access).
      const denied = error instanceof Error && error.name === "NotCapable" &&
        /^(Requires \w+ access to )"[^"]*"(.*)$/.exec(error.message);
      if (denied) {
        const folder = path.slice(0, path.lastIndexOf("/") + 1) || ".";
        const told = new ((error as Error).constructor as ErrorConstructor)(
          `${denied[1]}"${folder}" (to save ${path} through a temporary file there)${denied[2]}`,
          { cause: error },
        );
        told.name = "NotCapable";
        throw told;
      }
      throw error;
    }
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
