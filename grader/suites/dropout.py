"""Checks of inverted dropout, the lecture's non-inverted variant and the expected-activation exercise.

Random masks are judged by statistics, never by exact values: any order of random calls is legitimate.
Every statistical test is a two-sided bound that a correct solution leaves with probability at most
ALPHA = 1e-9, whatever the sizes (no normal approximation):
- the number of kept units, K ~ Binomial(n, keep): the Chernoff bound P(K/n ≤ q) ≤ exp(−n·KL(q‖keep)) for
  q < keep (and the same above), solved for exp(−n·KL) = ALPHA/2 on each side (`kept_interval`);
- a mean of n independent bounded values (the train-mode mean, the Monte-Carlo estimate): Hoeffding,
  P(|mean − E| ≥ s) ≤ 2·exp(−2n²s² / Σ rangeᵢ²) (`hoeffding`);
- "this column of the batch is all kept or all dropped", at most D·(keepᴺ + (1 − keep)ᴺ) ≤ ALPHA for the
  drawn sizes.
A grading runs about 60 of them, fewer than MAX_TESTS = 500 (tests/test_dropout.py counts), so a correct
solution loses a point by bad luck with probability below MAX_TESTS·ALPHA = 5e-7 < 1e-6.

The course setting DROPOUT_P ("keep": CS231n 2018+, "drop": 2016–17; the profile's `dropout_p`, or the course
file's `dropout_p` shorthand) sets DROPOUT_P_IS_KEEP in the student's dropout.py and the reference's alike, and
decides how the checks below turn a keep probability into the `p` they pass.
"""
import math

import numpy as np
from ..checks import strategies as st

from ..checks.cases import Cases
from ..checks.gradient import Gradient
from ..checks.prop import Property
from ..checks.validate import Fail, as_scalar, check_value, describe
from ..spec import HIDDEN, Assignment, Setting

ALPHA = 1e-9
MAX_TESTS = 500
FORWARD, BACKWARD = "dropout_forward", "dropout_backward"
NI_FORWARD, NI_BACKWARD = "dropout_forward_noninverted", "dropout_backward_noninverted"
EXPECTED, EMPIRICAL = "expected_activation", "empirical_activation"
KEEPS = [0.1, 0.25, 0.4, 0.5, 0.7, 0.8, 0.95]


def p_for(ctx, keep):
    """The dropout_param['p'] that means `keep` under the course's convention."""
    return keep if ctx.setting("DROPOUT_P") == "keep" else round(1.0 - keep, 12)


def convention(ctx):
    return "p is the probability of KEEPING a unit (CS231n 2018+)" if ctx.setting("DROPOUT_P") == "keep" \
        else "p is the probability of DROPPING a unit (CS231n 2016–17)"


def hinted(message, category, hint=None, abort=False):
    """A Fail whose message ends with its hint (visible checks show the message, hidden ones the hint)."""
    return Fail(message + ("\nhint: " + hint if hint else ""), category, hint=hint, abort=abort)


# ---------------------------------------------------------------- the bounds

def _kl(q, p):
    out = 0.0
    if q > 0:
        out += q * math.log(q / p)
    if q < 1:
        out += (1 - q) * math.log((1 - q) / (1 - p))
    return out


def kept_interval(n, keep, alpha=ALPHA):
    """[lo, hi]: a correct Binomial(n, keep) count of kept units falls outside with probability <= alpha."""
    if keep >= 1.0:
        return n, n
    t = math.log(2 / alpha) / n

    def solve(a, b):   # the q between a and b (b = keep) where KL(q‖keep) = t; KL decreases towards keep
        if _kl(a, keep) <= t:
            return a
        for _ in range(100):
            mid = (a + b) / 2
            a, b = (mid, b) if _kl(mid, keep) > t else (a, mid)
        return a

    return solve(0.0, keep) * n, solve(1.0, keep) * n


def hoeffding(ranges, alpha=ALPHA):
    """s such that the mean of independent values with these ranges is within s of its expectation,
    except with probability <= alpha."""
    ranges = np.asarray(ranges, dtype=float)
    return math.sqrt(math.log(2 / alpha) * float(np.sum(ranges ** 2)) / 2) / ranges.size


