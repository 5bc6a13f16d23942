"""Mutants of the backprop reference: each realistic bug loses points at the check meant to catch it; a different
but correct topological sort keeps full marks."""
import numpy as np
import pytest
from hypothesis import given, settings

from grader.course import Course
from grader.run import grade
from grader.suites import backprop as suite
from helpers import assert_caught, REFERENCE, STUBS, mutant_edits

SLOT = 3   # a sandbox slot of our own: gradings running beside these tests (slot 0) cannot reap our workers
GATES_PY, GRAPH_PY = "gates.py", "graph.py"
ACCUMULATE = "grads[name] = grads[name] + g if name in grads else g"
MAX_BACKWARD = "        dx = np.where(self.x_wins, dz, 0.0)[()]\n        dy = np.where(self.x_wins, 0.0, dz)[()]\n"

MUTANTS = [
    # (name, file, [(old, new), ...], the check that must fail, checks that must still pass, words of the output)
    ("add_drops_dy", GATES_PY, [("        return dz, dz\n", "        return dz, 0.0\n")], "AddGate.distributes",
     ("MultiplyGate.swaps",), "distributes"),
    ("multiply_does_not_swap", GATES_PY, [("return self.y * dz, self.x * dz", "return self.x * dz, self.y * dz")],
     "MultiplyGate.swaps", ("AddGate.distributes",), "swaps"),
    ("max_ties_to_y", GATES_PY, [("np.asarray(x) >= np.asarray(y)", "np.asarray(x) > np.asarray(y)")],
     "MaxGate.routes", ("MaxGate.values", "gates.vector_jvp"), "tie"),
    ("max_copies_gradient", GATES_PY, [(MAX_BACKWARD, "        dx, dy = dz, dz\n")], "MaxGate.routes", (),
     "larger input only"),
    ("sigmoid_ignores_upstream", GATES_PY, [("return self.z * (1.0 - self.z) * dz", "return self.z * (1.0 - self.z)")],
     "SigmoidGate.values", ("ExpGate.values",), "upstream gradient"),
    ("inverse_sign_flipped", GATES_PY, [("return -dz / (self.x * self.x)", "return dz / (self.x * self.x)")],
     "InverseGate.values", ("SigmoidGate.values",), "sign is flipped"),
    ("scale_ignores_a", GATES_PY, [("return self.a * dz", "return dz")], "gates.vector_jvp", ("ShiftGate.values",),
     "centred difference"),
    ("graph_overwrites_at_fan_out", GRAPH_PY, [(ACCUMULATE, "grads[name] = g")], "graph.fan_out",
     ("graph.lecture_add_multiply",), "SUM"),
    ("graph_adds_in_place", GRAPH_PY, [(ACCUMULATE, "if name in grads:\n                    grads[name] += g\n"
                                                    "                else:\n                    grads[name] = g")],
     "graph.fan_out", ("graph.lecture_sigmoid_neuron",), "in place"),
    ("no_topological_sort", GRAPH_PY, [("self.order = topological_order(nodes)", "self.order = list(nodes)")],
     "graph.lecture_add_multiply", ("topological_order.valid",), "topological order"),
    ("backward_in_forward_order", GRAPH_PY, [("for node in reversed(self.order):", "for node in self.order:")],
     "graph.lecture_sigmoid_neuron", ("topological_order.valid",), "REVERSE"),
    ("unused_input_has_no_gradient", GRAPH_PY,
     [("return {name: grads[name] if name in grads else _zeros_like(self.values[name])\n                for name in "
       "self.input_names}", "return {name: grads[name] for name in self.input_names if name in grads}")],
     "graph.fan_out", ("graph.lecture_sigmoid_neuron",), "does not depend on"),
    ("cycle_not_detected", GRAPH_PY, [('raise ValueError(f"the graph has a cycle through {[n[\'name\'] for n in '
                                       'pending]}")', "break")],
     "graph.bad_descriptions", ("graph.hidden",), "no ValueError"),
]


def edited(tmp_path, file, edits):
    return mutant_edits(tmp_path, "backprop", file, edits)


def graded(path):
    report = grade(path, ["backprop"], Course(), slot=SLOT)
    return {o.check.name: o for o in report.outcomes}, report


@pytest.mark.parametrize("name,file,edits,check,still,words", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_mutant_is_caught_by_its_check(tmp_path, name, file, edits, check, still, words):
    result, report = graded(edited(tmp_path, file, edits))
    assert_caught(result, check, still, says=words, report=report)


DEPTH_FIRST = '''def topological_order(nodes):
    """Depth-first: a node is appended once everything it reads is."""
    by_name = {node["name"]: node for node in nodes}
    order, state = [], {}

    def visit(node):
        if state.get(node["name"]) == "done":
            return
        if state.get(node["name"]) == "active":
            raise ValueError("the graph has a cycle through %r" % node["name"])
        state[node["name"]] = "active"
        for name in node["inputs"]:
            if name in by_name:
                visit(by_name[name])
        state[node["name"]] = "done"
        order.append(node)

    for node in reversed(nodes):
        visit(node)
    return order


def _zeros_like'''


def test_a_depth_first_sort_keeps_full_marks(tmp_path):
    text = open("%s/backprop/graph.py" % REFERENCE).read()
    old = text[text.index("def topological_order(nodes):"):text.index("def _zeros_like")]
    result, report = graded(edited(tmp_path, GRAPH_PY, [(old + "def _zeros_like", DEPTH_FIRST)]))
    assert report.score == report.max_score, {n: o.output for n, o in result.items() if o.status != "passed"}


def test_stub_messages_name_the_class_of_the_method():
    result, _ = graded(STUBS)
    assert "`AddGate.forward` is not implemented" in result["AddGate.values"].output
    assert "`ComputationalGraph.forward` is not implemented" in result["graph.fan_out"].output


# ---------------------------------------------------------------- the suite's own pieces

@given(params=suite.ANY_GRAPHS)
@settings(max_examples=30)
def test_drawn_graphs_are_well_conditioned_and_the_reference_passes_the_numerical_check(params):
    """What the grader does in the worker, here in-process: reference gradients equal centred differences."""
    from reference.backprop.graph import ComputationalGraph
    case = suite.make_graph(params)
    nodes, output, values, dout = case["nodes"], case["output"], case["values"], case["dout"]
    graph = ComputationalGraph(nodes, output)
    graph.forward(values)
    grads = graph.backward(dout)
    for name, g in grads.items():
        for d in (case["directions"][name] if case["directions"] else [None]):
            step = suite.H * (1.0 if d is None else d)
            plus = ComputationalGraph(nodes, output).forward(dict(values, **{name: values[name] + step}))
            minus = ComputationalGraph(nodes, output).forward(dict(values, **{name: values[name] - step}))
            numeric = float(np.sum((np.asarray(plus) - np.asarray(minus)) * dout)) / (2 * suite.H)
            assert suite.numerically_equal(numeric, float(np.sum(np.asarray(g) * (1.0 if d is None else d))))


def test_the_lecture_numbers():
    assert round(suite.SIGMA, 2) == 0.73
    assert {k: round(v, 2) for k, v in suite.NEURON_GRADS.items()} == {
        "w0": -0.2, "x0": 0.39, "w1": -0.39, "x1": -0.59, "w2": 0.2}
