"""qsq: quality scalable quantization from Python (NumPy in, NumPy out).

Description: the public Python API over the extension module ``_qsq`` (python/src, pybind11): the
golden model (codebooks, the decoder-aware codec, CSD truncation, error metrics), the ``.qsq``
container (``read``/``write`` with layers as NumPy arrays), bit-exact integer evaluation of a
network on NumPy images, data sets (named or a directory, as ``qsq --data DIR``), quantization of
a TorchScript model (when built with libtorch) and the N-lane schedule. Errors raise ``qsq.Error``
(or its kinds ``FormatError``, ``DataError``, ``IdxError``) with the C++ tool's one-line message.
docs/python.md documents every function.

Usage::

    import qsq
    net = qsq.read("lenet5.qsq")            # qsq.Network, layers with NumPy arrays
    acc = qsq.evaluate(net, images, labels)  # {q: top-1 accuracy}
    qsq.write("copy.qsq", net)
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import List, Optional, Tuple

import numpy as np

from . import _qsq
from ._qsq import (  # noqa: F401  (re-exported)
    DataError,
    Error,
    FormatError,
    IdxError,
    choose_exponent,
    codebook_levels,
    codebook_names,
    csd,
    decode,
    encode,
    encode_nearest,
    error_metrics,
    has_torch,
    load_data,
    metrics,
    qmax,
    qs_rows,
    qs_weight,
    read_npy,
)

__all__ = [
    "Layer", "Network", "Error", "FormatError", "DataError", "IdxError",
    "read", "write", "serialize", "deserialize", "validate", "footprint",
    "encode", "decode", "codebook_levels", "codebook_names", "encode_nearest", "choose_exponent",
    "qs_weight", "qs_rows", "csd", "qmax", "metrics", "error_metrics",
    "load_data", "read_npy", "quantize_input", "forward", "evaluate", "quantize",
    "schedule", "chunk_weights", "scheduled_accumulators", "has_torch",
]


@dataclass
class Layer:
    """One integer layer (model/include/qsq/layer.hpp). Weights are NumPy arrays shaped
    (F, C, K, K) for conv2d, (F, 1, K, K) for depthwise and (F, C) for linear; scales (F,)
    uint32; bias (F,) int32. avgpool and add layers have format "none" and no weights or biases
    (avgpool: kernel 0 is global; add: second_input names the earlier layer, -1 the input)."""

    name: str
    kind: str  # "conv2d" | "linear" | "depthwise" | "avgpool" | "add"
    in_shape: Tuple[int, int, int]
    out_channels: int
    kernel: int = 1
    stride: int = 1
    pad: int = 0
    pool_kernel: int = 0
    pool_stride: int = 0
    requant: bool = True
    multiplier: int = 1
    shift: int = 0
    relu: bool = True
    clip: int = 0  # > 0: the ReLU6 upper bound
    multiplier_b: int = 0  # add: the second input's multiplier
    second_input: int = -1  # add: the earlier layer it adds (-1: the network input)
    format: str = "coded"  # "coded" | "plain" | "none"
    codebook: str = "pow2"
    code_bits: int = 3
    exponent: int = 0
    codes: Optional[np.ndarray] = None
    scales: Optional[np.ndarray] = None
    plain: Optional[np.ndarray] = None
    bias: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    out_shape: Optional[Tuple[int, int, int]] = None  # filled in by read(); informative

    def decoded_weights(self, width: int = 8) -> np.ndarray:
        """The W-bit integers the decoder produces (or the plain weights), shaped like the codes."""
        flat = _qsq.decoded_weights(_layer_dict(self), width)
        if self.format == "none":
            return flat
        per = 1 if self.kind == "depthwise" else self.in_shape[0]
        shape = (self.out_channels, self.in_shape[0]) if self.kind == "linear" else (
            self.out_channels, per, self.kernel, self.kernel)
        return flat.reshape(shape)


@dataclass
class Network:
    """A quantized network (model/include/qsq/network.hpp): what a .qsq file holds."""

    name: str
    input_shape: Tuple[int, int, int]
    layers: List[Layer]
    width: int = 8
    acc_width: int = 32
    input_mean: float = 0.0
    input_scale: float = 1.0


def _layer_dict(layer: Layer) -> dict:
    d = {f.name: getattr(layer, f.name) for f in fields(Layer)}
    d["in_shape"] = list(layer.in_shape)
    d.pop("out_shape")
    return d


def _net_dict(net: Network) -> dict:
    return {
        "name": net.name, "width": net.width, "acc_width": net.acc_width,
        "input_shape": list(net.input_shape), "input_mean": net.input_mean,
        "input_scale": net.input_scale, "layers": [_layer_dict(layer) for layer in net.layers],
    }


def _network(d: dict) -> Network:
    layers = [Layer(**{k: tuple(v) if k in ("in_shape", "out_shape") else v for k, v in ld.items()})
              for ld in d["layers"]]
    return Network(name=d["name"], input_shape=tuple(d["input_shape"]), layers=layers, width=d["width"],
                   acc_width=d["acc_width"], input_mean=d["input_mean"], input_scale=d["input_scale"])


def _as_dict(net) -> dict:
    if isinstance(net, Network):
        return _net_dict(net)
    if isinstance(net, str):
        return _qsq.read(net)
    raise TypeError("expected a qsq.Network or the path of a .qsq file")


def read(path: str) -> Network:
    """Reads and checks a .qsq file; raises FormatError with the reader's one-line message."""
    return _network(_qsq.read(path))


