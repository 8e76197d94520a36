/**
 * Every exported name's doc comment says which section of the chapter it
 * belongs to (a line `Chapter: …`), read from `deno doc --json mod.ts`.
 */

import { assert } from "../assert.ts";

type Declaration = { jsDoc?: { doc?: string }; def?: { elements?: DocSymbol[] } };
type DocSymbol = { name: string; declarations: Declaration[] };

Deno.test("every exported name's doc comment names its chapter section", async () => {
  const root = new URL("../../", import.meta.url);
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", "mod.ts"],
    cwd: root.pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert(code === 0, new TextDecoder().decode(stderr));
  const json = JSON.parse(new TextDecoder().decode(stdout));
  const symbols: DocSymbol[] =
    Object.values(json.nodes as Record<string, { symbols: DocSymbol[] }>)[0]
      .symbols;
  const missing: string[] = [];
  const walk = (list: DocSymbol[], prefix: string) => {
    for (const symbol of list) {
      const docs = symbol.declarations.map((d) => d.jsDoc?.doc ?? "");
      const inner = symbol.declarations.flatMap((d) => d.def?.elements ?? []);
      if (inner.length > 0 && docs.every((d) => d === "")) {
        walk(inner, `${prefix}${symbol.name}.`); // a namespace (`optim`): its members carry the line
      } else if (!docs.some((d) => d.includes("Chapter: "))) missing.push(prefix + symbol.name);
    }
  };
  walk(symbols, "");
  assert(symbols.length > 100, `only ${symbols.length} exported names found`);
  assert(missing.length === 0, `no "Chapter: …" line in the doc of: ${missing.join(", ")}`);
});
