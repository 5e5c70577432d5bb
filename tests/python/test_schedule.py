"""The N-lane schedule from Python against the loop nest of docs/golden-model.md, re-implemented
in NumPy: the order of LOAD and DOT steps, the weights each LOAD holds, and the accumulators
computed chunk by chunk with AccW wrapping (equal to the integer layer's).

Usage: PYTHONPATH=build/python /usr/bin/python3 -m pytest tests/python/test_schedule.py
"""
import numpy as np
import pytest

import qsq
import reference as ref


def conv_layer(rng):
    return qsq.Layer(name="c", kind="conv2d", in_shape=(3, 5, 5), out_channels=2, kernel=3, stride=2, pad=1,
                     codes=rng.integers(0, 8, size=(2, 3, 3, 3)).astype(np.uint8),
                     scales=np.array([127, 64], np.uint32), bias=np.array([1000, -3], np.int32))


@pytest.mark.parametrize("lanes", [1, 3, 8, 64])
def test_steps_follow_the_documented_loop_nest(lanes):
    layer = conv_layer(np.random.default_rng(1))
    s = qsq.schedule(layer, lanes)
    fan_in, positions = 27, 9  # 3 * 3 * 3; output 3x3
    chunks = -(-fan_in // lanes)
    assert s["chunks"] == chunks and s["positions"] == positions
    expect = []
    for f in range(2):
        for j in range(chunks):
            expect.append((0, f, j, -1))
            expect += [(1, f, j, pos) for pos in range(positions)]
    got = list(zip(s["kind"].tolist(), s["filter"].tolist(), s["chunk"].tolist(), s["position"].tolist()))
    assert got == expect


@pytest.mark.parametrize("lanes", [1, 4, 8])
def test_chunk_weights_are_the_decoded_filter_padded_with_zeros(lanes):
    layer = conv_layer(np.random.default_rng(2))
    w = qsq.chunk_weights(layer, lanes)
    dec = layer.decoded_weights().reshape(2, -1)
    chunks = -(-27 // lanes)
    padded = np.zeros((2, chunks * lanes), np.int32)
    padded[:, :27] = dec
    np.testing.assert_array_equal(w, padded.reshape(2, chunks, lanes))


@pytest.mark.parametrize("lanes,acc_width,q", [(3, 32, 0), (8, 12, 0), (8, 12, 1), (64, 16, 2)])
def test_accumulators_wrap_like_the_integer_layer(lanes, acc_width, q):
    rng = np.random.default_rng(3)
    layer = conv_layer(rng)
    x = rng.integers(-128, 128, size=(3, 5, 5)).astype(np.int32)
    acc = qsq.scheduled_accumulators(layer, x, lanes, 8, acc_width, q)
    assert acc.shape == (2, 9) and acc.dtype == np.int64
    # NumPy: the full sum, wrapped once (wrapping is modular, so chunk order cannot matter).
    raw = layer.requant
    layer.requant = False
    expect = ref.forward_layer(layer, x, 8, acc_width, q).reshape(2, 9)
    layer.requant = raw
    np.testing.assert_array_equal(acc, expect)
    if acc_width == 12:
        assert np.abs(acc).max() < 2048


def test_schedule_errors():
    layer = conv_layer(np.random.default_rng(4))
    with pytest.raises(qsq.Error, match=r"lanes = 65 is out of range|lanes"):
        qsq.schedule(layer, 65)
    with pytest.raises(qsq.Error, match="input has 74 values, layer 'c' takes 75"):
        qsq.scheduled_accumulators(layer, np.zeros(74, np.int32))
