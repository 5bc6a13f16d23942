"""Isolation layers around the worker, probed once per process and recorded in every result.

L0  always: a separate `python -I -S` process, rlimits, wall-clock deadlines, scrubbed environment, own session
    (grader/sandbox/client.py).
L1  root available: a dedicated system uid per concurrent slot (`dlgrader-s<N>`), RLIMIT_NPROC, every process
    of that uid killed and waited for before the slot is reused, pids/memory cgroups where writable.
L2  bubblewrap: a fresh mount namespace holding only the system libraries, the interpreter, the numerical
    libraries (with the grader and reference hidden even when installed in site-packages), the submission
    (read-only) and a private work dir; private /tmp and /dev/shm; no network; a PID namespace that dies with
    the grader. Fallback without bwrap: `unshare --net`.

On a machine whose interpreter is not readable by other users (e.g. pyenv under /root, mode 700), inside L2
the interpreter is bind-mounted and the uid switch happens in the sandbox (`setpriv`); without bubblewrap, L1
runs a mirror of the interpreter and its libraries that the sandbox uids can read (hard links under
/var/lib/dlgrader, so nothing is copied; the grader and reference are left out of it).

As root, student code never runs as root: a configuration without a uid switch is used only when asked for
(`--isolation l0`); when no uid switch works, grading is refused with what to do.
"""
import contextlib
import functools
import os
import pwd
import shutil
import signal
import site
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

LEVELS = ("l0", "l1", "l2")
ETC_FILES = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/passwd", "/etc/group",
             "/etc/nsswitch.conf", "/etc/localtime")
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32")
SANDBOX_WORKER = "/opt/dlgrader/worker.py"
MIRROR = "/var/lib/dlgrader"       # root only: interpreter mirrors readable by the sandbox uids (see above)
MIRROR_FORMAT = 2                  # what a mirror leaves out changed: an older one is built again


class IsolationError(Exception):
    pass


@dataclass
class Isolation:
    """What protects the worker here, and how to launch it."""
    layers: list = field(default_factory=lambda: ["L0"])
    details: dict = field(default_factory=dict)
    bwrap: str | None = None          # path of bwrap when L2 uses it
    userns: bool = False              # bwrap with --unshare-user (no uid switch)
    uid_switch: bool = False          # L1: run as dlgrader-s<slot>
    unshare_net: str | None = None    # fallback L2: path of unshare

    def describe(self):
        return {"layers": list(self.layers), "details": dict(self.details)}

    @property
    def level(self):
        return "l2" if "L2" in self.layers else "l1" if "L1" in self.layers else "l0"

    def sandbox_args(self, root, workdir, slot=0):
        """Keyword arguments for Sandbox: launcher prefix, worker path, per-slot uid and cleanup."""
        args = {}
        uid = slot_user(slot) if self.uid_switch else None
        if uid is not None:
            become_subreaper()
            os.chown(workdir, uid.pw_uid, uid.pw_gid)
            args["cleanup"] = functools.partial(kill_uid, uid.pw_uid)
            args["cgroup"] = slot_cgroups(slot)
        if self.bwrap:
            args["launcher"] = bwrap_command(self.bwrap, root, workdir, uid, self.userns)
            args["worker_path"] = SANDBOX_WORKER
        elif uid is not None:   # an interpreter the slot uid can read, and the worker outside the grader package
            args.update(readable_interpreter(), worker_path=worker_copy())
            if self.unshare_net:     # root makes the namespace, then drops to the slot uid inside it
                args["launcher"] = [self.unshare_net, "--net", "--"] + setpriv_command(uid)
            else:
                args["user"] = uid
        elif self.unshare_net:
            args["launcher"] = [self.unshare_net, "--net"] + (
                [] if os.geteuid() == 0 else ["--user", "--map-root-user"])
        return args


# ---------------------------------------------------------------- L1: users, cgroups, cleanup

def setpriv_command(user):
    """A prefix that drops from root to `user`: no groups, no capabilities, no new privileges."""
    setpriv = shutil.which("setpriv") or "/usr/bin/setpriv"
    return [setpriv, "--reuid=%d" % user.pw_uid, "--regid=%d" % user.pw_gid, "--clear-groups", "--no-new-privs",
            "--inh-caps=-all", "--bounding-set=-all", "--"]


def others_can_read(path):
    """Whether a user other than the owner can reach and read `path` (every parent directory searchable)."""
    path = os.path.realpath(path)
    try:
        parent = os.path.dirname(path)
        while parent != os.path.dirname(parent):
            if not os.stat(parent).st_mode & stat.S_IXOTH:
                return False
            parent = os.path.dirname(parent)
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return bool(mode & stat.S_IROTH) and (not stat.S_ISDIR(mode) or bool(mode & stat.S_IXOTH))


