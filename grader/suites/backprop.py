"""Checks of the backprop assignment: eight gates (classes) and a computational graph built from a JSON-friendly
description (a list of node dicts, which crosses the wire as is).

Gates and graphs are objects: they are made in the worker (`plan.new`) and used there (`plan.method`); only
their outputs and gradients come back. Every check runs the same plan on the reference (in this process) and
compares; the random-graph checks also compare the student's gradients with centred differences of the
student's OWN forward (numbers: ±h per input; arrays: random directions), all in one round trip.
"""
import math

import numpy as np
from ..checks import strategies as st

from ..checks.cases import Cases
from ..checks.prop import Property
from ..checks.validate import Fail, check_value, describe
from ..spec import HIDDEN, Assignment

GATES = {   # class -> (number of inputs, constructor parameter or None, graph gate name)
    "AddGate": (2, None, "add"), "MultiplyGate": (2, None, "multiply"), "MaxGate": (2, None, "max"),
    "SigmoidGate": (1, None, "sigmoid"), "ExpGate": (1, None, "exp"), "InverseGate": (1, None, "inverse"),
    "ScaleGate": (1, "a", "scale"), "ShiftGate": (1, "c", "shift"),
}
GRAPH, TOPO = "ComputationalGraph", "topological_order"
H = 1e-5


def hinted(message, category, hint=None, abort=False):
    """A Fail whose message ends with its hint (visible checks show the message, hidden ones the hint)."""
    return Fail(message + ("\nhint: " + hint if hint else ""), category, hint=hint, abort=abort)


def numerically_equal(numeric, analytic):
    """Centred differences (h = 1e-5) of a well-conditioned function against the analytic value."""
    return abs(numeric - analytic) <= 1e-5 * (abs(numeric) + abs(analytic)) + 1e-6


# ---------------------------------------------------------------- one gate

def gate_inputs(cls, shape, rng, ties=False):
    """Inputs a gate is well-conditioned on: 1/x away from 0, exp of moderate x, max without near-ties
    (unless ties are asked for: then values from a small set)."""
    draw = (lambda: rng.choice([-1.0, 0.0, 0.5, 2.0], size=shape)) if ties else (lambda: rng.uniform(-2, 2, shape))
    x = draw()
    if cls == "InverseGate":
        x = np.where(np.abs(x) < 0.3, 0.3 + np.abs(x), x)
    y = draw()
    if cls == "MaxGate" and not ties:
        y = x + rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.1, 1.0, shape)
    dz = rng.uniform(-2, 2, shape)
    as_number = (lambda v: float(v)) if shape == () else (lambda v: v)
    xs = [as_number(x), as_number(y)][:GATES[cls][0]]
    return {"xs": xs, "dz": as_number(dz), "param": float(rng.choice([-1.5, -0.5, 0.75, 2.0]))}


def make_gate_case(cls):
    def make(p):
        rng = np.random.default_rng(p["seed"])
        return gate_inputs(cls, tuple(p["shape"]), rng, ties=p.get("ties", False))
    return make


GATE_PUBLIC = ({"shape": [], "seed": 0}, {"shape": [4], "seed": 1}, {"shape": [2, 3], "seed": 2})
SHAPES = st.sampled_from([[], [1], [3], [2, 3], [2, 1, 2]])
GATE_DRAWN = st.fixed_dictionaries({"shape": SHAPES, "seed": st.integers(0, 2 ** 16)})


def new_gate(plan, cls, inputs):
    return plan.new(cls, inputs["param"]) if GATES[cls][1] else plan.new(cls)


def run_gate(plan, cls, inputs):
    gate = new_gate(plan, cls, inputs)
    z = plan.method(gate, "forward", *inputs["xs"])
    return z, plan.method(gate, "backward", inputs["dz"])


def gate_hints(cls, inputs):
    """Likely causes, from how a gradient differs."""
    xs, dz = [np.asarray(v, float) for v in inputs["xs"]], np.asarray(inputs["dz"], float)

    def ignores_upstream(s, e):
        if s.shape == e.shape and np.all(dz != 0) and not np.allclose(dz, 1) and np.allclose(s * dz, e):
            return "backward ignores the upstream gradient dz: multiply the local gradient by dz (chain rule)"
        return None

    def not_swapped(s, e):
        if cls == "MultiplyGate" and any(np.allclose(s, v * dz) and not np.allclose(s, e) for v in xs):
            return "MultiplyGate swaps its inputs: dx = y·dz and dy = x·dz"
        return None

    def copied(s, e):
        if cls == "MaxGate" and s.shape == dz.shape and np.allclose(s, dz) and not np.allclose(e, dz):
            return "max routes dz to the larger input only; the other input gets 0"
        return None

    def scale_local(s, e):
        if cls == "ScaleGate" and s.shape == dz.shape and np.allclose(s, dz) and not np.allclose(e, dz):
            return "the local derivative of a·x is a: dx = a·dz"
        return None

    return [ignores_upstream, not_swapped, copied, scale_local]


