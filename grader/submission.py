"""Every submission form, turned into one directory of .py files plus an index of what they define.

Forms: a .py file, a folder (any layout, the CS231n package `cs231n/...` included), a .zip of either, and a
.ipynb notebook (its code cells become a module). Written answers travel along: files named answers.toml or
answers.json (or a lone .toml/.json file given as the submission) are kept as text for the parent to read.
Nothing here executes student code: the index is built from the source text with `ast`, in the trusted parent.
"""
import ast
import os
import re
import shutil
from dataclasses import dataclass, field

from . import legacy
from .files import FileProblem, ZipLimits, copy_regular, copy_tree, extract_zip, open_regular
from .util import safe_text

MAX_FILE = 2 * 1024 * 1024          # bytes per source file
MAX_TOTAL = 64 * 1024 * 1024        # bytes unpacked per submission
MAX_FILES = 2000
SKIP_DIRS = {"__pycache__", ".git", ".ipynb_checkpoints", "__MACOSX", "node_modules", ".venv", "venv"}
SKIP_FILES = re.compile(r"^(setup|conftest)\.py$|^test_.*\.py$|^.*_test\.py$")
ANSWER_FILES = ("answers.toml", "answers.json")   # written answers (grader/checks/answer.py reads them)


def is_answers_file(name):
    return name.lower() in ANSWER_FILES


def kept(name):
    """Whether a file of a folder or .zip submission is copied: code, notebooks, answers files."""
    return name.endswith((".py", ".ipynb")) or is_answers_file(name)


class SubmissionError(Exception):
    """The submission cannot be read at all (the message is for the student)."""


@dataclass
class SourceFile:
    path: str              # relative to the submission root
    module: str            # dotted module name for the worker
    tree: ast.AST | None
    problem: str | None = None   # why it could not be parsed, written for the student
    defines: dict = field(default_factory=dict)   # top-level name -> ast node (def, class or assignment)
    shown: str = ""              # the file as the student knows it (a notebook's name, not the module made of it)
    error_line: int | None = None  # where a syntax error is (the problem shows the line and a caret)
    seen: set = field(default_factory=set)   # a file that does not parse: the top-level def/class names in it
    converted: list = field(default_factory=list)  # Python 2 -> 3 changes made to the prepared copy (legacy.py)

    def __post_init__(self):
        self.shown = self.shown or self.path


@dataclass
class Submission:
    root: str                       # a directory the worker imports from
    files: list
    notes: list = field(default_factory=list)  # things the student should know about the submission
    undefined: dict = field(default_factory=dict)  # notebook globals graded code cannot see -> why (notebook.py)
    answers: list = field(default_factory=list)  # answers files, relative to root, shallowest first

    def find(self, symbol, hints=(), folder=None):
        """The module that defines top-level `symbol`, preferring modules inside a package named `folder`
        (the assignment's, when a whole course tree is graded), then modules whose name matches a hint.

        Returns (SourceFile or None, explanation when not found)."""
        found = [f for f in self.files if symbol in f.defines]
        if found:
            def rank(f):
                parts = f.module.split(".")
                return (0 if folder in parts[:-1] else 1, 0 if parts[-1] in hints else 1, len(parts), f.path)
            # Within one file the last definition wins (as Python does); across files prefer the hint.
            return sorted(found, key=rank)[0], None
        broken = self.broken()
        why = "no top-level function or class named `%s` was found in %s" % (
            symbol, ", ".join(f.shown for f in self.files if not f.problem) or "any readable file")
        for f in broken:
            why += "\n%s could not be read: %s" % (f.shown, f.problem.splitlines()[0])
        return None, why

    def broken(self):
        """The files that could not be parsed (a syntax error, Python 2): nothing in them can be graded."""
        return [f for f in self.files if f.problem]

    def stand_in(self, stand_in, folder=None):
        """The rebindings a spec.StandIn asks for in this submission: ([(module, name, symbol, symbol's module)],
        (provider, what it needs, the student's symbols, the names they stand in for) for the note), or ([], None)
        when the provider is absent, can run, or the student's own symbols are missing (then the provided code
        fails as it is, with its own message)."""
        providers = [f for f in self.files if f.tree is not None and f.module.split(".")[-1] == stand_in.provider
                     and _uses(f.tree, stand_in.needs)]
        present = {f.module.split(".")[-1] for f in self.files}
        if not providers or any(n in present for n in stand_in.needs):
            return [], None
        own = {}
        for name, symbol in stand_in.names.items():
            src, _ = self.find(symbol, stand_in.hints, folder)
            if src is None:
                return [], None
            own[name] = (symbol, src.module)
        modules = [f.module for f in providers] + [
            f.module for f in self.files if f.tree is not None and f not in providers
            and any(isinstance(n, ast.ImportFrom) and (n.module or "").split(".")[-1] == stand_in.provider
                    for n in ast.walk(f.tree))]
        binds = [(m, name, symbol, where) for m in modules for name, (symbol, where) in own.items()]
        return binds, (stand_in.provider, " and ".join(stand_in.needs), " and ".join(s for s, _ in own.values()),
                       " and ".join(own))

    def definition(self, symbol, hints=(), folder=None):
        """The AST node of `symbol`, or of `Class.method`."""
        head, _, method = symbol.partition(".")
        src, _ = self.find(head, hints, folder)
        if src is None:
            return None, None
        node = src.defines[head]
        if method:
            if not isinstance(node, ast.ClassDef):
                return src, None
            node = next((n for n in reversed(node.body)
                         if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == method), None)
        return src, node


