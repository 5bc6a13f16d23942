"""The cases cache: what every submission of a class is graded against, computed once.

The same course secret gives every student the same inputs, so the cases hypothesis draws and the reference's
answers on them are the same work for each submission. A `Book` (one per grader build, course configuration and
assignment) keeps:
  draws   (check, strategy, seed, examples, shrink) -> the parameter dicts hypothesis draws for it, in order
          (drawn once with no student code involved; grader/checks/cases.py replays them)
  values  the SHA-256 of a reference call plan (or of an oracle call with its arguments) -> the answer, in the
          wire encoding (JSON and plain-dtype arrays; never pickle)
An answer is kept only where it is a function of what the key covers: a plan that uses nothing stored by an
earlier plan, whose answer holds no handle to an object left on the reference's side. Keys: the grader's version
and a hash of its own and the reference's source files, the library versions, the course configuration (its
secret hashed, never stored), the assignment.

Where it lives. In this process's memory (a batch's grading process reuses it for every student it grades), and
on disk only where the sandboxed worker cannot read it: a directory of the grading user (`DLGRADER_CACHE_DIR`,
else `$XDG_CACHE_HOME/dlgrader/cases`, else `~/.cache/dlgrader/cases`) of mode 0700 with files of mode 0600,
used only when the worker runs as another uid (L1) or in bubblewrap, which does not mount it (L2); at L0 the
worker is the grading user and could read it, so nothing is written there. `DLGRADER_CACHE=off` turns the cache
off, `=memory` keeps it in memory only, `=verify` recomputes every answer it serves and fails the check where
one differs (the tests' proof that the reference is a function of its plan).
"""
import hashlib
import json
import os
import sys
import tempfile
from dataclasses import asdict

import numpy as np

from .sandbox import worker as wire

FORMAT = 1
BOOK_MAX_BYTES = 16 << 20            # bytes one book holds (in memory and on disk); beyond them nothing is added:
                                     # what every submission asks comes first (the first grading fills it), what
                                     # one failing submission alone asks (its shrinking) would only grow it
MEMORY_MAX_BYTES = 128 << 20         # bytes all the books of this process hold together (a batch's grading process)
DIR_MAX_BYTES = 512 << 20            # bytes of the whole directory: the least recently used books go first
MISSING = object()
_BOOKS = {}                          # book key -> Book, this process's


class CacheMismatch(AssertionError):
    """DLGRADER_CACHE=verify: a cached answer differs from the one computed again."""


def mode():
    value = os.environ.get("DLGRADER_CACHE", "on").strip().lower()
    return value if value in ("on", "off", "memory", "verify") else "on"


