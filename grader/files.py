"""Reading what is handed in without trusting it: regular files only, bounded reads, and ONE unzip routine.

Every file of a submission or a batch input is read here. A named pipe would block the grader forever, a
device (`/dev/zero` behind a symbolic link reports size 0) would be copied forever, a link would lead outside
the submission: only regular files are read (`O_NOFOLLOW` inside folders and archives; a path the TA gives may
be a link to a regular file), at most `limit` bytes each, whatever their size claims. `extract_zip` serves
`dlgrader grade` (a student's .zip) and `dlgrader batch` (a class's .zip and each student's .zip) alike: a
damaged, encrypted or oversized archive is a FileProblem with a message, never an exception from zipfile or
zlib.
"""
import os
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass

from .util import safe_text


class FileProblem(Exception):
    """A file or archive that cannot be read as handed in; the message says why (for the student or the TA)."""


KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
         (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"),
         (stat.S_ISLNK, "a symbolic link"))


def kind(mode):
    return next((what for test, what in KINDS if test(mode)), "not a regular file")


def open_regular(path, follow=False):
    """A read-only descriptor of the regular file at `path`; FileProblem for anything else. Never blocks on a
    pipe and never opens a device: the type is checked before opening (and again on the descriptor)."""
    name = safe_text(os.path.basename(path.rstrip(os.sep)) or path)
    try:
        mode = (os.stat if follow else os.lstat)(path).st_mode
    except OSError as exc:
        raise FileProblem("%s could not be read (%s)" % (name, exc.strerror))
    if not stat.S_ISREG(mode):
        raise FileProblem("%s is %s, not a regular file" % (name, kind(mode)))
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise FileProblem("%s could not be read (%s)" % (name, exc.strerror))
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):    # swapped between the check and the open
        os.close(fd)
        raise FileProblem("%s is %s, not a regular file" % (name, kind(mode)))
    return fd


def read_regular(path, limit, follow=False):
    """The bytes of the regular file at `path`; FileProblem if it is not one or has more than `limit` bytes."""
    fd = open_regular(path, follow)
    with os.fdopen(fd, "rb") as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise FileProblem("%s is larger than %s" % (safe_text(os.path.basename(path)), _size(limit)))
    return data


