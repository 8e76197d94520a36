/**
 * The first MNIST test digits and labels, read from the shared data folder
 * (`$NN_DATA_DIR/mnist`, or `../shared/data/mnist` beside the repository) for
 * the tests that want real digits; `undefined` when the files are not there.
 *
 * @module
 */

function dataDir(): URL {
  const env = Deno.permissions.querySync({ name: "env", variable: "NN_DATA_DIR" });
  const dir = env.state === "granted" ? Deno.env.get("NN_DATA_DIR") : undefined;
  return dir
    ? new URL(`file://${dir.startsWith("/") ? "" : Deno.cwd() + "/"}${dir}/`)
    : new URL("../../../shared/data/", import.meta.url);
}

async function gunzip(url: URL): Promise<Uint8Array> {
  const file = await Deno.open(url);
  const stream = file.readable.pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Where the MNIST test images are expected. */
export const MNIST_IMAGES: URL = new URL("mnist/t10k-images-idx3-ubyte.gz", dataDir());

/** Whether the MNIST test files can be read. */
export function haveMnist(): boolean {
  try {
    Deno.statSync(MNIST_IMAGES);
    return true;
  } catch {
    return false;
  }
}

/** The first `n` test digits (n × 784 bytes) and their labels. */
export async function mnist(n: number): Promise<{ images: Uint8Array; labels: number[] }> {
  const images = await gunzip(MNIST_IMAGES);
  const labels = await gunzip(new URL("mnist/t10k-labels-idx1-ubyte.gz", dataDir()));
  return {
    images: images.slice(16, 16 + n * 784),
    labels: Array.from(labels.subarray(8, 8 + n)),
  };
}
