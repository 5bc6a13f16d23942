"""Call plans: what the parent asks the worker to do, as data.

    p = Plan()
    clf = p.new("KNearestNeighbor")
    p.method(clf, "train", X, y)
    d = p.method(clf, "compute_distances_two_loops", X_test)
    p.returns(d)

The same plan runs on the reference in the parent (`LocalRunner`), so student and reference are asked the
same thing by the same code.

Besides the student's symbols, a plan may call the library functions listed in `worker.LIBRARY`
(`p.library("torch.from_numpy", x)`: tensors are made where the model runs, never shipped), fetch a symbol
without calling it (`p.symbol("BasicBlock")`, to pass a class), and starts with the assignment's course
settings: `constants` is a list of (symbol, NAME, value), set as module constants in the module defining
`symbol` — on the student's copy in the worker and on the reference's (restored after the plan).
"""
import time

from . import worker as wire
from .client import Reply


class Ref:
    """A value stored on the executing side: the result of a step, or an item of it."""

    def __init__(self, name, item=()):
        self.name, self.item = name, tuple(item)

    def __getitem__(self, i):
        return Ref(self.name, self.item + (i,))

    def __iter__(self):   # without it, list(ref) would index it forever
        raise TypeError("a Ref is not iterable: index it (ref[0]) for the items of a stored value")

    def wire(self):
        return {"__ref__": self.name, "item": list(self.item)}


class Plan:
    def __init__(self, symbols=None, constants=(), always=(), binds=()):
        self.steps, self._returns, self._n = [], [], 0
        self.symbols = symbols or {}   # symbol -> module, filled in by the runner
        self._classes = {}             # name of an object made by new() -> its class, to label method calls
        self.constants = list(constants)   # (symbol, NAME, value): course settings, set before the steps
        self.always = set(always)          # symbols whose module gets its constants even when no step calls it
        self.binds = list(binds)       # (module, NAME, symbol, symbol's module): the student's stand-ins for
                                       # provided code (spec.StandIn); the student's side only
        self.settings = {}             # the course settings in force (Context.plan): for builders whose calls
                                       # depend on them (the keywords of a CS231n year's constructor)

    def _name(self):
        self._n += 1
        return "v%d" % self._n

    def let(self, value, name=None):
        """Store a value on the executing side (so later steps can see whether it was modified).

        A `name` makes it outlive the plan: later plans on the same runner can use Ref(name)."""
        name = name or self._name()
        self.steps.append({"let": name, "value": value})
        return Ref(name)

    def call(self, symbol, *args, repeat=1, name=None, **kwargs):
        name = name or self._name()
        self.steps.append({"call": symbol, "args": list(args), "kwargs": kwargs, "as": name,
                           "repeat": repeat})
        return Ref(name)

    def use_numpy(self, *functions):
        """Let this plan call NumPy functions by name ("matmul", "random.rand") between the student's calls, e.g. a
        gradient inside an optimization loop, or seeding np.random before the student's own draws. The
        reference runner resolves them too (the release records the visible checks with the reference as the
        student); what they compute is the student's side's business, so check results here."""
        self.symbols = dict(self.symbols, **{f.split(".")[0]: "numpy" for f in functions})
        return self

    def new(self, cls, *args, name=None, **kwargs):
        """Construct an object (calling its class); it stays on the executing side."""
        ref = self.call(cls, *args, name=name, **kwargs)
        self._classes[ref.name] = cls.split(".")[-1]
        return ref

    def library(self, function, *args, name=None, **kwargs):
        """Call a whitelisted library function (worker.LIBRARY), e.g. "torch.from_numpy", where the plan runs."""
        if function not in wire.LIBRARY:
            raise ValueError("%r is not in worker.LIBRARY" % function)
        name = name or self._name()
        self.steps.append({"call": function, "library": True, "args": list(args), "kwargs": kwargs, "as": name,
                           "repeat": 1})
        return Ref(name)

    def symbol(self, symbol, name=None):
        """The symbol itself (a class, a function), uncalled: to pass it as an argument."""
        name = name or self._name()
        self.steps.append({"call": symbol, "fetch": True, "args": [], "kwargs": {}, "as": name})
        return Ref(name)

    def method(self, obj, method, *args, repeat=1, name=None, **kwargs):
        name = name or self._name()
        step = {"call": method, "on": obj.name, "on_item": list(getattr(obj, "item", ())), "args": list(args),
                "kwargs": kwargs, "as": name, "repeat": repeat}
        if obj.name in self._classes and not obj.item:   # messages name `Class.method`, not just `method`
            step["label"] = "%s.%s" % (self._classes[obj.name], method)
        self.steps.append(step)
        return Ref(name)

    def returns(self, *refs):
        self._returns.extend(refs)
        return self

    @property
    def calls(self):
        return [s for s in self.steps if "call" in s and "on" not in s and not s.get("library")]

    def symbols_used(self):
        return sorted({s["call"].split(".")[0] for s in self.calls})

    # ---------------------------------------------------------- wire form
    def constant_steps(self):
        """Setting steps for the constants whose module this plan uses (other modules are not imported:
        a broken file elsewhere must not fail this plan)."""
        used = {self.symbols.get(s["call"].split(".")[0]) for s in self.calls} | \
            {self.symbols.get(s) for s in self.always if self.calls}
        return [{"setconst": const, "of": symbol, "value": value}
                for symbol, const, value in self.constants if self.symbols.get(symbol) not in (None,) and
                self.symbols.get(symbol) in used]

    def encode(self, arrays):
        """The steps as sent (course settings first); `self.sent` keeps them, so that an error's step index
        names the right step."""
        out = []
        binds = [{"bind": name, "module": module, "symbol": symbol, "symbol_module": where}
                 for module, name, symbol, where in self.binds]
        self.sent = binds + self.constant_steps() + self.steps
        for step in self.sent:
            step = dict(step)
            step.pop("label", None)
            if "value" in step:
                step["value"] = _encode_arg(step["value"], arrays)
            if "args" in step:
                step["args"] = [_encode_arg(a, arrays) for a in step["args"]]
                step["kwargs"] = {"__dict__": [[k, _encode_arg(v, arrays)] for k, v in step["kwargs"].items()]}
            if "call" in step and "on" not in step and not step.get("library"):
                step["module"] = self.symbols.get(step["call"].split(".")[0])
            if "setconst" in step:
                step["module"] = self.symbols.get(step["of"])
            out.append(step)
        return out

    def returns_wire(self):
        return [r.wire() for r in self._returns]