def directory():
    explicit = os.environ.get("DLGRADER_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "dlgrader", "cases")


_FINGERPRINT = []


def fingerprint():
    """The grader build: its version, the library versions, and a hash of every file of the grader and the
    reference packages (a changed suite or reference never meets an old book)."""
    if _FINGERPRINT:
        return _FINGERPRINT[0]
    import grader
    from .report import _version
    h = hashlib.sha256()
    h.update(json.dumps([grader.__version__, sys.version, np.__version__] +
                        [_version(n) for n in ("hypothesis", "torch", "sympy")]).encode())
    roots = [os.path.dirname(os.path.abspath(grader.__file__))]
    try:
        import reference
        roots += list(reference.__path__)
    except ImportError:
        pass
    for top in dict.fromkeys(os.path.realpath(r) for r in roots if os.path.isdir(r)):   # a namespace package may
        for folder, dirs, files in os.walk(top):                                          # list a folder twice
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith((".pyc", ".pyo")):
                    continue
                path = os.path.join(folder, name)
                h.update(os.path.relpath(path, top).encode() + b"\0")
                try:
                    with open(path, "rb") as f:
                        h.update(hashlib.sha256(f.read()).digest())
                except OSError:
                    pass
    _FINGERPRINT.append(h.hexdigest())
    return _FINGERPRINT[0]


def course_identity(course):
    """The course configuration as the cache keys it: every setting, the secret only as its SHA-256."""
    data = asdict(course)
    data["secret"] = hashlib.sha256(str(course.secret).encode()).hexdigest()
    return json.dumps(data, sort_keys=True, default=repr)


def digest(obj, arrays=()):
    """SHA-256 of a wire-encoded value (JSON-able, with its arrays)."""
    h = hashlib.sha256(json.dumps(obj, sort_keys=True, separators=(",", ":")).encode())
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(("|%s|%s|" % (a.dtype.str, a.shape)).encode())
        h.update(a.tobytes())
    return h.hexdigest()


def plain(obj):
    """Whether a wire-encoded value decodes to exactly what was encoded (no handle, bad value or tensor)."""
    if isinstance(obj, list):
        return all(plain(v) for v in obj)
    if isinstance(obj, dict):
        if "__handle__" in obj or "__bad__" in obj or "__tensor__" in obj or "__ref__" in obj:
            return False
        return all(plain(v) for v in obj.values())
    return True


def same(a, b):
    """Two stored values (obj, arrays) are bit for bit the same."""
    return json.dumps(a[0], sort_keys=True) == json.dumps(b[0], sort_keys=True) and len(a[1]) == len(b[1]) and all(
        x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes() for x, y in zip(a[1], b[1]))


class Book:
    """The draws and the reference's answers of one (grader build, course, assignment)."""

    def __init__(self, key, path=None):
        self.key, self.path = key, path
        self.draws = {}               # json key -> (obj, arrays): the wire-encoded list of parameter dicts
        self.values = {}              # digest -> (obj, arrays)
        self.added = 0                # entries added since the last save
        self.hits = self.misses = 0
        self.nbytes = 0               # what its entries weigh (arrays and JSON)
        if path:
            self._load(path)

    @property
    def verify(self):
        return mode() == "verify"

    # ---------------------------------------------------------- drawn cases
    def drawn(self, key, draw):
        """The parameter dicts for `key` (JSON-able): from the book, else `draw()` (and kept)."""
        text = json.dumps(key, sort_keys=True, default=repr)
        if text in self.draws and not self.verify:
            self.hits += 1
            obj, arrays = self.draws[text]
            return wire.decode(obj, [a.copy() for a in arrays])
        params = draw()
        arrays = []
        obj = wire.encode(list(params), arrays)
        if text in self.draws and not same(self.draws[text], (obj, arrays)):
            raise CacheMismatch("the cases drawn for %s differ from the cached ones" % (key,))
        if plain(obj) and text not in self.draws and self._room(obj, arrays):
            self.draws[text] = (obj, [np.array(a, copy=True) for a in arrays])
            self.added += 1
        self.misses += 1
        return params

    # ---------------------------------------------------------- answers
    def get(self, digest_):
        """The answer stored under `digest_`, decoded afresh (its arrays copied), or MISSING."""
        found = self.values.get(digest_)
        if found is None:
            self.misses += 1
            return MISSING
        self.hits += 1
        obj, arrays = found
        return obj, [a.copy() for a in arrays]

    def put(self, digest_, obj, arrays):
        """Keep an answer (a wire encoding); in verify mode, one already kept must be the same."""
        if digest_ in self.values:
            if not same(self.values[digest_], (obj, arrays)):
                raise CacheMismatch("a cached answer of the reference differs from the one computed again")
            return
        if plain(obj) and self._room(obj, arrays):
            self.values[digest_] = (obj, [np.array(a, copy=True) for a in arrays])
            self.added += 1

    def _room(self, obj, arrays):
        """Whether an entry fits in this book and in the process's memory budget; counted when it does."""
        size = len(json.dumps(obj)) + sum(a.nbytes for a in arrays) + 200
        if self.nbytes + size > BOOK_MAX_BYTES or sum(b.nbytes for b in _BOOKS.values()) + size > MEMORY_MAX_BYTES:
            return False
        self.nbytes += size
        return True

    def call(self, name, fn, args, kwargs):
        """fn(*args, **kwargs) (a trusted computation: an oracle), from the book when it was made before with
        equal arguments; kept when its result is plain data."""
        arrays = []
        try:
            key_obj = [name, wire.encode(list(args), arrays), wire.encode(dict(kwargs), arrays)]
        except Exception:
            key_obj = None
        if key_obj is None or not plain(key_obj):
            return fn(*args, **kwargs)
        key = "call:" + digest(key_obj, arrays)
        found = self.get(key) if not self.verify else MISSING
        if found is not MISSING:
            return wire.decode(*found)
        result = fn(*args, **kwargs)
        out = []
        obj = wire.encode(result, out)
        if plain(obj):
            self.put(key, obj, out)
            return wire.decode(obj, [a.copy() for a in out]) if self.verify else result
        return result

    # ---------------------------------------------------------- disk
    def _load(self, path):
        try:
            if os.path.getsize(path) > BOOK_MAX_BYTES:
                return
            with open(path, "rb") as f:
                data = f.read()
            obj, arrays = wire.unpack(data[8:])
            if obj.get("format") != FORMAT or obj.get("book") != self.key:
                return
            at = 0
            for table, rows in ((self.draws, obj["draws"]), (self.values, obj["values"])):
                for key, value, n in rows:
                    table[key] = (value, arrays[at:at + n])
                    at += n
            self.nbytes = len(data)
            os.utime(path)   # recently used: kept when the directory is trimmed
        except (OSError, ValueError, KeyError, TypeError, json.JSONDecodeError):
            self.draws, self.values = {}, {}

    def save(self):
        """Write the book (merged with what other processes wrote meanwhile) atomically; only when it grew."""
        if not self.path or not self.added:
            return
        if os.path.exists(self.path):
            other = Book(self.key, self.path)
            for table, theirs in ((self.draws, other.draws), (self.values, other.values)):
                for k, v in theirs.items():
                    table.setdefault(k, v)
        arrays, rows = [], {"draws": [], "values": []}
        for name, table in (("draws", self.draws), ("values", self.values)):
            for key, (value, arrs) in table.items():
                rows[name].append([key, value, len(arrs)])
                arrays += arrs
        data = wire.pack({"format": FORMAT, "book": self.key, **rows}, arrays)
        if len(data) > BOOK_MAX_BYTES:
            return
        folder = os.path.dirname(self.path)
        try:
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                os.replace(tmp, self.path)
            except BaseException:
                if os.path.exists(tmp):
                    os.unlink(tmp)
                raise
            self.added = 0
            trim(folder)
        except OSError:
            pass


def trim(folder, limit=DIR_MAX_BYTES):
    """Remove the least recently used books until the directory holds at most `limit` bytes."""
    try:
        books = []
        for name in os.listdir(folder):
            if name.endswith(".book"):
                st = os.stat(os.path.join(folder, name))
                books.append((st.st_mtime, st.st_size, name))
    except OSError:
        return
    total = sum(size for _, size, _ in books)
    for _, size, name in sorted(books):
        if total <= limit:
            break
        try:
            os.unlink(os.path.join(folder, name))
            total -= size
        except OSError:
            pass


def private_directory(path):
    """`path`, made if missing, when only this user can read it (mode 0700, owned by us); else None."""
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
        st = os.stat(path)
    except OSError:
        return None
    if st.st_uid != os.geteuid() or st.st_mode & 0o077:
        return None
    return path


def hidden_from_worker(path, isolation):
    """Whether the sandboxed worker cannot read `path`: it runs as another uid (L1; `path` is 0700), or in
    bubblewrap, which mounts only the system, the interpreter, the libraries and the submission (L2)."""
    if isolation is None:
        return False
    if getattr(isolation, "uid_switch", False):
        return True
    if not getattr(isolation, "bwrap", None):
        return False
    from .isolation import SYSTEM_DIRS, library_dirs
    real = os.path.realpath(path)
    mounted = list(SYSTEM_DIRS) + [sys.prefix, sys.base_prefix, os.path.dirname(os.path.dirname(
        os.path.realpath(sys.executable)))] + list(library_dirs())
    return not any(real == m or real.startswith(os.path.realpath(m) + os.sep) for m in mounted)


def book(course, assignment, isolation=None):
    """The Book of `assignment` under `course` (None when the cache is off)."""
    if mode() == "off":
        return None
    key = hashlib.sha256("\0".join((fingerprint(), course_identity(course), assignment)).encode()).hexdigest()
    found = _BOOKS.get(key)
    if found is not None:
        return found
    path = None
    if mode() != "memory" and hidden_from_worker(directory(), isolation):
        folder = private_directory(directory())
        if folder:
            path = os.path.join(folder, key[:32] + ".book")
    if len(_BOOKS) >= 64:    # a process grading many courses: forget the oldest
        _BOOKS.pop(next(iter(_BOOKS)))
    _BOOKS[key] = found = Book(key, path)
    return found


# ---------------------------------------------------------------- oracles

_CURRENT = []


class current:
    """`with current(book):` oracle calls made meanwhile (`memoized(module).f(...)`) are served from `book`."""

    def __init__(self, book_):
        self.book = book_

    def __enter__(self):
        _CURRENT.append(self.book)
        return self.book

    def __exit__(self, *exc):
        _CURRENT.pop()


class memoized:
    """A module (a torch oracle) whose functions' results come from the current book when they were computed
    before with equal arguments: `memoized(oracle_module).conv_forward(x, w, b, conv_param)`."""

    def __init__(self, module):
        self._module = module

    def __getattr__(self, name):
        value = getattr(self._module, name)
        if not callable(value) or isinstance(value, type):
            return value
        label = "%s.%s" % (self._module.__name__, name)

        def call(*args, **kwargs):
            active = _CURRENT[-1] if _CURRENT else None
            if active is None:
                return value(*args, **kwargs)
            return active.call(label, value, args, kwargs)
        return call
