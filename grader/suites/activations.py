"""Checks of the activation functions and their gradients (sigmoid, tanh, Leaky ReLU, PReLU, ELU, Maxout, the
lecture's sigmoid neuron) and of weight initialisation (small random, Xavier, He, and the lecture's experiment:
per-layer statistics of a deep tanh/ReLU network).

Every layer is CS231n's: forward(x, ...) -> (out, cache), backward(dout, cache) -> gradients. Values are compared
with the reference; every backward is also checked against centred differences of the student's OWN forward.

Random weights are judged by statistics, never by exact values (any order of random calls is legitimate):
- an initialiser's matrix W of n entries, drawn N(0, σ²): n·mean(W²)/σ² is χ²ₙ, and Laurent and Massart's
  bounds P(χ²ₙ ≥ n + 2√(nx) + 2x) ≤ e⁻ˣ, P(χ²ₙ ≤ n − 2√(nx)) ≤ e⁻ˣ with x = ln(2/ALPHA) leave a right W
  outside with probability ≤ ALPHA = 1e-9; its mean, N(0, σ²/n), stays within σ·√(2x/n) (Gaussian tail);
- the experiment: the student's run and the reference's run with the same seed are compared layer by layer on
  the log of each layer's std (and of its mean for ReLU; the mean/std ratio for tanh, whose mean is 0). The
  spread of these statistics over seeds at the lecture's sizes (1000 samples, 500 units) was measured over 60
  seeds (tests/test_activations.py re-checks it on a few): the standard deviation of the log-std of layer l is
  at most 0.0005 + 0.0012·l for tanh (0.0017 at layer 1, 0.0128 at layer 10, small init the widest) and
  0.0022, 0.019, 0.036, ..., 0.127 for ReLU (the layers' common mean adds noise that builds up with depth);
  that of the log-mean of a ReLU layer 0.0024 ... 0.139, and that of a tanh layer's mean/std ≤ 0.0017. The
  noise model NOISE takes 0.001 + 0.0015·l (tanh) and 0.003 + 0.05·√(l − 1) (ReLU, for the mean too), above
  every measured value, and TANH_MEAN_NOISE = 0.002. Two independent runs then differ by ≤ Z·√2·NOISE(l)
  with Z = 6 except with probability ~2e-9 per comparison (the log-std is a sum of per-layer gains, close to
  normal). The lecture's mistakes are far outside at layer 1 already: Xavier for He 13 times the bound, a variance
  for a std ≥ 7 times, the wrong scale of a small init ≥ 70 times.
"""
import math
import numbers

import numpy as np
from ..checks import strategies as st

from ..checks.cases import Cases, away_from_zero
from ..checks.compare import Compare
from ..checks.gradient import Gradient
from ..checks.prop import Property
from ..checks.validate import Fail, check_value, describe, with_hint
from ..figures import curves
from ..spec import HIDDEN, Assignment, Setting

ALPHA = 1e-9
Z = 6.0
NOISE = {"tanh": lambda layer: 0.001 + 0.0015 * layer, "relu": lambda layer: 0.003 + 0.05 * math.sqrt(layer - 1)}
TANH_MEAN_NOISE = 0.002            # sd of mean/std of a tanh layer (measured ≤ 0.0017)
LECTURE_SIZES = {"hidden_size": 500, "num_samples": 1000}
CONFIGS = (("he", "relu"), ("xavier", "relu"), ("xavier", "tanh"), ("small", "tanh"), ("large", "tanh"))
SMALL, XAVIER, HE, STATS = "small_random", "xavier", "he", "layer_statistics"
NEURON = "sigmoid_neuron"
MAXOUT_F, MAXOUT_B, MAXOUT_N = "maxout_forward", "maxout_backward", "maxout_num_params"
PRELU_F, PRELU_B = "prelu_forward", "prelu_backward"


# ---------------------------------------------------------------- elementwise activations

ELEMENTWISE = {   # name -> the alphas drawn (none: the function has no alpha)
    "sigmoid": (), "tanh": (), "leaky_relu": (0.01, 0.05, 0.1, 0.2, 0.3), "elu": (0.5, 1.0, 1.5, 2.0),
}


