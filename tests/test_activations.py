"""Mutants of the activations reference: each realistic mistake loses points at the check meant to catch it;
legitimate variants (a plain sigmoid, np.random.normal, a Generator, the lecture's own experiment code, the
Glorot course setting) keep full marks; the reference agrees with torch; the experiment's noise model holds."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.course import Course
from grader.suites import activations as suite
from helpers import REFERENCE, assert_caught, device, mutant_edits
from partial import graded

ACT, INIT = "activations.py", "initialization.py"
SIG_F = "    out = np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))\n    return out, out"
SIG_B = "    out = cache\n    return dout * out * (1.0 - out)"
TANH_F = "    out = np.tanh(x)\n    return out, out"
TANH_B = "    out = cache\n    return dout * (1.0 - out ** 2)"
LEAKY_B = "return np.where(x > 0, dout, alpha * dout)"
ELU_B = "dout * alpha * np.exp(np.minimum(x, 0.0))"
DALPHA = "dalpha = np.sum(per_unit, axis=axes).reshape(alpha.shape)"
STATS_LOOP = "        X = act(X @ draw(X.shape[1], hidden_size))\n        means[i], stds[i] = np.mean(X), np.std(X)"

MUTANTS = [
    # (name, file, [(old, new), ...], the check that must fail, checks that must still pass, words of the message)
    ("sigmoid_backward_uses_x", ACT, [(SIG_F, SIG_F.replace("return out, out", "return out, x"))],
     "sigmoid_backward.values", ("sigmoid_forward.values",), "dx"),
    ("sigmoid_gradient_overflows", ACT,
     [(SIG_F, SIG_F.replace("return out, out", "return out, x")),
      (SIG_B, "    x = cache\n    return dout * np.exp(-x) / (1.0 + np.exp(-x)) ** 2")],
     "sigmoid.saturation", ("sigmoid_backward.values",), "NaN"),
    ("tanh_from_exponentials", ACT,
     [(TANH_F, "    out = (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))\n    return out, out")],
     "tanh.saturation", ("tanh_forward.values",), "NaN"),
    ("tanh_derivative_of_x", ACT, [(TANH_F, TANH_F.replace("return out, out", "return out, x")),
                                    (TANH_B, TANH_B.replace("out = cache", "x = cache").replace("out ** 2", "x ** 2"))],
     "tanh_backward.values", (), "dx"),
    ("leaky_relu_fixed_slope", ACT, [("out = np.where(x > 0, x, alpha * x)", "out = np.where(x > 0, x, 0.01 * x)")],
     "leaky_relu_forward.values", (), "use the slope alpha you are given"),
    ("leaky_relu_slope_1_at_zero", ACT, [(LEAKY_B, LEAKY_B.replace("x > 0", "x >= 0"))],
     "leaky_relu_backward.values", ("leaky_relu_backward.numerical_gradient",), "dx"),
    ("elu_backward_without_alpha", ACT, [(ELU_B, ELU_B.replace("alpha * ", ""))],
     "elu_backward.values", ("elu_forward.values",), "dx"),
    ("prelu_dalpha_not_summed", ACT, [(DALPHA, "dalpha = per_unit")],
     "prelu_backward.values", ("prelu_forward.values",), "sum x·dout over every unit"),
    ("prelu_alpha_on_the_last_axis", ACT,
     [("    a = alpha.reshape((1, -1) + (1,) * (x.ndim - 2))\n    out = ", "    a = alpha\n    out = ")],
     "prelu_forward.values", (), ""),
    ("maxout_gradient_to_every_piece", ACT,
     [("routed = (winner[None] == np.arange(k)[:, None, None]) * dout[None]",
       "routed = np.ones((k,) + dout.shape) * dout[None]")],
     "maxout_backward.values", ("maxout_forward.values",), "dx"),
    ("maxout_params_without_biases", ACT, [("return k * (D * H + H)", "return k * D * H")],
     "maxout_num_params.values", (), "count"),
    ("neuron_bias_gradient_zero", ACT, [("dw = np.append(x, 1.0) * local", "dw = np.append(x, 0.0) * local")],
     "sigmoid_neuron.values", (), "the bias w[D] multiplies an input of 1"),
    ("small_random_uniform", INIT, [("return scale * np.random.randn(", "return scale * np.random.rand(")],
     "small_random.statistics", (), "np.random.randn, not np.random.rand"),
    ("xavier_divides_by_fan_out", INIT, [('fan = fan_in if XAVIER_FAN == "in"', 'fan = fan_out if XAVIER_FAN == "in"')],
     "xavier.statistics", (), "uses fan_out"),
    ("he_as_xavier", INIT, [("/ np.sqrt(fan_in / 2)", "/ np.sqrt(fan_in)")], "he.statistics", (),
     "He's variance is 2 / fan_in"),
    ("he_without_square_root", INIT, [("/ np.sqrt(fan_in / 2)", "/ (fan_in / 2)")], "he.statistics", (),
     "the square of the expected variance"),
    ("experiment_std_is_a_variance", INIT, [(STATS_LOOP, STATS_LOOP.replace("np.std(X)", "np.var(X)"))],
     "layer_statistics.lecture", (), "the variance"),
    ("experiment_he_runs_xavier", INIT, [('"xavier": xavier, "he": he}', '"xavier": xavier, "he": xavier}')],
     "layer_statistics.lecture", (), "He's 2 / fan_in"),
    ("experiment_before_the_nonlinearity", INIT,
     [(STATS_LOOP, "        H = X @ draw(X.shape[1], hidden_size)\n        means[i], stds[i] = np.mean(H), np.std(H)\n"
                   "        X = act(H)")],
     "layer_statistics.lecture", (), "layer 1"),
    ("experiment_seed_ignored", INIT, [("        np.random.seed(seed)\n", "        pass\n")],
     "layer_statistics.same_seed", (), "different statistics"),
]


@pytest.mark.parametrize("name,file,edits,check,still,words", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_mutant_is_caught_by_its_check(tmp_path, name, file, edits, check, still, words):
    result = graded(mutant_edits(tmp_path, "activations", file, edits), "activations", (check,) + still)
    assert_caught(result, check, still, says=words)


LECTURE_EXPERIMENT = '''
def layer_statistics(init, nonlinearity, num_layers=10, hidden_size=500, num_samples=1000, seed=None):
    # the lecture's code, almost line for line (range for xrange, a Generator for the global RNG, lists)
    rng = np.random.default_rng(seed)
    D = rng.standard_normal((num_samples, hidden_size))
    hidden_layer_sizes = [hidden_size] * num_layers
    nonlinearities = [nonlinearity] * len(hidden_layer_sizes)
    act = {'relu': lambda x: np.maximum(0, x), 'tanh': lambda x: np.tanh(x)}
    scale = {'small': lambda fan_in: 0.01, 'large': lambda fan_in: 1.0,
             'xavier': lambda fan_in: 1 / np.sqrt(fan_in), 'he': lambda fan_in: 1 / np.sqrt(fan_in / 2)}[init]
    Hs = {}
    for i in range(len(hidden_layer_sizes)):
        X = D if i == 0 else Hs[i - 1]
        fan_in = X.shape[1]
        fan_out = hidden_layer_sizes[i]
        W = rng.standard_normal((fan_out, fan_in)).T * scale(fan_in)
        H = np.dot(X, W)
        H = act[nonlinearities[i]](H)
        Hs[i] = H
    layer_means = [np.mean(H) for i, H in Hs.items()]
    layer_stds = [np.std(H) for i, H in Hs.items()]
    return layer_means, layer_stds
'''


@pytest.mark.parametrize("name,file,edits,checks", [
    ("plain_sigmoid_caching_x", ACT,
     [(SIG_F, "    return 1 / (1 + np.exp(-x)), x"),
      (SIG_B, "    s = 1 / (1 + np.exp(-cache))\n    return dout * s * (1 - s)")],
     ("sigmoid_forward.values", "sigmoid_backward.values", "sigmoid.saturation")),
    ("init_with_random_normal", INIT,
     [("return np.random.randn(fan_in, fan_out) / np.sqrt(fan_in / 2)",
       "return np.random.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))")], ("he.statistics",)),
    ("lecture_code_with_a_generator", INIT,
     [("def layer_statistics(", LECTURE_EXPERIMENT + "\n\ndef old_layer_statistics(")],
     ("layer_statistics.lecture", "layer_statistics.same_seed")),
])
def test_legitimate_variants_keep_full_marks(tmp_path, name, file, edits, checks):
    result = graded(mutant_edits(tmp_path, "activations", file, edits), "activations", checks)
    assert all(result[c].status == "passed" for c in checks), {n: o.output for n, o in result.items()}


def test_glorot_course_setting(tmp_path):
    """XAVIER_FAN = 'avg' (torch's xavier_normal_): the reference follows it; code that ignores it fails."""
    glorot = Course(settings={"activations": {"XAVIER_FAN": "avg"}})
    assert graded(REFERENCE, "activations", ("xavier.statistics",), glorot)["xavier.statistics"].status == "passed"
    path = mutant_edits(tmp_path, "activations", INIT,
                        [('fan = fan_in if XAVIER_FAN == "in" else', 'fan = fan_in if 1 else')])
    out = graded(path, "activations", ("xavier.statistics",), glorot)["xavier.statistics"]
    assert out.status == "failed" and "Glorot" in out.output


# ---------------------------------------------------------------- the reference against torch

@settings(max_examples=10)
@given(shape=st.lists(st.integers(1, 4), min_size=2, max_size=4), seed=st.integers(0, 2 ** 16),
       per_channel=st.booleans())
def test_reference_activations_equal_torch(shape, seed, per_channel):
    import torch
    import torch.nn.functional as F
    from reference.activations import activations as ref
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape) * 3
    dout = rng.standard_normal(shape)
    alpha = rng.uniform(0.05, 0.5, size=shape[1] if per_channel else 1)
    dev = device()
    table = {   # name -> (reference forward args, torch function of (x, alpha tensor))
        "sigmoid": ((), lambda t, a: torch.sigmoid(t)), "tanh": ((), lambda t, a: torch.tanh(t)),
        "leaky_relu": ((0.2,), lambda t, a: F.leaky_relu(t, 0.2)), "elu": ((1.5,), lambda t, a: F.elu(t, 1.5)),
        "prelu": ((alpha,), lambda t, a: F.prelu(t, a)),
    }
    for name, (args, torch_fn) in table.items():
        t = torch.tensor(x, device=dev, requires_grad=True)
        a = torch.tensor(alpha, device=dev, requires_grad=True)
        out_t = torch_fn(t, a)
        out_t.backward(torch.tensor(dout, device=dev))
        out, cache = getattr(ref, name + "_forward")(x, *args)
        grads = getattr(ref, name + "_backward")(dout, cache)
        np.testing.assert_allclose(out, out_t.detach().cpu().numpy(), rtol=1e-12, atol=1e-14)
        dx = grads[0] if name == "prelu" else grads
        np.testing.assert_allclose(dx, t.grad.cpu().numpy(), rtol=1e-12, atol=1e-14)
        if name == "prelu":
            np.testing.assert_allclose(grads[1], a.grad.cpu().numpy(), rtol=1e-10, atol=1e-12)


