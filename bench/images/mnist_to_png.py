#!/usr/bin/env python3
"""Writes MNIST digits as PNG files in the layout the dataset `images` reads: OUT/train/<digit>/*.png and
OUT/test/<digit>/*.png, or OUT/<digit>/*.png with --flat (the test split is then held out by the toolkit).

Needs only Python 3 (PNG written with zlib). The IDX files come from --mnist DIR (raw or gzipped), for example the
toolkit's data directory's mnist/ folder.

    python3 bench/images/mnist_to_png.py --mnist ~/.local/share/mltoolkit/mnist --out digits --train 2000 --test 500
"""
import argparse
import gzip
import os
import struct
import zlib


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return shape, data[4 + 4 * dims:]


def find(directory, name):
    for candidate in (name, name + ".gz"):
        path = os.path.join(directory, candidate)
        if os.path.exists(path):
            return path
    raise SystemExit(f"error: {name} (or {name}.gz) not found in {directory}")


def png(width, height, grey_rows):
    def chunk(kind, payload):
        body = kind + payload
        return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + row for row in grey_rows)  # filter type 0 on every row
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")


def write_split(images_file, labels_file, count, out_dir):
    (n, rows, cols), pixels = read_idx(images_file)
    (n_labels,), labels = read_idx(labels_file)
    assert n == n_labels, f"{images_file} and {labels_file} disagree"
    count = min(count, n)
    size = rows * cols
    for i in range(count):
        image = pixels[i * size:(i + 1) * size]
        folder = os.path.join(out_dir, str(labels[i]))
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, f"{i:05d}.png"), "wb") as f:
            f.write(png(cols, rows, [image[r * cols:(r + 1) * cols] for r in range(rows)]))
    return count


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mnist", required=True, help="folder with the four MNIST IDX files")
    parser.add_argument("--out", required=True, help="folder to write the PNG files into (created)")
    parser.add_argument("--train", type=int, default=2000, help="training images, the first N (default 2000)")
    parser.add_argument("--test", type=int, default=500, help="test images, the first N (default 500)")
    parser.add_argument("--flat", action="store_true", help="one folder per class, no train/test folders")
    args = parser.parse_args()
    train_dir = args.out if args.flat else os.path.join(args.out, "train")
    written = write_split(find(args.mnist, "train-images-idx3-ubyte"), find(args.mnist, "train-labels-idx1-ubyte"),
                          args.train, train_dir)
    tested = 0
    if not args.flat:
        tested = write_split(find(args.mnist, "t10k-images-idx3-ubyte"), find(args.mnist, "t10k-labels-idx1-ubyte"),
                             args.test, os.path.join(args.out, "test"))
    print(f"wrote {written} training and {tested} test PNG files under {args.out}")


if __name__ == "__main__":
    main()