def check_kept_count(kept, n, keep, what, ctx):
    lo, hi = kept_interval(n, keep)
    if not lo <= kept <= hi:
        hint = None
        flo, fhi = kept_interval(n, 1 - keep)
        if keep != 0.5 and flo <= kept <= fhi:
            hint = "p is read the other way round: in this course %s" % convention(ctx)
        raise hinted("%s kept %d of %d units (%.4f); with a keep probability of %g a correct dropout keeps between "
                     "%d and %d (a bound a correct solution misses with probability < 1e-9)"
                     % (what, kept, n, kept / n, keep, math.ceil(lo), math.floor(hi)), "wrong fraction dropped",
                     hint=hint or "each unit must be kept independently with the keep probability")


def check_mean(out, x, keep, what):
    s = hoeffding(np.abs(x) / keep)
    if not abs(float(out.mean()) - float(x.mean())) <= s:
        ratio = float(out.mean()) / float(x.mean()) if x.mean() else float("nan")
        hint = ("the mean shrank by the keep probability: the kept units must be divided by the keep probability "
                "(inverted dropout)" if abs(ratio - keep) < 0.1 * keep else
                "the kept units must be divided by the keep probability (inverted dropout)")
        raise hinted("%s: the mean of out is %.5g, the mean of x is %.5g; inverted dropout keeps the mean (within "
                     "%.3g here)" % (what, out.mean(), x.mean(), s), "mean not preserved", hint=hint)


# ---------------------------------------------------------------- calling the student's forward

def forward(ctx, x, param, symbol=FORWARD):
    """(out, cache) from one call, validated: out an array of x's shape and dtype (the cache is not looked at:
    statistics are taken on out)."""
    plan = ctx.plan()
    plan.returns(plan.call(symbol, x, param))
    (result,) = ctx.run_student(plan)
    return unpack(result, x, symbol)


def unpack(result, x, symbol, with_mask=False):
    """Validate (out, cache); with_mask: also the train-mode cache (dropout_param, mask), mask of x's shape."""
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise hinted("%s should return (out, cache), returned %s" % (symbol, describe(result)), "wrong return value",
                     hint="return out, cache")
    out, cache = result
    check_value(out, np.zeros(x.shape, dtype=x.dtype), "out", np.inf)   # type, dtype, shape, finiteness
    if with_mask:
        if not isinstance(cache, (tuple, list)) or len(cache) != 2:
            raise hinted("the cache should be (dropout_param, mask), got %s" % describe(cache), "wrong cache",
                         hint="cache = (dropout_param, mask), as in CS231n")
        check_value(cache[1], np.zeros(x.shape), "the mask in the cache", np.inf)
    return out, cache


def train_param(ctx, keep, seed):
    return {"p": p_for(ctx, keep), "mode": "train", "seed": seed}


# ---------------------------------------------------------------- inverted dropout: forward

def make_notebook(_):
    """CS231n's notebook: x = randn(500, 500) + 10 after np.random.seed(231)."""
    return {"x": np.random.RandomState(231).randn(500, 500) + 10}


NOTEBOOK_KEEPS = (0.25, 0.4, 0.7)   # 2018+ p in [0.25, 0.4, 0.7]; the 2016–17 drop p in [0.75, 0.6, 0.3]


def notebook(ctx, inputs):
    x = inputs["x"]
    for keep in NOTEBOOK_KEEPS:
        p = p_for(ctx, keep)
        out, _ = forward(ctx, x, {"mode": "train", "p": p})
        check_kept_count(int(np.count_nonzero(out)), x.size, keep, "with p = %g, train mode" % p, ctx)
        check_mean(out, x, keep, "with p = %g" % p)
        out_test, _ = forward(ctx, x, {"mode": "test", "p": p})
        check_value(out_test, x, "test-mode out (p = %g)" % p, 0, exact=True)


def make_train(p):
    """x > 0 with no zeros (a dropped unit is then a 0 in out), shape (N, D)."""
    rng = np.random.default_rng(p["seed"])
    return {"x": rng.uniform(0.5, 2.0, size=(p["N"], p["D"])), "keep": p["keep"], "seed": p["seed"]}


