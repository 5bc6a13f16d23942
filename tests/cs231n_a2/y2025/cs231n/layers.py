from builtins import range
import numpy as np


def affine_forward(x, w, b):
    """Computes the forward pass for an affine (fully connected) layer.

    Returns a tuple of:
    - out: output, of shape (N, M)
    - cache: (x, w, b)
    """
    out = None
    ###########################################################################
    # TODO: Copy over your solution from Assignment 1.                        #
    ###########################################################################
    out = np.matmul(x.reshape(x.shape[0], np.prod(x.shape[1:])), w) + b
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    x, w, b = cache
    dx, dw, db = None, None, None
    ###########################################################################
    # TODO: Copy over your solution from Assignment 1.                        #
    ###########################################################################
    x2 = x.reshape(x.shape[0], -1)
    dx = np.matmul(dout, w.T).reshape(x.shape)
    dw = np.matmul(x2.T, dout)
    db = np.sum(dout, axis=0)
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return dx, dw, db


def relu_forward(x):
    out = None
    out = np.clip(x, 0, None)
    cache = x
    return out, cache


def relu_backward(dout, cache):
    dx, x = None, cache
    dx = dout * (x > 0).astype(dout.dtype)
    return dx


def softmax_loss(x, y):
    """Computes the loss and gradient for softmax classification.

    Returns a tuple of:
    - loss: Scalar giving the loss
    - dx: Gradient of the loss with respect to x
    """
    loss, dx = None, None
    ###########################################################################
    # TODO: Copy over your solution from Assignment 1.                        #
    ###########################################################################
    num_train = x.shape[0]
    logits = x - np.max(x, axis=1, keepdims=True)
    log_sum = np.log(np.sum(np.exp(logits), axis=1))
    loss = np.sum(log_sum - logits[np.arange(num_train), y]) / num_train
    dx = np.exp(logits - log_sum[:, None])
    dx[np.arange(num_train), y] -= 1
    dx /= num_train
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    return loss, dx


def batchnorm_forward(x, gamma, beta, bn_param):
    """Forward pass for batch normalization."""
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)

    N, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))

    out, cache = None, None
    if mode == "train":
        mu = x.sum(axis=0) / N
        xc = x - mu
        var = (xc ** 2).sum(axis=0) / N
        sigma = np.sqrt(var + eps)
        z = xc / sigma
        out = gamma * z + beta
        running_mean = momentum * running_mean + (1 - momentum) * mu
        running_var = momentum * running_var + (1 - momentum) * var
        cache = (xc, sigma, z, gamma, N)
    elif mode == "test":
        z = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * z + beta
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    # Store the updated running means back into bn_param
    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var

    return out, cache


def batchnorm_backward(dout, cache):
    dx, dgamma, dbeta = None, None, None
    xc, sigma, z, gamma, N = cache
    dbeta = dout.sum(axis=0)
    dgamma = (dout * z).sum(axis=0)
    dz = dout * gamma
    dsigma = -(dz * xc).sum(axis=0) / sigma ** 2
    dvar = dsigma / (2 * sigma)
    dxc = dz / sigma + dvar * 2 * xc / N
    dmu = -dxc.sum(axis=0)
    dx = dxc + dmu / N
    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    dx, dgamma, dbeta = None, None, None
    xc, sigma, z, gamma, N = cache
    dbeta = dout.sum(axis=0)
    dgamma = (dout * z).sum(axis=0)
    dx = gamma / (N * sigma) * (N * dout - dbeta - z * dgamma)
    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, ln_param):
    """Forward pass for layer normalization."""
    out, cache = None, None
    eps = ln_param.get("eps", 1e-5)
    D = x.shape[1]
    mu = x.sum(axis=1, keepdims=True) / D
    xc = x - mu
    sigma = np.sqrt((xc ** 2).sum(axis=1, keepdims=True) / D + eps)
    z = xc / sigma
    out = gamma * z + beta
    cache = (z, sigma, gamma, D)
    return out, cache


def layernorm_backward(dout, cache):
    dx, dgamma, dbeta = None, None, None
    z, sigma, gamma, D = cache
    dbeta = dout.sum(axis=0)
    dgamma = (dout * z).sum(axis=0)
    dz = dout * gamma
    dx = (D * dz - dz.sum(axis=1, keepdims=True) - z * (dz * z).sum(axis=1, keepdims=True)) / (D * sigma)
    return dx, dgamma, dbeta


def dropout_forward(x, dropout_param):
    """
    Performs the forward pass for (inverted) dropout.

    - p: Dropout parameter. We keep each neuron output with probability p.
    """
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])

    mask = None
    out = None

    if mode == "train":
        mask = (np.random.rand(*x.shape) < p).astype(x.dtype) / p
        out = x * mask
    elif mode == "test":
        out = x

    cache = (dropout_param, mask)
    out = out.astype(x.dtype, copy=False)

    return out, cache


