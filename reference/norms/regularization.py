"""L1 and elastic-net regularization: the penalty lambda * R(W) added to a loss, and its gradient.

    L1:           R(W) = sum_k sum_l |W_kl|
    elastic net:  R(W) = sum_k sum_l beta * W_kl^2 + |W_kl|      (L1 + L2)

|w| has no derivative at w = 0: any value in [-1, 1] is a subgradient there (np.sign's 0 is the usual choice,
and torch's).
"""
import numpy as np


def l1_regularization(W, reg):
    """
    The L1 penalty and its (sub)gradient.

    Inputs:
    - W: Weights, a numpy array of any shape
    - reg: the regularization strength lambda (>= 0)

    Returns a tuple of:
    - loss: reg * sum(|W|), a float
    - dW: its gradient, of W's shape: reg * sign(W) where W != 0; where W == 0 any value in [-reg, reg]
      (a subgradient) is right
    """
    return float(reg * np.sum(np.abs(W))), reg * np.sign(W)


def elastic_net_regularization(W, reg, beta):
    """
    The elastic-net penalty (L1 + L2) and its (sub)gradient.

    Inputs:
    - W: Weights, a numpy array of any shape
    - reg: the regularization strength lambda (>= 0)
    - beta: the weight of the L2 term (>= 0)

    Returns a tuple of:
    - loss: reg * sum(beta * W**2 + |W|), a float
    - dW: its gradient, of W's shape: reg * (2 * beta * W + sign(W)) where W != 0; where W == 0 any value in
      [-reg, reg] is right
    """
    loss = reg * np.sum(beta * W * W + np.abs(W))
    return float(loss), reg * (2 * beta * W + np.sign(W))
