import assert from "node:assert/strict";
import { formatTick, linearTicks, logTicks } from "../../lib/plot/ticks.ts";

Deno.test("linear ticks step by 1, 2 or 5 times a power of ten and stay inside the range", () => {
  assert.deepEqual(linearTicks(0, 1, 6).labels, ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]);
  assert.deepEqual(linearTicks(-250, 5250, 7).values, [0, 1000, 2000, 3000, 4000, 5000]);
  assert.deepEqual(linearTicks(-1.1, 1.1, 8).labels, ["−1.0", "−0.5", "0.0", "0.5", "1.0"]);
  assert.deepEqual(linearTicks(0.95, 1.05, 8).labels, ["0.96", "0.98", "1.00", "1.02", "1.04"]);
});

Deno.test("tick labels are exact decimals: no 0.30000000000000004, whatever the range", () => {
  let seed = 7;
  const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  for (let trial = 0; trial < 2000; trial++) {
    const scale = 10 ** Math.floor(random() * 12 - 6);
    const a = (random() - 0.5) * 10 * scale;
    const b = a + random() * 10 * scale + 1e-9;
    const count = 3 + Math.floor(random() * 8);
    const { values, labels } = linearTicks(a, b, count);
    assert.ok(values.length >= 1 && values.length <= count, `${a}..${b}: ${values.length} ticks`);
    const steps = values.slice(1).map((v, i) => v - values[i]);
    for (const [i, v] of values.entries()) {
      assert.ok(v >= a - 1e-9 * scale && v <= b + 1e-9 * scale, `${v} outside ${a}..${b}`);
      assert.ok(labels[i].length <= 12, `label ${labels[i]} is too long`);
      assert.ok(!/\d{7}/.test(labels[i].split("×")[0]), `label ${labels[i]} has float noise`);
      if (
        !labels[i].includes("×") && !labels[i].includes("⁻") && !/10[⁰¹²³⁴⁵⁶⁷⁸⁹]/.test(labels[i])
      ) {
        assert.equal(Number(labels[i].replace("−", "-")), v, `label ${labels[i]} is not ${v}`);
      }
    }
    // All steps equal one of 1, 2, 5 × 10^k.
    for (const s of steps) {
      const m = s / 10 ** Math.floor(Math.log10(s) + 1e-9);
      assert.ok([1, 2, 5].some((k) => Math.abs(m - k) < 1e-6), `step ${s} is not 1-2-5`);
    }
  }
});

Deno.test("log ticks label decades as powers of ten, with minor ticks between", () => {
  const t = logTicks(0.001, 2, 8);
  assert.deepEqual(t.labels, ["10⁻³", "10⁻²", "10⁻¹", "10⁰"]);
  assert.ok(t.minor.includes(0.002) && t.minor.includes(0.5) && t.minor.includes(2));
  assert.deepEqual(logTicks(0.05, 0.8, 8).labels, ["0.05", "0.1", "0.2", "0.5"]);
  assert.deepEqual(logTicks(0.3, 0.7, 8).labels, ["0.3", "0.4", "0.5", "0.6", "0.7"]);
  // Many decades: only every k-th is labelled.
  assert.deepEqual(logTicks(1e-12, 1, 5).labels, ["10⁻¹²", "10⁻⁹", "10⁻⁶", "10⁻³", "10⁰"]);
});

Deno.test("formatTick uses a true minus, no negative zero, and powers of ten for huge values", () => {
  assert.equal(formatTick(-0.5, 1), "−0.5");
  assert.equal(formatTick(-0, 2), "0.00");
  assert.equal(formatTick(2.5e7, 0), "2.5×10⁷");
  assert.equal(formatTick(1e-5, 5), "10⁻⁵");
});