def interpreter_trees():
    """(the real interpreter, the directory trees it and the worker need: its installation, numpy/torch)."""
    python = os.path.realpath(sys.executable)
    trees = []
    for d in [os.path.realpath(sys.base_prefix)] + [os.path.realpath(p) for p in library_dirs()]:
        if not any(d == t or d.startswith(t + os.sep) for t in trees):
            trees = [t for t in trees if not t.startswith(d + os.sep)] + [d]
    return python, trees


@functools.lru_cache(maxsize=1)
def readable_interpreter():
    """Sandbox arguments (python, libraries, env) that run the worker from files a slot uid can read: the real
    interpreter when it is readable (a venv's link may not be), else a mirror of its trees in MIRROR."""
    python, trees = interpreter_trees()
    libraries = [os.path.realpath(p) for p in library_dirs()]
    if all(others_can_read(p) for p in [python] + trees):
        return {"python": python, "libraries": worker_dirs()}   # site-packages without dlgrader's own entries
    mirror = build_mirror(trees)

    def moved(path):
        for i, tree in enumerate(trees):
            if path == tree or path.startswith(tree + os.sep):
                return os.path.join(mirror, str(i), os.path.relpath(path, tree))
        return path
    return {"python": moved(python), "libraries": [moved(p) for p in libraries],
            "env": {"LD_LIBRARY_PATH": os.path.join(moved(trees[0]), "lib")}}


def build_mirror(trees):
    """MIRROR/python-<key>/<i>/: each tree, readable by everyone: directories made, files hard-linked (the same
    bytes; a file others cannot read is copied instead, so the original's mode is never changed), links kept,
    the grader's and the reference's packages left out. Built once per interpreter and libraries (atomically)."""
    import hashlib
    import json
    key = hashlib.sha256(json.dumps([MIRROR_FORMAT, trees, sys.version,
                                     os.stat(os.path.realpath(sys.executable)).st_mtime])
                         .encode()).hexdigest()[:12]
    target = os.path.join(MIRROR, "python-" + key)
    if os.path.isfile(os.path.join(target, ".complete")):
        return target
    os.makedirs(MIRROR, mode=0o755, exist_ok=True)
    os.chmod(MIRROR, 0o755)
    fresh = tempfile.mkdtemp(prefix=".building-", dir=MIRROR)
    try:
        for i, tree in enumerate(trees):
            _mirror_tree(tree, os.path.join(fresh, str(i)), trees, target)
        with open(os.path.join(fresh, ".complete"), "w") as f:
            f.write("\n".join(trees) + "\n")
        os.chmod(fresh, 0o755)
        try:
            os.rename(fresh, target)
        except OSError:       # another grader built it meanwhile
            if not os.path.isfile(os.path.join(target, ".complete")):
                raise
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    return target


def _mirror_tree(src, dest, trees, target):
    for dirpath, dirnames, filenames in os.walk(src):
        rel = os.path.relpath(dirpath, src)
        out = os.path.normpath(os.path.join(dest, rel))
        os.makedirs(out, mode=0o755, exist_ok=True)
        os.chmod(out, 0o755)
        if os.path.basename(dirpath) in ("site-packages", "dist-packages"):   # dlgrader's own packages, metadata
            from .sandbox.client import own_entry                            # and editable-install hooks stay out
            dirnames[:] = [d for d in dirnames if not own_entry(d)]
            filenames = [f for f in filenames if not own_entry(f)]
        for name in dirnames + filenames:
            full, copy = os.path.join(dirpath, name), os.path.join(out, name)
            if os.path.islink(full):
                link = os.readlink(full)
                for i, tree in enumerate(trees):   # an absolute link into a mirrored tree points into the mirror
                    if os.path.isabs(link) and (link == tree or link.startswith(tree + os.sep)):
                        link = os.path.join(target, str(i), os.path.relpath(link, tree))
                os.symlink(link, copy)
                if name in dirnames:
                    dirnames.remove(name)
            elif name in filenames:
                mode = os.lstat(full).st_mode
                if not stat.S_ISREG(mode):
                    continue
                try:
                    if not mode & stat.S_IROTH:
                        raise OSError("not readable by others")
                    os.link(full, copy)
                except OSError:
                    shutil.copy2(full, copy)
                    os.chmod(copy, 0o755 if mode & stat.S_IXUSR else 0o644)


