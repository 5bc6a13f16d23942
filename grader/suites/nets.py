"""Driving a model through call plans: CS231n's classifiers are objects with a `params` dict and
`loss(X, y=None, ...)`, which returns the scores when y is None and (loss, grads) otherwise.

Shared by the neural_net, linear_classifiers and models suites. A `Net` says how to build one model
class; the builders below make the plans every model check uses:
- the parent chooses the weights: they are written into `model.params` (`params.update(...)`) before any
  call, so the student's initialisation never decides a value check, and both sides compute the same thing;
- `init_check` looks at the student's own initialisation (seeded in the worker): keys, shapes, dtype, zero
  biases, unit gammas, weight scale;
- `sgd` runs plain SGD on the student's model inside the worker (NumPy calls between the student's, one
  round trip); the parent judges the losses it returns.
Nothing here computes a graded function's answer: the reference (in reference/) does, on the parent's side.
"""
import math
from dataclasses import dataclass

import numpy as np

from ..checks.cases import Cases
from ..checks.compare import Compare
from ..checks.gradient import Gradient
from ..checks.prop import Property
from ..checks.validate import Fail, as_scalar, check_value, describe, rel_error
from ..spec import HIDDEN

DTYPE = "float64"   # dtype= passed to models that take one: a string numpy reads as np.float64 (types cannot
                    # cross the wire) — `.astype(dtype)` and `np.zeros(..., dtype=dtype)` accept it alike


@dataclass(frozen=True)
class Net:
    """How to build and call one model class."""
    cls: str                                  # the class name, e.g. "FullyConnectedNet"
    ctor: object                              # (plan, inputs) -> (args, kwargs) of the constructor
    names: object                             # inputs -> the parameter names, in order
    loss_args: object = lambda inputs: ()     # extra positional arguments of loss after (X, y): (reg,) for a1


def build(plan, net, inputs, params=None):
    """A model made by the plan, with the parent's weights (inputs[name], or `params`) written into it. One
    model per plan and class: the gradient check makes many calls to the same model."""
    made = plan.__dict__.setdefault("_models", {})
    if net.cls not in made:
        args, kwargs = net.ctor(plan, inputs)
        made[net.cls] = plan.new(net.cls, *args, **kwargs)
    model = made[net.cls]
    values = params if params is not None else {n: inputs[n] for n in net.names(inputs)}
    if values:
        plan.method(params_of(plan, model), "update", values)
    return model


def params_of(plan, model):
    return plan.library("builtins.getattr", model, "params")


def scores(net):
    """Compare build: the scores of loss(X) (y omitted: test time)."""
    return lambda plan, i: plan.method(build(plan, net, i), "loss", i["X"])


def loss(net):
    """Compare build: (loss, grads) of loss(X, y, ...)."""
    return lambda plan, i: plan.method(build(plan, net, i), "loss", i["X"], i["y"], *net.loss_args(i))


def forward(net):
    """Gradient forward: the loss alone, with the (perturbed) parameters of `args`."""
    return lambda plan, args: plan.method(build(plan, net, args), "loss", args["X"], args["y"],
                                          *net.loss_args(args))[0]


def analytic(net):
    """Gradient analytic: grads[name] for every parameter, in order."""
    def refs(plan, i):
        out = plan.method(build(plan, net, i), "loss", i["X"], i["y"], *net.loss_args(i))
        return [out[1][n] for n in net.names(i)]
    return refs


def seed(plan, value):
    """np.random.seed(value) in the worker (student-only plans: the reference runner resolves no NumPy)."""
    plan.use_numpy("random.seed")
    plan.call("random.seed", value)


def hinted(message, category, hint=None, abort=False):
    """A Fail whose message ends with its hint (visible checks show the message, hidden ones the hint)."""
    return Fail(message + ("\nhint: " + hint if hint else ""), category, hint=hint, abort=abort)


# ---------------------------------------------------------------- regularization diagnoses

