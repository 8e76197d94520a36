/**
 * The assertions `node:assert/strict` lacks (closeness, an error's class and
 * words in one call), and `assertEquals`, its deep equality under the name the
 * older tests use. New tests use `node:assert/strict` directly.
 */

import nodeAssert from "node:assert/strict";

/** Throws `message` unless `condition` holds. */
export function assert(condition: unknown, message = "assertion failed"): asserts condition {
  if (!condition) throw new Error(message);
}

/**
 * Deep strict equality, as `node:assert/strict`'s `deepEqual` (NaN equals NaN;
 * Infinity, NaN, null, -0 and 0 are all told apart; a typed array equals only a
 * typed array of its kind), with `message` in front of the difference.
 */
export function assertEquals(actual: unknown, expected: unknown, message = ""): void {
  nodeAssert.deepEqual(actual, expected, message || undefined);
}

/** Element-wise closeness: |a - e| <= atol + rtol·|e|. */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol = 1e-6,
  atol = 0,
  message = "",
): void {
  assert(
    actual.length === expected.length,
    `${message} length ${actual.length} != ${expected.length}`,
  );
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i], e = expected[i];
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      throw new Error(`${message} element ${i}: ${a} is not close to ${e}`);
    }
  }
}

/** Runs `fn`, expects it to throw an instance of `ErrorClass` whose message includes `includes`. */
export function assertThrows(
  fn: () => unknown,
  ErrorClass: new (...args: never[]) => Error,
  includes: string,
): void {
  try {
    fn();
  } catch (e) {
    assert(e instanceof ErrorClass, `expected ${ErrorClass.name}, got ${(e as Error)?.name}: ${e}`);
    assert(e.message.includes(includes), `message "${e.message}" lacks "${includes}"`);
    return;
  }
  throw new Error(`expected ${ErrorClass.name} with "${includes}", nothing was thrown`);
}
