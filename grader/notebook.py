"""Turn a Jupyter notebook into one module of definitions, without trusting the notebook's state.

Reading: the file is streamed; cell outputs and attachments are skipped while reading (a 200 MB output is
never held in memory), the rest is parsed as JSON. nbformat 4.x (any minor version, metadata or ids missing)
is read directly; nbformat 3 is converted. Not JSON but Python: graded as the .py file it is, with a note.

Choosing code: cells tagged `graded` (or `solution`, `autograded`, nbgrader's solution cells) if any exist,
all code cells otherwise. IPython magics and shell lines (`%`, `%%`, `!`, `?`) are dropped. Only definitions
are kept — imports, functions, classes, assignments of constants — so execution order and leftover state
never matter and no experiment (training loops, plots) runs at grading time. Jupyter semantics where they
are unambiguous: a function defined twice is graded in its last version (as when the notebook runs top to
bottom). A global that graded code uses but that only an untagged cell defines is taken from that cell when
it is a plain definition; when that cell computes it (`data = load_cifar10()`), the global stays undefined
and the student is told which global, which cell, and why.
"""
import ast
import builtins
import codecs
import io
import json
import re
import symtable
import tokenize
from dataclasses import dataclass, field

GRADED_TAGS = {"graded", "solution", "autograded"}
MAX_KEPT = 20 * 1024 * 1024        # characters of notebook JSON without outputs and attachments
MAX_PY = 2 * 1024 * 1024           # a Python file named .ipynb
CHUNK = 1 << 20
SKIPPED_KEYS = ("outputs", "attachments")
BUILTINS = set(dir(builtins)) | {"__name__", "__file__", "__doc__", "__builtins__", "__spec__", "__loader__"}
PYTHON_CELL_MAGICS = ("%%time", "%%timeit", "%%capture", "%%prun", "%%debug")


class NotebookError(Exception):
    pass


@dataclass
class Converted:
    source: str                                   # the module the worker imports
    notes: list = field(default_factory=list)     # for the student
    undefined: dict = field(default_factory=dict)  # global name -> why graded code will not find it


def notebook_to_module(path):
    """Return (python source, notes for the student)."""
    c = convert(path)
    return c.source, c.notes


def convert(path):
    raw = read(path)
    if isinstance(raw, Converted):
        return raw
    return module_of(cells_of(raw))


# ------------------------------------------------------------------ reading

def _error(message):
    from .submission import SubmissionError
    return SubmissionError(message)


def read(path):
    """The notebook as a dict with outputs and attachments left out, or a Converted for a Python file."""
    with open(path, "rb") as f:
        head = f.read(4096)
        start = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
        if not start.startswith("{"):
            f.seek(0)
            return _python_file(path, f.read(MAX_PY + 1), start)
        f.seek(0)
        try:
            text, skipped = _Filter(f).run()
        except UnicodeDecodeError:
            raise _error("the notebook is not UTF-8 text; open it in Jupyter, save, and submit again")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _error("the notebook is not valid JSON (line %d, column %d: %s); it was probably edited by hand "
                     "or cut off: open it in Jupyter, save, and submit again" % (exc.lineno, exc.colno, exc.msg))
    if not isinstance(raw, dict) or not ("cells" in raw or "worksheets" in raw):
        raise _error("the file is JSON but not a Jupyter notebook (it has no 'cells')")
    return raw


def _python_file(path, data, start):
    """Not JSON: say what it is. A Python file is not graded under a notebook's name (the student renames it)."""
    name = path.rsplit("/", 1)[-1]
    try:
        tree = ast.parse(data[:MAX_PY].decode("utf-8-sig"))
        statements = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef, ast.Assign)
        what = "a Python file" if any(isinstance(n, statements) for n in tree.body) else None
    except SyntaxError as exc:
        looks_python = re.match(r"(import|from|def|class|#|\"\"\"|'''|@)", start or "")
        what = "Python code (with a syntax error on line %s: %s)" % (exc.lineno, exc.msg) if looks_python else None
    except (UnicodeDecodeError, ValueError):
        what = None
    if what:
        raise _error("%s is named .ipynb but is %s, not a notebook; rename it to .py and submit again" % (name, what))
    raise _error("%s is not a Jupyter notebook (a notebook is JSON and starts with `{`); open it in Jupyter, save, "
                 "and submit again" % name)


