"""Checks of the Inception counting functions: conv output size, multiply-adds, parameters, a module's branches.

Published configurations (the lecture's 5×5 example, GoogLeNet's modules 3a, 3b, 4a, 4e, 5b) are public;
drawn configurations are compared with the reference (public ones shrink to a small counterexample, hidden
ones show a category), with torch's own nn.Conv2d measured by forward hooks (reference/inception/oracle.py,
in this trusted process), with the course setting FLOPS_PER_MAC = 2, and with sympy symbols as arguments.
"""
from ..checks import strategies as st

from ..checks.cases import Cases
from ..checks.compare import Compare
from ..checks.context import returned_instead_of_raising
from ..checks.prop import Property
from ..checks.validate import Fail, check_value
from ..spec import HIDDEN, Assignment, Setting

SIZE, FLOPS, PARAMS = "conv_output_size", "conv_flops", "conv_params"
MODULE_FLOPS, MODULE_PARAMS = "inception_module_flops", "inception_module_params"
MACS = {"FLOPS_PER_MAC": 1}   # the lecture's and the paper's numbers are multiply-adds


# ---------------------------------------------------------------- conv_output_size

def make_size(p):
    """H is built so that the filter fits: H + 2P - F = n * S."""
    return {"H": p["n"] * p["S"] + p["F"] - 2 * p["P"], "F": p["F"], "S": p["S"], "P": p["P"]}


SIZE_PUBLIC = ({"n": 27, "F": 5, "S": 1, "P": 2},      # 28x28, 5x5 'same': 28
               {"n": 4, "F": 3, "S": 1, "P": 0},       # 7x7, 3x3: 5
               {"n": 2, "F": 3, "S": 2, "P": 0},       # 7x7, 3x3 stride 2: 3
               {"n": 54, "F": 11, "S": 4, "P": 0})     # AlexNet conv1: 227 -> 55
SIZE_DRAWN = st.fixed_dictionaries({"n": st.integers(0, 20), "F": st.integers(1, 7), "S": st.integers(1, 4),
                                    "P": st.integers(0, 3)}).filter(lambda p: make_size(p)["H"] >= 1)


def size_hints(inputs):
    H, F, S, P = inputs["H"], inputs["F"], inputs["S"], inputs["P"]

    def rules(s, e):
        if s == H and e != H:
            return "that is the input size: the output is (H + 2P − F)/S + 1"
        if s == e - 1:
            return "one short: the formula ends with + 1"
        if s == H + 2 * P - F + 1 and S > 1:
            return "the stride is missing: (H + 2P − F)/S + 1"
        return None
    return [rules]


def make_misfit(p):
    return {"H": p["H"], "F": p["F"], "S": p["S"], "P": p["P"]}


MISFIT_PUBLIC = ({"H": 7, "F": 3, "S": 3, "P": 0}, {"H": 224, "F": 7, "S": 2, "P": 0})
MISFIT_DRAWN = st.fixed_dictionaries({"H": st.integers(1, 40), "F": st.integers(1, 7), "S": st.integers(2, 4),
                                      "P": st.integers(0, 3)}).filter(
    lambda p: p["H"] + 2 * p["P"] - p["F"] >= 0 and (p["H"] + 2 * p["P"] - p["F"]) % p["S"])


def rejects_misfit(ctx, inputs):
    """A filter that does not fit (H + 2P − F not divisible by S) raises ValueError."""
    H, F, S, P = inputs["H"], inputs["F"], inputs["S"], inputs["P"]
    plan = ctx.plan()
    plan.returns(plan.call(SIZE, H, F, S, P))
    values = returned_instead_of_raising(ctx, plan)
    if values is None:
        return
    raise Fail("conv_output_size(%d, %d, %d, %d) returned %r: (H + 2P − F) = %d is not divisible by S = %d, so the "
               "filter does not fit and the function must raise ValueError" % (H, F, S, P, values[0],
                                                                               H + 2 * P - F, S),
               "size that does not fit accepted", hint="check (H + 2P − F) % S and raise ValueError")


# ---------------------------------------------------------------- conv_flops, conv_params

def make_conv(p):
    return dict(p)


