/**
 * The playground in a real browser: the bundle is built, the server started on
 * a free port, and Debian's headless Chromium drives the page through the
 * DevTools protocol. Part4-2 trained in the page must reach the accuracy that
 * `scripts/part4_2.ts` reaches for the same seed, epochs and dtype; the
 * decision boundary must be drawn; a stroke on the digit canvas must become a
 * prediction; the page must log no errors; and a digit model that does not
 * load must say so on the page.
 *
 * Screenshots of each panel go to a temporary folder and are checked to be
 * PNGs; with `NN_SCREENSHOTS=1` they are written to `docs/playground_*.png`
 * instead (the README shows them), so an ordinary run leaves the tree as it was.
 *
 * Needs no network and no NN_DATA_DIR: the data is the repository's ex2data2
 * fixture and the digit model is `web/digits.safetensors`.
 */

import assert from "node:assert/strict";
import { buildWeb } from "../../web/build.ts";
import { servePlayground } from "../../web/serve.ts";
import { Browser, chromiumPath } from "./cdp.ts";

const ROOT = new URL("../../", import.meta.url);
const SEED = 3, EPOCHS = 5000;

/** The CLI's own result for the same run: `metrics.json`'s accuracy and last loss. */
async function cliRun(): Promise<{ accuracy: number; loss: number }> {
  const out = await Deno.makeTempDir({ prefix: "nn-part4-2-" });
  try {
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        "scripts/part4_2.ts",
        "--seed",
        String(SEED),
        "--dtype",
        "float32",
        "--epochs",
        String(EPOCHS),
        "--data",
        "tests/fixtures/datasets/ex2data2.txt",
        "--out",
        out,
      ],
      cwd: ROOT.pathname,
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.equal(code, 0, `scripts/part4_2.ts failed: ${new TextDecoder().decode(stderr)}`);
    const metrics = JSON.parse(await Deno.readTextFile(`${out}/metrics.json`));
    assert.equal(typeof metrics.accuracy, "number", "metrics.json: expected a number accuracy");
    assert.ok(Array.isArray(metrics.loss), "metrics.json: expected the loss of each epoch");
    assert.equal(metrics.loss.length, EPOCHS);
    return { accuracy: metrics.accuracy, loss: metrics.loss[EPOCHS - 1] };
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}

/** Checks the PNG signature, then writes it to docs/ (NN_SCREENSHOTS=1) or `folder`. */
async function keepScreenshot(png: Uint8Array, name: string, folder: string): Promise<void> {
  assert.deepEqual(
    [...png.subarray(0, 8)],
    [137, 80, 78, 71, 13, 10, 26, 10],
    `${name}: not a PNG`,
  );
  assert.ok(png.length > 5000, `${name}: only ${png.length} bytes, expected a drawn panel`);
  const dir = Deno.env.get("NN_SCREENSHOTS") === "1" ? new URL("docs/", ROOT).pathname : folder;
  await Deno.writeFile(`${dir}/${name}`, png);
}

// deno task test:web runs this file; without a browser it fails, never skips.
const chromium = await chromiumPath();
if (chromium === undefined) {
  throw new Error(
    "deno task test:web drives a real browser: install Chromium (apt-get install chromium) " +
      "or set CHROMIUM to its path",
  );
}

