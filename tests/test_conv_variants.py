"""Mutants of the conv_variants reference: each realistic bug loses points at the check meant to catch it (and the
hint names it where one can); a student's naive, loop-by-loop solution in one file gets full marks."""
import os
import shutil

import pytest

from helpers import REFERENCE, assert_caught, mutant, outcomes
from partial import graded

T, D, M, S = "transposed.py", "deformable.py", "masked.py", "separable.py"
MUTANTS = [
    # (name, file, old, new, the check that must fail, what its message must say, checks that must still pass)
    ("transposed_not_cropped", T, "out = acc[:, :, pad:pad + H_out, pad:pad + W_out] + b[None, :, None, None]",
     "out = acc + b[None, :, None, None]", "conv_transpose_forward.values", "not cropped",
     ("conv_transpose_output_size.values",)),
    ("transposed_kernel_flipped", T, "np.einsum('nchw,cf->nfhw', x, w[:, :, p, q])",
     "np.einsum('nchw,cf->nfhw', x, w[:, :, HH - 1 - p, WW - 1 - q])", "conv_transpose_forward.values",
     "kernel flipped", ("conv_transpose_output_size.values",)),
    ("transposed_output_padding_ignored", T, "extra = conv_param.get('output_padding', 0)", "extra = 0",
     "conv_transpose_forward.values", "output_padding adds", ("conv_transpose_output_size.values",)),
    ("transposed_channels_read_as_conv_weights", T, "np.einsum('nchw,cf->nfhw', x, w[:, :, p, q])",
     "np.einsum('nchw,fc->nfhw', x, w[:, :, p, q])", "conv_transpose_forward.values", "",
     ("conv_transpose_output_size.values",)),
    ("transposed_dout_not_shifted_by_pad", T, "dacc[:, :, pad:pad + H_out, pad:pad + W_out] = dout",
     "dacc[:, :, :H_out, :W_out] = dout", "conv_transpose_backward.values", "dx differs",
     ("conv_transpose_forward.values",)),
    ("transposed_db_of_one_sample", T, "return dx, dw, dout.sum(axis=(0, 2, 3))",
     "return dx, dw, dout[0].sum(axis=(1, 2))", "conv_transpose.torch", "(vs torch autograd)",
     ("conv_transpose_forward.values",)),
    ("transposed_output_padding_unchecked", T, "not 0 <= extra < stride", "not 0 <= extra",
     "conv_transpose.rejects_output_padding", "bad output_padding accepted", ("conv_transpose_forward.values",)),
    ("deform_dy_dx_swapped", D, "return rows + offset[:, 0::2], cols + offset[:, 1::2]",
     "return rows + offset[:, 1::2], cols + offset[:, 0::2]", "deform_conv_forward.values", "row offset",
     ("deform_conv.zero_offsets_is_conv",)),
    ("deform_offsets_planar", D, "return rows + offset[:, 0::2], cols + offset[:, 1::2]",
     "return rows + offset[:, :HH * WW], cols + offset[:, HH * WW:]", "deform_conv_forward.values",
     "interleaved per tap", ("deform_conv.zero_offsets_is_conv", "bilinear_sample.values")),
    ("deform_border_clamped", D, "out = out + np.moveaxis(vals * (wt * inside)[..., None], -1, 1)",
     "out = out + np.moveaxis(vals * wt[..., None], -1, 1)", "deform_conv.integer_offsets_shift", "shifted",
     ("bilinear_sample.values",)),
    ("bilinear_border_clamped", D, "return np.where(inside, img[..., np.clip(y, 0, H - 1), np.clip(x, 0, W - 1)], 0.0)",
     "return img[..., np.clip(y, 0, H - 1), np.clip(x, 0, W - 1)]", "bilinear_sample.values", "outside the image",
     ("deform_conv_forward.values",)),
    ("deform_offset_gradient_wrong_weight", D, "dpy = (1 - lx) * (value['10'] - value['00'])",
     "dpy = (1 - ly) * (value['10'] - value['00'])", "deform_conv_backward.values", "doffset",
     ("deform_conv_forward.values", "deform_conv.zero_offsets_is_conv")),
    ("deform_dx_fancy_index_add", D, "np.add.at(dx, (n, slice(None), yc, xc), contrib)",
     "dx[n, :, yc, xc] += contrib", "deform_conv.torch", "dx", ("deform_conv_forward.values",)),
    ("mask_types_swapped", M, "if mask_type == 'A' else", "if mask_type == 'B' else", "pixelcnn_mask.worked_example",
     "mask A is the first layer's", ("conv.values",)),
    ("mask_keeps_right_of_centre", M, "mask[:, :, cy, :cx] = 1", "mask[:, :, cy, :] = 1",
     "pixelcnn_mask.worked_example", "only the taps LEFT", ("conv.values",)),
    ("mask_transposed", M, "mask[:, :, :cy, :] = 1\n    mask[:, :, cy, :cx] = 1",
     "mask[:, :, :, :cx] = 1\n    mask[:, :, :cy, cx] = 1", "pixelcnn_mask.worked_example", "ABOVE the centre",
     ("conv.values",)),
    ("mask_ignores_colour_groups", M, "mask[:, :, cy, cx] = sees", "mask[:, :, cy, cx] = mask_type == 'B'",
     "pixelcnn_mask.worked_example", "differs", ("conv.values",)),
    ("masked_dw_not_masked", M, "return dx, dw * mask, db", "return dx, dw, db", "masked_conv_backward.values",
     "dw must be 0", ("masked_conv_forward.values",)),
    ("mask_not_applied", M, "conv_forward(x, w * mask, b, conv_param)", "conv_forward(x, w, b, conv_param)",
     "masked_conv_forward.values", "multiply w by", ("pixelcnn_mask.values",)),
    ("depthwise_input_k_mod_C", S, "np.einsum('nchwpq,cmpq->ncmhw', win, w[:, 0].reshape(C, M, *w.shape[2:]))",
     "np.einsum('nchwpq,mcpq->nmchw', win, w[:, 0].reshape(M, C, *w.shape[2:]))", "depthwise_conv_forward.values",
     "k // M", ("costs.lecture",)),
    ("separable_dw_point_transposed", S, "np.einsum('nfhw,nkhw->fk', dout, mid)[:, :, None, None]",
     "np.einsum('nfhw,nkhw->kf', dout, mid)[:, :, None, None]", "separable_conv_backward.values", "dw_point",
     ("separable_conv_forward.values",)),
    ("separable_cost_depthwise_bias", S, "'params': K * K * mid + (mid + (1 if bias else 0)) * C_out",
     "'params': K * K * mid + mid + (mid + (1 if bias else 0)) * C_out", "costs.lecture", "no bias",
     ("depthwise_conv_forward.values",)),
    ("separable_cost_pointwise_missing", S, "'macs': H_out * W_out * mid * (K * K + C_out)",
     "'macs': H_out * W_out * mid * K * K", "costs.lecture", "1 x 1 convolution is missing", ()),
    ("cost_ratio_kernel_not_squared", S, "return 1 / C_out + 1 / (K * K)", "return 1 / C_out + 1 / K",
     "costs.lecture", "separable_cost_ratio", ()),
    ("separable_cost_ratio_as_float", S, "return 1 / C_out + 1 / (K * K)", "return float(1 / C_out + 1 / (K * K))",
     "symbolic", "hidden check failed", ("costs.lecture",)),
]


