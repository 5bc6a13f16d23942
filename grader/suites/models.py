"""Checks of CS231n assignment 2's models: FullyConnectedNet (fc_net.py), ThreeLayerConvNet (cnn.py) and the
sandwich layers of layer_utils.py (fc_net.py's TwoLayerNet and the loss layers are the two_layer_net
assignment's; from 2021 the assignment-2 layers.py has softmax_loss to fill in again, graded here then).

How the models are judged (grader/suites/nets.py drives them):
- values on weights the parent chooses, written into `params`: scores (y=None), (loss, grads) against the
  reference — CS231n's notebook shapes first — then drawn shapes, depths, regularization strengths; hidden
  ones too;
- the gradients against centred differences of the student's own loss (directions and single entries), with
  batch/layer normalization and with dropout (seeded: CS231n's `seed` makes the masks repeat);
- the student's own initialisation (seeded): names W1, b1, gamma1, beta1, ..., shapes, dtype, zero biases,
  unit gammas, weights N(0, weight_scale²); dropout_param and bn_params; the loss at initialisation ≈ ln C;
- mode switching: y=None is test time (dropout off, batch norm on its running statistics, compared with the
  reference after a training call); with dropout, the training loss differs from the one without;
- overfitting a small batch: SGD steps run in the worker on the student's model from the parent's starting
  weights; the parent judges the final loss (the reference ends far below the bar).

Regularization is 0.5·reg·ΣW² over the weights in every CS231n year. Per-year conventions are course settings
(CS231N and the Settings below): what `dropout` means and which keywords FullyConnectedNet takes.

CS231n's provided fast_layers.py needs a compiled Cython extension that no hand-in contains: where it is
missing, the student's own conv_forward_naive / conv_backward_naive stand in for conv_forward_fast /
conv_backward_fast (spec.StandIn; the report says so). That uses only the student's code, gives the same
values, and ships nothing that computes a graded function in the student kit.
"""
import numpy as np
from ..checks import strategies as st

from ..checks.cases import Cases
from ..checks.compare import Compare
from ..checks.gradient import Gradient
from ..checks.prop import Property
from ..checks.validate import Fail, as_scalar, check_value, describe
from ..spec import Assignment, Setting, StandIn
from . import nets
from .two_layer_net import loss_checks

FC, CNN = "FullyConnectedNet", "ThreeLayerConvNet"
SANDWICHES = {   # forward -> (backward, the forward's arguments after x, the backward's gradients)
    "affine_relu_forward": ("affine_relu_backward", ("w", "b"), ("dx", "dw", "db")),
    "affine_bn_relu_forward": ("affine_bn_relu_backward", ("w", "b", "gamma", "beta", "bn_param"),
                               ("dx", "dw", "db", "dgamma", "dbeta")),
    "conv_relu_forward": ("conv_relu_backward", ("w", "b", "conv_param"), ("dx", "dw", "db")),
    "conv_relu_pool_forward": ("conv_relu_pool_backward", ("w", "b", "conv_param", "pool_param"),
                               ("dx", "dw", "db")),
}
# The CS231n years in which students write each graded symbol (the course profile reads this): the sandwiches
# and affine_bn_relu are provided there or the student's own invention (graded in this course only);
# softmax_loss is to fill in again in assignment 2's layers.py from 2021 (graded here only then: this course
# grades it in two_layer_net).
CS231N = {FC: 2016, CNN: 2016, "softmax_loss": 2021}


# ---------------------------------------------------------------- constructors, per course convention

def dropout_kwargs(settings, keep):
    """The keyword and value that ask FullyConnectedNet for dropout with keep probability `keep`."""
    if settings.get("DROPOUT_KW", "dropout_keep_ratio") == "dropout_keep_ratio":
        return {"dropout_keep_ratio": keep}
    return {"dropout": keep if settings.get("DROPOUT_P", "keep") == "keep" else round(1 - keep, 12)}


def normalization_kwargs(settings, norm):
    if settings.get("NORMALIZATION_KW", "normalization") == "normalization":
        return {"normalization": norm}
    if norm != "batchnorm":
        raise Fail("this course's FullyConnectedNet takes use_batchnorm (CS231n 2016–17), which has no layer "
                   "normalization", "not in this course", abort=True)
    return {"use_batchnorm": True}


