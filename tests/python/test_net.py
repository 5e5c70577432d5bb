"""Data and evaluation from Python: qsq's .npy reader against numpy.load, --data DIR semantics
(layouts, dtypes, normalisation, one-line errors naming the file), the bit-exact integer network
against a NumPy re-implementation of docs/golden-model.md, accuracy per level, and (with libtorch
and Debian's python3-torch) quantization of a TorchScript model.

Usage: PYTHONPATH=build/python /usr/bin/python3 -m pytest tests/python/test_net.py
"""
import numpy as np
import pytest

import qsq
import reference as ref


@pytest.mark.parametrize("dtype", ["u1", "i1", "<u2", "<i2", "<u4", "<i4", "<u8", "<i8", "<f4"])
@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (2, 1, 3, 4)])
def test_read_npy_matches_numpy(tmp_path, dtype, shape):
    rng = np.random.default_rng(1)
    a = (rng.normal(0, 50, size=shape)).astype(dtype)
    path = tmp_path / "a.npy"
    np.save(path, a)
    b = qsq.read_npy(str(path))
    assert b.shape == a.shape and b.dtype.kind == a.dtype.kind and b.dtype.itemsize == a.dtype.itemsize
    np.testing.assert_array_equal(b, a)


def test_read_npy_refuses_what_it_cannot_read(tmp_path):
    path = tmp_path / "f.npy"
    np.save(path, np.asfortranarray(np.zeros((3, 4), np.float32)))
    with pytest.raises(qsq.DataError, match=f"^npy file {path}: fortran_order is True"):
        qsq.read_npy(str(path))
    np.save(path, np.zeros(3, np.float64))
    with pytest.raises(qsq.DataError, match="unsupported dtype '<f8'"):
        qsq.read_npy(str(path))
    np.save(path, np.zeros(3, ">i4"))
    with pytest.raises(qsq.DataError, match="big-endian dtype"):
        qsq.read_npy(str(path))
    np.save(path, np.zeros(3, "<i4"))
    data = path.read_bytes()
    path.write_bytes(data[:-2])
    with pytest.raises(qsq.DataError, match="truncated"):
        qsq.read_npy(str(path))