class _Filter:
    """A streaming pass over notebook JSON that copies everything except the values of `outputs` and
    `attachments` in cells (replaced by [] and {}); line numbers are kept, so JSON errors point at the file.
    Memory: one chunk plus what is kept."""
    WS = re.compile(r"[ \t\r\n\ufeff]*")
    LITERAL = re.compile(r"-?[0-9][0-9.eE+\-]*|true|false|null")
    STRUCTURE = re.compile(r'["\[\]{}]')

    def __init__(self, f):
        self.f, self.decoder = f, codecs.getincrementaldecoder("utf-8")()
        self.buf, self.pos, self.out, self.kept, self.skipped, self.line = "", 0, [], 0, 0, 1

    def more(self):
        data = self.f.read(CHUNK)
        text = self.decoder.decode(data, final=not data)
        self.buf = self.buf[self.pos:] + text
        self.pos = 0
        return bool(data)

    def emit(self, text):
        self.out.append(text)
        self.kept += len(text)
        if self.kept > MAX_KEPT:
            self.too_big()

    def too_big(self):
        raise _error("the notebook's cells (outputs not counted) are larger than %d MiB: is data pasted into "
                     "a cell? Load data from files instead" % (MAX_KEPT >> 20))

    def fail(self, what):
        raise _error("the notebook is not valid JSON (line %d: %s); open it in Jupyter, save, and submit again"
                     % (self.line, what))

    def run(self):
        stack = []          # frames: [kind '{' or '[', key (object: current key; array: key it is stored under),
        pending = None      #          expecting a key]; pending: the key whose value is skipped next
        while True:
            if self.pos >= len(self.buf) and not self.more():
                break
            m = self.WS.match(self.buf, self.pos)
            if m.end() > self.pos:
                gap = self.buf[self.pos:m.end()]
                self.line += gap.count("\n")
                self.emit(gap.replace("\ufeff", ""))
                self.pos = m.end()
                continue
            c = self.buf[self.pos]
            if pending is not None and c not in ":,":
                self.emit("[]" if pending == "outputs" else "{}")
                self.skip_value()
                pending = None
                continue
            if c in "{[":
                parent_key = stack[-1][1] if stack and stack[-1][0] == "{" else None
                stack.append([c, None if c == "{" else parent_key, c == "{"])
                self.emit(c)
                self.pos += 1
            elif c in "}]":
                if not stack or stack[-1][0] != "{["["}]".index(c)]:
                    self.fail("unexpected %r" % c)
                stack.pop()
                self.emit(c)
                self.pos += 1
            elif c == ",":
                if stack and stack[-1][0] == "{":
                    stack[-1][2] = True
                self.emit(c)
                self.pos += 1
            elif c == ":":
                self.emit(c)
                self.pos += 1
            elif c == '"':
                raw = self.string(keep=True)
                if stack and stack[-1][0] == "{" and stack[-1][2]:
                    key = json.loads(raw)
                    stack[-1][1], stack[-1][2] = key, False
                    if key in SKIPPED_KEYS and len(stack) >= 2 and stack[-2][0] == "[" and stack[-2][1] == "cells":
                        pending = key
            else:
                if len(self.buf) - self.pos < 64 and self.more():
                    continue        # a literal may go on in the next chunk
                m = self.LITERAL.match(self.buf, self.pos)
                if not m:
                    self.fail("unexpected %r" % self.buf[self.pos:self.pos + 10])
                self.emit(m.group())
                self.pos = m.end()
        if stack:
            self.fail("the file ends before the notebook does (cut off?)")
        return "".join(self.out), self.skipped

    def string(self, keep):
        """Consume the JSON string at self.pos (of any length, across chunks); its raw text when keep."""
        start, pieces, size, carry = self.pos, [], 0, 0
        lo = i = start + 1
        while True:
            j = self.buf.find('"', i)
            if j != -1:
                k = j
                while k > lo and self.buf[k - 1] == "\\":
                    k -= 1
                if (j - k + (carry if k == lo else 0)) % 2 == 0:
                    break                     # not escaped: the end of the string
                i = j + 1
                continue
            seg = self.buf[start:]
            tail = len(seg) - len(seg.rstrip("\\"))
            carry = tail + (carry if tail == len(self.buf) - lo else 0)
            if keep:
                pieces.append(seg)
                size += len(seg)
                if self.kept + size > MAX_KEPT:
                    self.too_big()
            else:
                self.skipped += len(seg)
            self.buf, self.pos, start, lo, i = "", 0, 0, 0, 0
            if not self.more():
                self.fail("the file ends inside a string")
        self.pos = j + 1
        if not keep:
            self.skipped += j + 1 - start
            return None
        pieces.append(self.buf[start:j + 1])
        text = "".join(pieces)
        self.emit(text)
        return text

    def skip_value(self):
        """Skip one JSON value (any size) without keeping it; its newlines are kept."""
        depth = 0
        while True:
            if self.pos >= len(self.buf) and not self.more():
                self.fail("the file ends inside a cell's outputs")
            c = self.buf[self.pos]
            if depth == 0 and c not in '{["':
                m = self.WS.match(self.buf, self.pos)
                if m.end() > self.pos:
                    self.line += self.buf.count("\n", self.pos, m.end())
                    self.pos = m.end()
                    continue
                if len(self.buf) - self.pos < 64 and self.more():
                    continue
                m = self.LITERAL.match(self.buf, self.pos)
                if not m:
                    self.fail("unexpected %r in the outputs" % c)
                self.pos = m.end()
                return
            if c == '"':
                self.string(keep=False)
            elif c in "{[":
                depth += 1
                self.pos += 1
            elif c in "}]":
                depth -= 1
                self.pos += 1
            else:
                m = self.STRUCTURE.search(self.buf, self.pos)
                end = m.start() if m else len(self.buf)
                newlines = self.buf.count("\n", self.pos, end)
                self.line += newlines
                self.out.append("\n" * newlines)
                self.skipped += end - self.pos
                self.pos = end
                continue
            if depth == 0:
                return


