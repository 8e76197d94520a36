/**
 * `Module`: the base of every layer and network, as PyTorch's `nn.Module`.
 *
 * A module finds its parts by looking at its own properties, as PyTorch does
 * through `__setattr__`: a property holding a `Parameter` is a parameter, one
 * holding a `Module` is a child. Names join with dots, so a network's keys are
 * PyTorch's (`fc1.weight`, `0.bias`) and its state dict loads in PyTorch.
 *
 * @module
 */

import { DataFormatError, ShapeError } from "../errors.ts";
import { Tensor } from "../tensor/tensor.ts";
import { Parameter } from "./parameter.ts";

/**
 * Tensors by name, as `Module.stateDict()` gives them and `saveSafetensors` writes them.
 *
 * Chapter: 4.2–4.3 fully connected layers; Part4-2, the PyTorch way.
 */
export type StateDict = Record<string, Tensor>;

/**
 * Options of {@linkcode Module.loadStateDict}.
 *
 * Chapter: 4.2–4.3 fully connected layers; Part4-2, the PyTorch way.
 */
export interface LoadStateDictOptions {
  /** Whether a missing or an unexpected key is an error (default true, as PyTorch). */
  strict?: boolean;
}

/**
 * The keys `loadStateDict` did not match, as PyTorch's `load_state_dict` returns them.
 *
 * Chapter: 4.2–4.3 fully connected layers; Part4-2, the PyTorch way.
 */
export interface LoadStateDictResult {
  /** Parameters of the module that the state dict lacks (left unchanged). */
  missingKeys: string[];
  /** Keys of the state dict that the module has no parameter for (ignored). */
  unexpectedKeys: string[];
}

/**
 * The base class of layers, losses and networks. Subclasses set their
 * parameters and child modules as properties and write `forward`.
 *
 * Chapter: 4.2–4.3 fully connected layers; Part4-2, the PyTorch way.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Linear, Module, type Tensor, tensor } from "@handson/nn";
 * class Net extends Module {
 *   fc1 = new Linear(2, 3);
 *   fc2 = new Linear(3, 1);
 *   forward(x: Tensor): Tensor {
 *     return this.fc2.forward(this.fc1.forward(x).relu()).sigmoid();
 *   }
 * }
 * const net = new Net();
 * assert.deepEqual(Object.keys(net.stateDict()), ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]);
 * assert.deepEqual(net.forward(tensor([[1, 2]])).shape, [1, 1]);
 * assert.equal(net.eval().fc1.training, false);
 * ```
 */
export abstract class Module {
  /** Whether the module is in training mode (`train()`) or evaluation mode (`eval()`). */
  training = true;

  /** Computes the module's output. Call it as `model.forward(x)`. */
  abstract forward(...inputs: Tensor[]): Tensor;

  /** The direct child modules with their names, in the order they were set. */
  namedChildren(): [string, Module][] {
    return Object.entries(this).filter((e): e is [string, Module] => e[1] instanceof Module);
  }

