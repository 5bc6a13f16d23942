"""N grading processes (grader.batch.child), one job each at a time, watched from here.

Each process has a stable slot 0..N-1 (passed on to grade(), so an isolation layer can give each slot its own
sandbox identity). A process that dies, or takes longer than `timeout` on one submission, costs only that
submission: it is reported through `done(job, None, why, status)` and a fresh process takes the slot.
"""
import json
import os
import selectors
import subprocess
import sys
import time
from collections import deque


class PoolError(Exception):
    """The grading processes cannot run at all (not a problem of any one submission)."""


def child_command(slot):
    return [sys.executable, "-m", "grader.batch.child", str(slot)]


def child_env():
    """The child imports the very grader this process runs, wherever it was imported from; its numerical
    libraries use one thread each (N processes share the cores; BLAS threads would fight over them)."""
    import grader
    from ..sandbox.client import THREAD_VARS
    here = os.path.dirname(os.path.dirname(os.path.abspath(grader.__file__)))
    env = dict(os.environ)
    for var in THREAD_VARS:
        env.setdefault(var, "1")
    env["PYTHONPATH"] = os.pathsep.join([here] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    return env


class Child:
    def __init__(self, slot, setup, command, log_dir):
        self.slot, self.job, self.started, self.ready = slot, None, None, False
        os.makedirs(log_dir, exist_ok=True)
        log = open(os.path.join(log_dir, "slot-%d.log" % slot), "ab")
        self.log_path = log.name
        try:
            self.proc = subprocess.Popen(command(slot), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                                         env=child_env(), close_fds=True)
        finally:
            log.close()
        self.fd = self.proc.stdout.fileno()
        os.set_blocking(self.fd, False)
        self.buffer = b""
        self.send(setup)

    def send(self, msg):
        try:
            self.proc.stdin.write((json.dumps(msg) + "\n").encode("utf-8"))
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass                            # it died; the read side will say so

    def assign(self, job):
        self.job, self.started = job, time.monotonic()
        self.send(job)

    def read(self):
        """(messages, ended)"""
        try:
            chunk = os.read(self.fd, 1 << 16)
        except BlockingIOError:
            return [], False
        except OSError:
            chunk = b""
        self.buffer += chunk
        *lines, self.buffer = self.buffer.split(b"\n")
        messages = []
        for line in lines:
            try:
                messages.append(json.loads(line))
            except ValueError:
                pass
        return messages, not chunk

    def stop(self, grace=5.0):
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            return self.proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()

    def kill(self, grace=2.0):
        """SIGTERM first: the child unwinds grade(), whose cleanup kills its sandboxed worker (in a session
        of its own, out of reach of this signal); SIGKILL if it has not exited after `grace` seconds."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                return self.proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        return self.proc.wait()

    def log_tail(self, n=2000):
        try:
            with open(self.log_path, "rb") as f:
                f.seek(0, 2)
                f.seek(max(0, f.tell() - n))
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""


def run_jobs(jobs, workers, setup, done, log_dir, timeout=None, command=child_command, max_start_failures=3):
    """Grade `jobs` (dicts with a 'slug') on `workers` processes; `done(job, message, error, status)` each."""
    queue = deque(jobs)
    if not queue:
        return
    sel = selectors.DefaultSelector()
    children = {}
    failures = 0

    def start(slot):
        child = Child(slot, setup, command, log_dir)
        children[slot] = child
        sel.register(child.fd, selectors.EVENT_READ, child)

    def replace(child, why, status):
        nonlocal failures
        sel.unregister(child.fd)
        job = child.job
        if not child.ready:
            failures += 1
            if failures >= max_start_failures:
                raise PoolError("the grading processes stop before they are ready:\n" + child.log_tail())
        if job is not None:
            done(job, None, why, status)
        if queue:
            start(child.slot)
        else:
            del children[child.slot]

    for slot in range(min(workers, len(queue))):
        start(slot)
    try:
        while children:
            for child in list(children.values()):
                if child.ready and child.job is None:
                    if queue:
                        child.assign(queue.popleft())
                    else:
                        sel.unregister(child.fd)
                        child.stop()
                        del children[child.slot]
            if not children:
                break
            for key, _ in sel.select(timeout=0.25):
                child = key.data
                messages, ended = child.read()
                for msg in messages:
                    if msg.get("ready"):
                        child.ready = True
                        failures = 0
                    elif child.job is not None and msg.get("slug") == child.job["slug"]:
                        job, child.job = child.job, None
                        done(job, msg, None, None)
                if ended:
                    code = child.kill() if child.proc.poll() is None else child.proc.returncode
                    why = ("the grading process stopped (%s) while grading this submission; see %s"
                           % (describe_exit(code), os.path.relpath(child.log_path)))
                    replace(child, why, "error")
            now = time.monotonic()
            for child in list(children.values()):
                if timeout and child.job is not None and now - child.started > timeout:
                    child.kill()
                    replace(child, "grading took longer than %.0f s and was stopped" % timeout, "timeout")
    finally:
        for child in children.values():
            if child.proc.poll() is None:
                child.proc.terminate()
        for child in children.values():
            child.kill()
        sel.close()


def describe_exit(code):
    if code is None:
        return "still running"
    if code < 0:
        import signal
        try:
            return "killed by %s" % signal.Signals(-code).name
        except ValueError:
            return "killed by signal %d" % -code
    return "exit status %d" % code
