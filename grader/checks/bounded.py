"""A computation of the trusted parent on untrusted data, run with a time and a memory limit.

The written answers are parsed and compared by sympy in the parent (no student code runs), but sympy can take
exponential time or memory on a short text (`ln(ln(...ln(2)...))`). `bounded(fn)` runs `fn()` in a forked copy
of the parent (so nothing is imported or pickled again): CPU time and address space limited by rlimits; a
wall-clock deadline (a few times the CPU limit: a loaded machine is slow, a blocked child uses no CPU) kept by
the parent, which kills it. A `Budget` bounds the CPU time of several such computations together. The result travels back as JSON; `fn` returns JSON-able data or raises Fail,
which is rebuilt here. Where fork does not exist, `fn()` runs in this process, unbounded.

An `Evaluator` runs many such computations (every answer of an answers file) one after another in ONE forked
copy, each under the same limits as `bounded` gives it — its own CPU seconds and memory above what the copy uses
when it starts, its own wall-clock deadline — for the price of one fork instead of one each (a fork of a grader
that has loaded torch costs more than evaluating an answer). After an overrun or an error the copy is ended, and
the next computation gets a fresh one.
"""
import atexit
import json
import math
import os
import resource
import select
import signal
import struct
import time
import traceback
import warnings

from .validate import Fail

MAX_RESULT = 1 << 20   # bytes of JSON a bounded computation may send back
WALL_FACTOR = 4        # wall-clock seconds allowed per second of CPU time


class Overrun(Exception):
    """The computation ran out of time or memory (str: which, for the student)."""


class Budget:
    """CPU seconds left for a series of bounded computations (one answers file, say)."""

    def __init__(self, seconds):
        self.left = seconds


def _address_space():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _child(fn, w, seconds, memory_mb):
    code = 0
    try:
        cpu = max(1, int(seconds + 0.999))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        used = _address_space()
        if used is not None and memory_mb:
            limit = used + memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        message = _compute(fn)
        data = json.dumps(message).encode()
        if len(data) > MAX_RESULT:
            data = json.dumps({"error": "result too large"}).encode()
        view = memoryview(data)
        while view:
            view = view[os.write(w, view):]
    except BaseException:   # noqa: B902 - the child must end here, whatever happened
        code = 1
    finally:
        os._exit(code)


def bounded(fn, seconds=5.0, memory_mb=1024, budget=None):
    """fn() with at most `seconds` of CPU time (and of the `budget` left), `memory_mb` more address space, and
    WALL_FACTOR times as much wall time. Returns its value; raises the Fail it raised, Overrun when a limit was
    hit, RuntimeError when it broke otherwise."""
    if budget is not None:
        if budget.left <= 0:
            raise Overrun("time")
        seconds = min(seconds, budget.left)
    if not hasattr(os, "fork"):
        return fn()
    r, w = os.pipe()
    pid = _fork()
    if pid == 0:
        os.close(r)
        _child(fn, w, seconds, memory_mb)
    os.close(w)
    chunks, size, deadline = [], 0, time.monotonic() + WALL_FACTOR * seconds + 1.0
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([r], [], [], left)[0]:
                os.kill(pid, signal.SIGKILL)
                raise Overrun("time")
            chunk = os.read(r, 1 << 16)
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_RESULT:
                os.kill(pid, signal.SIGKILL)
                raise RuntimeError("result too large")
            chunks.append(chunk)
    finally:
        os.close(r)
        _, status, usage = os.wait4(pid, 0)
        if budget is not None:
            budget.left -= usage.ru_utime + usage.ru_stime
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL):
        raise Overrun("time")
    if not chunks:
        raise Overrun("memory") if os.WIFSIGNALED(status) else RuntimeError("no result (status %d)" % status)
    return _outcome(json.loads(b"".join(chunks)))


def _fork():
    with warnings.catch_warnings():      # a thread of the parent (the isolation probe's) may still be ending
        warnings.simplefilter("ignore", DeprecationWarning)
        return os.fork()


def _compute(fn):
    """fn()'s outcome as a message: {"value"}, {"fail"}, {"overrun"} or {"error"}."""
    try:
        return {"value": fn()}
    except Fail as fail:
        return {"fail": [fail.message, fail.category, fail.hint]}
    except MemoryError:
        return {"overrun": "memory"}
    except Exception as exc:   # a bug: the parent reports it as the grader's; the traceback goes to stderr
        traceback.print_exc()
        return {"error": "%s: %s" % (type(exc).__name__, exc)}


def _outcome(message):
    """The value of a computation's message, or what it raised (Fail, Overrun, RuntimeError)."""
    if "fail" in message:
        raise Fail(*message["fail"])
    if "overrun" in message:
        raise Overrun(message["overrun"])
    if "error" in message:
        raise RuntimeError(message["error"])
    return message["value"]


