#!/usr/bin/env python3
# Description: a small residual network end to end, as a user runs it. Defined and trained briefly
# in PyTorch on Fashion-MNIST (conv + BN + ReLU + max pool, a residual block whose Add reads the
# block's input, a depthwise conv (stride 2) + BN + ReLU6, a pointwise conv, global average
# pooling, x.view(x.size(0), -1), Linear): float steps, then quantization-aware steps whose
# forward pass uses 3-bit per-filter weights of qsq's default codebook (0, S/4, S/2, S; S searched
# per filter, BatchNorm frozen so that its per-filter folding commutes with the per-filter scale;
# straight-through gradients), as a user prepares a model for 3-bit codes; the weights are then
# snapped to that grid, so the float model is the one the quantization-aware steps trained and
# what qsq must preserve is its activations' arithmetic (8-bit activations, requantization,
# depthwise, the residual add, average pooling, the clip). Exported by torch.onnx.export (opset 13, symbolic batch, so the
# view is a Shape -> Gather -> Unsqueeze -> Concat -> Reshape chain), quantized by `qsq quantize`
# and evaluated by `qsq eval`. Checks: the exact level's accuracy is within 1 percentage point of
# torch's float accuracy; qsq's integer evaluator (qsq.forward, the engine of `qsq eval`) equals
# the NumPy re-implementation of the integer semantics (tests/python/reference.py) logit for
# logit at every level, and its accuracy is the reference's; `qsq export --onnx` writes both
# weight forms back (onnx.checker, re-quantized). Leaves WORK_DIR/residual.qsq for the RTL test.
# Usage: PYTHONPATH=build/python /usr/bin/python3 residual_e2e.py QSQ_BINARY WORK_DIR
#        (exit 77: torch, onnx or the qsq package missing, skipped)
import json
import os
import subprocess
import sys
import time

try:
    import numpy as np
    import onnx
    import torch
    import torch.nn as nn
    import qsq as qsqpy
except ImportError as e:
    print(f"skipped: {e}")
    sys.exit(77)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import reference as ref  # noqa: E402

SEED, FLOAT_STEPS, QAT_STEPS, BATCH, C = 1, 300, 150, 64, 16
qsq_bin, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)
torch.manual_seed(SEED)
torch.set_num_threads(2)


def fake_quant(w):
    """3-bit pow2 codes per output filter: magnitudes 0, S/4, S/2, S, with S the candidate in
    [max/4, max] of least squared error; the gradient passes straight through."""
    flat = w.detach().flatten(1)
    top = flat.abs().max(1, keepdim=True).values.clamp_min(1e-12)
    levels = torch.tensor([0.0, 0.25, 0.5, 1.0])
    best, best_err = None, None
    for frac in torch.linspace(0.25, 1.0, 16):
        s = top * frac
        idx = (flat.abs().unsqueeze(-1) / s.unsqueeze(-1) - levels).abs().argmin(-1)
        q = flat.sign() * levels[idx] * s
        err = ((q - flat) ** 2).sum(1, keepdim=True)
        best = q if best is None else torch.where(err < best_err, q, best)
        best_err = err if best_err is None else torch.minimum(err, best_err)
    return w + (best.view_as(w) - w).detach()


class QConv2d(nn.Conv2d):
    quant = False

    def forward(self, x):
        return self._conv_forward(x, fake_quant(self.weight) if self.quant else self.weight, self.bias)


class QLinear(nn.Linear):
    quant = False

    def forward(self, x):
        return nn.functional.linear(x, fake_quant(self.weight) if self.quant else self.weight, self.bias)


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(QConv2d(1, C, 3, padding=1), nn.BatchNorm2d(C), nn.ReLU(), nn.MaxPool2d(2))
        self.a = nn.Sequential(QConv2d(C, C, 3, padding=1), nn.BatchNorm2d(C), nn.ReLU())
        self.b = nn.Sequential(QConv2d(C, C, 3, padding=1), nn.BatchNorm2d(C))
        self.dw = nn.Sequential(QConv2d(C, C, 3, padding=1, groups=C, stride=2), nn.BatchNorm2d(C), nn.ReLU6())
        self.pw = nn.Sequential(QConv2d(C, 2 * C, 1), nn.BatchNorm2d(2 * C), nn.ReLU())
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = QLinear(2 * C, 10)

    def forward(self, x):
        x = self.stem(x)
        x = torch.relu(self.b(self.a(x)) + x)
        x = self.pw(self.dw(x))
        x = self.pool(x)
        return self.fc(x.view(x.size(0), -1))


train_x, train_y = qsqpy.load_data("fashion", "train")
test_x, test_y = qsqpy.load_data("fashion", "test")
model = Residual()
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
rng = np.random.default_rng(SEED)
t0 = time.time()
model.train()
for step in range(FLOAT_STEPS + QAT_STEPS):
    if step == FLOAT_STEPS:  # quantization-aware from here: BatchNorm frozen, weights through fake_quant
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.eval()
            if isinstance(m, (QConv2d, QLinear)):
                m.quant = True
        for g in opt.param_groups:
            g["lr"] = 1e-3
    idx = rng.integers(0, len(train_y), BATCH)
    loss = nn.functional.cross_entropy(model(torch.from_numpy(train_x[idx])), torch.from_numpy(train_y[idx].astype(np.int64)))
    opt.zero_grad()
    loss.backward()
    opt.step()
