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
import copy
import shutil
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
                            os.path.join(root, "toolkit-plugin-support/target/classes"),
                            os.path.join(root, "plugin-cnn/target/classes"),
                            os.path.join(root, "plugin-cnn/target/test-classes"), deps])


def torch_optimizer(model, args):
    if args.optimizer == "sgd":
        return torch.optim.SGD(model.parameters(), lr=args.lr)
    return torch.optim.Adam(model.parameters(), lr=args.lr)


def write_tensors(directory, tensors):
    os.makedirs(directory, exist_ok=True)
    for key, value in tensors.items():
        np.asarray(value, dtype="<f4").tofile(os.path.join(directory, key + ".bin"))


def optimizer_state(model, opt):
    """PyTorch's optimizer state under the toolkit's names: `step`, `<slot>.<parameter>`."""
    state = {}
    step = 0
    for key, p in model.named_parameters():
        s = opt.state.get(p, {})
        step = int(s["step"]) if "step" in s else step
        for slot in ("exp_avg", "exp_avg_sq"):
            if isinstance(opt, torch.optim.Adam):
                state[slot + "." + key] = s[slot].detach().numpy() if slot in s else np.zeros(p.shape)
    state["step"] = np.array(step)
    return state


def train_torch(model, flat, x, y, args, dumps, replay=None):
    """Trains `model` in place for args.steps steps; returns the losses, step 1's gradients and the states after
    every step in `dumps` (state_dict copies as float64 numpy arrays). With `replay`, writes the whole state before
    every step (the model's and the optimizer's, float32) into `replay/before<step>/` for OnnxParity."""
    opt = torch_optimizer(model, args)
    dtype = next(model.parameters()).dtype
    losses, grads, states, exact_states = [], {}, {}, {}
    for s in range(args.steps):
        xb = x[s * args.batch:(s + 1) * args.batch].to(dtype)
        if flat:
            xb = xb.reshape(-1, 784)
        yb = y[s * args.batch:(s + 1) * args.batch]
        if replay:
            write_tensors(os.path.join(replay, f"before{s + 1}"),
                          {**{k: v.detach().numpy() for k, v in model.state_dict().items()
                              if not k.endswith("num_batches_tracked")}, **optimizer_state(model, opt)})
            exact_states[s + 1] = exact_step(model, opt, xb, yb, args)
        opt.zero_grad()
        loss = nn.functional.nll_loss(model(xb), yb)
        loss.backward()
        if s == 0:
            grads = {k: p.grad.detach().double().numpy().copy() for k, p in model.named_parameters()}
        opt.step()
        losses.append(loss.item())
        if s + 1 in dumps:
            states[s + 1] = {k: v.detach().double().numpy().copy() for k, v in model.state_dict().items()
                             if not k.endswith("num_batches_tracked")}
    return losses, grads, states, exact_states


def exact_step(model, opt, xb, yb, args):
    """The state after one step from `model`'s and `opt`'s current state (not mutated), taken in float64."""
    exact = copy.deepcopy(model).double()
    exact_opt = torch_optimizer(exact, args)
    params = dict(model.named_parameters())
    for key, p in exact.named_parameters():
        source = opt.state.get(params[key], {})
        if source:
            exact_opt.state[p] = {k: v.clone().double() if k != "step" else v.clone() for k, v in source.items()}
    exact_opt.zero_grad()
    nn.functional.nll_loss(exact(xb.double()), yb).backward()
    exact_opt.step()
    return {k: v.detach().numpy().copy() for k, v in exact.state_dict().items()
            if not k.endswith("num_batches_tracked")}


def read_dump(directory, reference):
    """The toolkit's tensors written by OnnxParity into `directory`, shaped like `reference`'s namesakes."""
    out = {}
    for key, value in reference.items():
        f = os.path.join(directory, key + ".bin")
        if os.path.exists(f):
            out[key] = np.fromfile(f, dtype="<f4").reshape(value.shape).astype(np.float64)
    return out


def tensor_report(title, theirs, ours):
    """Prints, per tensor, the max-abs difference relative to PyTorch's tensor's max-abs value; returns the worst."""
    print(f"{title}: {len(ours)} of {len(theirs)} tensors")
    worst = 0.0
    for key, a in theirs.items():
        if key not in ours:
            print(f"  {key}: missing from the toolkit's dump")
            continue
        rel = float(np.max(np.abs(a - ours[key])) / (np.max(np.abs(a)) + 1e-30))
        worst = max(worst, rel)
        print(f"  {key} {list(a.shape)}: max |diff| / max |PyTorch| = {rel:.2e}")
    return worst


