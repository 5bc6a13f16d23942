"""Every line of detail a student can read, found by following strings into the places that report them.

A *sink* is where a text becomes feedback: the message of `Fail(...)`, `SubmissionError(...)`, the `failure=` of
a sandbox `Reply`, the `problem=` of an answers sheet, a figure's title and axis labels, what the Python 2
conversion lists in a note. A function that passes one of its parameters into a sink (`hinted(message, ...)`,
`_error(message)`) is a sink too, found by reading it. From a sink's argument the collector follows, inside the
same function: `%`-formatting and f-strings (the template, and the strings formatted into it), `+`,
`"\\n".join([...])`, conditional expressions, local names (their assignments, `.append(...)`, `+=`, loops over
tables and `zip(...)`), `safe_text(...)`, a dataclass field named like a label (`layer.what`: what its
constructors were given), `x["key"]` (the values under that key in the module's dict literals), and calls of
functions defined in grader/ (the strings they return, and the arguments of the call that become the returned
text: `with_hint(message, hint)`). Each text is split into lines; a line with English words is a key of the
catalogs' `messages` table (`%s` fields make it a template), except `hint: ...` lines, which are hints. What
cannot be followed (a string built elsewhere and passed through an attribute) is found by the rendering test
instead (tests/test_i18n.py).
"""
import ast
import os
import re

from . import FIELD

SINKS = {"Fail": (0, "message"), "SubmissionError": (0, None), "NotebookError": (0, None), "_Died": (0, None),
         "NotConvertible": (0, None),                               # why Python 2 code could not be converted
         "_changed": (1, "what"),                                   # what the Python 2 conversion changed (a note)
         "side_by_side": (0, "title"), "curves": (0, "title"),      # figure captions
         "Assignment": (99, "title")}                               # what `dlgrader list` says an assignment is
SINK_KEYWORDS = ("failure", "problem", "xlabel", "ylabel")
LABELS = ("label", "what")   # a parameter of this name formatted into a message: its callers' texts are messages
MAX_DEPTH = 12
WORD = re.compile(r"[a-z]{2,}")


IDENTIFIER = re.compile(r"[A-Za-z_%][\w.%·]*(?:\[[^\]]*\])?(?:\.\w+)*")   # dists, config[%r], %s.forward, reg·W


CALL = re.compile(r"[A-Za-z_%][\w.%]*\(.*\)")                     # predict(X_train, k=1), %s(..., seed=%d): code
PROSE = re.compile(r"[a-z]{2,},? [a-z]{2,}")                      # two words in a row


CODE_TOKEN = re.compile(r"\w*(?:[._]\w+)+|\.\w+")                    # next_w, AddGate.backward, .zip


def is_key(line):
    """A line the student reads as words (not only fields, code, an identifier, a call or punctuation)."""
    text = CODE_TOKEN.sub(" ", re.sub(r"`[^`]*`", "", FIELD.sub("", line)))
    code = IDENTIFIER.fullmatch(line.strip()) or (CALL.fullmatch(line.strip()) and not PROSE.search(text))
    return bool(WORD.search(text)) and not line.startswith("hint:") and not code


def _name(func):
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _text_names(node):
    """The names whose value becomes the text of `node` itself (not values formatted into a template)."""
    if isinstance(node, ast.Name):
        return {node.id}
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _text_names(node.left) | _text_names(node.right)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return _text_names(node.left)
    if isinstance(node, ast.IfExp):
        return _text_names(node.body) | _text_names(node.orelse)
    if isinstance(node, ast.BoolOp):
        return set().union(*[_text_names(v) for v in node.values])
    if isinstance(node, (ast.List, ast.Tuple)):
        return set().union(*[_text_names(e) for e in node.elts]) if node.elts else set()
    if isinstance(node, ast.Call) and _name(node.func) == "join" and node.args:
        return _text_names(node.args[0])
    return set()


def _argument(call, params, name):
    """The argument expressions of `call` that bind parameter `name` (params: the function's parameter names; a
    method called as `obj.f(...)` does not pass `self`)."""
    found = [k.value for k in call.keywords if k.arg == name]
    i = params.index(name) - (1 if params and params[0] in ("self", "cls") and isinstance(call.func, ast.Attribute)
                              else 0)
    if 0 <= i < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args[:i + 1]):
        found.append(call.args[i])
    return found


class _Module:
    def __init__(self, tree):
        self.tree = tree
        self.parents, self.calls, self.nodes = {}, [], []
        for node in ast.walk(tree):
            self.nodes.append(node)
            if isinstance(node, ast.Call):
                self.calls.append(node)
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node

    def function_of(self, node):
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                return node
        return self.tree


