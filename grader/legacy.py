"""Old code as CS231n students wrote it, made gradable: Python 2 files converted, NumPy 1 names found.

Nothing here runs student code: it reads and rewrites the text of the submission's prepared copy, in the parent.

Python 2 (CS231n 2016's starter code, and 2017 files written on Python 2.7). A file is Python 2 when it does not
parse as Python 3 but does after the conversion, when it uses a Python 2 builtin it never defines (xrange,
unicode, raw_input, .iteritems()), or when the course profile says its year is Python 2. The conversion keeps
every line where it was (tracebacks and static checks point at the student's lines):
- `print x, y` / `print >>f, x` / `print x,` statements become print(...) calls;
- `except E, e:` becomes `except E as e:`, `raise E, "message"` becomes `raise E("message")`, `<>` becomes !=,
  `10L` becomes 10;
- Python 2 builtins are renamed (xrange -> range, raw_input -> input, unicode -> str, .iteritems() -> .items());
- `a / b` keeps its Python 2 meaning: integer division when both are integers (a size formula
  `1 + (H + 2 * pad - HH) / stride`), true division otherwise — `__py2_div__(a, b)`, which the worker provides
  (unless the file has `from __future__ import division`).
What cannot be converted is refused with one message that says the file is Python 2.

NumPy 1: names NumPy 2 removed (np.int, np.float, np.lib.pad, np.reshape(newshape=), ...) are listed with
where they are used; where the profile asks for it (numpy_compat) the worker restores exactly those.
"""
import ast
import io
import re
import tokenize

from .sandbox.worker import NUMPY_1

RENAMED = {"xrange": "range", "raw_input": "input", "unicode": "str", "basestring": "str", "unichr": "chr",
           "long": "int", "reduce": "__py2_reduce__", "execfile": None, "cmp": None}
SHOWN = {"reduce": "functools.reduce"}
_PY2_WORDS = re.compile(r"\b(?:%s)\b" % "|".join(list(RENAMED) + ["iteritems", "itervalues", "iterkeys", "has_key"]))
ATTRIBUTES = {"iteritems": "items", "itervalues": "values", "iterkeys": "keys", "maxint": "maxsize"}
COMPOUND = {"if", "elif", "else", "for", "while", "try", "except", "finally", "with", "def", "class"}


class NotConvertible(Exception):
    """A Python 2 file the conversion cannot turn into Python 3 (the message is for the student)."""


# ---------------------------------------------------------------- is it Python 2?

def python2_names(tree, text=None):
    """Python 2 builtins and methods the file uses without defining them: {name: first line}. With the file's
    `text`, an ASCII file in which none of them is even a word is answered without walking the tree."""
    if text is not None and text.isascii() and not _PY2_WORDS.search(text):
        return {}
    bound = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            bound.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in RENAMED \
                and node.id not in bound:
            found.setdefault(node.id, node.lineno)
        elif isinstance(node, ast.Attribute) and node.attr in ("iteritems", "itervalues", "iterkeys", "has_key"):
            found.setdefault("." + node.attr, node.lineno)
    return found


def future_division(tree):
    return any(isinstance(n, ast.ImportFrom) and n.module == "__future__" and
               any(a.name == "division" for a in n.names) for n in tree.body)


# ---------------------------------------------------------------- the conversion

def convert(text):
    """(Python 3 text, [what was changed]) for Python 2 `text`; raises NotConvertible."""
    changes = {}
    try:
        text = _rewrite(text, changes)   # statements first: only then can the names the file binds be read
        tree = ast.parse(text)
        text = _rewrite(text, changes, names={n for n in python2_names(tree) if RENAMED.get(n)})
        tree = ast.parse(text)
    except (tokenize.TokenError, IndentationError) as exc:
        raise NotConvertible("it could not be read (%s)" % exc) from None
    except SyntaxError as exc:
        raise NotConvertible("line %s still is not Python 3 after converting print statements, `except E, e` "
                             "and xrange (%s)" % (exc.lineno, exc.msg)) from None
    if not future_division(tree):
        text, n = _divisions(text, tree)
        if n:
            _changed(changes, "`/` given its Python 2 meaning (integer division between two integers)", n)
    try:
        ast.parse(text)
    except SyntaxError as exc:   # a bug of the conversion itself: refuse rather than grade something else
        raise NotConvertible("the conversion failed on line %s" % exc.lineno) from None
    return text, ["%s (%d)" % kv for kv in changes.items()]


def _changed(changes, what, n=1):
    """Count a kind of change; `what` is listed for the student in a note (i18n: a message template)."""
    changes[what] = changes.get(what, 0) + n


