/**
 * The book's hand-written networks: forward and backward written out, no autograd.
 *
 * @module
 */

export {
  NeuralNetwork,
  type NeuralNetworkOptions,
  type NeuralNetworkWeights,
  type TrainOptions,
} from "./neural_network.ts";
export {
  SoftmaxNetwork,
  type SoftmaxNetworkOptions,
  type SoftmaxTrainOptions,
} from "./softmax_network.ts";