def slot_user(slot, create=True):
    name = "dlgrader-s%d" % slot
    try:
        return pwd.getpwnam(name)
    except KeyError:
        if not create or os.geteuid() != 0:
            return None
    useradd = shutil.which("useradd") or "/usr/sbin/useradd"
    subprocess.run([useradd, "--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell",
                    "/usr/sbin/nologin", name], capture_output=True)
    try:
        return pwd.getpwnam(name)
    except KeyError:
        return None


@functools.lru_cache(maxsize=1)
def become_subreaper():
    """Orphans of the sandbox are re-parented to this process, so `kill_uid` reaps them at once instead of
    waiting for PID 1 (zombies still count against the slot's RLIMIT_NPROC)."""
    try:
        import ctypes
        return ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def lock_dir():
    for d in ("/run/lock/dlgrader", os.path.join(tempfile.gettempdir(), "dlgrader-locks-%d" % os.geteuid())):
        try:
            os.makedirs(d, mode=0o700, exist_ok=True)
            if os.access(d, os.W_OK):
                return d
        except OSError:
            continue
    raise IsolationError("no directory for slot locks")


@contextlib.contextmanager
def claim_slot(preferred=0, limit=256):
    """Hold an exclusive lock on a sandbox slot for the duration of one grading: two graders on one machine
    (two TAs, two CI jobs, a batch and a single grade) never share a slot uid, whose processes each of them
    kills when it finishes. Yields the slot number: `preferred` if free, else the next free one."""
    import fcntl
    directory = lock_dir()
    for slot in list(range(preferred, limit)) + list(range(0, preferred)):
        f = open(os.path.join(directory, "slot-%d.lock" % slot), "a")
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            f.close()
            continue
        try:
            yield slot
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
            f.close()
        return
    raise IsolationError("all %d sandbox slots are busy" % limit)


def processes_of(uid):
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/status" % entry) as f:
                    for line in f:
                        if line.startswith("Uid:"):
                            if int(line.split()[1]) == uid:
                                pids.append(int(entry))
                            break
            except OSError:
                continue
    return pids


def kill_uid(uid, timeout=5.0):
    """SIGKILL every process of `uid` until none is left, zombies included (they count against NPROC)."""
    deadline = time.monotonic() + timeout
    while True:
        pids = processes_of(uid)
        if not pids:
            return True
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            pass
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)


def slot_cgroups(slot, pids_max=512):
    """Writable cgroup task files for this slot (pids, and memory as a backstop), or []. Root only."""
    files = []
    for controller, settings in (("pids", {"pids.max": str(pids_max)}),):
        base = "/sys/fs/cgroup/%s" % controller
        if not os.path.isdir(base) or not os.access(base, os.W_OK):
            continue
        path = os.path.join(base, "dlgrader-s%d" % slot)
        try:
            os.makedirs(path, exist_ok=True)
            for key, value in settings.items():
                with open(os.path.join(path, key), "w") as f:
                    f.write(value)
            files.append(os.path.join(path, "cgroup.procs"))
        except OSError:
            continue
    return files


# ---------------------------------------------------------------- L2: bubblewrap

def library_dirs():
    from .sandbox.client import library_paths
    return library_paths()


def worker_dirs():
    from .sandbox.client import worker_paths
    return worker_paths()


@functools.lru_cache(maxsize=1)
def worker_copy():
    """A copy of worker.py outside the grader package (the package itself is hidden in the sandbox)."""
    from .sandbox.client import WORKER
    from .tempdirs import make
    directory = make("worker")       # removed when this process exits, reaped if it is killed
    target = os.path.join(directory, "worker.py")
    shutil.copyfile(WORKER, target)
    os.chmod(target, 0o644)
    return target


@functools.lru_cache(maxsize=8)
def linked_library_dirs(libs):
    """The folders that entries of the library folders link to (a venv whose packages are links into another
    environment's site-packages): mounted too, or the links would point at nothing in the sandbox."""
    found = []
    for d in libs:
        try:
            entries = os.listdir(d)
        except OSError:
            continue
        for name in entries:
            full = os.path.join(d, name)
            if os.path.islink(full):
                target = os.path.dirname(os.path.realpath(full))
                if target not in found and not any(target == q or target.startswith(q + os.sep) for q in libs):
                    found.append(target)
    return found


