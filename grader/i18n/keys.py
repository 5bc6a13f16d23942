"""Every student-facing string the catalogs must translate, found by reading grader/ with `ast`.

- categories: the 2nd argument (or `category=`) of every `Fail(...)` (and of `hinted(...)`, the suites' Fail
  with its hint in the message), and `category=` of every `Outcome(...)`;
- hints: `hint=` of every `Fail(...)` / `hinted(...)` and assignments `hint = "..."`; strings written as `"hint: ..."`; the
  `why` of static rules (`MaxLoops(n, why)`, `ForbidCalls(names, why)`); the (what, hint) pairs of `HINTS`
  tables; the strings (with a space, not docstrings) in the diagnosis rules a suite gives in `hints=`
  (a function whose name ends in `hints`).
- notes: `notes.append(...)`, lists assigned to `notes`, and `undefined[name] = ...` (notebook globals).
Literals count, and the format strings of `"..." % x` and f-strings (their fields become `%s`): the catalogs
hold templates, matched against the formatted text at run time. Computed strings cannot be collected.
"""
import ast
import os

GRADER = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RULES = {"MaxLoops": 1, "ForbidCalls": 1}       # static rules: position of their `why`


def literals(node):
    """The literal strings (or format templates) an expression can evaluate to."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return literals(node.left)
    if isinstance(node, ast.IfExp):
        return literals(node.body) + literals(node.orelse)
    if isinstance(node, ast.BoolOp):
        return [s for v in node.values for s in literals(v)]
    if isinstance(node, ast.JoinedStr):
        return ["".join(v.value if isinstance(v, ast.Constant) else "%s" for v in node.values)]
    return []


def _name(func):
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _arg(call, position, keyword):
    for k in call.keywords:
        if k.arg == keyword:
            return k.value
    return call.args[position] if len(call.args) > position else None


def collect(root=GRADER, notes=None):
    """({category}, {hint}) used anywhere under `root`; `notes`, a set, also gets the notes for the student."""
    categories, hints = set(), set()
    notes = set() if notes is None else notes
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in ("__pycache__", "_data")]
        for name in filenames:
            if name.endswith(".py"):
                with open(os.path.join(dirpath, name), encoding="utf-8") as f:
                    tree = ast.parse(f.read())
                _collect(tree, categories, hints, notes)
    return categories, hints


def _collect(tree, categories, hints, notes):
    for node in ast.walk(tree):
        _collect_notes(node, notes)
        if isinstance(node, ast.Call):
            name = _name(node.func)
            if name in ("Fail", "hinted"):
                for s in literals(_arg(node, 1, "category")) if _arg(node, 1, "category") else []:
                    categories.add(s)
                hint = _arg(node, 99, "hint")
                hints.update(literals(hint) if hint is not None else [])
            elif name == "Outcome" and _arg(node, 99, "category") is not None:
                categories.update(literals(_arg(node, 99, "category")))
            elif name in RULES and _arg(node, RULES[name], "why") is not None:
                hints.update(s for s in literals(_arg(node, RULES[name], "why")) if s)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("hint: "):
            hints.add(node.value[len("hint: "):])
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "HINTS" for t in node.targets) \
                and isinstance(node.value, ast.Dict):
            for v in node.value.values:
                if isinstance(v, ast.Tuple) and len(v.elts) == 2:
                    hints.update(literals(v.elts[1]))
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "hint" for t in node.targets):
            hints.update(literals(node.value))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.endswith("hints"):
            docstrings = {id(n.body[0].value) for n in ast.walk(node)
                          if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.body
                          and isinstance(n.body[0], ast.Expr)}
            for inner in ast.walk(node):
                if isinstance(inner, ast.Constant) and isinstance(inner.value, str) and id(inner) not in docstrings \
                        and " " in inner.value:
                    hints.add(inner.value[len("hint: "):] if inner.value.startswith("hint: ") else inner.value)
    hints.discard("")


def _collect_notes(node, notes):
    """Notes for the student: `notes.append(x)` (`self.notes.append(x)` too), `notes = [x]` (also in a tuple
    assignment), `undefined[k] = x`, `undefined.setdefault(k, x)`."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "append" \
            and _name(node.func.value) == "notes" and node.args:
        notes.update(literals(node.args[0]))
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "setdefault" \
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "undefined" and len(node.args) > 1:
        notes.update(literals(node.args[1]))
    elif isinstance(node, ast.Assign):
        for target in node.targets:
            if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) \
                    and target.value.id == "undefined":
                notes.update(literals(node.value))
            pairs = [(target, node.value)]
            if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                pairs = list(zip(target.elts, node.value.elts))
            for t, v in pairs:
                if isinstance(t, ast.Name) and t.id == "notes" and isinstance(v, ast.List):
                    notes.update(s for e in v.elts for s in literals(e))
