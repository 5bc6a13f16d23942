"""Checks of the normalization layers of CS231n's assignment 2 (`layers.py`): batch normalization with its
running statistics and its simplified backward, layer normalization, spatial batch normalization and spatial
group normalization. Every forward is (x, gamma, beta, [G,] param) -> (out, cache), every backward
(dout, cache) -> (dx, dgamma, dbeta); caches are opaque.

Decisions (also in assignments/normalization/README.md):
- Four kinds of evidence per layer: values against the NumPy reference (public and hidden cases), values and
  gradients against torch (`F.batch_norm`, `F.layer_norm`, `F.group_norm`, the oracle in
  reference/normalization/oracle.py, computed in this trusted process), the backward against centred
  differences of the student's OWN forward, and properties of the student's code alone: the entries a layer
  normalizes together have mean 0 and variance 1 (gamma = 1, beta = 0) and out is gamma·that + beta; the
  running statistics follow the docstring's update; test mode uses them and no batch statistic; dx sums to 0
  over every normalized group and is orthogonal to x − mean there, and the gradients do not change when a
  constant is added to x (shift invariance) and shrink by a when x is scaled by a (scale invariance).
- A wrong answer is explained where possible: the properties name the axes the output IS normalized over
  (they read the student's output only, so they work in the student kit too); the value checks compare a
  wrong output with the classic mistakes (unbiased variance, eps outside the square root, the variance instead
  of the standard deviation, gamma and beta swapped, the wrong axes, test mode on batch statistics, missing
  terms of dx), which are computed on the grading side only (reference/normalization/mistakes.py): the kit
  computes no layer.
- Running statistics may come back with shape (D,) or keepdims shapes ((1, D); (1, C, 1, 1)): CS231n's
  FullyConnectedNet and its notebooks work with both.
- Group norm's gamma and beta are (C,) in the 2018–20 docstrings and (1, C, 1, 1) from 2021, and the notebooks
  pass (1, C, 1, 1) in every year: the checks pass (1, C, 1, 1), which every year's working code handles (a
  (C,)-only solution fails the notebook), and dgamma/dbeta must come back in that shape. The reference accepts
  both shapes and returns gamma's. The forward tests pass {'mode': 'train'} as gn_param, as the notebook does.
- batchnorm_backward_alt must take batchnorm_forward's cache and must not call batchnorm_backward (static).
  Its speed check asks for at least MIN_ALT_RATIO (0.5) of the staged version's speed, not for the notebook's
  1.2–2× speed-up: a lean staged version can be as fast as the simplified one, so only a slower alt fails. On
  N = 64, D = 1024 the reference's alt is 1.3× faster than its staged version (0.6 vs 0.8 ms) and an alt that
  loops over the 1024 features in Python 20× slower (ratio 0.05): a factor of 2.6 on the right side and 10 on
  the wrong one, margins a loaded machine does not close (each version's best time counts, and a failing ratio
  is measured again).
- SINCE says from which CS231n year each function exists (layer and group norm: 2018), for the course
  profiles of each year.
"""
from dataclasses import dataclass

import numpy as np
from ..checks import strategies as st

from ..checks.cases import Cases
from ..checks.compare import Compare
from ..checks.gradient import Gradient
from ..checks.prop import Property
from ..checks.speed import Speed
from ..checks.static import ForbidImports, NoCallsTo, Static
from ..checks.validate import Fail, check_value, describe
from ..sandbox.plan import Ref
from ..spec import HIDDEN, Assignment

BN_F, BN_B, BN_ALT = "batchnorm_forward", "batchnorm_backward", "batchnorm_backward_alt"
LN_F, LN_B = "layernorm_forward", "layernorm_backward"
SBN_F, SBN_B = "spatial_batchnorm_forward", "spatial_batchnorm_backward"
GN_F, GN_B = "spatial_groupnorm_forward", "spatial_groupnorm_backward"

SINCE = {BN_F: 2016, BN_B: 2016, BN_ALT: 2016, SBN_F: 2016, SBN_B: 2016,   # the CS231n year each function
         LN_F: 2018, LN_B: 2018, GN_F: 2018, GN_B: 2018}                   # first appears in layers.py

MIN_ALT_RATIO = 0.5
STAT_TOL = 1e-3         # |variance − 1| of a normalized group (checks pass eps = 1e-10; a hard-coded 1e-5 moves it
                        # by eps / var <= 2e-4 for the groups tested, those with var >= MIN_VAR)
MIN_VAR = 0.05          # groups of x with a smaller variance are left out of the variance test


@dataclass(frozen=True)
class Layer:
    name: str            # "batchnorm": check names start with it
    forward: str
    backward: str
    grouping: str        # the entries normalized together (see rows())
    wrong: tuple         # groupings a wrong solution normalizes over instead
    running: bool        # keeps running statistics in bn_param (train/test modes)
    spatial: bool        # x is (N, C, H, W)
    what: str            # the groups, in words


BATCHNORM = Layer("batchnorm", BN_F, BN_B, "feature", ("sample",), True, False, "each feature over the batch")
LAYERNORM = Layer("layernorm", LN_F, LN_B, "sample", ("feature",), False, False, "each sample over its features")
SPATIAL_BN = Layer("spatial_batchnorm", SBN_F, SBN_B, "channel", ("reshape", "position", "instance", "sample"),
                   True, True, "each channel over the batch and every position")
