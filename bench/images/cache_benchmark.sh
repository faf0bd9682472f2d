#!/usr/bin/env bash
# Decoding against reading the cache, for the dataset images: for a folder DIR (and more dataset options), alternates
# loads without the cache (decoding every file) and loads from the cache, through `toolkit data info`, and prints
# what each load reports (decode time; cache read and digest times) and its wall time. Run from the repository root
# after `mvn -q install -DskipTests`; the cache goes where the dataset puts it (DIR/.toolkit-cache unless cache-dir).
#
#   bench/images/cache_benchmark.sh digits                 # a folder made by bench/images/mnist_to_png.py
#   bench/images/cache_benchmark.sh photos size=64x64      # colour JPEGs, resized
set -euo pipefail
dir="$1"
shift
options=(--dataset-option "path=$dir")
for option in "$@"; do
  options+=(--dataset-option "$option")
done
run() {
  local label="$1"
  shift
  local start end
  start=$(date +%s.%N)
  ./toolkit data info images "${options[@]}" "$@" > /tmp/cache_benchmark.out 2> /tmp/cache_benchmark.err
  end=$(date +%s.%N)
  printf '%-22s wall %6.2f s  ' "$label" "$(echo "$end - $start" | bc)"
  { grep -h -o 'decoded [0-9,]* images in [0-9.]* s' /tmp/cache_benchmark.err || true; } | tr '\n' ' '
  { grep -h -o 'read in [0-9.]* s, after [0-9.]* s reading the files for their digest' /tmp/cache_benchmark.out || true; } \
    | tr '\n' ' '
  echo
}
run "first load (writes)"
for round in 1 2 3; do
  run "no cache ($round)" --dataset-option cache=false
  run "from the cache ($round)"
done
rm -f /tmp/cache_benchmark.out /tmp/cache_benchmark.err
