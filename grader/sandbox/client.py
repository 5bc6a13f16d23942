"""The trusted side of the boundary: start a worker, send it call plans, enforce every limit from outside.

A `Sandbox` owns at most one live worker process for one submission. A crash, a timeout, a garbage frame
or an over-large answer fails only the call that caused it: the worker is killed and the next call starts a
fresh one. The per-submission budget bounds the total time spent in student code.
"""
import json
import os
import resource
import selectors
import signal
import struct
import subprocess
import sys
import time
from dataclasses import dataclass, field

import numpy as np

from . import worker as wire

WORKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "worker.py")
MAX_REPLY = 64 * 1024 * 1024
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS",
               "VECLIB_MAXIMUM_THREADS")
PASS_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "LANG", "LC_ALL", "CUDA_VISIBLE_DEVICES")


@dataclass
class Limits:
    call_timeout: float = 10.0    # wall seconds for one plan
    start_timeout: float = 20.0   # wall seconds for the worker to start and answer
    budget: float = 60.0          # wall seconds of student code per submission
    memory_mb: int = 4096         # RLIMIT_AS
    cpu_s: int = 120              # RLIMIT_CPU, a backstop behind the wall-clock deadlines
    file_mb: int = 8              # RLIMIT_FSIZE: caps the student's stdout/stderr log too
    open_files: int = 256
    processes: int = 128          # RLIMIT_NPROC, where the worker has a uid of its own (L1)


@dataclass
class Reply:
    """What one plan produced: values, or a student error, or a failure of the worker itself."""
    values: list = field(default_factory=list)
    error: dict | None = None    # the student's code raised: {type, message, frames}
    failure: str | None = None   # the worker died, hung, or answered garbage
    elapsed: float = 0.0         # wall seconds, measured here

    @property
    def ok(self):
        return self.error is None and self.failure is None

    def explain(self):
        if self.failure:
            return self.failure
        if self.error:
            return "\n".join([self.error["message"]] + self.error.get("frames", []))
        return ""


def worker_env(workdir):
    env = {"PATH": "/usr/bin:/bin", "HOME": workdir, "TMPDIR": workdir, "PYTHONHASHSEED": "0",
           "PYTHONDONTWRITEBYTECODE": "1", "PYTHONIOENCODING": "utf-8"}
    env.update({k: "1" for k in THREAD_VARS})
    env.update({k: os.environ[k] for k in PASS_VARS if k in os.environ})
    return env


def library_paths():
    """The directories the worker needs for numpy (and torch, sympy when installed), without the grader's own."""
    import importlib.util
    paths = []
    for name in ("numpy", "torch", "sympy"):
        spec = importlib.util.find_spec(name)
        if spec and spec.origin:
            d = os.path.dirname(os.path.dirname(spec.origin))
            if d not in paths:
                paths.append(d)
    project = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return [p for p in paths if os.path.abspath(p) != project]


