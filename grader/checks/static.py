"""static: rules read from the student's source with `ast` in the parent — no code runs, so monkeypatching
cannot fool them. Names are resolved through the file's imports (`import numpy as np`,
`from numpy.linalg import norm as n`), and dynamic lookups (getattr, eval, __import__) are refused where a rule
forbids calls."""
import ast
from dataclasses import dataclass

from ..profiles import applies
from ..spec import Check
from .validate import Fail

LOOPS = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
DYNAMIC = {"getattr", "eval", "exec", "__import__", "compile", "globals", "vars", "importlib.import_module"}


def aliases(tree):
    """name in the file -> the full dotted name it stands for."""
    table = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                table[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for a in node.names:
                table[a.asname or a.name] = "%s.%s" % (node.module, a.name)
    return table


def dotted(node):
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def full_name(name, table):
    head, _, rest = name.partition(".")
    base = table.get(head, head)
    return base + ("." + rest if rest else "")


@dataclass
class MaxLoops:
    n: int = 0
    why: str = "this function must be vectorized"

    def __call__(self, node, tree, label):
        loops = [n for n in ast.walk(node) if isinstance(n, LOOPS)]
        if len(loops) > self.n:
            kind = type(loops[self.n]).__name__.replace("Comp", " comprehension").replace("Exp", " expression")
            raise Fail("%s has %d Python loop(s) (%s on line %d); %s"
                       % (label, len(loops), kind.lower(), loops[self.n].lineno,
                          "no loops allowed" if self.n == 0 else "at most %d allowed" % self.n),
                       "uses loops", hint=self.why)


@dataclass
class ForbidCalls:
    names: tuple                      # full dotted names, e.g. "numpy.linalg.norm"; a prefix forbids a module
    why: str = ""

    def __call__(self, node, tree, label):
        table = aliases(tree)
        for n in ast.walk(node):
            if isinstance(n, (ast.Call, ast.Attribute, ast.Name)):
                name = dotted(n.func if isinstance(n, ast.Call) else n)
                if name is None:
                    continue
                full = full_name(name, table)
                if full in DYNAMIC or name in DYNAMIC:
                    raise Fail("%s uses %s (line %d): dynamic lookups are not allowed here"
                               % (label, name, n.lineno), "forbidden call", hint=self.why)
                for banned in self.names:
                    if full == banned or full.startswith(banned + "."):
                        raise Fail("%s uses %s (line %d), which this exercise does not allow. %s"
                                   % (label, full, n.lineno, self.why), "forbidden call", hint=self.why)


@dataclass
class ForbidImports:
    modules: tuple

    def __call__(self, node, tree, label):
        for n in ast.walk(tree):
            names = [a.name for a in n.names] if isinstance(n, ast.Import) else \
                [n.module or ""] if isinstance(n, ast.ImportFrom) else []
            for name in names:
                if name.split(".")[0] in self.modules:
                    raise Fail("the file imports %s (line %d), which this assignment does not allow"
                               % (name, n.lineno), "forbidden import")


@dataclass
class NoCallsTo:
    symbols: tuple                    # other graded functions this one must not lean on

    def __call__(self, node, tree, label):
        for n in ast.walk(node):
            if isinstance(n, (ast.Attribute, ast.Name)):
                name = n.attr if isinstance(n, ast.Attribute) else n.id
                if name in self.symbols:
                    raise Fail("%s refers to %s (line %d): implement it on its own"
                               % (label, name, n.lineno), "calls another version",
                               hint="each version must be implemented separately")


@dataclass
class Static(Check):
    target: str = ""                  # "function" or "Class.method"
    rules: tuple = ()
    kind: str = "static"

    def run(self, ctx):
        ctx.require([self.target])
        hints = ctx.assignment.symbols.get(self.target.split(".")[0], ())
        src, node = ctx.submission.definition(self.target, hints, ctx.assignment.name)
        if node is None:
            raise Fail("no definition of %s was found in %s to inspect (it must be written as a plain def)"
                       % (self.target, src.path if src else "the submission"), "not inspectable")
        label = "%s (%s)" % (self.target, src.path)
        for rule in self.rules:
            if applies(ctx.profile, getattr(rule, "when", None)):   # Only(convention, rule): by profile
                rule(node, src.tree, label)
        return "the source of %s follows the rules" % self.target
