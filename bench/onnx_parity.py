#!/usr/bin/env python3
"""Parity of the toolkit's `onnx` model with PyTorch, step by step.

Exports the reference's ConvolutionalClassifier and FullyConnectedClassifier from PyTorch with their initial
weights (seed 42), trains each for 50 steps of Adam (lr 1e-3) on the first 50 batches of 256 MNIST training images
in file order, in PyTorch and in the toolkit (plugin-cnn's `onnx` model through `OnnxParity` in its test sources),
and compares the loss of every step and the final weights.

Run from the repository root after `mvn -q install -DskipTests`, with a Python that has torch and onnx:
    python3 bench/onnx_parity.py --mnist DIR [--steps 50] [--batch 256] [--work DIR]
DIR holds train-images-idx3-ubyte and train-labels-idx1-ubyte (raw or .gz). Heavy: run it alone.
"""
import argparse
import gzip
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import numpy_helper


class FullyConnectedClassifier(nn.Module):
    def __init__(self, input_size=784, output_size=10):
        super().__init__()
        sizes = [input_size, 500, 400, 300, 200, 100, 50]
        layers = []
        for a, b in zip(sizes, sizes[1:]):
            layers += [nn.Linear(a, b), nn.LeakyReLU(), nn.BatchNorm1d(b)]
        layers += [nn.Linear(50, output_size), nn.LogSoftmax(dim=-1)]
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return self.layers(x)


class ConvolutionBlock(nn.Module):
    def __init__(self, i, o):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Conv2d(i, o, (3, 3), padding=1), nn.ReLU(), nn.BatchNorm2d(o),
            nn.Conv2d(o, o, (3, 3), stride=2, padding=1), nn.ReLU(), nn.BatchNorm2d(o))

    def forward(self, x):
        return self.layers(x)


class ConvolutionalClassifier(nn.Module):
    def __init__(self, output_size=10):
        super().__init__()
        self.blocks = nn.Sequential(ConvolutionBlock(1, 32), ConvolutionBlock(32, 64), ConvolutionBlock(64, 128),
                                    ConvolutionBlock(128, 256), ConvolutionBlock(256, 512))
        self.layers = nn.Sequential(nn.Linear(512, 50), nn.ReLU(), nn.BatchNorm1d(50),
                                    nn.Linear(50, output_size), nn.LogSoftmax(dim=-1))

    def forward(self, x):
        return self.layers(self.blocks(x).flatten(1))


def read_idx(path):
    if not os.path.exists(path):
        path += ".gz"
    with (gzip.open if path.endswith(".gz") else open)(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims), path


def classpath(root, work):
    out = os.path.join(work, "classpath.txt")
    subprocess.run(["mvn", "-q", "-o", "-pl", "plugin-cnn", "dependency:build-classpath",
                    "-Dmdep.outputFile=" + out], cwd=root, check=True)
    with open(out) as f:
        deps = f.read().strip()
    # this checkout's classes first, ahead of whatever the local Maven repository holds
    return os.pathsep.join([os.path.join(root, "toolkit-api/target/classes"),
                            os.path.join(root, "plugin-cnn/target/classes"),
                            os.path.join(root, "plugin-cnn/target/test-classes"), deps])