def _rewrite(text, changes, names=None):
    """Token-level rewrites: print/exec statements, except/raise commas, <>, 10L; with `names` instead, the
    Python 2 names the file uses without defining them, and Python 2 methods (.iteritems())."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def at(pos):
        return starts[pos[0] - 1] + pos[1]

    tokens = [t for t in tokenize.generate_tokens(io.StringIO(text).readline)
              if t.type not in (tokenize.COMMENT, tokenize.NL)]
    statements = names is None
    edits = []
    statement_start, depth = True, 0
    for i, tok in enumerate(tokens):
        prev = tokens[i - 1] if i else None
        if tok.type == tokenize.OP and tok.string in "([{":
            depth += 1
        elif tok.type == tokenize.OP and tok.string in ")]}":
            depth -= 1
        starts_here = statement_start
        statement_start = tok.type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT) or \
            (tok.type == tokenize.OP and tok.string == ";" and depth == 0) or \
            (tok.type == tokenize.OP and tok.string == ":" and depth == 0 and _compound(tokens, i))
        if not statements:
            if tok.type == tokenize.NAME and prev is not None and prev.type == tokenize.OP and prev.string == ".":
                if tok.string in ATTRIBUTES:
                    edits.append((at(tok.start), at(tok.end), ATTRIBUTES[tok.string]))
                    _changed(changes, ".%s() turned into .%s()" % (tok.string, ATTRIBUTES[tok.string]))
            elif tok.type == tokenize.NAME and tok.string in names:
                edits.append((at(tok.start), at(tok.end), RENAMED[tok.string]))
                _changed(changes, "%s turned into %s" % (tok.string, SHOWN.get(tok.string, RENAMED[tok.string])))
            continue
        if tok.type == tokenize.NAME and starts_here and tok.string in ("print", "exec"):
            nxt = tokens[i + 1]
            if nxt.type == tokenize.OP and nxt.string not in (">>", "%", "-", "+", "(", "[", "{", "~", "`"):
                continue   # print = ..., print.x: not a statement
            if nxt.type == tokenize.OP and nxt.string == "(":
                continue   # print(x): already a call (or a parenthesized tuple: printed either way)
            edits += _print_statement(tokens, i, at)
            _changed(changes, "%s statements turned into %s(...) calls" % (tok.string, tok.string))
        elif tok.type == tokenize.NAME and starts_here and tok.string in ("except", "raise"):
            comma = _top_level_comma(tokens, i)
            if comma is not None and tok.string == "except":
                edits.append((at(tokens[comma].start), at(tokens[comma].end), " as"))
                _changed(changes, "`except E, e:` turned into `except E as e:`")
            elif comma is not None:
                end = _statement_end(tokens, i)
                edits += [(at(tokens[comma].start), at(tokens[comma + 1].start), "("),
                          (at(tokens[end - 1].end), at(tokens[end - 1].end), ")")]
                _changed(changes, "`raise E, message` turned into `raise E(message)`")
        elif tok.type == tokenize.OP and (tok.string == "<>" or tok.string == "<" and i + 1 < len(tokens) and
                                          tokens[i + 1].string == ">" and tokens[i + 1].start == tok.end):
            edits.append((at(tok.start), at(tok.end) + (tok.string == "<"), "!="))
            _changed(changes, "`<>` turned into `!=`")
        elif tok.type == tokenize.NAME and tok.string in ("L", "l") and prev is not None and \
                prev.type == tokenize.NUMBER and prev.end == tok.start:
            edits.append((at(tok.start), at(tok.end), ""))
            _changed(changes, "long integer literals (10L) turned into ints")
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _compound(tokens, i):
    """Whether the ':' at tokens[i] ends the header of a compound statement (`if x: print y`)."""
    j = i
    while j > 0 and tokens[j - 1].type not in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
        j -= 1
    return tokens[j].type == tokenize.NAME and tokens[j].string in COMPOUND


def _statement_end(tokens, i):
    """Index of the token that ends the simple statement starting at tokens[i] (NEWLINE or a top-level ;)."""
    depth = 0
    for j in range(i + 1, len(tokens)):
        t = tokens[j]
        if t.type == tokenize.OP and t.string in "([{":
            depth += 1
        elif t.type == tokenize.OP and t.string in ")]}":
            depth -= 1
        elif depth == 0 and (t.type in (tokenize.NEWLINE, tokenize.ENDMARKER) or
                             (t.type == tokenize.OP and t.string == ";")):
            return j
    return len(tokens) - 1


def _top_level_comma(tokens, i):
    depth = 0
    for j in range(i + 1, _statement_end(tokens, i)):
        t = tokens[j]
        if t.type == tokenize.OP and t.string in "([{":
            depth += 1
        elif t.type == tokenize.OP and t.string in ")]}":
            depth -= 1
        elif t.type == tokenize.OP and t.string == "," and depth == 0:
            return j
        elif t.type == tokenize.OP and t.string == ":" and depth == 0:
            return None
    return None


def _print_statement(tokens, i, at):
    """Edits turning the print (or exec) statement at tokens[i] into a call."""
    end = _statement_end(tokens, i)
    body = tokens[i + 1:end]
    name_end = at(tokens[i].end)
    if not body:
        return [(name_end, name_end, "()")]
    close = at(body[-1].end)
    edits, suffix = [], ""
    if body[-1].type == tokenize.OP and body[-1].string == "," and len(body) > 1:
        edits.append((at(body[-1].start), close, ""))
        close, suffix = at(body[-2].end), ", end=' '"
    if body[0].type == tokenize.OP and body[0].string == ">>":   # print >>f, x
        comma = _top_level_comma(tokens, i)
        target_end = comma if comma is not None and comma < end else end
        stream = tokens[i + 2:target_end]
        if stream:
            file_text = "file=" + _source(tokens, i + 2, target_end)
            if comma is not None and comma + 1 < end and not (comma == end - 1):
                edits.append((at(body[0].start), at(tokens[comma + 1].start), ""))
                suffix = ", " + file_text + suffix
            else:
                edits.append((at(body[0].start), close, file_text))
                return edits + [(name_end, name_end, "("), (close, close, suffix + ")")]
    return edits + [(name_end, at(body[0].start), "("), (close, close, suffix + ")")]


def _source(tokens, a, b):
    return "".join(t.string for t in tokens[a:b])


def _divisions(text, tree):
    """Every `a / b` becomes `__py2_div__(a, b)`, in place (lines unchanged). Returns (text, count)."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line.encode("utf-8")))
    raw = text.encode("utf-8")   # ast offsets are UTF-8 byte offsets

    def at(line, col):
        return starts[line - 1] + col

    edits = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div)):
            continue
        left_end, right_start = at(node.left.end_lineno, node.left.end_col_offset), \
            at(node.right.lineno, node.right.col_offset)
        between = raw[left_end:right_start]
        slash = _operator(between)
        if slash is None:
            raise NotConvertible("a division on line %d could not be converted" % node.lineno)
        closing = between[:slash].count(b")")       # parentheses around the left operand close before `/`
        opening = between[slash + 1:].count(b"(")   # and around the right one open after it
        start = at(node.left.lineno, node.left.col_offset)
        for _ in range(closing):
            start = raw.rindex(b"(", 0, start)
        end = at(node.right.end_lineno, node.right.end_col_offset)
        for _ in range(opening):
            end = raw.index(b")", end) + 1
        edits += [(start, start, b"__py2_div__("), (left_end + slash, left_end + slash + 1, b","),
                  (end, end, b")")]
    for start, stop, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        raw = raw[:start] + new + raw[stop:]
    return raw.decode("utf-8"), len(edits) // 3


