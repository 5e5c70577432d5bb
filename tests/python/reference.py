"""Independent NumPy/Python re-implementations of docs/golden-model.md, written from the document
(not from the C++), for the pytest suite to compare the qsq package against.

Usage: from reference import decode, naf_digits, qs_weight, forward_network
"""
import numpy as np


def shr(s, k):
    """Round-half-up right shift of the decoder: S if k == 0 else (S + 2^(k-1)) >> k."""
    s = np.asarray(s, np.int64)
    return s if k == 0 else (s + (1 << (k - 1))) >> k


def decode_one(code, scale, codebook, bits):
    """The codebook table of docs/golden-model.md for one code."""
    m_max = (1 << (bits - 1)) - 1
    sign = (code >> (bits - 1)) & 1
    m = code & m_max
    if m == 0:
        if codebook == "shift":
            mag = int(shr(scale, m_max))
            return -mag if sign else mag
        if codebook == "pow2x" and sign:
            return int(shr(scale, m_max))
        return 0
    mag = int(shr(scale, m_max - m))
    return -mag if sign else mag


def decode(codes, scales, codebook="pow2", bits=3):
    codes = np.asarray(codes)
    per = codes.size // codes.shape[0]
    flat = codes.reshape(-1)
    out = [decode_one(int(c), int(scales[i // per]), codebook, bits) for i, c in enumerate(flat)]
    return np.array(out, np.int64).reshape(codes.shape)


def naf_digits(v, width):
    """Non-adjacent form, least significant digit first (the textbook recoding)."""
    digits = [0] * (width + 2)
    i = 0
    while v != 0:
        if v & 1:
            d = 2 - (v % 4)  # +1 when v = 1 mod 4, -1 when v = 3 mod 4
            v -= d
        else:
            d = 0
        digits[i] = d
        v //= 2
        i += 1
    return digits


def truncate_digits(digits, q, p):
    """Keep the q most significant non-zero digits, then clear every digit below position p."""
    out = [0] * len(digits)
    kept = 0
    for pos in range(len(digits) - 1, -1, -1):
        if digits[pos] != 0 and kept < q:
            out[pos] = digits[pos]
            kept += 1
    for pos in range(min(p, len(out))):
        out[pos] = 0
    return out


def digits_value(digits):
    return sum(d << i for i, d in enumerate(digits))


def qs_weight(w, q, p, width):
    return digits_value(truncate_digits(naf_digits(int(w), width), q, p))


def qmax_by_enumeration(width):
    return max(sum(1 for d in naf_digits(v, width) if d) for v in range(-(1 << (width - 1)), 1 << (width - 1)))


def wrap(v, acc_width):
    """Two's complement wrap to acc_width bits."""
    m = 1 << acc_width
    v = np.asarray(v, dtype=object) % m
    return np.where(v >= m // 2, v - m, v).astype(np.int64)


def requantize(acc, multiplier, shift, relu, width):
    acc = np.asarray(acc, dtype=object)
    prod = acc * multiplier
    y = prod if shift == 0 else (prod + (1 << (shift - 1))) >> shift  # Python >> is arithmetic
    lo = 0 if relu else -(1 << (width - 1))
    hi = (1 << (width - 1)) - 1
    return np.clip(y.astype(np.int64), lo, hi)


def layer_weights(layer, width, q):
    """Decoded then truncated weights, flat [f][c][ky][kx]."""
    if layer.format == "plain":
        w = np.asarray(layer.plain, np.int64).reshape(-1)
    else:
        w = decode(layer.codes, layer.scales, layer.codebook, layer.code_bits).reshape(-1)
    qq = q if q else (width + 1) // 2
    return np.array([qs_weight(int(v), qq, 0, width) for v in w], np.int64)


def forward_layer(layer, x, width, acc_width, q):
    """docs/golden-model.md "The integer layer": conv or linear, requantization, max pooling."""
    w = layer_weights(layer, width, q)
    c, h, wd = layer.in_shape
    f = layer.out_channels
    bias = np.asarray(layer.bias, np.int64)
    if layer.kind == "linear":
        acc = w.reshape(f, -1) @ np.asarray(x, np.int64).reshape(-1) + bias
        out = acc.reshape(f, 1, 1)
    else:
        k, s, pad = layer.kernel, layer.stride, layer.pad
        xin = np.zeros((c, h + 2 * pad, wd + 2 * pad), np.int64)
        xin[:, pad:pad + h, pad:pad + wd] = np.asarray(x, np.int64).reshape(c, h, wd)
        oh, ow = (h + 2 * pad - k) // s + 1, (wd + 2 * pad - k) // s + 1
        wk = w.reshape(f, c, k, k)
        out = np.zeros((f, oh, ow), np.int64)
        for oy in range(oh):
            for ox in range(ow):
                patch = xin[:, oy * s:oy * s + k, ox * s:ox * s + k]
                out[:, oy, ox] = (wk * patch).sum(axis=(1, 2, 3)) + bias
    out = wrap(out, acc_width)
    if layer.requant:
        out = requantize(out, layer.multiplier, layer.shift, layer.relu, width)
    if layer.pool_kernel:
        pk, ps = layer.pool_kernel, layer.pool_stride
        fc, oh, ow = out.shape
        ph, pw = (oh - pk) // ps + 1, (ow - pk) // ps + 1
        pooled = np.zeros((fc, ph, pw), np.int64)
        for y in range(ph):
            for x_ in range(pw):
                pooled[:, y, x_] = out[:, y * ps:y * ps + pk, x_ * ps:x_ * ps + pk].max(axis=(1, 2))
        out = pooled
    return out


def quantize_input(net, image):
    """x_int = clamp(round_half_away((x - mean) / scale)); float32 values, mean and scale, the
    arithmetic in double."""
    x = np.asarray(image, np.float32).astype(np.float64)
    v = (x - float(np.float32(net.input_mean))) / float(np.float32(net.input_scale))
    r = np.sign(v) * np.floor(np.abs(v) + 0.5)
    return np.clip(r, -(1 << (net.width - 1)), (1 << (net.width - 1)) - 1).astype(np.int64)


def forward_network(net, image, q=0):
    x = quantize_input(net, image)
    for layer in net.layers:
        x = forward_layer(layer, x, net.width, net.acc_width, q)
    return x.reshape(-1)