def make_elementwise(p):
    """x away from 0 (the kinks), or with exact zeros and integers (`zeros`: the convention at 0); dout."""
    rng = np.random.default_rng(p["seed"])
    shape = tuple(p["shape"])
    x = away_from_zero(rng, shape, 4.0, p.get("zeros"))
    alpha = {"alpha": p["alpha"]} if p.get("alpha") is not None else {}   # absent: the function's default
    return dict({"x": x, "dout": rng.standard_normal(shape)}, **alpha)


def elementwise_cases(name):
    alphas = ELEMENTWISE[name]
    a = alphas[2] if alphas else None
    public = ({"shape": [4, 5], "seed": 0, "alpha": a}, {"shape": [2, 3, 4], "seed": 1, "alpha": a, "zeros": True},
              {"shape": [7], "seed": 2, "alpha": None})
    drawn = st.fixed_dictionaries({"shape": st.lists(st.integers(1, 5), min_size=1, max_size=4),
                                   "seed": st.integers(0, 2 ** 16), "zeros": st.booleans(),
                                   "alpha": st.sampled_from(alphas) if alphas else st.none()})
    return Cases(make_elementwise, public, drawn)


def forward_call(name):
    def call(plan, i):   # alpha positionally when the case has one; the function's default otherwise
        return plan.call(name + "_forward", i["x"], *([i["alpha"]] if "alpha" in i else []))
    return call


def elementwise_hints(name):
    def hints(inputs):
        x = inputs["x"]

        def slope(s, e):
            neg = (x < 0) & (e != 0)
            if name != "leaky_relu" or not neg.any() or s.shape != x.shape:
                return None
            ratio = s[neg] / e[neg]
            if np.allclose(ratio, ratio.flat[0]) and not np.isclose(ratio.flat[0], 1):
                return "for x < 0 yours is %.4g × the expected value: use the slope alpha you are given (0.01 when " \
                       "none is given)" % ratio.flat[0]
            return None
        return [slope]
    return hints


def elementwise_checks(name, points):
    fwd, bwd = name + "_forward", name + "_backward"
    cases = elementwise_cases(name)
    call = forward_call(name)
    smooth = Cases(make_elementwise, cases.public[:1] + cases.public[2:])
    return [
        Compare(fwd + ".values", points, (fwd,), cases=cases, build=lambda plan, i: call(plan, i)[0],
                labels=("out",), tol=1e-9, hints=elementwise_hints(name), examples=3,
                description="out equals the reference" + (" (alpha given, and its default)" if ELEMENTWISE[name]
                                                          else "")),
        Compare(bwd + ".values", points, (fwd, bwd), cases=cases,
                build=lambda plan, i: plan.call(bwd, i["dout"], call(plan, i)[1]), labels=("dx",), tol=1e-9,
                hints=elementwise_hints(name), examples=3, description="dx equals the reference"),
        Gradient(bwd + ".numerical_gradient", 1, (fwd, bwd), cases=smooth, forward=lambda plan, i: call(plan, i)[0],
                 analytic=lambda plan, i: [plan.call(bwd, i["dout"], call(plan, i)[1])], wrt=("x",),
                 description="dx matches centred differences of your own forward (x away from 0)"),
        Compare(name + ".hidden", 1, (fwd, bwd), HIDDEN, cases=Cases(make_elementwise, (), cases.strategy),
                build=lambda plan, i: (call(plan, i)[0], plan.call(bwd, i["dout"], call(plan, i)[1])),
                labels=("out", "dx"), tol=1e-9, hints=elementwise_hints(name), examples=8),
    ]


def make_saturation(p):
    x = np.array(p["x"], dtype=float)
    return {"x": x, "dout": np.ones_like(x)}


SATURATION = Cases(make_saturation, ({"x": [-10.0, 0.0, 10.0]}, {"x": [-1000.0, -50.0, -0.5, 0.5, 50.0, 1000.0]}))