def prepare(path, dest, python2=False):
    """Copy or unpack the submission at `path` into the fresh directory `dest` and index it. Python 2 files are
    converted in the copy (grader/legacy.py): those found to be Python 2, or every file with `python2` (the
    course profile's year is Python 2)."""
    path = os.path.abspath(path)
    os.makedirs(dest, exist_ok=True)
    notes, undefined, origins = [], {}, {}   # origins: {module made of a notebook: the notebook's name}
    try:
        if os.path.isdir(path):
            if os.path.exists(os.path.join(path, "__init__.py")):
                # a package folder (`cs231n/`): keep its name, so its absolute imports (`cs231n.layers`) work
                origins = _copy_tree(path, os.path.join(dest, module_name(os.path.basename(path.rstrip(os.sep)))),
                                     notes)
            else:
                origins = _copy_tree(path, dest, notes)
        elif not os.path.lexists(path):
            raise SubmissionError("no such file or folder: %s" % safe_text(path))
        elif not path.lower().endswith((".zip", ".py", ".toml", ".json", ".ipynb")):
            raise SubmissionError("cannot grade %s: submit a .py file, a folder, a .zip, a .ipynb notebook or an "
                                  "answers.toml/answers.json file" % safe_text(os.path.basename(path)))
        elif path.lower().endswith(".zip"):
            extract_zip(path, dest, _kept_member, ZIP_LIMITS, notes)
            origins = _notebooks_to_modules(dest)
        elif path.lower().endswith(".py"):
            copy_regular(path, os.path.join(dest, module_name(os.path.basename(path)[:-3]) + ".py"), MAX_FILE,
                         follow=True)
        elif path.lower().endswith((".toml", ".json")):  # a lone answers file, whatever its name
            copy_regular(path, os.path.join(dest, "answers" + os.path.splitext(path)[1].lower()), MAX_FILE,
                         follow=True)
        else:
            os.close(open_regular(path, follow=True))   # a pipe or a device named .ipynb is not read
            from .notebook import convert
            converted = convert(path)
            source, undefined = converted.source, converted.undefined
            notes += converted.notes
            name = module_name(os.path.splitext(os.path.basename(path))[0])
            with open(os.path.join(dest, name + ".py"), "w", encoding="utf-8", errors="replace") as f:
                f.write(source)
            origins[os.path.join(dest, name + ".py")] = os.path.basename(path)
    except FileProblem as exc:
        raise SubmissionError(str(exc))
    root = _single_wrapper(dest)
    _importable_packages(root)
    root = _package_if_relative(root)
    files = index(root, python2)
    for f in files:       # a module made of a notebook is named as the student knows it: the notebook
        origin = origins.get(os.path.join(root, f.path))
        if origin:
            f.shown = safe_text(os.path.join(os.path.dirname(f.path), origin))
    answers = answer_files(root)
    if not files and not answers:
        raise SubmissionError("the submission contains no Python files (and no answers.toml or answers.json)")
    for f in files:
        if f.converted:
            notes.append("%s is Python 2 code: it was graded after an automatic conversion to Python 3 (line "
                         "numbers unchanged): %s" % (f.path, "; ".join(f.converted)))
    return Submission(root=root, files=files, notes=[safe_text(n) for n in notes], answers=answers,
                      undefined={k: safe_text(v) for k, v in undefined.items()})


