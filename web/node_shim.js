// The `node:` modules the library imports (node:path, node:crypto, node:url, node:util) stand in for
// nothing a page can do: they serve the data and io layers' files, cache folder and hashes,
// which only run under Deno or Node, and the scripts' command line. index.html's import map points those imports here, so
// the bundle loads in a browser; calling one of these says plainly that it cannot work here.

function unavailable(name) {
  return () => {
    throw new Error(`${name} is not available in a browser (it reads or names local files)`);
  };
}

function pathFunctions(prefix) {
  return {
    join: unavailable(`${prefix}.join`),
    dirname: unavailable(`${prefix}.dirname`),
    basename: unavailable(`${prefix}.basename`),
    isAbsolute: unavailable(`${prefix}.isAbsolute`),
    resolve: unavailable(`${prefix}.resolve`),
  };
}

export const posix = pathFunctions("node:path posix");
export const win32 = pathFunctions("node:path win32");
export const { join, dirname, basename, isAbsolute, resolve } = pathFunctions("node:path");
export const createHash = unavailable("node:crypto createHash");
export const fileURLToPath = unavailable("node:url fileURLToPath");
export const parseArgs = unavailable("node:util parseArgs");
export default { posix, win32, join, dirname, basename, isAbsolute, resolve };