def saturation_check(name):
    fwd, bwd = name + "_forward", name + "_backward"
    return Compare(name + ".saturation", 1, (fwd, bwd), cases=SATURATION,
                   build=lambda plan, i: (plan.call(fwd, i["x"])[0],
                                          plan.call(bwd, i["dout"], plan.call(fwd, i["x"])[1])),
                   labels=("out", "dx"), tol=1e-6,   # 1 − tanh(10)² ≈ 8e-9 loses digits to cancellation
                   description="the lecture's x = −10, 0, +10 (dout = 1): a saturated neuron passes back almost "
                               "no gradient; |x| up to 1000 gives finite values (no overflow, no NaN)")


# ---------------------------------------------------------------- the sigmoid neuron

def make_neuron(p):
    if p.get("lecture"):
        return {"w": np.array([2.0, -3.0, -3.0]), "x": np.array([-1.0, -2.0])}
    rng = np.random.default_rng(p["seed"])
    return {"w": rng.standard_normal(p["D"] + 1), "x": rng.standard_normal(p["D"]) * 2}


NEURON_CASES = Cases(make_neuron, ({"lecture": True}, {"D": 4, "seed": 3}),
                     st.fixed_dictionaries({"D": st.integers(1, 8), "seed": st.integers(0, 2 ** 16)}))


def neuron_hints(inputs):
    def bias_gradient(s, e):
        if s.shape == e.shape == inputs["w"].shape and np.allclose(s[:-1], e[:-1]) and not np.allclose(s[-1], e[-1]):
            return "the bias w[D] multiplies an input of 1: its gradient is σ'(s) · 1"
        return None
    return [bias_gradient]


# ---------------------------------------------------------------- PReLU and Maxout

def make_prelu(p):
    rng = np.random.default_rng(p["seed"])
    shape = tuple(p["shape"])
    x = away_from_zero(rng, shape, 3.0, p.get("zeros"))
    alpha = rng.uniform(0.05, 0.5, size=shape[1] if p["per_channel"] else 1)
    return {"x": x, "alpha": alpha, "dout": rng.standard_normal(shape)}


PRELU = Cases(make_prelu, ({"shape": [4, 3], "per_channel": False, "seed": 0},
                           {"shape": [2, 3, 4, 4], "per_channel": True, "seed": 1, "zeros": True},
                           {"shape": [5, 2, 3], "per_channel": True, "seed": 2}),
              st.fixed_dictionaries({"shape": st.lists(st.integers(1, 4), min_size=2, max_size=4),
                                     "per_channel": st.booleans(), "zeros": st.booleans(),
                                     "seed": st.integers(0, 2 ** 16)}))


def prelu_hints(inputs):
    def not_summed(s, e):
        if type(s) is np.ndarray and s.shape == inputs["x"].shape and s.shape != e.shape:
            return "dalpha has one entry per slope: sum x·dout over every unit that slope is used by"
        return None
    return [not_summed]


def items(ref, n):
    """[ref[0], ..., ref[n - 1]]: the items of a tuple the worker returned, as separate refs."""
    return [ref[k] for k in range(n)]


def prelu_forward(plan, i):
    return plan.call(PRELU_F, i["x"], i["alpha"])


def make_maxout(p):
    rng = np.random.default_rng(p["seed"])
    N, D, H, k = p["N"], p["D"], p["H"], p["k"]
    return {"x": rng.standard_normal((N, D)), "w": rng.standard_normal((k, D, H)), "b": rng.standard_normal((k, H)),
            "dout": rng.standard_normal((N, H))}


MAXOUT = Cases(make_maxout, ({"N": 4, "D": 3, "H": 5, "k": 2, "seed": 0}, {"N": 6, "D": 5, "H": 2, "k": 3, "seed": 1},
                             {"N": 1, "D": 1, "H": 1, "k": 2, "seed": 2}),
               st.fixed_dictionaries({"N": st.integers(1, 6), "D": st.integers(1, 5), "H": st.integers(1, 5),
                                      "k": st.integers(1, 4), "seed": st.integers(0, 2 ** 16)}))


def maxout_forward(plan, i):
    return plan.call(MAXOUT_F, i["x"], i["w"], i["b"])


def maxout_backward(plan, i):
    return plan.call(MAXOUT_B, i["dout"], maxout_forward(plan, i)[1])


