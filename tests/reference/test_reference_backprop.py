"""Reference tests for `backprop`: gates and the computational graph.

Oracles: the lecture's worked examples, torch autograd (CUDA when available, else
CPU), and centred-difference numerical gradients.
"""
import math

import numpy as np
import pytest
import torch
from hypothesis import assume, given, strategies as st
from hypothesis.extra.numpy import arrays

from reference.backprop.gates import (AddGate, ExpGate, InverseGate, MaxGate,
                                      MultiplyGate, ScaleGate, ShiftGate, SigmoidGate)
from reference.backprop.graph import GATES, ComputationalGraph, topological_order
from helpers import device, rel_error


finite = st.floats(-3, 3, allow_nan=False)


def same_shape_pair(elements=finite):
    return st.integers(1, 5).flatmap(lambda n: st.tuples(
        arrays(np.float64, (n,), elements=elements),
        arrays(np.float64, (n,), elements=elements),
        arrays(np.float64, (n,), elements=elements)))


# ---------------------------------------------------------------- the lecture's examples

def lecture_simple_graph():
    # f = (x + y) * z, listed out of order on purpose
    return [{"name": "f", "gate": "multiply", "inputs": ["q", "z"]},
            {"name": "q", "gate": "add", "inputs": ["x", "y"]}]


def lecture_sigmoid_neuron():
    # f = 1 / (1 + exp(-(w0*x0 + w1*x1 + w2))), built from elementary gates as in the slides
    return [{"name": "f", "gate": "inverse", "inputs": ["g"]},
            {"name": "g", "gate": "shift", "inputs": ["e"], "param": 1.0},
            {"name": "e", "gate": "exp", "inputs": ["n"]},
            {"name": "n", "gate": "scale", "inputs": ["s"], "param": -1.0},
            {"name": "s", "gate": "add", "inputs": ["a", "w2"]},
            {"name": "a", "gate": "add", "inputs": ["p0", "p1"]},
            {"name": "p0", "gate": "multiply", "inputs": ["w0", "x0"]},
            {"name": "p1", "gate": "multiply", "inputs": ["w1", "x1"]}]


NEURON_POINT = {"w0": 2.0, "x0": -1.0, "w1": -3.0, "x1": -2.0, "w2": -3.0}


def test_lecture_add_multiply_example():
    graph = ComputationalGraph(lecture_simple_graph())
    assert graph.forward({"x": -2.0, "y": 5.0, "z": -4.0}) == -12.0
    grads = graph.backward(1.0)
    assert grads == {"x": -4.0, "y": -4.0, "z": 3.0}


def test_lecture_example_with_integer_inputs():
    graph = ComputationalGraph(lecture_simple_graph())
    assert graph.forward({"x": -2, "y": 5, "z": -4}) == -12
    grads = graph.backward()
    assert (grads["x"], grads["y"], grads["z"]) == (-4.0, -4.0, 3.0)


def test_lecture_sigmoid_neuron_from_elementary_gates():
    graph = ComputationalGraph(lecture_sigmoid_neuron())
    out = graph.forward(NEURON_POINT)
    grads = graph.backward(1.0)
    assert round(out, 2) == 0.73
    assert {k: round(float(v), 2) for k, v in grads.items()} == {
        "w0": -0.2, "x0": 0.39, "w1": -0.39, "x1": -0.59, "w2": 0.2}
    # exactly: every gradient is sigma(s)(1 - sigma(s)) times the local factor
    s = 2.0 * -1.0 + -3.0 * -2.0 - 3.0
    sig = 1.0 / (1.0 + math.exp(-s))
    local = sig * (1 - sig)
    assert abs(out - sig) < 1e-15
    expected = {"w0": -1.0 * local, "x0": 2.0 * local, "w1": -2.0 * local,
                "x1": -3.0 * local, "w2": local}
    for name, value in expected.items():
        assert abs(grads[name] - value) < 1e-12, name


