"""The PyTorch half of bench/side_by_side.ts: the two Part4-3 recipes with
nn.Sequential, autograd and torch.optim, timed per epoch, printed as JSON.

    /usr/bin/python3 bench/side_by_side_torch.py book DATA_DIR EPOCHS [THREADS]
    /usr/bin/python3 bench/side_by_side_torch.py fast DATA_DIR EPOCHS [THREADS]

- book: float64, unscaled randn weights as the book draws them, full batch of all 60,000
  Fashion-MNIST images, cross-entropy, SGD at lr 0.01.
- fast: float32, PyTorch's default (Kaiming-uniform) initialisation, mini-batches of 128
  shuffled every epoch, Adam at lr 1e-3.
THREADS sets torch.set_num_threads (default: PyTorch's own default, which Debian's build sets
to 1).
"""
import json
import pathlib
import sys
import time

import numpy as np
import torch

from blas_kernel import kernel

from side_by_side_numpy import read_idx  # the same reader as NumPy's half (same folder)


def model(dtype, book):
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
    net = net.to(dtype)
    if book:
        with torch.no_grad():
            for layer in (net[0], net[2]):
                layer.weight.copy_(torch.randn_like(layer.weight))
                layer.bias.zero_()
    return net


def book(data_dir, epochs):
    X = torch.from_numpy(read_idx(data_dir / "train-images-idx3-ubyte.gz") / 255.0)
    y = torch.from_numpy(read_idx(data_dir / "train-labels-idx1-ubyte.gz").astype(np.int64))
    net = model(torch.float64, book=True)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.01)
    criterion = torch.nn.CrossEntropyLoss()
    seconds = []
    for _ in range(epochs):
        t0 = time.perf_counter()
        optimizer.zero_grad()
        loss = criterion(net(X), y)
        loss.backward()
        optimizer.step()
        loss.item()
        seconds.append(time.perf_counter() - t0)
    return seconds


def fast(data_dir, epochs):
    images = torch.from_numpy(read_idx(data_dir / "train-images-idx3-ubyte.gz").copy())
    labels = torch.from_numpy(read_idx(data_dir / "train-labels-idx1-ubyte.gz").astype(np.int64))
    net = model(torch.float32, book=False)
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    criterion = torch.nn.CrossEntropyLoss()
    seconds = []
    for _ in range(epochs):
        t0 = time.perf_counter()
        order = torch.randperm(len(labels))
        for start in range(0, len(labels), 128):
            idx = order[start:start + 128]
            X = images[idx].to(torch.float32) / 255
            optimizer.zero_grad()
            loss = criterion(net(X), labels[idx])
            loss.backward()
            optimizer.step()
            loss.item()
        seconds.append(time.perf_counter() - t0)
    return seconds


if __name__ == "__main__":
    if len(sys.argv) > 4:
        torch.set_num_threads(int(sys.argv[4]))
    run = book if sys.argv[1] == "book" else fast
    result = run(pathlib.Path(sys.argv[2]) / "fashion-mnist", int(sys.argv[3]))
    print(json.dumps({
    "torch": torch.__version__,
    "threads": torch.get_num_threads(),
    "kernel": kernel(),
    "result": result,
}))
