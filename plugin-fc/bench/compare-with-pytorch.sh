#!/usr/bin/env bash
# Trains fc for a few epochs with the PyTorch reference and with ./toolkit, alternately, in one session, and
# prints the training seconds of every epoch of both and their peak RSS. Needs the toolkit built
# (mvn -q install -DskipTests), the MNIST files fetched (./toolkit data fetch mnist) and three variables:
# PYTHON (a Python with torch), MNIST_DIR (the raw MNIST IDX files) and REFERENCE_TRAINER (the PyTorch reference
# trainer script, which takes --model, --data_dir, --n_epochs, --seed, --threads and --skip_infer).
# For figures of every kind side by side with the project's own PyTorch script, use  ./toolkit bench --vs-pytorch.
# Usage: plugin-fc/bench/compare-with-pytorch.sh [EPOCHS=3] [ROUNDS=2]
# Other heavy jobs on the machine should wait: run it as  flock /tmp/mltoolkit-bench.lock plugin-fc/bench/compare-with-pytorch.sh
set -euo pipefail
epochs="${1:-3}"
rounds="${2:-2}"
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
reference="${REFERENCE_TRAINER:?set REFERENCE_TRAINER to the PyTorch reference trainer script}"
: "${PYTHON:?set PYTHON to a Python with torch}"
: "${MNIST_DIR:?set MNIST_DIR to the directory of the raw MNIST IDX files}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for round in $(seq 1 "$rounds"); do
  /usr/bin/time -v "$PYTHON" "$reference" --model fc --data_dir "$MNIST_DIR" --n_epochs "$epochs" --seed 42 \
      --threads 2 --skip_infer > "$work/torch.log" 2> "$work/torch.time"
  torch_epochs="$(grep -oE '^Epoch [0-9]+: train [0-9.]+s' "$work/torch.log" | awk '{print $4}' | tr -d s | paste -sd' ')"
  torch_rss="$(grep 'Maximum resident' "$work/torch.time" | awk '{print int($6/1024)}')"
  torch_acc="$(grep -oE 'BEST .*acc=[0-9.]+' "$work/torch.log" | grep -oE 'acc=[0-9.]+$')"
  /usr/bin/time -v "$home/toolkit" train --model fc --epochs "$epochs" --run-dir "$work/run$round" --verbose 0 \
      --threads 2 > "$work/toolkit.log" 2> "$work/toolkit.time"
  toolkit_epochs="$(grep -oE '"seconds":[0-9.]+' "$work/run$round/metrics.jsonl" | cut -d: -f2 | xargs printf '%.2f ' )"
  toolkit_rss="$(grep 'Maximum resident' "$work/toolkit.time" | awk '{print int($6/1024)}')"
  toolkit_acc="$(grep -oE '"test_accuracy" : [0-9.]+' "$work/run$round/summary.json" | awk '{print $3}')"
  echo "round $round: pytorch s/epoch: $torch_epochs (peak RSS ${torch_rss} MB, test $torch_acc)"
  echo "round $round: toolkit s/epoch: $toolkit_epochs(peak RSS ${toolkit_rss} MB, test acc=$toolkit_acc)"
done
