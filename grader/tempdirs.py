"""The grader's temporary directories: removed when done, and reaped at the next start when a grader was killed.

Each directory (`$TMPDIR/dlgrader-<kind>-XXXX`) holds a lock file that its grader keeps locked (`flock`) while
it lives; the kernel drops the lock when that process dies, however it dies (`kill -9` included). `reap()`, run
when grading starts, removes every such directory whose lock it can take: its owner is gone. A directory of a
live grader is never touched (its lock is held), whatever its age.
"""
import atexit
import fcntl
import os
import shutil
import tempfile

PREFIX = "dlgrader-"
LOCK = ".dlgrader-owner"
_held = {}     # path -> open lock file of a directory this process owns


def make(kind):
    """A fresh directory (mode 0755: the sandbox reads the submission inside it) owned by this process."""
    path = tempfile.mkdtemp(prefix="%s%s-" % (PREFIX, kind))
    os.chmod(path, 0o755)
    fd = os.open(os.path.join(path, LOCK + ".new"), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.rename(os.path.join(path, LOCK + ".new"), os.path.join(path, LOCK))   # visible only once locked
    _held[path] = fd
    return path


def remove(path):
    """Remove a directory made by `make` (everything in it, links not followed) and release it."""
    shutil.rmtree(path, ignore_errors=True)
    fd = _held.pop(path, None)
    if fd is not None:
        os.close(fd)


@atexit.register
def _remove_all():
    for path in list(_held):
        remove(path)


def reap(directory=None):
    """Remove the directories of graders that died without removing them; returns how many."""
    directory = directory or tempfile.gettempdir()
    removed = 0
    try:
        names = [n for n in os.listdir(directory) if n.startswith(PREFIX)]
    except OSError:
        return 0
    for name in names:
        path = os.path.join(directory, name)
        if path in _held or os.path.islink(path) or not os.path.isdir(path):
            continue
        try:
            fd = os.open(os.path.join(path, LOCK), os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError:
            continue          # not ours, or made by an older grader: left alone
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue          # its grader is alive
        try:
            st = os.fstat(fd)
            if st.st_uid == os.geteuid():   # only our own user's directories
                shutil.rmtree(path, ignore_errors=True)
                removed += 1
        finally:
            os.close(fd)
    return removed
