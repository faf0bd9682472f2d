#!/usr/bin/env python3
"""Parity of the toolkit's `onnx` model with PyTorch, step by step.

Exports the reference's ConvolutionalClassifier and FullyConnectedClassifier from PyTorch with their initial
weights (seed 42), trains each for 50 steps of Adam (lr 1e-3) on the first 50 batches of 256 MNIST training images
in file order, in PyTorch and in the toolkit (plugin-cnn's `onnx` model through `OnnxParity` in its test sources),
and compares the loss of every step and the final weights (also against the same training in float64).

Verdict: each step is also replayed in the toolkit from PyTorch's state before it, so that rounding cannot
accumulate. The two agree when every replayed loss is within 1e-3 (relative) of PyTorch's and every value of every
state after a replayed step is within 1e-3 of its tensor's largest value from the same step taken in float64, or
explained in one of two ways. Near-zero gradients: a gradient error as large as PyTorch float32's own on that
tensor and step (its largest difference from the float64 gradient) moves that float64 step as far; this covers
Adam, which moves a value by about lr whatever the size of its gradient, so a gradient that is rounding noise
around zero becomes a full step whose sign is chance. ReLU branches: where values are left, the ReLU/LeakyReLU
inputs of that step whose float64 value lies within PyTorch float32's own forward error of zero (either branch is
a correct float32 result) are taken the other way in the float64 step one at a time, a flip is kept when it
leaves fewer values unexplained, and a value counts as explained by the flips when it lies within the bound (or
the near-zero-gradient range) of the float64 step with every kept flip. The same counts are printed for PyTorch
float32's own state, and both sides' step-1 gradient errors tensor by tensor.

Run from the repository root after `mvn -q install -DskipTests`, with a Python that has torch and onnx:
    python3 bench/onnx_parity.py --mnist DIR [--steps 50] [--batch 256] [--work DIR] [--nets cnn|fc]
        [--optimizer sgd --lr 0.05] [--flip-candidates 24]
DIR holds train-images-idx3-ubyte and train-labels-idx1-ubyte (raw or .gz). Heavy: run it alone. The work
directory needs about 40 MB per step for the CNN while it runs (the float64 gradients of every replayed step).
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
    """Trains `model` in place for args.steps steps; returns the losses, step 1's gradients, the states after every
    step in `dumps` (state_dict copies as float64 numpy arrays), and with `replay` the same step taken in float64
    from the state before it and PyTorch float32's own gradient error on each tensor at each step. With `replay`,
    writes the whole state before every step (the model's and the optimizer's, float32) into `replay/before<step>/`
    for OnnxParity, and that step's float64 gradients into `replay/grad64_<step>/` for `replay_report`."""
    opt = torch_optimizer(model, args)
    dtype = next(model.parameters()).dtype
    losses, grads, states, exact_states, noise = [], {}, {}, {}, {}
    for s in range(args.steps):
        xb = x[s * args.batch:(s + 1) * args.batch].to(dtype)
        if flat:
            xb = xb.reshape(-1, 784)
        yb = y[s * args.batch:(s + 1) * args.batch]
        if replay:
            write_tensors(os.path.join(replay, f"before{s + 1}"),
                          {**{k: v.detach().numpy() for k, v in model.state_dict().items()
                              if not k.endswith("num_batches_tracked")}, **optimizer_state(model, opt)})
            exact_states[s + 1], exact_grads = exact_step(model, opt, xb, yb, args)
            grad_dir = os.path.join(replay, f"grad64_{s + 1}")
            os.makedirs(grad_dir, exist_ok=True)
            for k, g in exact_grads.items():
                np.save(os.path.join(grad_dir, k + ".npy"), g)
        opt.zero_grad()
        loss = nn.functional.nll_loss(model(xb), yb)
        loss.backward()
        if s == 0:
            grads = {k: p.grad.detach().double().numpy().copy() for k, p in model.named_parameters()}
        if replay:
            noise[s + 1] = {k: float(np.max(np.abs(p.grad.detach().double().numpy() - exact_grads[k])))
                            for k, p in model.named_parameters()}
        opt.step()
        losses.append(loss.item())
        if s + 1 in dumps:
            states[s + 1] = {k: v.detach().double().numpy().copy() for k, v in model.state_dict().items()
                             if not k.endswith("num_batches_tracked")}
    return losses, grads, states, exact_states, noise