# ------------------------------------------------------------------ cells

@dataclass
class Cell:
    number: int          # 1-based, among all cells, as Jupyter shows them top to bottom
    source: str
    tagged: bool


def cells_of(raw):
    """The code cells of a notebook dict, any nbformat 4.x (or 3, converted)."""
    if raw.get("nbformat", 4) == 3 or "worksheets" in raw:
        import nbformat
        try:
            raw = nbformat.convert(nbformat.from_dict(raw), 4)
        except Exception as exc:  # nbformat raises many kinds on broken notebooks
            raise _error("the notebook (nbformat 3) could not be converted (%s)" % str(exc)[:200])
    cells = raw.get("cells")
    if not isinstance(cells, list):
        raise _error("the notebook's 'cells' is not a list")
    out = []
    for n, cell in enumerate(cells, 1):
        if not isinstance(cell, dict) or cell.get("cell_type", "code") != "code":
            continue
        source = cell.get("source") or ""
        if isinstance(source, list):
            source = "".join(s for s in source if isinstance(s, str))
        if not isinstance(source, str):
            continue
        meta = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
        tags = meta.get("tags") if isinstance(meta.get("tags"), list) else []
        nbgrader = meta.get("nbgrader") if isinstance(meta.get("nbgrader"), dict) else {}
        tagged = bool(GRADED_TAGS & {t for t in tags if isinstance(t, str)}) or nbgrader.get("solution") is True
        out.append(Cell(n, source, tagged))
    return out


def strip_magics(source):
    """Drop IPython-only lines: line magics, shell escapes, help queries; cell magics that are not Python."""
    lines = source.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        if not lines[0].split()[0] in PYTHON_CELL_MAGICS:
            return ""          # %%bash, %%writefile, %%html ...: not Python
        lines = [""] + lines[1:]
    out = []
    for line in lines:
        s = line.strip()
        magic = s.startswith(("%", "!")) or re.match(r"^[\w.]+\s*=\s*[!%]", s) or (s.endswith("?") and
                                                                                   re.match(r"^[\w.?]+$", s))
        out.append("" if magic and not _continues("\n".join(out)) else line)
    return "\n".join(out)


