"""A recorded reference: the reference's replies to the public call plans, stored at release time, so the
student bundle runs its public checks offline without shipping `reference/`.

    recorder = Recorder(LocalRunner(...))       # release time: same interface as LocalRunner, records
    ... run the visible checks ...
    save(path, recorder.replies)
    runner = RecordedRunner(load(path))          # in the bundle: answers from the recording

Replies are keyed by a stable hash of the call plan (its steps, arguments and arrays, not the student's
module names). A plan that was not recorded raises NotRecorded: the check that needed it runs at grading
time instead. The recording is a .npz (arrays + one JSON index) read with allow_pickle=False.
"""
import hashlib
import io
import json
import os

import numpy as np

from . import worker as wire
from .client import Reply


class NotRecorded(Exception):
    """The reference's reply to this plan is not in the recording (it runs at grading time)."""


class PlanKey:
    """Stable keys for plans run one after another on one runner.

    A plan may use a value a previous plan stored (`plan.let(x, name="X")`, `plan.new(C, name="clf")`); such
    a reference is keyed by what defined it, not by its name alone."""

    def __init__(self):
        self.defined = {}

    def __call__(self, plan):
        arrays = []
        # course settings enter as the plan's constants, not as the setting steps the runner derives from the
        # student's module layout (one notebook module or several files must give the same key); stand-ins
        # (spec.StandIn) concern the student's files only
        steps = [s for s in plan.encode(arrays) if "setconst" not in s and "bind" not in s]
        constants = sorted([str(sym), str(name), wire.encode(value, arrays)]
                           for sym, name, value in getattr(plan, "constants", ()))
        own = set()
        for step in steps:
            step.pop("module", None)                      # where the student put it: not part of the question
            for field in ("value", "args", "kwargs"):
                if field in step:
                    step[field] = self._resolve(step[field], own)
            if step.get("on") is not None and step["on"] not in own and step["on"] in self.defined:
                step["on_defined_by"] = self.defined[step["on"]]
            own.add(step.get("let") or step.get("as"))
        returns = [self._resolve(r, own) for r in plan.returns_wire()]
        h = hashlib.sha256(json.dumps([steps, returns, constants], sort_keys=True, default=str).encode())
        for a in arrays:
            a = np.ascontiguousarray(a)
            h.update(("%s%s" % (a.dtype.str, a.shape)).encode())
            h.update(a.tobytes())
        key = h.hexdigest()[:32]
        for name in own:
            if name:
                self.defined[name] = hashlib.sha256((key + name).encode()).hexdigest()[:16]
        return key

    def _resolve(self, data, own):
        if isinstance(data, list):
            return [self._resolve(d, own) for d in data]
        if isinstance(data, dict):
            if "__ref__" in data and data["__ref__"] not in own and data["__ref__"] in self.defined:
                return dict(data, defined_by=self.defined[data["__ref__"]])
            return {k: self._resolve(v, own) for k, v in data.items()}
        return data


def direct_key(symbol, args, kwargs):
    """The key of a direct call `ctx.reference.namespace(symbol)(*args, **kwargs)` made by a check."""
    arrays = []
    data = wire.encode([symbol, list(args), sorted(kwargs.items())], arrays)
    h = hashlib.sha256(json.dumps(["direct", data], sort_keys=True, default=str).encode())
    for a in arrays:
        h.update(("%s%s" % (a.dtype.str, a.shape)).encode())
        h.update(np.ascontiguousarray(a).tobytes())
    return "d" + h.hexdigest()[:31]


class Recorder:
    """Wraps a runner (LocalRunner on the reference) and records every reply it gives — and the results of
    functions a check calls directly through `namespace(symbol)` (exact values a property compares with)."""

    def __init__(self, runner, replies=None):
        self.runner, self.key = runner, PlanKey()
        self.replies = {} if replies is None else replies
        self.last = None                  # (plan, reply) of the latest run

    def run(self, plan, timeout=None):
        key = self.key(plan)
        reply = self.runner.run(plan, timeout)
        self.replies.setdefault(key, reply)
        self.last = (plan, reply)
        return reply

    def namespace(self, symbol):
        obj = self.runner.namespace(symbol)
        if isinstance(obj, type) or not callable(obj):
            return obj

        def call(*args, **kwargs):
            result = obj(*args, **kwargs)
            if "__bad__" not in json.dumps(wire.encode(result, []), default=str):   # only what can be stored
                self.replies.setdefault(direct_key(symbol, args, kwargs), Reply(values=[result]))
            return result
        return call


class RecordedRunner:
    """LocalRunner's interface, answering from a recording."""

    recorded = True

    def __init__(self, replies):
        self.replies, self.key = replies, PlanKey()

    def run(self, plan, timeout=None):
        key = self.key(plan)
        if key not in self.replies:
            raise NotRecorded(key)
        reply = self.replies[key]
        return Reply(values=_copy(reply.values), error=reply.error, failure=reply.failure)

    def namespace(self, symbol):
        """A stand-in for a reference function called directly: its recorded results, else NotRecorded."""
        def call(*args, **kwargs):
            key = direct_key(symbol, args, kwargs)
            if key not in self.replies:
                raise NotRecorded(key)
            return _copy(self.replies[key].values[0])
        return call


def _copy(value):
    if type(value) is np.ndarray:
        return value.copy()
    if isinstance(value, (list, tuple)):
        return type(value)(_copy(v) for v in value)
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value


# ------------------------------------------------------------------ storage

def _dump(value, arrays):
    if isinstance(value, wire.Handle):
        return {"__handle__": value.name, "type": value.type_name}
    if isinstance(value, wire.TensorValue):
        arrays.append(np.asarray(value.array))
        return {"__tensor__": len(arrays) - 1}
    if isinstance(value, wire.BadValue):
        return {"__bad__": value.reason}
    if type(value) is tuple:
        return {"__tuple__": [_dump(v, arrays) for v in value]}
    if type(value) is list:
        return [_dump(v, arrays) for v in value]
    if type(value) is dict:
        return {"__dict__": [[_dump(k, arrays), _dump(v, arrays)] for k, v in value.items()]}
    return wire.encode(value, arrays)


def save(path, replies):
    """Write {key: Reply} to `path` (.npz): one JSON index plus the arrays."""
    arrays, index = [], {}
    for key, reply in sorted(replies.items()):
        index[key] = {"values": _dump(reply.values, arrays), "error": reply.error, "failure": reply.failure}
    blob = json.dumps(index, sort_keys=True).encode()
    payload = {"index": np.frombuffer(blob, dtype=np.uint8)}
    payload.update({"a%d" % i: np.ascontiguousarray(a) for i, a in enumerate(arrays)})
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    buf = io.BytesIO()
    np.savez_compressed(buf, **payload)
    with open(path, "wb") as f:
        f.write(buf.getvalue())


def load(path):
    """{key: Reply} from a file written by save (no pickle)."""
    with np.load(path, allow_pickle=False) as data:
        index = json.loads(bytes(data["index"]).decode())
        arrays = [data["a%d" % i] for i in range(len(data.files) - 1)]
    return {key: Reply(values=wire.decode(entry["values"], arrays), error=entry["error"],
                       failure=entry["failure"]) for key, entry in index.items()}