def exact_step(model, opt, xb, yb, args):
    """The state after one step from `model`'s and `opt`'s current state (not mutated), taken in float64, and the
    float64 gradients of that step."""
    exact = copy.deepcopy(model).double()
    exact_opt = torch_optimizer(exact, args)
    params = dict(model.named_parameters())
    for key, p in exact.named_parameters():
        source = opt.state.get(params[key], {})
        if source:
            exact_opt.state[p] = {k: v.clone().double() if k != "step" else v.clone() for k, v in source.items()}
    exact_opt.zero_grad()
    nn.functional.nll_loss(exact(xb.double()), yb).backward()
    grads = {k: p.grad.detach().numpy().copy() for k, p in exact.named_parameters()}
    exact_opt.step()
    return {k: v.detach().numpy().copy() for k, v in exact.state_dict().items()
            if not k.endswith("num_batches_tracked")}, grads


def update_range(args, before, key, g, noise):
    """The smallest and largest value parameter `key` takes after one float64 step from the state in `before`
    (raw tensors read from a `before<step>/` directory) when each element's gradient `g` is moved by up to `noise`
    either way: how far a gradient error the size of PyTorch float32's own can move the step. Adam's update
    m / (sqrt(v) + eps) is not monotonic in the gradient everywhere, so it is sampled at nine points."""
    p = before[key]
    lo, hi = None, None
    for k in np.linspace(-1.0, 1.0, 9):
        gk = g + k * noise
        if args.optimizer == "sgd":
            new = p - args.lr * gk
        else:
            b1, b2, eps, t = 0.9, 0.999, 1e-8, float(before["step"]) + 1
            m = b1 * before["exp_avg." + key] + (1 - b1) * gk
            v = b2 * before["exp_avg_sq." + key] + (1 - b2) * gk * gk
            new = p - args.lr / (1 - b1 ** t) * m / (np.sqrt(v) / np.sqrt(1 - b2 ** t) + eps)
        lo = new if lo is None else np.minimum(lo, new)
        hi = new if hi is None else np.maximum(hi, new)
    return lo, hi


def read_before(directory, reference, parameters):
    """The float32 state written into `directory` by `train_torch` (model tensors shaped like `reference`, the
    optimizer's slots of `parameters` and its step count), as float64 arrays."""
    out = read_dump(directory, reference)
    shapes = {k: reference[k].shape for k in parameters}
    for slot in ("exp_avg", "exp_avg_sq"):
        out.update(read_dump(directory, {slot + "." + k: np.zeros(shape) for k, shape in shapes.items()}))
    out["step"] = float(np.fromfile(os.path.join(directory, "step.bin"), dtype="<f4")[0])
    return out


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