def test_data_dir_npy_layouts_and_normalisation(tmp_path):
    rng = np.random.default_rng(2)
    nchw = rng.integers(0, 256, size=(12, 3, 6, 5), dtype=np.uint8)
    labels = rng.integers(0, 10, size=12)
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    np.save(a / "test_images.npy", nchw)
    np.save(a / "test_labels.npy", labels)
    np.save(b / "test_images.npy", nchw.transpose(0, 2, 3, 1).astype(np.float32) / 255)  # NHWC float32
    np.save(b / "test_labels.npy", labels.astype(np.int32))
    ia, la = qsq.load_data(str(a), "test", mean=0.5, std=0.25)
    ib, lb = qsq.load_data(str(b), "test", mean=0.5, std=0.25)
    expect = (nchw.astype(np.float32) / 255 - np.float32(0.5)) / np.float32(0.25)
    np.testing.assert_allclose(ia, expect, rtol=1e-6)
    np.testing.assert_allclose(ib, expect, rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(la, labels)
    np.testing.assert_array_equal(lb, labels)
    assert ia.dtype == np.float32 and la.dtype == np.uint8
    # Ambiguous 4-D shapes (second and last dimension both 1, 3 or 4) read as N x C x H x W
    # unless --layout says otherwise.
    c = tmp_path / "c"
    c.mkdir()
    small = nchw[:, :, :4, :3]  # 12 x 3 x 4 x 3
    np.save(c / "test_images.npy", np.ascontiguousarray(small.transpose(0, 2, 3, 1)))  # 12 x 4 x 3 x 3, NHWC
    np.save(c / "test_labels.npy", labels)
    assert qsq.load_data(str(c), "test")[0].shape == (12, 4, 3, 3)
    ic, _ = qsq.load_data(str(c), "test", layout="nhwc")
    np.testing.assert_allclose(ic, small.astype(np.float32) / 255, rtol=1e-6)


def test_data_dir_errors_name_the_file(tmp_path):
    np.save(tmp_path / "test_images.npy", np.zeros((4, 1, 2, 2), np.uint8))
    np.save(tmp_path / "test_labels.npy", np.zeros(5, np.int64))
    with pytest.raises(qsq.Error, match=f"{tmp_path}/test_labels.npy: holds 5 labels but .*test_images.npy holds 4 images"):
        qsq.load_data(str(tmp_path), "test")
    np.save(tmp_path / "test_labels.npy", np.zeros(4, np.int64))
    np.save(tmp_path / "test_images.npy", np.zeros((4, 2, 2), np.int16))
    with pytest.raises(qsq.Error, match="test_images.npy: images must be uint8 or float32, found int16"):
        qsq.load_data(str(tmp_path), "test")
    with pytest.raises(qsq.Error, match="no training data"):
        qsq.load_data(str(tmp_path), "train")


def random_network(rng, width=8):
    """A conv (pad, stride, pooling) + linear network whose worst case fits AccW = 32."""
    conv = qsq.Layer(name="c", kind="conv2d", in_shape=(2, 7, 7), out_channels=4, kernel=3, stride=1, pad=1,
                     pool_kernel=2, pool_stride=2, multiplier=int(rng.integers(1 << 14, 1 << 15)), shift=22,
                     codes=rng.integers(0, 8, size=(4, 2, 3, 3)).astype(np.uint8),
                     scales=rng.integers(1, 128, size=4).astype(np.uint32),
                     bias=rng.integers(-500, 500, size=4).astype(np.int32))
    fc = qsq.Layer(name="f", kind="linear", in_shape=(36, 1, 1), out_channels=5, requant=False,
                   codebook="pow2x", code_bits=4, codes=rng.integers(0, 16, size=(5, 36)).astype(np.uint8),
                   scales=rng.integers(1, 128, size=5).astype(np.uint32),
                   bias=rng.integers(-500, 500, size=5).astype(np.int32))
    return qsq.Network(name="r", input_shape=(2, 7, 7), layers=[conv, fc], width=width, input_scale=1 / 127)


def test_forward_is_the_documented_integer_arithmetic():
    rng = np.random.default_rng(11)
    net = random_network(rng)
    images = rng.uniform(-0.2, 1.1, size=(6, 2, 7, 7)).astype(np.float32)
    np.testing.assert_array_equal(qsq.quantize_input(net, images[0]), ref.quantize_input(net, images[0]))
    for q in (0, 1, 2, 3):
        got = qsq.forward(net, images, q)
        assert got.shape == (6, 5) and got.dtype == np.int32
        for i in range(6):
            np.testing.assert_array_equal(got[i], ref.forward_network(net, images[i], q), err_msg=f"q={q} image {i}")
    # one image (C x H x W) and a level per layer
    np.testing.assert_array_equal(qsq.forward(net, images[0], [1, 1]), qsq.forward(net, images[:1], 1)[0])


def test_evaluate_counts_top1():
    rng = np.random.default_rng(12)
    net = random_network(rng)
    images = rng.uniform(0, 1, size=(40, 2, 7, 7)).astype(np.float32)
    labels = rng.integers(0, 5, size=40)
    acc = qsq.evaluate(net, images, labels)
    assert sorted(acc) == [1, 2, 3, 4]
    for q, a in acc.items():
        logits = qsq.forward(net, images, q)
        assert a == pytest.approx(np.mean(np.argmax(logits, axis=1) == labels))  # first index of the largest
    with pytest.raises(qsq.Error, match="images are 1x7x7 .* the network takes 2x7x7 \\(the channels do not match\\)"):
        qsq.evaluate(net, images[:, :1], labels)
    with pytest.raises(qsq.Error, match="labels: 39 labels for 40 images"):
        qsq.evaluate(net, images, labels[:39])


def test_evaluate_a_file(tmp_path):
    rng = np.random.default_rng(13)
    net = random_network(rng)
    path = tmp_path / "r.qsq"
    qsq.write(str(path), net)
    images = rng.uniform(0, 1, size=(10, 2, 7, 7)).astype(np.float32)
    labels = rng.integers(0, 5, size=10)
    assert qsq.evaluate(str(path), images, labels, levels=[2]) == qsq.evaluate(net, images, labels, levels=[2])


torch = pytest.importorskip("torch") if qsq.has_torch else None


@pytest.mark.skipif(not qsq.has_torch, reason="qsq built without libtorch")
def test_quantize_a_torchscript_model(tmp_path):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                                torch.nn.Flatten(), torch.nn.Linear(4 * 4 * 4, 3)).eval()
    path = tmp_path / "m.pt"
    torch.jit.script(model).save(str(path))
    rng = np.random.default_rng(14)
    images = rng.uniform(0, 1, size=(64, 1, 8, 8)).astype(np.float32)
    out = tmp_path / "m.qsq"
    net = qsq.quantize(str(path), images, out=str(out), calib=64)
    assert [layer.kind for layer in net.layers] == ["conv2d", "linear"]
    assert qsq.read(str(out)).layers[0].codes.shape == (4, 1, 3, 3)
    # The integer network follows the float model: same top-1 on most images.
    with torch.no_grad():
        fl = model(torch.from_numpy(images)).numpy()
    agree = np.mean(np.argmax(qsq.forward(net, images), axis=1) == np.argmax(fl, axis=1))
    assert agree >= 0.75, agree
    with pytest.raises(qsq.Error, match="m.pt"):
        qsq.quantize(str(path), rng.uniform(0, 1, size=(4, 3, 8, 8)).astype(np.float32))
