"""CS231n normalization layers: batch normalization (with its simplified backward), layer normalization,
spatial batch normalization and spatial group normalization.

Names, signatures, parameter dicts and defaults are CS231n's (assignment 2, `cs231n/layers.py`): `bn_param`
has 'mode' ('train' | 'test', required), 'eps' (default 1e-5), 'momentum' (default 0.9), 'running_mean' and
'running_var' (default zeros, written back after every call). The variance is the biased (uncorrected) one,
and eps goes inside the square root: x_hat = (x - mean) / sqrt(var + eps). Caches are opaque: only the
matching backward reads them (batchnorm_backward_alt takes batchnorm_forward's cache). No function modifies
its input arrays; batchnorm_forward writes the running statistics into bn_param, as CS231n's does.
"""
import numpy as np


def _normalize(x, axis, eps):
    """(x_hat, std) with x_hat = (x - mean) / std, std = sqrt(var + eps), statistics over `axis` (kept)."""
    mean = x.mean(axis=axis, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axis, keepdims=True)
    std = np.sqrt(var + eps)
    return (x - mean) / std, std


def _normalize_backward(dx_hat, x_hat, std, axis):
    """Gradient of x for the upstream gradient of x_hat (both shaped like x), statistics over `axis`: the
    simplified expression (dx_hat - mean(dx_hat) - x_hat * mean(dx_hat * x_hat)) / std."""
    return (dx_hat - dx_hat.mean(axis=axis, keepdims=True)
            - x_hat * (dx_hat * x_hat).mean(axis=axis, keepdims=True)) / std


def batchnorm_forward(x, gamma, beta, bn_param):
    """
    Forward pass for batch normalization.

    During training the sample mean and (uncorrected) sample variance are computed from minibatch
    statistics and used to normalize the incoming data. During training we also keep an exponentially
    decaying running mean of the mean and variance of each feature, and these averages are used to
    normalize data at test-time. At each timestep the running averages are updated as

    running_mean = momentum * running_mean + (1 - momentum) * sample_mean
    running_var = momentum * running_var + (1 - momentum) * sample_var

    Input:
    - x: Data of shape (N, D)
    - gamma: Scale parameter of shape (D,)
    - beta: Shift parameter of shape (D,)
    - bn_param: Dictionary with the following keys:
      - mode: 'train' or 'test'; required
      - eps: Constant for numeric stability (default 1e-5)
      - momentum: Constant for running mean / variance (default 0.9)
      - running_mean: Array of shape (D,) giving running mean of features (default zeros)
      - running_var: Array of shape (D,) giving running variance of features (default zeros)
      The updated running_mean and running_var are stored back into bn_param.

    Returns a tuple of:
    - out: of shape (N, D)
    - cache: A tuple of values needed in the backward pass
    """
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)

    N, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))

    if mode == "train":
        sample_mean = x.mean(axis=0)
        xc = x - sample_mean
        sample_var = (xc ** 2).mean(axis=0)
        std = np.sqrt(sample_var + eps)
        x_hat = xc / std
        out = gamma * x_hat + beta
        running_mean = momentum * running_mean + (1 - momentum) * sample_mean
        running_var = momentum * running_var + (1 - momentum) * sample_var
        cache = ("train", x_hat, xc, std, gamma)
    elif mode == "test":
        std = np.sqrt(running_var + eps)
        x_hat = (x - running_mean) / std
        out = gamma * x_hat + beta
        cache = ("test", x_hat, None, std, gamma)
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    """
    Backward pass for batch normalization, node by node through the computation graph
    x -> xc = x - mean -> var = mean(xc**2) -> std = sqrt(var + eps) -> x_hat = xc / std -> gamma * x_hat + beta.

    Inputs:
    - dout: Upstream derivatives, of shape (N, D)
    - cache: Variable of intermediates from batchnorm_forward.

    Returns a tuple of:
    - dx: Gradient with respect to inputs x, of shape (N, D)
    - dgamma: Gradient with respect to scale parameter gamma, of shape (D,)
    - dbeta: Gradient with respect to shift parameter beta, of shape (D,)
    """
    mode, x_hat, xc, std, gamma = cache
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx_hat = dout * gamma
    if mode == "test":                       # a fixed affine map of x
        return dx_hat / std, dgamma, dbeta
    N = dout.shape[0]
    dxc = dx_hat / std                       # x_hat = xc * (1 / std)
    dinv_std = (dx_hat * xc).sum(axis=0)
    dstd = -dinv_std / std ** 2
    dvar = 0.5 * dstd / std                  # std = sqrt(var + eps)
    dxc = dxc + 2.0 * xc * dvar / N          # var = mean(xc ** 2)
    dmean = -dxc.sum(axis=0)                 # xc = x - mean
    dx = dxc + dmean / N
    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    """
    Alternative backward pass for batch normalization: the derivatives worked out on paper and simplified,
    dx = (dx_hat - mean(dx_hat) - x_hat * mean(dx_hat * x_hat)) / std, with dx_hat = gamma * dout and the means
    over the batch.

    It takes the cache of batchnorm_forward (the same cache as batchnorm_backward).

    Inputs / outputs: Same as batchnorm_backward
    """
    mode, x_hat, _, std, gamma = cache
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    if mode == "test":
        return dout * gamma / std, dgamma, dbeta
    dx = _normalize_backward(dout * gamma, x_hat, std, axis=0)
    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, ln_param):
    """
    Forward pass for layer normalization.

    During both training and test-time, the incoming data is normalized per data-point (over its D features),
    before being scaled by gamma and beta parameters identical to that of batch normalization. Train and test
    time behave the same: there are no running averages, and a 'mode' key in ln_param is ignored.

    Input:
    - x: Data of shape (N, D)
    - gamma: Scale parameter of shape (D,)
    - beta: Shift parameter of shape (D,)
    - ln_param: Dictionary with the following keys:
        - eps: Constant for numeric stability (default 1e-5)

    Returns a tuple of:
    - out: of shape (N, D)
    - cache: A tuple of values needed in the backward pass
    """
    eps = ln_param.get("eps", 1e-5)
    x_hat, std = _normalize(x, axis=1, eps=eps)
    out = gamma * x_hat + beta
    return out, (x_hat, std, gamma)