class Evaluator:
    """Computations named by keys, each run as `bounded` would run it, all in one forked copy of this process.

    `resolve(key) -> fn` is called in the copy (what this process makes after the fork is not in it, so work is
    named, not sent). `run(key, seconds, memory_mb, budget)` returns fn()'s value or raises what `bounded` would
    raise (Fail, Overrun, RuntimeError)."""

    def __init__(self, resolve):
        self.resolve = resolve
        self.pid = self.req = self.resp = None
        atexit.register(self.close)

    def run(self, key, seconds=5.0, memory_mb=1024, budget=None):
        if budget is not None:
            if budget.left <= 0:
                raise Overrun("time")
            seconds = min(seconds, budget.left)
        if not hasattr(os, "fork"):
            return self.resolve(key)()
        if self.pid is None:
            self._start()
        try:
            _send(self.req, {"key": key, "seconds": seconds, "memory_mb": memory_mb})
            message = _receive(self.resp, time.monotonic() + WALL_FACTOR * seconds + 1.0)
        except _Gone as gone:     # it died (a limit), or ran out of wall-clock time
            usage, status = self._end(kill=gone.timeout)
            if budget is not None:
                budget.left -= usage - self.reported
            if gone.timeout or (os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL)):
                raise Overrun("time")
            if os.WIFSIGNALED(status):
                raise Overrun("memory")
            raise RuntimeError("no result (status %d)" % status)
        if budget is not None:
            budget.left -= message.get("cpu", 0.0)
        self.reported += message.get("cpu", 0.0)
        if "value" not in message and "fail" not in message:
            self._end()           # an overrun or an error: the next computation gets a fresh copy
        return _outcome(message)

    def _start(self):
        req_r, req_w = os.pipe()
        resp_r, resp_w = os.pipe()
        pid = _fork()
        if pid == 0:
            os.close(req_w)
            os.close(resp_r)
            _serve(self.resolve, req_r, resp_w)
        os.close(req_r)
        os.close(resp_w)
        self.pid, self.req, self.resp, self.reported = pid, req_w, resp_r, 0.0

    def _end(self, kill=True):
        """Stop the copy; (its CPU seconds, its wait status)."""
        pid, self.pid = self.pid, None
        for fd in (self.req, self.resp):
            try:
                os.close(fd)
            except OSError:
                pass
        if kill:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        _, status, usage = os.wait4(pid, 0)
        return usage.ru_utime + usage.ru_stime, status

    def close(self):
        if self.pid is not None:
            self._end()


class _Gone(Exception):
    def __init__(self, timeout):
        super().__init__()
        self.timeout = timeout


def _send(fd, message):
    data = json.dumps(message).encode()
    view = memoryview(struct.pack(">I", len(data)) + data)
    try:
        while view:
            view = view[os.write(fd, view):]
    except BrokenPipeError:
        raise _Gone(False)


def _read_exactly(fd, n, deadline):
    chunks, size = [], 0
    while size < n:
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and (left <= 0 or not select.select([fd], [], [], left)[0]):
            raise _Gone(True)
        chunk = os.read(fd, min(n - size, 1 << 16))
        if not chunk:
            raise _Gone(False)
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _receive(fd, deadline):
    (n,) = struct.unpack(">I", _read_exactly(fd, 4, deadline))
    if n > MAX_RESULT:
        raise _Gone(False)
    return json.loads(_read_exactly(fd, n, deadline))


def _soft(which, value):
    """Set the soft limit `which` to `value` (None: as high as the hard limit), never above the hard limit."""
    hard = resource.getrlimit(which)[1]
    if value is None or (hard != resource.RLIM_INFINITY and value > hard):
        value = hard
    resource.setrlimit(which, (value, hard))


def _serve(resolve, req, resp):
    """The forked copy: one computation per request, each under its own limits (as `_child` sets them)."""
    code = 0
    try:
        resource.setrlimit(resource.RLIMIT_CPU, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    except (ValueError, OSError):
        pass
    try:
        while True:
            try:
                request = json.loads(_read_exactly(req, struct.unpack(">I", _read_exactly(req, 4, None))[0], None))
            except _Gone:
                break             # the parent is done (or gone)
            usage = resource.getrusage(resource.RUSAGE_SELF)
            before = usage.ru_utime + usage.ru_stime
            cpu = max(1, int(request["seconds"] + 0.999))   # as `_child`: whole seconds, from where it stands
            _soft(resource.RLIMIT_CPU, int(math.ceil(before)) + cpu)
            used = _address_space()
            if used is not None and request["memory_mb"]:
                _soft(resource.RLIMIT_AS, used + request["memory_mb"] * 1024 * 1024)
            message = _compute(resolve(request["key"]))
            _soft(resource.RLIMIT_AS, None)   # the next computation's limit is set from what the copy uses then
            usage = resource.getrusage(resource.RUSAGE_SELF)
            message["cpu"] = usage.ru_utime + usage.ru_stime - before
            data = json.dumps(message).encode()
            if len(data) > MAX_RESULT:
                data = json.dumps({"error": "result too large", "cpu": message["cpu"]}).encode()
            view = memoryview(struct.pack(">I", len(data)) + data)
            while view:
                view = view[os.write(resp, view):]
            if "value" not in message and "fail" not in message:
                break
    except BaseException:   # noqa: B902 - the copy must end here, whatever happened
        code = 1
    finally:
        os._exit(code)
