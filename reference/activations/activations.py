"""Activation functions and their gradients, as CS231n layers: forward(x, ...) -> (out, cache),
backward(dout, cache) -> gradients. The lecture's formulas:

    sigmoid(x) = 1 / (1 + e^-x)          sigmoid'(x) = sigmoid(x) (1 - sigmoid(x))
    tanh(x)                              tanh'(x) = 1 - tanh(x)^2
    Leaky ReLU: max(alpha x, x)          (alpha = 0.01 on the lecture's slide; 0.1 on an earlier one)
    PReLU: max(alpha x, x) with alpha learned (one alpha per channel, or one for all)
    ELU: x if x > 0, else alpha (e^x - 1)
    Maxout: max(w1^T x + b1, w2^T x + b2)  (k linear pieces: k times the parameters of one layer)
"""
import numpy as np


def sigmoid_forward(x):
    """
    Computes the forward pass of the logistic sigmoid, elementwise.

    Input:
    - x: Inputs, of any shape

    Returns a tuple of:
    - out: sigmoid(x) = 1 / (1 + exp(-x)), of the same shape as x (finite for every finite x)
    - cache: whatever the backward pass needs
    """
    # exp of a negative number only: no overflow for large |x|
    z = np.exp(-np.abs(x))
    out = np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))
    return out, out


def sigmoid_backward(dout, cache):
    """
    Computes the backward pass of the sigmoid.

    Input:
    - dout: Upstream derivatives, of any shape
    - cache: from sigmoid_forward

    Returns:
    - dx: Gradient with respect to x: dout * sigmoid(x) * (1 - sigmoid(x))
    """
    out = cache
    return dout * out * (1.0 - out)


def sigmoid_neuron(w, x):
    """
    The lecture's sigmoid neuron f(w, x) = 1 / (1 + exp(-(w0 x0 + w1 x1 + ... + w_D))): the last weight is the
    bias. Forward and backward in one.

    Inputs:
    - w: Weights, array of shape (D + 1,); w[D] is the bias
    - x: Input, array of shape (D,)

    Returns a tuple of:
    - f: the output, a float
    - dw: df/dw, array of shape (D + 1,)
    - dx: df/dx, array of shape (D,)
    """
    s = float(np.dot(w[:-1], x) + w[-1])
    f = float(sigmoid_forward(np.array(s))[0])
    local = f * (1.0 - f)
    dw = np.append(x, 1.0) * local
    dx = w[:-1] * local
    return f, dw, dx


def tanh_forward(x):
    """
    Computes the forward pass of the hyperbolic tangent, elementwise.

    Input:
    - x: Inputs, of any shape

    Returns a tuple of:
    - out: tanh(x), of the same shape as x
    - cache: whatever the backward pass needs
    """
    out = np.tanh(x)
    return out, out


def tanh_backward(dout, cache):
    """
    Computes the backward pass of tanh.

    Input:
    - dout: Upstream derivatives, of any shape
    - cache: from tanh_forward

    Returns:
    - dx: Gradient with respect to x: dout * (1 - tanh(x)^2)
    """
    out = cache
    return dout * (1.0 - out ** 2)


def leaky_relu_forward(x, alpha=0.01):
    """
    Computes the forward pass of the Leaky ReLU max(alpha * x, x), elementwise (0 < alpha < 1).

    Inputs:
    - x: Inputs, of any shape
    - alpha: the slope for x < 0

    Returns a tuple of:
    - out: Output, of the same shape as x
    - cache: whatever the backward pass needs
    """
    out = np.where(x > 0, x, alpha * x)
    return out, (x, alpha)


def leaky_relu_backward(dout, cache):
    """
    Computes the backward pass of the Leaky ReLU. Use the slope alpha where x == 0 (as torch does).

    Input:
    - dout: Upstream derivatives, of any shape
    - cache: from leaky_relu_forward

    Returns:
    - dx: Gradient with respect to x
    """
    x, alpha = cache
    return np.where(x > 0, dout, alpha * dout)