def check_gate_answer(cls, inputs, student, expected, tol=1e-12):
    """z, then the gradient(s): exact type, shape (elementwise: that of the input, never a Jacobian), values
    (tol=inf: all but the values)."""
    z, grads = student
    arity = GATES[cls][0]
    shape = np.shape(inputs["xs"][0])
    hints = gate_hints(cls, inputs)
    check_value(z, expected[0], "%s.forward" % cls, tol, hints)
    if arity == 2:
        if not isinstance(grads, (tuple, list)) or len(grads) != 2:
            raise hinted("%s.backward should return (dx, dy), returned %s" % (cls, describe(grads)),
                         "wrong return value", hint="return dx, dy")
        pairs = [(grads[0], expected[1][0], "dx"), (grads[1], expected[1][1], "dy")]
    else:
        pairs = [(grads, expected[1], "dx")]
    for s, e, label in pairs:
        if type(s) is np.ndarray and shape and s.shape == shape + shape:
            raise hinted("%s.backward: %s has shape %s, a Jacobian matrix" % (cls, label, s.shape), "Jacobian",
                         hint="return the Jacobian-vector product: dz times the local derivative, elementwise, "
                              "with the input's shape %s" % (shape,))
        check_value(s, e, "%s.backward: %s" % (cls, label), tol, hints)


def gate_values(cls):
    def body(ctx, inputs):
        student, expected = ctx.both(lambda plan: list(run_gate(plan, cls, inputs)))
        check_gate_answer(cls, inputs, student, expected)
    return body


def add_distributes(ctx, inputs):
    """AddGate: dx = dz and dy = dz, exactly."""
    plan = ctx.plan()
    plan.returns(run_gate(plan, "AddGate", inputs)[1])
    (grads,) = ctx.run_student(plan)
    dz = inputs["dz"]
    for i, label in enumerate(("dx", "dy")):
        got = grads[i] if isinstance(grads, (tuple, list)) and len(grads) == 2 else grads
        check_value(got, dz if type(dz) is np.ndarray else float(dz), "AddGate.backward: %s" % label, 0, exact=True,
                    hints=[lambda s, e: "the add gate distributes: both inputs get dz unchanged"])


def multiply_swaps(ctx, inputs):
    """MultiplyGate: dx = y·dz and dy = x·dz."""
    plan = ctx.plan()
    plan.returns(run_gate(plan, "MultiplyGate", inputs)[1])
    (grads,) = ctx.run_student(plan)
    (x, y), dz = inputs["xs"], inputs["dz"]
    if not isinstance(grads, (tuple, list)) or len(grads) != 2:
        raise hinted("MultiplyGate.backward should return (dx, dy), returned %s" % describe(grads),
                     "wrong return value", hint="return dx, dy")
    hints = gate_hints("MultiplyGate", inputs)
    check_value(grads[0], np.asarray(y) * dz if type(dz) is np.ndarray else float(y * dz), "dx", 1e-14, hints)
    check_value(grads[1], np.asarray(x) * dz if type(dz) is np.ndarray else float(x * dz), "dy", 1e-14, hints)


def max_routes(ctx, inputs):
    """MaxGate: the whole dz to the larger input (to x on a tie), nothing to the other; dx + dy = dz."""
    plan = ctx.plan()
    plan.returns(*run_gate(plan, "MaxGate", inputs))
    z, grads = ctx.run_student(plan)
    x, y = (np.asarray(v, float) for v in inputs["xs"])
    dz = np.asarray(inputs["dz"], float)
    if not isinstance(grads, (tuple, list)) or len(grads) != 2:
        raise hinted("MaxGate.backward should return (dx, dy), returned %s" % describe(grads), "wrong return value",
                     hint="return dx, dy")
    check_value(np.asarray(z, float), np.maximum(x, y), "MaxGate.forward", 0, exact=True)
    dx, dy = (np.asarray(g, float) for g in grads)
    want_dx, want_dy = np.where(x >= y, dz, 0.0), np.where(x >= y, 0.0, dz)
    if dx.shape == x.shape and dy.shape == x.shape:
        tie = (x == y) & (dz != 0)
        if tie.any() and np.allclose(dx[tie], 0) and np.allclose(dy[tie], dz[tie]):
            raise hinted("on a tie x == y the gradient went to y", "tie to y",
                         hint="on a tie the whole gradient goes to x (the first input), as the README says")
        if np.allclose(dx, dz) and np.allclose(dy, dz) and not np.allclose(want_dy, dz):
            raise hinted("both inputs got the whole dz", "gradient copied",
                         hint="max routes dz to the larger input only: the other input gets 0")
    check_value(dx, want_dx, "dx", 0, exact=True)
    check_value(dy, want_dy, "dy", 0, exact=True)