TRAIN_PUBLIC = ({"N": 200, "D": 50, "keep": 0.3, "seed": 0}, {"N": 100, "D": 30, "keep": 0.8, "seed": 1},
                {"N": 3, "D": 4, "keep": 0.5, "seed": 2})
TRAIN_DRAWN = st.fixed_dictionaries({"N": st.integers(1, 150), "D": st.integers(1, 60), "keep": st.sampled_from(KEEPS),
                                     "seed": st.integers(0, 2 ** 31 - 1)})


def train_statistics(ctx, inputs):
    """Kept fraction within the bound, kept units scaled by 1/keep (dropped ones 0), mean preserved."""
    x, keep = inputs["x"], inputs["keep"]
    param = train_param(ctx, keep, inputs["seed"])
    out, _ = forward(ctx, x, param)
    kept = out != 0
    check_kept_count(int(kept.sum()), x.size, keep, "train mode (p = %g)" % param["p"], ctx)
    if kept.any():
        s, e = out[kept].astype(float), x[kept] / keep
        if not np.allclose(s, e, rtol=1e-5 if out.dtype == np.float32 else 1e-10):
            hint = "inverted dropout divides the kept units by the keep probability %g" % keep
            if np.allclose(s, x[kept]):
                hint = "the kept units are not rescaled: inverted dropout divides them by the keep probability %g" % keep
            elif np.allclose(s, x[kept] * keep):
                hint = ("the kept units are multiplied by the keep probability; inverted dropout divides them by it "
                        "(%g)" % keep)
            elif keep != 0.5 and np.allclose(s, x[kept] / (1 - keep)):
                hint = "p is read the other way round: in this course %s" % convention(ctx)
            raise hinted("a kept unit should be x / keep: x = %.6g gave %.6g (keep = %g)"
                         % (x[kept][0], s[0], keep), "wrong scaling", hint=hint)
    check_mean(out, x, keep, "train mode (p = %g)" % param["p"])


def test_mode(ctx, inputs):
    x = inputs["x"] - 1.2   # negative values too
    p = p_for(ctx, inputs["keep"])
    out, _ = forward(ctx, x, {"p": p, "mode": "test"})
    if type(out) is np.ndarray and out.shape == x.shape and np.allclose(out, x * inputs["keep"]) \
            and inputs["keep"] != 1:
        raise hinted("test-mode out is x · keep; with inverted dropout test mode is the identity", "test mode scales",
                     hint="the rescaling happens at train time (divide by keep); test mode returns x unchanged")
    check_value(out, x, "test-mode out", 0, exact=True)


def make_batch(p):
    return {"x": np.ones((p["N"], p["D"])), "keep": p["keep"], "seed": p["seed"]}


BATCH_PUBLIC = ({"N": 300, "D": 6, "keep": 0.5, "seed": 5},)
BATCH_DRAWN = st.fixed_dictionaries({"N": st.integers(250, 400), "D": st.integers(2, 20),
                                     "keep": st.sampled_from([0.25, 0.4, 0.5, 0.7, 0.8, 0.9]),
                                     "seed": st.integers(0, 2 ** 31 - 1)})


def per_sample_masks(ctx, inputs):
    """Every sample (row) draws its own mask: no column is all kept or all dropped across a batch of
    N >= 250 (probability <= D·(keepᴺ + (1 − keep)ᴺ) <= 1e-10 for a correct solution)."""
    x, keep = inputs["x"], inputs["keep"]
    out, _ = forward(ctx, x, train_param(ctx, keep, inputs["seed"]))
    kept = out != 0
    constant = np.flatnonzero(kept.all(axis=0) | (~kept).all(axis=0))
    if constant.size:
        raise hinted(("column %d is kept in all %d samples of the batch: the samples share one mask"
                      if kept[0, constant[0]] else
                      "column %d is dropped in all %d samples of the batch: the samples share one mask")
                     % (constant[0], x.shape[0]), "mask shared across the batch",
                     hint="draw the mask with x's full shape (np.random.rand(*x.shape)), not one row for the batch")
    check_kept_count(int(kept.sum()), x.size, keep, "train mode", ctx)


