/**
 * lib/data/paths.ts against node:path and node:url (which it replaces for start-up's sake): the
 * same answers on thousands of paths built from the pieces that make paths hard (roots, drive
 * letters, UNC prefixes, both slashes, `.` and `..`, empty parts, trailing separators).
 */

import assert from "node:assert/strict";
import * as nodePath from "node:path";
import * as nodeUrl from "node:url";
import { fileURLToPath, posix, win32 } from "../../lib/data/paths.ts";
import { Generator } from "../../lib/tensor/random.ts";

const PIECES = [
  "",
  ".",
  "..",
  "a",
  "bc",
  "x.txt",
  "/",
  "//",
  "\\",
  "\\\\",
  "C:",
  "c:",
  "C:\\",
  "C:/",
  "\\\\server\\share",
  "//server/share",
  "\\\\server",
  "...",
  "a b",
  "?",
  "x:",
  "a:b",
];

/** `count` random paths of 1 to 5 pieces, each piece followed or not by a separator. */
function paths(count: number, seed: number): string[] {
  const g = new Generator(seed);
  const u = new Float64Array(12);
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    g.fillRandom(u);
    const length = 1 + Math.floor(u[0] * 5);
    let path = "";
    for (let i = 0; i < length; i++) {
      path += PIECES[Math.floor(u[1 + i] * PIECES.length)];
      const sep = u[6 + i];
      path += sep < 0.4 ? "/" : sep < 0.6 ? "\\" : "";
    }
    out.push(path);
  }
  return out;
}

for (
  const [name, ours, theirs] of [
    ["posix", posix, nodePath.posix],
    ["win32", win32, nodePath.win32],
  ] as const
) {
  Deno.test(`paths, ${name}: dirname, basename, isAbsolute as node:path`, () => {
    for (const path of paths(20000, 1)) {
      assert.equal(ours.dirname(path), theirs.dirname(path), `dirname(${JSON.stringify(path)})`);
      assert.equal(ours.basename(path), theirs.basename(path), `basename(${JSON.stringify(path)})`);
      assert.equal(
        ours.isAbsolute(path),
        theirs.isAbsolute(path),
        `isAbsolute(${JSON.stringify(path)})`,
      );
    }
  });

  Deno.test(`paths, ${name}: join of one to three paths as node:path`, () => {
    const list = paths(30000, 2);
    for (let i = 0; i + 2 < list.length; i += 3) {
      for (const parts of [[list[i]], [list[i], list[i + 1]], list.slice(i, i + 3)]) {
        assert.equal(ours.join(...parts), theirs.join(...parts), `join(${JSON.stringify(parts)})`);
      }
    }
    assert.equal(ours.join(), theirs.join());
    assert.equal(ours.sep, theirs.sep);
  });
}

Deno.test("paths: the cases the loaders meet, by hand", () => {
  assert.equal(posix.join("/home/ada", ".cache", "handson-nn"), "/home/ada/.cache/handson-nn");
  assert.equal(win32.join("C:\\Users\\ada", "AppData", "Local"), "C:\\Users\\ada\\AppData\\Local");
  assert.equal(posix.dirname("/"), "/"); // a root is its own folder: download's walk up ends
  assert.equal(win32.dirname("C:\\"), "C:\\");
  assert.equal(win32.dirname("\\\\server\\share\\"), "\\\\server\\share\\");
});

Deno.test("fileURLToPath: as node:url on POSIX and on Windows, and its errors", () => {
  const urls = [
    "file:///data/ex2data2.txt",
    "file:///data/my%20data/x.txt",
    "file:///C:/Users/ada/data.txt",
    "file:///c:/a%20b/",
    "file://server/share/x.txt",
    "file:///%E6%95%B0%E6%8D%AE/x",
  ];
  // Deno's node:url answers for the system it runs on (it ignores `{ windows }`): compare those.
  const windows = Deno.build.os === "windows";
  for (const url of urls) {
    let want: string | Error, got: string | Error;
    try {
      want = nodeUrl.fileURLToPath(url);
    } catch (e) {
      want = e as Error;
    }
    try {
      got = fileURLToPath(url, windows);
    } catch (e) {
      got = e as Error;
    }
    if (typeof want === "string") assert.equal(got, want, url);
    else assert.ok(got instanceof TypeError, `${url}: ${got}`);
  }
  // Windows' answers, as Node gives them there.
  const onWindows: [string, string][] = [
    ["file:///C:/Users/ada/data.txt", "C:\\Users\\ada\\data.txt"],
    ["file:///c:/a%20b/", "c:\\a b\\"],
    ["file://server/share/x.txt", "\\\\server\\share\\x.txt"],
  ];
  for (const [url, path] of onWindows) assert.equal(fileURLToPath(url, true), path, url);
  assert.throws(() => fileURLToPath("file:///data/x.txt", true), /with a drive letter/);
  assert.throws(() => fileURLToPath("file:///C:/a%5Cb", true), /encoded path separators/);
  assert.throws(() => fileURLToPath("file://server/x", false), /without a host/);
  assert.throws(() => fileURLToPath("https://example.com/x"), {
    name: "TypeError",
    message: 'expected a file: URL, found "https://example.com/x"',
  });
  assert.throws(() => fileURLToPath("file:///a%2Fb", false), /encoded path separators/);
  assert.equal(fileURLToPath(new URL("file:///tmp/x"), false), "/tmp/x");
  assert.equal(nodePath.sep === "/" ? posix.sep : win32.sep, nodePath.sep);
});