def test_lecture_sigmoid_neuron_with_a_sigmoid_gate():
    nodes = lecture_sigmoid_neuron()[4:] + [{"name": "f", "gate": "sigmoid", "inputs": ["s"]}]
    graph = ComputationalGraph(nodes)
    out = graph.forward(NEURON_POINT)
    grads = graph.backward()
    reference = ComputationalGraph(lecture_sigmoid_neuron())
    assert abs(out - reference.forward(NEURON_POINT)) < 1e-15
    for name, value in reference.backward().items():
        assert abs(grads[name] - value) < 1e-12


# ---------------------------------------------------------------- gate patterns as properties

@given(same_shape_pair())
def test_add_distributes(xyz):
    x, y, dz = xyz
    gate = AddGate()
    np.testing.assert_array_equal(gate.forward(x, y), x + y)
    dx, dy = gate.backward(dz)
    np.testing.assert_array_equal(dx, dz)
    np.testing.assert_array_equal(dy, dz)


@given(same_shape_pair())
def test_multiply_swaps(xyz):
    x, y, dz = xyz
    gate = MultiplyGate()
    np.testing.assert_array_equal(gate.forward(x, y), x * y)
    dx, dy = gate.backward(dz)
    np.testing.assert_array_equal(dx, y * dz)
    np.testing.assert_array_equal(dy, x * dz)


@given(same_shape_pair(st.sampled_from([-1.0, 0.0, 0.5, 2.0])))
def test_max_routes_to_the_larger_input_and_ties_to_x(xyz):
    x, y, dz = xyz
    gate = MaxGate()
    np.testing.assert_array_equal(gate.forward(x, y), np.maximum(x, y))
    dx, dy = gate.backward(dz)
    np.testing.assert_array_equal(dx, np.where(x >= y, dz, 0.0))
    np.testing.assert_array_equal(dy, np.where(x >= y, 0.0, dz))
    np.testing.assert_array_equal(dx + dy, dz)   # the gradient is routed, never copied


def test_max_tie_goes_to_x_for_scalars():
    gate = MaxGate()
    assert gate.forward(1.5, 1.5) == 1.5
    assert gate.backward(2.0) == (2.0, 0.0)


@pytest.mark.parametrize("gate, param", [(ScaleGate, -1.5), (ShiftGate, 0.75)])
@given(xd=st.integers(1, 5).flatmap(lambda n: st.tuples(
    arrays(np.float64, (n,), elements=finite), arrays(np.float64, (n,), elements=finite))))
def test_scale_and_shift(gate, param, xd):
    x, dz = xd
    g = gate(param)
    if gate is ScaleGate:
        np.testing.assert_array_equal(g.forward(x), param * x)
        np.testing.assert_array_equal(g.backward(dz), param * dz)
    else:
        np.testing.assert_array_equal(g.forward(x), x + param)
        np.testing.assert_array_equal(g.backward(dz), dz)


TORCH_UNARY = {
    "sigmoid": (SigmoidGate, torch.sigmoid),
    "exp": (ExpGate, torch.exp),
    "inverse": (InverseGate, lambda t: 1.0 / t),
}


@pytest.mark.parametrize("kind", sorted(TORCH_UNARY))
@given(xd=st.integers(1, 6).flatmap(lambda n: st.tuples(
    arrays(np.float64, (n,), elements=st.floats(0.1, 3) | st.floats(-3, -0.1)),
    arrays(np.float64, (n,), elements=finite))))
def test_unary_gates_are_vector_jacobian_products_like_torch(kind, xd):
    x, dz = xd
    gate_cls, torch_fn = TORCH_UNARY[kind]
    gate = gate_cls()
    out = gate.forward(x)
    dx = gate.backward(dz)
    assert out.shape == x.shape and dx.shape == x.shape   # never a Jacobian
    xt = torch.tensor(x, device=device(), requires_grad=True)
    zt = torch_fn(xt)
    zt.backward(torch.tensor(dz, device=device()))
    assert rel_error(out, zt.detach().cpu().numpy()) < 1e-12
    assert rel_error(dx, xt.grad.cpu().numpy()) < 1e-12


