#!/usr/bin/env python3
# Description: ONNX end to end as a user runs it: a tiny torch Sequential (Conv, BatchNorm, ReLU,
# MaxPool, Flatten, Linear, ReLU, Linear) exported by torch.onnx.export (opset 13), quantized by
# `qsq quantize`, evaluated by `qsq eval --float`. The test images are labelled with torch's own
# argmax (only images whose top two logits differ by more than 1e-3 are kept), so qsq's imported
# float network must score exactly 100 %: its float forward agrees with torch to float tolerance.
# Then `qsq export --onnx` (both weight forms) passes onnx.checker and re-quantizes.
# Usage: /usr/bin/python3 torch_e2e.py QSQ_BINARY WORK_DIR   (exit 77: torch or onnx missing, skipped)
import json
import os
import subprocess
import sys

try:
    import numpy as np
    import onnx
    import torch
    import torch.nn as nn
except ImportError as e:
    print(f"skipped: {e}")
    sys.exit(77)

qsq, work = sys.argv[1], sys.argv[2]
os.makedirs(f"{work}/data", exist_ok=True)
torch.manual_seed(7)
model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                      nn.Linear(4 * 6 * 6, 16), nn.ReLU(), nn.Linear(16, 5))
with torch.no_grad():
    bn = model[1]
    bn.weight.uniform_(0.5, 1.5)
    bn.bias.uniform_(-0.2, 0.2)
    bn.running_mean.uniform_(-0.1, 0.1)
    bn.running_var.uniform_(0.5, 1.5)
model.eval()
torch.onnx.export(model, torch.rand(1, 1, 12, 12), f"{work}/tiny.onnx", opset_version=13, input_names=["x"],
                  output_names=["logits"], dynamic_axes={"x": {0: "N"}, "logits": {0: "N"}})

with torch.no_grad():
    x = torch.rand(400, 1, 12, 12)
    y = model(x)
top2 = torch.topk(y, 2, dim=1).values
keep = (top2[:, 0] - top2[:, 1]) > 1e-3
x, y = x[keep], y[keep]
labels = y.argmax(1).numpy().astype(np.int64)
half = len(labels) // 2
np.save(f"{work}/data/train_images.npy", x[:half].numpy().astype(np.float32))
np.save(f"{work}/data/train_labels.npy", labels[:half])
np.save(f"{work}/data/test_images.npy", x[half:].numpy().astype(np.float32))
np.save(f"{work}/data/test_labels.npy", labels[half:])


def run(*args):
    r = subprocess.run([qsq, *args, "--json"], capture_output=True, text=True)
    if r.returncode != 0:
        print(f"FAIL: qsq {' '.join(args)}: {r.stderr.strip()}")
        sys.exit(1)
    return json.loads(r.stdout)


data = f"{work}/data"
q = run("quantize", f"{work}/tiny.onnx", "-o", f"{work}/tiny.qsq", "--data", data, "--calib", str(half))
assert [l["kind"] for l in q["layers"]] == ["conv2d", "linear", "linear"], q["layers"]
e = run("eval", f"{work}/tiny.qsq", "--float", f"{work}/tiny.onnx", "--data", data, "--levels", "4")
print(f"images {e['images']}: float {e['float_acc']}, dequantized {e['dequant_acc']}, "
      f"integer q=4 {e['levels'][0].get('acc', e['levels'][0])}")
if e["float_acc"] != 1.0:
    print(f"FAIL: qsq's float forward of the imported network disagrees with torch: accuracy {e['float_acc']}")
    sys.exit(1)

for form in ("qonnx", "float"):
    out = f"{work}/back_{form}.onnx"
    run("export", f"{work}/tiny.qsq", "--onnx", out, "--onnx-weights", form)
    onnx.checker.check_model(onnx.load(out))
    run("quantize", out, "-o", f"{work}/back_{form}.qsq", "--data", data, "--calib", str(half))
print("ok")
