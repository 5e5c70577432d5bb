"""The .qsq container from Python: the 78-byte example of docs/format.md byte for byte, round trips,
the reader's one-line errors (same text and byte offset as the C++ tool), and files exchanged with
the `qsq` command (QSQ_BIN, set by ctest): a file written by the tool's flow is read here, and a
file written here is inspected by the tool.

Usage: PYTHONPATH=build/python QSQ_BIN=build/bin/qsq /usr/bin/python3 -m pytest tests/python/test_container.py
"""
import json
import os
import subprocess

import numpy as np
import pytest

import qsq

# docs/format.md, "Example: a complete file (78 bytes)"
DOC_BYTES = bytes.fromhex(" ".join([
    "89 51 53 51 01 00 00 00", "2f 00 00 00", "01 6e", "08 20", "05 00 01 00 01 00", "00 00 00 00 00 00 80 3f",
    "01 00", "01 6c", "02", "05 00 01 00 01 00 01 00", "01 01 00 00 00", "02", "01 00 00 00 00", "01 00 03 00 00",
    "90 a4 80 ea", "07 00 00 00", "64", "fe ff ff ff", "9d 73", "b1 95 c7 b5"]))


def doc_network():
    layer = qsq.Layer(name="l", kind="linear", in_shape=(5, 1, 1), out_channels=1, requant=False,
                      codes=np.array([[5, 3, 6, 1, 7]], np.uint8), scales=np.array([100], np.uint32),
                      bias=np.array([-2], np.int32))
    return qsq.Network(name="n", input_shape=(5, 1, 1), layers=[layer])


def small_conv_network():
    rng = np.random.default_rng(5)
    conv = qsq.Layer(name="c", kind="conv2d", in_shape=(2, 6, 6), out_channels=3, kernel=3, pad=1, pool_kernel=2,
                     pool_stride=2, multiplier=3, shift=5,
                     codes=rng.integers(0, 8, size=(3, 2, 3, 3)).astype(np.uint8),
                     scales=np.array([90, 17, 127], np.uint32), bias=np.array([5, -7, 0], np.int32))
    fc = qsq.Layer(name="f", kind="linear", in_shape=(27, 1, 1), out_channels=4, requant=False, format="plain",
                   plain=rng.integers(-128, 128, size=(4, 27)).astype(np.int32), bias=np.array([1, 2, 3, -4], np.int32))
    return qsq.Network(name="tiny", input_shape=(2, 6, 6), layers=[conv, fc], input_scale=1 / 127)


def test_the_document_example_byte_for_byte(tmp_path):
    assert len(DOC_BYTES) == 78
    assert qsq.serialize(doc_network(), "dense") == DOC_BYTES
    back = qsq.deserialize(DOC_BYTES)
    np.testing.assert_array_equal(back.layers[0].codes, [[5, 3, 6, 1, 7]])
    assert back.layers[0].scales.tolist() == [100] and back.layers[0].bias.tolist() == [-2]
    path = tmp_path / "doc.qsq"
    qsq.write(str(path), doc_network(), "dense")
    assert path.read_bytes() == DOC_BYTES
    assert [p.name for p in tmp_path.iterdir()] == ["doc.qsq"]  # no temporary file left behind


def test_round_trip_keeps_every_field(tmp_path):
    net = small_conv_network()
    for coding in ("dense", "deflate", "automatic"):
        path = tmp_path / f"n-{coding}.qsq"
        qsq.write(str(path), net, coding)
        back = qsq.read(str(path))
        assert back.name == net.name and back.input_shape == net.input_shape
        assert np.float32(back.input_scale) == np.float32(net.input_scale)
        for a, b in zip(net.layers, back.layers):
            for f in ("name", "kind", "in_shape", "out_channels", "kernel", "stride", "pad", "pool_kernel",
                      "pool_stride", "requant", "multiplier", "shift", "relu", "format", "codebook", "code_bits"):
                assert getattr(a, f) == getattr(b, f), f
            for f in ("codes", "scales", "plain", "bias"):
                if getattr(a, f) is None:
                    assert getattr(b, f) is None
                else:
                    np.testing.assert_array_equal(getattr(a, f), getattr(b, f))
        assert back.layers[0].out_shape == (3, 3, 3)
        assert back.layers[0].codes.shape == (3, 2, 3, 3) and back.layers[1].plain.shape == (4, 27)


