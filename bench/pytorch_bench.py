#!/usr/bin/env python3
"""The PyTorch side of `toolkit bench --vs-pytorch PYTHON`.

Re-creates the reference trainer's two networks (fc and cnn, as the root README describes them) and measures,
for one model in this process, the figures `toolkit bench` measures for its own, in the same order and under
the same JSON keys: training steps after a warm-up (Adam, learning rate 1e-3, NLL loss on log-softmax output,
shuffled batches of the 80% training split), the validation pass over the other 20%, the peak resident memory
after training and validation, inference throughput over the test split and batch-1 latency. Prints one JSON
object on standard output; errors go to standard error with a non-zero exit code.

Usage: pytorch_bench.py --model fc|cnn [--data-dir DIR] [--steps N] [--train-seconds S] [--full] [--warmup-steps N] [--batch-size N]
                        [--threads N] [--seed N] [--latency-samples N]
The data directory holds the four MNIST IDX files (gzipped or not); it defaults to $MNIST_DIR.
"""
import argparse
import gzip
import json
import os
import struct
import sys
import time

MIN_INFERENCE_SECONDS = 2.0
INFERENCE_WARMUP_BATCHES = 2
LATENCY_WARMUP = 20
MIN_STEPS = 10
TRAIN_RATIO = 0.8
FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}


def fail(message):
    print("error: " + message, file=sys.stderr)
    sys.exit(1)