def reg_hints(inputs, scale, weights, label="reg·ΣW²"):
    """Rules naming a wrong regularization: `scale` is the course's factor of reg·ΣW² (1.0 or 0.5), `weights`
    the regularized parameter names; the biases (b*) are not regularized."""
    reg = inputs.get("reg", 0.0)
    W = {n: np.asarray(inputs[n], float) for n in weights}
    biases = {n: np.asarray(v, float) for n, v in inputs.items() if n[:1] == "b" and n[1:].isdigit()}
    total = sum(float(np.sum(w * w)) for w in W.values())

    def fitted(d, r):
        a = float(np.sum(d * r) / np.sum(r * r)) if np.sum(r * r) else 0.0
        return a if a and rel_error(d, a * r) < 1e-6 else None

    def in_loss(s, e):
        if np.ndim(s) or not reg or not total:
            return None
        a = (float(s) - float(e)) / (reg * total)
        if abs(a + scale) < 1e-6:
            return "the regularization term (%s·%s) is missing from the loss" % (_n(scale), label)
        if abs(a) > 1e-9 and abs(scale + a - round(scale + a, 1)) < 1e-6 and scale + a > 0:
            return "the loss has %s·%s; this course uses %s·%s" % (_n(scale + a), label, _n(scale), label)
        bias_total = sum(float(np.sum(b * b)) for b in biases.values())
        if bias_total and abs(float(s) - float(e) - scale * reg * bias_total) < 1e-8 * max(1, abs(float(e))):
            return "the biases are regularized too: only the weights are"
        return None

    def in_grad(s, e):
        if not reg or np.ndim(s) == 0:
            return None
        d = np.asarray(s, float) - np.asarray(e, float)
        for name, w in W.items():
            if w.shape == d.shape and (a := fitted(d, reg * w)) is not None:
                if abs(a + 2 * scale) < 1e-6:
                    return "the regularization gradient (%s·reg·%s) is missing from d%s" % (_n(2 * scale), name, name)
                return ("d%s has %s·reg·%s from the regularization; the term %s·%s has the gradient %s·reg·%s"
                        % (name, _n(2 * scale + a), name, _n(scale), label, _n(2 * scale), name))
        for name, b in biases.items():
            if b.shape == d.shape and b.any() and fitted(d, reg * b) is not None:
                return "d%s has a regularization term: the biases are not regularized" % name
        return None

    return [in_loss, in_grad]


def _n(x):
    return "%g" % x


def half_reg_hints(inputs, settings=None):
    """Diagnoses for CS231n's assignment-2 models, whose loss has 0.5·reg·ΣW² over every weight W1, W2, ..."""
    weights = [n for n in inputs if n[:1] == "W" and n[1:].isdigit()]
    return reg_hints(inputs, 0.5, weights) + [averaging_hint(inputs)]


def averaging_hint(inputs):
    N = inputs["X"].shape[0]

    def rule(s, e):
        if N > 1 and np.shape(s) == np.shape(e) and np.allclose(s, N * np.asarray(e), rtol=1e-6) \
                and not np.allclose(s, e):
            return "yours is N=%d times the expected value: average the data loss (and its gradients) over N" % N
        return None
    return rule


# ---------------------------------------------------------------- the student's own initialisation

@dataclass(frozen=True)
class Expected:
    """What a freshly built model's params must look like: name -> (shape, kind), kind one of "weight"
    (mean 0, std `scale`), "zeros", "ones"."""
    shapes: dict
    scale: float
    dtype: str = "float64"


def check_init(params, expected, what):
    """The student's params dict against `expected` (a Fail names the first difference)."""
    if type(params) is not dict:
        raise hinted("%s.params should be a dict, got %s" % (what, describe(params)), "wrong type",
                   hint="self.params = {} in the constructor, then self.params['W1'] = ...")
    missing = [k for k in expected.shapes if k not in params]
    if missing:
        raise hinted("%s.params has no %s (it has: %s)" % (what, ", ".join(missing), ", ".join(sorted(map(str, params)))
                                                         or "nothing"),
                   "missing parameters", hint="name the parameters W1, b1, W2, b2, ... (gamma1, beta1, ... with "
                                              "normalization), as the docstring says")
    for name, (shape, kind) in expected.shapes.items():
        value = params[name]
        check_value(value, np.zeros(shape, dtype=expected.dtype), "params[%r]" % name, np.inf)
        if value.dtype != np.dtype(expected.dtype):
            raise hinted("params[%r] has dtype %s; the model's dtype is %s" % (name, value.dtype, expected.dtype),
                       "wrong dtype", hint="cast every parameter to dtype (the provided code: "
                                           "self.params[k] = v.astype(dtype))")
        if kind in ("zeros", "ones"):
            want = 0.0 if kind == "zeros" else 1.0
            if not np.all(value == want):
                raise hinted("params[%r] should be all %s at initialisation, found values from %.4g to %.4g"
                           % (name, kind, value.min(), value.max()), "wrong initialisation",
                           hint="biases and betas start at 0, gammas at 1")
            continue
        std, mean = float(value.std()), float(value.mean())
        if not (0.8 * expected.scale <= std <= 1.25 * expected.scale) or abs(mean) > 0.2 * expected.scale:
            hint = "weights are weight_scale * np.random.randn(...) (standard deviation weight_scale)"
            if std > 0 and abs(std - expected.scale ** 2) < 0.25 * expected.scale ** 2:
                hint = ("the standard deviation is weight_scale², not weight_scale: weights are weight_scale * "
                        "np.random.randn(...)")
            elif std == 0:
                hint = ("all weights are equal, and equal weights never break the symmetry: draw them as "
                        "weight_scale * np.random.randn(...)")
            raise hinted("params[%r] should be drawn from N(0, %g²): its entries have mean %.3g and standard deviation "
                       "%.3g" % (name, expected.scale, mean, std), "wrong initialisation", hint=hint)
    return "%d parameters as expected" % len(expected.shapes)