def fc_ctor(plan, i):
    kwargs = {"input_dim": i["D"], "num_classes": i["C"], "reg": i["reg"], "weight_scale": i.get("ws", 1e-2),
              "dtype": i.get("dtype", nets.DTYPE), "seed": i.get("dropout_seed", 123)}
    if i.get("keep", 1) != 1:
        kwargs.update(dropout_kwargs(plan.settings, i["keep"]))
    if i.get("norm"):
        kwargs.update(normalization_kwargs(plan.settings, i["norm"]))
    return (list(i["hidden"]),), kwargs


def fc_names(i):
    L = len(i["hidden"]) + 1
    names = []
    for k in range(1, L + 1):
        names += ["W%d" % k, "b%d" % k] + (["gamma%d" % k, "beta%d" % k] if i.get("norm") and k < L else [])
    return tuple(names)


FC_NET = nets.Net(FC, ctor=fc_ctor, names=fc_names)
CNN_NET = nets.Net(CNN, ctor=lambda plan, i: ((), {"input_dim": i["input_dim"], "num_filters": i["F"],
                                                    "filter_size": i["fs"], "hidden_dim": i["H"],
                                                    "num_classes": i["C"], "weight_scale": i.get("ws", 1e-3),
                                                    "reg": i["reg"], "dtype": i.get("dtype", nets.DTYPE)}),
                   names=lambda i: ("W1", "b1", "W2", "b2", "W3", "b3"))


# ---------------------------------------------------------------- inputs

def make_fc(p):
    """Weights scaled by 1/sqrt(fan-in) (activations of order 1 at any depth), nonzero biases, gammas around 1,
    betas around 0; X (N, D), y."""
    rng = np.random.default_rng(p["seed"])
    dims = [p["D"]] + list(p["hidden"]) + [p["C"]]
    case = {"D": p["D"], "C": p["C"], "hidden": list(p["hidden"]), "reg": p["reg"], "norm": p.get("norm"),
            "keep": p.get("keep", 1), "X": rng.standard_normal((p["N"], p["D"])), "y": rng.integers(0, p["C"], p["N"])}
    for k in range(1, len(dims)):
        case["W%d" % k] = rng.standard_normal((dims[k - 1], dims[k])) / np.sqrt(dims[k - 1])
        case["b%d" % k] = rng.standard_normal(dims[k]) * 0.1
        if p.get("norm") and k < len(dims) - 1:
            case["gamma%d" % k] = 1 + 0.2 * rng.standard_normal(dims[k])
            case["beta%d" % k] = 0.1 * rng.standard_normal(dims[k])
    return case


def fc_drawn(norm=None, keep=1, min_n=1):
    return st.fixed_dictionaries({
        "D": st.integers(1, 7), "C": st.integers(2, 6), "N": st.integers(min_n, 7),
        "hidden": st.lists(st.integers(1, 7), min_size=1, max_size=3), "reg": st.sampled_from([0.0, 0.1, 3.14]),
        "seed": st.integers(0, 2 ** 16), "norm": st.just(norm), "keep": st.just(keep)})


FC_PLAIN = ({"D": 15, "C": 10, "N": 2, "hidden": [20, 30], "reg": 0.0, "seed": 231},   # the notebook's shapes
            {"D": 15, "C": 10, "N": 2, "hidden": [20, 30], "reg": 3.14, "seed": 231},
            {"D": 6, "C": 4, "N": 5, "hidden": [7, 5, 4], "reg": 0.5, "seed": 8},
            {"D": 5, "C": 3, "N": 4, "hidden": [6], "reg": 0.1, "seed": 3})
FC_BATCHNORM = ({"D": 15, "C": 10, "N": 4, "hidden": [20, 30], "reg": 0.0, "seed": 231, "norm": "batchnorm"},
                {"D": 6, "C": 4, "N": 6, "hidden": [7, 5], "reg": 3.14, "seed": 4, "norm": "batchnorm"})