LECTURE = ({"H_out": 28, "W_out": 28, "C_in": 192, "C_out": 32, "K": 5},   # 120,422,400
           {"H_out": 28, "W_out": 28, "C_in": 192, "C_out": 16, "K": 1},   # 2,408,448 (the 1x1 bottleneck)
           {"H_out": 28, "W_out": 28, "C_in": 16, "C_out": 32, "K": 5})    # 10,035,200 (5x5 after it)
CONV_DRAWN = st.fixed_dictionaries({"H_out": st.integers(1, 30), "W_out": st.integers(1, 30),
                                    "C_in": st.integers(1, 64), "C_out": st.integers(1, 64),
                                    "K": st.integers(1, 7)})


def flops_hints(inputs):
    K = inputs["K"]

    def rules(s, e):
        if K > 1 and s * K == e:
            return "K·K weights per input channel: the filter is K×K, not K"
        if s == 2 * e:
            return "twice the expected count: multiply-adds, not FLOPs (multiply by FLOPS_PER_MAC, nothing else)"
        return None
    return [rules]


def call_flops(plan, i):
    return plan.call(FLOPS, i["H_out"], i["W_out"], i["C_in"], i["C_out"], i["K"])


PARAMS_PUBLIC = ({"C_in": 3, "C_out": 10, "K": 5, "bias": True},        # the lecture: 760
                 {"C_in": 3, "C_out": 10, "K": 5, "bias": False},       # 750
                 {"C_in": 192, "C_out": 32, "K": 5, "bias": True})
PARAMS_DRAWN = st.fixed_dictionaries({"C_in": st.integers(1, 64), "C_out": st.integers(1, 64),
                                      "K": st.integers(1, 7), "bias": st.booleans()})


def params_hints(inputs):
    C_out = inputs["C_out"]

    def rules(s, e):
        if inputs["bias"] and s == e - C_out + 1:
            return "one bias per filter: C_out biases, not one per layer"
        if inputs["bias"] and s == e - C_out:
            return "the biases are missing (bias=True)"
        return None
    return [rules]


def call_params(plan, i):
    return plan.call(PARAMS, i["C_in"], i["C_out"], i["K"], bias=i["bias"])


# ---------------------------------------------------------------- the module

KEYS = ("C_in", "c1", "c3r", "c3", "c5r", "c5", "pool_proj")
GOOGLENET = (  # GoogLeNet Table 1: input size, then (C_in; #1x1; #3x3 reduce, #3x3; #5x5 reduce, #5x5; pool proj)
    {"H": 28, "W": 28, "C_in": 192, "c1": 64, "c3r": 96, "c3": 128, "c5r": 16, "c5": 32, "pool_proj": 32},   # 3a
    {"H": 28, "W": 28, "C_in": 256, "c1": 128, "c3r": 128, "c3": 192, "c5r": 32, "c5": 96, "pool_proj": 64},  # 3b
    {"H": 14, "W": 14, "C_in": 480, "c1": 192, "c3r": 96, "c3": 208, "c5r": 16, "c5": 48, "pool_proj": 64},   # 4a
    {"H": 14, "W": 14, "C_in": 528, "c1": 256, "c3r": 160, "c3": 320, "c5r": 32, "c5": 128,
     "pool_proj": 128},                                                                                      # 4e
    {"H": 7, "W": 7, "C_in": 832, "c1": 384, "c3r": 192, "c3": 384, "c5r": 48, "c5": 128, "pool_proj": 128})  # 5b
MODULE_DRAWN = st.fixed_dictionaries(dict({"H": st.integers(1, 9), "W": st.integers(1, 9)},
                                          **{k: st.integers(1, 12) for k in KEYS}))
MODULE_PARAMS_PUBLIC = (dict(GOOGLENET[0], bias=True), dict(GOOGLENET[0], bias=False), dict(GOOGLENET[4], bias=True))
MODULE_PARAMS_DRAWN = st.fixed_dictionaries(dict({k: st.integers(1, 12) for k in KEYS}, bias=st.booleans()))


def call_module_flops(plan, i):
    return plan.call(MODULE_FLOPS, i["H"], i["W"], *(i[k] for k in KEYS))


def call_module_params(plan, i):
    return plan.call(MODULE_PARAMS, *(i[k] for k in KEYS), bias=i.get("bias", True))


def module_hints(inputs):
    def rules(s, e):
        if s == 0 and e > 0:
            return "this branch costs nothing in your count: every branch has at least one convolution " \
                   "(the pooling branch: a 1×1 after the max-pool)"
        return None
    return [rules]


