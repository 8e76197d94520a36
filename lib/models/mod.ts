/**
 * The book's hand-written networks: forward and backward written out, no autograd.
 *
 * @module
 */

export { type NeuralNetworkWeights, type TrainOptions, TwoLayerNetwork } from "./two_layer.ts";
export { NeuralNetwork, type NeuralNetworkOptions } from "./neural_network.ts";
export { SoftmaxNetwork, type SoftmaxNetworkOptions } from "./softmax_network.ts";
export type { FusedEpochs, FusedStep } from "./fused_sigmoid_step.ts";
