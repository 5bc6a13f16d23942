"""What a student can make of the student kit's own code: every function and class in it (the suites and check
kinds of its grader/, and every file of its assignments/, PROVIDED helpers included), and what its factories
return with their default arguments (`adam = adam_like()`), bound to every graded name whose signature it
fits. tests/test_release.py shows that none of them reproduces the reference on the inputs of the checks.

Generic: the graded names, their stubs and the checks come from `grader.spec`, so an assignment added later
is covered without a change here. Infrastructure modules (cli, batch, sandbox, reports...) are not called:
they compute no course answer, and calling them with arrays could act on the machine."""
import ast
import contextlib
import copy
import dataclasses
import functools
import importlib
import inspect
import os
import json
import pkgutil
import resource
import signal
import subprocess
import sys
import types

import numpy as np

import grader
from grader import spec
from grader.checks.context import Context
from grader.course import Course
from grader.sandbox.plan import LocalRunner, Ref
from grader.sandbox import worker as wire
from grader.sandbox.worker import Handle, TensorValue
from grader.submission import prepare

COURSE_CODE = ("grader.suites", "grader.checks")     # the kit's grader code that knows the course's answers
NOT_SCREENED = ("grader.checks.bounded",)            # runs the callable it is given in a forked child: it computes
                                                     # nothing itself, and a fork per stand-in call breaks the screen
VALUE_KINDS = ("compare", "gradient", "property")    # static and speed checks read or time code, not values
CALL_SECONDS = 1.0                                   # one stand-in's answer to one question
MEMORY = 6 << 30                                     # address space of the screening process (torch included)
PLANS_PER_SYMBOL = 3                                 # questions per graded symbol, the shortest plans first


# ---------------------------------------------------------------- the kit's code

def kit_grader_is_this_grader(kit):
    """The kit's grader/ is this checkout's, file for file (so its functions can be imported from here); what
    release writes into grader/studentkit/_data (the recordings, the written answers' parsers) is the kit's own."""
    here = os.path.dirname(os.path.abspath(grader.__file__))
    differ = []
    for dirpath, dirnames, files in os.walk(os.path.join(kit, "grader")):
        dirnames[:] = [d for d in dirnames if os.path.join(dirpath, d) != os.path.join(kit, "grader", "studentkit",
                                                                                       "_data")]
        for name in files:
            if name.endswith(".py"):
                rel = os.path.relpath(os.path.join(dirpath, name), kit)
                mine = os.path.join(os.path.dirname(here), rel)
                if not os.path.exists(mine) or open(mine, "rb").read() != open(os.path.join(kit, rel), "rb").read():
                    differ.append(rel)
    return differ


def course_modules(kit):
    """The kit's suites and check kinds (imported from this checkout), and its assignments' modules (imported
    from the kit, as the package `_kit_assignments`)."""
    mods = [importlib.import_module(info.name) for info in pkgutil.walk_packages(grader.__path__, "grader.")
            if info.name.startswith(COURSE_CODE) and not info.name.endswith("__main__")
            and info.name not in NOT_SCREENED]
    for name in [m for m in sys.modules if m.split(".")[0] == "_kit_assignments"]:
        del sys.modules[name]                            # another kit's, imported earlier
    package = types.ModuleType("_kit_assignments")
    package.__path__ = [os.path.join(kit, "assignments")]
    sys.modules["_kit_assignments"] = package
    for name in sorted(os.listdir(package.__path__[0])):
        folder = os.path.join(package.__path__[0], name)
        for f in sorted(os.listdir(folder)) if os.path.isdir(folder) else ():
            if f.endswith(".py"):
                mods.append(importlib.import_module("_kit_assignments.%s.%s" % (name, f[:-3])))
    return mods


def stub(kit_modules, assignment, symbol):
    for mod in kit_modules:
        parts = mod.__name__.split(".")
        if parts[0] == "_kit_assignments" and parts[1] == assignment and symbol in vars(mod):
            return vars(mod)[symbol]
    return None