def _encode_arg(value, arrays):
    if isinstance(value, Ref):
        return value.wire()
    if isinstance(value, wire.Handle):
        return {"__ref__": value.name, "item": []}
    if isinstance(value, (list, tuple)):
        inner = [_encode_arg(v, arrays) for v in value]
        return {"__tuple__": inner} if isinstance(value, tuple) else inner
    if isinstance(value, dict):
        return {"__dict__": [[k, _encode_arg(v, arrays)] for k, v in value.items()]}
    return wire.encode(value, arrays)


class LocalRunner:
    """Runs plans in this process against trusted code (the reference), with the worker's semantics.

    `namespace(symbol) -> object` resolves top-level symbols. Results make the same trip through the wire
    encoding as a worker's would, so both sides are compared on equal terms (including handles).
    """

    def __init__(self, namespace):
        self.namespace = namespace
        self.store = wire.Store()

    def run(self, plan, timeout=None):
        arrays = []
        steps = [s for s in plan.encode(arrays) if "bind" not in s]   # stand-ins concern the student's modules
        steps = wire.decode_steps(steps, [a.copy() for a in arrays])
        t0 = time.perf_counter()
        undo = []
        try:
            failed = wire.execute_plan(steps, self.store, self._resolve, undo)
        finally:
            wire.undo_constants(undo)
        elapsed = time.perf_counter() - t0
        if failed is not None:
            i, exc = failed
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise exc
            return Reply(error=dict(wire.describe_exception(exc), step=i), elapsed=elapsed)
        out = []
        encoded = [wire.encode(self.store.ref(r.name, r.item), out, self.store.keep) for r in plan._returns]
        return Reply(values=wire.decode(encoded, [a.copy() for a in out]), elapsed=elapsed)

    def _resolve(self, name, module=None):
        head, *rest = name.split(".")
        if module == "numpy":                      # plan.use_numpy: a NumPy function by its name
            import numpy
            obj, rest = numpy, name.split(".")
        else:
            obj = self.namespace(head)
        for part in rest:
            obj = getattr(obj, part)
        return obj