def maxout_generalizes(ctx, inputs):
    """The lecture: Maxout generalizes ReLU and Leaky ReLU. With k = 2, a second piece of zeros gives
    max(z, 0) = ReLU(z) and a second piece 0.01·(first) gives the Leaky ReLU of z = x·w₁ + b₁, with your own
    leaky_relu_forward (alpha 0 and 0.01)."""
    x, w, b = inputs["x"], inputs["w"][:1], inputs["b"][:1]
    z = x @ w[0] + b[0]
    for second, alpha, what in ((0.0, 0.0, "ReLU"), (0.01, 0.01, "Leaky ReLU (0.01)")):
        plan = ctx.plan()
        plan.returns(plan.call(MAXOUT_F, x, np.concatenate([w, second * w]), np.concatenate([b, second * b])),
                     plan.call("leaky_relu_forward", z, alpha))
        maxout, leaky = ctx.run_student(plan)
        for value, label in ((maxout, MAXOUT_F), (leaky, "leaky_relu_forward")):
            if not isinstance(value, (tuple, list)) or len(value) != 2:
                raise Fail("%s should return (out, cache), returned %s" % (label, describe(value)),
                           "wrong return value", hint="return out, cache")
        check_value(leaky[0], np.zeros(z.shape), "leaky_relu_forward(z, %g)" % alpha, np.inf)
        check_value(maxout[0], leaky[0], "maxout with the pieces (w₁, b₁) and %g·(w₁, b₁), against the %s of z"
                    % (second, what), 1e-9)


# ---------------------------------------------------------------- initialisation

def make_init(p):
    return dict(p)


INIT_PUBLIC = ({"fan_in": 300, "fan_out": 500, "seed": 0, "scale": 0.01},
               {"fan_in": 500, "fan_out": 200, "seed": 1, "scale": 1.0},
               {"fan_in": 784, "fan_out": 100, "seed": 2, "scale": 0.01})
INIT_DRAWN = st.fixed_dictionaries({"fan_in": st.integers(50, 600), "fan_out": st.integers(50, 600),
                                    "seed": st.integers(0, 2 ** 31 - 1),
                                    "scale": st.sampled_from([0.001, 0.01, 0.1, 1.0])}).filter(
    lambda p: p["fan_in"] * p["fan_out"] >= 20000 and abs(p["fan_in"] - p["fan_out"]) >= 40)


def expected_variance(ctx, fn, p):
    if fn == SMALL:
        return p["scale"] ** 2
    if fn == HE:
        return 2.0 / p["fan_in"]
    fan = ctx.assignment.setting_values(ctx.course)["XAVIER_FAN"]
    return 1.0 / p["fan_in"] if fan == "in" else 2.0 / (p["fan_in"] + p["fan_out"])


def chi2_interval(n, alpha=ALPHA):
    """[lo, hi] for mean(W²)/σ² of n Gaussian entries (Laurent-Massart): outside with probability <= alpha."""
    x = math.log(2 / alpha)
    return 1 - 2 * math.sqrt(x / n), 1 + 2 * math.sqrt(x / n) + 2 * x / n


def variance_hints(ctx, fn, p, ratio, lo, hi):
    """The likely cause (a hint, or None) when mean(W²) is `ratio` times the expected variance."""
    fan_in, fan_out, var = p["fan_in"], p["fan_out"], expected_variance(ctx, fn, p)
    glorot = ctx.assignment.setting_values(ctx.course)["XAVIER_FAN"] == "avg"
    causes = [(var, "yours is the square of the expected variance: the standard deviation is its square root "
                    "(divide by np.sqrt(...))")]
    if fn != SMALL:
        causes.append((fan_in / fan_out, "the variance uses fan_out; this course divides by fan_in"))
    if fn == HE:
        causes.append((0.5, "He's variance is 2 / fan_in (Xavier's is 1 / fan_in): divide by np.sqrt(fan_in / 2)"))
    if fn == XAVIER:
        causes.append((2.0 / fan_in / var, "that is He's variance (2 / fan_in), made for ReLU networks"))
        causes.append((2.0 * fan_in / (fan_in + fan_out), "2 / (fan_in + fan_out) is Glorot's paper (torch's "
                                                           "xavier_normal_); this course uses 1 / fan_in")
                      if not glorot else
                      ((fan_in + fan_out) / (2.0 * fan_in), "this course uses Glorot's 2 / (fan_in + fan_out) "
                                                            "(XAVIER_FAN = 'avg'), not 1 / fan_in"))
    for factor, why in causes:
        if lo * factor <= ratio <= hi * factor:
            return why
    return None