def _continues(text):
    """Whether `text` ends inside a statement (an open bracket or string, a backslash): the next line is then
    its continuation (`"%d" ... \\n % (x)`), never an IPython magic."""
    if text.rstrip().endswith("\\"):
        return True
    try:
        for _ in tokenize.generate_tokens(io.StringIO(text + "\n").readline):
            pass
    except tokenize.TokenError:       # EOF in a multi-line statement or string
        return True
    except (SyntaxError, ValueError):  # an indentation error etc.: the compiler will say so
        return False
    return False


# ------------------------------------------------------------------ definitions

@dataclass
class Statement:
    cell: int
    order: int
    node: ast.AST
    text: str
    binds: set
    uses: set
    definition: bool


def module_of(cells):
    notes, undefined = [], {}
    if not any(c.source.strip() for c in cells):
        notes.append("the notebook has no code: write your functions in its code cells (and save it) before "
                     "you submit")
    tagged = any(c.tagged for c in cells)
    statements, chosen = [], []
    for cell in cells:
        source = strip_magics(cell.source)
        try:
            tree = ast.parse(source)
        except SyntaxError as exc:
            if cell.tagged or not tagged:
                notes.append("cell %d has a syntax error on its line %s (%s): it was left out, as Jupyter would "
                             "define nothing from it" % (cell.number, exc.lineno, exc.msg))
            continue
        except (ValueError, RecursionError, MemoryError):
            notes.append("cell %d could not be parsed: it was left out" % cell.number)
            continue
        lines = source.splitlines()
        dropped = 0
        for node in tree.body:
            st = _statement(cell.number, len(statements), node, lines)
            statements.append(st)
            if cell.tagged or not tagged:
                if st.definition:
                    chosen.append(st)
                elif not _is_docstring(node):
                    dropped += 1
        if dropped and (cell.tagged or not tagged):
            notes.append("cell %d: %d top-level statement(s) that are not definitions were ignored (the grader "
                         "runs definitions only)" % (cell.number, dropped))
    chosen_ids = {id(s) for s in chosen}
    kept = _last_definitions(chosen, notes)
    kept = _pull_globals(kept, statements, chosen_ids, notes, undefined)
    kept = _drop_unresolvable(kept, notes, undefined)
    parts, cell = [], None
    for st in sorted(kept, key=lambda s: s.order):
        if st.cell != cell:
            cell = st.cell
            parts.append("# --- cell %d%s" % (cell, "" if id(st) in chosen_ids else " (not graded: a definition "
                                                                                      "graded code uses)"))
        parts.append(st.text)
    return Converted("\n".join(parts) + "\n", notes, undefined)


def _is_docstring(node):
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) or isinstance(node, ast.Pass)


def _statement(cell, order, node, lines):
    start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    text = "\n".join(lines[start - 1:node.end_lineno])
    return Statement(cell, order, node, text, _binds(node), _uses(text), _is_definition(node))


