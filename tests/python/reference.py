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


def _clamp(y, relu, clip, width):
    """The requantization clamp: [0 or -2^(W-1), 2^(W-1)-1], the top lowered to `clip` when set."""
    hi = (1 << (width - 1)) - 1
    if clip:
        hi = min(hi, clip)
    return np.clip(y, 0 if relu else -(1 << (width - 1)), hi)


def _round_shift(s, shift):
    return s if shift == 0 else (s + (1 << (shift - 1))) >> shift  # numpy >> on int64 is arithmetic


def forward_batch(net, x_int, q=0, taps=None):
    """The integer network on a batch of quantized images (N, C, H, W) in int64 NumPy arithmetic,
    written from docs/golden-model.md and docs/format.md ("The version 2 kinds"): conv2d,
    depthwise and linear layers with wrapping, requantization (ReLU, clip) and max pooling;
    avgpool as floor((2*sum + n) / (2*n)); add as the clamped (a*Ma + b*Mb + 2^(sh-1)) >> sh of
    the previous output and an earlier one. Returns the logits (N, F); `taps`, a list, receives
    every layer's output."""
    width, acc_width = net.width, net.acc_width
    x_int = np.asarray(x_int, np.int64)
    n = x_int.shape[0]
    outs, cur = [], x_int
    for layer in net.layers:
        if layer.kind == "add":
            b = x_int if layer.second_input < 0 else outs[layer.second_input]
            y = _round_shift(cur * layer.multiplier + b * layer.multiplier_b, layer.shift)
            y = _clamp(y, layer.relu, layer.clip, width)
        elif layer.kind == "avgpool":
            c, h, w = layer.in_shape
            k_h, k_w, s = (h, w, 1) if layer.kernel == 0 else (layer.kernel, layer.kernel, layer.stride)
            oh, ow = (h - k_h) // s + 1, (w - k_w) // s + 1
            y = np.zeros((n, c, oh, ow), np.int64)
            for oy in range(oh):
                for ox in range(ow):
                    total = cur[:, :, oy * s:oy * s + k_h, ox * s:ox * s + k_w].sum(axis=(2, 3))
                    y[:, :, oy, ox] = (2 * total + k_h * k_w) // (2 * k_h * k_w)  # floor division: half up
        else:
            wq = layer_weights(layer, width, q)
            bias = np.asarray(layer.bias, np.int64)
            f = layer.out_channels
            if layer.kind == "linear":
                acc = cur.reshape(n, -1) @ wq.reshape(f, -1).T + bias
                acc = acc.reshape(n, f, 1, 1)
            else:
                c, h, w = layer.in_shape
                k, s, pad = layer.kernel, layer.stride, layer.pad
                xin = np.zeros((n, c, h + 2 * pad, w + 2 * pad), np.int64)
                xin[:, :, pad:pad + h, pad:pad + w] = cur.reshape(n, c, h, w)
                oh, ow = (h + 2 * pad - k) // s + 1, (w + 2 * pad - k) // s + 1
                acc = np.zeros((n, f, oh, ow), np.int64)
                depthwise = layer.kind == "depthwise"
                wk = wq.reshape(f, 1 if depthwise else c, k, k)
                for ky in range(k):
                    for kx in range(k):
                        tap = xin[:, :, ky:ky + s * (oh - 1) + 1:s, kx:kx + s * (ow - 1) + 1:s]  # (n, c, oh, ow)
                        if depthwise:
                            acc += tap * wk[:, 0, ky, kx][None, :, None, None]
                        else:
                            acc += np.einsum("ncyx,fc->nfyx", tap, wk[:, :, ky, kx])
                acc += bias[None, :, None, None]
            m = 1 << acc_width
            acc = (acc + m // 2) % m - m // 2  # wrap to AccW bits
            y = acc
            if layer.requant:
                y = _clamp(_round_shift(acc * layer.multiplier, layer.shift), layer.relu, layer.clip, width)
            if layer.pool_kernel:
                pk, ps = layer.pool_kernel, layer.pool_stride
                _, fc, oh, ow = y.shape
                ph, pw = (oh - pk) // ps + 1, (ow - pk) // ps + 1
                pooled = np.full((n, fc, ph, pw), np.iinfo(np.int64).min, np.int64)
                for dy in range(pk):
                    for dx in range(pk):
                        pooled = np.maximum(pooled, y[:, :, dy:dy + ps * (ph - 1) + 1:ps, dx:dx + ps * (pw - 1) + 1:ps])
                y = pooled
        outs.append(y)
        if taps is not None:
            taps.append(y)
        cur = y
    return cur.reshape(n, -1)
