/**
 * The first MNIST test digits and labels, from the slice the repository ships
 * (tests/fixtures/datasets/mnist/), for the tests that want real digits.
 *
 * @module
 */

import { FIXTURES } from "../datasets.ts";

async function gunzip(path: string): Promise<Uint8Array> {
  const file = await Deno.open(path);
  const stream = file.readable.pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The first `n` test digits (n × 784 bytes) and their labels. */
export async function mnist(n: number): Promise<{ images: Uint8Array; labels: number[] }> {
  const images = await gunzip(`${FIXTURES}mnist/t10k-images-idx3-ubyte.gz`);
  const labels = await gunzip(`${FIXTURES}mnist/t10k-labels-idx1-ubyte.gz`);
  return {
    images: images.slice(16, 16 + n * 784),
    labels: Array.from(labels.subarray(8, 8 + n)),
  };
}
