"""A computational graph built from a JSON-friendly description.

A graph is a list of nodes; each node is a dict

    {"name": "q", "gate": "add", "inputs": ["x", "y"]}
    {"name": "s", "gate": "scale", "inputs": ["q"], "param": -2.0}

- "name":   unique name of the node's output value.
- "gate":   one of the keys of GATES below.
- "inputs": names of the values the gate reads, in order (x first, then y). A name
            is either another node or a graph input; graph inputs are all the names
            that are read but are not nodes. A name may appear twice ("x*x").
- "param":  the number a for "scale" (a*x) or c for "shift" (x + c); only for those.

Nodes may be listed in any order; forward runs them in topological order and
backward in the reverse order, adding up the gradients of a value that feeds
several gates (or the same gate twice).
"""
import numpy as np

from .gates import (AddGate, ExpGate, InverseGate, MaxGate, MultiplyGate,
                    ScaleGate, ShiftGate, SigmoidGate)

# gate name -> (gate class, number of inputs, takes a "param")
GATES = {
    "add": (AddGate, 2, False),
    "multiply": (MultiplyGate, 2, False),
    "max": (MaxGate, 2, False),
    "sigmoid": (SigmoidGate, 1, False),
    "exp": (ExpGate, 1, False),
    "inverse": (InverseGate, 1, False),
    "scale": (ScaleGate, 1, True),
    "shift": (ShiftGate, 1, True),
}


def make_gate(node):
    """Validate one node description and return a fresh gate object for it."""
    if node.get("gate") not in GATES:
        raise ValueError(f"node {node.get('name')!r}: unknown gate {node.get('gate')!r}; "
                         f"expected one of {sorted(GATES)}")
    cls, arity, takes_param = GATES[node["gate"]]
    if len(node["inputs"]) != arity:
        raise ValueError(f"node {node['name']!r}: gate {node['gate']!r} takes {arity} "
                         f"input(s), got {len(node['inputs'])}")
    if takes_param and "param" not in node:
        raise ValueError(f"node {node['name']!r}: gate {node['gate']!r} needs a 'param'")
    return cls(node["param"]) if takes_param else cls()


def topological_order(nodes):
    """Return the nodes sorted so that every node comes after the nodes it reads.

    Kahn's algorithm; among ready nodes the listed order is kept. Raises
    ValueError on a cycle.
    """
    names = {node["name"] for node in nodes}
    order, done = [], set()
    pending = list(nodes)
    while pending:
        ready = [n for n in pending if all(i in done or i not in names for i in n["inputs"])]
        if not ready:
            raise ValueError(f"the graph has a cycle through {[n['name'] for n in pending]}")
        for node in ready:
            order.append(node)
            done.add(node["name"])
        pending = [n for n in pending if n["name"] not in done]
    return order


def _zeros_like(value):
    return np.zeros(np.shape(value)) if np.ndim(value) else 0.0


class ComputationalGraph:
    """Forward and backward passes over a graph of gates.

    graph = ComputationalGraph(nodes, output=None)
    out = graph.forward({"x": -2.0, "y": 5.0, "z": -4.0})
    grads = graph.backward(dout=1.0)      # {"x": ..., "y": ..., "z": ...}

    Inputs:
    - nodes: list of node dicts (see the module docstring), in any order.
    - output: name of the node whose value forward returns. If None, the graph
      must have exactly one sink (a node that no other node reads) and that is
      the output.
    """

    def __init__(self, nodes, output=None):
        seen = set()
        for node in nodes:
            if node["name"] in seen:
                raise ValueError(f"duplicate node name {node['name']!r}")
            seen.add(node["name"])
            make_gate(node)  # validates the description early
        self.order = topological_order(nodes)
        self.input_names = sorted({i for n in nodes for i in n["inputs"]} - seen)
        if output is None:
            read = {i for n in nodes for i in n["inputs"]}
            sinks = [n["name"] for n in nodes if n["name"] not in read]
            if len(sinks) != 1:
                raise ValueError(f"cannot tell the output node among sinks {sinks}; "
                                 "pass output=...")
            output = sinks[0]
        if output not in seen:
            raise ValueError(f"output {output!r} is not a node")
        self.output = output

    def forward(self, inputs):
        """Run every gate in topological order.

        Inputs:
        - inputs: dict graph-input name -> number or array (all arrays of one shape).

        Returns the value of the output node.
        """
        missing = [name for name in self.input_names if name not in inputs]
        if missing:
            raise ValueError(f"missing values for graph inputs {missing}")
        self.values = {name: inputs[name] for name in self.input_names}
        self.gates = {}
        for node in self.order:
            gate = make_gate(node)
            args = [self.values[i] for i in node["inputs"]]
            self.values[node["name"]] = gate.forward(*args)
            self.gates[node["name"]] = gate
        return self.values[self.output]

    def backward(self, dout=1.0):
        """Backpropagate dout (the gradient on the output) through the graph.

        Returns a dict graph-input name -> gradient (same shape as that input);
        an input the output does not depend on gets zeros.
        """
        grads = {self.output: dout}
        for node in reversed(self.order):
            if node["name"] not in grads:
                continue  # the output does not depend on this node
            local = self.gates[node["name"]].backward(grads[node["name"]])
            if len(node["inputs"]) == 1:
                local = (local,)
            for name, g in zip(node["inputs"], local):
                # Not +=: gates may hand back the very same array twice (add).
                grads[name] = grads[name] + g if name in grads else g
        return {name: grads[name] if name in grads else _zeros_like(self.values[name])
                for name in self.input_names}
