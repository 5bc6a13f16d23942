"""The trusted side of the boundary: start a worker, send it call plans, enforce every limit from outside.

A `Sandbox` owns at most one live worker process for one submission. A crash, a timeout, a garbage frame
or an over-large answer fails only the call that caused it: the worker is killed and the next call starts a
fresh one. The per-submission budget bounds the total time spent in student code.
"""
import atexit
import functools
import json
import os
import resource
import selectors
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

import numpy as np

from ..util import safe_data, safe_text
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


HIDDEN_PACKAGES = ("grader", "reference", "assignments")   # the worker never finds these on its import path


def library_paths():
    """The directories that hold numpy (and torch, sympy when installed), as installed. After a plain
    `pip install` one of them (site-packages) also holds the grader and the reference: the worker imports
    from `worker_paths()`, which leaves those out; bubblewrap mounts these and hides them (isolation.py)."""
    import importlib.util
    paths = []
    for name in ("numpy", "torch", "sympy"):
        spec = importlib.util.find_spec(name)
        if spec and spec.origin:
            d = os.path.dirname(os.path.dirname(spec.origin))
            if d not in paths:
                paths.append(d)
    return paths


def own_entry(name):
    """Whether an entry of a library directory is dlgrader's: its packages, its metadata, editable-install hooks."""
    return name.split(".")[0].split("-")[0] in HIDDEN_PACKAGES or name.lower().startswith(("dlgrader",
                                                                                            "__editable__"))


@functools.lru_cache(maxsize=1)
def worker_paths():
    """The worker's import path: `library_paths()`, except that a directory which also holds an entry of
    dlgrader's own (site-packages of a normal, --user or wheel install, a Gradescope venv, a CI runner) is
    replaced by a view of it without those: a folder of symlinks to its other entries (made once per process,
    readable by the sandbox users, removed at exit). NumPy and torch import as usual; `grader` and
    `reference` are not there to be found."""
    paths = []
    for d in library_paths():
        try:
            entries = sorted(os.listdir(d))
        except OSError:
            continue
        if not any(own_entry(e) for e in entries):
            paths.append(d)
            continue
        view = tempfile.mkdtemp(prefix="dlgrader-libs-")
        atexit.register(shutil.rmtree, view, True)
        os.chmod(view, 0o755)
        for e in entries:
            if not own_entry(e):
                os.symlink(os.path.join(d, e), os.path.join(view, e))
        paths.append(view)
    return paths


class Sandbox:
    """Runs call plans in a worker for one submission rooted at `root` (a prepared directory)."""

    def __init__(self, root, workdir, limits=None, launcher=None, import_paths=(), worker_path=None,
                 cleanup=None, cgroup=(), user=None, preload=(), numpy_1=(), python=None, libraries=None, env=None):
        self.root, self.workdir = root, workdir
        self.limits = limits or Limits()
        self.launcher = launcher or []   # a command prefix from the isolation layer (bwrap, ...)
        self.worker_path = worker_path or WORKER
        self.cleanup = cleanup           # kills whatever the submission left behind (L1: every process of its uid)
        self.cgroup = list(cgroup)       # cgroup.procs files the worker joins (L1)
        self.user = user                 # a pwd entry: run the worker as this user (L1 without bwrap)
        self.python = python or sys.executable   # an interpreter the worker's user can read (isolation.py)
        self.libraries = worker_paths() if libraries is None else list(libraries)   # numpy, torch: for it
        self.env = dict(env or {})       # added to the scrubbed environment (LD_LIBRARY_PATH of a mirror)
        self.import_paths = list(import_paths)
        self.preload = list(preload)     # libraries the worker imports while it starts (see Assignment.preload)
        self.numpy_1 = list(numpy_1)     # NumPy 1 names the worker restores (worker.NUMPY_1; the course profile's)
        self.proc = None
        self._loading = None             # when launch() sent the load request that await_start() reads
        self.spent = 0.0
        self.restarts = 0
        self.log = None                  # what the student's code prints: an unnamed file only the parent holds

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
        if self.log is None:
            # Never a path in the work dir: the work dir belongs to the sandbox, which could put a symbolic link
            # there for the parent to open (as root, at L1). An unnamed file has no path to replace; every
            # worker (re)start appends to the same open file, and only the parent can read it back.
            self.log = tempfile.TemporaryFile(prefix="dlgrader-output-")
        cmd = self.launcher + [self.python, "-I", "-S", self.worker_path, str(req_r), str(resp_w),
                               json.dumps(self.libraries)]
        user = {} if self.user is None else {"user": self.user.pw_uid, "group": self.user.pw_gid,
                                             "extra_groups": []}
        try:
            self.proc = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT, cwd=self.workdir,
                env=dict(worker_env(self.workdir), **self.env), pass_fds=(req_r, resp_w), start_new_session=True,
                preexec_fn=self._preexec, close_fds=True, **user)
        finally:
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

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

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
        expect = len(msg["returns"]) if msg and "returns" in msg else 0
        try:
            return read_reply(body, expect, elapsed)
        except Exception as exc:  # garbage on the protocol pipe: a forged or broken answer
            return Reply(failure="the worker sent an unreadable answer (%s)" % type(exc).__name__,
                         elapsed=elapsed)

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
        """The tail of what the student's code printed (as safe text), and how many bytes it printed."""
        if self.log is None:
            return "", 0
        try:
            size = os.fstat(self.log.fileno()).st_size
            tail = os.pread(self.log.fileno(), limit, max(0, size - limit))
        except OSError:
            return "", 0
        return safe_text(tail.decode("utf-8", "replace")), size

    def close(self):
        """Kill the worker and drop what it printed."""
        self.kill()
        if self.log is not None:
            self.log.close()
            self.log = None


MAX_JSON = 4 * 1024 * 1024   # bytes of JSON in one answer: arrays travel beside it as .npy
MAX_MESSAGE = 2000           # characters of an exception message kept
MAX_FRAMES = 12              # traceback lines kept, each at most MAX_MESSAGE characters


def read_reply(body, expect, elapsed=0.0):
    """A Reply from one answer of the worker, which is untrusted: its size and structure are checked before
    anything is converted (an `error` must be a dict of short texts, `values` exactly the `expect` values the
    plan asked for, arrays of plain dtypes), and every text in it is made safe for reports and terminals once,
    here (`safe_text`). Raises ValueError, TypeError or KeyError for anything else."""
    obj, arrays = wire.unpack(body, max_json=MAX_JSON)
    if type(obj) is not dict:
        raise TypeError("the answer is not an object")
    obj = safe_data(obj)
    if "error" in obj:
        error = obj["error"]
        frames = error.get("frames", []) if type(error) is dict else None
        step = error.get("step", -1) if type(error) is dict else None
        if type(error) is not dict or type(error.get("type")) is not str or type(error.get("message")) is not str \
                or type(frames) is not list or any(type(f) is not str for f in frames) or type(step) is not int:
            raise TypeError("a malformed error report")
        return Reply(error={"type": error["type"][:100], "message": error["message"][:MAX_MESSAGE],
                            "frames": [f[:MAX_MESSAGE] for f in frames[-MAX_FRAMES:]], "step": step},
                     elapsed=elapsed)
    values = obj.get("values", [])
    if type(values) is not list or len(values) != expect:
        raise ValueError("%s values where the plan asked for %d" % (
            len(values) if type(values) is list else "no list of", expect))
    return Reply(values=wire.decode(values, arrays), elapsed=elapsed)


class WorkerStartError(Exception):
    pass


class _Timeout(Exception):
    pass


class _Died(Exception):
    pass


def is_plain_array(x):
    return type(x) is np.ndarray