def factories(mod):
    """Top-level functions of `mod` that return a function they define (closures such as adam_like)."""
    try:
        tree = ast.parse(inspect.getsource(mod))
    except (OSError, TypeError):
        return set()
    found = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            inner = {n.name for n in ast.walk(node) if isinstance(n, ast.FunctionDef) and n is not node}
            if any(isinstance(r, ast.Return) and (isinstance(r.value, ast.Lambda) or
                                                 isinstance(r.value, ast.Name) and r.value.id in inner)
                   for r in ast.walk(node)):
                found.add(node.name)
    return found


def _reachable(value, depth=0, seen=None):
    """Functions inside module-level tables: lists, dicts, tuples, dataclasses (MISTAKES, ACCEPTED, CHECKS)."""
    seen = set() if seen is None else seen
    if id(value) in seen or depth > 5:
        return
    seen.add(id(value))
    if isinstance(value, types.FunctionType):
        yield value
    elif isinstance(value, (list, tuple, set, frozenset)):
        for v in value:
            yield from _reachable(v, depth + 1, seen)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _reachable(v, depth + 1, seen)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _reachable(getattr(value, f.name), depth + 1, seen)


def candidates(kit_modules):
    """{label: callable}: every function and class defined in the modules, what their factories make with
    default arguments, and the functions their module-level tables hold."""
    out, seen = {}, set()

    def add(label, obj):
        if id(obj) not in seen:
            seen.add(id(obj))
            out[label] = obj
    for mod in kit_modules:
        made = factories(mod)
        for name, value in sorted(vars(mod).items()):
            if isinstance(value, (types.FunctionType, type)) and value.__module__ == mod.__name__:
                add("%s.%s" % (mod.__name__, name), value)
                if name in made:
                    try:
                        inspect.signature(value).bind()
                        product = value()
                    except Exception:
                        continue
                    if callable(product):
                        add("%s.%s()" % (mod.__name__, name), product)
            elif not isinstance(value, types.ModuleType) and not name.startswith("__"):
                for i, fn in enumerate(_reachable(value)):
                    if fn.__module__ == mod.__name__:
                        add("%s.%s[%d]" % (mod.__name__, name, i), fn)
    return out