class Source:
    """Parsed modules, read once and shared by every Collector over them."""

    def __init__(self, trees):
        self.modules = [_Module(t) for t in trees]
        self.functions = {}              # name -> [(module, FunctionDef)] (calls are resolved by name)
        self.calls = {}                  # id(FunctionDef) -> the calls inside it
        for m in self.modules:
            for node in m.nodes:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    self.functions.setdefault(node.name, []).append((m, node))
                    self.calls[id(node)] = [c for c in ast.walk(node) if isinstance(c, ast.Call)]


class Collector:
    """`sinks` ({call name: (position, keyword)}) add to SINKS, or with `only` replace them and SINK_KEYWORDS (the
    same machinery finds the categories and hints that wrappers such as `hinted(message, category, hint)` pass on);
    `labels`: parameter names whose callers' texts count even when formatted into the sink's text. `trees`: parsed
    modules, or a Source."""

    def __init__(self, trees, sinks=None, only=False, labels=LABELS):
        source = trees if isinstance(trees, Source) else Source(trees)
        self.modules, self.functions, self._calls = source.modules, source.functions, source.calls
        self.sinks = dict(sinks or {}) if only else dict(SINKS, **(sinks or {}))
        self.keywords = () if only else SINK_KEYWORDS
        self.labels = labels
        self._cache = {}
        self._forwarders()

    # ---------------------------------------------------------- sinks
    def _sink_args(self, call):
        """The argument expressions of `call` that are messages."""
        out = []
        name = _name(call.func)
        if name in self.sinks:
            position, keyword = self.sinks[name]
            if len(call.args) > position and not isinstance(call.args[position], ast.Starred):
                out.append(call.args[position])
            out += [k.value for k in call.keywords if keyword and k.arg == keyword]
        out += [k.value for k in call.keywords if k.arg in self.keywords]
        return out

    def _forwarders(self):
        """Functions that pass a parameter into a sink become sinks (to a fixpoint): as the text itself, or, for a
        parameter named like a label (`label`, `what`), formatted into it."""
        changed = True
        while changed:
            changed = False
            for name, defs in self.functions.items():
                if name in self.sinks:
                    continue
                for m, fn in defs:
                    params = [a.arg for a in fn.args.args]
                    args = [arg for call in self._calls[id(fn)] for arg in self._sink_args(call)]
                    used = {n for arg in args for n in _text_names(arg)}
                    used |= {n.id for arg in args for n in ast.walk(arg)
                             if isinstance(n, ast.Name) and n.id in self.labels}
                    hits = [i for i, p in enumerate(params) if p in used and p not in ("self", "cls")]
                    if hits:
                        offset = 1 if params and params[0] in ("self", "cls") else 0
                        self.sinks[name] = (hits[0] - offset, params[hits[0]])
                        changed = True
                        break

    # ---------------------------------------------------------- following strings
    def texts(self, node, m, depth=0, seen=None):
        """The literal strings (or %-templates) `node` can evaluate to, with the strings formatted into them."""
        seen = set() if seen is None else seen
        if depth > MAX_DEPTH or node is None or id(node) in seen:
            return []
        seen.add(id(node))
        again = lambda n: self.texts(n, m, depth + 1, seen)   # noqa: E731
        if isinstance(node, ast.Constant):
            return [node.value] if isinstance(node.value, str) else []
        if isinstance(node, ast.JoinedStr):
            template = "".join(v.value if isinstance(v, ast.Constant) else "%s" for v in node.values)
            return [template] + [s for v in node.values if isinstance(v, ast.FormattedValue) for s in again(v.value)]
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            return again(node.left) + again(node.right)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return again(node.left) + again(node.right)
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            return [s for e in node.elts for s in again(e)]
        if isinstance(node, ast.IfExp):
            return again(node.body) + again(node.orelse)
        if isinstance(node, ast.BoolOp):
            return [s for v in node.values for s in again(v)]
        if isinstance(node, (ast.ListComp, ast.GeneratorExp)):
            return again(node.elt)
        if isinstance(node, ast.Starred):
            return again(node.value)
        if isinstance(node, ast.Name):       # in its function, else a module-level constant
            scope = m.function_of(node)
            found = self._assigned(node.id, scope) or (self._assigned(node.id, m.tree) if scope is not m.tree else [])
            return [s for v, i in found
                    for e, em in ([(v, m)] if i is None else self._each(v, i[1], m) if isinstance(i, tuple)
                                  else self._item(v, i, m))
                    for s in self.texts(e, em, depth + 1, seen)]
        if isinstance(node, ast.Attribute) and node.attr in self.labels:     # layer.what: the `what` given to
            return [s for e, em in self._field_values(node.attr) for s in self.texts(e, em, depth + 1, seen)]
        if isinstance(node, ast.Subscript):       # obj.table[key]: what is stored in obj.table[...] in this module,
            #                                       or under that constant key in its dict literals
            return [s for v in self._stored(node.value, m) + self._keyed(node.slice, m) for s in again(v)]
        if isinstance(node, ast.Call) and _name(node.func) == "get" and isinstance(node.func, ast.Attribute) \
                and isinstance(node.func.value, ast.Name):     # TABLE.get(key, default): its values, the default
            tables = [v for v, i in self._assigned(node.func.value.id, m.function_of(node)) + self._assigned(
                node.func.value.id, m.tree) if i is None and isinstance(v, ast.Dict)]
            return [s for t in tables for v in t.values for s in again(v)] + \
                [s for a in node.args[1:] for s in again(a)]
        if isinstance(node, ast.Call):
            name = _name(node.func)
            if name == "join" or name == "format":
                out = again(node.func.value) if name == "format" else []
                return out + [s for a in node.args for s in again(a)]
            if name in ("str", "strip", "rstrip", "lstrip", "capitalize", "safe_text"):   # the text itself
                return [s for a in node.args for s in again(a)] + (
                    again(node.func.value) if isinstance(node.func, ast.Attribute) else [])
            out = []
            for fm, fn in self.functions.get(name, []):
                params = [a.arg for a in fn.args.args]
                for r in ast.walk(fn):
                    if isinstance(r, ast.Return) and r.value is not None and fm.function_of(r) is fn:
                        out += self.texts(r.value, fm, depth + 1, seen)
                        for p in _text_names(r.value) & set(params) - {"self", "cls"}:   # with_hint(message, ..)
                            out += [s for a in _argument(node, params, p) for s in again(a)]
            return out
        return []

    def _each(self, iterable, i, m):
        """[(expression, module)] for what a loop over `iterable` binds: each element, or item i of each."""
        if isinstance(iterable, ast.Name):
            found = self._assigned(iterable.id, m.function_of(iterable)) + self._assigned(iterable.id, m.tree)
            return [e for v, j in found if j is None for e in self._each(v, i, m)]
        if isinstance(iterable, ast.BinOp) and isinstance(iterable.op, ast.Add):
            return self._each(iterable.left, i, m) + self._each(iterable.right, i, m)
        if isinstance(iterable, (ast.List, ast.Tuple)):
            return [e for elt in iterable.elts for e in ([(elt, m)] if i is None else self._item(elt, i, m))]
        if isinstance(iterable, ast.Call) and _name(iterable.func) == "zip" and i is not None \
                and i < len(iterable.args):            # for a, b in zip(A, B): b is each element of B
            return self._each(iterable.args[i], None, m)
        return []

    def _item(self, value, i, m, seen=None):
        """[(expression, its module)] for item i of what `value` evaluates to: of a tuple, of a dict.get(...)
        default or table of tuples, or of the tuples a called function returns (each function once: a recursive
        one returns its own call)."""
        seen = set() if seen is None else seen
        if isinstance(value, ast.Tuple):
            return [(e, m) for e in value.elts[i:i + 1]]
        if isinstance(value, ast.Dict):
            return [e for v in value.values for e in self._item(v, i, m, seen)]
        if isinstance(value, ast.Call):
            out = [e for a in value.args[1:2] for e in self._item(a, i, m, seen)]   # d.get(key, default)
            if isinstance(value.func, ast.Attribute) and isinstance(value.func.value, ast.Name):
                for v, j in self._assigned(value.func.value.id, m.tree):    # a module-level table
                    out += self._item(v, i, m, seen) if j is None else []
            for fm, fn in self.functions.get(_name(value.func), []):
                if id(fn) in seen:
                    continue
                seen.add(id(fn))
                out += [e for r in ast.walk(fn) if isinstance(r, ast.Return) and r.value is not None
                        for t in ([r.value.body, r.value.orelse] if isinstance(r.value, ast.IfExp) else [r.value])
                        for e in self._item(t, i, fm, seen)]
            return out
        return []

    def _field_values(self, field):
        """[(expression, module)] given for dataclass field `field` in the calls that construct its classes
        (`Layer(..., "each sample over its features")` for `layer.what`)."""
        out = []
        for m in self.modules:
            classes = {node.name: [s.target.id for s in node.body if isinstance(s, ast.AnnAssign)
                                   and isinstance(s.target, ast.Name)]
                       for node in m.tree.body if isinstance(node, ast.ClassDef)}
            for name, fields in classes.items():
                if field not in fields:
                    continue
                i = fields.index(field)
                for cm in self.modules:
                    for call in cm.calls:
                        if _name(call.func) == name:
                            out += [(k.value, cm) for k in call.keywords if k.arg == field]
                            if i < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args[:i + 1]):
                                out.append((call.args[i], cm))
        return out

    @staticmethod
    def _stored(table, m):
        """The values assigned to `table[...]` (a name or an attribute, matched by its name) in module m."""
        key = _name(table)
        return [node.value for node in ast.walk(m.tree) if isinstance(node, ast.Assign)
                for t in node.targets if isinstance(t, ast.Subscript) and key and _name(t.value) == key]

    @staticmethod
    def _keyed(key, m):
        """For `x["problem"]`: the values under that constant key in the dict literals of module m."""
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            return []
        return [v for node in ast.walk(m.tree) if isinstance(node, ast.Dict)
                for k, v in zip(node.keys, node.values) if isinstance(k, ast.Constant) and k.value == key.value]

    def _assigned(self, name, scope):
        """(expression, item) assigned to `name` in `scope` (=, +=, .append(x), .extend(x), .insert(i, x));
        item is the position of `name` in a tuple target (`a, b = ...`), ("each", position) for a loop, else None."""
        key = (name, id(scope))
        if key not in self._cache:
            self._cache[key] = self._find_assigned(name, scope)
        return self._cache[key]

    @staticmethod
    def _find_assigned(name, scope):
        out = []
        for node in ast.walk(scope):
            if isinstance(node, ast.Assign):
                for t in node.targets:
                    if isinstance(t, ast.Name) and t.id == name:
                        out.append((node.value, None))
                    elif isinstance(t, ast.Tuple):
                        out += [(node.value, i) for i, e in enumerate(t.elts)
                                if isinstance(e, ast.Name) and e.id == name]
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and isinstance(node.target, ast.Name) \
                    and node.target.id == name and node.value is not None:
                out.append((node.value, None))
            elif isinstance(node, (ast.For, ast.comprehension)):       # for a, b in TABLE: ("each", position)
                t = node.target
                if isinstance(t, ast.Name) and t.id == name:
                    out.append((node.iter, ("each", None)))
                elif isinstance(t, ast.Tuple):
                    out += [(node.iter, ("each", i)) for i, e in enumerate(t.elts)
                            if isinstance(e, ast.Name) and e.id == name]
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == name \
                    and node.func.attr in ("append", "extend", "insert") and node.args:
                out.append((node.args[-1], None))
        return out

    def rule_texts(self, positions, keyword="hints"):
        """What the diagnosis rules return: functions named in a `hints` argument (`check_value(..., [rule])`,
        `Compare(hints=...)`), and the functions those name in turn."""
        rules, out = set(), set()
        for m in self.modules:
            for call in m.calls:
                args = [k.value for k in call.keywords if k.arg == keyword]
                position = positions.get(_name(call.func))
                if position is not None and len(call.args) > position:
                    args.append(call.args[position])
                rules |= {n.id for a in args for n in ast.walk(a) if isinstance(n, ast.Name) and n.id in self.functions}
                out.update(t for a in args for n in ast.walk(a) if isinstance(n, ast.Lambda)     # [lambda s, e: ...]
                           for t in self.texts(n.body, m) if is_key(t))
        for name in rules:
            for fm, fn in self.functions[name]:
                for r in ast.walk(fn):
                    if isinstance(r, ast.Return) and r.value is not None:
                        out.update(t for t in self.texts(r.value, fm) if is_key(t))
        return out

    def table_texts(self, suffix="MISTAKES"):
        """The messages of module-level tables named ...MISTAKES: {key: [(message, how to make it), ...]}."""
        out = set()
        for m in self.modules:
            for node in m.tree.body:
                if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id.endswith(suffix)
                                                        for t in node.targets):
                    for row in ast.walk(node.value):
                        if isinstance(row, ast.Tuple) and row.elts:
                            out.update(t for t in self.texts(row.elts[0], m) if is_key(t))
        return out

    def collect(self, lines=True):
        """Message lines that are keys; with `lines=False`, the whole texts (categories, hints). The hints written
        into messages as `hint: ...` lines are kept in `self.hint_lines`."""
        keys = set()
        for m in self.modules:
            for node in m.calls:
                for arg in self._sink_args(node):
                    for text in self.texts(arg, m):
                        keys.update(line.strip() for line in text.split("\n")) if lines else keys.add(text)
        self.hint_lines = {k[len("hint: "):] for k in keys if k.startswith("hint: ") and is_key(k[len("hint: "):])}
        return {k for k in keys if is_key(k)} if lines else {k for k in keys if k.strip()}


def trees(root):
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in ("__pycache__", "_data", "i18n")]
        for name in sorted(filenames):
            if name.endswith(".py"):
                with open(os.path.join(dirpath, name), encoding="utf-8") as f:
                    out.append(ast.parse(f.read()))
    return out


def collect(root):
    """Every message line (or template) under `root` that a student can read (root: a folder, or a Source)."""
    return Collector(root if isinstance(root, Source) else trees(root)).collect()