def _operator(between):
    """The offset of the `/` operator in the text between two operands (parentheses, spaces, comments and line
    continuations may surround it)."""
    text = re.sub(rb"#[^\n]*", lambda m: b" " * len(m.group()), between)
    found = [m.start() for m in re.finditer(rb"/", text)]
    return found[0] if len(found) == 1 else None


# ---------------------------------------------------------------- NumPy 1 names

def numpy_1_uses(files):
    """{NUMPY_1 name: "path:line"} of the removed NumPy names the submission's files use."""
    from .checks.static import aliases, dotted, full_name
    found = {}
    for f in files:
        if f.tree is None:
            continue
        table = aliases(f.tree)
        for node in ast.walk(f.tree):
            if isinstance(node, ast.Attribute):
                name = dotted(node)
                full = full_name(name, table) if name else ""
                if full.startswith("numpy.") and full[6:] in NUMPY_1:
                    found.setdefault(full[6:], "%s:%d" % (f.path, node.lineno))
            elif isinstance(node, ast.Call) and any(k.arg == "newshape" for k in node.keywords):
                name = dotted(node.func)
                if name and full_name(name, table) == "numpy.reshape":
                    found.setdefault("reshape(newshape=)", "%s:%d" % (f.path, node.lineno))
            elif isinstance(node, ast.ImportFrom) and node.module in ("numpy", "numpy.lib"):
                for a in node.names:
                    key = a.name if node.module == "numpy" else "lib." + a.name
                    if key in NUMPY_1:
                        found.setdefault(key, "%s:%d" % (f.path, node.lineno))
    return found