class Sandbox:
    """Runs call plans in a worker for one submission rooted at `root` (a prepared directory)."""

    def __init__(self, root, workdir, limits=None, launcher=None, import_paths=(), worker_path=None,
                 cleanup=None, cgroup=(), user=None, preload=(), numpy_1=()):
        self.root, self.workdir = root, workdir
        self.limits = limits or Limits()
        self.launcher = launcher or []   # a command prefix from the isolation layer (bwrap, ...)
        self.worker_path = worker_path or WORKER
        self.cleanup = cleanup           # kills whatever the submission left behind (L1: every process of its uid)
        self.cgroup = list(cgroup)       # cgroup.procs files the worker joins (L1)
        self.user = user                 # a pwd entry: run the worker as this user (L1 without bwrap)
        self.import_paths = list(import_paths)
        self.preload = list(preload)     # libraries the worker imports while it starts (see Assignment.preload)
        self.numpy_1 = list(numpy_1)     # NumPy 1 names the worker restores (worker.NUMPY_1; the course profile's)
        self.proc = None
        self._loading = None             # when launch() sent the load request that await_start() reads
        self.spent = 0.0
        self.restarts = 0
        self.log_path = os.path.join(workdir, "student_output.log")

    # ---------------------------------------------------------- process lifetime
    def _preexec(self):
        lim = self.limits
        mb = 1024 * 1024
        for what, value in ((resource.RLIMIT_AS, lim.memory_mb * mb), (resource.RLIMIT_CPU, lim.cpu_s),
                            (resource.RLIMIT_FSIZE, lim.file_mb * mb), (resource.RLIMIT_CORE, 0),
                            (resource.RLIMIT_NOFILE, lim.open_files)):
            resource.setrlimit(what, (value, value))
        if self.cleanup is not None:  # a dedicated uid: RLIMIT_NPROC counts only this slot's processes
            resource.setrlimit(resource.RLIMIT_NPROC, (lim.processes, lim.processes))
        if self.user is None:  # with user=, this runs after the uid switch: the parent joins it instead
            self._join_cgroups(os.getpid())

    def _join_cgroups(self, pid):
        for procs in self.cgroup:
            with open(procs, "w") as f:
                f.write(str(pid))

    def start(self):
        self.launch()
        self.await_start()

    def launch(self):
        """Start the worker process and send it the load request without waiting for the answer, so that the
        worker's interpreter start and imports overlap the parent's own preparation (`await_start` reads it)."""
        req_r, req_w = os.pipe()
        resp_r, resp_w = os.pipe()
        log = open(self.log_path, "ab")
        cmd = self.launcher + [sys.executable, "-I", "-S", self.worker_path, str(req_r), str(resp_w),
                               json.dumps(library_paths())]
        user = {} if self.user is None else {"user": self.user.pw_uid, "group": self.user.pw_gid,
                                             "extra_groups": []}
        try:
            self.proc = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, cwd=self.workdir,
                env=worker_env(self.workdir), pass_fds=(req_r, resp_w), start_new_session=True,
                preexec_fn=self._preexec, close_fds=True, **user)
        finally:
            log.close()
            os.close(req_r)
            os.close(resp_w)
        self.req, self.resp = req_w, resp_r
        if self.user is not None:  # before any student code runs: that waits for the first request
            self._join_cgroups(self.proc.pid)
        paths = [self.root] + self.import_paths
        frame = wire.pack({"op": "load", "root": self.root, "paths": paths, "preload": self.preload,
                           "numpy_1": self.numpy_1}, [])
        self._loading = time.monotonic()
        try:                      # a few hundred bytes: the pipe takes them without blocking
            view = memoryview(frame)
            while view:
                view = view[os.write(self.req, view):]
        except BrokenPipeError:   # the launcher died at once: await_start reports how
            pass

    def await_start(self):
        """The answer to the load request sent by `launch`; raises WorkerStartError if the worker did not start."""
        t0, self._loading = self._loading, None
        reply = self._roundtrip(None, [], self.limits.start_timeout - (time.monotonic() - t0), count=False,
                                frame=b"")
        if not reply.ok:
            raise WorkerStartError(reply.failure or reply.explain())

    def kill(self):
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.kill()
        except ProcessLookupError:
            pass
        self.proc.wait()
        if self.cleanup is not None:
            self.cleanup()
        for fd in (self.req, self.resp):
            try:
                os.close(fd)
            except OSError:
                pass
        self.proc = None
        self._loading = None

    close = kill

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()

    # ---------------------------------------------------------- calls
    def run(self, plan, timeout=None):
        """Run a `Plan` (grader.sandbox.plan) and return a Reply. Never raises for student behaviour."""
        left = self.limits.budget - self.spent
        if left <= 0:
            return Reply(failure="the time budget for this submission (%.0f s) is used up; "
                                 "later checks were not run" % self.limits.budget)
        timeout = min(timeout or self.limits.call_timeout, left)
        if self.proc is None or self._loading is not None:
            try:
                self.start() if self.proc is None else self.await_start()
            except (WorkerStartError, OSError) as exc:
                self.kill()
                return Reply(failure="the sandbox could not start: %s" % exc)
        arrays = []
        steps = plan.encode(arrays)
        reply = self._roundtrip({"op": "plan", "steps": steps, "returns": plan.returns_wire()}, arrays,
                                timeout)
        if reply.failure:
            self.kill()
            self.restarts += 1
        return reply

    def _roundtrip(self, msg, arrays, timeout, count=True, frame=None):
        t0 = time.monotonic()
        try:
            frame = wire.pack(msg, arrays) if frame is None else frame
            body = self._exchange(frame, t0 + timeout)
        except _Timeout:
            body = None
            failure = "no answer within %.1f s (an infinite loop, or far too slow?)" % timeout
        except _Died as exc:
            body, failure = None, str(exc)
        elapsed = time.monotonic() - t0
        if count:
            self.spent += elapsed
        if body is None:
            return Reply(failure=failure, elapsed=elapsed)
        try:
            obj, out = wire.unpack(body)
            if "error" in obj:
                return Reply(error=obj["error"], elapsed=elapsed)
            values = wire.decode(obj["values"], out) if "values" in obj else []
        except Exception as exc:  # garbage on the protocol pipe
            return Reply(failure="the worker sent an unreadable answer (%s)" % type(exc).__name__,
                         elapsed=elapsed)
        return Reply(values=values, elapsed=elapsed)

    def _exchange(self, frame, deadline):
        sel = selectors.DefaultSelector()
        os.set_blocking(self.req, False)
        os.set_blocking(self.resp, False)
        sel.register(self.req, selectors.EVENT_WRITE)
        sel.register(self.resp, selectors.EVENT_READ)
        view, buf, need = memoryview(frame), bytearray(), None
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise _Timeout
                for key, _ in sel.select(min(left, 0.5)):
                    if key.fd == self.req:
                        try:
                            view = view[os.write(self.req, view):]
                        except BrokenPipeError:
                            raise _Died(self._death())
                        if not view:
                            sel.unregister(self.req)
                    else:
                        chunk = os.read(self.resp, 1 << 20)
                        if not chunk:
                            raise _Died(self._death())
                        buf += chunk
                        if need is None and len(buf) >= 8:
                            (need,) = struct.unpack(">Q", buf[:8])
                            if need > MAX_REPLY:
                                raise _Died("the answer was larger than %d MiB" % (MAX_REPLY >> 20))
                        if need is not None and len(buf) >= 8 + need:
                            return bytes(buf[8:8 + need])
                if self.proc.poll() is not None and need is None and not buf:
                    raise _Died(self._death())
        finally:
            sel.close()

    def _death(self):
        try:
            code = self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return "the worker closed its answer pipe and stopped responding"
        if code > 128 and self.launcher:  # bwrap and unshare report a signal as 128 + its number
            code = 128 - code
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = "number %d" % -code
            why = {"SIGKILL": " (killed: CPU or memory limit?)", "SIGSEGV": " (a crash: runaway recursion?)",
                   "SIGXCPU": " (CPU time limit)"}.get(name, "")
            return "the worker process died from signal %s%s" % (name, why)
        return "the worker process exited with status %d in the middle of a call " \
               "(sys.exit / os._exit in the submission?)" % code

    def student_output(self, limit=4000):
        """The tail of what the student's code printed."""
        try:
            with open(self.log_path, "rb") as f:
                f.seek(0, 2)
                size = f.tell()
                f.seek(max(0, size - limit))
                return f.read().decode("utf-8", "replace"), size
        except OSError:
            return "", 0


class WorkerStartError(Exception):
    pass


class _Timeout(Exception):
    pass


class _Died(Exception):
    pass


def is_plain_array(x):
    return type(x) is np.ndarray
