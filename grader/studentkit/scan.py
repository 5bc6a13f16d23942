"""Does a folder leak the reference? Finds reference files (any copy: code, answer keys), reference code (function
bodies, runs of distinctive lines) and secret strings in every file of a student bundle.

A reference function counts as secret unless the stubs hand out the same code (provided helpers such as a
given convolution) or it is trivial (fewer than MIN_STATEMENTS statements). Bodies are compared as
normalized ASTs (docstrings dropped, formatting and comments ignored), lines after collapsing whitespace.
"""
import ast
import hashlib
import os
import re

MIN_STATEMENTS = 3
MIN_LINE = 24          # characters: shorter lines (`return out`, `dx = None`) are everywhere
MAX_SHARED_LINES = 2   # a bundle file may share at most this many distinctive lines with one reference function


def _functions(tree):
    """(qualified name, node) for every function and method."""
    out = []

    def walk(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                out.append((prefix + child.name, child))
                walk(child, prefix + child.name + ".")
            elif isinstance(child, ast.ClassDef):
                walk(child, prefix + child.name + ".")
    walk(tree, "")
    return out


def _body(node):
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]
    return body


def fingerprint(node):
    return hashlib.sha256("\n".join(ast.dump(s, annotate_fields=False) for s in _body(node)).encode()).hexdigest()


def _statements(node):
    return sum(isinstance(n, ast.stmt) for s in _body(node) for n in ast.walk(s))


def _lines(source, node=None):
    lines = source.splitlines()
    if node is not None:
        body = _body(node)
        if not body:
            return set()
        lines = lines[body[0].lineno - 1:body[-1].end_lineno]
    out = set()
    for line in lines:
        line = re.sub(r"\s+", " ", line.split("#")[0]).strip()
        if len(line) >= MIN_LINE:
            out.add(line)
    return out


def _parse(path):
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        return text, ast.parse(text)
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return None, None


def _all_files(folder):
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if d != "__pycache__"]
        for name in sorted(filenames):
            if not name.endswith(".pyc"):
                yield os.path.join(dirpath, name)


def _py_files(folder):
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if d != "__pycache__"]
        for name in sorted(filenames):
            if name.endswith(".py"):
                yield os.path.join(dirpath, name)


class Fingerprints:
    """What a bundle must not contain, from reference/ (everything the stubs in assignments/ do not give out)."""

    def __init__(self, reference_root, stubs_root, public=()):
        """`public`: files of reference_root (relative) that the bundle may hold (they solve nothing)."""
        given_bodies, given_lines, given_files = set(), set(), set()
        for path in _py_files(stubs_root):
            text, tree = _parse(path)
            if tree is None:
                continue
            given_lines |= _lines(text)
            given_bodies |= {fingerprint(n) for _, n in _functions(tree)}
        self.files, self.bodies, self.lines = {}, {}, {}
        for path in _all_files(stubs_root):
            with open(path, "rb") as f:
                given_files.add(hashlib.sha256(f.read()).hexdigest())
        public = {os.path.normpath(os.path.join(reference_root, p)) for p in public}
        for path in _all_files(reference_root):          # any file: answer keys (toml, json) too
            if os.path.normpath(path) in public:
                continue
            with open(path, "rb") as f:
                data = f.read()
            digest = hashlib.sha256(data).hexdigest()
            if digest not in given_files and data.strip():
                self.files[digest] = os.path.relpath(path, os.path.dirname(reference_root.rstrip(os.sep)))
        for path in _py_files(reference_root):
            if os.path.normpath(path) in public:
                continue
            text, tree = _parse(path)
            if tree is None:
                continue
            rel = os.path.relpath(path, os.path.dirname(reference_root.rstrip(os.sep)))
            for name, node in _functions(tree):
                fp = fingerprint(node)
                if fp in given_bodies or _statements(node) < MIN_STATEMENTS:
                    continue
                self.bodies[fp] = "%s: %s" % (rel, name)
                distinctive = _lines(text, node) - given_lines
                if len(distinctive) > MAX_SHARED_LINES:
                    self.lines["%s: %s" % (rel, name)] = distinctive


def scan(folder, fingerprints, secrets=()):
    """Problems found in `folder`: [(path relative to folder, what)]."""
    problems = []
    secrets = [s.encode() for s in secrets if s]
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if d != "__pycache__"]
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, folder)
            with open(path, "rb") as f:
                data = f.read()
            for s in secrets:
                if s in data:
                    problems.append((rel, "contains the course secret"))
            if hashlib.sha256(data).hexdigest() in fingerprints.files:
                problems.append((rel, "is a copy of %s" % fingerprints.files[hashlib.sha256(data).hexdigest()]))
            text = None
            if name.endswith((".py", ".ipynb", ".md", ".txt", ".json", ".toml", ".cfg")):
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError:
                    text = None
            if text is None:
                continue
            sources = [text]
            if name.endswith(".ipynb"):
                sources = _notebook_sources(text)
            for source in sources:
                problems += [(rel, what) for what in _code_problems(source, fingerprints)]
    return problems


def _notebook_sources(text):
    import json
    try:
        cells = json.loads(text).get("cells", [])
    except (ValueError, AttributeError):
        return [text]
    joined = "\n\n".join("".join(c["source"]) if isinstance(c.get("source"), list) else c.get("source", "")
                         for c in cells if c.get("cell_type") == "code")
    return [joined]


def _code_problems(source, fingerprints):
    out = []
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        tree = None
    if tree is not None:
        for name, node in _functions(tree):
            where = fingerprints.bodies.get(fingerprint(node))
            if where:
                out.append("function %s has the body of the reference's %s" % (name, where))
    lines = _lines(source)
    for where, distinctive in fingerprints.lines.items():
        shared = lines & distinctive
        if len(shared) > MAX_SHARED_LINES:
            out.append("shares %d lines with the reference's %s, e.g. `%s`" % (len(shared), where,
                                                                              sorted(shared)[0]))
    return out