model.eval()
with torch.no_grad():
    for m in model.modules():
        if isinstance(m, (QConv2d, QLinear)):
            m.weight.copy_(fake_quant(m.weight))  # the float model carries the weights it was trained with
            m.quant = False
with torch.no_grad():
    torch_acc = float((model(torch.from_numpy(test_x)).argmax(1).numpy() == test_y).mean())
print(f"trained {FLOAT_STEPS} float + {QAT_STEPS} quantization-aware steps of {BATCH} (seed {SEED}) in {time.time() - t0:.1f} s; torch float accuracy {torch_acc:.4f}")

onnx_path = f"{work}/residual.onnx"
torch.onnx.export(model, torch.rand(1, 1, 28, 28), onnx_path, opset_version=13, input_names=["x"],
                  output_names=["logits"], dynamic_axes={"x": {0: "N"}, "logits": {0: "N"}})
ops = [n.op_type for n in onnx.load(onnx_path).graph.node]
for needed in ("Shape", "Gather", "Concat", "Reshape", "Add", "Clip", "GlobalAveragePool"):
    if needed not in ops:
        print(f"FAIL: the export has no {needed} node, so this test would not exercise it: {ops}")
        sys.exit(1)


def run(*args):
    r = subprocess.run([qsq_bin, *args, "--json"], capture_output=True, text=True)
    if r.returncode != 0:
        print(f"FAIL: qsq {' '.join(args)}: {r.stderr.strip()}")
        sys.exit(1)
    return json.loads(r.stdout)


qsq_path = f"{work}/residual.qsq"
q = run("quantize", onnx_path, "-o", qsq_path, "--data", "fashion")
kinds = [layer["kind"] for layer in q["layers"]]
want_kinds = ["conv2d", "conv2d", "conv2d", "add", "depthwise", "conv2d", "avgpool", "linear"]
if kinds != want_kinds:
    print(f"FAIL: layer kinds {kinds}, expected {want_kinds}")
    sys.exit(1)
e = run("eval", qsq_path, "--float", onnx_path, "--data", "fashion", "--levels", "all")
levels = {lv["q"]: lv["acc"] for lv in e["levels"]}
qmax = max(levels)
print(f"qsq eval on {e['images']} test images: float (qsq's forward of the import) {e['float_acc']:.4f}, "
      f"dequantized {e['dequant_acc']:.4f}, integer " + ", ".join(f"q={k} {v:.4f}" for k, v in sorted(levels.items())))
if abs(levels[qmax] - torch_acc) > 0.01:
    print(f"FAIL: exact-level accuracy {levels[qmax]:.4f} is more than 1 point from torch's float {torch_acc:.4f}")
    sys.exit(1)
if abs(e["float_acc"] - torch_acc) > 0.002:
    print(f"FAIL: qsq's float forward of the imported network {e['float_acc']:.4f} differs from torch's {torch_acc:.4f}")
    sys.exit(1)

# Bit-exactness: the C++ integer evaluator against the NumPy re-implementation.
net = qsqpy.read(qsq_path)
x_int = ref.quantize_input(net, test_x)
hits = 0
for lo in range(0, len(test_y), 1000):
    hits += int((ref.forward_batch(net, x_int[lo:lo + 1000], 0).argmax(1) == test_y[lo:lo + 1000]).sum())
if hits != round(levels[qmax] * len(test_y)):
    print(f"FAIL: the reference classifies {hits} test images correctly, qsq eval {levels[qmax] * len(test_y):.0f}")
    sys.exit(1)
for level in range(0, qmax + 1):
    got = qsqpy.forward(net, test_x[:1000], level)
    want = ref.forward_batch(net, x_int[:1000], level)
    if not np.array_equal(got, want):
        bad = int((got != want).any(axis=1).sum())
        print(f"FAIL: level {level}: qsq's integer logits differ from the reference on {bad} of 1000 images")
        sys.exit(1)
print(f"bit-exact: logits of 1000 images equal the NumPy reference at levels 0..{qmax}; {hits} of "
      f"{len(test_y)} correct at the exact level, as qsq eval")

for form in ("qonnx", "float"):
    out = f"{work}/back_{form}.onnx"
    run("export", qsq_path, "--onnx", out, "--onnx-weights", form)
    onnx.checker.check_model(onnx.load(out))
    back = run("quantize", out, "-o", f"{work}/back_{form}.qsq", "--data", "fashion", "--calib", "500")
    if [layer["kind"] for layer in back["layers"]] != want_kinds:
        print(f"FAIL: the exported {form} model re-imports as {[layer['kind'] for layer in back['layers']]}")
        sys.exit(1)
print("ok")