def init_check(ctx, net, inputs, expected, seed_value=0):
    """Build the model in the worker (np.random seeded) and check its params (names, shapes, dtype, scale)."""
    plan = ctx.plan()
    seed(plan, seed_value)
    args, kwargs = net.ctor(plan, inputs)
    model = plan.new(net.cls, *args, **kwargs)
    plan.returns(params_of(plan, model))
    (params,) = ctx.run_student(plan)
    check_init(params, expected, net.cls)


def loss_at_init(ctx, net, inputs, tol=0.05):
    """With the student's own small random weights and reg 0, the loss is about ln C (every class equally
    likely)."""
    plan = ctx.plan()
    seed(plan, 1)
    args, kwargs = net.ctor(plan, inputs)
    model = plan.new(net.cls, *args, **kwargs)
    plan.returns(plan.method(model, "loss", inputs["X"], inputs["y"], *net.loss_args(inputs)))
    (out,) = ctx.run_student(plan)
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise hinted("loss(X, y) should return (loss, grads), returned %s" % describe(out), "wrong return value",
                   hint="return loss, grads when y is given")
    value = as_scalar(out[0], "the loss")
    C = inputs["C"]
    if not abs(value - math.log(C)) <= tol:
        raise hinted("with small random weights every class is about equally likely, so the loss should be about "
                   "ln(C) = ln(%d) = %.4f; yours is %.6g" % (C, math.log(C), value), "wrong loss at initialisation",
                   hint="softmax cross-entropy with the natural log, averaged over N (and small initial weights)")


def make_at_init(p):
    """p plus X (N, *input_dim) and y for a loss-at-initialisation check."""
    rng = np.random.default_rng(p["seed"])
    return dict(p, X=rng.standard_normal((p["N"],) + tuple(p["input_dim"])), y=rng.integers(0, p["C"], p["N"]))


def at_init_check(net, params, points=1):
    """The loss of the student's own initialisation (weight_scale 1e-3, reg 0) is ln C."""
    return Property(net.cls + ".loss_at_init", points, (net.cls,), cases=Cases(make_at_init, (params,)),
                    body=lambda ctx, i: loss_at_init(ctx, net, i, tol=1e-3),
                    description="with weight_scale=1e-3 and reg=0 the loss is ln(C) (every class equally likely)")


def model_checks(net, make, public, drawn, wrt_case, points, hints=half_reg_hints, **kw):
    """The value checks of one model class on parent-chosen weights: scores of loss(X); (loss, grads) of
    loss(X, y) against the reference (public and drawn; hidden); the gradient of the student's own loss."""
    cls, cases = net.cls, Cases(make, public, drawn)
    return [
        Compare(cls + ".scores", 1, (cls,), cases=cases, build=scores(net), labels=("scores",), tol=1e-7,
                examples=2, description="loss(X) returns the scores (N, C) of fixed weights", **kw),
        Compare(cls + ".loss", points, (cls,), cases=cases, build=loss(net), labels=("loss", "grads"),
                tol=1e-7, hints=hints, examples=3,
                description="loss(X, y) returns (loss, grads) equal to the reference's on fixed weights", **kw),
        Compare(cls + ".hidden", 1, (cls,), HIDDEN, cases=Cases(make, (), drawn), build=loss(net),
                labels=("loss", "grads"), tol=1e-7, hints=hints, examples=6, description="the same on hidden inputs",
                **kw),
        Gradient(cls + ".numerical_gradient", 2, (cls,), cases=Cases(make, (wrt_case,)), forward=forward(net),
                 analytic=analytic(net), wrt=net.names(make(wrt_case)), directions=2, probes=2, tol=1e-5,
                 description="grads match centred differences of your own loss", **kw),
    ]


