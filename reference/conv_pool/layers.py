"""CS231n layers: affine, ReLU, convolution, max and average pooling.

Every forward returns (out, cache); every backward takes (dout, cache) and returns the gradients of the
forward's inputs. No function modifies its inputs. Convolution is cross-correlation (the kernel is not
flipped), as in CS231n and torch.nn.functional.conv2d.
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv_output_size(H, HH, stride, pad):
    """
    Output size of a convolution or pooling window along one axis: (H + 2*pad - HH) / stride + 1.

    Inputs:
    - H: input size along the axis
    - HH: kernel (or pooling window) size along the axis
    - stride: step between neighbouring windows (>= 1)
    - pad: zeros added on each side of the axis (>= 0)

    Returns an int. Raises ValueError when the windows do not tile the padded input exactly, i.e. when
    stride does not divide H + 2*pad - HH, or when the kernel is larger than the padded input.
    """
    if stride < 1 or pad < 0:
        raise ValueError(f"need stride >= 1 and pad >= 0, got stride={stride}, pad={pad}")
    span = H + 2 * pad - HH
    formula = f"(H + 2*pad - HH) / stride + 1 = ({H} + 2*{pad} - {HH}) / {stride} + 1"
    if span < 0:
        raise ValueError(f"kernel larger than the padded input: {formula} = {span / stride + 1:g} < 1")
    if span % stride != 0:
        raise ValueError(f"output size is not an integer: {formula} = {span / stride + 1:g}; "
                         f"stride must divide H + 2*pad - HH = {span}")
    return span // stride + 1


def _float_dtype(*arrays):
    """The dtype numpy would give to arithmetic on these arrays, promoted to floating point."""
    return np.result_type(*arrays, 1.0)


def affine_forward(x, w, b):
    """
    Affine (fully connected) layer: out = x.reshape(N, D) @ w + b.

    Inputs:
    - x: (N, d_1, ..., d_k), each example has D = d_1 * ... * d_k values
    - w: weights, (D, M)
    - b: biases, (M,)

    Returns a tuple of:
    - out: (N, M)
    - cache: (x, w, b)
    """
    out = x.reshape(x.shape[0], -1) @ w + b
    return out, (x, w, b)


def affine_backward(dout, cache):
    """
    Backward pass of affine_forward.

    Inputs:
    - dout: upstream gradient, (N, M)
    - cache: (x, w, b) from affine_forward

    Returns a tuple of:
    - dx: (N, d_1, ..., d_k), like x
    - dw: (D, M)
    - db: (M,)
    """
    x, w, b = cache
    dx = (dout @ w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T @ dout
    db = dout.sum(axis=0)
    return dx, dw, db


def relu_forward(x):
    """
    Rectified linear unit: out = max(0, x), elementwise.

    Input:
    - x: array of any shape

    Returns a tuple of:
    - out: like x
    - cache: x
    """
    return np.maximum(0, x), x


def relu_backward(dout, cache):
    """
    Backward pass of relu_forward. The gradient at x == 0 is taken to be 0 (as torch does).

    Inputs:
    - dout: upstream gradient, like x
    - cache: x

    Returns:
    - dx: like x
    """
    x = cache
    return dout * (x > 0)


def _pad(x, pad):
    """Zero-pad the two spatial axes of x (N, C, H, W) by pad on every side; returns a new array."""
    return np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))


def _conv_geometry(x, w, conv_param):
    """Check the shapes of a convolution and return (stride, pad, H_out, W_out)."""
    (N, C, H, W), (F, C_w, HH, WW) = x.shape, w.shape
    if C != C_w:
        raise ValueError(f"x has {C} channels but w expects {C_w}")
    stride, pad = conv_param['stride'], conv_param['pad']
    return stride, pad, conv_output_size(H, HH, stride, pad), conv_output_size(W, WW, stride, pad)


def conv_forward_naive(x, w, b, conv_param):
    """
    A naive implementation of the forward pass for a convolutional layer.

    The input consists of N data points, each with C channels, height H and width W. We convolve each
    input with F different filters, where each filter spans all C channels and has height HH and width WW.

    Input:
    - x: Input data of shape (N, C, H, W)
    - w: Filter weights of shape (F, C, HH, WW)
    - b: Biases, of shape (F,)
    - conv_param: A dictionary with the following keys:
      - 'stride': The number of pixels between adjacent receptive fields in the
        horizontal and vertical directions.
      - 'pad': The number of pixels that will be used to zero-pad the input.

    Returns a tuple of:
    - out: Output data, of shape (N, F, H', W') where H' and W' are given by
      H' = 1 + (H + 2 * pad - HH) / stride
      W' = 1 + (W + 2 * pad - WW) / stride
    - cache: (x, w, b, conv_param)

    Raises ValueError when H' or W' is not an integer.
    """
    N, F = x.shape[0], w.shape[0]
    HH, WW = w.shape[2:]
    stride, pad, H_out, W_out = _conv_geometry(x, w, conv_param)
    xp = _pad(x, pad)
    out = np.zeros((N, F, H_out, W_out), dtype=_float_dtype(x, w, b))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    window = xp[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    return out, (x, w, b, conv_param)


def conv_backward_naive(dout, cache):
    """
    A naive implementation of the backward pass for a convolutional layer.

    Inputs:
    - dout: Upstream derivatives, (N, F, H', W')
    - cache: A tuple of (x, w, b, conv_param) as in conv_forward_naive

    Returns a tuple of:
    - dx: Gradient with respect to x, (N, C, H, W)
    - dw: Gradient with respect to w, (F, C, HH, WW)
    - db: Gradient with respect to b, (F,)
    """
    x, w, b, conv_param = cache
    N, F, H_out, W_out = dout.shape
    H, W = x.shape[2:]
    HH, WW = w.shape[2:]
    stride, pad = conv_param['stride'], conv_param['pad']
    xp = _pad(x, pad)
    dxp = np.zeros(xp.shape, dtype=_float_dtype(x, w, dout))
    dw = np.zeros(w.shape, dtype=dxp.dtype)
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    rows = slice(i * stride, i * stride + HH)
                    cols = slice(j * stride, j * stride + WW)
                    dw[f] += xp[n, :, rows, cols] * dout[n, f, i, j]
                    dxp[n, :, rows, cols] += w[f] * dout[n, f, i, j]
    dx = dxp[:, :, pad:pad + H, pad:pad + W]
    db = dout.sum(axis=(0, 2, 3))
    return dx, dw, db


def _pool_geometry(x, pool_param):
    """Return (pool_height, pool_width, stride, H_out, W_out) of a pooling layer (no padding)."""
    ph, pw, stride = pool_param['pool_height'], pool_param['pool_width'], pool_param['stride']
    H, W = x.shape[2:]
    return ph, pw, stride, conv_output_size(H, ph, stride, 0), conv_output_size(W, pw, stride, 0)


def max_pool_forward_naive(x, pool_param):
    """
    A naive implementation of the forward pass for a max-pooling layer (no padding).

    Inputs:
    - x: Input data, of shape (N, C, H, W)
    - pool_param: dictionary with the following keys:
      - 'pool_height': The height of each pooling region
      - 'pool_width': The width of each pooling region
      - 'stride': The distance between adjacent pooling regions

    Returns a tuple of:
    - out: Output data, of shape (N, C, H', W') where H' and W' are given by
      H' = 1 + (H - pool_height) / stride
      W' = 1 + (W - pool_width) / stride
    - cache: (x, pool_param)

    Raises ValueError when H' or W' is not an integer.
    """
    N, C = x.shape[:2]
    ph, pw, stride, H_out, W_out = _pool_geometry(x, pool_param)
    out = np.zeros((N, C, H_out, W_out), dtype=x.dtype)
    for i in range(H_out):
        for j in range(W_out):
            window = x[:, :, i * stride:i * stride + ph, j * stride:j * stride + pw]
            out[:, :, i, j] = window.max(axis=(2, 3))
    return out, (x, pool_param)


def max_pool_backward_naive(dout, cache):
    """
    A naive implementation of the backward pass for a max-pooling layer.

    Each window sends its upstream gradient to its maximum only. Ties go to the FIRST maximum in row-major
    order inside the window (what np.argmax returns, as in CS231n). Overlapping windows add up.

    Inputs:
    - dout: Upstream derivatives, (N, C, H', W')
    - cache: A tuple of (x, pool_param) as in the forward pass.

    Returns:
    - dx: Gradient with respect to x, (N, C, H, W)
    """
    x, pool_param = cache
    N, C = x.shape[:2]
    ph, pw, stride, H_out, W_out = _pool_geometry(x, pool_param)
    dx = np.zeros(x.shape, dtype=_float_dtype(x, dout))
    for i in range(H_out):
        for j in range(W_out):
            rows = slice(i * stride, i * stride + ph)
            cols = slice(j * stride, j * stride + pw)
            window = x[:, :, rows, cols].reshape(N, C, ph * pw)
            first_max = window.argmax(axis=2)                          # (N, C)
            one_hot = np.arange(ph * pw) == first_max[:, :, None]      # (N, C, ph*pw)
            dx[:, :, rows, cols] += (one_hot * dout[:, :, i, j, None]).reshape(N, C, ph, pw)
    return dx


def avg_pool_forward_naive(x, pool_param):
    """
    A naive implementation of the forward pass for an average-pooling layer (no padding).

    Inputs and outputs as max_pool_forward_naive, with the mean of each window instead of its maximum.
    Returns (out, cache) with out (N, C, H', W') and cache (x, pool_param).
    """
    N, C = x.shape[:2]
    ph, pw, stride, H_out, W_out = _pool_geometry(x, pool_param)
    out = np.zeros((N, C, H_out, W_out), dtype=_float_dtype(x))
    for i in range(H_out):
        for j in range(W_out):
            window = x[:, :, i * stride:i * stride + ph, j * stride:j * stride + pw]
            out[:, :, i, j] = window.mean(axis=(2, 3))
    return out, (x, pool_param)


def avg_pool_backward_naive(dout, cache):
    """
    A naive implementation of the backward pass for an average-pooling layer.

    Every cell of a window receives 1 / (pool_height * pool_width) of the window's upstream gradient;
    overlapping windows add up.

    Inputs:
    - dout: Upstream derivatives, (N, C, H', W')
    - cache: A tuple of (x, pool_param) as in the forward pass.

    Returns:
    - dx: Gradient with respect to x, (N, C, H, W)
    """
    x, pool_param = cache
    ph, pw, stride, H_out, W_out = _pool_geometry(x, pool_param)
    dx = np.zeros(x.shape, dtype=_float_dtype(x, dout))
    for i in range(H_out):
        for j in range(W_out):
            rows = slice(i * stride, i * stride + ph)
            cols = slice(j * stride, j * stride + pw)
            dx[:, :, rows, cols] += dout[:, :, i, j, None, None] / (ph * pw)
    return dx


def _im2col(xp, HH, WW, stride):
    """
    The windows of a padded input as columns: (N, C*HH*WW, H'*W').

    Column k of sample n holds the HH x WW window (all C channels, flattened channel-major) that output
    position k = i*W' + j reads. sliding_window_view makes every window a view; reshape copies once.
    """
    N, C = xp.shape[:2]
    windows = sliding_window_view(xp, (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride]  # (N,C,H',W',HH,WW)
    H_out, W_out = windows.shape[2:4]
    return windows.transpose(0, 1, 4, 5, 2, 3).reshape(N, C * HH * WW, H_out * W_out)


def conv_forward_fast(x, w, b, conv_param):
    """
    A vectorized forward pass for a convolutional layer (im2col + one batched matrix product).

    Same inputs, outputs and cache (x, w, b, conv_param) as conv_forward_naive, so the naive and fast
    layers can be mixed freely.
    """
    N, F = x.shape[0], w.shape[0]
    HH, WW = w.shape[2:]
    stride, pad, H_out, W_out = _conv_geometry(x, w, conv_param)
    cols = _im2col(_pad(x, pad), HH, WW, stride)                # (N, C*HH*WW, H'*W')
    out = np.matmul(w.reshape(F, -1), cols)                     # (N, F, H'*W')
    out += b[:, None]
    return out.reshape(N, F, H_out, W_out), (x, w, b, conv_param)


def conv_backward_fast(dout, cache):
    """
    A vectorized backward pass for a convolutional layer.

    Inputs:
    - dout: Upstream derivatives, (N, F, H', W')
    - cache: (x, w, b, conv_param) from conv_forward_fast or conv_forward_naive

    Returns a tuple of:
    - dx: (N, C, H, W)
    - dw: (F, C, HH, WW)
    - db: (F,)
    """
    x, w, b, conv_param = cache
    N, F = dout.shape[:2]
    H, W = x.shape[2:]
    HH, WW = w.shape[2:]
    stride, pad = conv_param['stride'], conv_param['pad']
    xp = _pad(x, pad)
    dout_cols = dout.reshape(N, F, -1)                                          # (N, F, H'*W')
    db = dout_cols.sum(axis=(0, 2))
    dw = np.matmul(dout_cols, _im2col(xp, HH, WW, stride).transpose(0, 2, 1)).sum(axis=0).reshape(w.shape)
    dcols = np.matmul(w.reshape(F, -1).T, dout_cols)                            # (N, C*HH*WW, H'*W')
    # col2im is the transpose of im2col: every column entry was read from one cell of xp, so its
    # gradient is added back to that cell. im2col of the cell numbers says which cell that is.
    source = _im2col(np.arange(xp.size).reshape(xp.shape), HH, WW, stride)
    dxp = np.bincount(source.ravel(), weights=dcols.ravel(), minlength=xp.size).reshape(xp.shape)
    dx = dxp[:, :, pad:pad + H, pad:pad + W].astype(dcols.dtype, copy=False)
    return dx, dw, db
