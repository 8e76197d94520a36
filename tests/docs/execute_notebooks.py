"""Runs the notebooks in notebooks/ with Deno's Jupyter kernel and stores every cell's outputs.

    python3 tests/docs/execute_notebooks.py [notebooks/part4_1.ipynb ...]
    deno fmt notebooks/

Needs Jupyter's client libraries (jupyter_client, nbformat; Debian: python3-jupyter-client
python3-nbformat) and the kernel (`deno jupyter --install`). Reads the data as the notebooks do
(NN_DATA_DIR, the cache, or the URLs).

Why not `jupyter nbconvert --execute`: Deno's kernel can send a cell's last lines of standard
output just after it reports the cell done, and nbconvert drops what arrives then, so the stored
outputs would lose lines at random. This waits until the kernel has been quiet for a moment after
each cell. tests/docs/docs_test.ts then checks that each cell's stored output is what it prints.
"""
import os
import pathlib
import queue
import sys

import nbformat
from jupyter_client.manager import start_new_kernel

ROOT = pathlib.Path(__file__).resolve().parents[2]
QUIET_SECONDS = 1.0


def run_cell(client, source):
    """Executes one cell; returns its outputs (nbformat nodes) and its execution count."""
    msg_id = client.execute(source, store_history=True)
    outputs, count, idle = [], None, False
    while True:
        try:
            msg = client.get_iopub_msg(timeout=QUIET_SECONDS if idle else 600)
        except queue.Empty:
            if idle:
                break
            raise RuntimeError("the kernel went silent for 10 minutes")
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "status" and content["execution_state"] == "idle":
            idle = True
        elif kind == "execute_input":
            count = content["execution_count"]
        elif kind == "stream":
            if outputs and outputs[-1].output_type == "stream" and outputs[-1].name == content["name"]:
                outputs[-1].text += content["text"]
            else:
                outputs.append(nbformat.v4.new_output("stream", name=content["name"], text=content["text"]))
        elif kind in ("execute_result", "display_data"):
            extra = {"execution_count": content.get("execution_count")} if kind == "execute_result" else {}
            outputs.append(
                nbformat.v4.new_output(kind, data=content["data"], metadata=content.get("metadata", {}), **extra)
            )
        elif kind == "error":
            raise RuntimeError(f"the cell failed: {content['ename']}: {content['evalue']}\n{source}")
    reply = client.get_shell_msg(timeout=60)
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"the cell failed:\n{source}")
    return outputs, count


def execute(path):
    nb = nbformat.read(path, as_version=4)
    manager, client = start_new_kernel(kernel_name="deno", cwd=str(path.parent))
    try:
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            cell.outputs, cell.execution_count = run_cell(client, cell.source)
            cell.metadata.pop("execution", None)  # timestamps: noise in a diff
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    nbformat.write(nb, path)
    print(f"ran {path.relative_to(ROOT)}")


if __name__ == "__main__":
    os.environ.setdefault("NO_COLOR", "1")
    paths = [pathlib.Path(p).resolve() for p in sys.argv[1:]] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for p in paths:
        execute(p)