ZIP_LIMITS = ZipLimits(member=MAX_FILE, total=MAX_TOTAL, members=MAX_FILES)


def _kept_member(parts, folder=False):
    """Whether a member (or, with `folder`, a folder) of a folder or .zip submission is kept: code, notebooks and
    answers files, outside tool folders (`__pycache__`, `.git`, `__MACOSX`, ...)."""
    dirs = parts if folder else parts[:-1]
    if any(p in SKIP_DIRS or p.startswith(".") for p in dirs):
        return False
    return folder or kept(parts[-1])


def _copy_tree(src, dest, notes):
    copy_tree(src, dest, _kept_member, MAX_FILE, MAX_TOTAL, MAX_FILES, notes)
    return _notebooks_to_modules(dest)


def _notebooks_to_modules(dest):
    """Each notebook becomes a module beside it; {module path: the notebook's name}."""
    origins = {}
    for dirpath, _, filenames in os.walk(dest):
        for name in filenames:
            if name.endswith(".ipynb"):
                from .notebook import notebook_to_module
                nb = os.path.join(dirpath, name)
                target = os.path.splitext(nb)[0] + ".py"
                if not os.path.exists(target):
                    source, _ = notebook_to_module(nb)
                    with open(target, "w", encoding="utf-8", errors="replace") as f:
                        f.write(source)
                    origins[target] = name
                os.remove(nb)
    return origins


def module_name(stem):
    """An importable name for a file or folder named `12345` or `alice-smith` (batch inputs are named by
    student ids): graded code is found by reading it, so only the name's validity matters."""
    name = re.sub(r"\W", "_", stem) or "submission"
    return name if name.isidentifier() else "_" + name


def _importable_packages(root):
    """A package folder named `12345` or `alice-smith` (batch folders are named by student ids) cannot be
    imported under that name: rename it to an identifier; its relative imports work the same."""
    for name in sorted(os.listdir(root)):
        full = os.path.join(root, name)
        if name.isidentifier() or not os.path.isfile(os.path.join(full, "__init__.py")):
            continue
        new = module_name(name)
        while os.path.exists(os.path.join(root, new)):
            new += "_"
        os.rename(full, os.path.join(root, new))


def _single_wrapper(dest):
    """A zip often holds one folder (`submission/...`): grade inside it, unless it is a package."""
    entries = [e for e in os.listdir(dest) if not e.startswith(".")]
    if len(entries) == 1:
        inner = os.path.join(dest, entries[0])
        if os.path.isdir(inner) and not os.path.exists(os.path.join(inner, "__init__.py")):
            return _single_wrapper(inner)
    return dest


def answer_files(root):
    """The answers files under root (relative paths), shallowest first, then by name."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        found += [os.path.relpath(os.path.join(dirpath, n), root) for n in filenames if is_answers_file(n)]
    return sorted(found, key=lambda p: (p.count(os.sep), p))


def _package_if_relative(root):
    """Loose modules that import each other relatively (`from .conv import conv_forward`, as the dilation stubs
    do) only import inside a package: move the top-level .py files into one. Module names keep their last
    part (`submission.conv`), which is what symbol hints look at."""
    if os.path.exists(os.path.join(root, "__init__.py")):
        return root
    loose = sorted(f for f in os.listdir(root) if f.endswith(".py") and os.path.isfile(os.path.join(root, f)))
    if not any(_imports_relatively(os.path.join(root, f)) for f in loose):
        return root
    name = "submission"
    while os.path.exists(os.path.join(root, name)) or os.path.exists(os.path.join(root, name + ".py")):
        name += "_"
    os.makedirs(os.path.join(root, name))
    for f in loose:
        shutil.move(os.path.join(root, f), os.path.join(root, name, f))
    open(os.path.join(root, name, "__init__.py"), "w").close()
    return root


def _uses(tree, names):
    """Whether the module reads or imports any of `names`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in names:
            return True
        if isinstance(node, (ast.Import, ast.ImportFrom)) and any(
                part in names for a in node.names for part in a.name.split(".")) or \
                isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[-1] in names:
            return True
    return False


