"""A computation of the trusted parent on untrusted data, run with a time and a memory limit.

The written answers are parsed and compared by sympy in the parent (no student code runs), but sympy can take
exponential time or memory on a short text (`ln(ln(...ln(2)...))`). `bounded(fn)` runs `fn()` in a forked copy
of the parent (so nothing is imported or pickled again): CPU time and address space limited by rlimits; a
wall-clock deadline (a few times the CPU limit: a loaded machine is slow, a blocked child uses no CPU) kept by
the parent, which kills it. A `Budget` bounds the CPU time of several such computations together. The result travels back as JSON; `fn` returns JSON-able data or raises Fail,
which is rebuilt here. Where fork does not exist, `fn()` runs in this process, unbounded.
"""
import json
import os
import resource
import select
import signal
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
        try:
            message = {"value": fn()}
        except Fail as fail:
            message = {"fail": [fail.message, fail.category, fail.hint]}
        except MemoryError:
            message = {"overrun": "memory"}
        except Exception as exc:   # a bug: the parent reports it as the grader's; the traceback goes to stderr
            traceback.print_exc()
            message = {"error": "%s: %s" % (type(exc).__name__, exc)}
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
    with warnings.catch_warnings():      # a thread of the parent (the isolation probe's) may still be ending
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
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
    message = json.loads(b"".join(chunks))
    if "fail" in message:
        raise Fail(*message["fail"])
    if "overrun" in message:
        raise Overrun(message["overrun"])
    if "error" in message:
        raise RuntimeError(message["error"])
    return message["value"]