def init_statistics(fn):
    def body(ctx, inputs):
        fan_in, fan_out = inputs["fan_in"], inputs["fan_out"]
        plan = ctx.plan().use_numpy("random.seed")
        plan.call("random.seed", inputs["seed"])
        args = (fan_in, fan_out) + ((inputs["scale"],) if fn == SMALL else ())
        plan.returns(plan.call(fn, *args))
        (W,) = ctx.run_student(plan)
        call = "%s(%s)" % (fn, ", ".join(map(str, args)))
        check_value(W, np.zeros((fan_in, fan_out)), call, np.inf)
        var, n = expected_variance(ctx, fn, inputs), W.size
        mean_bound = math.sqrt(var) * math.sqrt(2 * math.log(2 / ALPHA) / n)
        mean = float(np.mean(W))
        if abs(mean) > mean_bound:
            hint = "draw from a Gaussian with mean 0: np.random.randn, not np.random.rand (uniform on [0, 1))" \
                if mean > 0 and float(np.min(W)) >= 0 else "the entries must have mean 0"
            raise Fail(with_hint("%s has mean %.4g; a right one is within ±%.2g of 0 (a bound a right answer "
                                 "misses with probability < 1e-9)" % (call, mean, mean_bound), hint),
                       "wrong mean", hint=hint)
        lo, hi = chi2_interval(n)
        ratio = float(np.mean(np.asarray(W, dtype=float) ** 2)) / var
        if not lo <= ratio <= hi:
            hint = variance_hints(ctx, fn, inputs, ratio, lo, hi)
            raise Fail(with_hint("%s has variance %.4g (the mean of W²); expected %.4g (a right one is within "
                                 "×[%.3f, %.3f] of it, except with probability < 1e-9)"
                                 % (call, ratio * var, var, lo, hi), hint), "wrong variance", hint=hint)
    return body


def init_checks(fn, what, points):
    def own(p):   # `scale` is small_random's only
        return p if fn == SMALL else {k: v for k, v in p.items() if k != "scale"}
    public, drawn = tuple(own(p) for p in INIT_PUBLIC), INIT_DRAWN.map(own)
    return [
        Property(fn + ".statistics", points, (fn,), cases=Cases(make_init, public, drawn),
                 body=init_statistics(fn), examples=3,
                 description="W has shape (fan_in, fan_out), mean 0 and variance %s (χ² and Gaussian bounds a "
                             "right answer misses with probability < 1e-9)" % what),
        Property(fn + ".hidden", 1, (fn,), HIDDEN, cases=Cases(make_init, (), drawn), body=init_statistics(fn),
                 examples=6, description="the same on hidden sizes"),
    ]


# ---------------------------------------------------------------- the experiment

def make_experiment(p):
    return dict(p, **LECTURE_SIZES)


def run_experiment(plan, i):
    return plan.call(STATS, i["init"], i["nonlinearity"], num_layers=i["num_layers"], hidden_size=i["hidden_size"],
                     num_samples=i["num_samples"], seed=i["seed"])


def unpack_statistics(value, L, call):
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise Fail(with_hint("%s should return (means, stds), returned %s" % (call, describe(value)),
                             "return means, stds"), "wrong return value", hint="return means, stds")
    means, stds = (np.array(v, dtype=float) if isinstance(v, (list, tuple)) and all(   # the lecture's lists
        isinstance(e, numbers.Real) and not isinstance(e, bool) for e in v) else v for v in value)
    check_value(means, np.zeros(L), "the means of %s" % call, np.inf)
    check_value(stds, np.zeros(L), "the stds of %s" % call, np.inf)
    return np.asarray(means, float), np.asarray(stds, float)