def jvp_cases(p):
    """Arrays for every gate: x, y (max without near-ties, 1/x away from 0), dz, two directions per input."""
    rng = np.random.default_rng(p["seed"])
    shape = tuple(p["shape"])
    cases = {cls: gate_inputs(cls, shape, rng) for cls in GATES}
    for case in cases.values():
        case["directions"] = [[rng.standard_normal(shape) for _ in range(2)] for _ in case["xs"]]
    return cases


JVP_PUBLIC = ({"shape": [5], "seed": 3}, {"shape": [2, 3, 2], "seed": 4})
JVP_DRAWN = st.fixed_dictionaries({"shape": st.sampled_from([[2], [7], [3, 4], [2, 2, 3]]),
                                   "seed": st.integers(0, 2 ** 16)})


def vector_jvp(ctx, inputs):
    """Every gate on arrays: shapes kept (never a Jacobian), ⟨dx, d⟩ equal to the centred difference of
    ⟨dz, forward⟩ along random directions d (the Jacobian-vector product of the student's own forward), and the
    reference's values. The inputs are made from (shape, seed) here, so a failing case prints short."""
    cases = jvp_cases(inputs)

    def build(plan):
        refs = []
        for cls, case in cases.items():
            refs.extend(run_gate(plan, cls, case))
            for i, ds in enumerate(case["directions"]):
                for d in ds:
                    for sign in (1, -1):
                        xs = list(case["xs"])
                        xs[i] = xs[i] + sign * H * d
                        refs.append(plan.method(new_gate(plan, cls, case), "forward", *xs))
        return refs

    student, expected = ctx.both(build)
    k = 0
    for cls, case in cases.items():
        answer, reference = student[k:k + 2], expected[k:k + 2]
        check_gate_answer(cls, case, answer, reference, tol=np.inf)   # types and shapes first
        grads = answer[1] if GATES[cls][0] == 2 else [answer[1]]
        k += 2
        for i, ds in enumerate(case["directions"]):
            for d in ds:
                plus, minus = (np.asarray(v, float) for v in student[k:k + 2])
                k += 2
                numeric = float(np.sum((plus - minus) * case["dz"])) / (2 * H)
                analytic = float(np.sum(np.asarray(grads[i], float) * d))
                if not numerically_equal(numeric, analytic):
                    raise hinted("%s: ⟨d%s, d⟩ = %.6g but the centred difference of your forward along d gives %.6g"
                                 % (cls, "xy"[i], analytic, numeric), "gradient does not match the function",
                                 hint="backward must be dz times the derivative of forward, elementwise")
        check_gate_answer(cls, case, answer, reference)


# ---------------------------------------------------------------- the lecture's examples

SIGMA = 1 / (1 + math.exp(-1.0))            # the neuron's output: σ(w0·x0 + w1·x1 + w2) = σ(1)
LOCAL = SIGMA * (1 - SIGMA)                 # 0.19661193...
NEURON_POINT = {"w0": 2.0, "x0": -1.0, "w1": -3.0, "x1": -2.0, "w2": -3.0}
NEURON_GRADS = {"w0": -1.0 * LOCAL, "x0": 2.0 * LOCAL, "w1": -2.0 * LOCAL, "x1": -3.0 * LOCAL, "w2": LOCAL}
SIMPLE_POINT, SIMPLE_GRADS = {"x": -2.0, "y": 5.0, "z": -4.0}, {"x": -4.0, "y": -4.0, "z": 3.0}

SIMPLE_GRAPH = [{"name": "f", "gate": "multiply", "inputs": ["q", "z"]},     # listed out of order on purpose
                {"name": "q", "gate": "add", "inputs": ["x", "y"]}]
