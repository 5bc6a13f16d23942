"""Every student-facing string the catalogs must translate, found by reading grader/ (and the grading-side helpers,
reference/<assignment>/grading.py, whose classic mistakes the hints name) with `ast`.

- categories: the 2nd argument (or `category=`) of every `Fail(...)` (and of `hinted(...)`, the suites' Fail
  with its hint in the message), and `category=` of every `Outcome(...)` (and the hint in its `extra=`);
- hints: `hint=` of every `Fail(...)` / `hinted(...)` and assignments `hint = "..."`; strings written as
  `"hint: ..."`; the `why` of static rules (`MaxLoops(n, why)`, `ForbidCalls(names, why)`); the (what, hint) pairs of `HINTS`
  tables; the strings (with a space, not docstrings) in the diagnosis rules a suite gives in `hints=`
  (a function whose name ends in `hints`).
- notes: `notes.append(...)`, lists assigned to `notes`, `undefined[name] = ...` (notebook globals), and what
  is given to a function that appends its parameter to the notes (`_note(ctx, text)`).
Literals count, and the format strings of `"..." % x` and f-strings (their fields become `%s`): the catalogs
hold templates, matched against the formatted text at run time. Computed strings cannot be collected.
"""
import ast
import glob
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


# the written answers' parsers (shipped to the student kit too): their errors reach students
PARSERS = tuple(os.path.join(os.path.dirname(GRADER), "reference", "analytic", name)
                for name in ("parse.py", "forms.py"))
PARSER_PREFIXES = ("not an expression: ", "not a number: ", "not a matrix: ")


def every_key(root=GRADER, parsers=PARSERS):
    """{table: keys} every catalog must have: categories, hints and notes (read here), message lines
    (messages.py) — also those of the written answers' parser, whose reasons are shown after their prefix and
    alone as a hint. A text that is a hint or a category is looked up there, not among the messages."""
    from .messages import Collector, Source, is_key, trees
    notes = set()
    categories, hints = collect(root, notes)
    grading = []                    # reference/<assignment>/grading.py: the classic mistakes the hints name
    for path in sorted(glob.glob(os.path.join(os.path.dirname(GRADER), "reference", "*", "grading.py"))):
        with open(path, encoding="utf-8") as f:
            grading.append(ast.parse(f.read()))
    every = Source(trees(root) + grading)   # through wrappers (`hinted(message, category, hint=...)`), variables:
    categories |= Collector(every, {"Fail": (1, "category")}, only=True, labels=()).collect(lines=False)
    hints |= Collector(every, {"Fail": (99, "hint")}, only=True, labels=()).collect(lines=False)
    hints |= Collector(every).rule_texts({"check_value": 4, "check_array": 4, "diagnose": 2, "assignment_hint": 2})
    hints |= Collector(every).table_texts()
    found = Collector(every)
    messages = found.collect()
    hints |= found.hint_lines          # `"...\nhint: ..."` written into a message
    parsed = []
    for parser in parsers:
        if os.path.exists(parser):
            with open(parser, encoding="utf-8") as f:
                parsed.append(ast.parse(f.read()))
    if parsed:
        found = Collector(parsed, sinks={"AnswerParseError": (0, None)}).collect()
        messages |= {m[len(p):] for m in found for p in PARSER_PREFIXES if m.startswith(p) and is_key(m[len(p):])}
        messages |= {p + "%s" for p in PARSER_PREFIXES}
    notes |= forwarded_notes([m.tree for m in every.modules])
    hints = {h for h in hints if is_key(h)}    # not a fragment of code formatted into a hint (`a%d%d`, `reg·%s`)
    return {"categories": categories, "hints": hints, "notes": notes, "messages": messages - hints - categories}


def forwarded_notes(trees):
    """The notes passed to functions that append a parameter to a `notes` list (`_note(ctx, text)`, which does
    `ctx.notes.append(text)`): the literals their callers give for it."""
    forwarders = {}
    for tree in trees:
        for fn in ast.walk(tree):
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                params = [a.arg for a in fn.args.args]
                for call in ast.walk(fn):
                    if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) \
                            and call.func.attr == "append" and _name(call.func.value) == "notes" and call.args \
                            and isinstance(call.args[0], ast.Name) and call.args[0].id in params:
                        forwarders[fn.name] = (params.index(call.args[0].id), call.args[0].id)
    notes = set()
    for tree in trees:
        for call in ast.walk(tree):
            if isinstance(call, ast.Call) and _name(call.func) in forwarders:
                arg = _arg(call, *forwarders[_name(call.func)])
                notes.update(literals(arg) if arg is not None else [])
    return notes


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
            elif name == "Outcome":
                if _arg(node, 99, "category") is not None:
                    categories.update(literals(_arg(node, 99, "category")))
                extra = _arg(node, 99, "extra")        # extra={"hint": ...}
                if isinstance(extra, ast.Dict):
                    hints.update(s for k, v in zip(extra.keys, extra.values)
                                 if isinstance(k, ast.Constant) and k.value == "hint" for s in literals(v))
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