def layernorm_backward(dout, cache):
    """
    Backward pass for layer normalization.

    Inputs:
    - dout: Upstream derivatives, of shape (N, D)
    - cache: Variable of intermediates from layernorm_forward.

    Returns a tuple of:
    - dx: Gradient with respect to inputs x, of shape (N, D)
    - dgamma: Gradient with respect to scale parameter gamma, of shape (D,)
    - dbeta: Gradient with respect to shift parameter beta, of shape (D,)
    """
    x_hat, std, gamma = cache
    dx = _normalize_backward(dout * gamma, x_hat, std, axis=1)
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    """
    Forward pass for spatial batch normalization: batch normalization of every channel over the N samples
    and the H x W positions.

    Inputs:
    - x: Input data of shape (N, C, H, W)
    - gamma: Scale parameter, of shape (C,)
    - beta: Shift parameter, of shape (C,)
    - bn_param: Dictionary with the following keys (as batchnorm_forward):
      - mode: 'train' or 'test'; required
      - eps: Constant for numeric stability (default 1e-5)
      - momentum: Constant for running mean / variance (default 0.9)
      - running_mean: Array of shape (C,) giving running mean of features
      - running_var Array of shape (C,) giving running variance of features

    Returns a tuple of:
    - out: Output data, of shape (N, C, H, W)
    - cache: Values needed for the backward pass
    """
    N, C, H, W = x.shape
    flat = x.transpose(0, 2, 3, 1).reshape(-1, C)        # one row per (sample, position), one column per channel
    out, cache = batchnorm_forward(flat, gamma, beta, bn_param)
    return out.reshape(N, H, W, C).transpose(0, 3, 1, 2), cache


def spatial_batchnorm_backward(dout, cache):
    """
    Backward pass for spatial batch normalization.

    Inputs:
    - dout: Upstream derivatives, of shape (N, C, H, W)
    - cache: Values from the forward pass

    Returns a tuple of:
    - dx: Gradient with respect to inputs, of shape (N, C, H, W)
    - dgamma: Gradient with respect to scale parameter, of shape (C,)
    - dbeta: Gradient with respect to shift parameter, of shape (C,)
    """
    N, C, H, W = dout.shape
    dx, dgamma, dbeta = batchnorm_backward_alt(dout.transpose(0, 2, 3, 1).reshape(-1, C), cache)
    return dx.reshape(N, H, W, C).transpose(0, 3, 1, 2), dgamma, dbeta


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    """
    Forward pass for spatial group normalization.

    In contrast to layer normalization, group normalization splits each entry in the data into G contiguous
    pieces (channels 0 .. C/G - 1 form the first group, and so on), which it then normalizes independently.
    Per-channel scaling and shifting are then applied to the data, in a manner identical to batch normalization
    and layer normalization.

    Inputs:
    - x: Input data of shape (N, C, H, W)
    - gamma: Scale parameter, of shape (1, C, 1, 1) (the notebooks' shape; (C,) is accepted too)
    - beta: Shift parameter, of the same shape as gamma
    - G: Integer number of groups to split into, should be a divisor of C
    - gn_param: Dictionary with the following keys:
      - eps: Constant for numeric stability (default 1e-5)

    Returns a tuple of:
    - out: Output data, of shape (N, C, H, W)
    - cache: Values needed for the backward pass
    """
    eps = gn_param.get("eps", 1e-5)
    N, C, H, W = x.shape
    x_hat, std = _normalize(x.reshape(N, G, -1), axis=2, eps=eps)
    x_hat = x_hat.reshape(N, C, H, W)
    out = gamma.reshape(1, C, 1, 1) * x_hat + beta.reshape(1, C, 1, 1)
    return out, (x_hat, std, gamma, G)


def spatial_groupnorm_backward(dout, cache):
    """
    Backward pass for spatial group normalization.

    Inputs:
    - dout: Upstream derivatives, of shape (N, C, H, W)
    - cache: Values from the forward pass

    Returns a tuple of:
    - dx: Gradient with respect to inputs, of shape (N, C, H, W)
    - dgamma: Gradient with respect to scale parameter, of the shape of gamma ((1, C, 1, 1) or (C,))
    - dbeta: Gradient with respect to shift parameter, of the shape of gamma
    """
    x_hat, std, gamma, G = cache
    N, C, H, W = dout.shape
    dgamma = (dout * x_hat).sum(axis=(0, 2, 3)).reshape(gamma.shape)
    dbeta = dout.sum(axis=(0, 2, 3)).reshape(gamma.shape)
    dx_hat = (dout * gamma.reshape(1, C, 1, 1)).reshape(N, G, -1)
    dx = _normalize_backward(dx_hat, x_hat.reshape(N, G, -1), std, axis=2)
    return dx.reshape(N, C, H, W), dgamma, dbeta
