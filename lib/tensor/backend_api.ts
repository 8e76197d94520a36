/**
 * For writing a backend: the interface a backend implements (a short list of
 * primitives) and the types its methods take. Exported as
 * `@handson/nn/backend`; a user of tensors needs none of it.
 *
 * @module
 */

export type {
  Backend,
  BinaryOp,
  MatmulSpec,
  ReduceOp,
  ScanOp,
  Storage,
  UnaryOp,
  View,
} from "./backend.ts";
// A backend computes each element-wise op as declared here (the CPU's and WGSL's forms).
export { erf, UNARY_OPS, type UnaryDeclaration } from "./unary_ops.ts";
export { BINARY_OPS, type BinaryDeclaration, type Where } from "./binary_ops.ts";
