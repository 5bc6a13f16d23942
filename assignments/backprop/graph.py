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
    """Validate one node description and return a fresh gate object for it.

    (Provided: you do not need to change this function.)
    """
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

    Inputs:
    - nodes: list of node dicts, in any order.

    Returns:
    - a list with the same node dicts, in an order where each node's inputs are
      graph inputs or nodes that come earlier in the list.

    Raises ValueError if the graph has a cycle.
    """
    ###########################################################################
    # TODO: Sort the nodes (e.g. Kahn's algorithm, or a depth-first search). #
    ###########################################################################
    raise NotImplementedError
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


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

    Raise ValueError for a bad description: duplicate node name, unknown gate,
    wrong number of inputs, missing param (make_gate checks these three), a cycle,
    no unique sink when output is None, an output that is not a node.
    """

    def __init__(self, nodes, output=None):
        self.nodes = nodes
        self.output = output
        ###########################################################################
        # TODO: Validate the description, find the topological order, the names   #
        # of the graph inputs and the output node. Store what forward needs.      #
        ###########################################################################
        ###########################################################################
        #                             END OF YOUR CODE                            #
        ###########################################################################

    def forward(self, inputs):
        """Run every gate in topological order.

        Inputs:
        - inputs: dict graph-input name -> number or array (all arrays of one shape).
          Extra keys are ignored; a missing graph input raises ValueError.

        Returns the value of the output node.
        """
        ###########################################################################
        # TODO: Make one gate per node (make_gate), run them in order, keep every #
        # value and gate for backward.                                            #
        ###########################################################################
        raise NotImplementedError
        ###########################################################################
        #                             END OF YOUR CODE                            #
        ###########################################################################

    def backward(self, dout=1.0):
        """Backpropagate dout (the gradient on the output) through the graph.

        Inputs:
        - dout: upstream gradient on the output, same shape as the output.

        Returns a dict graph-input name -> gradient, same shape as that input. An
        input the output does not depend on gets zeros (0.0 for a number).
        """
        ###########################################################################
        # TODO: Visit the nodes in reverse topological order. Where a value feeds  #
        # several gates, ADD UP its gradients. Careful: a gate may return the same #
        # array object twice, so do not accumulate with in-place +=.               #
        ###########################################################################
        raise NotImplementedError
        ###########################################################################
        #                             END OF YOUR CODE                            #
        ###########################################################################