def prelu_forward(x, alpha):
    """
    Computes the forward pass of the Parametric ReLU: max(alpha * x, x) with a learned slope alpha.
    As torch.nn.PReLU: alpha has shape (1,) (one slope for every unit) or (C,) (one per channel, where the
    channels are axis 1 of x).

    Inputs:
    - x: Inputs, of shape (N, C) or (N, C, ...)
    - alpha: Slopes, of shape (1,) or (C,)

    Returns a tuple of:
    - out: Output, of the same shape as x
    - cache: whatever the backward pass needs
    """
    a = alpha.reshape((1, -1) + (1,) * (x.ndim - 2))
    out = np.where(x > 0, x, a * x)
    return out, (x, alpha)


def prelu_backward(dout, cache):
    """
    Computes the backward pass of the PReLU. Use the slope alpha where x == 0 (as torch does).

    Input:
    - dout: Upstream derivatives, of the shape of x
    - cache: from prelu_forward

    Returns a tuple of:
    - dx: Gradient with respect to x, of the shape of x
    - dalpha: Gradient with respect to alpha, of the shape of alpha (summed over every unit the slope is used by)
    """
    x, alpha = cache
    a = alpha.reshape((1, -1) + (1,) * (x.ndim - 2))
    dx = np.where(x > 0, dout, a * dout)
    per_unit = np.where(x > 0, 0.0, x * dout)
    axes = tuple(i for i in range(x.ndim) if i != 1) if alpha.size > 1 else None
    dalpha = np.sum(per_unit, axis=axes).reshape(alpha.shape)
    return dx, dalpha


def elu_forward(x, alpha=1.0):
    """
    Computes the forward pass of the ELU, elementwise: x where x > 0, alpha * (exp(x) - 1) where x <= 0.

    Inputs:
    - x: Inputs, of any shape
    - alpha: the ELU's alpha (> 0)

    Returns a tuple of:
    - out: Output, of the same shape as x (finite for every finite x)
    - cache: whatever the backward pass needs
    """
    out = np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))
    return out, (x, alpha)


def elu_backward(dout, cache):
    """
    Computes the backward pass of the ELU: dout where x > 0, dout * alpha * exp(x) where x <= 0.

    Input:
    - dout: Upstream derivatives, of any shape
    - cache: from elu_forward

    Returns:
    - dx: Gradient with respect to x
    """
    x, alpha = cache
    return np.where(x > 0, dout, dout * alpha * np.exp(np.minimum(x, 0.0)))


def maxout_forward(x, w, b):
    """
    Computes the forward pass of a Maxout layer with k linear pieces: out[n, h] = max over j of
    (x[n] @ w[j] + b[j])[h]. The lecture's Maxout is k = 2: max(w1^T x + b1, w2^T x + b2).

    Inputs:
    - x: Inputs, of shape (N, D)
    - w: Weights, of shape (k, D, H)
    - b: Biases, of shape (k, H)

    Returns a tuple of:
    - out: Output, of shape (N, H)
    - cache: whatever the backward pass needs
    """
    pieces = np.einsum("nd,kdh->knh", x, w) + b[:, None, :]
    winner = np.argmax(pieces, axis=0)
    out = np.take_along_axis(pieces, winner[None], axis=0)[0]
    return out, (x, w, winner)


def maxout_backward(dout, cache):
    """
    Computes the backward pass of a Maxout layer: each output's gradient goes to the piece that won
    (the first one on a tie).

    Input:
    - dout: Upstream derivatives, of shape (N, H)
    - cache: from maxout_forward

    Returns a tuple of:
    - dx: Gradient with respect to x, of shape (N, D)
    - dw: Gradient with respect to w, of shape (k, D, H)
    - db: Gradient with respect to b, of shape (k, H)
    """
    x, w, winner = cache
    k = w.shape[0]
    routed = (winner[None] == np.arange(k)[:, None, None]) * dout[None]     # (k, N, H)
    dx = np.einsum("knh,kdh->nd", routed, w)
    dw = np.einsum("nd,knh->kdh", x, routed)
    db = routed.sum(axis=1)
    return dx, dw, db


def maxout_num_params(D, H, k=2):
    """
    The number of parameters (weights and biases) of a Maxout layer with k pieces from D inputs to H
    outputs. (A ReLU layer of the same size has D * H + H.)
    """
    return k * (D * H + H)