def read_idx(directory, name):
    """The array in IDX file `name` (or `name.gz`) of `directory`, as uint8 numpy data of the header's shape."""
    import numpy as np

    path = os.path.join(directory, name)
    opener = open
    if not os.path.exists(path) and os.path.exists(path + ".gz"):
        path, opener = path + ".gz", gzip.open
    if not os.path.exists(path):
        fail("MNIST file %s is missing in %s" % (name, directory))
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype, dims = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        fail("%s is not an IDX file of unsigned bytes" % path)
    shape = struct.unpack(">" + "I" * dims, data[4 : 4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def build_model(name, nn):
    """The reference's network `name`: fc (802,160 parameters) or cnn (4,741,876 parameters)."""
    if name == "fc":
        sizes = [784, 500, 400, 300, 200, 100, 50]
        layers = []
        for a, b in zip(sizes, sizes[1:]):
            layers += [nn.Linear(a, b), nn.LeakyReLU(), nn.BatchNorm1d(b)]
        return nn.Sequential(*layers, nn.Linear(50, 10), nn.LogSoftmax(dim=-1))
    if name == "cnn":
        channels = [1, 32, 64, 128, 256, 512]
        layers = []
        for a, b in zip(channels, channels[1:]):
            layers += [
                nn.Conv2d(a, b, 3, padding=1), nn.ReLU(), nn.BatchNorm2d(b),
                nn.Conv2d(b, b, 3, stride=2, padding=1), nn.ReLU(), nn.BatchNorm2d(b),
            ]
        return nn.Sequential(
            *layers, nn.Flatten(), nn.Linear(512, 50), nn.ReLU(), nn.BatchNorm1d(50), nn.Linear(50, 10),
            nn.LogSoftmax(dim=-1))
    fail("unknown model '%s' (this script knows fc and cnn)" % name)


def peak_resident_megabytes():
    """VmHWM of this process in MB (2^20 bytes), as the toolkit reads its own; None where there is none."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def percentile(samples, q):
    import numpy as np

    return float(np.percentile(np.asarray(samples), q * 100.0))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, choices=["fc", "cnn"])
    parser.add_argument("--data-dir", default=os.environ.get("MNIST_DIR"))
    parser.add_argument("--steps", type=int, default=300, help="at most this many timed training steps")
    parser.add_argument("--train-seconds", type=float, default=20.0,
                        help="stop the timed steps after this many seconds, once 10 are done (0: no limit)")
    parser.add_argument("--full", action="store_true", help="time one whole epoch instead of --steps")
    parser.add_argument("--warmup-steps", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--latency-samples", type=int, default=200)
    args = parser.parse_args()
    if not args.data_dir:
        fail("no MNIST directory: pass --data-dir DIR or set MNIST_DIR")
    for name in ("steps", "warmup_steps", "batch_size", "threads", "latency_samples"):
        if getattr(args, name) < (0 if name in ("steps", "warmup_steps") else 1):
            fail("--%s must be positive, got %d" % (name.replace("_", "-"), getattr(args, name)))

    import numpy as np
    import torch
    from torch import nn

    torch.set_num_threads(args.threads)
    # PyTorch asks whether NNPACK can run before every convolution and, on processors it does not support, prints a
    # warning each time (thousands per run); it would not be used there either way.
    torch.backends.nnpack.set_flags(False)
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)

    images = torch.from_numpy(read_idx(args.data_dir, FILES["train_images"]).astype(np.float32) / 255.0)
    labels = torch.from_numpy(read_idx(args.data_dir, FILES["train_labels"]).astype(np.int64))
    test_images = torch.from_numpy(read_idx(args.data_dir, FILES["test_images"]).astype(np.float32) / 255.0)
    shape = (-1, 784) if args.model == "fc" else (-1, 1, 28, 28)
    images, test_images = images.reshape(shape), test_images.reshape(shape)
    order = torch.randperm(images.shape[0], generator=generator)
    cut = int(images.shape[0] * TRAIN_RATIO)
    train_x, train_y = images[order[:cut]], labels[order[:cut]]
    valid_x, valid_y = images[order[cut:]], labels[order[cut:]]

    model = build_model(args.model, nn)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.NLLLoss()

    def epoch_batches():
        while True:
            permutation = torch.randperm(train_x.shape[0], generator=generator)
            for start in range(0, train_x.shape[0], args.batch_size):
                index = permutation[start : start + args.batch_size]
                yield train_x[index], train_y[index]

    def step(x, y):
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()

    figures = {
        "implementation": "pytorch",
        "model": args.model,
        "batch_size": args.batch_size,
        "threads": args.threads,
        "torch_version": torch.__version__,
        "parameters": sum(p.numel() for p in model.parameters()),
    }
    model.train()
    batches = epoch_batches()
    figures["first_step_unix_ms"] = int(time.time() * 1000)
    for _ in range(args.warmup_steps):
        step(*next(batches))
    figures["warmup_steps"] = args.warmup_steps

    steps_per_epoch = -(-train_x.shape[0] // args.batch_size)
    wanted = steps_per_epoch if args.full else args.steps
    if args.full:  # a whole epoch of its own, as the toolkit times one: start on a fresh permutation
        batches = epoch_batches()
    trained = 0
    start = time.perf_counter()
    taken = 0
    while taken < wanted and (args.full or taken < MIN_STEPS or args.train_seconds <= 0
                              or time.perf_counter() - start < args.train_seconds):
        x, y = next(batches)
        step(x, y)
        trained += x.shape[0]
        taken += 1
    train_seconds = time.perf_counter() - start
    figures["train_steps"] = taken
    figures["train_images"] = trained
    figures["train_examples"] = train_x.shape[0]
    figures["full_epoch"] = args.full
    figures["train_images_per_second"] = trained / train_seconds
    figures["epoch_seconds"] = train_seconds if args.full else train_x.shape[0] / (trained / train_seconds)

    model.eval()
    start = time.perf_counter()
    loss_sum, correct = 0.0, 0
    with torch.no_grad():
        for first in range(0, valid_x.shape[0], args.batch_size):
            x, y = valid_x[first : first + args.batch_size], valid_y[first : first + args.batch_size]
            out = model(x)
            loss_sum += float(loss_fn(out, y)) * x.shape[0]
            correct += int((out.argmax(dim=1) == y).sum())
    figures["validation_seconds"] = time.perf_counter() - start
    figures["validation_examples"] = valid_x.shape[0]
    figures["validation_loss"] = loss_sum / valid_x.shape[0]
    figures["validation_accuracy"] = correct / valid_x.shape[0]
    figures["peak_rss_mb"] = peak_resident_megabytes()

    test_batches = [test_images[i : i + args.batch_size] for i in range(0, test_images.shape[0], args.batch_size)]
    with torch.inference_mode():
        for i in range(INFERENCE_WARMUP_BATCHES):
            model(test_batches[i % len(test_batches)])
        batches, predicted = 0, 0
        start = time.perf_counter()
        while True:
            x = test_batches[batches % len(test_batches)]
            model(x)
            predicted += x.shape[0]
            batches += 1
            if time.perf_counter() - start >= MIN_INFERENCE_SECONDS:
                break
        figures["inference_batches"] = batches
        figures["inference_images_per_second"] = predicted / (time.perf_counter() - start)

        count = min(test_images.shape[0], args.latency_samples + LATENCY_WARMUP)
        singles = [test_images[i : i + 1] for i in range(count)]
        for i in range(LATENCY_WARMUP):
            model(singles[i % len(singles)])
        millis = []
        for i in range(args.latency_samples):
            x = singles[(LATENCY_WARMUP + i) % len(singles)]
            begin = time.perf_counter_ns()
            model(x)
            millis.append((time.perf_counter_ns() - begin) / 1e6)
    figures["latency_samples"] = len(millis)
    figures["latency_b1_median_ms"] = percentile(millis, 0.5)
    figures["latency_b1_p90_ms"] = percentile(millis, 0.9)
    json.dump(figures, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