  /** The direct child modules. */
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /**
   * Every parameter with its dotted name (`0.weight`, `fc1.bias`), this
   * module's own first and then each child's, each parameter once: PyTorch's
   * `named_parameters()`.
   */
  namedParameters(): [string, Parameter][] {
    const seen = new Set<Parameter>();
    return this.#walk("").filter(([, p]) => {
      if (seen.has(p)) return false; // a parameter shared by two layers counts once
      seen.add(p);
      return true;
    });
  }

  /** Every parameter, in the order of `namedParameters()`: what an optimiser trains. */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** All parameters with their dotted names, shared ones under each of their names. */
  #walk(prefix: string): [string, Parameter][] {
    const own = Object.entries(this)
      .filter((e): e is [string, Parameter] => e[1] instanceof Parameter)
      .map(([name, p]): [string, Parameter] => [prefix + name, p]);
    const inner = this.namedChildren().flatMap(([name, child]) => child.#walk(`${prefix}${name}.`));
    return [...own, ...inner];
  }

  /** Sets training mode (or evaluation mode with `false`) here and in every child; returns this. */
  train(mode = true): this {
    this.training = mode;
    for (const child of this.children()) child.train(mode);
    return this;
  }

  /** Sets evaluation mode here and in every child; returns this. */
  eval(): this {
    return this.train(false);
  }

  /** Clears the `.grad` of every parameter, so the next `backward()` starts from zero. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /**
   * The parameters' current values by dotted name, in PyTorch's order and with
   * PyTorch's names. The tensors are a snapshot: later training does not
   * change them.
   */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [name, p] of this.#walk("")) out[name] = p.detach();
    return out;
  }

  /**
   * Copies values from `stateDict` into the parameters of the same name
   * (converting the dtype when it differs), as PyTorch's `load_state_dict`.
   * Everything is checked before anything is copied, so a failed load leaves
   * the module as it was.
   *
   * @throws {DataFormatError} when `strict` and a key is missing or unexpected.
   * @throws {ShapeError} when a value's shape differs from its parameter's.
   */
  loadStateDict(stateDict: StateDict, options: LoadStateDictOptions = {}): LoadStateDictResult {
    const name = this.constructor.name;
    if (typeof stateDict !== "object" || stateDict === null) {
      throw new TypeError(
        `${name}.loadStateDict: expected an object of tensors, found ${stateDict}`,
      );
    }
    const params = this.#walk("");
    const keys = new Set(params.map(([key]) => key));
    const missingKeys = params.map(([key]) => key).filter((key) => !Object.hasOwn(stateDict, key));
    const unexpectedKeys = Object.keys(stateDict).filter((key) => !keys.has(key));
    if (options.strict ?? true) {
      if (missingKeys.length > 0) {
        throw new DataFormatError(
          `${name}.loadStateDict: the state dict is missing ${list(missingKeys)} ` +
            `(it has ${list(Object.keys(stateDict))})`,
        );
      }
      if (unexpectedKeys.length > 0) {
        throw new DataFormatError(
          `${name}.loadStateDict: the state dict has unexpected ${list(unexpectedKeys)} ` +
            `(the module has ${list([...keys])})`,
        );
      }
    }
    const updates = params.filter(([key]) => Object.hasOwn(stateDict, key));
    for (const [key, p] of updates) {
      const value = stateDict[key];
      if (!(value instanceof Tensor)) {
        throw new TypeError(
          `${name}.loadStateDict: expected a Tensor for key "${key}", found ${typeof value}`,
        );
      }
      if (value.shape.length !== p.shape.length || value.shape.some((d, i) => d !== p.shape[i])) {
        throw new ShapeError(
          `${name}.loadStateDict: size mismatch for "${key}": the state dict holds shape ` +
            `[${value.shape.join(", ")}], the module's parameter has shape [${p.shape.join(", ")}]`,
        );
      }
    }
    for (const [key, p] of updates) p.assign(stateDict[key]);
    return { missingKeys, unexpectedKeys };
  }

  /** The module's settings for printing (`inFeatures=2, outFeatures=10, bias=true`). */
  extraRepr(): string {
    return "";
  }

  /** The module printed as PyTorch prints it: its name, its settings and its children. */
  toString(): string {
    const children = this.namedChildren();
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    if (children.length === 0) return `${head})`;
    const lines = children.map(([name, child]) =>
      `  (${name}): ${child.toString().replaceAll("\n", "\n  ")}`
    );
    return `${head}\n${lines.join("\n")}\n)`;
  }

  /** How Deno's REPL and `console.log` show a module. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }
}

/** `key "a"` or `keys "a", "b"`, for error messages. */
function list(keys: readonly string[]): string {
  if (keys.length === 0) return "no keys";
  const quoted = keys.map((k) => JSON.stringify(k)).join(", ");
  return `${keys.length === 1 ? "key" : "keys"} ${quoted}`;
}
