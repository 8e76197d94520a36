"""The book's Part4-2 code in NumPy, as a whole script, for bench/side_by_side.ts to time
against `deno run -A scripts/part4_2.ts`: read ex2data2.txt, z-score it (ddof=1, as pandas'
.std()), train the 2-10-1 sigmoid network for 5000 full-batch epochs at lr 0.5, print the final
loss and accuracy, save the weights as model.json. (The book plots with matplotlib, which is not
installed here; our script draws its plots as SVG and still pays for them.)

    NN_DATA_DIR=../shared/data python3 bench/part4_2_book.py OUT_DIR
"""
import json
import os
import pathlib
import sys

import numpy as np


class NeuralNetwork:
    def __init__(self, input_size, hidden_size, output_size):
        self.weights1 = np.random.randn(input_size, hidden_size) * 0.01
        self.bias1 = np.zeros((1, hidden_size))
        self.weights2 = np.random.randn(hidden_size, output_size) * 0.01
        self.bias2 = np.zeros((1, output_size))

    def sigmoid(self, x):
        return 1 / (1 + np.exp(-x))

    def forward(self, X):
        self.a1 = self.sigmoid(np.dot(X, self.weights1) + self.bias1)
        self.a2 = self.sigmoid(np.dot(self.a1, self.weights2) + self.bias2)
        return self.a2

    def compute_loss(self, y, y_hat):
        m = y.shape[0]
        return np.sum(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat)) * (-1 / m)

    def backward(self, X, y, learning_rate):
        m = X.shape[0]
        dz2 = self.a2 - y
        dw2 = np.dot(self.a1.T, dz2) * (1 / m)
        db2 = np.sum(dz2, axis=0, keepdims=True) * (1 / m)
        dz1 = np.dot(dz2, self.weights2.T) * (self.a1 * (1 - self.a1))
        dw1 = np.dot(X.T, dz1) * (1 / m)
        db1 = np.sum(dz1, axis=0, keepdims=True) * (1 / m)
        self.weights1 = self.weights1 - dw1 * learning_rate
        self.bias1 = self.bias1 - db1 * learning_rate
        self.weights2 = self.weights2 - dw2 * learning_rate
        self.bias2 = self.bias2 - db2 * learning_rate

    def train(self, X, y, epochs, learning_rate):
        losses = []
        for _ in range(epochs):
            y_hat = self.forward(X)
            losses.append(self.compute_loss(y, y_hat))
            self.backward(X, y, learning_rate)
        return losses

    def predict(self, X, threshold=0.5):
        return (self.forward(X) > threshold).astype(int)


data = np.loadtxt(pathlib.Path(os.environ.get("NN_DATA_DIR", "../shared/data")) / "ex2data2.txt", delimiter=",")
X = data[:, :2]
X = (X - X.mean(axis=0)) / X.std(axis=0, ddof=1)
y = data[:, 2:3]
np.random.seed(0)
net = NeuralNetwork(2, 10, 1)
losses = net.train(X, y, 5000, 0.5)
print(f"Final loss: {losses[-1]:.6f}")
print(f"Final Accuracy: {np.mean(net.predict(X) == y) * 100:.2f}%")
out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "out")
out.mkdir(parents=True, exist_ok=True)
weights = {k: getattr(net, k).tolist() for k in ["weights1", "bias1", "weights2", "bias2"]}
(out / "model.json").write_text(json.dumps(weights))