@pytest.mark.parametrize("cls, args", [
    (AddGate, (1.0, 2.0)), (MultiplyGate, (1.0, 2.0)), (MaxGate, (1.0, 2.0)),
    (SigmoidGate, (0.3,)), (ExpGate, (0.3,)), (InverseGate, (0.3,)),
])
def test_scalars_in_scalars_out(cls, args):
    gate = cls()
    out = gate.forward(*args)
    grads = gate.backward(1.0)
    grads = grads if isinstance(grads, tuple) else (grads,)
    assert np.ndim(out) == 0 and all(np.ndim(g) == 0 for g in grads)
    assert len(grads) == len(args)


def test_gates_remember_their_own_inputs():
    a, b = MultiplyGate(), MultiplyGate()
    a.forward(2.0, 3.0)
    b.forward(5.0, 7.0)
    assert a.backward(1.0) == (3.0, 2.0)
    assert b.backward(1.0) == (7.0, 5.0)


# ---------------------------------------------------------------- fan-out and graph plumbing

def test_fan_out_accumulates():
    # f = x*y + x: df/dx = y + 1, df/dy = x
    graph = ComputationalGraph([{"name": "f", "gate": "add", "inputs": ["p", "x"]},
                                {"name": "p", "gate": "multiply", "inputs": ["x", "y"]}])
    assert graph.forward({"x": 3.0, "y": -2.0}) == -3.0
    assert graph.backward(2.0) == {"x": 2.0 * (-2.0 + 1.0), "y": 2.0 * 3.0}


def test_same_value_twice_in_one_gate():
    graph = ComputationalGraph([{"name": "sq", "gate": "multiply", "inputs": ["x", "x"]}])
    x = np.array([1.0, -2.0, 3.0])
    np.testing.assert_array_equal(graph.forward({"x": x}), x * x)
    np.testing.assert_array_equal(graph.backward(np.ones(3))["x"], 2 * x)


def test_add_of_a_value_with_itself_does_not_alias():
    # AddGate hands back the same dz object twice; accumulating with += would double it twice
    graph = ComputationalGraph([{"name": "d", "gate": "add", "inputs": ["x", "x"]},
                                {"name": "e", "gate": "add", "inputs": ["d", "x"]}])
    x = np.array([1.0, 2.0])
    graph.forward({"x": x})
    dout = np.array([1.0, 10.0])
    np.testing.assert_array_equal(graph.backward(dout)["x"], 3 * dout)
    np.testing.assert_array_equal(dout, [1.0, 10.0])   # the caller's dout is untouched


def test_input_that_does_not_reach_the_output_gets_zero():
    graph = ComputationalGraph([{"name": "f", "gate": "exp", "inputs": ["x"]},
                                {"name": "g", "gate": "exp", "inputs": ["y"]}], output="f")
    graph.forward({"x": np.zeros(3), "y": np.ones(3)})
    grads = graph.backward(np.ones(3))
    np.testing.assert_array_equal(grads["y"], np.zeros(3))
    np.testing.assert_array_equal(grads["x"], np.ones(3))


@pytest.mark.parametrize("nodes, output, message", [
    ([{"name": "f", "gate": "tanh", "inputs": ["x"]}], None, "unknown gate"),
    ([{"name": "f", "gate": "add", "inputs": ["x"]}], None, "takes 2"),
    ([{"name": "f", "gate": "scale", "inputs": ["x"]}], None, "param"),
    ([{"name": "f", "gate": "exp", "inputs": ["g"]},
      {"name": "g", "gate": "exp", "inputs": ["f"]}], "f", "cycle"),
    ([{"name": "f", "gate": "exp", "inputs": ["x"]},
      {"name": "f", "gate": "exp", "inputs": ["x"]}], None, "duplicate"),
    ([{"name": "f", "gate": "exp", "inputs": ["x"]},
      {"name": "g", "gate": "exp", "inputs": ["x"]}], None, "sinks"),
    ([{"name": "f", "gate": "exp", "inputs": ["x"]}], "x", "not a node"),
])
def test_bad_descriptions_raise_value_error(nodes, output, message):
    with pytest.raises(ValueError, match=message):
        ComputationalGraph(nodes, output=output)