def first_step_gradients(name, torch32, ours, exact, noise, state32, exact_state, ours_state):
    """Prints, per parameter, how far the toolkit's and PyTorch float32's step-1 gradients are from PyTorch's
    float64 gradients, and for the values whose state after step 1 lies beyond 1e-3 of the tensor's largest value
    from the float64 step: how large their float64 gradient is and whose sign each side got wrong. Under Adam the
    first step moves every value by about lr * sign(gradient), so a sign flipped by rounding moves it by 2 lr.
    Also names the tensors whose toolkit gradient is more than twice as far from float64 as PyTorch float32's."""
    print(f"\n{name}: step 1's gradients against PyTorch float64 (error: max-abs difference relative to the tensor's"
          f" largest float64 gradient) and the values whose state after step 1 is beyond 1e-3 of the tensor's "
          f"largest value from the float64 step")
    print("| tensor | values | toolkit's gradient error | PyTorch float32's | toolkit: values beyond | their largest "
          "|g64| / max |g64| | of them within PyTorch float32's gradient error of zero | sign wrong in the toolkit "
          "| also wrong in PyTorch float32 | PyTorch float32: values beyond | their largest |g64| / max |g64| |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    totals = np.zeros(4, dtype=np.int64)
    worse = []
    for key, g64 in exact.items():
        scale = np.max(np.abs(g64)) + 1e-30
        err_ours = float(np.max(np.abs(ours[key] - g64)) / scale)
        err_torch = float(np.max(np.abs(torch32[key] - g64)) / scale)
        if err_ours > 2 * err_torch:
            worse.append(f"{key} {err_ours:.1e} against {err_torch:.1e}")
        tol = 1e-3 * np.max(np.abs(exact_state[key]))
        off_ours = np.abs(ours_state[key] - exact_state[key]) > tol
        off_torch = np.abs(state32[key] - exact_state[key]) > tol
        if not off_ours.any() and not off_torch.any():
            continue
        small = np.abs(g64) <= noise[key]
        wrong_ours = np.sign(ours[key]) != np.sign(g64)
        wrong_torch = np.sign(torch32[key]) != np.sign(g64)
        largest = (lambda mask: f"{np.max(np.abs(g64[mask])) / scale:.1e}" if mask.any() else "")
        totals += [off_ours.sum(), (off_ours & small).sum(), (off_ours & wrong_ours).sum(), off_torch.sum()]
        print(f"| {key} | {g64.size} | {err_ours:.1e} | {err_torch:.1e} | {off_ours.sum()} | {largest(off_ours)} "
              f"| {(off_ours & small).sum()} | {(off_ours & wrong_ours).sum()} "
              f"| {(off_ours & wrong_ours & wrong_torch).sum()} | {off_torch.sum()} | {largest(off_torch)} |")
    print(f"step 1: the toolkit has {totals[0]} values beyond the bound, {totals[1]} of them with a float64 gradient "
          f"within PyTorch float32's own gradient error of zero, {totals[2]} with the gradient's sign wrong; "
          f"PyTorch float32 has {totals[3]} values beyond it")
    print("tensors whose step-1 gradient is more than twice as far from float64 as PyTorch float32's: "
          + ("; ".join(worse) if worse else "none"))


def kink_inputs(model, xb):
    """Runs `model` forward on `xb` and returns the input of every ReLU and LeakyReLU module, by module name."""
    inputs, handles = {}, []
    for key, module in model.named_modules():
        if isinstance(module, (nn.ReLU, nn.LeakyReLU)):
            handles.append(module.register_forward_hook(
                lambda m, inp, out, key=key: inputs.__setitem__(key, inp[0].detach().double().numpy())))
    with torch.no_grad():
        model(xb)
    for h in handles:
        h.remove()
    return inputs


def kink_candidates(model, xb, cap):
    """The ReLU/LeakyReLU inputs of `model`'s forward on `xb` (float32, not mutated) whose float64 value lies within
    PyTorch float32's own forward error of zero (the largest difference between the float32 and float64 inputs of
    that module): their branch is a matter of rounding. Returns at most `cap` of them per module, nearest to zero
    (relative to that error) first, each as (module name, index, float64 value, float32 value, largest |value| of
    the float64 input's channel or feature over the batch)."""
    # copies: a forward in training mode updates the running statistics
    z32, z64 = kink_inputs(copy.deepcopy(model), xb), kink_inputs(copy.deepcopy(model).double(), xb.double())
    candidates = []
    for key, z in z64.items():
        noise = float(np.max(np.abs(z32[key] - z)))
        depth = np.abs(z).ravel() / (noise + 1e-300)
        nearest = np.argpartition(depth, min(cap, depth.size - 1))[:cap]
        for i in nearest[depth[nearest] <= 1]:
            w = tuple(int(v) for v in np.unravel_index(i, z.shape))
            channel = float(np.max(np.abs(z[:, w[1]]))) if z.ndim > 1 else float(np.max(np.abs(z)))
            candidates.append((float(depth[i]), (key, w, float(z[w]), float(z32[key][w]), channel)))
    candidates.sort(key=lambda c: c[0])
    return [c for _, c in candidates]


def feeds(candidate, unexplained):
    """Whether the ReLU/LeakyReLU input `candidate` (from `kink_candidates`) is an output of a layer whose weight or
    bias has unexplained values in that output channel: the layer before it in the same Sequential, whose output
    channel's gradient the branch passes or blocks."""
    key, w = candidate[0], candidate[1]
    prefix, _, index = key.rpartition(".")
    if not index.isdigit():
        return False
    layer = f"{prefix}.{int(index) - 1}" if prefix else str(int(index) - 1)
    return any(unexplained[name][w[1]].any() for name in (layer + ".weight", layer + ".bias") if name in unexplained)


def flipped_step(model, before, xb, yb, args, flips):
    """One float64 step from the state in `model` (float32, holding the state before the step; not mutated) and
    the optimizer slots in `before` (from `read_before`), with the ReLU/LeakyReLU branch taken the other way at the
    inputs in `flips` (pairs of module name and index). Returns the state after the step and its gradients, as
    float64 arrays by name; without flips this is the step `exact_step` took."""
    exact = copy.deepcopy(model).double()
    handles = []
    for key, module in exact.named_modules():
        where = [w for k, w in flips if k == key]
        if where:
            slope = module.negative_slope if isinstance(module, nn.LeakyReLU) else 0.0

            def hook(m, inp, out, where=where, slope=slope):
                z = inp[0]
                positive = z > 0
                for w in where:
                    positive[w] = ~positive[w]
                return torch.where(positive, z, z * slope)
            handles.append(module.register_forward_hook(hook))
    opt = torch_optimizer(exact, args)
    if isinstance(opt, torch.optim.Adam) and before["step"] > 0:
        for key, p in exact.named_parameters():
            opt.state[p] = {"step": torch.tensor(before["step"], dtype=torch.float32),
                            "exp_avg": torch.from_numpy(before["exp_avg." + key].copy()),
                            "exp_avg_sq": torch.from_numpy(before["exp_avg_sq." + key].copy())}
    opt.zero_grad()
    nn.functional.nll_loss(exact(xb.double()), yb).backward()
    grads = {k: p.grad.detach().numpy().copy() for k, p in exact.named_parameters()}
    opt.step()
    for h in handles:
        h.remove()
    return {k: v.detach().numpy().copy() for k, v in exact.state_dict().items()
            if not k.endswith("num_batches_tracked")}, grads


def beyond(args, before, exact, grads, noise, target, tols):
    """Per tensor, the values of `target` further than `tols[key]` from the float64 step `exact` (a mask), and
    those of them within `update_range` of that step (plus the bound) when its gradient `grads` is moved by up to
    PyTorch float32's own gradient error `noise[key]`: what a near-zero gradient explains."""
    out = {}
    for key, e in exact.items():
        value, tol = target[key], tols[key]
        off = np.abs(value - e) > tol
        near_zero = np.zeros_like(off)
        if key in grads and off.any():
            lo, hi = update_range(args, before, key, grads[key], noise[key])
            near_zero = off & (value >= lo - tol) & (value <= hi + tol)
        out[key] = (off, near_zero)
    return out


def unexplained_total(masks):
    """How many values `beyond`'s masks leave unexplained."""
    return sum(int((off & ~near_zero).sum()) for off, near_zero in masks.values())


def branch_search(args, model, before, xb, yb, noise, target, tols, exact_masks):
    """Explains a replayed step's values beyond the bound by ReLU/LeakyReLU branches that rounding decides. Takes
    the candidates of `kink_candidates` (from the state before the step, `model`; not mutated), those that feed a
    layer output channel with unexplained values first, nearest to zero next, at most args.flip_candidates of them,
    and tries them one at a time: a flip is kept when the float64 step taken with the flips kept so far and this
    one leaves fewer of `target`'s values beyond the bound and outside its near-zero-gradient range than without
    it. Returns the flips kept (as `kink_candidates` describes them) and, per tensor, the mask of the values that
    `exact_masks` left unexplained and the float64 step with those flips accounts for."""
    unexplained = {key: off & ~near_zero for key, (off, near_zero) in exact_masks.items()}
    candidates = kink_candidates(model, xb, args.flip_candidates)
    candidates = sorted(candidates, key=lambda c: not feeds(c, unexplained))[:args.flip_candidates]
    best = unexplained_total(exact_masks)
    kept, kept_masks = [], None
    for candidate in candidates:
        if best == 0:
            break
        trial = [(k, w) for k, w, *_ in kept + [candidate]]
        state, grads = flipped_step(model, before, xb, yb, args, trial)
        masks = beyond(args, before, state, grads, noise, target, tols)
        total = unexplained_total(masks)
        if total < best:
            best, kept, kept_masks = total, kept + [candidate], masks
    explained = {}
    for key, rest in unexplained.items():
        if kept_masks is None:
            explained[key] = np.zeros_like(rest)
        else:
            flipped_off, flipped_near_zero = kept_masks[key]
            explained[key] = rest & ~(flipped_off & ~flipped_near_zero)
    return kept, explained


def with_state(initial, state):
    """A copy of `initial` (not mutated) holding the model tensors of `state` (float64 arrays by name)."""
    model = copy.deepcopy(initial)
    with torch.no_grad():
        for key, tensor in model.state_dict().items():
            if key in state:
                tensor.copy_(torch.from_numpy(state[key]))
    return model


SIDES = ("toolkit", "PyTorch float32")


def replay_report(args, replay, dump, states, exact_states, noise, parameters, initial, flat, x, y):
    """Compares, for every replayed step, every value of the toolkit's state after it (read from `dump`) and of
    PyTorch float32's with the same step taken in float64. A value beyond 1e-3 of its tensor's largest value from
    the float64 step is explained by a near-zero gradient when it lies within `update_range` of that step (plus the
    bound): a gradient error no larger than PyTorch float32's own on that tensor moves the float64 step that far.
    Where a side has values that rule leaves unexplained, `branch_search` looks for ReLU/LeakyReLU branches within
    float32 rounding of zero that the float64 step, taken the other way there, reproduces them with. Prints each
    step's flips and counts; returns the totals per side and the number of values compared."""
    counts = {"elements": 0}
    for who in SIDES:
        counts[who] = {"off": 0, "near_zero": 0, "flips": 0, "by_flips": 0, "unexplained": 0, "worst": 0.0, "where": "",
                       "largest": 0.0, "largest_where": ""}
    mismatched = 0
    print(f"\nreplayed steps, every value of the state after each step against the same step in float64 (bound 1e-3 "
          f"of the tensor's largest value); values beyond it explained by near-zero gradients or by ReLU/LeakyReLU "
          f"branches within float32 rounding of zero, searched among at most {args.flip_candidates} inputs per step "
          f"(steps with no value beyond the bound not shown):")
    for s in range(1, args.steps + 1):
        got = read_dump(os.path.join(dump, f"replay{s}"), states[s])
        before = read_before(os.path.join(replay, f"before{s}"), states[s], parameters)
        grads = {k: np.load(os.path.join(replay, f"grad64_{s}", k + ".npy")) for k in parameters}
        exact = exact_states[s]
        tols = {k: 1e-3 * (np.max(np.abs(e)) + 1e-30) for k, e in exact.items()}
        counts["elements"] += sum(e.size for e in exact.values())
        for key in parameters:
            lo, hi = update_range(args, before, key, grads[key], noise[s][key])
            mismatched += int(np.sum((exact[key] < lo - tols[key]) | (exact[key] > hi + tols[key])))
        xb = x[(s - 1) * args.batch:s * args.batch]
        xb, yb = (xb.reshape(-1, 784) if flat else xb), y[(s - 1) * args.batch:s * args.batch]
        model = None
        for who, target in (("toolkit", got), ("PyTorch float32", states[s])):
            c = counts[who]
            masks = beyond(args, before, exact, grads, noise[s], target, tols)
            flips, by_flips = [], {k: np.zeros_like(off) for k, (off, _) in masks.items()}
            if unexplained_total(masks):
                if model is None:
                    model = with_state(initial, before)
                flips, by_flips = branch_search(args, model, before, xb, yb, noise[s], target, tols, masks)
            off = sum(int(o.sum()) for o, _ in masks.values())
            near_zero = sum(int(n.sum()) for _, n in masks.values())
            flipped = sum(int(f.sum()) for f in by_flips.values())
            unexplained = off - near_zero - flipped
            c["off"] += off
            c["near_zero"] += near_zero
            c["flips"] += len(flips)
            c["by_flips"] += flipped
            c["unexplained"] += unexplained
            for key, (o, n) in masks.items():
                scale = tols[key] * 1e3
                d = np.abs(target[key] - exact[key])
                if float(np.max(d)) / scale > c["largest"]:
                    c["largest"], c["largest_where"] = float(np.max(d)) / scale, f"{key} after step {s}"
                rest = o & ~n & ~by_flips[key]
                if rest.any() and float(np.max(d[rest])) / scale > c["worst"]:
                    c["worst"], c["where"] = float(np.max(d[rest])) / scale, f"{key} after step {s}"
            if off:
                print(f"  step {s}, {who}: {off} beyond the bound, {near_zero} explained by near-zero gradients, "
                      f"{flipped} explained by {len(flips)} flips, {unexplained} unexplained")
            for key, w, v64, v32, channel in flips:
                print(f"    flip {key} input {list(w)}: float64 {v64:.2e}, PyTorch float32 {v32:.2e}, "
                      f"channel max {channel:.2e}")
    if mismatched:
        print(f"WARNING: {mismatched} values of PyTorch's float64 step lie outside the update range computed for "
              f"them: the script's {args.optimizer} formula does not match PyTorch's")
    return counts


def compare(name, model, flat, x, y, args, cp):
    onnx_file = os.path.join(args.work, name + ".onnx")
    example = x[:2].reshape(2, 784) if flat else x[:2]
    model.eval()
    torch.onnx.export(model, example, onnx_file, dynamo=False, opset_version=17, input_names=["input"],
                      output_names=["log_probs"], dynamic_axes={"input": {0: "N"}, "log_probs": {0: "N"}})
    model.train()
    double = copy.deepcopy(model).double()
    initial = copy.deepcopy(model)
    torch.set_num_threads(args.threads)
    replay = os.path.join(args.work, name + "_replay")
    steps = set(range(1, args.steps + 1))
    theirs, grads, states, exact_states, noise = train_torch(model, flat, x, y, args, steps, replay)
    # The same steps in float64: how far float32 rounding alone carries PyTorch from itself over these steps.
    exact, _, exact_final, _, _ = train_torch(double, flat, x, y, args, {args.steps})
    ours_file = os.path.join(args.work, name + "_trained.onnx")
    dump = os.path.join(args.work, name + "_dump")
    java = subprocess.run(["java", "-cp", cp, "org.mltoolkit.plugin.cnn.bench.OnnxParity", onnx_file, args.images,
                           args.labels, str(args.steps), str(args.batch), ours_file, str(args.threads),
                           args.optimizer, repr(args.lr), dump, replay],
                          capture_output=True, text=True)
    if java.returncode != 0:
        sys.exit(f"the toolkit's run (OnnxParity) failed with exit code {java.returncode}:\n{java.stdout[-2000:]}"
                 f"{java.stderr[-4000:]}")
    ours = [float(line.split()[3]) for line in java.stdout.splitlines() if line.startswith("step ")]
    replayed = [float(line.split()[3]) for line in java.stdout.splitlines() if line.startswith("replay ")]
    dumps = sorted(s for s in {1, 2, 3, args.steps} if s <= args.steps)
    if args.verbose:
        print(f"\n{name}: step 1's gradients and the state after steps {dumps}, toolkit against PyTorch")
        tensor_report("gradients of step 1", grads, read_dump(os.path.join(dump, "grad1"), grads))
        for s in dumps:
            tensor_report(f"state after step {s}", states[s], read_dump(os.path.join(dump, f"state{s}"), states[s]))
    parameters = [k for k, _ in model.named_parameters()]
    first_step_gradients(name, grads, read_dump(os.path.join(dump, "grad1"), grads),
                         {k: np.load(os.path.join(replay, "grad64_1", k + ".npy")) for k in parameters},
                         noise[1], states[1], exact_states[1], read_dump(os.path.join(dump, "replay1"), states[1]))
    counts = replay_report(args, replay, dump, states, exact_states, noise, parameters, initial, flat, x, y)
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
    print(f"replayed steps, every value of the state after each step ({len(states[1])} tensors incl. running "
          f"statistics, {counts['elements']} values over {args.steps} steps) against the same step in float64, "
          f"bound 1e-3 of the tensor's largest value:")
    for who in SIDES:
        c = counts[who]
        print(f"  {who}: {c['off']} values beyond the bound, {c['near_zero']} explained by near-zero gradients, "
              f"{c['by_flips']} explained by {c['flips']} flipped ReLU/LeakyReLU branches, "
              f"{c['unexplained']} unexplained"
              + (f" (worst {c['worst']:.2e}, {c['where']})" if c["unexplained"] else "")
              + f"; largest difference {c['largest']:.2e} of a tensor's largest value ({c['largest_where']})")
    trained = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in onnx.load(ours_file).graph.initializer}
    final32 = {k: v.detach().double().numpy() for k, v in model.state_dict().items()
               if not k.endswith("num_batches_tracked") and k in trained}
    final64 = {k: v for k, v in exact_final[args.steps].items() if k in trained}
    print(f"final weights, free-running ({len(final32)} tensors incl. running statistics): worst max-abs difference "
          f"relative to the tensor's largest value, and worst relative Euclidean distance ||a - b|| / ||b||")
    for title, a_side, b_side in (("toolkit against PyTorch float32", trained, final32),
                                  ("toolkit against PyTorch float64", trained, final64),
                                  ("PyTorch float32 against float64", final32, final64)):
        worst_max, worst_max_name, worst_norm, worst_norm_name = 0.0, "", 0.0, ""
        for key, b_value in b_side.items():
            d = a_side[key] - b_value
            rel_max = float(np.max(np.abs(d)) / (np.max(np.abs(b_value)) + 1e-30))
            rel_norm = float(np.linalg.norm(d) / (np.linalg.norm(b_value) + 1e-30))
            if rel_max > worst_max:
                worst_max, worst_max_name = rel_max, key
            if rel_norm > worst_norm:
                worst_norm, worst_norm_name = rel_norm, key
        print(f"  {title}: max-abs {worst_max:.2e} ({worst_max_name}), Euclidean {worst_norm:.2e} ({worst_norm_name})")
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
    c = counts["toolkit"]
    return worst_replay, c["unexplained"], c["off"], c["near_zero"], c["by_flips"]


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
    p.add_argument("--flip-candidates", type=int, default=24,
                   help="at most this many ReLU/LeakyReLU inputs near zero tried per replayed step and side")
    p.add_argument("--verbose", action="store_true",
                   help="also print, per tensor, step 1's gradients and the state after steps 1-3 and the last")
    args = p.parse_args()
    # PyTorch asks whether NNPACK can run before every convolution and, on processors it does not support, warns
    # each time; it would not be used there either way.
    torch.backends.nnpack.set_flags(False)
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
    unexplained, beyond_bound, near_zero, by_flips = (sum(r[i] for r in results) for i in range(1, 5))
    ok = worst <= 1e-3 and unexplained == 0
    print(f"\n{'agree' if ok else 'DISAGREE'}: every step replayed from PyTorch's state: worst relative loss "
          f"difference {worst:.2e} (bound 1e-3); every value of every state after a replayed step within 1e-3 of its "
          f"tensor's largest value from the same step in float64, or explained: {beyond_bound} values beyond 1e-3, "
          f"{near_zero} explained by near-zero gradients (a gradient error as large as PyTorch float32's own moves the "
          f"float64 step that far), {by_flips} by ReLU/LeakyReLU branches within float32 rounding of zero taken the "
          f"other way in the float64 step, {unexplained} unexplained")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