@settings(max_examples=10)
@given(N=st.integers(1, 5), D=st.integers(1, 4), H=st.integers(1, 4), k=st.integers(1, 4), seed=st.integers(0, 2 ** 16))
def test_reference_maxout_equals_torch(N, D, H, k, seed):
    import torch
    from reference.activations import activations as ref
    p = suite.make_maxout({"N": N, "D": D, "H": H, "k": k, "seed": seed})
    dev = device()
    x, w, b = (torch.tensor(p[n], device=dev, requires_grad=True) for n in ("x", "w", "b"))
    out_t = torch.amax(torch.einsum("nd,kdh->knh", x, w) + b[:, None, :], dim=0)
    out_t.backward(torch.tensor(p["dout"], device=dev))
    out, cache = ref.maxout_forward(p["x"], p["w"], p["b"])
    np.testing.assert_allclose(out, out_t.detach().cpu().numpy(), rtol=1e-12)
    for mine, theirs in zip(ref.maxout_backward(p["dout"], cache), (x, w, b)):
        np.testing.assert_allclose(mine, theirs.grad.cpu().numpy(), rtol=1e-12, atol=1e-14)
    assert ref.maxout_num_params(D, H, k) == k * sum(t.numel() for t in torch.nn.Linear(D, H).parameters())