def dropout_backward(dout, cache):
    dropout_param, mask = cache
    mode = dropout_param["mode"]

    dx = None
    if mode == "train":
        dx = mask * dout
    elif mode == "test":
        dx = dout
    return dx


def conv_forward_naive(x, w, b, conv_param):
    """A naive implementation of the forward pass for a convolutional layer."""
    out = None
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    stride, pad = conv_param["stride"], conv_param["pad"]
    H1 = 1 + (H + 2 * pad - HH) // stride
    W1 = 1 + (W + 2 * pad - WW) // stride
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((N, F, H1, W1))
    for n in range(N):
        for f in range(F):
            for r in range(H1):
                for c in range(W1):
                    r0, c0 = r * stride, c * stride
                    out[n, f, r, c] = (xp[n, :, r0:r0 + HH, c0:c0 + WW] * w[f]).sum() + b[f]
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    dx, dw, db = None, None, None
    x, w, b, conv_param = cache
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    stride, pad = conv_param["stride"], conv_param["pad"]
    _, _, H1, W1 = dout.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    db = np.zeros_like(b)
    for n in range(N):
        for f in range(F):
            db[f] += dout[n, f].sum()
            for r in range(H1):
                for c in range(W1):
                    r0, c0 = r * stride, c * stride
                    dw[f] += dout[n, f, r, c] * xp[n, :, r0:r0 + HH, c0:c0 + WW]
                    dxp[n, :, r0:r0 + HH, c0:c0 + WW] += dout[n, f, r, c] * w[f]
    dx = dxp[:, :, pad:pad + H, pad:pad + W]
    return dx, dw, db


def max_pool_forward_naive(x, pool_param):
    out = None
    N, C, H, W = x.shape
    PH, PW, S = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    H1, W1 = 1 + (H - PH) // S, 1 + (W - PW) // S
    out = np.zeros((N, C, H1, W1))
    for r in range(H1):
        for c in range(W1):
            out[:, :, r, c] = np.amax(x[:, :, r * S:r * S + PH, c * S:c * S + PW], axis=(-1, -2))
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    dx = None
    x, pool_param = cache
    N, C, H, W = x.shape
    PH, PW, S = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    _, _, H1, W1 = dout.shape
    dx = np.zeros_like(x)
    for n in range(N):
        for ch in range(C):
            for r in range(H1):
                for c in range(W1):
                    patch = x[n, ch, r * S:r * S + PH, c * S:c * S + PW]
                    i, j = np.unravel_index(patch.argmax(), patch.shape)
                    dx[n, ch, r * S + i, c * S + j] += dout[n, ch, r, c]
    return dx


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    out, cache = None, None
    N, C, H, W = x.shape
    x2 = np.transpose(x, (0, 2, 3, 1)).reshape(N * H * W, C)
    out2, cache = batchnorm_forward(x2, gamma, beta, bn_param)
    out = np.transpose(out2.reshape(N, H, W, C), (0, 3, 1, 2))
    return out, cache


def spatial_batchnorm_backward(dout, cache):
    dx, dgamma, dbeta = None, None, None
    N, C, H, W = dout.shape
    d2 = np.transpose(dout, (0, 2, 3, 1)).reshape(N * H * W, C)
    dx2, dgamma, dbeta = batchnorm_backward_alt(d2, cache)
    dx = np.transpose(dx2.reshape(N, H, W, C), (0, 3, 1, 2))
    return dx, dgamma, dbeta


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    """Computes the forward pass for spatial group normalization.

    - gamma: Scale parameter, of shape (1, C, 1, 1)
    - beta: Shift parameter, of shape (1, C, 1, 1)
    """
    out, cache = None, None
    eps = gn_param.get("eps", 1e-5)
    N, C, H, W = x.shape
    xg = x.reshape(N, G, -1)
    mu = xg.mean(axis=2, keepdims=True)
    sigma = np.sqrt(xg.var(axis=2, keepdims=True) + eps)
    z = ((xg - mu) / sigma).reshape(N, C, H, W)
    out = gamma * z + beta
    cache = (z, sigma, gamma, G)
    return out, cache


def spatial_groupnorm_backward(dout, cache):
    dx, dgamma, dbeta = None, None, None
    z, sigma, gamma, G = cache
    N, C, H, W = dout.shape
    dbeta = dout.sum(axis=(0, 2, 3), keepdims=True)
    dgamma = (dout * z).sum(axis=(0, 2, 3), keepdims=True)
    dz = (dout * gamma).reshape(N, G, -1)
    zg = z.reshape(N, G, -1)
    M = zg.shape[2]
    dx = (M * dz - dz.sum(axis=2, keepdims=True) - zg * (dz * zg).sum(axis=2, keepdims=True)) / (M * sigma)
    dx = dx.reshape(N, C, H, W)
    return dx, dgamma, dbeta
