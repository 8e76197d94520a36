/**
 * The child of tests/hostile/atomic_test.ts: saves a model (model.json and
 * model.safetensors), a metrics file, a plot and a large binary file into the
 * folder Deno.args[0], over and over, alternating two versions (A and B) of
 * each, until it is killed. Prints "ready" once all five exist. Each version
 * is uniform (every value the same), so a reader can tell a whole file from a
 * torn one. The plot and the binary file are large and made once, so most of
 * the child's time goes into writing, where the kills should land.
 *
 *   deno run --allow-read --allow-write tests/hostile/save_loop.ts DIR
 */

import {
  NeuralNetwork,
  Plot,
  saveModelJson,
  saveSafetensors,
  tensor,
  writeFileAtomic,
  writeMetrics,
} from "../../mod.ts";

/** Sizes the parent checks against. */
export const SIZES = {
  hidden: 64,
  weights: 1 << 18,
  losses: 50_000,
  svg: 8 << 20,
  binary: 16 << 20,
};

/** The value every number of version `v` (0 for A, 1 for B) holds. */
export const value = (v: number): number => (v === 0 ? 0.5 : 0.25);

function version(v: number) {
  const x = value(v);
  const weights = (rows: number, cols: number) =>
    tensor(new Float64Array(rows * cols).fill(x), { shape: [rows, cols], dtype: "float64" });
  return {
    net: NeuralNetwork.fromWeights({
      weights1: weights(784, SIZES.hidden),
      bias1: weights(1, SIZES.hidden),
      weights2: weights(SIZES.hidden, 10),
      bias2: weights(1, 10),
    }),
    state: { w: tensor(new Float32Array(SIZES.weights).fill(x), { shape: [SIZES.weights] }) },
    metrics: { loss: new Array(SIZES.losses).fill(x), accuracy: x, epochs: 1, seconds: x },
    plot: new Plot(
      `<svg xmlns="http://www.w3.org/2000/svg"><!--${x}-->`.padEnd(SIZES.svg, " ") + "</svg>\n",
    ),
    binary: new Uint8Array(SIZES.binary).fill(0x41 + v),
  };
}

if (import.meta.main) {
  const dir = Deno.args[0];
  const versions = [version(0), version(1)];
  for (let g = 0;; g++) {
    const { net, state, metrics, plot, binary } = versions[g % 2];
    await saveSafetensors(state, `${dir}/model.safetensors`);
    await saveModelJson(net, `${dir}/model.json`);
    await writeMetrics(`${dir}/metrics.json`, metrics);
    await plot.save(`${dir}/loss.svg`);
    await writeFileAtomic(`${dir}/weights.bin`, binary);
    if (g === 0) console.log("ready");
  }
}
