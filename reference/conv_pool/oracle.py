"""torch oracles of the conv/pool layers, with CS231n's signatures: forward -> (out, cache), backward(dout, cache).

The grader uses them in the trusted parent to check a student's layers against an independent
implementation (torch.nn.functional), next to the check against the NumPy reference. Everything runs in
float64, on CUDA when torch.cuda.is_available() and on the CPU otherwise; results come back as NumPy arrays.

torch rounds a non-integer output size down where the course raises ValueError: call these only on shapes
that tile exactly. With tied maxima torch's max_pool2d backward may pick any of them: compare on tie-free
inputs only.

The inputs are tiny, so every call runs torch on one CPU thread: on a busy machine torch's thread pool
made a 5×5 convolution 300× slower (0.12 s instead of 0.4 ms).
"""
from contextlib import contextmanager
from functools import wraps

import numpy as np
import torch
import torch.nn.functional as tF


def device():
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


@contextmanager
def _one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _single_threaded(fn):
    @wraps(fn)
    def run(*args):
        with _one_thread():
            return fn(*args)
    return run


def _tensor(a):
    return torch.tensor(np.asarray(a, dtype=np.float64), device=device(), requires_grad=True)


def _numpy(t):
    return t.detach().cpu().numpy()


def _backward(dout, cache):
    """Gradients of the cached inputs for the upstream gradient dout, as NumPy arrays."""
    inputs, out = cache
    grads = torch.autograd.grad(out, inputs, torch.tensor(np.asarray(dout, dtype=np.float64), device=device()))
    return tuple(_numpy(g) for g in grads)


@_single_threaded
def conv_forward(x, w, b, conv_param):
    """
    Convolution (cross-correlation) with torch.nn.functional.conv2d.

    Inputs: x (N, C, H, W), w (F, C, HH, WW), b (F,), conv_param with 'stride', 'pad' and optionally
    'dilation' (default 1).
    Returns (out, cache): out (N, F, H', W') as a NumPy array; cache for conv_backward.
    """
    tx, tw, tb = _tensor(x), _tensor(w), _tensor(b)
    out = tF.conv2d(tx, tw, tb, stride=conv_param['stride'], padding=conv_param['pad'],
                    dilation=conv_param.get('dilation', 1))
    return _numpy(out), ((tx, tw, tb), out)


@_single_threaded
def conv_backward(dout, cache):
    """Returns (dx, dw, db) for the conv_forward that made `cache`."""
    return _backward(dout, cache)


def _pool_args(pool_param):
    return dict(kernel_size=(pool_param['pool_height'], pool_param['pool_width']), stride=pool_param['stride'])


@_single_threaded
def max_pool_forward(x, pool_param):
    """Max pooling (no padding) with torch.nn.functional.max_pool2d. Returns (out, cache)."""
    tx = _tensor(x)
    out = tF.max_pool2d(tx, **_pool_args(pool_param))
    return _numpy(out), ((tx,), out)


@_single_threaded
def max_pool_backward(dout, cache):
    """Returns dx for the max_pool_forward that made `cache`."""
    return _backward(dout, cache)[0]


@_single_threaded
def avg_pool_forward(x, pool_param):
    """Average pooling (no padding) with torch.nn.functional.avg_pool2d. Returns (out, cache)."""
    tx = _tensor(x)
    out = tF.avg_pool2d(tx, **_pool_args(pool_param))
    return _numpy(out), ((tx,), out)


@_single_threaded
def avg_pool_backward(dout, cache):
    """Returns dx for the avg_pool_forward that made `cache`."""
    return _backward(dout, cache)[0]