FC_LAYERNORM = ({"D": 15, "C": 10, "N": 4, "hidden": [20, 30], "reg": 0.0, "seed": 231, "norm": "layernorm"},
                {"D": 6, "C": 4, "N": 3, "hidden": [7, 5], "reg": 3.14, "seed": 5, "norm": "layernorm"})
FC_DROPOUT = ({"D": 15, "C": 10, "N": 4, "hidden": [20, 30], "reg": 0.0, "seed": 231, "keep": 0.5},
              {"D": 6, "C": 4, "N": 6, "hidden": [7, 5], "reg": 0.1, "seed": 7, "keep": 0.75})


def make_cnn(p):
    """A small image batch (N, C_in, H, W) with H, W even and an odd filter size, so the conv keeps the size
    and the 2x2 pool tiles it; weights scaled by 1/sqrt(fan-in)."""
    rng = np.random.default_rng(p["seed"])
    N, Cin, H, W, F, fs, Hd, C = p["N"], p["Cin"], p["H"], p["W"], p["F"], p["fs"], p["Hd"], p["C"]
    flat = F * (H // 2) * (W // 2)
    return {"X": rng.standard_normal((N, Cin, H, W)), "y": rng.integers(0, C, N), "input_dim": (Cin, H, W),
            "F": F, "fs": fs, "H": Hd,
            "C": C, "reg": p["reg"], "W1": rng.standard_normal((F, Cin, fs, fs)) / np.sqrt(Cin * fs * fs),
            "b1": rng.standard_normal(F) * 0.1, "W2": rng.standard_normal((flat, Hd)) / np.sqrt(flat),
            "b2": rng.standard_normal(Hd) * 0.1, "W3": rng.standard_normal((Hd, C)) / np.sqrt(Hd),
            "b3": rng.standard_normal(C) * 0.1}


CNN_PUBLIC = ({"N": 2, "Cin": 3, "H": 8, "W": 8, "F": 3, "fs": 3, "Hd": 7, "C": 4, "reg": 0.0, "seed": 231},
              {"N": 3, "Cin": 2, "H": 6, "W": 4, "F": 4, "fs": 5, "Hd": 5, "C": 3, "reg": 0.5, "seed": 1})
CNN_DRAWN = st.fixed_dictionaries({
    "N": st.integers(1, 3), "Cin": st.integers(1, 3), "H": st.sampled_from([2, 4, 6]), "W": st.sampled_from([2, 4]),
    "F": st.integers(1, 3), "fs": st.sampled_from([1, 3]), "Hd": st.integers(1, 6), "C": st.integers(2, 5),
    "reg": st.sampled_from([0.0, 0.5]), "seed": st.integers(0, 2 ** 16)})


# ---------------------------------------------------------------- the sandwiches

def make_sandwich(p):
    """x, the layer parameters and dout for one sandwich (its name is in p['layer'])."""
    rng = np.random.default_rng(p["seed"])
    N = p["N"]
    if p["layer"].startswith("affine"):
        D, M = p["D"], p["M"]
        case = {"x": rng.standard_normal((N, 2, D)), "w": rng.standard_normal((2 * D, M)) / np.sqrt(2 * D),
                "b": rng.standard_normal(M) * 0.1, "dout": rng.standard_normal((N, M))}
        if "bn" in p["layer"]:
            case.update(gamma=1 + 0.2 * rng.standard_normal(M), beta=0.1 * rng.standard_normal(M),
                        bn_param={"mode": "train"})
        return case
    C, F, H = p["Cin"], p["F"], p["H"]
    H_out = H // 2 if "pool" in p["layer"] else H
    return {"x": rng.standard_normal((N, C, H, H)), "w": rng.standard_normal((F, C, 3, 3)) / np.sqrt(9 * C),
            "b": rng.standard_normal(F) * 0.1, "conv_param": {"stride": 1, "pad": 1},
            "pool_param": {"pool_height": 2, "pool_width": 2, "stride": 2},
            "dout": rng.standard_normal((N, F, H_out, H_out))}


def sandwich_case(layer, seed=0):
    if layer.startswith("affine"):
        return {"layer": layer, "N": 4, "D": 3, "M": 5, "seed": seed}
    return {"layer": layer, "N": 2, "Cin": 3, "F": 2, "H": 4, "seed": seed}


def sandwich_call(forward):
    backward, args, _ = SANDWICHES[forward]

    def build(plan, i):
        out = plan.call(forward, i["x"], *(i[a] for a in args))
        return out[0], plan.call(backward, i["dout"], out[1])
    return build


def backward_items(plan, forward, i, n):
    """The first n gradients of the sandwich's backward, from the cache of its own forward."""
    backward, args, _ = SANDWICHES[forward]
    grads = plan.call(backward, i["dout"], plan.call(forward, i["x"], *(i[a] for a in args))[1])
    return [grads[k] for k in range(n)]


def sandwich_checks(forward):
    backward, args, grads = SANDWICHES[forward]
    cases = Cases(make_sandwich, (sandwich_case(forward, 0), sandwich_case(forward, 1)))
    wrt = ("x", "w", "b") + (("gamma", "beta") if "bn" in forward else ())
    return [
        Compare(forward[:-len("_forward")] + ".values", 1, (forward, backward), cases=cases,
                build=sandwich_call(forward), labels=("out", "(%s)" % ", ".join(grads)), tol=1e-8,
                description="%s's out and %s's (%s) equal the reference's" % (forward, backward, ", ".join(grads))),
        Gradient(forward[:-len("_forward")] + ".numerical_gradient", 1, (forward, backward), cases=cases,
                 forward=lambda plan, i: plan.call(forward, i["x"], *(i[a] for a in args))[0],
                 analytic=lambda plan, i: backward_items(plan, forward, i, len(wrt)),
                 wrt=wrt, directions=2, probes=2,
                 description="%s matches centred differences of your own %s" % (backward, forward)),
    ]


# ---------------------------------------------------------------- initialisation, dropout_param, bn_params

def attribute(plan, model, name):
    return plan.library("builtins.getattr", model, name)


FC_INIT = {"hidden_dims": [40, 30], "input_dim": 50, "num_classes": 10, "weight_scale": 0.1, "seed": 5,
           "keep": 0.5, "normalization": "batchnorm"}


def fc_init(ctx, i):
    """FullyConnectedNet([40, 30], input_dim=50, num_classes=10, batch norm, dropout, weight_scale=0.1,
    seed=5) with its default dtype float32: params, dropout_param, bn_params."""
    plan = ctx.plan()
    nets.seed(plan, 0)
    model = plan.new(FC, i["hidden_dims"], input_dim=i["input_dim"], num_classes=i["num_classes"],
                     weight_scale=i["weight_scale"], seed=i["seed"], **dropout_kwargs(plan.settings, i["keep"]),
                     **normalization_kwargs(plan.settings, i["normalization"]))
    plan.returns(nets.params_of(plan, model), attribute(plan, model, "dropout_param"),
                 attribute(plan, model, "bn_params"))
    params, dropout_param, bn_params = ctx.run_student(plan)
    dims = [i["input_dim"]] + i["hidden_dims"] + [i["num_classes"]]
    L = len(dims) - 1
    shapes = {}
    for k in range(1, L + 1):
        shapes["W%d" % k] = ((dims[k - 1], dims[k]), "weight")
        shapes["b%d" % k] = ((dims[k],), "zeros")
        if k < L:
            shapes["gamma%d" % k], shapes["beta%d" % k] = ((dims[k],), "ones"), ((dims[k],), "zeros")
    nets.check_init(params, nets.Expected(shapes, i["weight_scale"], "float32"), FC)
    extra = sorted(k for k in params if k in ("gamma%d" % L, "beta%d" % L, "W%d" % (L + 1), "b%d" % (L + 1)))
    if extra:
        raise nets.hinted("params has %s: the last affine layer has no normalization after it" % ", ".join(extra),
                          "wrong parameters", hint="gamma/beta for the L - 1 hidden layers only")
    p = next(iter(dropout_kwargs(plan.settings, i["keep"]).values()))
    want = {"mode": "train", "p": p, "seed": i["seed"]}
    if not isinstance(dropout_param, dict) or any(dropout_param.get(k) != v for k, v in want.items()):
        raise nets.hinted("dropout_param should be %r for this network, got %r"
                          % (want, dropout_param if isinstance(dropout_param, dict) else describe(dropout_param)),
                          "wrong dropout_param", hint="self.dropout_param = {'mode': 'train', 'p': ...} plus the seed "
                                                      "(the provided constructor code)")
    if not isinstance(bn_params, (list, tuple)) or len(bn_params) != L - 1 or \
            not all(isinstance(b, dict) and b.get("mode") == "train" for b in bn_params):
        raise nets.hinted("bn_params should be a list of one {'mode': 'train'} per hidden layer (%d here), got %s"
                          % (L - 1, bn_params if isinstance(bn_params, (list, tuple)) else describe(bn_params)),
                          "wrong bn_params",
                          hint="self.bn_params = [{'mode': 'train'} for i in range(self.num_layers - 1)]")


CNN_INIT = {"input_dim": (3, 16, 16), "num_filters": 8, "filter_size": 5, "hidden_dim": 30, "num_classes": 10,
            "weight_scale": 0.1}


def cnn_init(ctx, i):
    """ThreeLayerConvNet(input_dim=(3, 16, 16), num_filters=8, filter_size=5, hidden_dim=30, weight_scale=0.1)
    with its default dtype float32."""
    plan = ctx.plan()
    nets.seed(plan, 0)
    model = plan.new(CNN, **i)
    plan.returns(nets.params_of(plan, model))
    (params,) = ctx.run_student(plan)
    (C, H, W), F, size, hidden = i["input_dim"], i["num_filters"], i["filter_size"], i["hidden_dim"]
    nets.check_init(params, nets.Expected({
        "W1": ((F, C, size, size), "weight"), "b1": ((F,), "zeros"), "W2": ((F * (H // 2) * (W // 2), hidden), "weight"),
        "b2": ((hidden,), "zeros"), "W3": ((hidden, i["num_classes"]), "weight"), "b3": ((i["num_classes"],), "zeros")},
        i["weight_scale"], "float32"), CNN)


# ---------------------------------------------------------------- test mode: batch norm and dropout

def batchnorm_test_mode(plan, i):
    """A training call (running statistics updated), then loss(X): the scores in test mode."""
    model = nets.build(plan, FC_NET, i)
    plan.method(model, "loss", i["X"], i["y"])
    plan.method(model, "loss", i["X"][::-1].copy(), i["y"][::-1].copy())
    return plan.method(model, "loss", i["X"] * 0.5 + 0.1)


def dropout_modes(ctx, i):
    """With dropout: the test-time scores equal the reference's (no dropout at test time), two training calls
    give the same loss (the seed), and that loss differs from the same network's without dropout."""
    plan = ctx.plan()
    model = nets.build(plan, FC_NET, i)
    test = plan.method(model, "loss", i["X"])
    first = plan.method(model, "loss", i["X"], i["y"])
    second = plan.method(model, "loss", i["X"], i["y"])
    again = plan.method(model, "loss", i["X"])
    plan.returns(test, first, second, again)
    expected = ctx.run_reference(plan)
    test_s, first_s, second_s, again_s = ctx.run_student(plan)
    check_value(test_s, expected[0], "the scores of loss(X) (test time: no dropout)", 1e-7)
    check_value(again_s, expected[3], "the scores of loss(X) after a training call", 1e-7,
                hints=[lambda s, e: "the dropout mode stays 'train' after a training call: y=None must set it to "
                                    "'test'"])
    plain = ctx.plan()
    plain.returns(plain.method(nets.build(plain, FC_NET, dict(i, keep=1)), "loss", i["X"], i["y"]))
    (without,) = ctx.run_student(plain)
    a, b = (as_scalar(v[0] if isinstance(v, (tuple, list)) else v, "the loss") for v in (first_s, second_s))
    c = as_scalar(without[0] if isinstance(without, (tuple, list)) else without, "the loss")
    if a != b:
        raise Fail("two training calls with the same dropout seed gave different losses (%.8g, %.8g)" % (a, b),
                   "dropout not seeded", hint="pass self.dropout_param (with its seed) to every dropout_forward")
    if abs(a - c) < 1e-12:
        raise Fail("the training loss with dropout (keep %g) equals the loss without it: dropout is not applied "
                   "at training time" % i["keep"], "dropout not applied",
                   hint="after each ReLU of a hidden layer, dropout_forward(out, self.dropout_param)")


# ---------------------------------------------------------------- overfitting a small batch

OVERFIT = {
    FC: (FC_NET, {"D": 12, "C": 5, "N": 20, "hidden": [20, 20], "reg": 0.0, "seed": 7}, 0.5, 80, 0.2),
    CNN: (CNN_NET, {"N": 6, "Cin": 2, "H": 4, "W": 4, "F": 3, "fs": 3, "Hd": 12, "C": 3, "reg": 0.0, "seed": 8},
          0.5, 30, 0.2),
}


AT_INIT = {FC: {"D": 20, "C": 10, "N": 12, "input_dim": (20,), "hidden": [15, 12], "reg": 0.0, "ws": 1e-3, "seed": 0},
           CNN: {"F": 4, "fs": 3, "H": 10, "C": 10, "N": 4, "input_dim": (3, 8, 8), "reg": 0.0, "ws": 1e-3, "seed": 0}}


def overfit(cls):
    net, params, lr, steps, below = OVERFIT[cls]
    make = make_fc if cls == FC else make_cnn

    def body(ctx, p):
        i = make(p)
        plan = ctx.plan()
        model = nets.build(plan, net, i)
        plan.returns(*nets.sgd(plan, model, net.names(i), i["X"], i["y"], lr, steps))
        nets.judge_losses(ctx.run_student(plan), below, "%d SGD steps (learning rate %g) on %d examples"
                          % (steps, lr, params["N"]))
    return Property(cls + ".overfit", 1, (cls,), cases=Cases(lambda p: p, (params,)), body=body,
                    requires=(cls + ".loss",),
                    description="%d SGD steps on a batch of %d examples from fixed starting weights bring the loss "
                                "below %g (the reference's ends below 0.01)" % (steps, params["N"], below))


# ---------------------------------------------------------------- the checks

def zero_bias_gradients(ctx, inputs, student, expected):
    """With batch normalization after it, an affine layer's bias has no effect: its gradient is 0 up to
    rounding (1e-15), which CS231n's relative error would call 100% wrong. Any gradient that small is 0."""
    (s_out,), ((e_loss, e_grads),) = student, expected
    s_grads = s_out[1] if isinstance(s_out, (tuple, list)) and len(s_out) == 2 else None
    if not isinstance(s_grads, dict):
        return expected
    e_grads = dict(e_grads)
    for k in range(1, len(inputs["hidden"]) + 1):
        s, e = s_grads.get("b%d" % k), e_grads.get("b%d" % k)
        if type(s) is np.ndarray and type(e) is np.ndarray and s.shape == e.shape and np.all(np.abs(e) < 1e-12) \
                and np.all(np.abs(s) < 1e-10):
            e_grads["b%d" % k] = s
    return [(e_loss, e_grads)]


def fc_values(name, cases, drawn, description, when=None):
    """(loss, grads) against the reference with one of FullyConnectedNet's options."""
    return Compare(FC + "." + name, 1, (FC,), when=when, cases=Cases(make_fc, cases, drawn), build=nets.loss(FC_NET),
                   labels=("loss", "grads"), tol=1e-7, hints=nets.half_reg_hints, examples=2, description=description,
                   accept=zero_bias_gradients if name == "batchnorm" else None)


def fc_gradient(name, case, when=None):
    """The gradient of the student's own loss with one of FullyConnectedNet's options."""
    return Gradient(FC + "." + name + "_gradient", 1, (FC,), when=when, cases=Cases(make_fc, (case,)),
                    forward=nets.forward(FC_NET), analytic=nets.analytic(FC_NET), wrt=fc_names(case), directions=2,
                    probes=1, tol=1e-5, description="grads match centred differences of your own loss (%s)" % name)


CHECKS = (
    loss_checks("softmax_loss", 1, when="a2_softmax_loss")
    + [c for forward in SANDWICHES for c in sandwich_checks(forward)]
    + [Property(FC + ".init", 1, (FC,), cases=Cases(lambda p: p, (FC_INIT,)), body=fc_init,
                description="W1..W3, b1..b3, gamma1, beta1, gamma2, beta2 (ones, zeros) in the default dtype "
                            "float32; dropout_param and one bn_param per hidden layer"),
       nets.at_init_check(FC_NET, AT_INIT[FC])]
    + nets.model_checks(FC_NET, make_fc, FC_PLAIN, fc_drawn(), FC_PLAIN[2], 2)
    + [fc_values("batchnorm", FC_BATCHNORM, fc_drawn("batchnorm", min_n=2),
                 "with batch normalization: (loss, grads) equal the reference's (gamma, beta included)"),
       fc_gradient("batchnorm", FC_BATCHNORM[1]),
       Compare(FC + ".batchnorm_test_mode", 1, (FC,), cases=Cases(make_fc, FC_BATCHNORM), build=batchnorm_test_mode,
               labels=("scores",), tol=1e-7,
               description="after two training calls, loss(X) uses the running statistics (bn_param mode 'test')"),
       fc_values("layernorm", FC_LAYERNORM, fc_drawn("layernorm"),
                 "with layer normalization: (loss, grads) equal the reference's", when="layernorm"),
       fc_gradient("layernorm", FC_LAYERNORM[1], when="layernorm"),
       Property(FC + ".dropout", 2, (FC,), cases=Cases(make_fc, FC_DROPOUT), body=dropout_modes,
                description="with dropout: test-time scores equal the reference's, the seed makes training calls "
                            "repeat, and training differs from the network without dropout"),
       fc_gradient("dropout", FC_DROPOUT[1]),
       overfit(FC),
       Property(CNN + ".init", 1, (CNN,), cases=Cases(lambda p: p, (CNN_INIT,)), body=cnn_init,
                description="W1 (F, C, size, size), W2 (F·H/2·W/2, hidden), W3, zero biases, dtype float32"),
       nets.at_init_check(CNN_NET, AT_INIT[CNN])]
    + nets.model_checks(CNN_NET, make_cnn, CNN_PUBLIC, CNN_DRAWN, CNN_PUBLIC[0], 2)
    + [overfit(CNN)]
)

SETTINGS = (
    Setting("DROPOUT_P", "keep", ("keep", "drop"), ((FC, "DROPOUT_P_IS_KEEP", {"keep": True, "drop": False}),),
            "how FullyConnectedNet's `dropout` reads: the probability of keeping a unit (CS231n 2018–20) or of "
            "dropping one (2016–17)", convention="dropout_p", course_key="dropout_p"),
    Setting("DROPOUT_KW", "dropout_keep_ratio", ("dropout_keep_ratio", "dropout"), (),
            "FullyConnectedNet's dropout keyword: dropout_keep_ratio (CS231n 2021+) or dropout (2016–2020)",
            convention="fc_dropout_kw"),
    Setting("NORMALIZATION_KW", "normalization", ("normalization", "use_batchnorm"), (),
            "FullyConnectedNet's normalization keyword: normalization='batchnorm'|'layernorm' (CS231n 2018+) or "
            "use_batchnorm=True (2016–17)", convention="normalization_kw"),
)

CYTHON = StandIn("fast_layers", {"conv_forward_fast": "conv_forward_naive", "conv_backward_fast": "conv_backward_naive"},
                 needs=("im2col_cython",), hints=("layers",))

ASSIGNMENT = Assignment(
    name="models", title="Fully-connected and convolutional nets (CS231n fc_net.py, cnn.py, layer_utils.py)",
    symbols=dict({FC: ("fc_net",), CNN: ("cnn",), "softmax_loss": ("layers",)},
                 **{s: ("layer_utils",) for f, (b, _, _) in SANDWICHES.items() for s in (f, b)}),
    checks=CHECKS, reference_modules=("fc_net", "cnn", "layer_utils", "layers"), course_settings=SETTINGS,
    stand_ins=(CYTHON,), cs231n=CS231N)