def compare(name, model, flat, x, y, args, cp):
    onnx_file = os.path.join(args.work, name + ".onnx")
    example = x[:2].reshape(2, 784) if flat else x[:2]
    model.eval()
    torch.onnx.export(model, example, onnx_file, dynamo=False, opset_version=17, input_names=["input"],
                      output_names=["log_probs"], dynamic_axes={"input": {0: "N"}, "log_probs": {0: "N"}})
    model.train()
    double = copy.deepcopy(model).double()
    torch.set_num_threads(args.threads)
    replay = os.path.join(args.work, name + "_replay")
    steps = set(range(1, args.steps + 1))
    theirs, grads, states, exact_states = train_torch(model, flat, x, y, args, steps, replay)
    # The same steps in float64: how far float32 rounding alone carries PyTorch from itself over these steps.
    exact, _, _, _ = train_torch(double, flat, x, y, args, set())
    ours_file = os.path.join(args.work, name + "_trained.onnx")
    dump = os.path.join(args.work, name + "_dump")
    java = subprocess.run(["java", "-cp", cp, "org.mltoolkit.plugin.cnn.bench.OnnxParity", onnx_file, args.images,
                           args.labels, str(args.steps), str(args.batch), ours_file, str(args.threads),
                           args.optimizer, repr(args.lr), dump, replay],
                          check=True, capture_output=True, text=True)
    ours = [float(line.split()[3]) for line in java.stdout.splitlines() if line.startswith("step ")]
    replayed = [float(line.split()[3]) for line in java.stdout.splitlines() if line.startswith("replay ")]
    dumps = sorted(s for s in {1, 2, 3, args.steps} if s <= args.steps)
    if args.verbose:
        print(f"\n{name}: step 1's gradients and the state after steps {dumps}, toolkit against PyTorch")
        tensor_report("gradients of step 1", grads, read_dump(os.path.join(dump, "grad1"), grads))
        for s in dumps:
            tensor_report(f"state after step {s}", states[s], read_dump(os.path.join(dump, f"state{s}"), states[s]))
    # Replayed steps: each starts from PyTorch's state before it, so float rounding cannot accumulate. Both float32
    # results are measured against the same step taken in float64; the toolkit's state passes where it is within
    # 1e-3 of the float64 step or no further from it than PyTorch's own float32 step (Adam turns a gradient that is
    # rounding noise around an exact zero, for example the bias of a unit whose pre-activations keep one sign over
    # the batch before BatchNorm, into a step of up to lr, in either direction).
    worst_replay_state = 0.0
    worst_replay_name = ""
    worst_torch_state = 0.0
    for s in range(1, args.steps + 1):
        got = read_dump(os.path.join(dump, f"replay{s}"), states[s])
        for key, e in exact_states[s].items():
            scale = np.max(np.abs(e)) + 1e-30
            rel_ours = float(np.max(np.abs(got[key] - e)) / scale)
            rel_torch = float(np.max(np.abs(states[s][key] - e)) / scale)
            worst_torch_state = max(worst_torch_state, rel_torch)
            excess = rel_ours if rel_ours > rel_torch else 0.0
            if excess > worst_replay_state:
                worst_replay_state, worst_replay_name = excess, f"{key} after step {s}"
    shutil.rmtree(replay)
    print(f"\n{name}: the `onnx` model of {os.path.basename(onnx_file)} against PyTorch, "
          f"{args.steps} steps of batch {args.batch}, {args.optimizer} at a constant lr {args.lr}")
    print("| step | PyTorch loss | toolkit, replayed from PyTorch's state | relative difference "
          "| toolkit, free-running | relative difference | PyTorch float64, free-running | relative difference |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    worst_replay = worst_free = worst_self = 0.0
    for s, (a, r, b, c) in enumerate(zip(theirs, replayed, ours, exact), 1):
        rel_replay, rel_free, rel_self = abs(a - r) / abs(a), abs(a - b) / abs(a), abs(a - c) / abs(a)
        worst_replay = max(worst_replay, rel_replay)
        worst_free = max(worst_free, rel_free)
        worst_self = max(worst_self, rel_self)
        if s <= 5 or s % 5 == 0 or args.steps <= 20:
            print(f"| {s} | {a:.6f} | {r:.6f} | {rel_replay:.2e} | {b:.6f} | {rel_free:.2e} | {c:.6f} "
                  f"| {rel_self:.2e} |")
    print(f"worst relative loss difference over {len(ours)} steps: replayed {worst_replay:.2e}; free-running "
          f"{worst_free:.2e}; PyTorch's own float32 against float64, free-running, {worst_self:.2e}")
    print(f"replayed steps, state after each step ({len(states[1])} tensors incl. running statistics) against the same "
          f"step in float64, max-abs difference relative to the tensor's largest value: PyTorch float32 up to "
          f"{worst_torch_state:.2e}; the toolkit beyond PyTorch's own difference up to {worst_replay_state:.2e}"
          + (f" ({worst_replay_name})" if worst_replay_name else ""))
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
    print(f"final weights, free-running: {count} tensors compared, worst max-abs difference relative to the "
          f"tensor's largest value {worst_w:.2e} ({worst_name})")
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
    return worst_replay, worst_replay_state


def seeded(network):
    """`network`'s initial weights from seed 42, the same on every run."""
    torch.manual_seed(42)
    return network()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--mnist", required=True)
    p.add_argument("--steps", type=int, default=50)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--work", default=None)
    p.add_argument("--nets", default="cnn,fc", help="which of cnn and fc to compare, comma-separated")
    p.add_argument("--optimizer", choices=["adam", "sgd"], default="adam")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--verbose", action="store_true",
                   help="also print, per tensor, step 1's gradients and the state after steps 1-3 and the last")
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
    nets = {"cnn": lambda: compare("cnn", seeded(ConvolutionalClassifier), False, x, y, args, cp),
            "fc": lambda: compare("fc", seeded(FullyConnectedClassifier), True, x, y, args, cp)}
    results = [nets[name]() for name in args.nets.split(",")]
    worst = max(r[0] for r in results)
    worst_state = max(r[1] for r in results)
    ok = worst <= 1e-3 and worst_state <= 1e-3
    print(f"\n{'agree' if ok else 'DISAGREE'}: every step replayed from PyTorch's state, worst relative loss "
          f"difference {worst:.2e} (bound 1e-3), worst state difference beyond PyTorch float32's own "
          f"{worst_state:.2e} (bound 1e-3)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