def same_seed(ctx, inputs):
    """The same seed gives the same output even when the global RNG moved in between; two seeds differ."""
    x, keep, seed = inputs["x"], inputs["keep"], inputs["seed"]
    plan = ctx.plan().use_numpy("random.rand")
    first = plan.call(FORWARD, x, train_param(ctx, keep, seed))
    plan.call("random.rand", 7)
    again = plan.call(FORWARD, x, train_param(ctx, keep, seed))
    other = plan.call(FORWARD, x, train_param(ctx, keep, seed + 1))
    plan.returns(first, again, other)
    a, b, c = (unpack(r, x, FORWARD)[0] for r in ctx.run_student(plan))
    if not np.array_equal(a, b):
        raise hinted("two calls with the same dropout_param['seed'] gave different outputs", "seed ignored",
                     hint="call np.random.seed(dropout_param['seed']) when a seed is given (provided code)")
    if np.array_equal(a, c) and 0 < keep < 1:   # equal masks for two seeds: probability <= 0.82**250
        raise hinted("seeds %d and %d gave the same output" % (seed, seed + 1), "seed not used",
                     hint="draw the mask after seeding with dropout_param['seed']")


def make_dtype(p):
    rng = np.random.default_rng(p["seed"])
    return {"x": rng.standard_normal((p["N"], p["D"])).astype(p["dtype"]), "keep": p["keep"], "seed": p["seed"]}


DTYPE_DRAWN = st.fixed_dictionaries({"N": st.integers(1, 20), "D": st.integers(1, 20), "keep": st.sampled_from(KEEPS),
                                     "dtype": st.sampled_from(["float32", "float64"]), "seed": st.integers(0, 2 ** 16)})


def dtype_and_input(ctx, inputs):
    """out has x's dtype and shape in both modes, and x is not modified."""
    x = inputs["x"]
    for mode in ("train", "test"):
        plan = ctx.plan()
        stored = plan.let(x)
        out = plan.call(FORWARD, stored, dict(train_param(ctx, inputs["keep"], inputs["seed"]), mode=mode))
        plan.returns(out, stored)
        result, after = ctx.run_student(plan)
        out, _ = unpack(result, x, FORWARD)
        if out.dtype != x.dtype:
            raise hinted("%s-mode out has dtype %s for x of dtype %s" % (mode, out.dtype, x.dtype), "dtype not kept",
                         hint="return out.astype(x.dtype, copy=False) (provided code)")
        if type(after) is not np.ndarray or not np.array_equal(after, x):
            raise hinted("dropout_forward modified its input x (%s mode)" % mode, "input modified",
                         hint="compute out as a new array (out = x * mask / keep), never x *= ...")


# ---------------------------------------------------------------- inverted dropout: backward

def make_gradient(p):
    """CS231n's backward test: x = randn(10, 10) + 10, dout = randn(10, 10), dropout seed 123. Whatever p means
    in the course, dx must be the derivative of the student's own (seeded, so deterministic) forward."""
    rs = np.random.RandomState(p["seed"])
    x = rs.randn(10, 10) + 10
    return {"x": x, "dout": rs.randn(*x.shape), "param": {"mode": "train", "p": p["p"], "seed": 123}}


def gradient_forward(plan, inputs):
    return plan.call(FORWARD, inputs["x"], inputs["param"])[0]


def gradient_analytic(plan, inputs):
    return [plan.call(BACKWARD, inputs["dout"], plan.call(FORWARD, inputs["x"], inputs["param"])[1])]


def mask_used(ctx, inputs):
    """dx = dout · mask / keep for the mask in the cache (a 0/1 mask, or one already divided by keep)."""
    x, keep = inputs["x"], inputs["keep"]
    dout = np.random.default_rng(inputs["seed"]).standard_normal(x.shape)
    plan = ctx.plan()
    fwd = plan.call(FORWARD, x, train_param(ctx, keep, inputs["seed"]))
    plan.returns(fwd, plan.call(BACKWARD, dout, fwd[1]))
    result, dx = ctx.run_student(plan)
    out, (_, mask) = unpack(result, x, FORWARD, with_mask=True)
    if not np.array_equal(mask != 0, out != 0):
        raise hinted("the mask in the cache is not the one forward used: it is nonzero where out is 0 (or the "
                     "other way round)", "cache mask differs", hint="cache = (dropout_param, mask) with the mask used")
    expected = dout * (mask != 0) / keep

    def forgets_keep(s, e):
        return "dx is missing the division by the keep probability" if np.allclose(s, dout * (mask != 0)) else None

    def ignores_mask(s, e):
        return "dx ignores the mask: the dropped units get no gradient" if np.allclose(s, dout / keep) else None

    check_value(dx, expected, "dx", 1e-10, [forgets_keep, ignores_mask])