def statistics_hints(s, e, layer, nonlinearity):
    """The likely cause (a hint, or None) when layer `layer` (1-based) has std s where e was expected."""
    if s > 0 and e > 0 and abs(math.log(s) - 2 * math.log(e)) < 0.1 * abs(math.log(e)) + 0.05:
        return "yours looks like the variance: return the standard deviation (np.std)"
    if nonlinearity == "relu" and s > 0 and e > 0 and abs(math.log(s / e) + 0.5 * layer * math.log(2)) < 0.1:
        return "each layer loses a factor √2: a ReLU network needs He's 2 / fan_in, not Xavier's 1 / fan_in"
    if nonlinearity == "relu" and s > 0 and e > 0 and abs(math.log(s / e) - 0.5 * layer * math.log(2)) < 0.1:
        return "each layer gains a factor √2: Xavier's variance is 1 / fan_in (He's, 2 / fan_in, is for 'he')"
    return None


def experiment(ctx, inputs):
    """The student's per-layer statistics against the reference's run with the same seed, within the noise of
    two independent runs (see the module's docstring)."""
    L, nl = inputs["num_layers"], inputs["nonlinearity"]
    call = "%s(%r, %r, num_layers=%d, seed=%d)" % (STATS, inputs["init"], nl, L, inputs["seed"])
    (student,), (expected,) = ctx.both(lambda plan: [run_experiment(plan, inputs)])
    means, stds = unpack_statistics(student, L, call)
    e_means, e_stds = (np.asarray(v, float) for v in expected)
    for layer in range(1, L + 1):
        s, e, m, em = stds[layer - 1], e_stds[layer - 1], means[layer - 1], e_means[layer - 1]
        bound = Z * math.sqrt(2) * NOISE[nl](layer)
        if not (s > 0 and abs(math.log(s / e)) <= bound):
            hint = statistics_hints(s, e, layer, nl) or "check the initialisation and the order: H = f(X @ W)"
            raise Fail(with_hint("%s: layer %d has std %.6g; a right run gives %.6g within ×/÷ %.3g (a bound two "
                                 "right runs exceed with probability ~1e-9)" % (call, layer, s, e, math.exp(bound)),
                                 hint), "wrong layer statistics", hint=hint,
                       figures=[curves("the std of each layer's activations", [("figure.yours", stds),
                                       ("figure.reference", e_stds)], xlabel="layer number",
                                       ylabel="standard deviation")])
        if nl == "tanh":
            mean_bound = Z * math.sqrt(2) * TANH_MEAN_NOISE
            ok = abs(m / s - em / e) <= mean_bound
            message = "%s: layer %d has mean %.6g (std %.6g); a right run has its mean/std within ±%.3g of %.4g" % (
                call, layer, m, s, mean_bound, em / e)
        else:
            ok = m > 0 and abs(math.log(m / em)) <= bound
            message = "%s: layer %d has mean %.6g (std %.6g); a right run has its mean within ×/÷ %.3g of %.6g" % (
                call, layer, m, s, math.exp(bound), em)
        if not ok:
            hint = "the mean is over every activation of the layer: np.mean(H)"
            raise Fail(with_hint(message, hint), "wrong layer statistics", hint=hint,
                       figures=[curves("the mean of each layer's activations", [("figure.yours", means),
                                       ("figure.reference", e_means)], xlabel="layer number", ylabel="the mean")])


LECTURE_RUNS = tuple({"init": init, "nonlinearity": nl, "num_layers": 10, "seed": 0} for init, nl in CONFIGS)
EXPERIMENT_DRAWN = st.builds(lambda config, L, seed: {"init": config[0], "nonlinearity": config[1], "num_layers": L,
                                                      "seed": seed},
                             st.sampled_from(CONFIGS), st.integers(2, 10), st.integers(0, 2 ** 31 - 1))