def fits(stub_obj, candidate):
    """Whether `candidate` can stand in for the stub: a class with the stub's methods, or a function that takes
    the stub's positional arguments (with and without the optional ones)."""
    if isinstance(stub_obj, type):
        if not isinstance(candidate, type):
            return False
        wanted = {n for n, v in vars(stub_obj).items() if callable(v) and (n == "__init__" or not n.startswith("__"))}
        return all(callable(getattr(candidate, n, None)) for n in wanted)
    if isinstance(candidate, type) or not callable(candidate):
        return False
    params = [p for p in inspect.signature(stub_obj).parameters.values()
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return all(takes(candidate, n) for n in (len([p for p in params if p.default is p.empty]), len(params)))


@functools.lru_cache(maxsize=None)
def takes(candidate, n):
    """Whether `candidate` can be called with n positional arguments."""
    try:
        inspect.signature(candidate).bind(*range(n))
        return True
    except (TypeError, ValueError):
        return False


# ---------------------------------------------------------------- the checks' questions, and the reference's answers

class Spy:
    """Both sides played by the reference, one runner: a plan asked of both is run once; every plan is kept
    with its reply."""

    def __init__(self, table):
        self.runner, self.seen = LocalRunner(table.__getitem__), []

    def run(self, plan, timeout=None):
        if self.seen and self.seen[-1][0] is plan:
            return copy.deepcopy(self.seen[-1][1])
        reply = self.runner.run(plan, timeout)
        self.seen.append((plan, reply))
        return copy.deepcopy(reply)


def questions(assignment, course, stubs_folder, tmp, enough=PLANS_PER_SYMBOL):
    """[(plan, reply)] the visible value checks of `assignment` ask, answered by the reference (until every
    symbol has `enough` questions); the reference's table."""
    from grader.run import run_check
    table = assignment.reference(course)
    submission = prepare(stubs_folder, os.path.join(tmp, assignment.name))
    spy = Spy(table)
    ctx = Context(assignment, submission, spy, spy, course)
    passed = {c.name for c in assignment.checks}        # the reference passes them: no check waits for another

    def short(symbol, want):
        return sum(bool(answered_by(p, symbol)) for p, _ in spy.seen) < want
    for kinds in (("compare",), VALUE_KINDS):          # comparisons first: they ask the plainest questions
        for check in assignment.checks:
            wanted = any(short(symbol, enough) for symbol in check.symbols)
            if check.visibility == spec.VISIBLE and check.kind in kinds and wanted:
                run_check(check, ctx, passed)
    return spy.seen, table


def answered_by(plan, symbol):
    """Positions of the plan's returned values that steps of `symbol` produced (its calls, methods of the
    objects it made, and values the plan stores that hold either)."""
    own = set()
    for step in plan.steps:
        if _calls(step, symbol, own) or "let" in step and _refers(step["value"], own):
            own.add(step.get("as") or step.get("let"))
    return [i for i, ref in enumerate(plan._returns) if ref.name in own]


def _refers(value, names):
    if isinstance(value, Ref):
        return value.name in names
    if isinstance(value, (list, tuple)):
        return any(_refers(v, names) for v in value)
    if isinstance(value, dict):
        return any(_refers(v, names) for v in value.values())
    return False


def same(a, b):
    """Equal answers (within the grader's tolerances); None when nothing comparable (handles only)."""
    if isinstance(a, (Handle, TensorValue)) or isinstance(b, (Handle, TensorValue)):
        a, b = getattr(a, "array", a), getattr(b, "array", b)
        if isinstance(a, Handle) or isinstance(b, Handle):
            return None
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        if len(a) != len(b):
            return False
        found = [same(x, y) for x, y in zip(a, b)]
        return None if all(f is None for f in found) else all(f is not False for f in found)
    if isinstance(a, dict) and isinstance(b, dict):
        return same([a.get(k) for k in sorted(b, key=str)], list(b[k] for k in sorted(b, key=str))) \
            if set(a) == set(b) else False
    try:
        x, y = np.asarray(a), np.asarray(b)
        if x.dtype.kind in "biufc" and y.dtype.kind in "biufc":
            return (x.dtype.kind == "b") == (y.dtype.kind == "b") and x.shape == y.shape and \
                bool(np.allclose(x, y, rtol=1e-6, atol=1e-9, equal_nan=True))
    except (TypeError, ValueError):
        pass
    try:
        return bool(a == b)
    except Exception:
        return False


NULL = {"first argument": lambda *a, **k: a[0] if a else None, "zeros": lambda *a, **k: np.zeros_like(a[0]),
        "None": lambda *a, **k: None}


class Question:
    """One plan of a check, the reference's reply, and which returned values `symbol` produced. The steps
    before the symbol's first call run once, on the reference; the rest is replayed with any function standing
    in for `symbol` (the other symbols still the reference's)."""

    def __init__(self, plan, reply, positions, table, symbol):
        self.arrays = []
        self.encoded = plan.encode(self.arrays)
        steps = wire.decode_steps(self.encoded, [a.copy() for a in self.arrays])
        self.first = min(i for i, step in enumerate(steps) if _calls(step, symbol, set()) or "setconst" in step)
        self.store = wire.Store()
        wire.execute_plan(steps[:self.first], self.store, lambda name, module: _resolve(table, name))
        self.returns = [(r.name, r.item) for r in plan._returns]
        self.expected = [reply.values[i] for i in positions]
        self.positions, self.table, self.symbol = positions, table, symbol

    def ask(self, candidate):
        """True: `candidate` gives the reference's answer; False: another answer; None: it raised (or ran over
        CALL_SECONDS, or out of memory: `main` runs under an address-space limit)."""
        namespace = dict(self.table, **{self.symbol: candidate})
        store, undo = copy.deepcopy(self.store) if self.store else wire.Store(), []
        steps = wire.decode_steps(self.encoded, [a.copy() for a in self.arrays])[self.first:]
        try:
            with np.errstate(all="ignore"), deadline(CALL_SECONDS):
                failed = wire.execute_plan(steps, store, lambda name, module: _resolve(namespace, name), undo)
            if failed is not None:
                return None
            got = [store.ref(*self.returns[i]) for i in self.positions]
        except Exception:
            return None
        finally:
            wire.undo_constants(undo)
        return bool(same(got, self.expected))


@contextlib.contextmanager
def deadline(seconds):
    """TimeoutError in this (main) thread after `seconds`: a function asked another assignment's question may
    loop for long on it (a size taken for a count)."""
    def expire(signum, frame):
        raise TimeoutError("over %g s" % seconds)
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def stands_in(candidate, questions):
    """Whether `candidate` gives the reference's answer to one of `questions` (asked in order; a candidate that
    raises on a check's question, a valid input, is no stand-in and is not asked further)."""
    for q in questions:
        answer = q.ask(candidate)
        if answer is None:
            return False
        if answer:
            return True
    return False


def _calls(step, symbol, own):
    """Whether a plan step calls `symbol` or a method of an object `symbol` made (names in `own`)."""
    if "call" not in step or step.get("library"):
        return False
    return step["call"].split(".")[0] == symbol and "on" not in step or step.get("on") in own


def _resolve(namespace, name):
    head, *rest = name.split(".")
    obj = namespace[head]
    for part in rest:
        obj = getattr(obj, part)
    return obj


def leaks(kit, tmp, names=None):
    """(found, unasked): [(assignment, symbol, candidate label)] for every kit function that reproduces a
    graded symbol's answer on a question of its visible checks that no trivial function (identity, zeros,
    None) answers; [(assignment, symbol)] for the symbols no such question exists for (random draws judged by
    their statistics, symbols only hidden checks grade): nothing is shown for those."""
    kit_modules = course_modules(kit)
    pool = candidates(kit_modules)
    course = Course()
    every = spec.assignments()
    found, unasked = [], []
    for assignment in every:
        if not assignment.symbols or names is not None and assignment.name not in names:
            continue
        seen, table = questions(assignment, course, os.path.join(kit, "assignments", assignment.name), tmp)
        for symbol in assignment.symbols:
            stub_obj = stub(kit_modules, assignment.name, symbol)
            assert stub_obj is not None, "the kit has no stub of %s.%s" % (assignment.name, symbol)
            asked = [Question(p, r, answered_by(p, symbol), table, symbol)
                     for p, r in sorted(seen, key=lambda pr: len(pr[0].steps)) if r.ok and answered_by(p, symbol)]
            asked = [q for q in asked if not any(q.ask(null) for null in NULL.values())][:PLANS_PER_SYMBOL]
            if not asked:
                unasked.append((assignment.name, symbol))
            for label, candidate in pool.items():
                if asked and fits(stub_obj, candidate) and stands_in(candidate, asked):
                    found.append((assignment.name, symbol, label))
    return found, unasked


def screen(kit, tmp, names=None):
    """`leaks` in a child process under an address-space limit (a function asked for a count may take it for
    a size and allocate it): (found, unasked) as lists of lists."""
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    proc = subprocess.run([sys.executable, os.path.abspath(__file__), kit, tmp] + list(names or ()),
                          capture_output=True, text=True, preexec_fn=limit, timeout=900,
                          env=dict(os.environ, PYTHONPATH=os.pathsep.join(
                              [os.path.dirname(os.path.dirname(os.path.abspath(grader.__file__)))] +
                              os.environ.get("PYTHONPATH", "").split(os.pathsep))))
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.splitlines()[-1])


if __name__ == "__main__":
    import warnings
    warnings.simplefilter("ignore")
    print(json.dumps(leaks(sys.argv[1], sys.argv[2], sys.argv[3:] or None)))