# ---------------------------------------------------------------- the non-inverted variant

def noninverted(ctx, inputs):
    """Train: out = x · mask (no rescaling), kept fraction within the bound; test: out = keep · x."""
    x, keep = inputs["x"], inputs["keep"]
    param = train_param(ctx, keep, inputs["seed"])
    out, _ = forward(ctx, x, param, NI_FORWARD)
    kept = out != 0
    check_kept_count(int(kept.sum()), x.size, keep, "non-inverted train mode (p = %g)" % param["p"], ctx)
    if not np.allclose(out[kept], x[kept], rtol=1e-12):
        raise hinted("non-inverted dropout keeps a unit as it is: x = %.6g gave %.6g"
                     % (x[kept][0], out[kept][0]), "wrong scaling",
                     hint="no rescaling at train time in the non-inverted variant: out = x * mask")
    out_test, _ = forward(ctx, x, dict(param, mode="test"), NI_FORWARD)
    check_value(out_test, keep * x, "test-mode out (keep · x)", 1e-12)


def noninverted_backward(ctx, inputs):
    """Train: dx = dout · mask for the cache's mask; test: dx = keep · dout."""
    x, keep = inputs["x"], inputs["keep"]
    dout = np.random.default_rng(inputs["seed"] + 1).standard_normal(x.shape)
    param = train_param(ctx, keep, inputs["seed"])
    plan = ctx.plan()
    train = plan.call(NI_FORWARD, x, param)
    test = plan.call(NI_FORWARD, x, dict(param, mode="test"))
    plan.returns(train, plan.call(NI_BACKWARD, dout, train[1]), plan.call(NI_BACKWARD, dout, test[1]))
    result, dx_train, dx_test = ctx.run_student(plan)
    _, (_, mask) = unpack(result, x, NI_FORWARD, with_mask=True)
    check_value(dx_train, dout * (mask != 0), "train-mode dx", 1e-12)
    check_value(dx_test, keep * dout, "test-mode dx", 1e-12)


# ---------------------------------------------------------------- expected activations

def make_activation(p):
    a = p["a"] if not p.get("array") else np.linspace(-abs(p["a"]) - 1, abs(p["a"]) + 1, 5)
    return {"a": a, "keep": p["keep"], "variant": p["variant"], "mode": p["mode"]}


ACTIVATION_PUBLIC = tuple({"a": 1.5, "keep": 0.4, "variant": v, "mode": m}
                          for v in ("inverted", "noninverted") for m in ("train", "test")) \
    + ({"a": 2.0, "keep": 0.25, "variant": "noninverted", "mode": "train", "array": True},)
ACTIVATION_DRAWN = st.fixed_dictionaries({
    "a": st.floats(-10, 10, allow_nan=False), "keep": st.sampled_from(KEEPS),
    "variant": st.sampled_from(["inverted", "noninverted"]), "mode": st.sampled_from(["train", "test"]),
    "array": st.booleans()})


def expected_values(ctx, inputs):
    args = (inputs["a"], p_for(ctx, inputs["keep"]), inputs["variant"], inputs["mode"])
    (student,), (expected,) = ctx.both(lambda plan: [plan.call(EXPECTED, *args)])
    label = "expected_activation(a, p=%g, %r, %r)" % args[1:]
    if type(expected) is not np.ndarray:
        value = as_scalar(student, label)
        if abs(value - float(expected)) > 1e-12 * (1 + abs(float(expected))):
            keep, a = inputs["keep"], float(inputs["a"])
            hint = None
            if inputs["mode"] == "train" and abs(value - (a / keep if inputs["variant"] == "inverted" else a)) < 1e-9:
                hint = "you returned the output of a kept unit: weight each outcome by its probability " \
                       "(kept with probability keep, dropped otherwise)"
            raise hinted("%s is %.10g, expected %.10g" % (label, value, expected), "wrong value", hint=hint)
        return
    check_value(student, expected, label, 1e-12)