def same_seed(ctx, inputs):
    """The same seed gives the same statistics even when the global RNG moved in between; another seed, others."""
    args = dict(inputs, num_layers=2)
    plan = ctx.plan().use_numpy("random.rand")
    first = run_experiment(plan, args)
    plan.call("random.rand", 5)
    again = run_experiment(plan, args)
    other = run_experiment(plan, dict(args, seed=args["seed"] + 1))
    plan.returns(first, again, other)
    call = "%s(..., seed=%d)" % (STATS, args["seed"])
    a, b, c = (unpack_statistics(v, 2, call) for v in ctx.run_student(plan))
    if not (np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])):
        hint = "call np.random.seed(seed) first when a seed is given"
        raise Fail(with_hint("two runs with seed=%d gave different statistics" % args["seed"], hint), "seed ignored",
                   hint=hint)
    if np.array_equal(a[1], c[1]):
        hint = "draw the data and the weights after seeding with `seed`"
        raise Fail(with_hint("seeds %d and %d gave the same statistics" % (args["seed"], args["seed"] + 1), hint),
                   "seed not used", hint=hint)


# ---------------------------------------------------------------- the checks

CHECKS = (
    elementwise_checks("sigmoid", 1) + [saturation_check("sigmoid")]
    + [Compare(NEURON + ".values", 2, (NEURON,), cases=NEURON_CASES,
               build=lambda plan, i: plan.call(NEURON, i["w"], i["x"]), labels=("f", "dw", "dx"), tol=1e-9,
               hints=neuron_hints, examples=3,
               description="the lecture's neuron (w = [2, −3, −3], x = [−1, −2]: f ≈ 0.73, dx ≈ [0.39, −0.59], "
                           "dw ≈ [−0.20, −0.39, 0.20]) and drawn ones"),
       Compare(NEURON + ".hidden", 1, (NEURON,), HIDDEN, cases=Cases(make_neuron, (), NEURON_CASES.strategy),
               build=lambda plan, i: plan.call(NEURON, i["w"], i["x"]), labels=("f", "dw", "dx"), tol=1e-9,
               hints=neuron_hints, examples=6)]
    + elementwise_checks("tanh", 1) + [saturation_check("tanh")]
    + elementwise_checks("leaky_relu", 1) + elementwise_checks("elu", 1)
    + [
        Compare(PRELU_F + ".values", 1, (PRELU_F,), cases=PRELU, build=lambda plan, i: prelu_forward(plan, i)[0],
                labels=("out",), tol=1e-9, examples=3,
                description="one slope for all units, or one per channel (axis 1), as torch.nn.PReLU"),
        Compare(PRELU_B + ".values", 2, (PRELU_F, PRELU_B), cases=PRELU,
                build=lambda plan, i: plan.call(PRELU_B, i["dout"], prelu_forward(plan, i)[1]),
                labels=("dx", "dalpha"), tol=1e-9, hints=prelu_hints, examples=3,
                description="dx, and dalpha summed over every unit each slope is used by"),
        Gradient(PRELU_B + ".numerical_gradient", 1, (PRELU_F, PRELU_B), cases=Cases(make_prelu, PRELU.public[::2]),
                 forward=lambda plan, i: prelu_forward(plan, i)[0],
                 analytic=lambda plan, i: items(plan.call(PRELU_B, i["dout"], prelu_forward(plan, i)[1]), 2),
                 wrt=("x", "alpha"),
                 description="dx and dalpha match centred differences of your own forward"),
        Compare("prelu.hidden", 1, (PRELU_F, PRELU_B), HIDDEN, cases=Cases(make_prelu, (), PRELU.strategy),
                build=lambda plan, i: (prelu_forward(plan, i)[0],
                                       plan.call(PRELU_B, i["dout"], prelu_forward(plan, i)[1])),
                labels=("out", "grads"), tol=1e-9, hints=prelu_hints, examples=6),
        Compare(MAXOUT_F + ".values", 1, (MAXOUT_F,), cases=MAXOUT, build=lambda plan, i: maxout_forward(plan, i)[0],
                labels=("out",), tol=1e-9, examples=3, description="max over the k pieces x·w[j] + b[j]"),
        Compare(MAXOUT_B + ".values", 2, (MAXOUT_F, MAXOUT_B), cases=MAXOUT, build=maxout_backward,
                labels=("dx", "dw", "db"), tol=1e-9, examples=3,
                description="each output's gradient goes to the winning piece only"),
        Gradient(MAXOUT_B + ".numerical_gradient", 1, (MAXOUT_F, MAXOUT_B), cases=Cases(make_maxout, MAXOUT.public[:2]),
                 forward=lambda plan, i: maxout_forward(plan, i)[0],
                 analytic=lambda plan, i: items(maxout_backward(plan, i), 3), wrt=("x", "w", "b"),
                 description="dx, dw, db match centred differences of your own forward"),
        Compare("maxout.hidden", 1, (MAXOUT_F, MAXOUT_B), HIDDEN, cases=Cases(make_maxout, (), MAXOUT.strategy),
                build=lambda plan, i: (maxout_forward(plan, i)[0], maxout_backward(plan, i)), labels=("out", "grads"),
                tol=1e-9, examples=6),
        Property("maxout.generalizes_relu", 1, (MAXOUT_F, "leaky_relu_forward"),
                 cases=Cases(make_maxout, MAXOUT.public[:1], MAXOUT.strategy), body=maxout_generalizes, examples=3,
                 requires=(MAXOUT_F + ".values", "leaky_relu_forward.values"),
                 description="Maxout with a second piece of zeros is ReLU, with 0.01 × the first piece Leaky ReLU "
                             "(your own leaky_relu_forward)"),
        Compare(MAXOUT_N + ".values", 1, (MAXOUT_N,),
                cases=Cases(lambda p: p, ({"D": 500, "H": 100, "k": 2}, {"D": 3072, "H": 10, "k": 1},
                                          {"D": 4, "H": 3, "k": 5})),
                build=lambda plan, i: plan.call(MAXOUT_N, i["D"], i["H"], i["k"]), labels=("count",), exact=True,
                description="k·(D·H + H): the lecture's 'twice (k times) the parameters per neuron'"),
    ]
    + init_checks(SMALL, "scale²", 1)
    + init_checks(XAVIER, "1 / fan_in (2 / (fan_in + fan_out) with XAVIER_FAN = 'avg')", 2)
    + init_checks(HE, "2 / fan_in", 2)
    + [
        Property(STATS + ".lecture", 4, (SMALL, XAVIER, HE, STATS), cases=Cases(make_experiment, LECTURE_RUNS),
                 body=experiment, examples=0,
                 description="the lecture's five runs (10 tanh/ReLU layers of 500, 1000 samples; small, large, "
                             "Xavier, He): each layer's mean and std within the noise of a right run, seed 0"),
        Property(STATS + ".hidden", 2, (SMALL, XAVIER, HE, STATS), HIDDEN,
                 cases=Cases(make_experiment, (), EXPERIMENT_DRAWN), body=experiment, examples=2,
                 description="the same for hidden seeds and depths"),
        Property(STATS + ".same_seed", 1, (SMALL, XAVIER, HE, STATS),
                 cases=Cases(make_experiment, ({"init": "xavier", "nonlinearity": "tanh", "num_layers": 2,
                                                "seed": 7},)),
                 body=same_seed, examples=0, description="the same seed gives the same statistics, another seed "
                                                         "others"),
    ])

ASSIGNMENT = Assignment(
    name="activations", title="Activation functions and their gradients; weight initialisation",
    symbols=dict({s: ("activations",) for s in (
        "sigmoid_forward", "sigmoid_backward", NEURON, "tanh_forward", "tanh_backward", "leaky_relu_forward",
        "leaky_relu_backward", PRELU_F, PRELU_B, "elu_forward", "elu_backward", MAXOUT_F, MAXOUT_B, MAXOUT_N)},
        **{s: ("initialization",) for s in (SMALL, XAVIER, HE, STATS)}),
    checks=CHECKS, reference_modules=("activations", "initialization"),
    course_settings=(Setting("XAVIER_FAN", "in", ("in", "avg"), ((XAVIER, "XAVIER_FAN", None),),
                             "'in': Var(W) = 1 / fan_in (the lecture, CS231n); 'avg': 2 / (fan_in + fan_out) "
                             "(Glorot and Bengio's paper, torch.nn.init.xavier_normal_)"),))