def oracle():
    """The torch oracle, imported on first use (torch takes a second or more to import)."""
    from reference.inception import oracle as module
    return module


def matches_torch(which):
    """The student's counts equal what forward hooks measure on real nn.Conv2d modules."""
    def body(ctx, inputs):
        plan = ctx.plan()
        plan.returns(call_module_flops(plan, inputs) if which == "flops" else call_module_params(plan, inputs))
        (student,) = ctx.run_student(plan)
        macs, params = oracle().measure(inputs["H"], inputs["W"], *(inputs[k] for k in KEYS), bias=inputs["bias"])
        if which == "flops":
            scale = ctx.assignment.setting_values(ctx.course)["FLOPS_PER_MAC"]
            expected = {k: v * scale if k != "out_channels" else v for k, v in macs.items()}
        else:
            expected = params
        check_value(student, expected, which == "flops" and MODULE_FLOPS or MODULE_PARAMS, 0, module_hints(inputs))
    return body


def make_module(p):
    return dict(p)


def make_module_torch(p):
    return dict(p, bias=p.get("bias", True))


TORCH_DRAWN = st.fixed_dictionaries(dict({"H": st.integers(1, 9), "W": st.integers(1, 9)},
                                         **{k: st.integers(1, 12) for k in KEYS}, bias=st.booleans()))


# ---------------------------------------------------------------- sympy symbols

def symbolic(plan, inputs):
    """Every function called with sympy symbols; the expanded expression comes back printed with its terms in
    lexicographic order (canonical whatever the process's hash seed: equal strings, equal expressions; nothing
    is parsed here)."""
    def canonical(ref):
        return plan.library("sympy.sstr", plan.library("sympy.expand", ref), order="lex")

    s = plan.library("sympy.symbols", "H W C_in C_out K F S P", positive=True, integer=True)
    m = plan.library("sympy.symbols", "c1 c3r c3 c5r c5 pool_proj", positive=True, integer=True)
    H, W, C_in, C_out, K, F, S, P = (s[i] for i in range(8))
    module = [C_in] + [m[i] for i in range(6)]
    flops = plan.call(MODULE_FLOPS, H, W, *module)
    params = plan.call(MODULE_PARAMS, *module)
    return (canonical(plan.call(FLOPS, H, W, C_in, C_out, K)), canonical(plan.call(SIZE, H, F, S, P)),
            canonical(plan.call(PARAMS, C_in, C_out, K)), canonical(flops["total"]),
            canonical(flops["out_channels"]), canonical(params["total"]))


SYMBOLIC_LABELS = ("conv_flops", "conv_output_size", "conv_params", "inception_module_flops['total']",
                   "inception_module_flops['out_channels']", "inception_module_params['total']")


# ---------------------------------------------------------------- the checks