def make_empirical(p):
    return {"a": p["a"], "keep": p["keep"], "variant": p["variant"], "mode": p["mode"], "seed": p["seed"],
            "n": p["n"]}


EMPIRICAL_PUBLIC = ({"a": 1.5, "keep": 0.3, "variant": "inverted", "mode": "train", "seed": 7, "n": 20000},
                    {"a": -2.0, "keep": 0.8, "variant": "noninverted", "mode": "train", "seed": 8, "n": 20000},
                    {"a": 1.5, "keep": 0.3, "variant": "noninverted", "mode": "test", "seed": 9, "n": 1000})
EMPIRICAL_DRAWN = st.fixed_dictionaries({
    "a": st.floats(-5, 5, allow_nan=False).filter(lambda a: abs(a) > 0.1), "keep": st.sampled_from(KEEPS),
    "variant": st.sampled_from(["inverted", "noninverted"]), "mode": st.sampled_from(["train", "test"]),
    "seed": st.integers(0, 2 ** 31 - 1), "n": st.integers(2000, 30000)})


def empirical_values(ctx, inputs):
    """The Monte-Carlo mean is within a Hoeffding bound of the exact expectation (the reference's
    expected_activation), and the same seed gives the same estimate."""
    a, keep, variant, mode, n = inputs["a"], inputs["keep"], inputs["variant"], inputs["mode"], inputs["n"]
    p = p_for(ctx, keep)
    plan = ctx.plan()
    args = (a, p, variant, mode)
    plan.returns(plan.call(EMPIRICAL, *args, num_samples=n, seed=inputs["seed"]),
                 plan.call(EMPIRICAL, *args, num_samples=n, seed=inputs["seed"]))
    first, again = (as_scalar(v, "empirical_activation(...)") for v in ctx.run_student(plan))
    exact_plan = ctx.plan()
    exact_plan.returns(exact_plan.call(EXPECTED, a, p, variant, mode))
    exact = float(ctx.run_reference(exact_plan)[0])
    if first != again:
        raise hinted("two calls with seed=%d gave %.8g and %.8g" % (inputs["seed"], first, again), "seed ignored",
                     hint="pass the seed in dropout_param['seed'] to the forward function")
    top = abs(a) / keep if variant == "inverted" else abs(a)
    bound = hoeffding(np.full(n, top)) if mode == "train" else 1e-12 * (1 + abs(exact))
    if not abs(first - exact) <= bound:
        raise hinted("empirical_activation(a=%g, p=%g, %r, %r, num_samples=%d) = %.6g, but E[out] = %.6g (a correct "
                     "estimate is within %.3g)" % (a, p, variant, mode, n, first, exact, bound), "wrong estimate",
                     hint="run the real forward function of the variant on num_samples copies of a and average")


# ---------------------------------------------------------------- the checks

KEEP = {"keep": True, "drop": False}
SETTINGS = (Setting("DROPOUT_P", "keep", ("keep", "drop"), ((FORWARD, "DROPOUT_P_IS_KEEP", KEEP),),
                    "what dropout_param['p'] means: the probability of keeping a unit (CS231n 2018+) or of "
                    "dropping it (2016–17); sets DROPOUT_P_IS_KEEP in dropout.py", convention="dropout_p",
                    course_key="dropout_p", always=True),)