def test_reader_errors_are_the_tools_one_line_messages():
    bad = bytearray(DOC_BYTES)
    bad[34] = 3  # kind byte; CRC left stale
    with pytest.raises(qsq.FormatError) as e:
        qsq.deserialize(bytes(bad))
    assert str(e.value).startswith("invalid .qsq file: network section at byte 59: CRC-32 mismatch")
    assert isinstance(e.value, qsq.Error) and "\n" not in str(e.value)
    with pytest.raises(qsq.FormatError, match="^invalid .qsq file: file at byte 78: 1 trailing bytes after the last section$"):
        qsq.deserialize(DOC_BYTES + b"\0")


def test_validation_errors():
    net = small_conv_network()
    net.layers[1].in_shape = (26, 1, 1)
    net.layers[1].plain = net.layers[1].plain[:, :26]
    with pytest.raises(qsq.Error, match="layer 'f': input shape 26x1x1 does not match the previous output 3x3x3"):
        qsq.validate(net)
    net = small_conv_network()
    net.layers[0].codes = net.layers[0].codes[:2]
    with pytest.raises(qsq.Error, match="codes for 54 weights"):
        qsq.write("/nonexistent/never.qsq", net)


def test_decoded_weights_match_decode():
    net = small_conv_network()
    c = net.layers[0]
    np.testing.assert_array_equal(c.decoded_weights(), qsq.decode(c.codes, c.scales))
    np.testing.assert_array_equal(net.layers[1].decoded_weights(), net.layers[1].plain)


QSQ_BIN = os.environ.get("QSQ_BIN")


@pytest.mark.skipif(not QSQ_BIN, reason="QSQ_BIN (the qsq command) not set")
def test_a_file_written_by_the_tool_reads_back(tmp_path):
    out = tmp_path / "flow"
    subprocess.run([QSQ_BIN, "flow", "--out", str(out), "--only", "container", "--quick", "-q"], check=True)
    path = out / "work" / "container" / "model.qsq"
    net = qsq.read(str(path))
    report = json.loads(subprocess.run([QSQ_BIN, "inspect", str(path), "--json"], check=True,
                                       capture_output=True, text=True).stdout)
    assert net.name == report["network"]["name"] and net.width == report["network"]["width"]
    assert list(net.input_shape) == report["network"]["input"]
    assert [layer.name for layer in net.layers] == [r["name"] for r in report["layers"]]
    for layer, r in zip(net.layers, report["layers"]):
        assert list(layer.in_shape) == r["input"] and list(layer.out_shape) == r["output"]
        assert int((layer.decoded_weights() == 0).sum()) == r["zero_weights"]
    fp = qsq.footprint(net)
    assert fp["weights"] == report["weights"] == sum(layer.codes.size for layer in net.layers)
    for k in ("codes", "scales", "biases", "header", "file"):
        assert fp[{"codes": "code_bits", "scales": "scale_bits", "biases": "bias_bits", "header": "header_bits",
                   "file": "file_bits"}[k]] == report["bits"][k], k
    assert qsq.serialize(net) == path.read_bytes()  # the format is canonical


@pytest.mark.skipif(not QSQ_BIN, reason="QSQ_BIN (the qsq command) not set")
def test_a_file_written_here_is_inspected_by_the_tool(tmp_path):
    path = tmp_path / "py.qsq"
    qsq.write(str(path), small_conv_network())
    text = subprocess.run([QSQ_BIN, "inspect", str(path)], check=True, capture_output=True, text=True).stdout
    assert "network 'tiny'" in text and "2x6x6" in text
    bad = tmp_path / "bad.qsq"
    data = bytearray(DOC_BYTES)
    data[34] = 3
    bad.write_bytes(bytes(data))
    r = subprocess.run([QSQ_BIN, "inspect", str(bad)], capture_output=True, text=True)
    with pytest.raises(qsq.FormatError) as e:
        qsq.read(str(bad))
    assert r.returncode == 1 and r.stderr.strip().endswith(str(e.value))
