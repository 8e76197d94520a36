"""The book's Part4-2 code in NumPy, as a whole script, for bench/side_by_side.ts to time
against `deno run -A scripts/part4_2.ts`: read ex2data2.txt, z-score it (ddof=1, as pandas'
.std()), train the 2-10-1 sigmoid network for 5000 full-batch epochs at lr 0.5, print the final
loss and accuracy, save the weights as model.json. (The book plots with matplotlib, which is not
installed here; our script draws its plots as SVG and still pays for them.)

    python3 bench/part4_2_book.py OUT_DIR    # on the shipped tests/fixtures/datasets/ex2data2.txt
    python3 bench/part4_2_book.py --epoch    # µs per epoch of net.train alone, four rounds
"""
import json
import pathlib
import sys

import numpy as np


# The book's network and data preparation, exactly as the reference fixture runs them.
sys.path.insert(0, str(pathlib.Path(__file__).parent.parent / "tests" / "fixtures" / "models"))
from make_book_network import NeuralNetwork, load  # noqa: E402

X, y = load()
if sys.argv[1:] == ["--epoch"]:
    import time

    for r in range(4):
        np.random.seed(0)
        net = NeuralNetwork(2, 10, 1)
        start = time.perf_counter()
        net.train(X, y, 5000, 0.5)
        print(f"round {r}: {(time.perf_counter() - start) / 5000 * 1e6:.1f} µs per epoch")
    sys.exit(0)
np.random.seed(0)
net = NeuralNetwork(2, 10, 1)
losses = net.train(X, y, 5000, 0.5)
print(f"Final loss: {losses[-1]:.6f}")
print(f"Final Accuracy: {np.mean(net.predict(X) == y) * 100:.2f}%")
out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "out")
out.mkdir(parents=True, exist_ok=True)
weights = {k: getattr(net, k).tolist() for k in ["weights1", "bias1", "weights2", "bias2"]}
(out / "model.json").write_text(json.dumps(weights))