def write_new(path, data):
    """Create `path` (it must not exist; a link there is not followed) with `data`."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) |
                 getattr(os, "O_CLOEXEC", 0), 0o644)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def copy_regular(src, dst, limit, follow=False):
    """Copy the regular file `src` (at most `limit` bytes) to the new file `dst`; returns its size."""
    data = read_regular(src, limit, follow)
    write_new(dst, data)
    return len(data)


def _size(n):
    return "%d MiB" % (n >> 20) if n >= 1 << 20 else "%d KiB" % (n >> 10) if n >= 1 << 10 else "%d bytes" % n


def safe_name(name):
    """Whether a file or folder name can be shown and written as it is (no control characters, valid Unicode)."""
    return bool(name) and safe_text(name) == name


# ------------------------------------------------------------------ archives

@dataclass(frozen=True)
class ZipLimits:
    member: int        # bytes per unpacked member
    total: int         # bytes unpacked in all
    members: int       # entries in the archive


def extract_zip(path, dest, keep, limits, notes=None, follow=True):
    """Unpack the .zip at `path` into the directory `dest`: only the members for which `keep(parts)` is true
    (`parts`: the member's path as a list of names), never a link, never outside `dest`, never more than the
    limits — whatever the headers claim. A member that is skipped for safety is noted in `notes` (a list) when
    given. Returns the number of members written. Raises FileProblem (damaged, encrypted, too large)."""
    label = safe_text(os.path.basename(path))
    with os.fdopen(open_regular(path, follow), "rb") as f:
        try:
            with zipfile.ZipFile(f) as zf:
                return _extract(zf, label, dest, keep, limits, notes)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError,
                OverflowError, UnicodeDecodeError) as exc:   # RuntimeError: encrypted; NotImplementedError: method
            raise FileProblem("%s could not be opened as a .zip: it is damaged or not a .zip file (%s)"
                              % (label, safe_text(str(exc))[:200]))
        except OSError as exc:
            raise FileProblem("%s could not be unpacked (%s)" % (label, safe_text(exc.strerror or str(exc))))


def _extract(zf, label, dest, keep, limits, notes):
    members = zf.infolist()
    if len(members) > limits.members:
        raise FileProblem("%s has more than %d entries" % (label, limits.members))
    os.makedirs(dest, exist_ok=True)

    def skip(name, why):   # one template per reason: the notes are translated whole (grader/i18n)
        if notes is not None:
            notes.append({"outside": "skipped %r in the .zip: its path points outside the submission",
                          "link": "skipped %r in the .zip: symbolic links are not followed",
                          "name": "skipped %r in the .zip: its name has control characters"}[why] % safe_text(name))

    planned, written = 0, 0
    chosen = []
    for info in members:
        name = info.filename.replace("\\", "/")
        parts = [p for p in name.split("/") if p not in ("", ".")]
        if not parts or info.is_dir():
            continue
        if name.startswith("/") or ".." in parts or re.match(r"^[A-Za-z]:", name):
            skip(name, "outside")
            continue
        if stat.S_ISLNK(info.external_attr >> 16):
            skip(name, "link")
            continue
        if not all(safe_name(p) for p in parts):
            skip(name, "name")
            continue
        if not keep(parts):
            continue
        planned += info.file_size   # the headers' claim: refuse a bomb before unpacking anything
        if info.file_size > limits.member or planned > limits.total:
            raise FileProblem("%s unpacks to more than the allowed size (%s per file, %s in all)"
                              % (label, _size(limits.member), _size(limits.total)))
        chosen.append((info, parts))
    for info, parts in chosen:
        with zf.open(info) as src:
            data = src.read(limits.member + 1)   # the header's size may lie: never trust it alone
        if len(data) > limits.member:
            raise FileProblem("%s in %s is larger than %s" % (safe_text("/".join(parts)), label, _size(limits.member)))
        written += len(data)
        if written > limits.total:
            raise FileProblem("%s unpacks to more than %s" % (label, _size(limits.total)))
        target = os.path.join(dest, *parts)
        if os.path.lexists(target):     # a name twice in the archive: the later one wins, as unzip does
            os.remove(target)
        write_new(target, data)
    return len(chosen)


# ------------------------------------------------------------------ folders

def copy_tree(src, dest, keep, limit, total, count, notes=None):
    """Copy the regular files of the folder `src` for which `keep(relative parts)` is true into `dest`: links are
    not followed, other special files are a FileProblem, each file at most `limit` bytes, at most `count` files
    and `total` bytes in all. Folders for which `keep(parts, folder=True)` is false are not entered."""
    size = n = 0
    for dirpath, dirnames, filenames in os.walk(src, followlinks=False):
        rel = os.path.relpath(dirpath, src)
        base = [] if rel == "." else rel.split(os.sep)
        unsafe = [d for d in dirnames if not safe_name(d)] + \
                 [f for f in filenames if not safe_name(f) and keep(base + [f])]
        if unsafe and notes is not None:   # a name that would reach the reports as it is
            notes += ["skipped %s: its name has control characters" % safe_text(repr(x)) for x in sorted(unsafe)]
        dirnames[:] = sorted(d for d in dirnames if d not in unsafe and keep(base + [d], folder=True)
                             and not os.path.islink(os.path.join(dirpath, d)))
        for name in sorted(filenames):
            full = os.path.join(dirpath, name)
            if name in unsafe or not keep(base + [name]) or os.path.islink(full):
                continue
            n += 1
            if n > count:
                raise FileProblem("the submission has more than %d files" % count)
            size += copy_regular(full, os.path.join(dest, *base, name), limit)
            if size > total:
                raise FileProblem("the submission is larger than %s" % _size(total))
    return n
