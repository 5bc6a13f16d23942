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

from ..cache import MISSING
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

    With a `book` (grader/cache.py), a plan that uses nothing stored by an earlier plan is answered from the book
    when the same plan was run before. The values such a plan would have stored are then computed only if a
    later plan uses them (`_pending`: name -> the plan that stores it), so later plans see what they always saw.
    """

    def __init__(self, namespace, book=None):
        self.namespace = namespace
        self.store = wire.Store()
        self.book = book
        self._pending = {}

    def run(self, plan, timeout=None):
        arrays = []
        encoded = [s for s in plan.encode(arrays) if "bind" not in s]   # stand-ins concern the student's modules
        key = self._key(encoded, plan.returns_wire(), arrays) if self.book is not None else None
        if key is not None and not self.book.verify:
            found = self.book.get(key)
            if found is not MISSING:
                pending = (encoded, arrays)
                for name in _defined(encoded):
                    self._pending[name] = pending
                return Reply(values=wire.decode(*found))
        self._materialize(encoded, plan.returns_wire())
        reply, obj, out = self._execute(encoded, arrays, plan._returns)
        for name in _defined(encoded):
            self._pending.pop(name, None)
        if key is not None and reply.ok:
            self.book.put(key, obj, out)
        return reply

    def _execute(self, encoded, arrays, returns, store=None):
        store = self.store if store is None else store
        steps = wire.decode_steps(encoded, [a.copy() for a in arrays])
        t0 = time.perf_counter()
        undo = []
        try:
            failed = wire.execute_plan(steps, store, self._resolve, undo)
        finally:
            wire.undo_constants(undo)
        elapsed = time.perf_counter() - t0
        if failed is not None:
            i, exc = failed
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise exc
            return Reply(error=dict(wire.describe_exception(exc), step=i), elapsed=elapsed), None, None
        out = []
        obj = [wire.encode(store.ref(r.name, r.item), out, store.keep) for r in returns]
        return Reply(values=wire.decode(obj, [a.copy() for a in out]), elapsed=elapsed), obj, out

    @staticmethod
    def _key(encoded, returns, arrays):
        """The plan's digest when its answer depends on nothing but itself (it uses no value stored by an
        earlier plan); else None."""
        defined = set()
        for step in encoded:
            if step.get("on") is not None and step["on"] not in defined:
                return None
            if any(name not in defined for name in _refs([step.get("value"), step.get("args"),
                                                          step.get("kwargs")])):
                return None
            defined.update(_defined([step]))
        if any(name not in defined for name in _refs(returns)):
            return None
        from ..cache import digest
        return "plan:" + digest([encoded, returns], arrays)

    def _materialize(self, encoded, returns):
        """Store the values this plan uses that a plan answered from the book would have stored."""
        if not self._pending:
            return
        defined = set(_defined(encoded))
        for name in _used(encoded) + [n for n in _refs(returns) if n not in defined]:
            pending = self._pending.get(name)
            if pending is None:
                continue
            scratch = wire.Store()
            self._execute(pending[0], pending[1], [], store=scratch)
            for other, plan in list(self._pending.items()):
                if plan is pending:
                    if other in scratch:
                        self.store[other] = scratch[other]
                    del self._pending[other]

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


def _defined(encoded):
    return [step.get("as", step.get("let")) for step in encoded if step.get("as", step.get("let")) is not None]


def _refs(value):
    """The names of the stored values an encoded value refers to."""
    if isinstance(value, list):
        for v in value:
            yield from _refs(v)
    elif isinstance(value, dict):
        if "__ref__" in value:
            yield value["__ref__"]
        else:
            for v in value.values():
                yield from _refs(v)


def _used(encoded):
    """The names of stored values the plan uses before storing them itself (values of earlier plans)."""
    names, defined = [], set()
    for step in encoded:
        if step.get("on") is not None and step["on"] not in defined:
            names.append(step["on"])
        names += [n for n in _refs([step.get("value"), step.get("args"), step.get("kwargs")]) if n not in defined]
        defined.update(_defined([step]))
    return names