CHECKS = [
    Property("dropout_forward.notebook", 2, (FORWARD,), cases=Cases(make_notebook, ({},)), body=notebook, examples=0,
             description="CS231n's notebook: x = randn(500, 500) + 10, three p: mean kept, fraction dropped, "
                         "test mode returns x"),
    Property("dropout_forward.train", 2, (FORWARD,), cases=Cases(make_train, TRAIN_PUBLIC, TRAIN_DRAWN),
             body=train_statistics, examples=4,
             description="train mode: kept fraction within a binomial bound, kept units x / keep, mean preserved"),
    Property("dropout_forward.test_mode", 1, (FORWARD,), cases=Cases(make_train, TRAIN_PUBLIC[:2]), body=test_mode,
             examples=0, description="test mode is the identity"),
    Gradient("dropout_backward.numerical_gradient", 2, (FORWARD, BACKWARD),
             cases=Cases(make_gradient, ({"seed": 231, "p": 0.2}, {"seed": 232, "p": 0.8})),
             forward=gradient_forward, analytic=gradient_analytic, wrt=("x",), tol=1e-6,
             description="dx matches a numerical gradient of your own forward (p 0.2 and 0.8, seed 123, as CS231n)"),
    Property("dropout_backward.mask_used", 2, (FORWARD, BACKWARD), cases=Cases(make_train, TRAIN_PUBLIC, TRAIN_DRAWN),
             body=mask_used, examples=3,
             description="dx = dout · mask / keep for the mask in the cache (mask != 0 where a unit was kept)"),
    Property("dropout_forward.hidden", 2, (FORWARD,), HIDDEN, cases=Cases(make_train, (), TRAIN_DRAWN),
             body=train_statistics, examples=10, description="train-mode statistics on hidden inputs"),
    Property("dropout_forward.per_sample_masks", 1, (FORWARD,), HIDDEN,
             cases=Cases(make_batch, BATCH_PUBLIC, BATCH_DRAWN), body=per_sample_masks, examples=3,
             description="each sample of a batch has its own mask"),
    Property("dropout_forward.same_seed", 1, (FORWARD,), HIDDEN, cases=Cases(make_train, (), TRAIN_DRAWN.filter(
             lambda p: p["N"] * p["D"] >= 250)), body=same_seed, examples=3,
             description="the same seed gives the same output, another seed another one"),
    Property("dropout_forward.dtype_and_input", 1, (FORWARD,), HIDDEN, cases=Cases(make_dtype, (), DTYPE_DRAWN),
             body=dtype_and_input, examples=4, rests_on=("dropout_forward.test_mode",),
             description="out keeps x's dtype; x is not modified"),
    Property("dropout_backward.hidden", 1, (FORWARD, BACKWARD), HIDDEN, cases=Cases(make_train, (), TRAIN_DRAWN),
             body=mask_used, examples=6, description="backward with the cache's mask on hidden inputs"),
    Property("noninverted.forward", 1, (NI_FORWARD,), cases=Cases(make_train, TRAIN_PUBLIC[:2], TRAIN_DRAWN),
             body=noninverted, examples=3,
             description="non-inverted: train out = x · mask (kept fraction within the bound), test out = keep · x"),
    Property("noninverted.backward", 1, (NI_FORWARD, NI_BACKWARD),
             cases=Cases(make_train, TRAIN_PUBLIC[:2], TRAIN_DRAWN), body=noninverted_backward, examples=3,
             description="non-inverted backward: dout · mask, test keep · dout"),
    Property("expected_activation.values", 2, (EXPECTED,), cases=Cases(make_activation, ACTIVATION_PUBLIC),
             body=expected_values, examples=0,
             description="E[out] for both variants in train and test mode (a number and an array)"),
    Property("expected_activation.hidden", 1, (EXPECTED,), HIDDEN, cases=Cases(make_activation, (), ACTIVATION_DRAWN),
             body=expected_values, examples=10, description="E[out] on hidden inputs"),
    Property("empirical_activation.values", 1, (EMPIRICAL,), cases=Cases(make_empirical, EMPIRICAL_PUBLIC),
             body=empirical_values, examples=0,
             description="the Monte-Carlo mean is within a Hoeffding bound of E[out]; same seed, same estimate"),
    Property("empirical_activation.hidden", 1, (EMPIRICAL,), HIDDEN, cases=Cases(make_empirical, (), EMPIRICAL_DRAWN),
             body=empirical_values, examples=4, description="the same on hidden inputs"),
]

ASSIGNMENT = Assignment(
    name="dropout", title="Dropout: inverted and non-inverted, and the expected activation",
    symbols={FORWARD: ("dropout", "layers"), BACKWARD: ("dropout", "layers"), NI_FORWARD: ("expectation",),
             NI_BACKWARD: ("expectation",), EXPECTED: ("expectation",), EMPIRICAL: ("expectation",)},
    checks=CHECKS, reference_modules=("dropout", "expectation"), course_settings=SETTINGS,
    cs231n={FORWARD: 2016, BACKWARD: 2016})
