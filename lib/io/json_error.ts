/**
 * Where JSON text goes wrong, for error messages: `JSON.parse` says what it
 * did not expect but, for a stray token such as Python's `NaN`, not where.
 * This scans the text by the JSON grammar (without building any value, and
 * without recursion, so any depth of nesting is fine) to the first offending
 * character, and words what is there.
 *
 * @module
 */

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const SPACE = new Set([" ", "\t", "\n", "\r"]);

/**
 * The offset of the first character at which `text` stops being JSON, or -1
 * when it is valid JSON.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jsonErrorOffset } from "./json_error.ts";
 * assert.equal(jsonErrorOffset('{"a": [1, NaN]}'), 10);
 * assert.equal(jsonErrorOffset('{"a": 1'), 7);
 * assert.equal(jsonErrorOffset('{"a": 1}'), -1);
 * ```
 */
export function jsonErrorOffset(text: string): number {
  const n = text.length;
  const stack: string[] = []; // the open containers, "[" or "{"
  let i = 0;
  // What comes next: a value, a value or "]" (an array's start), a key or "}"
  // (an object's start), a key (after a comma), or what follows a value.
  let state: "value" | "element" | "member" | "key" | "after" = "value";
  for (;;) {
    while (i < n && SPACE.has(text[i])) i++;
    const c = text[i];
    if (state === "after") {
      const top = stack[stack.length - 1];
      if (top === undefined) return i < n ? i : -1;
      if (c === ",") {
        state = top === "[" ? "value" : "key";
        i++;
      } else if (c === (top === "[" ? "]" : "}")) {
        stack.pop();
        i++;
      } else return i;
      continue;
    }
    if ((state === "element" && c === "]") || (state === "member" && c === "}")) {
      stack.pop();
      i++;
      state = "after";
      continue;
    }
    if (state === "member" || state === "key") {
      if (c !== '"') return i;
      i = endOfString(text, i);
      if (i < 0) return -i - 1;
      while (i < n && SPACE.has(text[i])) i++;
      if (text[i] !== ":") return i;
      i++;
      state = "value";
      continue;
    }
    // A value.
    if (c === "[" || c === "{") {
      stack.push(c);
      i++;
      state = c === "[" ? "element" : "member";
      continue;
    }
    if (c === '"') {
      i = endOfString(text, i);
      if (i < 0) return -i - 1;
    } else {
      const word = ["true", "false", "null"].find((w) => text.startsWith(w, i));
      NUMBER.lastIndex = i;
      if (word !== undefined) i += word.length;
      else if (NUMBER.test(text)) i = NUMBER.lastIndex;
      else return i;
    }
    state = "after";
  }
}

/**
 * The offset just past the string that starts at `start` (a `"`), or, when the
 * string is broken, `-(offset of the fault) - 1`.
 */
function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length;) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c < 0x20) return -i - 1; // a raw line break or control character
    if (c !== 0x5c) {
      i++;
      continue;
    }
    const escape = text[i + 1];
    if (escape === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
    else if (escape !== undefined && '"\\/bfnrt'.includes(escape)) i += 2;
    else return -i - 1;
  }
  return -text.length - 1;
}

/**
 * Where and why `text` is not JSON, as the end of a message: `line 3,
 * column 9: expected JSON, found NaN (…)`. Lines and columns count from 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { whereJsonFails } from "./json_error.ts";
 * assert.equal(whereJsonFails('{"w": [1,\n 2,'), "line 2, column 4: expected more JSON, found the end of the text");
 * assert.match(whereJsonFails('{"w": [NaN]}'), /^line 1, column 8: expected JSON, found NaN/);
 * ```
 */
export function whereJsonFails(text: string): string {
  const at = Math.max(0, jsonErrorOffset(text));
  let line = 1, lineStart = 0;
  for (let k = 0; k < at; k++) {
    if (text[k] === "\n") {
      line++;
      lineStart = k + 1;
    }
  }
  const where = `line ${line}, column ${at - lineStart + 1}`;
  if (at >= text.length) return `${where}: expected more JSON, found the end of the text`;
  const word = /^-?(?:NaN|Infinity)/.exec(text.slice(at, at + 9))?.[0];
  if (word !== undefined) {
    return `${where}: expected JSON, found ${word} (JSON has no NaN or Infinity; Python's ` +
      "json.dump writes them for numbers that are not finite, as the weights of a diverged model)";
  }
  return `${where}: expected JSON, found ${visible(text.slice(at, at + 16))}`;
}

/** `text` quoted, with characters a terminal would not show (a BOM, a zero-width space) as \uXXXX. */
function visible(text: string): string {
  return JSON.stringify(text).replace(
    /[\u00a0\u00ad\u061c\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * The first key that the outermost object of valid JSON `text` holds more than
 * once, with the lines it is on; `null` when each key is there once.
 * (`JSON.parse` keeps the last of equal keys without a word.)
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { repeatedKey } from "./json_error.ts";
 * assert.deepEqual(repeatedKey('{"a": 1,\n "b": {"a": 2},\n "a": 3}'), { key: "a", lines: [1, 3] });
 * assert.equal(repeatedKey('{"a": 1, "b": {"a": 2}}'), null);
 * ```
 */
export function repeatedKey(text: string): { key: string; lines: number[] } | null {
  const lines = new Map<string, number[]>();
  for (const { key, line } of topLevelKeys(text)) lines.set(key, [...lines.get(key) ?? [], line]);
  for (const [key, at] of lines) if (at.length > 1) return { key, lines: at };
  return null;
}

/** The keys of the outermost object of valid JSON `text`, with the line each is on. */
function topLevelKeys(text: string): { key: string; line: number }[] {
  const keys: { key: string; line: number }[] = [];
  let depth = 0, line = 1, expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") line++;
    else if (c === "{" || c === "[") {
      depth++;
      expectKey = c === "{" && depth === 1;
    } else if (c === "}" || c === "]") depth--;
    else if (c === "," && depth === 1) expectKey = true;
    else if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      if (expectKey) keys.push({ key: JSON.parse(text.slice(i, end + 1)), line });
      expectKey = false;
      i = end;
    }
  }
  return keys;
}