def bwrap_command(bwrap, root, workdir, user, userns):
    from .sandbox.client import HIDDEN_PACKAGES
    cmd = [bwrap, "--die-with-parent", "--new-session", "--unshare-ipc", "--unshare-pid", "--unshare-net",
           "--unshare-uts", "--unshare-cgroup-try", "--hostname", "sandbox"]
    if userns:
        cmd += ["--unshare-user", "--uid", "65534", "--gid", "65534", "--cap-drop", "ALL"]
    cmd += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--tmpfs", "/dev/shm"]
    binds = [(d, d, True) for d in SYSTEM_DIRS + ETC_FILES if os.path.exists(d)]
    prefixes = []
    for p in (sys.base_prefix, sys.prefix, os.path.dirname(os.path.dirname(os.path.realpath(sys.executable)))):
        p = os.path.realpath(p)
        if p not in prefixes and not any(p.startswith(q + os.sep) for q in prefixes):
            prefixes.append(p)
    libs = [os.path.realpath(d) for d in library_dirs()]
    libs += [d for d in linked_library_dirs(tuple(libs)) if d not in libs]
    binds += [(p, p, True) for p in prefixes + [d for d in libs if not any(d.startswith(q + os.sep) for q in prefixes)]]
    binds += [(v, v, True) for v in worker_dirs() if v not in libs]   # views of them without dlgrader's own
    binds += [(root, root, True), (workdir, workdir, False), (worker_copy(), SANDBOX_WORKER, True)]
    # bwrap would create missing parents of a mount point with mode 0700, which the sandbox uid cannot cross
    mounted = {dest for _, dest, _ in binds} | {"/tmp", "/proc", "/dev", "/dev/shm"}
    parents = set()
    for _, dest, _ in binds:
        parent = os.path.dirname(dest)
        while parent not in ("/", "") and parent not in mounted:
            parents.add(parent)
            parent = os.path.dirname(parent)
    for p in sorted(parents, key=lambda p: (p.count("/"), p)):
        cmd += ["--perms", "0755", "--dir", p]
    for src, dest, ro in binds:
        cmd += ["--ro-bind" if ro else "--bind", src, dest]
    for d in dict.fromkeys(libs + [s for p in prefixes for s in site.getsitepackages([p])]):
        for name in HIDDEN_PACKAGES:  # even when installed in site-packages, the grader stays out of view
            hidden = os.path.join(d, name)
            if os.path.isdir(hidden):
                cmd += ["--tmpfs", hidden]
    cmd += ["--chdir", workdir]
    if user is not None:
        cmd += ["--"] + setpriv_command(user)[:-1]
    else:
        cmd += ["--"]
    return cmd


# ---------------------------------------------------------------- probing

def _try(iso, timeout=20.0):
    """Run the full sandbox command on a trivial program; (works, why not)."""
    from .tempdirs import make, remove
    top = make("probe")
    root, work = os.path.join(top, "sub"), os.path.join(top, "work")
    os.makedirs(root)
    os.makedirs(work)
    slot = claim_slot(0) if iso.uid_switch else contextlib.nullcontext(0)
    try:
        with slot as n:
            return _run_probe(iso, root, work, n, timeout)
    except (OSError, subprocess.SubprocessError, IsolationError) as exc:
        return False, "%s: %s" % (type(exc).__name__, str(exc)[:300])
    finally:
        remove(top)


