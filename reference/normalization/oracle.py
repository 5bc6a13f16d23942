"""torch oracles of the normalization layers, with CS231n's signatures: forward -> (out, cache), and one
`backward(dout, cache) -> (dx, dgamma, dbeta)` for all of them (torch autograd).

The grader uses them in the trusted parent to check a student's layers against an independent implementation
(torch.nn.functional.batch_norm, layer_norm, group_norm), next to the check against the NumPy reference.
Everything runs in float64, on CUDA when torch.cuda.is_available() and on the CPU otherwise, on one CPU thread
(see reference/conv_pool/oracle.py); results come back as NumPy arrays.

Where torch's conventions differ from CS231n's, the oracle maps them:
- momentum: torch's running = (1 - m) * running + m * sample, CS231n's running = m * running + (1 - m) * sample:
  torch is called with momentum 1 - m.
- running variance: torch tracks the UNBIASED batch variance (it normalizes with the biased one, as CS231n),
  CS231n the biased one throughout; the oracle converts torch's update back (factor (M - 1) / M, M the number
  of entries per feature). torch refuses training-mode batch norm with one entry per feature (M = 1).
- group norm's gamma and beta may have shape (C,) or (1, C, 1, 1) (CS231n's notebooks): dgamma and dbeta come
  back in the shape given.
"""
import numpy as np
import torch
import torch.nn.functional as tF

from reference.conv_pool.oracle import _single_threaded, device


def _tensor(a, grad=True):
    return torch.tensor(np.asarray(a, dtype=np.float64), device=device(), requires_grad=grad)


def _numpy(t):
    return t.detach().cpu().numpy()


def _batch_norm(x, gamma, beta, bn_param):
    """torch's batch norm of x (N, C, ...) with CS231n's bn_param; running statistics written back into bn_param."""
    C = x.shape[1]
    momentum, eps = bn_param.get("momentum", 0.9), bn_param.get("eps", 1e-5)
    mean0 = np.asarray(bn_param.get("running_mean", np.zeros(C)), dtype=np.float64).reshape(C)
    var0 = np.asarray(bn_param.get("running_var", np.zeros(C)), dtype=np.float64).reshape(C)
    running_mean, running_var = _tensor(mean0, False), _tensor(var0, False)
    tx, tg, tb = _tensor(x), _tensor(gamma), _tensor(beta)
    training = bn_param["mode"] == "train"
    out = tF.batch_norm(tx, running_mean, running_var, tg, tb, training=training, momentum=1 - momentum, eps=eps)
    if training:
        M = x.size // C
        unbiased_update = _numpy(running_var) - momentum * var0          # (1 - m) * unbiased variance
        bn_param["running_var"] = momentum * var0 + unbiased_update * (M - 1) / M
        bn_param["running_mean"] = _numpy(running_mean)
    return out, (tx, tg, tb)


@_single_threaded
def batchnorm_forward(x, gamma, beta, bn_param):
    """torch.nn.functional.batch_norm on x (N, D) with gamma and beta (D,), or on x (N, C, H, W) with gamma and
    beta (C,) (spatial batch norm: torch normalizes each channel over N, H and W). Returns (out, cache)."""
    out, inputs = _batch_norm(x, gamma, beta, bn_param)
    return _numpy(out), (inputs, out)


spatial_batchnorm_forward = batchnorm_forward


@_single_threaded
def layernorm_forward(x, gamma, beta, ln_param):
    """torch.nn.functional.layer_norm over the D features of each sample of x (N, D). Returns (out, cache)."""
    tx, tg, tb = _tensor(x), _tensor(gamma), _tensor(beta)
    out = tF.layer_norm(tx, (x.shape[1],), tg, tb, eps=ln_param.get("eps", 1e-5))
    return _numpy(out), ((tx, tg, tb), out)


@_single_threaded
def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    """torch.nn.functional.group_norm with G groups on x (N, C, H, W); gamma and beta (C,) or (1, C, 1, 1)."""
    C = x.shape[1]
    tx, tg, tb = _tensor(x), _tensor(gamma), _tensor(beta)
    out = tF.group_norm(tx, G, tg.reshape(C), tb.reshape(C), eps=gn_param.get("eps", 1e-5))
    return _numpy(out), ((tx, tg, tb), out)


@_single_threaded
def backward(dout, cache):
    """(dx, dgamma, dbeta) for the forward that made `cache`, by torch autograd."""
    inputs, out = cache
    grads = torch.autograd.grad(out, inputs, torch.tensor(np.asarray(dout, dtype=np.float64), device=device()))
    return tuple(_numpy(g) for g in grads)