GROUPNORM = Layer("spatial_groupnorm", GN_F, GN_B, "group", ("interleaved", "instance", "batch_group", "sample"),
                  False, True, "each (sample, group of C/G consecutive channels)")
LAYERS = (BATCHNORM, LAYERNORM, SPATIAL_BN, GROUPNORM)


def oracle():
    """The torch oracle, imported on first use (torch takes a second or more to import)."""
    from reference.normalization import oracle as module
    return module


def mistakes():
    """The classic mistakes, computed on the grading side (not in the student kit: there, no hint)."""
    from reference.normalization import mistakes as module
    return module


# ---------------------------------------------------------------- which entries are normalized together

def rows(grouping, a, G=None):
    """`a` (shaped like x) as a 2-D array with one row per set of entries that `grouping` normalizes together."""
    N = a.shape[0]
    if grouping == "feature":                 # (N, D): each column over the batch
        return a.T
    if grouping == "sample":                  # each sample over all its entries
        return a.reshape(N, -1)
    C = a.shape[1]
    return {"channel": lambda: np.moveaxis(a, 1, 0).reshape(C, -1),                  # over N, H, W
            "position": lambda: a.reshape(N, -1).T,                                  # each (c, h, w) over N
            "reshape": lambda: a.reshape(-1, C).T,                                   # x.reshape(-1, C), no transpose
            "instance": lambda: a.reshape(N * C, -1),                                # each (n, c) over H, W
            "group": lambda: a.reshape(N * G, -1),                                   # C/G consecutive channels
            "interleaved": lambda: np.swapaxes(a.reshape(N, C // G, G, -1), 1, 2).reshape(N * G, -1),
            "batch_group": lambda: np.swapaxes(a.reshape(N, G, -1), 0, 1).reshape(G, -1)}[grouping]()


def grouping_hints():
    """What a student normalized over, for each grouping (the messages of the wrong-axes diagnosis)."""
    return {
        "feature": "each feature (column) is normalized over the batch: that is batch normalization; layer "
                   "normalization normalizes each sample (row) over its features (axis=1)",
        "sample": "each sample is normalized over its own entries: that is layer normalization; batch "
                  "normalization normalizes each feature over the batch (axis=0 for (N, D), axes (0, 2, 3) for "
                  "(N, C, H, W))",
        "reshape": "x.reshape(-1, C) mixes the channels: move the channel axis last first "
                   "(x.transpose(0, 2, 3, 1).reshape(-1, C)), and transpose back after",
        "position": "each (channel, position) is normalized over the batch only (x.reshape(N, -1)); spatial batch "
                    "normalization pools each channel over the batch AND every position",
        "instance": "each (sample, channel) is normalized on its own (instance normalization); the statistics "
                    "must be shared by the whole group of channels",
        "interleaved": "the groups are made of every G-th channel: reshape x to (N, G, C // G, H, W), so that a "
                       "group is C // G consecutive channels",
        "batch_group": "the groups are normalized over the whole batch; group normalization normalizes each "
                       "sample on its own (statistics per (sample, group))",
    }


def normalized_over(out, x, layer, G, eps):
    """None when every group of `out` (gamma = 1, beta = 0) has mean 0 and variance var/(var + eps) of the same
    group of x; else a Fail that names the grouping out IS normalized over (or the unbiased variance)."""
    def stats(grouping):
        r, xr = rows(grouping, out, G), rows(grouping, x, G)
        v = xr.var(axis=1)
        return r.mean(axis=1), r.var(axis=1), v / (v + eps), v >= MIN_VAR, r.shape[1]

    mean, var, target, big, M = stats(layer.grouping)
    scale = 1 + np.abs(x).max()
    centred = np.abs(mean).max() <= 1e-7 * scale
    if centred and np.all(np.abs(var - target)[big] <= STAT_TOL):
        return None
    k = int(np.argmax(np.abs(mean) + np.where(big, np.abs(var - target), 0)))
    message = "out (gamma = 1, beta = 0) should be normalized %s: group %d has mean %.6g and variance %.6g, " \
              "expected 0 and %.6g" % (layer.what, k, mean[k], var[k], target[k])
    if centred and M > 1 and np.all(np.abs(var - target * (M - 1) / M)[big] <= STAT_TOL):
        return Fail(message + "\nhint: the variance is (M-1)/M of the expected one (M = %d entries per group): you "
                    "divided by the unbiased (ddof=1) variance; CS231n normalizes with the biased one (np.var's "
                    "default)" % M, "unbiased variance",
                    hint="normalize with the biased variance (np.var(..., ddof=0), CS231n's 'uncorrected' one)")
    for grouping in layer.wrong:
        try:
            m, v, t, b, _ = stats(grouping)
        except ValueError:            # a grouping that does not apply to these shapes
            continue
        if np.abs(m).max() <= 1e-7 * scale and np.all(np.abs(v - t)[b] <= 10 * STAT_TOL):
            hint = grouping_hints()[grouping]
            return Fail(message + "\nhint: " + hint, "normalized over the wrong axes", hint=hint)
    return Fail(message, "not normalized",
                hint="subtract the mean and divide by sqrt(var + eps), both taken over the right axes")


# ---------------------------------------------------------------- inputs

def channel_shape(layer, x):
    """The shape gamma and beta broadcast with: (D,) for (N, D), (1, C, 1, 1) for (N, C, H, W)."""
    return (x.shape[1],) if not layer.spatial else (1, x.shape[1], 1, 1)


def maker(layer):
    """params -> inputs: x (scale·randn + shift), gamma, beta, dout, param, a second batch x2 (running
    statistics), running statistics for test mode, G for group norm."""
    def make(p):
        rs = np.random.RandomState(p["seed"])
        shape = (p["N"], p["D"]) if not layer.spatial else (p["N"], p["C"], p["H"], p["W"])
        if p.get("notebook"):            # CS231n's notebook: a = relu(X W1) W2 after np.random.seed(231)
            X, W1, W2 = rs.randn(p["N"], 50), rs.randn(50, 60), rs.randn(60, p["D"])
            x = np.maximum(0, X.dot(W1)).dot(W2)
        else:
            x = p.get("scale", 5.0) * rs.randn(*shape) + p.get("shift", 12.0)
        C = shape[1]
        gshape = (1, C, 1, 1) if layer is GROUPNORM else (C,)
        gamma, beta = rs.randn(*gshape), rs.randn(*gshape)
        if "gamma_values" in p:
            gamma, beta = np.array(p["gamma_values"], float), np.array(p["beta_values"], float)
        param = {"mode": "train"} if layer.running or layer is GROUPNORM else {}
        param.update({k: p[k] for k in ("momentum", "eps") if p.get(k) is not None})
        inputs = {"x": x, "gamma": gamma, "beta": beta, "dout": rs.randn(*shape), "param": param,
                  "x2": 3.0 * rs.randn(*shape) - 1.0,
                  "running_mean": rs.randn(C), "running_var": rs.uniform(0.5, 2.0, size=C)}
        if p.get("running"):
            param.update(running_mean=inputs["running_mean"], running_var=inputs["running_var"])
        if layer is GROUPNORM:
            inputs["G"] = p["G"]
        return inputs
    return make


def drawn(layer, **fixed):
    """Hypothesis parameters of one layer's cases. Every normalized group has at least 4 entries: with 1 or 2,
    x_hat is constant (0 or ±1) and the gradients are eps-sized noise."""
    common = {"seed": st.integers(0, 2 ** 31 - 1), "scale": st.sampled_from([0.5, 1.0, 3.0]),
              "shift": st.sampled_from([0.0, -2.0, 12.0]),
              "eps": st.sampled_from([None, None, 1e-3]), **fixed}
    if layer.running:
        common.update(momentum=st.sampled_from([None, 0.5, 0.8]), running=st.booleans())
    sizes = {BATCHNORM: {"N": st.integers(4, 8), "D": st.integers(1, 6)},
             LAYERNORM: {"N": st.integers(2, 6), "D": st.integers(4, 8)},
             SPATIAL_BN: {"N": st.integers(2, 3), "C": st.integers(1, 4), "H": st.integers(1, 3),
                          "W": st.integers(2, 3)}}.get(layer)
    if sizes is not None:
        return st.fixed_dictionaries(dict(common, **sizes))
    return st.fixed_dictionaries(dict(common, N=st.integers(1, 3), G=st.integers(1, 3), k=st.integers(1, 3),
                                      H=st.integers(2, 3), W=st.integers(2, 3))).map(
        lambda p: dict({k: v for k, v in p.items() if k != "k"}, C=p["G"] * p["k"]))


NOTEBOOK_BN = {"N": 200, "D": 3, "seed": 231, "notebook": True}     # CS231n's batchnorm forward test
NOTEBOOK_ALT = {"N": 100, "D": 500, "seed": 231}                     # ... and its backward_alt comparison
PUBLIC = {
    BATCHNORM: (NOTEBOOK_BN, dict(NOTEBOOK_BN, gamma_values=[1.0, 2.0, 3.0], beta_values=[11.0, 12.0, 13.0]),
                {"N": 4, "D": 5, "seed": 231}, {"N": 7, "D": 3, "seed": 1, "momentum": 0.5, "eps": 1e-3,
                                                "running": True, "scale": 0.5, "shift": -2.0}),
    LAYERNORM: ({"N": 4, "D": 3, "seed": 231, "notebook": True}, {"N": 4, "D": 5, "seed": 231},
                {"N": 3, "D": 6, "seed": 2, "eps": 1e-3, "scale": 1.0, "shift": 0.0}),
    SPATIAL_BN: ({"N": 2, "C": 3, "H": 4, "W": 5, "seed": 231, "scale": 4.0, "shift": 10.0},
                 {"N": 2, "C": 3, "H": 2, "W": 3, "seed": 3, "momentum": 0.5, "running": True}),
    GROUPNORM: ({"N": 2, "C": 6, "H": 4, "W": 5, "G": 2, "seed": 231, "scale": 4.0, "shift": 10.0},
                {"N": 2, "C": 6, "H": 2, "W": 3, "G": 3, "seed": 4, "eps": 1e-3}),
}


def cases(layer, public=None, hidden=False, **fixed):
    return Cases(maker(layer), () if hidden else PUBLIC[layer] if public is None else public, drawn(layer, **fixed))


# ---------------------------------------------------------------- plans

def forward(plan, layer, i, **over):
    """A call of the layer's forward on the inputs (some replaced by `over`): a Ref to (out, cache)."""
    v = dict(i, **over)
    extra = (v["G"],) if layer is GROUPNORM else ()
    return plan.call(layer.forward, v["x"], v["gamma"], v["beta"], *extra, v["param"])


def backward(plan, layer, i, symbol=None, **over):
    return plan.call(symbol or layer.backward, i["dout"], forward(plan, layer, i, **over)[1])


def test_param(i):
    return dict(i["param"], mode="test", running_mean=i["running_mean"], running_var=i["running_var"])


def eps_of(i):
    return i["param"].get("eps", 1e-5)


def unpack(result, x, symbol):
    """Validate (out, cache) from a forward: out an array of x's shape. Returns out."""
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise Fail("%s should return (out, cache), returned %s" % (symbol, describe(result)), "wrong return value",
                   hint="return out, cache")
    check_value(result[0], np.zeros(x.shape), "out", np.inf)
    return result[0]


def grads_like(grads, i, label="(dx, dgamma, dbeta)"):
    """Validate a backward's (dx, dgamma, dbeta): types, shapes (dgamma/dbeta like the gamma given), finite."""
    check_value(grads, (np.zeros(i["x"].shape), np.zeros(i["gamma"].shape), np.zeros(i["beta"].shape)), label,
                np.inf)
    return grads


# ---------------------------------------------------------------- diagnosis of wrong values

def mistake_hints(kind, layer):
    """inputs -> rules naming the classic mistake a wrong value equals; `kind` is "train", "test" or "backward".
    The mistaken values come from reference/normalization/mistakes.py (grading side only)."""
    messages = {
        "unbiased": "yours normalizes with the unbiased variance (ddof=1); CS231n uses the biased one (np.var's "
                    "default, 'uncorrected')",
        "eps_outside": "eps belongs inside the square root: (x - mean) / np.sqrt(var + eps), not "
                       "/ (np.sqrt(var) + eps)",
        "no_eps": "eps is missing: divide by np.sqrt(var + eps)",
        "variance": "yours divides by the variance; divide by the standard deviation np.sqrt(var + eps)",
        "swapped": "gamma and beta are swapped: out = gamma * x_hat + beta",
        "batch_statistics": "test mode must normalize with bn_param['running_mean'] and bn_param['running_var'], "
                            "not with the batch's own mean and variance",
        "no_mean_terms": "dx is only gamma * dout / std: the terms through the mean and the variance (which depend "
                         "on every sample of the group) are missing",
        "no_dmean": "dx misses the term through the mean (dmean / N for every entry of the group)",
        "no_dvar": "dx misses the term through the variance (dvar * 2 * (x - mean) / N)",
        "no_gamma": "dx forgets gamma: the upstream gradient of x_hat is dout * gamma",
        "dgamma_raw_x": "dgamma is the sum of dout * x; it is the sum of dout * x_hat (the normalized x)",
        **grouping_hints(),
    }

    def hints(i):
        def rule(s, e):
            if type(s) is np.ndarray and s.shape != e.shape and e.shape == i["gamma"].shape and s.size == e.size:
                return "return dgamma and dbeta in the shape of gamma (%s here; CS231n's group norm notebooks pass " \
                       "gamma of shape (1, C, 1, 1))" % (e.shape,)
            if type(s) is not np.ndarray or s.shape != e.shape:
                return None
            for name, values in mistakes().variants(kind, layer, i):
                for v in values if isinstance(values, tuple) else (values,):
                    if v.shape == s.shape and np.allclose(s, v, rtol=1e-7, atol=1e-9) \
                            and not np.allclose(e, v, rtol=1e-7, atol=1e-9):
                        return messages[name]
            return None

        def close(s, e):
            if type(s) is np.ndarray and s.shape == e.shape and np.allclose(s, e, rtol=1e-4, atol=1e-9):
                return "yours is within 1e-4 of the expected values: a small slip such as where eps goes " \
                       "(np.sqrt(var + eps)), an eps other than bn_param's, or a backward that assumes another " \
                       "eps placement than your forward"
            return None
        return [rule, close]
    return hints


# ---------------------------------------------------------------- properties

def normalizes(layer):
    """gamma = 1, beta = 0: every group has mean 0 and variance 1 (train mode, eps = 1e-10; an eps left at 1e-5
    moves the variance by less than STAT_TOL); with gamma and beta given, out = gamma · (that output) + beta."""
    def body(ctx, i):
        x, shape = i["x"], channel_shape(layer, i["x"])
        ones, zeros = np.ones(i["gamma"].shape), np.zeros(i["beta"].shape)
        param = dict(i["param"], eps=1e-10)      # where eps goes is the value checks' business
        plan = ctx.plan()
        plain = forward(plan, layer, i, gamma=ones, beta=zeros, param=dict(param))
        scaled = forward(plan, layer, i, param=dict(param))
        plan.returns(plain, scaled)
        plain, scaled = (unpack(r, x, layer.forward) for r in ctx.run_student(plan))
        if np.allclose(plain, 1.0):
            raise Fail("with gamma = 1 and beta = 0 every entry of out is 1: gamma and beta are swapped",
                       "gamma and beta swapped", hint="gamma and beta are swapped: out = gamma * x_hat + beta")
        fail = normalized_over(plain, x, layer, i.get("G"), 1e-10)
        if fail is not None:
            raise fail
        gamma, beta = i["gamma"].reshape(shape), i["beta"].reshape(shape)
        check_value(scaled, gamma * plain + beta, "out with gamma and beta (vs gamma · your out for gamma = 1, "
                    "beta = 0, + beta)", 1e-7, affine_hints(plain, gamma, beta))
    return body


def affine_hints(plain, gamma, beta):
    """Rules for out(gamma, beta) against gamma · out(1, 0) + beta."""
    def swapped(s, e):
        return "gamma and beta are swapped: out = gamma * x_hat + beta" \
            if np.allclose(s, beta * plain + gamma, rtol=1e-7, atol=1e-9) else None

    def ignored(s, e):
        return "gamma and beta are not applied: out = gamma * x_hat + beta" if np.allclose(s, plain) else None
    return [swapped, ignored]


def squeezed(value, size, label):
    """A running statistic as a (size,) array: keepdims shapes ((1, D), (1, C, 1, 1)) are accepted."""
    if type(value) is np.ndarray and value.shape != (size,) and value.size == size and \
            sum(d != 1 for d in value.shape) <= 1:
        value = value.reshape(size)
    check_value(value, np.zeros(size), label, np.inf)
    return value


def running_stats(layer):
    """Two train-mode calls with one bn_param: after each, running = m·running + (1 − m)·batch statistic (the
    docstring's update, with the biased variance), written back into bn_param."""
    def body(ctx, i):
        x, size = i["x"], i["x"].shape[1]
        m = i["param"].get("momentum", 0.9)
        mean0 = i["param"].get("running_mean", np.zeros(size))
        var0 = i["param"].get("running_var", np.zeros(size))
        for step, batch in enumerate((x, i["x2"])):
            plan = ctx.plan()
            param = plan.let(dict(i["param"]), name="bn_param_running") if step == 0 else Ref("bn_param_running")
            plan.returns(forward(plan, layer, i, x=batch, param=param), param)
            result, after = ctx.run_student(plan)
            unpack(result, batch, layer.forward)
            r = rows(layer.grouping, batch)
            mean, var = r.mean(axis=1), r.var(axis=1)
            what = "after one train-mode call" if step == 0 else "after a second train-mode call"
            if not isinstance(after, dict) or "running_mean" not in after or "running_var" not in after:
                raise Fail("bn_param has no running_mean/running_var %s: the updated running statistics must be "
                           "stored back into bn_param" % what, "running statistics not updated",
                           hint="end with bn_param['running_mean'] = running_mean and bn_param['running_var'] = "
                                "running_var (provided code)")
            got_mean = squeezed(after["running_mean"], size, "bn_param['running_mean'] " + what)
            got_var = squeezed(after["running_var"], size, "bn_param['running_var'] " + what)
            check_running(got_mean, got_var, mean0, var0, mean, var, m, r.shape[1], what)
            mean0, var0 = m * mean0 + (1 - m) * mean, m * var0 + (1 - m) * var
    return body


def check_running(got_mean, got_var, mean0, var0, mean, var, m, M, what):
    want_mean, want_var = m * mean0 + (1 - m) * mean, m * var0 + (1 - m) * var

    def close(a, b):
        return np.allclose(a, b, rtol=1e-7, atol=1e-10)
    if close(got_mean, want_mean) and close(got_var, want_var):
        return
    if close(got_mean, mean0) and close(got_var, var0):
        raise Fail("bn_param's running statistics did not change %s" % what, "running statistics not updated",
                   hint="update running_mean and running_var in train mode and store them back into bn_param")
    reversed_ = (1 - m) * mean0 + m * mean, (1 - m) * var0 + m * var
    if m != 0.5 and close(got_mean, reversed_[0]):
        raise Fail("running_mean is (1 - momentum) * running_mean + momentum * sample_mean %s: the momentum is "
                   "reversed" % what, "momentum reversed",
                   hint="running_mean = momentum * running_mean + (1 - momentum) * sample_mean")
    if not close(got_mean, want_mean):
        hint = "running_mean = momentum * running_mean + (1 - momentum) * sample_mean, with momentum = " \
               "bn_param.get('momentum', 0.9)"
        if m != 0.9 and close(got_mean, 0.9 * mean0 + 0.1 * mean):
            hint = "bn_param['momentum'] is ignored: running_mean = momentum * running_mean + (1 - momentum) * " \
                   "sample_mean, with momentum = bn_param.get('momentum', 0.9)"
        raise Fail("bn_param['running_mean'] %s is wrong: yours %s, expected %s (momentum %g)"
                   % (what, np.array2string(got_mean, precision=6), np.array2string(want_mean, precision=6), m),
                   "wrong running statistics", hint=hint)
    if M > 1 and close(got_var, m * var0 + (1 - m) * var * M / (M - 1)):
        raise Fail("bn_param['running_var'] %s tracks the unbiased variance (ddof=1); CS231n tracks the biased "
                   "one it normalizes with" % what, "unbiased variance",
                   hint="running_var = momentum * running_var + (1 - momentum) * sample_var with the biased variance")
    if m != 0.5 and close(got_var, reversed_[1]):
        raise Fail("running_var is (1 - momentum) * running_var + momentum * sample_var %s: the momentum is "
                   "reversed" % what, "momentum reversed",
                   hint="running_var = momentum * running_var + (1 - momentum) * sample_var")
    hint = "running_var = momentum * running_var + (1 - momentum) * sample_var (the variance, not the std)"
    raise Fail("bn_param['running_var'] %s is wrong: yours %s, expected %s (momentum %g)"
               % (what, np.array2string(got_var, precision=6), np.array2string(want_var, precision=6), m),
               "wrong running statistics", hint=hint)


def test_mode(layer):
    """Test mode: one sample alone gets the same output as in a batch (no batch statistics), the running
    statistics are left alone, and out equals the reference's."""
    def body(ctx, i):
        x, param = i["x"], test_param(i)
        plan = ctx.plan()
        stored = plan.let(param)
        full = forward(plan, layer, i, param=stored)[0]
        alone = forward(plan, layer, i, x=x[:1], param=dict(param))[0]
        plan.returns(full, alone, stored)
        full, alone, after = ctx.run_student(plan)
        check_value(full, np.zeros(x.shape), "test-mode out", np.inf)
        check_value(alone, np.zeros(x[:1].shape), "test-mode out of one sample", np.inf)
        if not np.allclose(alone[0], full[0], rtol=1e-9, atol=1e-12):
            raise Fail("in test mode sample 0 alone gets a different output than in the batch: test mode uses the "
                       "batch's statistics", "test mode uses batch statistics",
                       hint="in test mode normalize with bn_param['running_mean'] and bn_param['running_var']")
        for key in ("running_mean", "running_var"):
            value = after.get(key) if isinstance(after, dict) else None
            if type(value) is not np.ndarray or value.size != param[key].size or \
                    not np.array_equal(value.reshape(-1), param[key]):
                raise Fail("test mode changed bn_param['%s']" % key, "running statistics changed in test mode",
                           hint="update the running statistics in train mode only")
        (expected, _, _) = ctx.run_reference(plan)
        check_value(full, expected, "test-mode out", 1e-7, mistake_hints("test", layer)(i))
    return body


def invariances(layer):
    """dx sums to 0 over every normalized group and is orthogonal to x − mean there; adding a constant to x
    changes no gradient; scaling x by a divides dx by a. Exact for eps = 0: the plans pass eps = 1e-10."""
    shift, scale = 3.0, 2.5

    def body(ctx, i):
        x, G = i["x"], i.get("G")
        param = dict(i["param"], eps=1e-10)      # exact invariances (an eps left at 1e-5 still passes)
        plan = ctx.plan()
        plan.returns(*(backward(plan, layer, i, x=v, param=dict(param)) for v in (x, x + shift, scale * x)))
        base, shifted, scaled = (grads_like(g, i) for g in ctx.run_student(plan))
        dx = rows(layer.grouping, base[0], G)
        xr = rows(layer.grouping, x, G)
        sums, size = dx.sum(axis=1), np.abs(dx).sum(axis=1) + 1e-12
        k = int(np.argmax(np.abs(sums) / size))
        if abs(sums[k]) > 1e-7 * size[k]:
            raise Fail("dx summed over group %d of the entries normalized together is %.6g, expected 0: out does not "
                       "change when a constant is added to such a group, so dx must sum to 0 there"
                       % (k, sums[k]), "missing mean terms",
                       hint="the gradient through the mean is missing or wrong: every entry of a group gets "
                            "-sum(dx_hat) / (N * std) (and the variance's term)")
        centred = xr - xr.mean(axis=1, keepdims=True)
        dots, size = (dx * centred).sum(axis=1), np.abs(dx * centred).sum(axis=1) + 1e-12
        k = int(np.argmax(np.abs(dots) / size))
        if abs(dots[k]) > STAT_TOL * size[k]:
            raise Fail("dx is not orthogonal to x - mean in group %d (sum %.6g): scaling a group of x barely changes "
                       "out, so dx must be (nearly) orthogonal to it" % (k, dots[k]), "missing variance terms",
                       hint="the gradient through the variance is missing or wrong: add dvar * 2 * (x - mean) / N")
        for label, got, tol in (("after adding %g to every entry of x" % shift, shifted, 1e-6),
                                ("(dx times %g) after scaling x by %g" % (scale, scale),
                                 (scale * scaled[0],) + tuple(scaled[1:]), STAT_TOL)):
            for name, g, w in zip(("dx", "dgamma", "dbeta"), got, base):
                if not np.allclose(g, w, rtol=tol, atol=tol * (1e-3 + np.abs(w).max())):
                    raise Fail("%s %s differs from %s for x itself: the gradients of a normalization layer do not "
                               "depend on the mean and scale of x" % (name, label, name), "not invariant",
                               hint="compute the gradients from x_hat and the std (x - mean), never from x itself")
    return body


def layernorm_per_sample(ctx, i):
    """Each sample alone gets the same output as in the batch, and ln_param's mode changes nothing."""
    x = i["x"]
    plan = ctx.plan()
    full = forward(plan, LAYERNORM, i, param={})[0]
    alone = forward(plan, LAYERNORM, i, x=x[1:2], param={})[0]
    test = forward(plan, LAYERNORM, i, param={"mode": "test"})[0]
    plan.returns(full, alone, test)
    full, alone, test = ctx.run_student(plan)
    check_value(full, np.zeros(x.shape), "out", np.inf)
    check_value(alone, np.zeros(x[1:2].shape), "out of sample 1 alone", np.inf)
    if not np.allclose(alone[0], full[1], rtol=1e-9, atol=1e-12):
        raise Fail("sample 1 alone gets a different output than in the batch: layer normalization uses each "
                   "sample's own statistics, never the batch's", "uses batch statistics",
                   hint="take the mean and variance over axis=1 (the features of one sample)")
    check_value(test, full, "out with ln_param = {'mode': 'test'} (vs ln_param = {})", 1e-12)


def vs_torch(layer):
    """out (train, and test for batch norm), the running statistics and (dx, dgamma, dbeta) against torch."""
    def body(ctx, i):
        plan = ctx.plan()
        param = plan.let(dict(i["param"]))
        out = forward(plan, layer, i, param=param)
        refs = [out[0], plan.call(layer.backward, i["dout"], out[1])]
        if layer.running:
            refs += [param, forward(plan, layer, i, param=test_param(i))[0]]
        plan.returns(*refs)
        got = ctx.run_student(plan)
        o = oracle()
        extra = (i["G"],) if layer is GROUPNORM else ()
        torch_param = dict(i["param"])
        expected, cache = getattr(o, layer.forward)(i["x"], i["gamma"], i["beta"], *extra, torch_param)
        name = {"spatial_groupnorm": "group_norm", "layernorm": "layer_norm"}.get(layer.name, "batch_norm")
        check_value(got[0], expected, "out (vs torch.nn.functional.%s)" % name, 1e-8)
        check_value(got[1], o.backward(i["dout"], cache), "(dx, dgamma, dbeta) (vs torch autograd)", 1e-8)
        if layer.running:
            size = i["x"].shape[1]
            for key in ("running_mean", "running_var"):
                value = got[2].get(key) if isinstance(got[2], dict) else None
                check_value(squeezed(value, size, "bn_param['%s']" % key), torch_param[key],
                            "bn_param['%s'] (vs torch, converted to CS231n's momentum and biased variance)" % key,
                            1e-8)
            expected, _ = getattr(o, layer.forward)(i["x"], i["gamma"], i["beta"], test_param(i))
            check_value(got[3], expected, "test-mode out (vs torch.nn.functional.batch_norm, training=False)", 1e-8)
    return body


# ---------------------------------------------------------------- speed of the simplified backward

SPEED_N, SPEED_D = 64, 1024


def speed_inputs(rng):
    return {"x": 5 * rng.standard_normal((SPEED_N, SPEED_D)) + 12, "gamma": rng.standard_normal(SPEED_D),
            "beta": rng.standard_normal(SPEED_D), "dout": rng.standard_normal((SPEED_N, SPEED_D))}


def speed_setup(plan, i):
    plan.call(BN_F, i["x"], i["gamma"], i["beta"], {"mode": "train"}, name="speed_forward")
    plan.let(i["dout"], name="speed_dout")


def speed_call(symbol):
    return lambda plan: plan.call(symbol, Ref("speed_dout"), Ref("speed_forward")[1])


# ---------------------------------------------------------------- the checks

def train_out(layer):
    return lambda plan, i: forward(plan, layer, i)[0]


def grads(layer, symbol=None):
    return lambda plan, i: backward(plan, layer, i, symbol)


def grad_list(layer):
    def build(plan, i):
        g = backward(plan, layer, i)
        return [g[0], g[1], g[2]]
    return build


def hidden_values(layer):
    """out, (dx, dgamma, dbeta) and (batch norm) the test-mode out, in one plan."""
    def build(plan, i):
        refs = (forward(plan, layer, i)[0], backward(plan, layer, i))
        return refs + ((forward(plan, layer, i, param=test_param(i))[0],) if layer.running else ())
    return build


def layer_checks(layer, points):
    """The checks every layer has: values of out and of the gradients (public and hidden), torch, numerical
    gradients, normalized groups, invariances."""
    f, b, n = layer.forward, layer.backward, layer.name
    labels = ("out", "(dx, dgamma, dbeta)") + (("test-mode out",) if layer.running else ())
    return [
        Property(f + ".normalizes", 2, (f,), cases=cases(layer), body=normalizes(layer), examples=4,
                 description="train mode with gamma = 1, beta = 0 normalizes %s (mean 0, variance 1); with gamma and "
                             "beta, out = gamma · that + beta" % layer.what),
        Compare(f + ".values", points, (f,), cases=cases(layer), build=train_out(layer), labels=("out",), tol=1e-7,
                hints=mistake_hints("train", layer), examples=4,
                description="out equals the reference's on CS231n's notebook cases and drawn shapes"),
        Compare(b + ".values", points, (f, b), cases=cases(layer), build=grads(layer), labels=("dx", "dgamma", "dbeta"),
                tol=1e-7, hints=mistake_hints("backward", layer), examples=4,
                description="(dx, dgamma, dbeta) equal the reference's for the upstream gradient dout"),
        Gradient(b + ".numerical_gradient", 2 if layer is BATCHNORM else 1, (f, b), cases=cases(layer, PUBLIC[layer][-2:]),
                 forward=train_out(layer), analytic=grad_list(layer), wrt=("x", "gamma", "beta"), directions=3,
                 probes=2, description="dx, dgamma, dbeta match centred differences of your own forward"),
        Property(b + ".invariances", 1, (f, b), cases=cases(layer, PUBLIC[layer][-1:]), body=invariances(layer),
                 examples=3, description="dx sums to 0 over each normalized group and is orthogonal to x − mean; "
                                         "adding a constant to x changes no gradient, scaling x by a divides dx by a"),
        Property(n + ".torch", 1, (f, b), cases=cases(layer, PUBLIC[layer][-2:]), body=vs_torch(layer), examples=3,
                 description="out%s and the gradients equal torch.nn.functional's (float64) and torch autograd"
                             % (", the test-mode out and the running statistics" if layer.running else "")),
        Compare(n + ".hidden", 2, (f, b), HIDDEN, cases=cases(layer, hidden=True), build=hidden_values(layer),
                labels=labels, tol=1e-7, examples=8, description="the same values on hidden inputs"),
    ]


def running_checks(layer):
    f = layer.forward
    return [
        Property(f + ".running_stats", 2, (f,), cases=cases(layer), body=running_stats(layer), examples=4,
                 description="two train-mode calls update bn_param's running_mean/running_var: momentum · running + "
                             "(1 − momentum) · batch statistic (momentum default 0.9, biased variance)"),
        Property(f + ".test_mode", 2, (f,), cases=cases(layer), body=test_mode(layer), examples=4,
                 description="test mode normalizes with the running statistics (a sample alone gets the same output "
                             "as in a batch), leaves them unchanged, and equals the reference's output"),
        Property(f + ".hidden_running_stats", 1, (f,), HIDDEN, cases=cases(layer, hidden=True),
                 body=running_stats(layer), examples=6, description="running statistics on hidden inputs"),
    ]


CHECKS = layer_checks(BATCHNORM, 3) + running_checks(BATCHNORM) + [
    Compare(BN_ALT + ".values", 2, (BN_F, BN_ALT), cases=cases(BATCHNORM, PUBLIC[BATCHNORM][2:] + (NOTEBOOK_ALT,)),
            build=grads(BATCHNORM, BN_ALT), labels=("dx", "dgamma", "dbeta"), tol=1e-7,
            hints=mistake_hints("backward", BATCHNORM), examples=4,
            description="(dx, dgamma, dbeta) from the cache of your batchnorm_forward equal the reference's"),
    Compare(BN_ALT + ".hidden", 1, (BN_F, BN_ALT), HIDDEN, cases=cases(BATCHNORM, hidden=True),
            build=grads(BATCHNORM, BN_ALT), labels=("dx", "dgamma", "dbeta"), tol=1e-7, examples=8,
            description="the same on hidden inputs"),
    Static(BN_ALT + ".own_derivation", 1, (BN_ALT,), target=BN_ALT,
           rules=(NoCallsTo((BN_B,)), ForbidImports(("torch", "tensorflow", "jax"))), requires=(BN_ALT + ".values",),
           description="batchnorm_backward_alt is its own simplified expression: it does not call batchnorm_backward"),
    Speed(BN_ALT + ".speed", 1, (BN_F, BN_B, BN_ALT), HIDDEN, make=speed_inputs, setup=speed_setup,
          slow=speed_call(BN_B), fast=speed_call(BN_ALT), min_ratio=MIN_ALT_RATIO,
          requires=(BN_B + ".values", BN_ALT + ".values"),
          description="batchnorm_backward_alt at least %g× as fast as your batchnorm_backward on N = %d, D = %d "
                      "(the reference's is 1.3× faster; a Python loop over the features 20× slower)"
                      % (MIN_ALT_RATIO, SPEED_N, SPEED_D)),
] + layer_checks(LAYERNORM, 2) + [
    Property(LN_F + ".per_sample", 1, (LN_F,), cases=cases(LAYERNORM), body=layernorm_per_sample, examples=3,
             description="a sample alone gets the same output as in the batch; ln_param's 'mode' changes nothing"),
] + layer_checks(SPATIAL_BN, 2) + running_checks(SPATIAL_BN) + layer_checks(GROUPNORM, 2)

ASSIGNMENT = Assignment(
    name="normalization", title="Normalization layers: batch, layer, spatial batch and group norm (CS231n layers.py)",
    symbols={s: ("layers",) for s in SINCE}, checks=CHECKS, reference_modules=("layers",), cs231n=SINCE)
