#!/usr/bin/env python3
"""Writes the small ONNX fixtures of the imported-network tests, with PyTorch's own answers beside them.

Run from this directory with a Python that has torch and onnx:  python3 make_fixtures.py
Each network is tiny (1x8x8 or 64-wide inputs, 3 classes) so that every file stays a few kilobytes. For each
fixture NAME.onnx the directory NAME/ holds TensorProto files: input.pb (a batch of 6), labels.pb, eval.pb
(the network's output in eval mode), and from one training-mode forward and backward in PyTorch: loss.pb
(mean NLL of the log-probabilities) and one grad_<parameter>.pb per parameter.
"""
import os
import warnings

import onnx
import torch
import torch.nn as nn
from onnx import numpy_helper

warnings.filterwarnings("ignore")


class Block(nn.Module):
    """The reference ConvolutionBlock: Conv3x3 ReLU BN Conv3x3/2 ReLU BN."""

    def __init__(self, i, o):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Conv2d(i, o, (3, 3), padding=1), nn.ReLU(), nn.BatchNorm2d(o),
            nn.Conv2d(o, o, (3, 3), stride=2, padding=1), nn.ReLU(), nn.BatchNorm2d(o))

    def forward(self, x):
        return self.layers(x)


class SmallReferenceCnn(nn.Module):
    """The reference ConvolutionalClassifier with 4 and 6 channels and a hidden width of 8, on 8x8 images."""

    def __init__(self):
        super().__init__()
        self.blocks = nn.Sequential(Block(1, 4), Block(4, 6))
        self.layers = nn.Sequential(nn.Linear(6 * 2 * 2, 8), nn.ReLU(), nn.BatchNorm1d(8),
                                    nn.Linear(8, 3), nn.LogSoftmax(dim=-1))

    def forward(self, x):
        return self.layers(self.blocks(x).flatten(1))


class SmallReferenceFc(nn.Module):
    """The reference FullyConnectedClassifier, narrower: 64-16-12-3 with LeakyReLU and BatchNorm1d."""

    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(64, 16), nn.LeakyReLU(), nn.BatchNorm1d(16),
            nn.Linear(16, 12), nn.LeakyReLU(), nn.BatchNorm1d(12),
            nn.Linear(12, 3), nn.LogSoftmax(dim=-1))

    def forward(self, x):
        return self.layers(x)


class MixedOps(nn.Module):
    """Many operators real exporters write: Pad, pooling, view(x.size(0), -1), Concat, Sigmoid, Tanh, Div, Sub,
    a bias-free Linear (MatMul), Dropout (ratio 0 so that PyTorch's gradients are deterministic) and Softmax last."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 3, 3)
        self.bn = nn.BatchNorm2d(3)
        self.c2 = nn.Conv2d(3, 4, 3, stride=2, padding=1)
        self.drop = nn.Dropout(0.0)
        self.fc = nn.Linear(4 * 2 * 2 + 4, 5, bias=False)
        self.scale = nn.Parameter(torch.linspace(0.5, 1.5, 5))
        self.out = nn.Linear(5, 3)

    def forward(self, x):
        x = x / 2.0 - 0.25
        x = nn.functional.pad(x, (1, 1, 1, 1))
        x = torch.relu(self.bn(self.c1(x)))
        x = nn.functional.max_pool2d(x, 2, 2)
        x = torch.tanh(self.c2(x))
        pooled = nn.functional.adaptive_avg_pool2d(x, 1).view(x.size(0), -1)
        x = nn.functional.avg_pool2d(x, 1)
        x = torch.cat([x.view(x.size(0), -1), pooled], dim=1)
        x = self.drop(x)
        x = torch.sigmoid(self.fc(x)) * self.scale
        return torch.softmax(self.out(x), dim=1)


class Logits(nn.Module):
    """A plain MLP whose output is logits (no softmax), on 64-wide inputs."""

    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(64, 10)
        self.l2 = nn.Linear(10, 3)

    def forward(self, x):
        return self.l2(nn.functional.leaky_relu(self.l1(x), 0.2))


class Unsupported(nn.Module):
    """A network with an operator that has no gradient rule (Sin)."""

    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(64, 3)

    def forward(self, x):
        return torch.log_softmax(torch.sin(self.l1(x)), dim=1)


def tensor_file(path, array):
    with open(path, "wb") as f:
        f.write(numpy_helper.from_array(array).SerializeToString())


def fixture(name, model, shape, opset, **kwargs):
    torch.manual_seed(len(name))
    g = torch.Generator().manual_seed(7)
    x = torch.rand((6,) + shape, generator=g)
    labels = torch.tensor([0, 1, 2, 1, 0, 2])
    model.eval()
    # running statistics away from 0 and 1, so that inference-mode BatchNorm is exercised
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            m.running_mean.uniform_(-0.2, 0.2, generator=g)
            m.running_var.uniform_(0.5, 1.5, generator=g)
    torch.onnx.export(model, x, name + ".onnx", dynamo=False, opset_version=opset,
                      input_names=["input"], output_names=["output"], **kwargs)
    os.makedirs(name, exist_ok=True)
    with torch.no_grad():
        evaluated = model(x)
    tensor_file(f"{name}/input.pb", x.numpy())
    tensor_file(f"{name}/labels.pb", labels.numpy())
    tensor_file(f"{name}/eval.pb", evaluated.numpy())
    model.train()
    model.zero_grad()
    out = model(x)
    kind = kinds[name]
    log_probs = out if kind == "log" else torch.log(out) if kind == "prob" else torch.log_softmax(out, dim=1)
    loss = nn.functional.nll_loss(log_probs, labels)
    loss.backward()
    tensor_file(f"{name}/loss.pb", loss.detach().numpy())
    for pname, p in model.named_parameters():
        tensor_file(f"{name}/grad_{pname}.pb", p.grad.numpy())
    size = os.path.getsize(name + ".onnx")
    print(f"{name}.onnx: opset {opset}, {size} bytes")


kinds = {}
for opset in (9, 13, 17, 21):
    kinds[f"reference_cnn_opset{opset}"] = "log"
    fixture(f"reference_cnn_opset{opset}", SmallReferenceCnn(), (1, 8, 8), opset)
kinds["reference_fc_opset11"] = "log"
fixture("reference_fc_opset11", SmallReferenceFc(), (64,), 11)
for opset, extra in ((9, dict(keep_initializers_as_inputs=True)), (11, {}), (18, {})):
    kinds[f"mixed_ops_opset{opset}"] = "prob"
    fixture(f"mixed_ops_opset{opset}", MixedOps(), (1, 8, 8), opset,
            dynamic_axes={"input": {0: "batch"}}, **extra)
kinds["mixed_ops_training_opset15"] = "prob"
fixture("mixed_ops_training_opset15", MixedOps(), (1, 8, 8), 15,
        training=torch.onnx.TrainingMode.TRAINING, do_constant_folding=False)
kinds["logits_opset13"] = "logits"
fixture("logits_opset13", Logits(), (64,), 13)
kinds["unsupported_opset13"] = "log"
fixture("unsupported_opset13", Unsupported(), (64,), 13)
