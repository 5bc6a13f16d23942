"""The classic mistakes of the normalization layers, as values: what a wrong solution returns on given inputs.

The grader compares a wrong answer with these to name the mistake (grader/suites/normalization.py,
`mistake_hints`). They live on the grading side, never in the student kit: each is a layer with one thing
changed. `variants(kind, layer, inputs)` yields (name, value) for kind "train" (out in train mode), "test"
(out in test mode, batch norm) and "backward" ((dx, dgamma, dbeta)); `layer` is one of the suite's LAYERS and
`inputs` a case of it (x, gamma, beta, dout, param, running_mean, running_var, G).
"""
import numpy as np

from grader.suites.normalization import channel_shape, rows


def _unrows(grouping, r, shape, G):
    """The inverse of rows(): a (groups, entries) array back in x's shape."""
    index = rows(grouping, np.arange(int(np.prod(shape))).reshape(shape), G)
    flat = np.empty(index.size)
    flat[index.ravel()] = r.ravel()
    return flat.reshape(shape)


def _normalized(x, grouping, G, eps, ddof=0, denominator="inside"):
    """x normalized over `grouping`, with one of the mistakes: ddof=1, or the denominator sqrt(var) + eps
    ("outside"), sqrt(var) ("none") or var + eps ("variance") instead of sqrt(var + eps) ("inside")."""
    r = rows(grouping, x, G)
    with np.errstate(divide="ignore", invalid="ignore"):
        var = r.var(axis=1, ddof=ddof, keepdims=True)
        den = {"inside": np.sqrt(var + eps), "outside": np.sqrt(var) + eps, "none": np.sqrt(var),
               "variance": var + eps}[denominator]
        return _unrows(grouping, (r - r.mean(axis=1, keepdims=True)) / den, x.shape, G)


def variants(kind, layer, i):
    x, G, eps = i["x"], i.get("G"), i["param"].get("eps", 1e-5)
    shape = channel_shape(layer, x)
    gamma, beta = i["gamma"].reshape(shape), i["beta"].reshape(shape)
    if kind == "train":
        for name, options in (("unbiased", {"ddof": 1}), ("eps_outside", {"denominator": "outside"}),
                              ("no_eps", {"denominator": "none"}), ("variance", {"denominator": "variance"})):
            yield name, gamma * _normalized(x, layer.grouping, G, eps, **options) + beta
        x_hat = _normalized(x, layer.grouping, G, eps)
        yield "swapped", beta * x_hat + gamma
        for grouping in layer.wrong:
            try:
                yield grouping, gamma * _normalized(x, grouping, G, eps) + beta
            except ValueError:        # a grouping these shapes do not allow
                continue
    elif kind == "test":
        mean, var = i["running_mean"].reshape(shape), i["running_var"].reshape(shape)
        yield "batch_statistics", gamma * _normalized(x, layer.grouping, G, eps) + beta
        yield "eps_outside", gamma * (x - mean) / (np.sqrt(var) + eps) + beta
        yield "variance", gamma * (x - mean) / (var + eps) + beta
    else:
        yield from _backward_variants(layer, i, gamma)


def _backward_variants(layer, i, gamma):
    x, dout, G, eps = i["x"], i["dout"], i.get("G"), i["param"].get("eps", 1e-5)
    axes = (0,) if x.ndim == 2 else (0, 2, 3)
    x_hat = _normalized(x, layer.grouping, G, eps)
    dgamma = (dout * x_hat).sum(axis=axes).reshape(i["gamma"].shape)
    dbeta = dout.sum(axis=axes).reshape(i["gamma"].shape)
    xh = rows(layer.grouping, x_hat, G)
    std = np.sqrt(rows(layer.grouping, x, G).var(axis=1, keepdims=True) + eps)

    def dx(upstream, mean_term=True, var_term=True):
        g = rows(layer.grouping, upstream, G)
        r = g - (g.mean(axis=1, keepdims=True) if mean_term else 0) \
            - (xh * (g * xh).mean(axis=1, keepdims=True) if var_term else 0)
        return _unrows(layer.grouping, r / std, x.shape, G)

    dx_hat = dout * gamma
    yield "no_mean_terms", (dx(dx_hat, False, False), dgamma, dbeta)
    yield "no_dmean", (dx(dx_hat, mean_term=False), dgamma, dbeta)
    yield "no_dvar", (dx(dx_hat, var_term=False), dgamma, dbeta)
    yield "no_gamma", (dx(dout), dgamma, dbeta)
    yield "dgamma_raw_x", (dx(dx_hat), (dout * x).sum(axis=axes).reshape(i["gamma"].shape), dbeta)
