"""The residual layer kinds from Python: a network with a depthwise conv (ReLU6 clip), a residual
add, windowed and global average pooling round-trips through qsq.write/read and
qsq.serialize/deserialize field by field (format version 2), and qsq.forward (the C++ integer
evaluator) equals the NumPy re-implementation of reference.forward_batch at every level.

Usage: PYTHONPATH=build/python /usr/bin/python3 -m pytest tests/python/test_residual.py
"""
import numpy as np
import pytest

import qsq
import reference as ref


def residual_network():
    rng = np.random.default_rng(11)
    conv = qsq.Layer(name="conv", kind="conv2d", in_shape=(1, 6, 6), out_channels=3, kernel=3, pad=1, multiplier=19000,
                     shift=21, codes=rng.integers(0, 8, size=(3, 1, 3, 3)).astype(np.uint8),
                     scales=np.array([90, 60, 127], np.uint32), bias=np.array([50, -70, 20], np.int32))
    dw = qsq.Layer(name="dw", kind="depthwise", in_shape=(3, 6, 6), out_channels=3, kernel=3, pad=1, multiplier=17000,
                   shift=21, clip=100, format="plain", plain=rng.integers(-128, 128, size=(3, 1, 3, 3)).astype(np.int32),
                   bias=np.array([300, -200, 0], np.int32))
    add = qsq.Layer(name="add", kind="add", in_shape=(3, 6, 6), out_channels=3, multiplier=20000, multiplier_b=12000,
                    shift=15, second_input=0, format="none", code_bits=0, bias=np.zeros(0, np.int32))
    avg = qsq.Layer(name="avg", kind="avgpool", in_shape=(3, 6, 6), out_channels=3, kernel=2, stride=2, requant=False,
                    relu=False, format="none", code_bits=0, bias=np.zeros(0, np.int32))
    gap = qsq.Layer(name="gap", kind="avgpool", in_shape=(3, 3, 3), out_channels=3, kernel=0, stride=0, requant=False,
                    relu=False, format="none", code_bits=0, bias=np.zeros(0, np.int32))
    fc = qsq.Layer(name="fc", kind="linear", in_shape=(3, 1, 1), out_channels=4, requant=False, relu=False,
                   format="plain", plain=rng.integers(-128, 128, size=(4, 3)).astype(np.int32),
                   bias=np.array([1, 2, 3, -4], np.int32))
    return qsq.Network(name="res", input_shape=(1, 6, 6), layers=[conv, dw, add, avg, gap, fc], input_scale=1 / 127)


FIELDS = ("name", "kind", "in_shape", "out_channels", "kernel", "stride", "pad", "pool_kernel", "pool_stride", "requant",
          "multiplier", "shift", "relu", "clip", "multiplier_b", "second_input", "format", "exponent")


def test_round_trip_keeps_the_new_fields(tmp_path):
    net = residual_network()
    data = qsq.serialize(net, "dense")
    assert data[4:6] == b"\x02\x00"  # the new kinds need format version 2
    path = tmp_path / "res.qsq"
    qsq.write(str(path), net)
    for back in (qsq.deserialize(data), qsq.read(str(path))):
        assert len(back.layers) == len(net.layers)
        for a, b in zip(net.layers, back.layers):
            for f in FIELDS:
                assert getattr(a, f) == getattr(b, f), (a.name, f)
            for arr in ("codes", "scales", "plain", "bias"):
                x, y = getattr(a, arr), getattr(b, arr)
                assert (x is None or x.size == 0) == (y is None or y.size == 0), (a.name, arr)
                if x is not None and x.size:
                    np.testing.assert_array_equal(x, y)
    assert back.layers[1].decoded_weights().shape == (3, 1, 3, 3)
    assert back.layers[2].decoded_weights().size == 0


@pytest.mark.parametrize("q", [0, 1, 2, 3])
def test_forward_equals_the_numpy_reference(q):
    net = residual_network()
    rng = np.random.default_rng(3)
    images = rng.random((20, 1, 6, 6), dtype=np.float32)
    got = qsq.forward(net, images, q)
    x = np.stack([ref.quantize_input(net, im) for im in images])
    want = ref.forward_batch(net, x, q)
    np.testing.assert_array_equal(got, want)
    # The per-image golden reference of reference.py agrees where it applies: the first layer.
    np.testing.assert_array_equal(ref.forward_layer(net.layers[0], x[0], 8, 32, q),
                                  _tap(net, x[:1], q, 0)[0])


def _tap(net, x, q, i):
    taps = []
    ref.forward_batch(net, x, q, taps)
    return taps[i]


def test_the_reference_add_and_average_by_hand():
    # add: (10*3 + 4*5 + 2) >> 2 = 13; clip 12 -> 12; average of [1 2; 4 5] with 2 -> (2*12 + 4) // 8 = 3.
    assert ref._clamp(ref._round_shift(np.int64(10 * 3 + 4 * 5), 2), True, 12, 8) == 12
    assert (2 * 12 + 4) // 8 == 3
    assert (2 * -10 + 4) // 8 == -2  # -2.5 rounds half up to -2


def test_bad_kind_is_refused_with_one_line():
    net = residual_network()
    net.layers[2].kind = "concat"
    with pytest.raises(qsq.Error, match="kind 'concat' is not conv2d, linear, depthwise, avgpool or add"):
        qsq.serialize(net)
    net = residual_network()
    net.layers[2].second_input = 2  # itself
    with pytest.raises(qsq.Error, match="second input 2 is not an earlier layer"):
        qsq.serialize(net)