def _imports_relatively(path):
    with open(path, "rb") as f:
        text = f.read()
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return any(isinstance(n, ast.ImportFrom) and n.level for n in ast.walk(tree))


def index(root, python2=False):
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            if not name.endswith(".py") or SKIP_FILES.match(name):
                continue
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, root)
            module = rel[:-3].replace(os.sep, ".")
            if module.endswith(".__init__"):
                module = module[: -len(".__init__")]
            if not all(p.isidentifier() for p in module.split(".")):
                continue
            files.append(parse_source(full, rel, module, python2))
    return files


PY2_HINTS = [
    (re.compile(r"^\s*print\s+[^\s(=]", re.M), "a Python 2 print statement"),
    (re.compile(r"^\s*except\s+[\w.]+\s*,\s*\w+\s*:", re.M), "a Python 2 `except X, e:`"),
    (re.compile(r"^\s*exec\s+[\"'\w]", re.M), "a Python 2 exec statement"),
    (re.compile(r"\bur[\"']"), "a Python 2 ur'' string"),
]


def parse_source(full, rel, module, python2=False):
    with open(full, "rb") as f:
        raw = f.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    converted = []
    try:
        tree = ast.parse(text, filename=rel)
    except SyntaxError as exc:
        try:
            text, tree, converted = _as_python3(full, rel, text)
        except (legacy.NotConvertible, SyntaxError) as why:
            return SourceFile(rel, module, None, problem=safe_text(_syntax_problem(exc, text, why)),
                              error_line=exc.lineno,
                              seen=set(re.findall(r"^(?:async\s+)?(?:def|class)\s+(\w+)", text, re.M)))
    except (RecursionError, MemoryError, ValueError) as exc:
        return SourceFile(rel, module, None, problem="the file could not be parsed (%s)" % type(exc).__name__)
    else:
        names = legacy.python2_names(tree, text)
        if python2 or names:
            try:
                text, tree, converted = _as_python3(full, rel, text)
            except (legacy.NotConvertible, SyntaxError) as why:
                if names:      # Python 3 syntax with Python 2 names: it would fail at run time
                    return SourceFile(rel, module, None, problem="this is Python 2 code (it uses %s); the grader "
                                      "runs Python 3 and could not convert it: %s" % (", ".join(names), why))
    defines = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defines[node.name] = node
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    defines[target.id] = node
    return SourceFile(rel, module, tree, defines=defines, converted=converted)


def _as_python3(full, rel, text):
    """(text, tree, changes) of the file converted from Python 2, written over the prepared copy; raises
    legacy.NotConvertible (or SyntaxError) when it cannot be."""
    text, changes = legacy.convert(text)
    tree = ast.parse(text, filename=rel)
    with open(full, "w", encoding="utf-8") as f:
        f.write(text)
    return text, tree, changes


def _syntax_problem(exc, text, why=None):
    for pattern, what in PY2_HINTS:
        m = pattern.search(text)
        if m:
            line = text.count("\n", 0, m.start()) + 1
            if why:
                return ("this is Python 2 code (%s on line %d) and the automatic conversion to Python 3 failed (%s): "
                        "the grader runs Python 3. Use print(...), range instead of xrange, `except X as e`, and "
                        "hand it in again" % (what, line, why)) + caret(text, line, None)
            return ("this is Python 2 code (%s on line %d) and the automatic conversion to Python 3 failed: the "
                    "grader runs Python 3. Use print(...), range instead of xrange, `except X as e`, and hand it in "
                    "again" % (what, line)) + caret(text, line, None)
    return "syntax error on line %s: %s" % (exc.lineno, exc.msg) + caret(text, exc.lineno, exc.offset)


def caret(text, lineno, offset):
    """The line of the error, and a caret under the place Python points at (its column), as extra lines."""
    lines = text.splitlines()
    if not lineno or not 0 < lineno <= len(lines):
        return ""
    line = lines[lineno - 1].rstrip()
    shown = line.lstrip()
    if len(shown) > 120:
        shown = shown[:119] + "…"
    out = "\n    %d | %s" % (lineno, shown)
    if offset and 0 < offset - (len(line) - len(shown)) <= len(shown) + 1:
        out += "\n    %s | %s^" % (" " * len(str(lineno)), " " * (offset - 1 - (len(line) - len(shown))))
    return out