@pytest.mark.parametrize("rule,fan,torch_init", [
    ("he", "in", lambda t: __import__("torch").nn.init.kaiming_normal_(t, mode="fan_in", nonlinearity="relu")),
    ("xavier", "in", lambda t: __import__("torch").nn.init.kaiming_normal_(t, mode="fan_in", nonlinearity="linear")),
    ("xavier", "avg", lambda t: __import__("torch").nn.init.xavier_normal_(t)),
])
def test_expected_variances_are_torchs_conventions(rule, fan, torch_init):
    """The variance the suite expects is torch.nn.init's for the same rule; torch's draws pass the same bounds."""
    import torch
    fan_in, fan_out = 300, 500
    course = Course(settings={"activations": {"XAVIER_FAN": fan}})

    class Ctx:
        assignment = suite.ASSIGNMENT
    Ctx.course = course
    var = suite.expected_variance(Ctx, rule, {"fan_in": fan_in, "fan_out": fan_out})
    torch.manual_seed(0)
    W = torch_init(torch.empty(fan_out, fan_in, dtype=torch.float64, device=device())).cpu().numpy()
    lo, hi = suite.chi2_interval(W.size)
    assert lo <= float(np.mean(W ** 2)) / var <= hi


# ---------------------------------------------------------------- properties of the reference