@pytest.mark.parametrize("name,file,old,new,check,says,still", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_mutant_is_caught_by_its_check(tmp_path, name, file, old, new, check, says, still):
    path = mutant(tmp_path, "conv_variants", file, old, new)
    result = graded(path, "conv_variants", (check,) + still)
    assert_caught(result, check, still, says=says)


def test_causality_catches_a_centre_tap_that_sees_a_later_colour(tmp_path):
    """Mask B without colour groups: R's features at a pixel see that pixel's G and B."""
    path = mutant(tmp_path, "conv_variants", M, "mask[:, :, cy, cx] = sees", "mask[:, :, cy, cx] = mask_type == 'B'")
    out = graded(path, "conv_variants", ("masked_conv.causal",))["masked_conv.causal"]
    assert out.status == "failed" and "must not see that input" in out.output, out.output


def test_hidden_gradient_checks_catch_a_wrong_backward(tmp_path):
    path = mutant(tmp_path, "conv_variants", D, "dpy = (1 - lx) * (value['10'] - value['00'])",
                  "dpy = (1 - ly) * (value['10'] - value['00'])")
    result = graded(path, "conv_variants", ("deform_conv_backward.numerical_gradient", "deform_conv.torch"))
    assert_caught(result, "deform_conv_backward.numerical_gradient", says="gradient does not match")
    assert result["deform_conv.torch"].status == "failed"


NAIVE = '''
"""One student's conv_variants, in one file, loop by loop (CS231n style)."""
import numpy as np


def conv_output_size(H, HH, stride, pad):
    if (H + 2 * pad - HH) % stride != 0:
        raise ValueError("does not tile")
    return (H + 2 * pad - HH) // stride + 1


def conv_forward(x, w, b, conv_param):
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    Ho, Wo = conv_output_size(H, HH, stride, pad), conv_output_size(W, WW, stride, pad)
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode="constant")
    out = np.zeros((N, F, Ho, Wo))
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    out[n, f, i, j] = np.sum(xp[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
                                             * w[f]) + b[f]
    return out, (x, w, b, conv_param)


def conv_backward(dout, cache):
    x, w, b, conv_param = cache
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, F, Ho, Wo = dout.shape
    HH, WW = w.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode="constant")
    dxp, dw, db = np.zeros_like(xp), np.zeros_like(w), np.zeros_like(b)
    for n in range(N):
        for f in range(F):
            db[f] += dout[n, f].sum()
            for i in range(Ho):
                for j in range(Wo):
                    win = (n, slice(None), slice(i * stride, i * stride + HH), slice(j * stride, j * stride + WW))
                    dw[f] += xp[win] * dout[n, f, i, j]
                    dxp[win] += w[f] * dout[n, f, i, j]
    return dxp[:, :, pad:pad + x.shape[2], pad:pad + x.shape[3]], dw, db


# ---- transposed

def conv_transpose_output_size(H, F, S=1, P=0, output_padding=0):
    return (H - 1) * S + F - 2 * P + output_padding


def conv_transpose_forward(x, w, b, conv_param):
    S, P = conv_param["stride"], conv_param["pad"]
    op = conv_param.get("output_padding", 0)
    if op >= S:
        raise ValueError("output_padding must be smaller than the stride")
    N, C, H, W = x.shape
    _, F, HH, WW = w.shape
    Ho, Wo = conv_transpose_output_size(H, HH, S, P, op), conv_transpose_output_size(W, WW, S, P, op)
    big = np.zeros((N, F, (H - 1) * S + HH + P + op, (W - 1) * S + WW + P + op))
    for n in range(N):
        for c in range(C):
            for i in range(H):
                for j in range(W):
                    for f in range(F):
                        big[n, f, i * S:i * S + HH, j * S:j * S + WW] += x[n, c, i, j] * w[c, f]
    out = big[:, :, P:P + Ho, P:P + Wo].copy()
    for f in range(F):
        out[:, f] += b[f]
    return out, (x, w, b, conv_param)


def conv_transpose_backward(dout, cache):
    x, w, b, conv_param = cache
    S, P = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    _, F, HH, WW = w.shape
    Ho, Wo = dout.shape[2:]
    big = np.zeros((N, F, (H - 1) * S + HH + P + Ho, (W - 1) * S + WW + P + Wo))
    big[:, :, P:P + Ho, P:P + Wo] = dout
    dx, dw = np.zeros_like(x), np.zeros_like(w)
    for n in range(N):
        for c in range(C):
            for i in range(H):
                for j in range(W):
                    for f in range(F):
                        patch = big[n, f, i * S:i * S + HH, j * S:j * S + WW]
                        dx[n, c, i, j] += np.sum(patch * w[c, f])
                        dw[c, f] += x[n, c, i, j] * patch
    return dx, dw, np.sum(dout, axis=(0, 2, 3))


# ---- deformable

def pixel(img, r, c):
    H, W = img.shape
    if 0 <= r < H and 0 <= c < W:
        return img[r, c]
    return 0.0


def bilinear_sample(img, py, px):
    py, px = np.asarray(py, dtype=float), np.asarray(px, dtype=float)
    out = np.zeros(py.shape)
    for idx in np.ndindex(py.shape):
        y, x = py[idx], px[idx]
        r, c = int(np.floor(y)), int(np.floor(x))
        a, e = y - r, x - c
        out[idx] = ((1 - a) * (1 - e) * pixel(img, r, c) + (1 - a) * e * pixel(img, r, c + 1)
                    + a * (1 - e) * pixel(img, r + 1, c) + a * e * pixel(img, r + 1, c + 1))
    return out


def deform_conv_forward(x, offset, w, b, conv_param):
    S, P = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    Ho, Wo = conv_output_size(H, HH, S, P), conv_output_size(W, WW, S, P)
    out = np.zeros((N, F, Ho, Wo))
    for n in range(N):
        for i in range(Ho):
            for j in range(Wo):
                for p in range(HH):
                    for q in range(WW):
                        k = p * WW + q
                        y = i * S - P + p + offset[n, 2 * k, i, j]
                        xx = j * S - P + q + offset[n, 2 * k + 1, i, j]
                        for c in range(C):
                            v = bilinear_sample(x[n, c], np.array(y), np.array(xx))
                            out[n, :, i, j] += w[:, c, p, q] * v
        out[n] += b[:, None, None]
    return out, (x, offset, w, b, conv_param)


def deform_conv_backward(dout, cache):
    x, offset, w, b, conv_param = cache
    S, P = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    Ho, Wo = dout.shape[2:]
    dx, doffset, dw = np.zeros_like(x), np.zeros_like(offset), np.zeros_like(w)
    for n in range(N):
        for i in range(Ho):
            for j in range(Wo):
                for p in range(HH):
                    for q in range(WW):
                        k = p * WW + q
                        y = i * S - P + p + offset[n, 2 * k, i, j]
                        xx = j * S - P + q + offset[n, 2 * k + 1, i, j]
                        r, c0 = int(np.floor(y)), int(np.floor(xx))
                        a, e = y - r, xx - c0
                        for c in range(C):
                            g = np.sum(w[:, c, p, q] * dout[n, :, i, j])
                            v00, v01 = pixel(x[n, c], r, c0), pixel(x[n, c], r, c0 + 1)
                            v10, v11 = pixel(x[n, c], r + 1, c0), pixel(x[n, c], r + 1, c0 + 1)
                            value = (1 - a) * (1 - e) * v00 + (1 - a) * e * v01 + a * (1 - e) * v10 + a * e * v11
                            dw[:, c, p, q] += value * dout[n, :, i, j]
                            for rr, cc, wt in ((r, c0, (1 - a) * (1 - e)), (r, c0 + 1, (1 - a) * e),
                                               (r + 1, c0, a * (1 - e)), (r + 1, c0 + 1, a * e)):
                                if 0 <= rr < H and 0 <= cc < W:
                                    dx[n, c, rr, cc] += wt * g
                            doffset[n, 2 * k, i, j] += g * ((1 - e) * (v10 - v00) + e * (v11 - v01))
                            doffset[n, 2 * k + 1, i, j] += g * ((1 - a) * (v01 - v00) + a * (v11 - v10))
    return dx, doffset, dw, dout.sum(axis=(0, 2, 3))


# ---- masked

def pixelcnn_mask(shape, mask_type, color_groups=1):
    F, C, HH, WW = shape
    if HH % 2 == 0 or WW % 2 == 0:
        raise ValueError("kernel sizes must be odd")
    if mask_type not in ["A", "B"]:
        raise ValueError("mask_type is A or B")
    if F % color_groups != 0 or C % color_groups != 0:
        raise ValueError("channels must split into the colour groups")
    mask = np.ones(shape)
    mask[:, :, HH // 2 + 1:, :] = 0
    mask[:, :, HH // 2, WW // 2 + 1:] = 0
    for f in range(F):
        for c in range(C):
            go, gi = f // (F // color_groups), c // (C // color_groups)
            if mask_type == "A":
                mask[f, c, HH // 2, WW // 2] = 1.0 if gi < go else 0.0
            else:
                mask[f, c, HH // 2, WW // 2] = 1.0 if gi <= go else 0.0
    return mask


def masked_conv_forward(x, w, b, conv_param, mask_type, color_groups=1):
    mask = pixelcnn_mask(w.shape, mask_type, color_groups)
    out, cache = conv_forward(x, w * mask, b, conv_param)
    return out, (cache, mask)


def masked_conv_backward(dout, cache):
    cache, mask = cache
    dx, dw, db = conv_backward(dout, cache)
    return dx, dw * mask, db


# ---- depthwise separable

def depthwise_conv_forward(x, w, b, conv_param):
    N, C, H, W = x.shape
    M = w.shape[0] // C
    outs = []
    for k in range(C * M):
        o, _ = conv_forward(x[:, k // M:k // M + 1], w[k:k + 1], b[k:k + 1], conv_param)
        outs.append(o)
    return np.concatenate(outs, axis=1), (x, w, b, conv_param)


def depthwise_conv_backward(dout, cache):
    x, w, b, conv_param = cache
    C = x.shape[1]
    M = w.shape[0] // C
    dx, dw, db = np.zeros_like(x), np.zeros_like(w), np.zeros_like(b)
    for k in range(C * M):
        c = k // M
        _, cache_k = conv_forward(x[:, c:c + 1], w[k:k + 1], b[k:k + 1], conv_param)
        dxk, dwk, dbk = conv_backward(dout[:, k:k + 1], cache_k)
        dx[:, c:c + 1] += dxk
        dw[k:k + 1] = dwk
        db[k:k + 1] = dbk
    return dx, dw, db


def separable_conv_forward(x, w_depth, w_point, b, conv_param):
    mid, cache = depthwise_conv_forward(x, w_depth, np.zeros(w_depth.shape[0]), conv_param)
    out, cache2 = conv_forward(mid, w_point, b, {"stride": 1, "pad": 0})
    return out, (cache, cache2)


def separable_conv_backward(dout, cache):
    cache, cache2 = cache
    dmid, dw_point, db = conv_backward(dout, cache2)
    dx, dw_depth, _ = depthwise_conv_backward(dmid, cache)
    return dx, dw_depth, dw_point, db


def conv_cost(H_out, W_out, C_in, C_out, K, bias=False):
    params = K * K * C_in * C_out
    if bias:
        params = params + C_out
    return {"macs": H_out * W_out * K * K * C_in * C_out, "params": params}


def separable_conv_cost(H_out, W_out, C_in, C_out, K, depth_multiplier=1, bias=False):
    depth = conv_cost(H_out, W_out, 1, depth_multiplier, K)
    point = conv_cost(H_out, W_out, C_in * depth_multiplier, C_out, 1, bias)
    return {"macs": C_in * depth["macs"] + point["macs"], "params": C_in * depth["params"] + point["params"]}


def separable_cost_ratio(C_out, K):
    return (K * K + C_out) / (K * K * C_out)
'''


def test_a_naive_student_solution_in_one_file_gets_full_marks(tmp_path):
    (tmp_path / "hw").mkdir()
    (tmp_path / "hw" / "conv_variants.py").write_text(NAIVE)
    result, report = outcomes(str(tmp_path / "hw"), "conv_variants")
    assert report.score == report.max_score, {n: o.output for n, o in result.items() if o.status != "passed"}


def test_modules_as_loose_files_with_relative_imports(tmp_path):
    """As uploaded: the five modules without a package; masked.py's `from .conv import ...` still works."""
    folder = tmp_path / "upload"
    folder.mkdir()
    for name in ("transposed.py", "deformable.py", "masked.py", "separable.py", "conv.py"):
        shutil.copy(os.path.join(REFERENCE, "conv_variants", name), folder / name)
    result = graded(str(folder), "conv_variants", ("masked_conv_forward.values", "deform_conv_forward.values",
                                                   "conv.values"))
    assert all(o.status == "passed" for o in result.values()), {n: o.output for n, o in result.items()}


@pytest.mark.parametrize("name,expected", [("conv_variants", ["conv_variants"]), ("dilation", ["dilation"])])
def test_a_pasted_conv_py_selects_no_other_assignment(tmp_path, name, expected):
    """Both assignments grade conv_forward/conv_backward in conv.py: that file alone tells neither apart."""
    from grader import spec
    from grader.run import select
    from grader.submission import prepare
    submission = prepare(os.path.join(REFERENCE, name), str(tmp_path / "work"))
    assert [a.name for a in select(submission, ())] == expected
    only_conv = tmp_path / "conv_only"
    only_conv.mkdir()
    shutil.copy(os.path.join(REFERENCE, name, "conv.py"), only_conv / "conv.py")
    picked = [a.name for a in select(prepare(str(only_conv), str(tmp_path / "work2")), ())]
    assert picked == [a.name for a in spec.assignments()]       # nothing to tell: every assignment, as for no code