def _run_probe(iso, root, work, slot, timeout):
    from .sandbox.client import WORKER, worker_env
    args = iso.sandbox_args(root, work, slot)
    user = args.get("user")
    cmd = args.get("launcher", []) + [args.get("python", sys.executable), "-I", "-S", args.get("worker_path", WORKER),
                                      "--probe"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=work,
                          env=dict(worker_env(work), **args.get("env", {})),
                          stdin=subprocess.DEVNULL, **({} if user is None else {
                              "user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}))
    if args.get("cleanup"):
        args["cleanup"]()
    ok = proc.returncode == 0 and proc.stdout.strip() == "42"
    return ok, "" if ok else (proc.stderr.strip().splitlines() or ["exit status %d" % proc.returncode])[-1][:300]


def candidates():
    """Configurations from strongest to weakest, with the layers each would provide."""
    root = os.geteuid() == 0
    bwrap = shutil.which("bwrap")
    unshare = shutil.which("unshare")
    out = []
    if bwrap and root:
        out.append((Isolation(["L0", "L1", "L2"], bwrap=bwrap, uid_switch=True), "bwrap + per-slot uid"))
    if unshare and root:
        out.append((Isolation(["L0", "L1", "L2"], unshare_net=unshare, uid_switch=True),
                    "unshare --net + per-slot uid (no filesystem isolation)"))
    if root:
        out.append((Isolation(["L0", "L1"], uid_switch=True), "per-slot uid"))
    if bwrap:   # as root, the ones below run the worker as root: only with --isolation l0 (see `probe`)
        out.append((Isolation(["L0", "L2"], bwrap=bwrap, userns=True), "bwrap with a user namespace"))
    if unshare:
        out.append((Isolation(["L0", "L2"], unshare_net=unshare), "unshare --net (no filesystem isolation)"))
    out.append((Isolation(["L0"]), "process boundary with limits"))
    return out


AS_ROOT = ("as root, dlgrader never runs student code as root, and no sandbox user works here. Install bubblewrap "
           "(`apt-get install bubblewrap`), check `dlgrader doctor`, or give --isolation l0 to run student code "
           "as root anyway (a fork bomb is then unbounded and every file of the machine is exposed)")


L0_DETAIL = ("separate process: rlimits (CPU, address space, file size, open files, no core), wall-clock "
             "deadlines, scrubbed environment, own session")


def wanted(iso, mode):
    if mode == "auto":
        return True
    if mode == "l0":
        return iso.layers == ["L0"]
    if mode == "l1":
        return "L1" in iso.layers and "L2" not in iso.layers
    return "L2" in iso.layers


@functools.lru_cache(maxsize=None)
def probe(mode="auto"):
    """The strongest working configuration allowed by `mode` (auto|l0|l1|l2). Probed once per process."""
    if mode not in ("auto",) + LEVELS:
        raise IsolationError("unknown isolation level %r (auto, l0, l1, l2)" % mode)
    tried = {}
    for iso, label in candidates():
        if not wanted(iso, mode):
            continue
        if os.geteuid() == 0 and not iso.uid_switch and mode != "l0":
            continue          # the worker would run as root: never unless asked for by name
        if iso.layers == ["L0"]:
            iso.details = {"L0": L0_DETAIL, "probes": tried}
            return iso
        t0 = time.monotonic()
        ok, why = _try(iso)
        tried[label] = ("works (%.0f ms)" % (1e3 * (time.monotonic() - t0))) if ok else "failed: " + why
        if ok:
            iso.details = {"L0": L0_DETAIL, "config": label, "probes": tried}
            if "L1" in iso.layers:
                iso.details["L1"] = "dedicated uid per slot (dlgrader-s<N>), all its processes killed after " \
                                    "each submission, pids cgroup where writable"
                if not iso.bwrap:
                    iso.details["L1"] += "; interpreter: %s" % readable_interpreter()["python"]
            if "L2" in iso.layers:
                iso.details["L2"] = ("bubblewrap: only system libraries, interpreter, numerical libraries, the "
                                     "submission (read-only) and a private work dir visible; private /tmp and "
                                     "/dev/shm; no network; PID namespace") if iso.bwrap else \
                    "network namespace only (unshare --net); files are not hidden"
            if os.geteuid() == 0 and not iso.uid_switch:
                iso.details["warning"] = "student code runs as root (--isolation l0)"
            return iso
    why = "; ".join("%s: %s" % kv for kv in tried.items()) or "no mechanism found"
    if os.geteuid() == 0:
        raise IsolationError("%s (tried: %s)" % (AS_ROOT, why))
    raise IsolationError("isolation level %s is not available here: %s" % (mode, why))


def require(iso, level):
    """Refuse to grade with less than `level`."""
    if level and LEVELS.index(iso.level) < LEVELS.index(level):
        raise IsolationError("isolation %s is required, but only %s is available here (run `dlgrader doctor`)"
                             % (level.upper(), "+".join(iso.layers)))


def advice():
    """What to do to get more isolation here, for `dlgrader doctor`."""
    tips = []
    if not shutil.which("bwrap"):
        tips.append("install bubblewrap for L2 (Debian/Ubuntu: `sudo apt-get install bubblewrap`)")
    try:
        with open("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") as f:
            if f.read().strip() == "1":
                tips.append("Ubuntu 24.04+ restricts user namespaces: `sudo sysctl -w "
                            "kernel.apparmor_restrict_unprivileged_userns=0` (or an AppArmor profile for bwrap)")
    except OSError:
        pass
    if os.geteuid() != 0:
        tips.append("run as root (or via sudo) for L1: a dedicated uid per slot")
    elif not shutil.which("bwrap") and not all(map(others_can_read, [interpreter_trees()[0]] + interpreter_trees()[1])):
        tips.append("the interpreter is not readable by other users (pyenv under /root?): inside bubblewrap it is "
                    "mounted; without, L1 runs a readable mirror of it under %s (hard links, built once)" % MIRROR)
    return tips
