"""The NumPy half of bench/side_by_side.ts: the same products and the same two
Part4-3 recipes, timed here and printed as one line of JSON.

    python3 bench/side_by_side_numpy.py serve                  # then lines [dtype, m, k, n, runs]
    python3 bench/side_by_side_numpy.py book DATA_DIR EPOCHS   # seconds per epoch
    python3 bench/side_by_side_numpy.py fast DATA_DIR EPOCHS

- serve: for each line [dtype, m, k, n, runs] read, the best time of `runs` products `a @ b`.
- book: the book's Part4-3 network and recipe (tests/fixtures/models/make_softmax_network.py):
  unscaled randn weights, float64, full batch of all 60,000 Fashion-MNIST images, lr 0.01;
  one epoch is forward, loss, backward and the update.
- fast: He initialisation, float32, mini-batches of 128 shuffled every epoch, Adam (lr 1e-3,
  PyTorch's formulas), the same hand-written forward and backward.
"""
import gzip
import json
import pathlib
import sys
import time

import numpy as np

from blas_kernel import kernel


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    count = int.from_bytes(data[4:8], "big")
    if int.from_bytes(data[0:4], "big") == 0x803:
        return np.frombuffer(data, np.uint8, offset=16).reshape(count, 784)
    return np.frombuffer(data, np.uint8, offset=8)


def serve():
    """Answers each line [dtype, m, k, n, runs] with the best time of `runs` products a @ b, so
    that the caller can take turns with its own runs (the machine's load changes by the second)."""
    rng = np.random.default_rng(0)
    operands = {}
    for line in sys.stdin:
        dtype, m, k, n, runs = json.loads(line)
        key = (dtype, m, k, n)
        if key not in operands:
            operands.clear()
            a = rng.uniform(-1, 1, (m, k)).astype(dtype)
            b = rng.uniform(-1, 1, (k, n)).astype(dtype)
            a @ b  # warm-up (and OpenBLAS's threads start)
            operands[key] = (a, b)
        a, b = operands[key]
        best = float("inf")
        for _ in range(runs):
            t0 = time.perf_counter()
            a @ b
            best = min(best, time.perf_counter() - t0)
        print(json.dumps({"numpy": np.__version__, "kernel": kernel(), "seconds": best}), flush=True)


class Network:
    """The book's 784-128-10 network, forward and backward as the book writes them."""

    def __init__(self, dtype, he):
        scale1, scale2 = (np.sqrt(2 / 784), np.sqrt(2 / 128)) if he else (1, 1)
        self.W1 = (np.random.randn(784, 128) * scale1).astype(dtype)
        self.b1 = np.zeros((1, 128), dtype)
        self.W2 = (np.random.randn(128, 10) * scale2).astype(dtype)
        self.b2 = np.zeros((1, 10), dtype)

    def forward(self, X):
        self.a1 = np.maximum(0, X @ self.W1 + self.b1)
        z = self.a1 @ self.W2 + self.b2
        e = np.exp(z - z.max(axis=1, keepdims=True))
        self.a2 = e / e.sum(axis=1, keepdims=True)
        return self.a2

    def loss(self, y, y_hat):
        return np.sum(y * np.log(y_hat + 1e-8)) * (-1 / y.shape[0])

    def gradients(self, X, y):
        m = X.shape[0]
        dz2 = self.a2 - y
        dW2 = self.a1.T @ dz2 * (1 / m)
        db2 = np.sum(dz2, axis=0, keepdims=True) * (1 / m)
        dz1 = dz2 @ self.W2.T * (self.a1 > 0)
        dW1 = X.T @ dz1 * (1 / m)
        db1 = np.sum(dz1, axis=0, keepdims=True) * (1 / m)
        return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def book(data_dir, epochs):
    X = read_idx(data_dir / "train-images-idx3-ubyte.gz") / 255.0
    y = np.eye(10)[read_idx(data_dir / "train-labels-idx1-ubyte.gz")]
    np.random.seed(0)
    net = Network(np.float64, he=False)
    seconds = []
    for _ in range(epochs):
        t0 = time.perf_counter()
        net.loss(y, net.forward(X))
        g = net.gradients(X, y)
        for key in g:
            setattr(net, key, getattr(net, key) - g[key] * 0.01)
        seconds.append(time.perf_counter() - t0)
    return seconds


def fast(data_dir, epochs):
    images = read_idx(data_dir / "train-images-idx3-ubyte.gz")
    labels = read_idx(data_dir / "train-labels-idx1-ubyte.gz")
    eye = np.eye(10, dtype=np.float32)
    np.random.seed(0)
    net = Network(np.float32, he=True)
    lr, b1, b2, eps = 1e-3, 0.9, 0.999, 1e-8
    moments = {k: [np.zeros_like(getattr(net, k)), np.zeros_like(getattr(net, k))] for k in ["W1", "b1", "W2", "b2"]}
    t = 0
    seconds = []
    for _ in range(epochs):
        t0 = time.perf_counter()
        order = np.random.permutation(len(labels))
        for start in range(0, len(labels), 128):
            idx = order[start:start + 128]
            X = images[idx].astype(np.float32) / np.float32(255)
            y = eye[labels[idx]]
            net.loss(y, net.forward(X))
            g = net.gradients(X, y)
            t += 1
            for key, grad in g.items():
                m, v = moments[key]
                m *= b1
                m += (1 - b1) * grad
                v *= b2
                v += (1 - b2) * grad * grad
                step = lr / (1 - b1 ** t)
                denom = np.sqrt(v) / np.sqrt(1 - b2 ** t) + eps
                setattr(net, key, getattr(net, key) - step * m / denom)
        seconds.append(time.perf_counter() - t0)
    return seconds


if __name__ == "__main__":
    what = sys.argv[1]
    if what == "serve":
        serve()
    else:
        run = book if what == "book" else fast
        result = run(pathlib.Path(sys.argv[2]) / "fashion-mnist", int(sys.argv[3]))
        print(json.dumps({"numpy": np.__version__, "kernel": kernel(), "result": result}))
