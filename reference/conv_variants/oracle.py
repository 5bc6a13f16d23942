"""torch oracles of the convolution variants (grading side), independent of the NumPy references.

Each returns (out, grads) as NumPy arrays: the forward output and, by torch autograd, the gradients of
sum(out * dout) with respect to the inputs, in the order the course's backward returns them.
- transposed:  torch.nn.functional.conv_transpose2d (weights (C_in, F, HH, WW), as the course's);
- deformable:  torch.nn.functional.grid_sample (bilinear, zeros outside, align_corners=True) samples the
  input at every tap's position, then one matrix product with the weights (torchvision 0.28.0, the
  release for torch 2.13, installs from PyPI but its operators do not load against the CPU build:
  "operator torchvision::nms does not exist", so deform_conv2d cannot serve);
- conv2d with groups (depthwise), two conv2d (separable), conv2d with a masked weight (PixelCNN).
float64, on CUDA when torch.cuda.is_available(), else on one CPU thread (the inputs are tiny).
"""
import numpy as np
import torch
import torch.nn.functional as tF

from reference.conv_pool.oracle import _one_thread, device


def _t(a, grad=True):
    return torch.tensor(np.asarray(a, dtype=np.float64), device=device(), requires_grad=grad)


def _run(fn, inputs, dout):
    """(out, grads of sum(out * dout) w.r.t. inputs) for out = fn(*tensors)."""
    with _one_thread():
        tensors = [_t(a) for a in inputs]
        out = fn(*tensors)
        grads = torch.autograd.grad(out, tensors, _t(dout, False), allow_unused=True)
        return out.detach().cpu().numpy(), tuple(np.zeros(a.shape) if g is None else g.cpu().numpy()
                                                 for a, g in zip(inputs, grads))


def transposed(x, w, b, conv_param, dout):
    """conv_transpose2d: (out, (dx, dw, db))."""
    return _run(lambda x, w, b: tF.conv_transpose2d(x, w, b, stride=conv_param['stride'], padding=conv_param['pad'],
                                                    output_padding=conv_param.get('output_padding', 0)),
                (x, w, b), dout)


def conv_input_gradient(x_shape, w, conv_param, dout):
    """The gradient of sum(conv2d(x, W) * dout) with respect to x, where W = w read as (C_out, C_in, HH, WW):
    what a transposed convolution of dout with w computes."""
    x = np.zeros(x_shape)
    return _run(lambda x: tF.conv2d(x, _t(w, False), stride=conv_param['stride'], padding=conv_param['pad']),
                (x,), dout)[1][0]


def conv(x, w, b, conv_param, dout, groups=1):
    """conv2d (with groups): (out, (dx, dw, db))."""
    return _run(lambda x, w, b: tF.conv2d(x, w, b, stride=conv_param['stride'], padding=conv_param['pad'],
                                          groups=groups), (x, w, b), dout)


def masked(x, w, b, conv_param, mask, dout):
    """conv2d with the weight w * mask: (out, (dx, dw, db)); dw is zero where the mask is."""
    m = _t(mask, False)
    return _run(lambda x, w, b: tF.conv2d(x, w * m, b, stride=conv_param['stride'], padding=conv_param['pad']),
                (x, w, b), dout)


def separable(x, w_depth, w_point, b, conv_param, dout):
    """A depthwise conv2d (groups = C, no bias), then a 1 x 1 conv2d: (out, (dx, dw_depth, dw_point, db))."""
    C = x.shape[1]
    return _run(lambda x, wd, wp, b: tF.conv2d(tF.conv2d(x, wd, None, stride=conv_param['stride'],
                                                         padding=conv_param['pad'], groups=C), wp, b),
                (x, w_depth, w_point, b), dout)


def deformable(x, offset, w, b, conv_param, dout):
    """(out, (dx, doffset, dw, db)) of the deformable convolution, by grid_sample.

    The input gets a border of zeros one pixel wide (so that grid_sample's align_corners=True mapping never
    divides by a size of 1; zeros outside the image are what the course's sampling reads anyway)."""
    stride, pad = conv_param['stride'], conv_param['pad']
    F, C, HH, WW = w.shape
    N, _, H_out, W_out = offset.shape
    H, W = x.shape[2] + 2, x.shape[3] + 2
    p, q = np.divmod(np.arange(HH * WW), WW)
    rows = (np.arange(H_out) * stride - pad + 1)[None, :, None] + p[:, None, None]      # (K, Ho, 1), + 1: border
    cols = (np.arange(W_out) * stride - pad + 1)[None, None, :] + q[:, None, None]      # (K, 1, Wo)

    def forward(x, offset, w, b):
        xp = tF.pad(x, (1, 1, 1, 1))
        py = _t(rows, False) + offset[:, 0::2]                                         # (N, K, Ho, Wo)
        px = _t(cols, False) + offset[:, 1::2]
        grid = torch.stack((2 * px / (W - 1) - 1, 2 * py / (H - 1) - 1), -1)            # x first, in [-1, 1]
        samples = tF.grid_sample(xp, grid.reshape(N, HH * WW * H_out, W_out, 2), mode='bilinear',
                                 padding_mode='zeros', align_corners=True)              # (N, C, K*Ho, Wo)
        samples = samples.reshape(N, C * HH * WW, H_out * W_out)
        return (w.reshape(F, -1) @ samples).reshape(N, F, H_out, W_out) + b[None, :, None, None]
    return _run(forward, (x, offset, w, b), dout)
