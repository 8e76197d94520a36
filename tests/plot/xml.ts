/**
 * A small, strict XML parser for the plot tests: it throws on anything that is
 * not well-formed (unclosed or crossed tags, unquoted or repeated attributes, a
 * bare `<` or `&`, unknown entities) and returns the element tree, so tests
 * can also ask what the SVG contains.
 *
 * @module
 */

/** An element with its attributes and children (elements and decoded text). */
export interface Element {
  name: string;
  attrs: Record<string, string>;
  children: (Element | string)[];
}

const NAME = /^[A-Za-z_:][\w:.-]*/;
const ENTITY = /^&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/;
const DECODE: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** Parses `xml`, throwing an Error that names the offset of the first fault. */
export function parseXml(xml: string): Element {
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(
      `not well-formed XML at offset ${i}: ${what}: ${JSON.stringify(xml.slice(i, i + 40))}`,
    );
  };
  const decode = (raw: string, inAttribute: boolean): string => {
    let out = "";
    for (let k = 0; k < raw.length; k++) {
      const c = raw[k];
      if (c === "<") fail("bare < in " + (inAttribute ? "an attribute" : "text"));
      if (c === "&") {
        const m = raw.slice(k).match(ENTITY);
        if (!m) fail("bare & or unknown entity");
        const name = m![1];
        out += name[0] === "#"
          ? String.fromCodePoint(
            name[1] === "x" ? parseInt(name.slice(2), 16) : Number(name.slice(1)),
          )
          : DECODE[name];
        k += m![0].length - 1;
      } else out += c;
    }
    return out;
  };
  const skipMisc = () => {
    for (;;) {
      const ws = xml.slice(i).match(/^\s*/)![0].length;
      i += ws;
      if (xml.startsWith("<?", i)) i = xml.indexOf("?>", i) + 2;
      else if (xml.startsWith("<!--", i)) i = xml.indexOf("-->", i) + 3;
      else return;
      if (i < 2) fail("unterminated declaration or comment");
    }
  };
  const element = (): Element => {
    if (xml[i] !== "<") fail("expected <");
    i++;
    const name = xml.slice(i).match(NAME)?.[0] ?? fail("expected a tag name");
    i += name.length;
    const attrs: Record<string, string> = {};
    for (;;) {
      const ws = xml.slice(i).match(/^\s*/)![0].length;
      i += ws;
      if (xml.startsWith("/>", i)) {
        i += 2;
        return { name, attrs, children: [] };
      }
      if (xml[i] === ">") {
        i++;
        break;
      }
      if (ws === 0) fail("expected whitespace before an attribute");
      const attr = xml.slice(i).match(NAME)?.[0] ?? fail("expected an attribute name");
      i += attr.length;
      if (attr in attrs) fail(`repeated attribute ${attr}`);
      const m = xml.slice(i).match(/^\s*=\s*("([^"]*)"|'([^']*)')/) ?? fail('expected ="value"');
      attrs[attr] = decode(m[2] ?? m[3], true);
      i += m[0].length;
    }
    const children: (Element | string)[] = [];
    for (;;) {
      const next = xml.indexOf("<", i);
      if (next < 0) fail(`unclosed <${name}>`);
      if (next > i) children.push(decode(xml.slice(i, next), false));
      i = next;
      if (xml.startsWith("</", i)) {
        const close = xml.slice(i + 2).match(NAME)?.[0];
        if (close !== name) fail(`expected </${name}>, found </${close}>`);
        i += 2 + name.length;
        const end = xml.slice(i).match(/^\s*>/) ?? fail("expected >");
        i += end[0].length;
        return { name, attrs, children };
      }
      if (xml.startsWith("<!--", i)) {
        i = xml.indexOf("-->", i) + 3;
        if (i < 3) fail("unterminated comment");
        continue;
      }
      children.push(element());
    }
  };
  skipMisc();
  const root = element();
  skipMisc();
  if (i !== xml.length) fail("content after the root element");
  return root;
}

/** Every element under `root` (itself included) for which `test` holds, in document order. */
export function findAll(root: Element, test: (e: Element) => boolean): Element[] {
  const out: Element[] = [];
  const visit = (e: Element) => {
    if (test(e)) out.push(e);
    for (const c of e.children) if (typeof c !== "string") visit(c);
  };
  visit(root);
  return out;
}

/** The text inside `e`. */
export function textOf(e: Element): string {
  return e.children.map((c) => typeof c === "string" ? c : textOf(c)).join("");
}

/** The texts of all `<text>` elements under `root` whose ancestors include class `group` (or all). */
export function texts(root: Element, group?: string): string[] {
  const scope = group === undefined ? [root] : findAll(root, (e) => hasClass(e, group));
  return scope.flatMap((s) => findAll(s, (e) => e.name === "text").map(textOf));
}

/** Whether `e`'s class attribute lists `name`. */
export function hasClass(e: Element, name: string): boolean {
  return (e.attrs.class ?? "").split(/\s+/).includes(name);
}

/**
 * The linear map from data to pixels along one axis, read off the SVG itself:
 * the positions of the first and last tick labels of group `x-ticks` or
 * `y-ticks` and the numbers they show.
 */
export function axisMap(root: Element, axis: "x" | "y"): (v: number) => number {
  const { toPixel } = axisScale(root, axis);
  return toPixel;
}

/** Both directions of {@linkcode axisMap}'s linear map. */
export function axisScale(
  root: Element,
  axis: "x" | "y",
): { toPixel: (v: number) => number; toData: (p: number) => number } {
  const [group] = findAll(root, (e) => hasClass(e, `${axis}-ticks`));
  const ticks = findAll(group, (e) => e.name === "text").map((e) => ({
    value: Number(textOf(e).replace("−", "-")),
    pixel: Number(e.attrs[axis]) - (axis === "y" ? 0.35 * 13 : 0),
  }));
  const a = ticks[0];
  const b = ticks[ticks.length - 1];
  const scale = (b.pixel - a.pixel) / (b.value - a.value);
  return {
    toPixel: (v) => a.pixel + (v - a.value) * scale,
    toData: (p) => a.value + (p - a.pixel) / scale,
  };
}

/** The points of an SVG path's `d` made of M, L, Z and implicit line-to pairs, per subpath. */
export function pathPoints(d: string): { points: number[][]; closed: boolean }[] {
  const subpaths: { points: number[][]; closed: boolean }[] = [];
  for (const part of d.split("M").filter(Boolean)) {
    const closed = part.trim().endsWith("Z");
    const numbers = part.replace(/[ZL]/g, " ").trim().split(/[\s,]+/).map(Number);
    const points: number[][] = [];
    for (let k = 0; k + 1 < numbers.length; k += 2) points.push([numbers[k], numbers[k + 1]]);
    subpaths.push({ points, closed });
  }
  return subpaths;
}