def test_missing_input_value_raises():
    graph = ComputationalGraph(lecture_simple_graph())
    with pytest.raises(ValueError, match="missing"):
        graph.forward({"x": 1.0, "y": 2.0})


def test_description_survives_json():
    import json
    nodes = json.loads(json.dumps(lecture_sigmoid_neuron()))
    graph = ComputationalGraph(nodes)
    assert round(graph.forward(NEURON_POINT), 2) == 0.73


# ---------------------------------------------------------------- random graphs

def torch_op(kind, param):
    return {
        "add": lambda a, b: a + b,
        "multiply": lambda a, b: a * b,
        "max": lambda a, b: torch.where(a >= b, a, b),   # ties to the first input, like MaxGate
        "sigmoid": torch.sigmoid,
        "exp": torch.exp,
        "inverse": lambda a: 1.0 / a,
        "scale": lambda a: param * a,
        "shift": lambda a: a + param,
    }[kind]


@st.composite
def random_graphs(draw, shape=()):
    """(nodes in a shuffled order, the same nodes in creation order, output, input values)."""
    n_inputs = draw(st.integers(1, 3))
    names = [f"in{i}" for i in range(n_inputs)]
    nodes = []
    for k in range(draw(st.integers(1, 7))):
        kind = draw(st.sampled_from(sorted(GATES)))
        _, arity, takes_param = GATES[kind]
        node = {"name": f"n{k}", "gate": kind,
                "inputs": [draw(st.sampled_from(names)) for _ in range(arity)]}
        if takes_param:
            node["param"] = draw(st.floats(-2, 2))
        nodes.append(node)
        names.append(node["name"])
    element = st.floats(-2, 2)
    values = {f"in{i}": (draw(element) if shape == () else draw(arrays(np.float64, shape, elements=element)))
              for i in range(n_inputs)}
    return draw(st.permutations(nodes)), nodes, nodes[-1]["name"], values


def torch_forward_backward(nodes, output, values, dout):
    leaves = {k: torch.tensor(v, dtype=torch.float64, device=device(), requires_grad=True)
              for k, v in values.items()}
    env = dict(leaves)
    for node in nodes:   # creation order is a topological order
        env[node["name"]] = torch_op(node["gate"], node.get("param"))(*[env[i] for i in node["inputs"]])
    out = env[output]
    out.backward(torch.tensor(dout, dtype=torch.float64, device=device()))
    grads = {k: (t.grad.cpu().numpy() if t.grad is not None else np.zeros(np.shape(values[k])))
             for k, t in leaves.items()}
    return out.detach().cpu().numpy(), grads


def run_graph(graph, values, dout):
    """forward + backward; a Python-float 1/0 on a drawn input is not a test case."""
    try:
        return graph.forward(values), graph.backward(dout)
    except ZeroDivisionError:
        assume(False)


def well_conditioned(graph, nodes):
    """Skip draws where finite differences are meaningless: overflow, 1/x near 0, max ties."""
    values = graph.values
    for node in nodes:
        v = np.asarray(values[node["name"]], dtype=float)
        if not np.all(np.isfinite(v)) or np.max(np.abs(v)) > 1e4:
            return False
        ins = [np.asarray(values[i], dtype=float) for i in node["inputs"]]
        if node["gate"] == "inverse" and np.min(np.abs(ins[0])) < 0.1:
            return False
        if node["gate"] == "max" and node["inputs"][0] != node["inputs"][1] \
                and np.min(np.abs(ins[0] - ins[1])) < 1e-3:
            return False
    return True


@given(random_graphs())
def test_topological_order_puts_every_node_after_its_inputs(case):
    shuffled, nodes, _, _ = case
    order = topological_order(shuffled)
    assert sorted(n["name"] for n in order) == sorted(n["name"] for n in nodes)
    position = {n["name"]: k for k, n in enumerate(order)}
    for node in order:
        for name in node["inputs"]:
            assert name not in position or position[name] < position[node["name"]]