def compare(name, model, flat, x, y, args, cp):
    torch.manual_seed(42)
    onnx_file = os.path.join(args.work, name + ".onnx")
    example = x[:2].reshape(2, 784) if flat else x[:2]
    model.eval()
    torch.onnx.export(model, example, onnx_file, dynamo=False, opset_version=17, input_names=["input"],
                      output_names=["log_probs"], dynamic_axes={"input": {0: "N"}, "log_probs": {0: "N"}})
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    ours_file = os.path.join(args.work, name + "_trained.onnx")
    java = subprocess.run(["java", "-cp", cp, "org.mltoolkit.plugin.cnn.bench.OnnxParity", onnx_file, args.images,
                           args.labels, str(args.steps), str(args.batch), ours_file, str(args.threads)],
                          check=True, capture_output=True, text=True)
    ours = [float(line.split()[3]) for line in java.stdout.splitlines() if line.startswith("step ")]
    torch.set_num_threads(args.threads)
    theirs = []
    for s in range(args.steps):
        xb = x[s * args.batch:(s + 1) * args.batch]
        if flat:
            xb = xb.reshape(-1, 784)
        yb = y[s * args.batch:(s + 1) * args.batch]
        opt.zero_grad()
        loss = nn.functional.nll_loss(model(xb), yb)
        loss.backward()
        opt.step()
        theirs.append(loss.item())
    print(f"\n{name}: the `onnx` model of {os.path.basename(onnx_file)} against PyTorch, "
          f"{args.steps} steps of batch {args.batch}")
    print("| step | PyTorch loss | toolkit loss | relative difference |")
    print("|---:|---:|---:|---:|")
    worst = 0.0
    for s, (a, b) in enumerate(zip(theirs, ours), 1):
        rel = abs(a - b) / abs(a)
        worst = max(worst, rel)
        if s <= 5 or s % 5 == 0:
            print(f"| {s} | {a:.6f} | {b:.6f} | {rel:.2e} |")
    print(f"worst relative loss difference over {len(ours)} steps: {worst:.2e}")
    trained = {t.name: numpy_helper.to_array(t) for t in onnx.load(ours_file).graph.initializer}
    state = model.state_dict()
    worst_w = 0.0
    worst_name = ""
    count = 0
    for key, value in state.items():
        if key.endswith("num_batches_tracked") or key not in trained:
            continue
        a = value.detach().numpy()
        b = trained[key]
        diff = float(np.max(np.abs(a - b)) / (np.max(np.abs(a)) + 1e-12))
        count += 1
        if diff > worst_w:
            worst_w, worst_name = diff, key
    print(f"final weights: {count} tensors compared, worst max-abs difference relative to the tensor's largest "
          f"value {worst_w:.2e} ({worst_name})")
    # PyTorch's own test accuracy of what it trained, and the network exported for `evaluate --onnx`
    test_images, _ = read_idx(os.path.join(args.mnist, "t10k-images-idx3-ubyte"))
    test_labels, _ = read_idx(os.path.join(args.mnist, "t10k-labels-idx1-ubyte"))
    xt = torch.from_numpy(test_images.astype(np.float32) / 255.0).unsqueeze(1)
    if flat:
        xt = xt.reshape(-1, 784)
    model.eval()
    with torch.no_grad():
        correct = sum(int((model(xt[i:i + 1000]).argmax(1) == torch.from_numpy(
            test_labels[i:i + 1000].astype(np.int64))).sum()) for i in range(0, len(xt), 1000))
    trained_file = os.path.join(args.work, name + "_pytorch_trained.onnx")
    torch.onnx.export(model, xt[:2], trained_file, dynamo=False, opset_version=17, input_names=["input"],
                      output_names=["log_probs"], dynamic_axes={"input": {0: "N"}, "log_probs": {0: "N"}})
    print(f"PyTorch's test accuracy after {args.steps} steps: {correct / len(xt):.4f} "
          f"({correct} of {len(xt)}); exported to {trained_file}")
    return worst


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--mnist", required=True)
    p.add_argument("--steps", type=int, default=50)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--work", default=None)
    args = p.parse_args()
    args.work = args.work or tempfile.mkdtemp(prefix="onnx-parity-")
    os.makedirs(args.work, exist_ok=True)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    images, args.images = read_idx(os.path.join(args.mnist, "train-images-idx3-ubyte"))
    labels, args.labels = read_idx(os.path.join(args.mnist, "train-labels-idx1-ubyte"))
    n = args.steps * args.batch
    x = torch.from_numpy(images[:n].astype(np.float32) / 255.0).unsqueeze(1)
    y = torch.from_numpy(labels[:n].astype(np.int64))
    cp = classpath(root, args.work)
    worst = max(compare("cnn", ConvolutionalClassifier(), False, x, y, args, cp),
                compare("fc", FullyConnectedClassifier(), True, x, y, args, cp))
    print(f"\n{'agree' if worst <= 1e-3 else 'DISAGREE'}: worst relative loss difference {worst:.2e} (bound 1e-3)")
    sys.exit(0 if worst <= 1e-3 else 1)


if __name__ == "__main__":
    main()