NEURON_GRAPH = [{"name": "f", "gate": "inverse", "inputs": ["g"]},
                {"name": "g", "gate": "shift", "inputs": ["e"], "param": 1.0},
                {"name": "e", "gate": "exp", "inputs": ["n"]},
                {"name": "n", "gate": "scale", "inputs": ["s"], "param": -1.0},
                {"name": "s", "gate": "add", "inputs": ["a", "w2"]},
                {"name": "a", "gate": "add", "inputs": ["p0", "p1"]},
                {"name": "p0", "gate": "multiply", "inputs": ["w0", "x0"]},
                {"name": "p1", "gate": "multiply", "inputs": ["w1", "x1"]}]
NEURON_SIGMOID_GRAPH = NEURON_GRAPH[4:] + [{"name": "f", "gate": "sigmoid", "inputs": ["s"]}]


def graph_factor(s, e):
    """A graph's gradient off by a constant factor: a local derivative, or a sum at a fan-out."""
    from ..checks.diagnosis import scale_factor
    factor = scale_factor(s, e)
    if factor is None:
        return None
    known = {2.0: "yours is twice the expected gradient: a gate's local derivative is off, or a value used several "
                  "times did not get the SUM of its gradients",
             0.5: "yours is half the expected gradient: a gate's local derivative is off, or a value used several "
                  "times did not get the SUM of its gradients",
             -1.0: "yours is minus the expected gradient: a gate's local derivative is off, or a value used several "
                   "times did not get the SUM of its gradients"}
    return known.get(round(factor, 6), "yours is %.4g times the expected gradient: a gate's local derivative is off, "
                                       "or a value used several times did not get the SUM of its gradients" % factor)


def check_lecture(label, out, grads, want_out, want_grads):
    check_value(out, want_out, "%s: the output" % label, 1e-12)
    if not isinstance(grads, dict):
        raise hinted("%s: the gradients should be a dict name -> gradient, got %s" % (label, describe(grads)),
                     "wrong return value", hint="return {input name: gradient}")
    for name, value in want_grads.items():
        if name not in grads:
            raise hinted("%s: no gradient for %r" % (label, name), "missing gradient",
                         hint="backward returns a gradient for every graph input")
        check_value(grads[name], value, "%s: d%s" % (label, name), 1e-9, [graph_factor])


def lecture_gates(ctx, inputs):
    """f = (x + y)·z and the sigmoid neuron, wired by hand from the student's gates as on the slides."""
    def build(plan):
        add, mul = plan.new("AddGate"), plan.new("MultiplyGate")
        q = plan.method(add, "forward", -2.0, 5.0)
        f = plan.method(mul, "forward", q, -4.0)
        dq_dz = plan.method(mul, "backward", 1.0)
        dx_dy = plan.method(add, "backward", dq_dz[0])
        m0, m1, a1, a2 = plan.new("MultiplyGate"), plan.new("MultiplyGate"), plan.new("AddGate"), plan.new("AddGate")
        neg, ex, sh, inv = plan.new("ScaleGate", -1.0), plan.new("ExpGate"), plan.new("ShiftGate", 1.0), \
            plan.new("InverseGate")
        p = NEURON_POINT
        s = plan.method(a2, "forward", plan.method(a1, "forward", plan.method(m0, "forward", p["w0"], p["x0"]),
                                                   plan.method(m1, "forward", p["w1"], p["x1"])), p["w2"])
        out = plan.method(inv, "forward", plan.method(sh, "forward", plan.method(ex, "forward",
                                                                                 plan.method(neg, "forward", s))))
        ds = plan.method(neg, "backward", plan.method(ex, "backward", plan.method(sh, "backward",
                                                                                  plan.method(inv, "backward", 1.0))))
        d_a1_w2 = plan.method(a2, "backward", ds)
        d_m0_m1 = plan.method(a1, "backward", d_a1_w2[0])
        return [f, dx_dy, dq_dz, out, plan.method(m0, "backward", d_m0_m1[0]),
                plan.method(m1, "backward", d_m0_m1[1]), d_a1_w2]

    student, _ = ctx.both(build)
    f, dx_dy, dq_dz, out, d0, d1, d2 = student
    for v, n in ((dx_dy, "AddGate"), (dq_dz, "MultiplyGate"), (d0, "MultiplyGate"), (d1, "MultiplyGate"),
                 (d2, "AddGate")):
        if not isinstance(v, (tuple, list)) or len(v) != 2:
            raise hinted("%s.backward should return (dx, dy), returned %s" % (n, describe(v)), "wrong return value",
                         hint="return dx, dy")
    check_lecture("f = (x + y)·z at x=-2, y=5, z=-4", f, {"x": dx_dy[0], "y": dx_dy[1], "z": dq_dz[1]}, -12.0,
                  SIMPLE_GRADS)
    check_lecture("the sigmoid neuron at w0=2, x0=-1, w1=-3, x1=-2, w2=-3", out,
                  {"w0": d0[0], "x0": d0[1], "w1": d1[0], "x1": d1[1], "w2": d2[1]}, SIGMA, NEURON_GRADS)