CHECKS = [
    Compare("conv_output_size.values", 2, (SIZE,), cases=Cases(make_size, SIZE_PUBLIC, SIZE_DRAWN),
            build=lambda plan, i: plan.call(SIZE, i["H"], i["F"], i["S"], i["P"]), labels=("size",), tol=0,
            hints=size_hints, examples=8, description="(H + 2P − F)/S + 1 on fixed and drawn sizes that fit"),
    Property("conv_output_size.rejects_misfit", 1, (SIZE,), cases=Cases(make_misfit, MISFIT_PUBLIC, MISFIT_DRAWN),
             body=rejects_misfit, examples=4, requires=("conv_output_size.values",),
             description="ValueError when (H + 2P − F) is not divisible by the stride"),
    Compare("conv_flops.lecture", 2, (FLOPS,), cases=Cases(make_conv, LECTURE), build=call_flops,
            labels=("multiply-adds",), tol=0, hints=flops_hints, settings=MACS,
            description="the lecture's 5×5 conv on 28×28×192 → 32 (120,422,400) and its 1×1 bottleneck version "
                        "(2,408,448 + 10,035,200), in multiply-adds"),
    Compare("conv_flops.values", 1, (FLOPS,), cases=Cases(make_conv, (), CONV_DRAWN), build=call_flops,
            labels=("flops",), tol=0, hints=flops_hints, examples=6,
            description="drawn convolutions, with the course's FLOPS_PER_MAC"),
    Compare("conv_flops.hidden", 1, (FLOPS,), HIDDEN, cases=Cases(make_conv, (), CONV_DRAWN), build=call_flops,
            labels=("flops",), tol=0, hints=flops_hints, examples=10, description="the same on hidden inputs"),
    Compare("conv_flops.flops_per_mac", 1, (FLOPS, MODULE_FLOPS), HIDDEN,
            cases=Cases(make_module, GOOGLENET[:1], MODULE_DRAWN), settings={"FLOPS_PER_MAC": 2},
            build=lambda plan, i: (plan.call(FLOPS, i["H"], i["W"], i["C_in"], i["c5"], 5),
                                   call_module_flops(plan, i)),
            labels=("conv_flops", "inception_module_flops"), tol=0, examples=3,
            description="with FLOPS_PER_MAC = 2 every count doubles (the constant is read when the function runs)"),
    Compare("conv_params.values", 2, (PARAMS,), cases=Cases(make_conv, PARAMS_PUBLIC, PARAMS_DRAWN),
            build=call_params, labels=("params",), tol=0, hints=params_hints, examples=6,
            description="the lecture's ten 5×5×3 filters (760 with biases, 750 without) and drawn convolutions"),
    Compare("conv_params.hidden", 1, (PARAMS,), HIDDEN, cases=Cases(make_conv, (), PARAMS_DRAWN),
            build=call_params, labels=("params",), tol=0, hints=params_hints, examples=10,
            description="the same on hidden inputs"),
    Compare("inception_module_flops.googlenet", 3, (MODULE_FLOPS,), cases=Cases(make_module, GOOGLENET),
            build=call_module_flops, labels=("counts",), tol=0, hints=module_hints, settings=MACS,
            description="GoogLeNet's inception 3a (256 channels, 128,049,152 multiply-adds), 3b, 4a, 4e, 5b, "
                        "branch by branch"),
    Property("inception_module_flops.matches_torch", 2, (MODULE_FLOPS,),
             cases=Cases(make_module_torch, (), TORCH_DRAWN), body=matches_torch("flops"), examples=5,
             description="drawn modules: every branch's count equals what forward hooks measure on real "
                         "torch nn.Conv2d layers (× FLOPS_PER_MAC)"),
    Compare("inception_module_flops.hidden", 1, (MODULE_FLOPS,), HIDDEN, cases=Cases(make_module, (), MODULE_DRAWN),
            build=call_module_flops, labels=("counts",), tol=0, hints=module_hints, examples=10,
            description="drawn modules on hidden inputs"),
    Compare("inception_module_params.googlenet", 2, (MODULE_PARAMS,),
            cases=Cases(make_module_torch, MODULE_PARAMS_PUBLIC), build=call_module_params, labels=("counts",),
            tol=0, hints=module_hints,
            description="parameters of inception 3a (163,696 with biases, 163,328 without) and 5b, per branch"),
    Property("inception_module_params.matches_torch", 1, (MODULE_PARAMS,),
             cases=Cases(make_module_torch, (), TORCH_DRAWN), body=matches_torch("params"), examples=4,
             description="drawn modules: parameters equal those of real torch nn.Conv2d layers"),
    Compare("inception_module_params.hidden", 1, (MODULE_PARAMS,), HIDDEN,
            cases=Cases(make_module_torch, (), MODULE_PARAMS_DRAWN), build=call_module_params, labels=("counts",),
            tol=0, hints=module_hints, examples=10, description="drawn modules on hidden inputs"),
    Compare("symbolic", 2, (SIZE, FLOPS, PARAMS, MODULE_FLOPS, MODULE_PARAMS), HIDDEN,
            cases=Cases(lambda p: {}, ({},)), build=symbolic, labels=SYMBOLIC_LABELS,
            description="every function called with sympy symbols returns the exact formula (plain arithmetic "
                        "only: no int(), round() or numpy)"),
]

ASSIGNMENT = Assignment(
    name="inception", title="Inception: what a convolution costs",
    symbols={s: ("flops",) for s in (SIZE, FLOPS, PARAMS, MODULE_FLOPS, MODULE_PARAMS)},
    checks=CHECKS, reference_modules=("flops",),
    course_settings=(Setting("FLOPS_PER_MAC", 1, (1, 2), ((FLOPS, "FLOPS_PER_MAC", None),),
                             "1: counts are multiply-adds (the lecture); 2: FLOPs = 2 × multiply-adds"),))