@given(x=st.floats(-700, 700))
def test_reference_sigmoid_identities(x):
    from reference.activations.activations import sigmoid_backward, sigmoid_forward, tanh_forward
    s, cache = sigmoid_forward(np.array([x, -x]))
    assert np.isfinite(s).all() and abs(s[0] + s[1] - 1) < 1e-12
    assert 0 <= sigmoid_backward(np.ones(2), cache)[0] <= 0.25
    assert abs(tanh_forward(np.array(x))[0] - (2 * sigmoid_forward(np.array(2 * x))[0] - 1)) < 1e-12


def test_lecture_sigmoid_values():
    """The slides: σ'(x) at x = −10, 0, 10 (saturation) and the neuron with w = [2, −3, −3], x = [−1, −2]."""
    from reference.activations.activations import sigmoid_backward, sigmoid_forward, sigmoid_neuron
    _, cache = sigmoid_forward(np.array([-10.0, 0.0, 10.0]))
    np.testing.assert_allclose(sigmoid_backward(np.ones(3), cache), [4.5396e-5, 0.25, 4.5396e-5], rtol=1e-4)
    f, dw, dx = sigmoid_neuron(np.array([2.0, -3.0, -3.0]), np.array([-1.0, -2.0]))
    assert round(f, 2) == 0.73 and np.allclose(np.round(dx, 1), [0.4, -0.6]) and np.allclose(np.round(dw, 1),
                                                                                            [-0.2, -0.4, 0.2])


def test_lecture_experiment_figures_and_the_noise_model():
    """The reference reproduces the lecture's printed layer-1 figures, and the spread over seeds stays within the
    suite's noise model (a right run must not fail by bad luck): 4 seeds, the two configurations of each kind."""
    from reference.activations.initialization import layer_statistics
    printed = {("small", "tanh"): 0.213081, ("xavier", "tanh"): 0.627953, ("xavier", "relu"): 0.582273,
               ("he", "relu"): 0.825232, ("large", "tanh"): 0.981879}
    for (init, nl), std1 in printed.items():
        _, stds = layer_statistics(init, nl, num_layers=1, seed=0)
        assert abs(stds[0] / std1 - 1) < 0.01
    for init, nl in (("xavier", "tanh"), ("he", "relu")):
        logs = np.log([layer_statistics(init, nl, seed=seed)[1] for seed in range(4)])
        spread = logs.std(axis=0, ddof=1)
        for layer in range(1, 11):
            assert spread[layer - 1] <= 1.5 * suite.NOISE[nl](layer), (init, nl, layer, spread)
        assert np.max(np.ptp(logs, axis=0) / [suite.NOISE[nl](l) for l in range(1, 11)]) < suite.Z * math.sqrt(2)