Deno.test({
  name: "playground: Part4-2, the activation chart and the digit panel work in headless Chromium",
  sanitizeResources: false, // Chromium's stderr is drained until it exits
  sanitizeOps: false,
  async fn(t) {
    await buildWeb();
    const cli = await cliRun();
    const requested: string[] = [];
    const server = servePlayground(0, undefined, (path) => requested.push(path));
    const base = `http://127.0.0.1:${server.addr.port}/`;
    const shots = await Deno.makeTempDir({ prefix: "nn-playground-" });
    const browser = await Browser.launch(chromium, 1100, 900);
    try {
      await t.step("Part4-2 with autostart reaches the CLI's accuracy, and draws", async () => {
        await browser.goto(`${base}?autostart=1&epochs=${EPOCHS}&seed=${SEED}`);
        await browser.waitFor(
          `["done", "error"].includes(document.getElementById("playground").dataset.state)`,
          "Part4-2 to finish training",
          45_000,
        );
        const page = await browser.evaluate<Record<string, string>>(
          `({ ...document.getElementById("playground").dataset,
              progress: document.getElementById("progress").textContent,
              runtime: document.getElementById("runtime").textContent })`,
        );
        assert.equal(page.state, "done", `the page says: ${page.progress}`);
        assert.equal(Number(page.epochs), EPOCHS);
        assert.equal(Number(page.accuracy), cli.accuracy);
        assert.ok(
          Math.abs(Number(page.loss) - cli.loss) <= 1e-5 * cli.loss,
          `final loss ${page.loss} in the page, ${cli.loss} from the CLI`,
        );
        // The server's headers make the page cross-origin isolated: the WebAssembly kernels run.
        assert.equal(page.isolated, "true");
        assert.match(page.runtime, /WebAssembly SIMD kernels/);
        assert.equal(page.backend, "cpu"); // headless Chromium here has no hardware GPU

        const svg = await browser.evaluate<string>(
          `document.querySelector("#boundary svg")?.outerHTML ?? ""`,
        );
        assert.match(svg, /<path class="boundary" d="M/);
        assert.match(svg, /Not accepted/);
        const loss = await browser.evaluate<number>(
          `document.querySelectorAll("#loss svg path, #loss svg polyline").length`,
        );
        assert.ok(loss > 0, "the loss curve is drawn");
        await keepScreenshot(await browser.screenshot("#part4-2"), "playground_part4_2.png", shots);
      });

      await t.step("the leaky ReLU slider redraws the activation chart", async () => {
        await browser.evaluate(`(() => {
          const slider = document.getElementById("slope");
          slider.value = "0.3";
          slider.dispatchEvent(new Event("input"));
        })()`);
        const svg = await browser.evaluate<string>(
          `document.querySelector("#activation-chart svg").outerHTML`,
        );
        assert.match(svg, /leaky ReLU \(α = 0\.3\)/);
        assert.equal(
          await browser.evaluate(`document.getElementById("slope-value").textContent`),
          "0.30",
        );
        await keepScreenshot(
          await browser.screenshot("#activations"),
          "playground_activations.png",
          shots,
        );
      });

      await t.step("a stroke drawn on the digit canvas becomes a prediction", async () => {
        await browser.waitFor(
          `document.getElementById("part4-3").dataset.state`,
          "the digit model to load",
          10_000,
        );
        assert.equal(
          await browser.evaluate(`document.getElementById("part4-3").dataset.state`),
          "ready",
        );
        const box = await browser.box("#digit-canvas");
        const scroll = await browser.evaluate<[number, number]>(`[scrollX, scrollY]`);
        const at = (u: number, v: number): [number, number] => [
          box.x - scroll[0] + u * box.width,
          box.y - scroll[1] + v * box.height,
        ];
        // A "7": the bar, then the stem down to the left.
        const stroke: [number, number][] = [];
        for (let i = 0; i <= 10; i++) stroke.push(at(0.25 + 0.5 * i / 10, 0.22));
        for (let i = 1; i <= 14; i++) stroke.push(at(0.75 - 0.3 * i / 14, 0.22 + 0.58 * i / 14));
        await browser.mouse("mousePressed", ...stroke[0]);
        for (const point of stroke.slice(1)) await browser.mouse("mouseMoved", ...point);
        await browser.mouse("mouseReleased", ...stroke[stroke.length - 1]);
        await browser.waitFor(
          `document.getElementById("part4-3").dataset.prediction`,
          "a prediction",
          10_000,
        );
        const result = await browser.evaluate<
          { digit: string; values: number[]; drawn: number[] }
        >(`({
          digit: document.getElementById("part4-3").dataset.prediction,
          values: [...document.querySelectorAll("#bars .value")].map((e) => parseFloat(e.textContent)),
          drawn: [...document.querySelectorAll("#bars li")].map((li) =>
            li.querySelector(".fill").getBoundingClientRect().width /
              li.querySelector(".track").getBoundingClientRect().width),
        })`);
        assert.equal(result.values.length, 10);
        // Each bar is drawn as long as its number says (a bar that shows nothing once passed).
        result.drawn.forEach((fraction, d) =>
          assert.ok(
            Math.abs(fraction * 100 - result.values[d]) < 1,
            `bar ${d} is drawn ${(fraction * 100).toFixed(1)}% long for ${result.values[d]}%`,
          )
        );
        const sum = result.values.reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(sum - 100) < 1, `the ten bars add up to ${sum}%, expected 100%`);
        assert.equal(result.digit, "7", `the stroke of a 7 was read as ${result.digit}`);
        await keepScreenshot(await browser.screenshot("#part4-3"), "playground_part4_3.png", shots);
      });

      await t.step("the page fits a phone's width, and logged no errors", async () => {
        assert.deepEqual(browser.errors, []);
        await browser.resize(390, 844);
        const overflow = await browser.evaluate<number>(
          `document.documentElement.scrollWidth - innerWidth`,
        );
        assert.ok(overflow <= 0, `the page is ${overflow} px wider than a 390 px screen`);
        const unlabelled = await browser.evaluate<string[]>(
          `[...document.querySelectorAll("input, select")]
             .filter((e) => e.labels.length === 0).map((e) => e.id)`,
        );
        assert.deepEqual(unlabelled, []);
        await keepScreenshot(await browser.screenshot("main"), "playground_phone.png", shots);
        await browser.resize(1100, 900);
      });

      await t.step("the kernels' Worker loads from the bundle", async () => {
        // A product large enough to be split between threads starts the pool.
        const value = await browser.evaluate<number>(`import("./dist/nn.js").then((nn) => {
          nn.manualSeed(0);
          const a = nn.ones([512, 512]), b = nn.ones([512, 512]);
          return a.matmul(b).sum().item();
        })`);
        assert.equal(value, 512 ** 3);
        assert.ok(requested.includes("/dist/worker.js"), `requested: ${requested.join(", ")}`);
        assert.deepEqual(browser.errors, []);
      });

      await t.step("a digit model that does not load is an error on the page", async () => {
        await browser.goto(`${base}?model=missing.safetensors`);
        await browser.waitFor(
          `document.getElementById("part4-3").dataset.state`,
          "the digit model to fail",
          10_000,
        );
        const page = await browser.evaluate<{ state: string; text: string }>(`({
          state: document.getElementById("part4-3").dataset.state,
          text: document.getElementById("prediction").textContent,
        })`);
        assert.equal(page.state, "error");
        assert.equal(
          page.text,
          "The digit model could not be loaded: missing.safetensors: HTTP 404 Not Found",
        );
      });
    } finally {
      await browser.close();
      await server.shutdown();
      await Deno.remove(shots, { recursive: true });
    }
  },
});