def lecture_graph(nodes_list, point, want_out, want_grads, label):
    def body(ctx, inputs):
        for nodes in nodes_list:
            try:
                student, _ = ctx.both(lambda plan: list(run_graph(plan, nodes, None, point, 1.0)))
            except Fail as fail:
                if "KeyError" in fail.message:
                    raise hinted(fail.message.split("\n")[0], fail.category,
                                 hint="the nodes may come in any order: run them in topological order")
                raise
            out, grads = student
            try:
                check_lecture(label, out, grads, want_out, want_grads)
            except Fail as fail:
                if isinstance(grads, dict) and any(np.all(np.asarray(grads.get(n, 1.0), float) == 0)
                                                   for n in want_grads):
                    raise hinted(fail.message.split("\nhint:")[0], fail.category,
                                 hint="some gradients are 0: does backward visit the nodes in REVERSE topological "
                                      "order (a node's gradient complete before it is passed on), and does every "
                                      "gate pass a gradient to each of its inputs?")
                raise
    return body


# ---------------------------------------------------------------- graphs

def run_graph(plan, nodes, output, values, dout):
    graph = plan.new(GRAPH, nodes, output) if output is not None else plan.new(GRAPH, nodes)
    return plan.method(graph, "forward", values), plan.method(graph, "backward", dout)


ADD_UP = "a value that feeds several gates (or one gate twice) gets the SUM of their gradients; a gate may hand " \
         "back the same array twice, so do not add in place (+=)"
FAN_OUT = [   # (description, nodes, output, values, dout, expected gradients, hint)
    ("f = x·y + x", [{"name": "f", "gate": "add", "inputs": ["p", "x"]},
                     {"name": "p", "gate": "multiply", "inputs": ["x", "y"]}], None,
     {"x": 3.0, "y": -2.0}, 2.0, {"x": 2.0 * (-2.0 + 1.0), "y": 2.0 * 3.0}, ADD_UP),
    ("f = x·x", [{"name": "f", "gate": "multiply", "inputs": ["x", "x"]}], None,
     {"x": np.array([1.0, -2.0, 3.0])}, np.array([1.0, 0.5, -1.0]), {"x": np.array([2.0, -2.0, -6.0])}, ADD_UP),
    ("f = (x + x) + x", [{"name": "e", "gate": "add", "inputs": ["d", "x"]},
                         {"name": "d", "gate": "add", "inputs": ["x", "x"]}], None,
     {"x": np.array([1.0, 2.0])}, np.array([1.0, 10.0]), {"x": np.array([3.0, 30.0])}, ADD_UP),
    ("f = exp(x), with g = exp(y) beside it", [{"name": "f", "gate": "exp", "inputs": ["x"]},
                                               {"name": "g", "gate": "exp", "inputs": ["y"]}], "f",
     {"x": np.zeros(3), "y": np.ones(3)}, np.ones(3), {"x": np.ones(3), "y": np.zeros(3)},
     "an input the output does not depend on gets zeros of its shape"),
]


def fan_out(ctx, inputs):
    """Gradients add up where a value feeds several gates (or one gate twice); unused inputs get 0."""
    for label, nodes, output, values, dout, want, hint in FAN_OUT:
        (out, grads), _ = ctx.both(lambda plan: list(run_graph(plan, nodes, output, values, dout)))
        if not isinstance(grads, dict):
            raise hinted("%s: backward should return a dict, got %s" % (label, describe(grads)), "wrong return value",
                         hint="return {input name: gradient}")
        for name, value in want.items():
            if name not in grads:
                raise hinted("%s: no gradient for %r" % (label, name), "missing gradient", hint=hint)
            check_value(grads[name], value, "%s: d%s" % (label, name), 1e-12, [lambda s, e: hint])


# random graphs: hypothesis draws the structure, a seed the values -------------------------------------------------

KINDS = ["add", "multiply", "sigmoid", "scale", "shift", "exp", "max", "inverse"]   # shrinks towards add
ARITY = {v[2]: v[0] for v in GATES.values()}
PARAMS = [-2.0, -1.0, -0.5, 0.5, 1.5, 2.0]
INPUT_NAMES = ["x", "y", "z"]