# ---------------------------------------------------------------- training inside the worker

def blobs(p):
    """A separable problem: C clusters (std 0.5) around C points evenly spread on a circle of radius 4 in the
    first two of D dimensions, N points; the first 10 are also the validation set."""
    rng = np.random.default_rng(p["seed"])
    C, D = p["C"], p["D"]
    angles = 2 * np.pi * np.arange(C) / C + rng.uniform(0, 2 * np.pi)
    centres = np.zeros((C, D))
    centres[:, 0], centres[:, 1] = 4 * np.cos(angles), 4 * np.sin(angles)
    y = rng.permutation(np.arange(p["N"]) % C)
    X = centres[y] + rng.standard_normal((p["N"], D)) * 0.5
    return {"X": X, "y": y, "X_val": X[:10], "y_val": y[:10], "C": C, "D": D, "seed": p["seed"]}


def blob_params():
    from ..checks import strategies as st
    return st.fixed_dictionaries({"C": st.integers(2, 5), "D": st.integers(2, 6), "N": st.integers(40, 80),
                                  "seed": st.integers(0, 999)})


def check_history(history, num_iters):
    """A loss history: a list (or array) of num_iters numbers."""
    if not isinstance(history, (list, tuple)) and type(history) is not np.ndarray:
        raise hinted("the loss history should be a list, got %s" % describe(history), "wrong return value",
                   hint="append the minibatch loss to a list every iteration and return it")
    if len(history) != num_iters:
        raise hinted("the loss history has %d entries after num_iters=%d: append the minibatch loss every iteration"
                   % (len(history), num_iters), "wrong loss history")
    return [as_scalar(v, "loss_history[%d]" % k) for k, v in enumerate(history)]


def check_training(first, second, whole, what, below=0.5):
    """Two loss histories of one training run repeated after the same np.random.seed, and the loss of the
    starting weights on the whole training set: the runs agree (reproducible), the first minibatch loss is not
    the whole set's (minibatches are sampled), and the loss falls below `below` of its start."""
    if first != second:
        raise hinted("train gave two different loss histories after the same np.random.seed", "not reproducible",
                   hint="sample the minibatches with np.random (np.random.choice), not Python's random module")
    if abs(first[0] - whole) < 1e-12:
        raise hinted("the first loss of train equals the loss on the whole training set: train must sample a "
                   "minibatch of batch_size examples each iteration", "not minibatch SGD",
                   hint="X_batch = X[idx], y_batch = y[idx] with idx = np.random.choice(num_train, batch_size)")
    judge_losses(first, below * first[0], what)


def sgd(plan, model, names, X, y, learning_rate, steps, loss_args=()):
    """`steps` SGD steps on the student's model in the worker: loss, grads = model.loss(X, y); each
    params[name] -= learning_rate * grads[name] (NumPy calls, in place: the model reads self.params at call
    time, as CS231n's gradient checks require). Returns the refs of the losses."""
    plan.use_numpy("multiply", "subtract")
    params = params_of(plan, model)
    losses = []
    for _ in range(steps):
        out = plan.method(model, "loss", X, y, *loss_args)
        losses.append(out[0])
        for n in names:
            step = plan.call("multiply", out[1][n], learning_rate)
            plan.call("subtract", params[n], step, out=params[n])
    return losses


def judge_losses(values, below, what):
    """The losses of a training run: finite numbers, the mean of the last five below `below`."""
    losses = [as_scalar(v, "the loss of step %d" % i) for i, v in enumerate(values)]
    if not all(np.isfinite(losses)):
        i = next(i for i, v in enumerate(losses) if not np.isfinite(v))
        raise hinted("%s: the loss became %s at step %d" % (what, losses[i], i), "training diverged",
                   hint="a gradient that is far too large (not averaged over N?) or of the wrong sign")
    last = float(np.mean(losses[-5:]))
    if not last < below:
        raise hinted("%s: the loss went from %.4g to %.4g (the mean of the last five) in %d steps; a correct model "
                   "gets below %.3g here" % (what, losses[0], last, len(losses), below), "does not learn",
                   hint="the gradients do not point downhill: check their signs and which parameter each belongs to")
    return losses