STUDENT_STYLE = '''import math
import numpy as np


def sigmoid_forward(x):
    out = 1 / (1 + np.exp(-x))          # the textbook form: overflows to inf for x = -1000, still right
    cache = x
    return out, cache


def sigmoid_backward(dout, cache):
    x = cache
    s = 1 / (1 + np.exp(-x))
    dx = dout * s * (1 - s)
    return dx


def sigmoid_neuron(w, x):
    dot = w[0] * x[0]
    for i in range(1, len(x)):
        dot += w[i] * x[i]
    f = 1.0 / (1 + math.exp(-(dot + w[-1])))
    ddot = (1 - f) * f
    dx = np.array([w[i] * ddot for i in range(len(x))])
    dw = np.array([x[i] * ddot for i in range(len(x))] + [1.0 * ddot])
    return f, dw, dx


def tanh_forward(x):
    return np.tanh(x), x


def tanh_backward(dout, cache):
    return dout * (1 - np.tanh(cache) ** 2)


def leaky_relu_forward(x, alpha=0.01):
    out = x.copy()
    out[x < 0] *= alpha
    return out, (x, alpha)


def leaky_relu_backward(dout, cache):
    x, alpha = cache
    dx = dout.copy()
    dx[x <= 0] *= alpha
    return dx


def prelu_forward(x, alpha):
    out = x.copy()
    for c in range(x.shape[1]):
        a = alpha[0] if alpha.size == 1 else alpha[c]
        channel = out[:, c]
        channel[channel < 0] *= a
    return out, (x, alpha)


def prelu_backward(dout, cache):
    x, alpha = cache
    dx, dalpha = dout.copy(), np.zeros_like(alpha)
    for c in range(x.shape[1]):
        neg = x[:, c] <= 0
        a = alpha[0] if alpha.size == 1 else alpha[c]
        dx[:, c][neg] *= a
        dalpha[0 if alpha.size == 1 else c] += np.sum(x[:, c][neg] * dout[:, c][neg])
    return dx, dalpha


def elu_forward(x, alpha=1.0):
    out = np.where(x > 0, x, alpha * (np.exp(x) - 1))
    return out, (x, out, alpha)


def elu_backward(dout, cache):
    x, out, alpha = cache
    return dout * np.where(x > 0, 1.0, out + alpha)      # alpha * e^x = out + alpha where x <= 0


def maxout_forward(x, w, b):
    scores = np.stack([x.dot(w[j]) + b[j] for j in range(w.shape[0])])
    return scores.max(axis=0), (x, w, scores.argmax(axis=0))


def maxout_backward(dout, cache):
    x, w, best = cache
    dx, dw, db = np.zeros_like(x), np.zeros_like(w), np.zeros((w.shape[0], w.shape[2]))
    for j in range(w.shape[0]):
        d = dout * (best == j)
        dx += d.dot(w[j].T)
        dw[j] = x.T.dot(d)
        db[j] = d.sum(axis=0)
    return dx, dw, db


def maxout_num_params(D, H, k=2):
    return (D * H + H) * k
'''


def test_student_style_activations_keep_full_marks(tmp_path):
    """Loops, in-place masks on copies, caching x instead of the output, the overflowing textbook sigmoid."""
    path = tmp_path / "student"
    path.mkdir()
    (path / "activations.py").write_text(STUDENT_STYLE)
    checks = tuple(c.name for c in suite.ASSIGNMENT.checks
                   if not set(c.symbols) & {suite.SMALL, suite.XAVIER, suite.HE, suite.STATS})
    result = graded(str(path), "activations", checks)
    assert len(result) == len(checks) and all(o.status == "passed" for o in result.values()), \
        {n: o.output for n, o in result.items() if o.status != "passed"}