@given(random_graphs())
def test_random_scalar_graphs_match_torch_autograd(case):
    shuffled, nodes, output, values = case
    graph = ComputationalGraph(shuffled, output=output)
    out, grads = run_graph(graph, values, 1.0)
    assume(np.isfinite(out) and abs(out) < 1e8)
    t_out, t_grads = torch_forward_backward(nodes, output, values, 1.0)
    assume(all(np.isfinite(g) for g in t_grads.values()))
    assert rel_error(out, t_out) < 1e-12
    assert set(grads) <= set(t_grads)
    for name, g in grads.items():
        assert np.ndim(g) == 0
        assert np.allclose(g, t_grads[name], rtol=1e-9, atol=1e-10), name


@given(random_graphs(shape=(3,)), arrays(np.float64, (3,), elements=finite))
def test_random_vector_graphs_match_torch_autograd(case, dout):
    shuffled, nodes, output, values = case
    graph = ComputationalGraph(shuffled, output=output)
    out, grads = run_graph(graph, values, dout)
    assume(np.all(np.isfinite(out)) and np.max(np.abs(out)) < 1e8)
    t_out, t_grads = torch_forward_backward(nodes, output, values, dout)
    assume(all(np.all(np.isfinite(g)) for g in t_grads.values()))
    assert rel_error(out, t_out) < 1e-12
    for name, g in grads.items():
        assert np.shape(g) == (3,), name
        assert np.allclose(g, t_grads[name], rtol=1e-9, atol=1e-10), name


@given(random_graphs(shape=(3,)), arrays(np.float64, (3,), elements=finite))
def test_random_graphs_match_numerical_gradients(case, dout):
    shuffled, nodes, output, values = case
    graph = ComputationalGraph(shuffled, output=output)
    graph.forward(values)
    assume(well_conditioned(graph, nodes))
    grads = graph.backward(dout)
    h = 1e-5
    for name in graph.input_names:
        numeric = np.zeros(3)
        for i in range(3):
            plus = {k: np.array(v, dtype=float) for k, v in values.items()}
            minus = {k: np.array(v, dtype=float) for k, v in values.items()}
            plus[name][i] += h
            minus[name][i] -= h
            f_plus = np.sum(ComputationalGraph(shuffled, output=output).forward(plus) * dout)
            f_minus = np.sum(ComputationalGraph(shuffled, output=output).forward(minus) * dout)
            numeric[i] = (f_plus - f_minus) / (2 * h)
        assert np.allclose(grads[name], numeric, rtol=1e-5, atol=1e-6), (name, grads[name], numeric)


# ---------------------------------------------------------------- the student stubs

def test_stubs_have_the_reference_api_and_raise():
    import inspect

    import assignments.backprop.gates as stub_gates
    import assignments.backprop.graph as stub_graph
    import reference.backprop.gates as ref_gates
    import reference.backprop.graph as ref_graph
    for ref, stub in [(ref_gates, stub_gates), (ref_graph, stub_graph)]:
        public = lambda m: {n for n, o in vars(m).items() if not n.startswith("_")
                            and (inspect.isclass(o) or inspect.isfunction(o))}
        assert public(ref) == public(stub)
        for name in public(ref):
            r, s = getattr(ref, name), getattr(stub, name)
            methods = [m for m in vars(r) if not m.startswith("_") or m == "__init__"] \
                if inspect.isclass(r) else [None]
            for m in methods:
                rf, sf = (r, s) if m is None else (getattr(r, m), getattr(s, m))
                assert inspect.signature(rf) == inspect.signature(sf), (name, m)
    assert stub_graph.GATES.keys() == ref_graph.GATES.keys()
    for cls, arity, takes_param in stub_graph.GATES.values():
        gate = cls(2.0) if takes_param else cls()
        with pytest.raises(NotImplementedError):
            gate.forward(*[1.0] * arity)
        with pytest.raises(NotImplementedError):
            gate.backward(1.0)
    with pytest.raises(NotImplementedError):
        stub_graph.topological_order(lecture_simple_graph())
    graph = stub_graph.ComputationalGraph(lecture_simple_graph())
    with pytest.raises(NotImplementedError):
        graph.forward({"x": -2.0, "y": 5.0, "z": -4.0})
    with pytest.raises(NotImplementedError):
        graph.backward()
