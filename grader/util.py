"""Small helpers shared by the CLI, batch grading and the exporters."""
import os
import re
import stat
import tempfile


def atomic_write(path, text):
    """Write the whole file or nothing: a reader never sees a partial result."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path, data):
    """A new file renamed over `path`; a `path` that is a device or a pipe (`-o /dev/null`, `-o /dev/stdout`) is
    written as it is: a rename would put a regular file in the device's place (as root: /dev/null of the whole
    machine)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        mode = None
    if mode is not None and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        with open(path, "wb") as f:
            f.write(data)
        return
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=os.path.basename(path))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


# Characters that must not reach a terminal or a report as they are: C0/C1 controls other than newline and tab
# (ESC starts colour, cursor and title sequences; NUL, BS, BEL, CR overwrite or hide text), DEL, the bidi
# embeddings, overrides and isolates (they reorder what a reader sees), and the two non-characters XML rejects.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]|[\ud800-\udfff]")


def _escape(match):
    ch = match.group()
    if "\ud800" <= ch <= "\udfff":          # a lone surrogate is not Unicode: no encoder can write it
        return "\ufffd"
    code = ord(ch)
    return "\\r" if ch == "\r" else "\\x%02x" % code if code < 0x100 else "\\u%04x" % code


def safe_text(text):
    """Text that came from a student, made safe for every renderer: control characters shown escaped (`\\x1b`),
    invalid Unicode (lone surrogates) replaced by U+FFFD; newlines and tabs kept. Idempotent. Applied once,
    where such text enters the parent (the worker's replies, file names, answers files, batch ids)."""
    if type(text) is str and text.isascii() and text.isprintable():
        return text          # nothing to escape (the common case): no control character, nothing beyond ASCII
    if not isinstance(text, str):
        text = str(text)
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    return _UNSAFE.sub(_escape, text)


def safe_data(value):
    """`safe_text` applied to every string (keys included) of JSON-like data: dicts, lists, tuples."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, dict):
        return {safe_data(k): safe_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(safe_data(v) for v in value)
    return value
