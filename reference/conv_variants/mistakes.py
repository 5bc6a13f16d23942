"""Classic mistakes of the convolution variants, named by comparison (grading side: the suite's hints).

Each function takes the student's answer and the inputs and returns the names of the mistakes the answer
equals; the suite words them (grader/suites/conv_variants.py). Every simulation here runs the reference on
changed inputs: the answer a mistake gives is the right answer to another question.
"""
import numpy as np

from .conv import conv_forward
from .deformable import deform_conv_forward
from .masked import pixelcnn_mask
from .separable import conv_cost, depthwise_conv_forward, separable_conv_cost
from .transposed import conv_transpose_forward


def _same(a, b):
    return type(a) is np.ndarray and a.shape == b.shape and np.allclose(a, b, rtol=1e-7, atol=1e-9)


def transposed(student, x, w, b, conv_param):
    names = []
    H, W = x.shape[2:]
    HH, WW = w.shape[2:]
    S, P = conv_param['stride'], conv_param['pad']
    if type(student) is np.ndarray and student.ndim == 4 and P > 0 and \
            student.shape[2:] == ((H - 1) * S + HH, (W - 1) * S + WW):
        names.append('uncropped')
    if conv_param.get('output_padding', 0) and type(student) is np.ndarray and student.ndim == 4:
        expected = conv_transpose_forward(x, w, b, conv_param)[0]
        if student.shape[2:] == tuple(n - conv_param['output_padding'] for n in expected.shape[2:]):
            names.append('output_padding_ignored')
    if _same(student, conv_transpose_forward(x, w[:, :, ::-1, ::-1], b, conv_param)[0]) and HH * WW > 1:
        names.append('flipped_kernel')
    if w.shape[0] == w.shape[1] and _same(student, conv_transpose_forward(x, w.transpose(1, 0, 2, 3), b,
                                                                          conv_param)[0]):
        names.append('channels_swapped')
    return names


def _swap_pairs(offset):
    out = offset.copy()
    out[:, 0::2], out[:, 1::2] = offset[:, 1::2], offset[:, 0::2]
    return out


def _planar(offset):
    """Offsets that, read interleaved (dy, dx per tap), give what `offset` gives read planar (all dy, then dx)."""
    K = offset.shape[1] // 2
    out = np.empty_like(offset)
    out[:, 0::2], out[:, 1::2] = offset[:, :K], offset[:, K:]
    return out


def deformable(student, x, offset, w, b, conv_param):
    names = []
    for name, changed in (('dy_dx_swapped', _swap_pairs(offset)), ('planar_offsets', _planar(offset)),
                          ('rounded', np.round(offset)), ('rounded', np.floor(offset)),
                          ('offsets_ignored', np.zeros_like(offset))):
        if name not in names and _same(student, deform_conv_forward(x, changed, w, b, conv_param)[0]):
            names.append(name)
    return names


def mask(student, shape, mask_type, color_groups):
    names = []
    right = pixelcnn_mask(shape, mask_type, color_groups)
    cy, cx = shape[2] // 2, shape[3] // 2
    other = pixelcnn_mask(shape, 'B' if mask_type == 'A' else 'A', color_groups)
    keeps_right, drops_left = right.copy(), right.copy()
    keeps_right[:, :, cy, cx + 1:] = 1
    drops_left[:, :, cy, :cx] = 0
    for name, wrong in (('types_swapped', other), ('center_row_right_kept', keeps_right),
                        ('center_row_left_masked', drops_left), ('mask_transposed', right.transpose(0, 1, 3, 2))):
        if type(student) is np.ndarray and student.shape == wrong.shape and not np.array_equal(wrong, right) \
                and np.array_equal(student, wrong):
            names.append(name)
    return names


def masked_forward(student, x, w, b, conv_param):
    return ['mask_not_applied'] if _same(student, conv_forward(x, w, b, conv_param)[0]) else []


def depthwise(student, x, w, b, conv_param):
    C, K = x.shape[1], w.shape[0]
    M = K // C
    if M < 2 or C < 2 or type(student) is not np.ndarray:
        return []
    order = np.arange(K).reshape(C, M).T.ravel()          # order[m * C + c] = c * M + m
    w2, b2 = np.empty_like(w), np.empty_like(b)           # output k reads input k % C (instead of k // M):
    w2[order], b2[order] = w, b                            # the right layer with w, b moved, read back in order
    return ['multiplier_order'] if _same(student, depthwise_conv_forward(x, w2, b2, conv_param)[0][:, order]) else []


def costs(student, H_out, W_out, C_in, C_out, K, depth_multiplier, bias):
    """The mistakes whose count (a multiply-add or a parameter count of separable_conv_cost) `student` equals."""
    mid = C_in * depth_multiplier
    standard = conv_cost(H_out, W_out, mid, C_out, K, bias)
    right = separable_conv_cost(H_out, W_out, C_in, C_out, K, depth_multiplier, bias)
    wrong = ((standard['macs'], 'standard_cost'), (standard['params'], 'standard_cost'),
             (H_out * W_out * mid * K * K, 'pointwise_missing'), (right['params'] + mid, 'depthwise_bias'))
    return [name for value, name in wrong if student == value]