def _is_definition(node):
    if isinstance(node, (ast.Import, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return True
    if isinstance(node, ast.ImportFrom):
        return not node.level            # `from .x import y` cannot work in a notebook
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        return node.value is not None and is_plain(node.value) and all(
            isinstance(t, (ast.Name, ast.Tuple, ast.List))
            for t in (node.targets if isinstance(node, ast.Assign) else [node.target]))
    if isinstance(node, ast.Try):        # try: import torch / except ImportError: torch = None
        body = node.body + [s for h in node.handlers for s in h.body] + node.orelse + node.finalbody
        return all(_is_definition(s) or isinstance(s, ast.Pass) for s in body)
    return False


def _binds(node):
    names = set()
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"}
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
            names.add(n.id)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(n.name)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in n.names if a.name != "*"}
    return names


def _uses(text):
    """Global names the statement reads (at import time or when its functions run)."""
    try:
        table = symtable.symtable(text, "cell", "exec")
    except (SyntaxError, ValueError, RecursionError):
        return set()
    found = set()

    def walk(t, top):
        for s in t.get_symbols():
            if not s.is_referenced():
                continue
            if (top and not s.is_assigned() and not s.is_imported()) or (not top and s.is_global()):
                found.add(s.get_name())
        for child in t.get_children():
            walk(child, False)
    walk(table, True)
    return found - BUILTINS


def _last_definitions(chosen, notes):
    """A function or class defined more than once: the last definition is graded (Jupyter, top to bottom)."""
    where = {}
    for st in chosen:
        if isinstance(st.node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            where.setdefault(st.node.name, []).append(st)
    drop = set()
    for name, sts in where.items():
        if len(sts) > 1:
            drop |= {id(s) for s in sts[:-1]}
            notes.append("`%s` is defined in cells %s: the last definition (cell %d) is graded, as when the "
                         "notebook runs top to bottom" % (name, ", ".join(str(s.cell) for s in sts), sts[-1].cell))
    return [s for s in chosen if id(s) not in drop]


def _pull_globals(kept, statements, chosen_ids, notes, undefined):
    """Add the definitions that kept code needs from other cells; explain the globals that cannot be had."""
    kept, pulled = list(kept), []
    while True:
        bound = set().union(*[s.binds for s in kept]) if kept else set()
        needed = {}
        for st in kept:
            for name in st.uses - bound:
                needed.setdefault(name, st)
        added = False
        for name, user in sorted(needed.items()):
            if name in undefined:
                continue
            binders = [s for s in statements if name in s.binds]
            if not binders:
                undefined[name] = "`%s` is not defined anywhere in the notebook (used in cell %d)" % (name, user.cell)
                continue
            last = binders[-1]
            if last.definition and id(last) not in chosen_ids:
                kept.append(last)
                pulled.append("`%s` (cell %d)" % (name, last.cell))
                added = True
            elif not last.definition:
                first = last.text.strip().splitlines()[0][:80]
                undefined[name] = ("`%s` (used in cell %d) is set in cell %d by `%s`, which is not a definition: "
                                   "the grader does not run it. Define `%s` in a graded cell as a constant, import "
                                   "or function, or pass it as an argument" % (name, user.cell, last.cell, first,
                                                                                 name))
                notes.append(undefined[name])
        if not added:
            if pulled:
                notes.append("graded code uses definitions from cells not tagged `graded`; they were included: %s"
                             % ", ".join(pulled))
            return kept


def _drop_unresolvable(kept, notes, undefined):
    """A kept constant that needs a global defined later or never would fail the whole import: drop it."""
    out, bound = [], set()
    for st in sorted(kept, key=lambda s: s.order):
        if isinstance(st.node, (ast.Assign, ast.AnnAssign)):
            missing = sorted(st.uses - bound)
            if missing:
                for name in st.binds:
                    undefined.setdefault(name, "`%s` (cell %d) is computed from `%s`, which is not defined before it "
                                               "when the notebook runs top to bottom" % (name, st.cell, missing[0]))
                notes.append("cell %d: `%s` was left out: it needs `%s`, not defined before it"
                             % (st.cell, st.text.strip().splitlines()[0][:60], missing[0]))
                continue
        out.append(st)
        bound |= st.binds
    return out


PLAIN_CALLS = {"np.array", "np.asarray", "np.zeros", "np.ones", "np.arange", "np.linspace", "np.eye", "np.full",
               "np.float32", "np.float64", "np.int64", "float", "int", "str", "bool", "dict", "list", "tuple",
               "set", "frozenset", "range", "numpy.array", "numpy.zeros", "numpy.ones"}


def is_plain(value):
    """A constant-like value (literals, names, arithmetic, a few constructors): safe and cheap to re-run.
    Anything that calls the student's functions or loads data is an experiment, not a definition."""
    for node in _walk_outside_lambdas(value):
        if isinstance(node, ast.Call):
            func = node.func
            parts = []
            while isinstance(func, ast.Attribute):
                parts.append(func.attr)
                func = func.value
            if not isinstance(func, ast.Name) or ".".join([func.id] + parts[::-1]) not in PLAIN_CALLS:
                return False
        elif isinstance(node, (ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr)):
            return False
    return True


def _walk_outside_lambdas(node):
    """ast.walk, not entering lambda bodies (a lambda is a definition: its body runs only when called)."""
    todo = [node]
    while todo:
        n = todo.pop()
        yield n
        if not isinstance(n, ast.Lambda):
            todo.extend(ast.iter_child_nodes(n))


def definitions_of(source):
    """Keep imports, defs, classes and plain assignments; return (source, number of statements dropped)."""
    c = module_of([Cell(1, source, False)])
    dropped = sum(int(n.split(": ")[1].split()[0]) for n in c.notes if "not definitions were ignored" in n)
    return "\n".join(line for line in c.source.splitlines() if not line.startswith("# --- cell")), dropped