@st.composite
def graph_params(draw, shapes):
    n_inputs, n_nodes = draw(st.integers(1, 3)), draw(st.integers(1, 6))
    nodes = []
    for k in range(n_nodes):
        kind = draw(st.sampled_from(KINDS))
        node = [kind, [draw(st.integers(0, n_inputs + k - 1)) for _ in range(ARITY[kind])]]
        if kind in ("scale", "shift"):
            node.append(draw(st.sampled_from(PARAMS)))
        nodes.append(node)
    return {"inputs": n_inputs, "nodes": nodes, "order": draw(st.permutations(range(n_nodes))),
            "shape": draw(st.sampled_from(shapes)), "seed": draw(st.integers(0, 2 ** 16))}


def describe_nodes(p, kinds=None):
    names = INPUT_NAMES[:p["inputs"]] + ["n%d" % k for k in range(len(p["nodes"]))]
    nodes = []
    for k, (kind, ins, *param) in enumerate(p["nodes"]):
        node = {"name": "n%d" % k, "gate": (kinds or {}).get(kind, kind), "inputs": [names[i] for i in ins]}
        if node["gate"] in ("scale", "shift"):
            node["param"] = param[0] if param else 1.0
        nodes.append(node)
    return nodes


def well_conditioned(nodes, values):
    """Finite differences are meaningful: no overflow, 1/x away from 0, no near-ties in max (parent side)."""
    from reference.backprop.graph import ComputationalGraph
    try:
        with np.errstate(all="raise"):
            graph = ComputationalGraph(nodes, nodes[-1]["name"])
            graph.forward(values)
    except (ZeroDivisionError, FloatingPointError, OverflowError):
        return False
    v = {k: np.asarray(x, float) for k, x in graph.values.items()}
    for node in nodes:
        out, ins = v[node["name"]], [v[i] for i in node["inputs"]]
        if not np.all(np.isfinite(out)) or np.max(np.abs(out)) > 1e4:
            return False
        if node["gate"] == "inverse" and np.min(np.abs(ins[0])) < 0.1:
            return False
        if node["gate"] == "max" and node["inputs"][0] != node["inputs"][1] and np.min(np.abs(ins[0] - ins[1])) < 1e-3:
            return False
    return True


SAFER = [{}, {"inverse": "sigmoid", "exp": "sigmoid", "max": "add"},
         {"inverse": "sigmoid", "exp": "sigmoid", "max": "add", "multiply": "add"}]


