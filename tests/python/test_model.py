"""The golden model from Python against NumPy re-implementations of docs/golden-model.md
(tests/python/reference.py): codebook decoding, the codec, CSD recoding and truncation, Qmax,
error metrics.

Usage: PYTHONPATH=build/python /usr/bin/python3 -m pytest tests/python/test_model.py
"""
import itertools

import numpy as np
import pytest

import qsq
import reference as ref


@pytest.mark.parametrize("codebook", ["pow2", "shift", "pow2x"])
@pytest.mark.parametrize("bits", [2, 3, 4])
@pytest.mark.parametrize("width", [4, 8, 16])
def test_decode_matches_the_codebook_table(codebook, bits, width):
    rng = np.random.default_rng(bits * 100 + width)
    scales = rng.integers(0, 1 << (width - 1), size=5).astype(np.uint32)
    scales[0] = (1 << (width - 1)) - 1  # the largest scale
    codes = np.tile(np.arange(1 << bits, dtype=np.uint8), (5, 1))
    got = qsq.decode(codes, scales, codebook, bits, width)
    assert got.dtype == np.int32 and got.shape == codes.shape
    np.testing.assert_array_equal(got, ref.decode(codes, scales, codebook, bits))
    # Every decoded weight is a W-bit integer (S <= 2^(W-1) - 1).
    assert got.min() >= -(1 << (width - 1)) and got.max() <= (1 << (width - 1)) - 1
    np.testing.assert_array_equal(qsq.codebook_levels(codebook, bits, int(scales[0])), got[0])


def test_decode_refuses_out_of_range_inputs_with_one_line():
    with pytest.raises(qsq.Error, match=r"^decode: scale 128 exceeds the \(W-1\)-bit maximum 127$"):
        qsq.decode(np.zeros((1, 2), np.uint8), np.array([128], np.uint32))
    with pytest.raises(qsq.Error, match="code 8 is wider than 3 bits"):
        qsq.decode(np.full((1, 2), 8, np.uint8), np.array([1], np.uint32))
    with pytest.raises(qsq.Error, match="unknown codebook|codebook"):
        qsq.decode(np.zeros((1, 2), np.uint8), np.array([1], np.uint32), "nope")


def test_encode_is_decoder_aware_and_consistent():
    rng = np.random.default_rng(7)
    w = rng.normal(0, 0.1, size=(6, 3, 5, 5)).astype(np.float32)
    for scale in ("max", "search"):
        e = qsq.encode(w, "pow2", 3, 8, scale)
        assert e["codes"].shape == w.shape and e["codes"].dtype == np.uint8
        assert e["scales"].shape == (6,)
        np.testing.assert_array_equal(e["decoded"], ref.decode(e["codes"], e["scales"], "pow2", 3))
        # exponent: the largest e with round(max|w| * 2^e) <= 2^(W-1) - 1
        ex = e["exponent"]
        assert round(float(np.abs(w).max()) * 2.0 ** ex) <= 127 < round(float(np.abs(w).max()) * 2.0 ** (ex + 1))
        assert ex == qsq.choose_exponent(w, 8)
        # every code is the nearest level of its filter (decoder-aware), for the max scale
        if scale == "max":
            for f in range(6):
                levels = ref.decode(np.arange(8, dtype=np.uint8)[None, :], e["scales"][f:f + 1], "pow2", 3)[0]
                t = w[f].reshape(-1).astype(np.float64) * 2.0 ** ex
                best = np.abs(levels[None, :] - t[:, None]).min(axis=1)
                got = np.abs(e["decoded"][f].reshape(-1) - t)
                np.testing.assert_allclose(got, best, atol=1e-9)
    assert 0 < qsq.encode(w)["rel_rmse"] < 0.5


def test_encode_nearest_tie_rules():
    # scale 100: pow2/3 levels 0, 25, 50, 100 and negatives (codes 4..7 = -0, -25, -50, -100)
    codes = qsq.encode_nearest(np.array([12.5, -12.5, 37.5, 60, -100, 0]), 100)
    np.testing.assert_array_equal(codes, [0, 0, 1, 2, 7, 0])


def test_csd_is_the_non_adjacent_form():
    width = 8
    values = np.arange(-128, 128, dtype=np.int32)
    digits = qsq.csd(values, width)
    assert digits.shape == (256, width)
    for v, d in zip(values, digits):
        expect = ref.naf_digits(int(v), width)
        assert list(d) == expect[:width] and not any(expect[width:])
        assert sum(int(x) << i for i, x in enumerate(d)) == v
        assert all(not (d[i] and d[i + 1]) for i in range(width - 1))


@pytest.mark.parametrize("width", [5, 6, 8])
def test_qs_weight_keeps_the_top_q_digits(width):
    values = np.arange(-(1 << (width - 1)), 1 << (width - 1), dtype=np.int32)
    for q, p in itertools.product(range(1, qsq.qmax(width) + 1), range(0, width)):
        got = qsq.qs_weight(values, q, p, width)
        expect = [ref.qs_weight(int(v), q, p, width) for v in values]
        np.testing.assert_array_equal(got, expect, err_msg=f"q={q} p={p}")
        rows = qsq.qs_rows(values, q, p, width)
        np.testing.assert_array_equal(rows, [sum(1 for x in ref.truncate_digits(ref.naf_digits(int(v), width), q, p) if x)
                                              for v in values])
    np.testing.assert_array_equal(qsq.qs_weight(values, 0, 0, width), values)  # q = 0: exact
    assert qsq.qs_weight(np.array([127]), 1, 0, 8)[0] == 128  # docs: 127 = 2^7 - 2^0 -> 128 at q = 1


def test_qmax_formula_and_enumeration():
    for w in range(4, 17):
        assert qsq.qmax(w) == (w + 1) // 2
        if w <= 12:
            assert qsq.qmax(w) == ref.qmax_by_enumeration(w)
    with pytest.raises(qsq.Error, match="width"):
        qsq.qmax(17)


def test_error_metrics_match_numpy():
    rng = np.random.default_rng(3)
    exact = rng.integers(-1000, 1000, size=500)
    approx = exact + rng.integers(-3, 4, size=500)
    m = qsq.error_metrics(exact, approx)
    err = approx - exact
    assert m["pairs"] == 500
    assert m["mae"] == pytest.approx(np.abs(err).mean())
    assert m["wce"] == np.abs(err).max()
    assert m["mse"] == pytest.approx((err ** 2).mean())
    assert m["bias"] == pytest.approx(err.mean())
    assert m["ep"] == pytest.approx((err != 0).mean())
    nz = exact != 0
    assert m["mred"] == pytest.approx((np.abs(err[nz]) / np.abs(exact[nz])).mean())


def test_multiplier_metrics_exhaustive_at_w4():
    width = 4
    a, w = np.meshgrid(np.arange(-8, 8), np.arange(-8, 8), indexing="ij")
    for row in qsq.metrics(width):
        q = row["q"]
        approx = a * np.vectorize(lambda v: ref.qs_weight(int(v), q, 0, width))(w)
        err = approx - a * w
        assert row["exhaustive"] and row["pairs"] == 256
        assert row["mae"] == pytest.approx(np.abs(err).mean())
        assert row["wce"] == np.abs(err).max()
        assert row["ep"] == pytest.approx((err != 0).mean())