def write(path: str, net: Network, coding: str = "automatic") -> None:
    """Writes a network to a .qsq file atomically (temporary file + rename); coding: automatic, dense, deflate."""
    _qsq.write(path, _net_dict(net), coding)


def serialize(net: Network, coding: str = "automatic") -> bytes:
    return _qsq.serialize(_net_dict(net), coding)


def deserialize(data: bytes) -> Network:
    return _network(_qsq.deserialize(bytes(data)))


def validate(net: Network) -> None:
    """Network::validate(): raises Error naming the first rule the network breaks."""
    _qsq.validate(_net_dict(net))


def footprint(net: Network, coding: str = "automatic") -> dict:
    return _qsq.footprint(_net_dict(net), coding)


def quantize_input(net, images) -> np.ndarray:
    """The network's input quantization of float images (N x C x H x W or C x H x W) -> int32."""
    return _qsq.quantize_input(_as_dict(net), np.asarray(images, np.float32))


def forward(net, images, quality=0) -> np.ndarray:
    """Bit-exact integer logits; quality: one level for every layer (0 = exact) or a list per layer."""
    return _qsq.forward(_as_dict(net), np.asarray(images, np.float32), quality)


def evaluate(net, images, labels, levels=None, threads: int = 2) -> dict:
    """Top-1 accuracy per quality level {q: fraction}, with the engine of `qsq eval`."""
    return _qsq.evaluate(_as_dict(net), np.asarray(images, np.float32), np.asarray(labels), list(levels or []), threads)


def quantize(model: str, images, out: Optional[str] = None, codebook: str = "pow2", bits: int = 3,
             scale: str = "search", keep_ends: bool = False, width: int = 8, acc_width: int = 32,
             calib: int = 2000, threads: int = 2) -> Network:
    """Quantizes a TorchScript model as `qsq quantize` does, calibrated on the first `calib` images
    (float32 N x C x H x W, normalised as the model expects); writes `out` when given. Needs a build
    with libtorch (qsq.has_torch)."""
    if not has_torch:
        raise Error("qsq.quantize needs a build with libtorch (QSQ_WITH_TORCH=ON)")
    net = _network(_qsq.quantize(model, np.asarray(images, np.float32), codebook, bits, scale, keep_ends, width,
                                 acc_width, calib, threads))
    if out is not None:
        write(out, net)
    return net


def schedule(layer: Layer, lanes: int = 8, width: int = 8) -> dict:
    """The layer's steps on an N-lane array: arrays kind (0 LOAD, 1 DOT), filter, chunk, position."""
    return _qsq.schedule(_layer_dict(layer), lanes, width)


def chunk_weights(layer: Layer, lanes: int = 8, width: int = 8) -> np.ndarray:
    """Decoded weights each LOAD holds: (filters, chunks, lanes), zero past the fan-in."""
    return _qsq.chunk_weights(_layer_dict(layer), lanes, width)


def scheduled_accumulators(layer: Layer, activations, lanes: int = 8, width: int = 8, acc_width: int = 32,
                           q: int = 0, p: int = 0) -> np.ndarray:
    """Accumulators [filter][position] through the schedule (wrapping to acc_width bits)."""
    return _qsq.scheduled_accumulators(_layer_dict(layer), np.asarray(activations, np.int32), lanes, width,
                                       acc_width, q, p)