def make_graph(p):
    """nodes (listed in the drawn order), the output, input values, dout, and directions for arrays. Values that
    make finite differences meaningless are redrawn; failing that, risky gates are swapped for safe ones."""
    shape = tuple(p["shape"])
    for kinds in SAFER:
        nodes = describe_nodes(p, kinds)
        for attempt in range(20):
            rng = np.random.default_rng([p["seed"], attempt])
            scale = 2.0 * 0.7 ** (attempt // 5)
            draw = (lambda: float(rng.uniform(-scale, scale))) if shape == () else \
                (lambda: rng.uniform(-scale, scale, shape))
            values = {name: draw() for name in INPUT_NAMES[:p["inputs"]]}
            if well_conditioned(nodes, values):
                used = sorted({i for n in nodes for i in n["inputs"]} & set(values))
                return {"nodes": [nodes[k] for k in p["order"]], "output": nodes[-1]["name"], "values": values,
                        "dout": draw(), "directions": {name: [rng.standard_normal(shape) for _ in range(2)]
                                                       for name in used} if shape else None}
    raise AssertionError("no well-conditioned values for %r" % (p,))   # not reached: add/scale/shift/sigmoid


SCALAR_GRAPHS = graph_params([[]])
ANY_GRAPHS = graph_params([[], [3], [2, 2]])


def random_graph(ctx, inputs):
    """forward and backward equal the reference's, and the gradients equal centred differences of the student's
    own forward (±h on each number; for arrays, two random directions per input)."""
    nodes, output, values, dout = inputs["nodes"], inputs["output"], inputs["values"], inputs["dout"]
    used = sorted({i for n in nodes for i in n["inputs"]} & set(values))
    probes = []   # (input name, direction or None, sign)
    for name in used:
        for d in (inputs["directions"][name] if inputs["directions"] else [None]):
            probes += [(name, d, 1), (name, d, -1)]

    def build(plan):
        refs = list(run_graph(plan, nodes, output, values, dout))
        for name, d, sign in probes:
            moved = dict(values)
            moved[name] = values[name] + sign * H * (1.0 if d is None else d)
            refs.append(plan.method(plan.new(GRAPH, nodes, output), "forward", moved))
        return refs

    student, expected = ctx.both(build)
    out, grads = student[:2]
    check_value(out, expected[0], "forward", 1e-10)
    if not isinstance(grads, dict):
        raise hinted("backward should return a dict, got %s" % describe(grads), "wrong return value",
                     hint="return {input name: gradient}")
    for name in used:
        if name not in grads:
            raise hinted("backward has no gradient for the input %r" % name, "missing gradient",
                         hint="return a gradient for every graph input")
        check_value(grads[name], expected[1][name], "d%s" % name, 1e-9, [graph_factor])
    for k in range(0, len(probes), 2):
        name, d, _ = probes[k]
        plus, minus = (np.asarray(v, float) for v in student[2 + k:4 + k])
        numeric = float(np.sum((plus - minus) * dout)) / (2 * H)
        analytic = float(np.sum(np.asarray(grads[name], float) * (1.0 if d is None else d)))
        if not numerically_equal(numeric, analytic):
            raise hinted("d%s disagrees with the numerical gradient of your own forward%s: yours %.6g, numerical %.6g"
                         % (name, "" if d is None else " along a random direction", analytic, numeric),
                         "gradient does not match the function",
                         hint="backward must run the gates in reverse topological order and add up gradients "
                              "where a value is used several times")


def make_topo(p):
    return {"nodes": [n for n in make_graph(p)["nodes"]]}


def topo_valid(ctx, inputs):
    """topological_order returns the same nodes, each after the nodes it reads."""
    nodes = inputs["nodes"]
    plan = ctx.plan()
    plan.returns(plan.call(TOPO, nodes))
    (order,) = ctx.run_student(plan)
    if not isinstance(order, (list, tuple)) or not all(isinstance(n, dict) and "name" in n for n in order):
        raise hinted("topological_order should return a list of the node dicts, returned %s" % describe(order),
                     "wrong return value", hint="return the nodes themselves, reordered")
    names = [n["name"] for n in order]
    if sorted(names) != sorted(n["name"] for n in nodes):
        raise hinted("topological_order returned the nodes %s for the nodes %s" % (names, [n["name"] for n in nodes]),
                     "not a permutation", hint="return every node exactly once")
    position = {name: k for k, name in enumerate(names)}
    for node in order:
        for i in node["inputs"]:
            if i in position and position[i] > position[node["name"]]:
                raise hinted("%r comes before %r, which it reads" % (node["name"], i), "not topological",
                             hint="a node must come after every node it reads")


BAD = [   # (what is wrong, nodes, output, forward values)
    ("a cycle", [{"name": "f", "gate": "exp", "inputs": ["g"]}, {"name": "g", "gate": "exp", "inputs": ["f"]}], "f",
     {}),
    ("a duplicate node name", [{"name": "f", "gate": "exp", "inputs": ["x"]},
                               {"name": "f", "gate": "sigmoid", "inputs": ["x"]}], None, {"x": 1.0}),
    ("an unknown gate", [{"name": "f", "gate": "tanh", "inputs": ["x"]}], None, {"x": 1.0}),
    ("a wrong number of inputs", [{"name": "f", "gate": "add", "inputs": ["x"]}], None, {"x": 1.0}),
    ("a scale gate without param", [{"name": "f", "gate": "scale", "inputs": ["x"]}], None, {"x": 1.0}),
    ("two sinks and no output", [{"name": "f", "gate": "exp", "inputs": ["x"]},
                                 {"name": "g", "gate": "exp", "inputs": ["x"]}], None, {"x": 1.0}),
    ("an output that is not a node", [{"name": "f", "gate": "exp", "inputs": ["x"]}], "x", {"x": 1.0}),
    ("a missing graph input in forward", SIMPLE_GRAPH, None, {"x": 1.0, "y": 2.0}),
]


def bad_descriptions(ctx, inputs):
    """Each bad description raises ValueError (in the constructor, or at the latest in forward)."""
    for what, nodes, output, values in BAD:
        plan = ctx.plan()
        graph = plan.new(GRAPH, nodes, output) if output else plan.new(GRAPH, nodes)
        plan.method(graph, "forward", values)
        reply = ctx.student.run(plan)
        if reply.failure:
            raise Fail("with %s the graph crashed or ran too long: %s" % (what, reply.failure), "crashed", abort=True)
        kind = (reply.error or {}).get("type")
        if kind != "ValueError":
            raise hinted("a graph with %s should raise ValueError; %s" % (
                what, "it raised %s" % kind if kind else "nothing was raised"), "no ValueError",
                hint="check the description in the constructor and raise ValueError with a clear message")


# ---------------------------------------------------------------- the checks

def gate_checks():
    checks = []
    for cls in GATES:
        checks.append(Property(cls + ".values", 1, (cls,), cases=Cases(make_gate_case(cls), GATE_PUBLIC, GATE_DRAWN),
                               body=gate_values(cls), examples=3,
                               description="forward and backward on numbers and arrays equal the reference"))
    return checks


CHECKS = [
    Property("gates.lecture_examples", 2, tuple(GATES), cases=Cases(lambda p: {}, ({},)), body=lecture_gates,
             examples=0, description="the slides' examples wired from your gates: (x + y)·z at (−2, 5, −4) and the "
                                     "sigmoid neuron"),
] + gate_checks() + [
    Property("AddGate.distributes", 1, ("AddGate",), cases=Cases(make_gate_case("AddGate"), (), GATE_DRAWN),
             body=add_distributes, examples=5, description="add distributes: dx = dy = dz"),
    Property("MultiplyGate.swaps", 1, ("MultiplyGate",), cases=Cases(make_gate_case("MultiplyGate"), (), GATE_DRAWN),
             body=multiply_swaps, examples=5, description="multiply swaps: dx = y·dz, dy = x·dz"),
    Property("MaxGate.routes", 1, ("MaxGate",),
             cases=Cases(make_gate_case("MaxGate"), ({"shape": [8], "seed": 5, "ties": True}, {"shape": [], "seed": 0,
                                                                                                "ties": True}),
                         st.fixed_dictionaries({"shape": SHAPES, "seed": st.integers(0, 2 ** 16),
                                                "ties": st.booleans()})),
             body=max_routes, examples=5, description="max routes dz to the larger input, to x on a tie"),
    Property("gates.vector_jvp", 2, tuple(GATES), cases=Cases(dict, JVP_PUBLIC, JVP_DRAWN), body=vector_jvp,
             examples=2, description="every gate on arrays: shapes kept, backward is the elementwise "
                                     "Jacobian-vector product of your own forward"),
    Property("gates.hidden", 2, tuple(GATES), HIDDEN, cases=Cases(dict, (), JVP_DRAWN), body=vector_jvp,
             examples=4, description="the same on hidden inputs"),
    Property("topological_order.valid", 1, (TOPO,), cases=Cases(make_topo, (), ANY_GRAPHS), body=topo_valid,
             examples=8, description="every node after the nodes it reads, nodes listed in any order"),
    Property("graph.lecture_add_multiply", 2, (GRAPH,), cases=Cases(lambda p: {}, ({},)),
             body=lecture_graph([SIMPLE_GRAPH], SIMPLE_POINT, -12.0, SIMPLE_GRADS, "f = (x + y)·z at x=-2, y=5, z=-4"),
             examples=0, description="the lecture's f = (x + y)·z: f = −12, gradients −4, −4, 3"),
    Property("graph.lecture_sigmoid_neuron", 2, (GRAPH,), cases=Cases(lambda p: {}, ({},)),
             body=lecture_graph([NEURON_GRAPH, NEURON_SIGMOID_GRAPH], NEURON_POINT, SIGMA, NEURON_GRADS,
                                "the sigmoid neuron at w0=2, x0=-1, w1=-3, x1=-2, w2=-3"),
             examples=0, description="the lecture's neuron from elementary gates and with a sigmoid gate: 0.73; "
                                     "−0.20, 0.39, −0.39, −0.59, 0.20"),
    Property("graph.fan_out", 2, (GRAPH,), cases=Cases(lambda p: {}, ({},)), body=fan_out, examples=0,
             description="gradients add up at branches: x·y + x, x·x, (x + x) + x; unused inputs get 0"),
    Property("graph.random_graphs", 2, (GRAPH,), cases=Cases(make_graph, (), SCALAR_GRAPHS), body=random_graph,
             examples=8, description="random graphs on numbers: the reference's values, and gradients equal to "
                                     "numerical gradients of your own forward"),
    Property("graph.hidden", 3, (GRAPH,), HIDDEN, cases=Cases(make_graph, (), ANY_GRAPHS), body=random_graph,
             examples=12, description="random graphs on numbers and arrays (hidden)"),
    Property("graph.bad_descriptions", 1, (GRAPH,), HIDDEN, cases=Cases(lambda p: {}, ({},)), body=bad_descriptions,
             examples=0, requires=("graph.lecture_add_multiply",),
             description="a bad description raises ValueError"),
]

ASSIGNMENT = Assignment(
    name="backprop", title="Backpropagation: gates and a computational graph",
    symbols=dict({cls: ("gates",) for cls in GATES}, **{GRAPH: ("graph",), TOPO: ("graph",)}),
    checks=CHECKS, reference_modules=("gates", "graph"))
